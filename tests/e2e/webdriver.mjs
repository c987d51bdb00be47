// A minimal W3C WebDriver client over fetch: enough to drive the real CSP Desk window
// through tauri-driver without pulling a browser-automation framework into the repo.
import { setTimeout as sleep } from "node:timers/promises";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {}

async function request(base, method, path, body) {
  // A stuck driver must fail the run, not hang CI: every call has a deadline.
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60000),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new WebDriverError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!res.ok || (json.value && json.value.error)) {
    const err = new WebDriverError(`${method} ${path}: ${json.value?.error ?? res.status}: ${json.value?.message ?? text.slice(0, 200)}`);
    err.code = json.value?.error;
    throw err;
  }
  return json.value;
}

/** Starts the app under the driver and returns a session. */
export async function launch(base, application, args = []) {
  const value = await request(base, "POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
  });
  return new Session(base, value.sessionId);
}

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  /** Waits until a CSS selector matches and returns the element id. */
  async find(css, { timeoutMs = 15000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
        return el[ELEMENT];
      } catch (e) {
        // Only "not there yet" is worth waiting for; a dead session should fail at once.
        if (e.code !== "no such element") throw e;
        last = e;
        await sleep(150);
      }
    }
    throw new WebDriverError(`no element matches ${css} after ${timeoutMs} ms (${last?.message})`);
  }

  async findAll(css) {
    // A virtualized list may re-render between WebKit's match and its handles: ask again.
    for (let attempt = 1; ; attempt++) {
      try {
        const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
        return els.map((e) => e[ELEMENT]);
      } catch (e) {
        if (e.code !== "stale element reference" || attempt >= 5) throw e;
        await sleep(100);
      }
    }
  }

  async text(css) {
    return this.cmd("GET", `/element/${await this.find(css)}/text`);
  }

  /** The DOM's textContent, for elements whose rendered text WebDriver reports empty (clipped lines). */
  async textContent(css) {
    const el = await this.find(css);
    return this.cmd("POST", "/execute/sync", {
      script: "return arguments[0].textContent;",
      args: [{ [ELEMENT]: el }],
    });
  }

  async click(css) {
    await this.cmd("POST", `/element/${await this.find(css)}/click`, {});
  }

  async type(css, text) {
    const el = await this.find(css);
    await this.cmd("POST", `/element/${el}/clear`, {});
    await this.cmd("POST", `/element/${el}/value`, { text });
  }

  async value(css) {
    return this.cmd("GET", `/element/${await this.find(css)}/property/value`);
  }

  /** Polls until `probe` returns a truthy value. */
  async until(probe, what, { timeoutMs = 15000 } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        const v = await probe();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await sleep(150);
    }
    throw new WebDriverError(`timed out waiting for ${what}${last ? ` (${last.message})` : ""}`);
  }

  async navigate(hash) {
    await this.cmd("POST", "/execute/sync", { script: "window.location.hash = arguments[0]; return true;", args: [hash] });
  }

  async screenshotPng() {
    // A DOM change can take a frame to paint; give WebKit time before capturing.
    await sleep(600);
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  async quit() {
    await request(this.base, "DELETE", `/session/${this.id}`);
  }
}
