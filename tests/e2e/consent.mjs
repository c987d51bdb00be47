// The emulator's consent page played over HTTP, as the user's browser would: shared by the
// tests that sign the sandbox partner in.
import assert from "node:assert/strict";

/** Plays the user's browser on the consent page: pick the account, press Accept, follow the redirect. */
export async function acceptConsent(authorizeUrl) {
  const page = await fetch(authorizeUrl, { redirect: "manual", signal: AbortSignal.timeout(20000) });
  assert.equal(page.status, 200, "the authorize URL serves the consent page");
  const html = await page.text();
  assert.match(html, /Accept/);
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    form.append(name, value.replaceAll("&amp;", "&").replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&#39;", "'"));
  }
  const admin = html.match(/<option value="(admin@[^"]+)"/);
  assert.ok(admin, "the consent page offers the sandbox admin");
  form.append("user", admin[1]);
  form.append("decision", "accept");
  const action = new URL(authorizeUrl);
  const answer = await fetch(`${action.origin}${action.pathname}`, { method: "POST", body: form, redirect: "manual", signal: AbortSignal.timeout(20000) });
  assert.ok([302, 303].includes(answer.status), `consent answers with a redirect, got ${answer.status}`);
  const back = answer.headers.get("location");
  assert.match(back, /^http:\/\/(127\.0\.0\.1|localhost):\d+[/?]/, "the redirect goes to the app's loopback listener");
  const landed = await fetch(back, { signal: AbortSignal.timeout(20000) });
  assert.equal(landed.status, 200, "the app's listener takes the code and thanks the browser");
  return admin[1];
}

