// Discovery in the real app window on the sandbox partner: sign in, Start, watch In Progress
// with a moving progress bar, Stop (Stopped), Start again (Completed), then browse Customers
// and Subscriptions. Screenshots of each state go to the artifacts folder.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { launch } from "./webdriver.mjs";
import { acceptConsent } from "./consent.mjs";
import { startAzurite } from "./azurite.mjs";
import { violations } from "./axe.mjs";

const driver = process.env.WEBDRIVER_URL;
const app = process.env.CSPDESK_APP;
const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), "cspdesk-e2e");
assert.ok(driver && app, "run through `cargo xtask test` (WEBDRIVER_URL and CSPDESK_APP are set there)");
mkdirSync(artifacts, { recursive: true });

const db = join(mkdtempSync(join(tmpdir(), "cspdesk-e2e-discovery-")), "e2e.sqlite3");
let session;
let panel;

after(async () => {
  await session?.quit().catch(() => {});
  // A filled database is hundreds of MB: kept only when asked (E2E_KEEP_DB=1), to look into a failure.
  if (!process.env.E2E_KEEP_DB) rmSync(dirname(db), { recursive: true, force: true });
});

const shot = async (name) => writeFileSync(join(artifacts, `${name}.png`), await session.screenshotPng());
/** Scrolls the Discovery panel into view, for the screenshots. */
const showPanel = () =>
  session.cmd("POST", "/execute/sync", { script: "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return true;", args: [panel] });
const state = () => session.text(`${panel} [data-testid=discovery-state]`);
async function progressValue() {
  const el = await session.find(`${panel} [data-testid=discovery-progress]`, { timeoutMs: 2000 });
  return Number(await session.cmd("GET", `/element/${el}/property/value`));
}

test("the sandbox partner signs in and its Discovery panel says Not started", async () => {
  session = await launch(driver, app, ["--db", db]);
  await session.click("[data-testid=try-sandbox]");
  await session.until(async () => (await session.findAll("[data-testid=account-row]")).length === 1, "the sandbox account row");
  await session.click("[data-testid=signin-login]");
  const url = await session.until(async () => {
    const el = await session.find("[data-testid=signin-url]");
    return session.cmd("GET", `/element/${el}/property/value`);
  }, "the sign-in link while waiting");
  await acceptConsent(url);
  await session.until(async () => (await session.text("[data-testid=signin-upn]")).length > 0, "the signed-in user");
  const panels = await session.findAll("[data-testid^=discovery-panel-]");
  assert.equal(panels.length, 1, "one Discovery panel per account");
  const id = await session.cmd("GET", `/element/${panels[0]}/attribute/data-testid`);
  panel = `[data-testid=${id}]`;
  assert.equal(await state(), "Not started");
  // The setup path's next step is in view after sign-in, without scrolling (1280x800).
  const inView = await session.cmd("POST", "/execute/sync", {
    script: `const b = document.querySelector(arguments[0]).getBoundingClientRect();
      return { top: b.top, bottom: b.bottom, height: window.innerHeight, current: document.querySelector("[aria-current=step]")?.textContent ?? null };`,
    args: [`${panel} [data-testid=discovery-start]`],
  });
  assert.ok(inView.top >= 0 && inView.bottom <= inView.height, `Start Discovery in view after sign-in: ${JSON.stringify(inView)}`);
  assert.match(inView.current ?? "", /Run Discovery/, "the setup path is at its Discovery step");
  await shot("accounts-signed-in");
  await showPanel();
  await shot("discovery-not-started");
});

test("Start: In progress with a moving progress bar, then Stop: Stopped", async () => {
  await session.click(`${panel} [data-testid=discovery-start]`);
  await session.until(async () => ((await state()) === "In progress" ? true : null), "In progress");
  const first = await session.until(async () => {
    const v = await progressValue().catch(() => null);
    return v !== null && v > 0 ? v : null;
  }, "the progress bar to move off zero", { timeoutMs: 30000 });
  const later = await session.until(async () => {
    const v = await progressValue().catch(() => null);
    return v !== null && v > first ? v : null;
  }, "the progress bar to move on", { timeoutMs: 30000 });
  assert.ok(later > first, `progress moved from ${first} to ${later}`);
  const rows = await session.text(`${panel} [data-testid=discovery-rows]`);
  assert.match(rows, /\d/, "rows written are counted");
  await showPanel();
  await shot("discovery-in-progress");
  await session.click(`${panel} [data-testid=discovery-stop]`);
  await session.until(async () => ((await state()) === "Stopped" ? true : null), "Stopped", { timeoutMs: 30000 });
  await showPanel();
  await shot("discovery-stopped");
  const history = await session.findAll(`${panel} [data-testid=discovery-run]`);
  assert.equal(history.length, 1, "the stopped run is in the history");
});

test("Start again: the run resumes and ends Completed", async () => {
  await session.click(`${panel} [data-testid=discovery-start]`);
  await session.until(async () => ((await state()) === "In progress" ? true : null), "In progress again");
  // New commerce's billing comes through Microsoft Graph's exports: the panel names each one
  // under way and its phase (Microsoft preparing, blob k of n) while the run reads them.
  let exportsSeen = null;
  await session.until(async () => {
    if (exportsSeen === null && (await session.findAll(`${panel} [data-testid=discovery-export]`)).length > 0) {
      exportsSeen = await session.text(`${panel} [data-testid=discovery-exports]`);
      await showPanel();
      await shot("discovery-exports");
    }
    return (await state()) === "Completed" ? true : null;
  }, "Completed", { timeoutMs: 240000 });
  assert.ok(exportsSeen, "the panel showed the Graph exports under way");
  assert.match(exportsSeen, /Microsoft Graph billing exports: \d+/, exportsSeen);
  assert.match(exportsSeen, /export of .+: (requested|Microsoft preparing|blob \d+ of \d+|writing)/, exportsSeen);
  const last = await session.text(`${panel} [data-testid=discovery-last-success]`);
  assert.ok(last.length > 0, "the last success is shown");
  await showPanel();
  await shot("discovery-completed");
  // The history lists every import; Microsoft's prices read after a Discovery run (the months'
  // sheets, FX rates and licence sheets) are one run of their own (kind pricing), not one per file.
  const history = await session.findAll(`${panel} [data-testid=discovery-run][data-kind=discovery]`);
  assert.equal(history.length, 2);
  const prices = await session.findAll(`${panel} [data-testid=discovery-run][data-kind=pricing]`);
  assert.ok(prices.length > 0, "the months' Pricing API sheets were read after the run");
  assert.ok(prices.length <= history.length, `one prices run per Discovery run at most, saw ${prices.length}`);
});

test("Customers lists the discovered customers and opens one customer's subscriptions", async () => {
  await session.navigate("#/customers");
  const count = await session.until(async () => {
    const t = await session.text("[data-testid=customer-count]").catch(() => "");
    const n = Number((t.match(/[\d,]+/) ?? ["0"])[0].replaceAll(",", ""));
    return n > 0 ? n : null;
  }, "the customer count");
  assert.ok(count >= 100, `the sandbox partner has about 200 customers, saw ${count}`);
  const rows = await session.findAll("[data-testid=customer-row]");
  assert.ok(rows.length > 0 && rows.length < count, `rows are virtualized: ${rows.length} of ${count} in the DOM`);
  await session.type("[data-testid=customer-search]", "a");
  await shot("customers");
  // WebKit's driver does not click table rows; a click on the row's cell bubbles to it.
  const firstCell = (await session.findAll("[data-testid=customer-row] td:nth-child(2)"))[0];
  await session.cmd("POST", `/element/${firstCell}/click`, {});
  const title = await session.until(async () => {
    const t = await session.text("[data-testid=subscriptions-title]").catch(() => "");
    return t.length > 0 ? t : null;
  }, "one customer's subscriptions");
  assert.ok(title.length > 0);
  const subs = await session.until(async () => {
    const r = await session.findAll("[data-testid=subscription-row]");
    return r.length > 0 ? r : null;
  }, "subscription rows");
  assert.ok(subs.length > 0);
  await shot("subscriptions-of-customer");
  await session.navigate("#/subscriptions");
  await session.until(async () => (await session.findAll("[data-testid=subscription-row]")).length > 0, "all subscriptions");
  await shot("subscriptions");
});

test("Customers -> a customer -> Back restores the search, the sort and the scroll position", async () => {
  const js = (script, args = []) => session.cmd("POST", "/execute/sync", { script, args });
  await session.navigate("#/customers");
  await session.until(async () => (await session.findAll("[data-testid=customer-row]")).length > 0, "customer rows");
  // Every sandbox domain ends in onmicrosoft.com: "o" keeps enough rows to scroll.
  await session.type("[data-testid=customer-search]", "o");
  const shown = await session.until(async () => {
    const t = await session.text("[data-testid=customer-count]").catch(() => "");
    const n = Number((t.match(/[\d,]+/) ?? ["0"])[0].replaceAll(",", ""));
    return /filtered/.test(t) || n > 0 ? n : null;
  }, "the searched count");
  assert.ok(shown >= 30, `enough customers to scroll: ${shown}`);
  await session.click("[data-testid=sort-subscriptions]");
  await session.click("[data-testid=sort-subscriptions]");
  const sortState = () =>
    js("return document.querySelector('[data-testid=sort-subscriptions]').closest('th').getAttribute('aria-sort');");
  assert.equal(await sortState(), "descending");
  const top = await js(`const view = document.querySelector("[data-testid=customer-table]");
    view.scrollTop = 12 * 36;
    view.dispatchEvent(new Event("scroll"));
    return view.scrollTop;`);
  assert.ok(top > 0, `the table scrolled: ${top}`);
  // The view is written into the route a moment after the scroll.
  const written = await session.until(async () => {
    const h = await js("return window.location.hash;");
    return /[?&]top=\d+/.test(h) && /[?&]q=o(&|$)/.test(h) && /sort=subscriptions\.descending/.test(h) ? h : null;
  }, "search, sort and scroll in the route");
  const namesInView = () =>
    js(`const view = document.querySelector("[data-testid=customer-table]");
      const box = view.getBoundingClientRect();
      return [...document.querySelectorAll("[data-testid=customer-row]")]
        .filter((r) => { const b = r.getBoundingClientRect(); return b.top >= box.top + 30 && b.bottom <= box.bottom; })
        .map((r) => r.querySelector("[data-col=company]").textContent);`);
  const before = await namesInView();
  assert.ok(before.length > 0, "rows in view");
  await shot("customers-before-open");
  // A customer in view, opened by a click on its company cell (WebKit's driver does not click rows).
  const cell = await js(`const view = document.querySelector("[data-testid=customer-table]");
    const box = view.getBoundingClientRect();
    const row = [...document.querySelectorAll("[data-testid=customer-row]")]
      .find((r) => r.getBoundingClientRect().top >= box.top + 40);
    return row.querySelector("[data-col=company]");`);
  await session.cmd("POST", `/element/${Object.values(cell)[0]}/click`, {});
  await session.until(async () => (await session.text("[data-testid=subscriptions-title]").catch(() => "")).length > 0, "the customer's subscriptions");

  await session.cmd("POST", "/back", {});
  await session.until(async () => (await session.findAll("[data-testid=customer-row]")).length > 0, "Back: Customers again");
  assert.equal(await session.value("[data-testid=customer-search]"), "o", "the search is restored");
  assert.equal(await sortState(), "descending", "the sort is restored");
  const restored = await session.until(async () => {
    const t = await js("return document.querySelector('[data-testid=customer-table]').scrollTop;");
    return Math.abs(t - top) <= 1 ? t : null;
  }, `the scroll position ${top} restored`);
  assert.ok(Math.abs(restored - top) <= 1);
  assert.deepEqual(await namesInView(), before, "the same customers are in view");
  assert.equal((await js("return window.location.hash;")).split("?")[1], written.split("?")[1]);
  await shot("customers-after-back");
});

/** Sets a form field the way typing would, for inputs WebKit's driver cannot type into (dates). */
const setField = (css, value) =>
  session.cmd("POST", "/execute/sync", {
    script: `const el = document.querySelector(arguments[0]);
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set.call(el, arguments[1]);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
      return true;`,
    args: [css, value],
  });
/**
 * Runs `probe` with a Customers column that is hidden by default (in the column chooser) shown,
 * then hides it again: the choice is remembered, and later screenshots show the default layout.
 */
async function withCustomerColumn(key, probe) {
  const chooser = "[data-testid=customer-table-columns]";
  const box = `${chooser} [data-testid=column-${key}]`;
  await session.click(`${chooser} summary`);
  await session.click(box);
  try {
    return await probe();
  } finally {
    await session.click(box);
    await session.click(`${chooser} summary`);
  }
}

/** The customer row (as a CSS selector) whose company cell reads `name`, with its cost/resale/margin texts. */
async function customerFigures(name) {
  return session.cmd("POST", "/execute/sync", {
    script: `for (const row of document.querySelectorAll("[data-testid=customer-row]")) {
        const company = row.querySelector("[data-col=company]")?.textContent ?? "";
        if (arguments[0] === null || company.includes(arguments[0])) {
          const cell = (k) => row.querySelector("[data-col=" + k + "]")?.textContent ?? "";
          if (arguments[0] === null && cell("cost") === "—") continue;
          return { company, cost: cell("cost"), resale: cell("resale"), margin: cell("margin") };
        }
      }
      return null;`,
    args: [name],
  });
}

test("Discovery rated the usage: Customers show cost; a markup previews, saves and changes resale and margin", async () => {
  await session.navigate("#/customers");
  await session.until(async () => (await session.findAll("[data-testid=customer-row]")).length > 0, "customer rows");
  const before = await session.until(() => customerFigures(null), "a customer with a month-to-date cost (rated after Discovery)");
  assert.notEqual(before.cost, "—");
  assert.equal(before.resale, before.cost, `without a markup the resale is the cost: ${JSON.stringify(before)}`);
  const company = before.company.split("\n")[0].trim();
  const link = await session.cmd("POST", "/execute/sync", {
    script: `for (const row of document.querySelectorAll("[data-testid=customer-row]")) {
        if ((row.querySelector("[data-col=company]")?.textContent ?? "") === arguments[0])
          return row.querySelector("[data-testid=customer-markup]").getAttribute("href");
      }
      return null;`,
    args: [before.company],
  });
  assert.ok(link, "the customer has a Markup link");
  await session.navigate(link);
  await session.until(async () => (await session.text("[data-testid=markup-title]")).length > 0, "the markup editor");
  await session.type("[data-testid=markup-percent]", "12");
  await session.type("[data-testid=markup-fee]", "50.00");
  // From the first day of last month: the preview's last closed month is then one the change
  // applies to, so Save has an effect to state (and this month's resale changes too).
  const first = new Date();
  first.setDate(1);
  first.setMonth(first.getMonth() - 1);
  const monthStart = `${first.getFullYear()}-${String(first.getMonth() + 1).padStart(2, "0")}-01`;
  await setField("[data-testid=markup-effective-from]", monthStart);
  await session.click("[data-testid=markup-preview-run]");
  const previewRows = await session.until(async () => {
    const rows = await session.findAll("[data-testid=markup-preview-row]");
    return rows.length > 0 ? rows : null;
  }, "the preview of the last closed months", { timeoutMs: 30000 });
  assert.ok(previewRows.length > 0);
  const preview = await session.text("[data-testid=markup-preview-table]");
  assert.match(preview, /\d/, "the preview shows amounts");
  await shot("markup-preview");
  // Save states the effect (from the same preview) before it applies.
  await session.click("[data-testid=markup-save]");
  const confirm = await session.until(async () => {
    const text = await session.text("[data-testid=markup-confirm-save]").catch(() => "");
    return text.length > 0 ? text : null;
  }, "Save stating the effect");
  assert.match(confirm, /resale [+−]/, `Save says what the resale becomes: ${confirm}`);
  await shot("markup-confirm");
  await session.click("[data-testid=markup-confirm-save]");
  await session.until(async () => (await session.text("[data-testid=markup-saved]")).length > 0, "Saved");
  await shot("markup-saved");

  // Searched for by name, so the row is rendered whatever the list's order and scroll.
  await session.navigate(`#/customers?q=${encodeURIComponent(company)}`);
  let seen = null;
  const after = await session.until(async () => {
    const f = await customerFigures(before.company);
    seen = f;
    return f && f.resale !== before.resale ? f : null;
  }, `${company}'s resale to change`, { timeoutMs: 30000 }).catch((e) => {
    throw new Error(`${e.message}; before ${JSON.stringify(before)}, last seen ${JSON.stringify(seen)}`);
  });
  assert.equal(after.cost, before.cost, "the cost stays Microsoft's");
  assert.notEqual(after.margin, before.margin, `the margin changes: ${JSON.stringify({ before, after })}`);
  await shot("customers-after-markup");
});

test("Reconciliation: the last invoiced month matches to the cent, nothing unexplained, resale and margin in view, the strips adding up to the invoices", async () => {
  await session.navigate("#/reconciliation");
  const rows = await session.until(async () => {
    const r = await session.findAll("[data-testid=reconciliation-row]");
    return r.length > 0 ? r : null;
  }, "reconciliation rows", { timeoutMs: 30000 });
  assert.ok(rows.length > 0);
  const totals = await session.findAll("[data-testid=reconciliation-totals] [data-currency]");
  assert.ok(totals.length > 0, "totals per billing currency");
  for (const el of await session.findAll("[data-testid^=unexplained-]")) {
    const text = await session.cmd("GET", `/element/${el}/text`);
    assert.match(text, /^[^1-9]*0[.,]00[^1-9]*$/, `nothing unexplained: ${text}`);
  }
  const verdicts = await session.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-verdict]')].map((e) => e.dataset.verdict);",
    args: [],
  });
  assert.ok(!verdicts.includes("unexplained"), `no customer has an unexplained difference: ${verdicts}`);

  // Name, cost, resale and margin in view at 1280x800, without scrolling sideways.
  const headers = await session.cmd("POST", "/execute/sync", {
    script: `const view = document.querySelector("[data-testid=reconciliation-table]");
      const box = view.getBoundingClientRect();
      return { scrollLeft: view.scrollLeft, width: window.innerWidth, columns: ["customer", "invoiced", "resale", "margin"].map((key) => {
        const th = view.querySelector("[data-testid=sort-" + key + "]").closest("th");
        const b = th.getBoundingClientRect();
        return { key, text: th.textContent, inView: b.width > 0 && b.left >= box.left - 1 && b.right <= Math.min(box.right, window.innerWidth) + 1 };
      }) };`,
    args: [],
  });
  assert.equal(headers.scrollLeft, 0, "the grid is not scrolled sideways");
  for (const c of headers.columns) {
    assert.ok(c.inView, `the ${c.key} header is in view: ${JSON.stringify(headers)}`);
  }
  assert.deepEqual(
    headers.columns.slice(2).map((c) => c.text.replace(/[^A-Za-z]/g, "")),
    ["Resale", "Margin"],
    "resale and margin headers",
  );

  // Each currency's strip: usage compared + not compared + licences and other charges = the
  // invoices' total, exactly (the parts carry their decimal amounts), with nothing left over.
  const strips = await session.cmd("POST", "/execute/sync", {
    script: `return [...document.querySelectorAll("[data-testid^=invoice-parts-]")].map((p) => ({
      id: p.dataset.testid,
      parts: [...p.querySelectorAll("[data-part]")].map((e) => [e.dataset.part, e.dataset.amount]),
    }));`,
    args: [],
  });
  assert.ok(strips.length > 0 && strips.length === totals.length, `a strip per currency: ${JSON.stringify(strips)}`);
  const scaled = (text) => {
    const [whole, fraction = ""] = text.replace("-", "").split(".");
    const v = BigInt(whole) * 10n ** 8n + BigInt(fraction.padEnd(8, "0").slice(0, 8));
    return text.startsWith("-") ? -v : v;
  };
  for (const strip of strips) {
    const parts = new Map(strip.parts);
    assert.ok(parts.has("total"), `${strip.id}: the invoiced month has its invoices' total`);
    assert.ok(!parts.has("rest"), `${strip.id}: nothing the parts do not account for`);
    assert.ok(parts.has("compared") && parts.has("notCompared") && parts.has("other"), JSON.stringify(strip));
    const sum = strip.parts.filter(([part]) => part !== "total").reduce((acc, [, amount]) => acc + scaled(amount), 0n);
    assert.equal(sum, scaled(parts.get("total")), `${strip.id}: the parts add up to the invoices: ${JSON.stringify(strip)}`);
  }
  await shot("reconciliation");
});

test("Billing: invoice -> customer -> lines, Back, and a CSV export through the save dialog", async () => {
  const saved = process.env.E2E_SAVED_CSV;
  assert.ok(saved, "E2E_SAVED_CSV names the file the app's save dialog answers with");
  await session.navigate("#/billing");
  await session.until(async () => (await session.findAll("[data-testid=invoice-row]")).length > 0, "invoice rows");
  await session.until(async () => (await session.findAll("[data-testid=unbilled-row]")).length > 0, "the open month's unbilled usage, apart");
  await shot("billing-invoices");
  const invoiceHref = await session.cmd("POST", "/execute/sync", {
    script: "return document.querySelector('[data-testid=invoice-row] [data-col=number] a').getAttribute('href');",
    args: [],
  });
  await session.navigate(invoiceHref);
  await session.until(async () => (await session.findAll("[data-testid=invoice-customer-row]")).length > 0, "the invoice's customers");
  const check = await session.text("[data-testid=invoice-cost-total]");
  assert.match(check, /✓/, `the customers add up to the invoice total: ${check}`);
  await shot("billing-invoice");
  const customerHref = await session.cmd("POST", "/execute/sync", {
    script: "return document.querySelector('[data-testid=invoice-customer-row] [data-col=customer] a').getAttribute('href');",
    args: [],
  });
  await session.navigate(customerHref);
  await session.until(async () => (await session.findAll("[data-testid=line-row]")).length > 0, "the customer's lines");
  const crumbs = await session.text("[data-testid=breadcrumbs]");
  assert.match(crumbs, /Billing/);
  await shot("billing-lines");
  await session.click("[data-testid=export-csv]");
  const done = await session.until(async () => {
    const t = await session.text("[data-testid=export-csv-done]").catch(() => "");
    return t.length > 0 ? t : null;
  }, "the export to finish", { timeoutMs: 30000 });
  const rows = Number((done.match(/Saved ([\d,]+)/) ?? ["", "0"])[1].replaceAll(",", ""));
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(saved, "utf8").replace(/^\uFEFF/, "");
  const lines = text.split("\r\n").filter((l) => l.length > 0);
  assert.equal(lines.length, rows + 1, `the file holds the header and the ${rows} rows the app reported`);
  assert.match(lines[0], /^InvoiceNumber,Product,Sku,SubscriptionId,ChargeType/);
  await session.cmd("POST", "/back", {});
  await session.until(async () => (await session.findAll("[data-testid=invoice-customer-row]")).length > 0, "Back: the invoice again");
  await session.cmd("POST", "/back", {});
  await session.until(async () => (await session.findAll("[data-testid=invoice-row]")).length > 0, "Back: the invoices again");
});

test("Dashboard: the charts are drawn in the page with values on focus, and one saves as PNG", async () => {
  await session.navigate("#/dashboard");
  const points = await session.until(async () => {
    const found = await session.findAll("[data-testid=chart-trend] [data-testid=trend-point]");
    return found.length > 0 ? found : null;
  }, "the trend's months", { timeoutMs: 30000 });
  // Every chart shows a drawing, a picture (exported costs) or what to do instead of zeros.
  const shown = await session.cmd("POST", "/execute/sync", {
    script: `return [...document.querySelectorAll("[data-testid=dashboard-charts] figure")].map((f) => [
        f.dataset.testid,
        Boolean(f.querySelector("svg, img, [data-testid=chart-nothing]")),
      ]);`,
    args: [],
  });
  assert.ok(shown.length >= 3 && shown.every(([, ok]) => ok), `every chart shows something: ${JSON.stringify(shown)}`);
  // An SVG link's href property is an SVGAnimatedString; the attribute is the text.
  const href = await session.cmd("POST", "/execute/sync", {
    script: "return arguments[0].getAttribute('href');",
    args: [{ "element-6066-11e4-a52e-4f735466cecf": points[0] }],
  });
  assert.match(href, /^#\/billing\?month=\d{4}-\d{2}$/, "a month opens Billing for that month");
  await session.cmd("POST", "/execute/sync", { script: "arguments[0].focus(); return true;", args: [{ "element-6066-11e4-a52e-4f735466cecf": points[0] }] });
  const tip = await session.text("[data-testid=trend-tip]");
  assert.match(tip, /Cost .*\d/s, `focus shows the month's figures: ${tip}`);
  await shot("dashboard");
  await session.cmd("POST", "/execute/sync", { script: "document.activeElement?.blur(); return true;", args: [] });
  await session.cmd("POST", "/execute/sync", {
    script: "[...document.querySelectorAll('[data-testid=chart-trend] button')].find((b) => b.textContent === 'Save PNG').click(); return true;",
    args: [],
  });
  const saved = await session.until(async () => {
    const t = await session.text("[data-testid=chart-trend] [data-testid=chart-saved]").catch(() => "");
    return t.includes("Saved to") ? t : null;
  }, "the PNG to be saved");
  const { readFileSync } = await import("node:fs");
  const png = readFileSync(saved.replace(/^.*Saved to /, "").trim());
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG file");
});

test("Azure Stack: a refused add shows its guidance; a discovered subscription adds to a registration", async () => {
  await session.navigate("#/stack");
  await session.click("[data-testid=stack-refresh]");
  await session.until(async () => (await session.findAll("[data-testid=stack-registrations] tbody tr")).length >= 3, "the registrations read from Azure", { timeoutMs: 30000 });
  const hrefs = await session.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-testid=stack-registrations] tbody tr')].map((r) => [r.dataset.billingModel, r.querySelector('a').getAttribute('href')]);",
    args: [],
  });
  // Picks the first discovered customer subscription, as a user would in the list.
  const pickAndAdd = async () => {
    await session.until(async () => (await session.findAll("[data-testid=stack-pick] option")).length > 1, "discovered subscriptions to pick from");
    await session.cmd("POST", "/execute/sync", {
      script:
        "const s = document.querySelector('[data-testid=stack-pick]'); s.value = s.options[1].value; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
      args: [],
    });
    const picked = await session.until(async () => ((await session.cmd("POST", "/execute/sync", { script: "return document.querySelector('[data-testid=stack-customer-subscription]').value;", args: [] })) || null), "the picked id in the field");
    await session.click("[data-testid=stack-add]");
    // Answered when the Add button is usable again: then either its refusal or the row of
    // the picked subscription (the registration may list others already).
    return session.until(async () => {
      const busy = await session.cmd("POST", "/execute/sync", { script: "return document.querySelector('[data-testid=stack-add]').disabled && document.querySelector('[data-testid=stack-customer-subscription]').value !== '';", args: [] });
      if (busy) return null;
      if ((await session.findAll("[data-testid=stack-add-error]")).length > 0) return { error: await session.text("[data-testid=stack-add-error]") };
      return (await session.findAll(`[data-testid=stack-customer-${picked}]`)).length > 0 ? { added: picked } : null;
    }, "Azure's answer to the add", { timeoutMs: 30000 });
  };

  const capacity = hrefs.find(([model]) => model === "Capacity");
  assert.ok(capacity, `a Capacity registration is listed: ${JSON.stringify(hrefs)}`);
  await session.navigate(capacity[1]);
  // Azure would refuse: the form is off, saying why, instead of offering an add that cannot succeed.
  const reason = await session.text("[data-testid=stack-add-refused]");
  assert.match(reason, /billing model is Capacity/);
  assert.match(reason, /Re-register the Azure Stack Hub/);
  const off = await session.cmd("POST", "/execute/sync", { script: "return document.querySelector('[data-testid=stack-add]').disabled;", args: [] });
  assert.equal(off, true, "Add is disabled on a Capacity registration");
  await shot("azure-stack-refused");

  let added = null;
  for (const [model, link] of hrefs.filter(([m]) => m === "PayAsYouUse")) {
    await session.navigate(link);
    const answer = await pickAndAdd();
    if (answer.added) {
      added = link;
      break;
    }
    // The other PayAsYouUse registration is not approved for multi-tenancy: its guidance says who to ask.
    assert.match(answer.error, /azstCSP@microsoft\.com/, `${model}: ${answer.error}`);
  }
  assert.ok(added, "the approved registration accepts the discovered subscription");
  await shot("azure-stack-added");

  // The approved registration's Stack reports usage: import it and see it rated and billed.
  await session.until(async () => (await session.findAll("[data-testid=stack-endpoint]")).length > 0, "the sandbox Stack's admin endpoint");
  await session.click("[data-testid=stack-import-usage]");
  await session.until(async () => {
    if ((await session.findAll("[data-testid=stack-usage-error]")).length > 0) throw new Error(await session.text("[data-testid=stack-usage-error]"));
    return (await session.findAll("[data-testid=stack-usage-imported]")).length > 0;
  }, "the Stack's usage imported", { timeoutMs: 60000 });
  // The imported usage is read back after the import answers: wait for its rows.
  const billedTo = await session.until(async () => {
    const rows = await session.cmd("POST", "/execute/sync", {
      script: "return [...document.querySelectorAll('[data-testid=stack-usage-row]')].map((r) => [r.dataset.attribution, r.querySelector('td[data-amount]').dataset.amount]);",
      args: [],
    });
    return rows.length > 0 ? rows : null;
  }, "the imported usage's rows");
  assert.ok(billedTo.some(([a]) => a === "default"), `a tenant not added bills to the default subscription: ${JSON.stringify(billedTo)}`);
  assert.ok(billedTo.some(([a]) => a === "customer"), `added tenants bill to their customer subscription: ${JSON.stringify(billedTo)}`);
  assert.ok(billedTo.every(([, amount]) => /^\d+(\.\d+)?$/.test(amount) && Number(amount) > 0), "every total rated");
  await session.cmd("POST", "/execute/sync", {
    script: "document.querySelector('[data-testid=stack-usage]').scrollIntoView({block: 'start'}); return true;",
    args: [],
  });
  await shot("azure-stack-usage");

  // Billing shows it as Azure Stack usage; Customers has its Azure Stack column.
  await session.navigate("#/billing");
  await session.until(async () => (await session.findAll("[data-testid=stack-billing] [data-testid=stack-usage-row]")).length === billedTo.length, "Azure Stack usage on Billing");
  await session.navigate("#/customers");
  await session.until(async () => (await session.findAll("[data-testid=customer-row]")).length > 0, "customer rows");
  await withCustomerColumn("stack", () =>
    session.until(async () => (await session.findAll("[data-testid=customer-stack-cost]")).length > 0, "Azure Stack cost on Customers"),
  );

  // Back on the registration: Verify asks Azure again (the row is read anew), Remove takes the
  // subscription off the registration in Azure and off the list.
  await session.navigate(added);
  const row = await session.until(async () => {
    const ids = await session.cmd("POST", "/execute/sync", {
      script: "return [...document.querySelectorAll('[data-testid^=stack-customer-]')].map((r) => r.dataset.testid.replace('stack-customer-', '')).filter((id) => /^[0-9a-f-]{36}$/.test(id));",
      args: [],
    });
    return ids.length > 0 ? ids[0] : null;
  }, "the added subscription on its registration");
  const readAt = () => session.cmd("POST", "/execute/sync", { script: `return document.querySelector('[data-testid=stack-customer-${row}] time').getAttribute('datetime');`, args: [] });
  const before = await readAt();
  await session.click(`[data-testid=stack-verify-${row}]`);
  const verified = await session.until(async () => {
    if ((await session.findAll("[data-testid=stack-customers] [role=alert]")).length > 0) return { error: await session.text("[data-testid=stack-customers] [role=alert]") };
    const enabled = await session.cmd("POST", "/execute/sync", { script: `return !document.querySelector('[data-testid=stack-verify-${row}]').disabled;`, args: [] });
    const at = await readAt();
    return enabled && at !== before ? { at } : null;
  }, "Verify read the subscription again", { timeoutMs: 30000 });
  assert.ok(verified.at && !verified.error, `verify: ${JSON.stringify(verified)}`);
  await session.click(`[data-testid=stack-remove-${row}]`);
  await session.until(async () => (await session.findAll(`[data-testid=stack-customer-${row}]`)).length === 0, "the removed subscription gone from the registration", { timeoutMs: 30000 });
  await shot("azure-stack-removed");
});

/** RFC 4180 rows of a CSV text (quoted fields may hold commas, quotes and line breaks). */
function csvRows(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field), rows.push(row), (row = []), (field = "");
    } else field += c;
  }
  if (field !== "" || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

/** Exact decimal text as a BigInt of 10^-12 units, so sums of money never pass through floats. */
const SCALE = 12;
function units(text) {
  const [int, frac = ""] = text.trim().replace(/^\+/, "").split(".");
  const negative = int.startsWith("-");
  const value = BigInt(int.replace("-", "") + frac.padEnd(SCALE, "0").slice(0, SCALE));
  return negative ? -value : value;
}

/** costInBillingCurrency of every row of the export run under `dir`, summed per currency. */
function csvTotals(dir) {
  const totals = new Map();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".csv")) {
        const [header, ...rows] = csvRows(readFileSync(path, "utf8")).filter((r) => r.length > 1);
        const cost = header.indexOf("costInBillingCurrency");
        const currency = header.indexOf("billingCurrency");
        for (const r of rows) totals.set(r[currency], (totals.get(r[currency]) ?? 0n) + units(r[cost]));
      }
    }
  };
  walk(dir);
  return totals;
}

test("Azure costs: exports in a real Azure Storage server (azurite) are connected, imported and split to a customer", async () => {
  const cli = process.env.CSPDESK_CLI;
  const azuriteBin = process.env.AZURITE_BIN;
  assert.ok(cli && azuriteBin, "run through `cargo xtask test` (CSPDESK_CLI and AZURITE_BIN are set there)");
  // The sandbox partner's own export runs of last month, as Cost Management would deliver them.
  const dir = mkdtempSync(join(tmpdir(), "cspdesk-e2e-exports-"));
  const written = execFileSync(cli, ["emulator", "--preset", "S", "--seed", "1", "--write-export-runs", dir], { encoding: "utf8" });
  assert.match(written, /export run partner\/actual\//);
  const azurite = await startAzurite(azuriteBin);
  after(() => azurite.stop());
  assert.ok((await azurite.load("cost", dir)) >= 4, "manifests and CSV parts uploaded");
  const sasUrl = azurite.containerSasUrl("cost", new Date(Date.now() + 30 * 86400 * 1000));

  await session.navigate("#/costs");
  await session.click("[data-testid=costs-connect]");
  await session.type("[data-testid=costs-source-name]", "MCA billing account");
  await session.type("[data-testid=costs-source-sas]", sasUrl);
  await session.type("[data-testid=costs-source-root]", "partner");
  await session.click("[data-testid=costs-source-add]");
  await session.until(async () => (await session.findAll("[data-testid=costs-source-row]")).length === 1, "the connected source");
  const listed = await session.text("[data-testid=costs-sources]");
  assert.ok(!listed.includes("sig="), "the SAS is not shown back");

  await session.click("[data-testid=costs-import]");
  const summary = await session.until(async () => {
    if ((await session.findAll("[data-testid=costs-import-error]")).length > 0)
      throw new Error(`the import failed: ${await session.text("[data-testid=costs-import-error]")}`);
    if ((await session.findAll("[data-testid=costs-import-summary]")).length === 0) return null;
    return session.text("[data-testid=costs-import-summary]");
  }, "the import summary", { timeoutMs: 120000 });
  assert.match(summary, /2 runs imported/);

  // The totals shown per currency are the export's costInBillingCurrency, to the last digit.
  const actualDir = join(dir, "partner", "actual");
  const expected = csvTotals(actualDir);
  await session.until(async () => (await session.findAll("[data-testid^=costs-total-]")).length === expected.size, "a total per currency");
  for (const [currency, sum] of expected) {
    const shown = await session.cmd("POST", "/execute/sync", {
      script: "return document.querySelector(arguments[0]).dataset.amount;",
      args: [`[data-testid=costs-total-${currency}]`],
    });
    assert.equal(units(shown), sum, `${currency} total`);
  }
  const customers = await session.findAll("[data-testid=costs-customer-row]");
  assert.ok(customers.length > 1, "costs split to several customers");
  const models = await session.text("[data-testid=costs-pricing-models]");
  assert.match(models, /Reservation/);
  assert.match(models, /SavingsPlan/);
  await session.cmd("POST", "/execute/sync", {
    script: "document.querySelector('[data-testid=costs-totals]').scrollIntoView({block: 'start'}); return true;",
    args: [],
  });
  await shot("azure-costs-split");

  // The largest customer (costs naming no customer do not open).
  const rowTexts = await session.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-testid=costs-customer-row]')].map((r) => r.textContent);",
    args: [],
  });
  const first = rowTexts.findIndex((t) => !t.includes("(no customer)"));
  assert.ok(first >= 0, `a customer among ${JSON.stringify(rowTexts)}`);
  await session.cmd("POST", "/execute/sync", {
    script: "document.querySelectorAll('[data-testid=costs-customer-row]')[arguments[0]].scrollIntoView({block: 'center'}); return true;",
    args: [first],
  });
  // WebKit's driver does not click table rows; a click on the row's customer cell bubbles to it.
  const cell = (await session.findAll("[data-testid=costs-customer-row] [data-col=customer]"))[first];
  await session.cmd("POST", `/element/${cell}/click`, {});
  const name = await session.until(async () => session.text("[data-testid=costs-customer-name]").catch(() => null), "the customer's costs");
  await session.until(async () => (await session.findAll("[data-testid=costs-row]")).length > 0, "the customer's cost rows");
  await shot("azure-costs-customer");

  // Customers shows the same customer's Azure cost from the exports.
  await session.navigate("#/customers");
  await session.type("[data-testid=customer-search]", name);
  await withCustomerColumn("exported", () =>
    session.until(async () => (await session.findAll("[data-testid=customer-exported-cost]")).length > 0, `${name}'s exported Azure cost on Customers`),
  );

  // The Dashboard draws the exported costs per customer next to the invoiced figures.
  await session.navigate("#/dashboard");
  // Drawn in the page, one bar per customer, on the tab of the exports' billing currency.
  const bars = async () => (await session.findAll("[data-testid=chart-exportedCosts] [data-testid=bar]")).length;
  await session.until(async () => (await session.findAll("[data-testid=chart-exportedCosts]")).length > 0, "the Dashboard's charts");
  const tabs = await session.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-testid=dashboard-currencies] a')].map((a) => a.getAttribute('href'));",
    args: [],
  });
  for (const tab of tabs) {
    if ((await bars()) > 0) break;
    await session.navigate(tab);
    await session.until(async () => (await session.findAll("[data-testid=chart-exportedCosts]")).length > 0, `the charts of ${tab}`);
  }
  assert.ok((await bars()) > 1, "the exported Azure costs chart has a bar per customer");
  await session.cmd("POST", "/execute/sync", {
    script: "document.querySelector('[data-testid=chart-exportedCosts]').scrollIntoView({block: 'center'}); return true;",
    args: [],
  });
  await shot("dashboard-exported-costs");

  // Billing lists the imported month per currency, the export's own totals again.
  await session.navigate("#/billing");
  await session.until(async () => (await session.findAll("[data-testid=exported-billing-row]")).length === expected.size, "the exported month on Billing");
  const billed = await session.cmd("POST", "/execute/sync", {
    script: "return [...document.querySelectorAll('[data-testid=exported-billing-row]')].map((r) => [r.dataset.currency, r.querySelector('td[data-amount]').dataset.amount]);",
    args: [],
  });
  for (const [currency, amount] of billed) assert.equal(units(amount), expected.get(currency), `${currency} on Billing`);
});

test("One run history: Discovery, the cost export import and the Azure Stack usage import, each with its state", async () => {
  await session.navigate("#/accounts");
  const rows = `${panel} [data-testid=discovery-run]`;
  const kinds = async () =>
    session.cmd("POST", "/execute/sync", {
      script:
        "return [...document.querySelectorAll(arguments[0])].map((r) => [r.dataset.kind, r.querySelector('[data-testid=run-kind]').textContent, r.textContent]);",
      args: [rows],
    });
  // The months' price sheets read after each run are imports too: open the whole history.
  await session.until(async () => (await session.findAll(rows)).length > 0, "the run history");
  const all = await session.findAll(`${panel} [data-testid=history-all]`);
  if (all.length > 0) await session.cmd("POST", `/element/${all[0]}/click`, {});
  const listed = await session.until(async () => {
    const k = await kinds();
    const seen = new Set(k.map(([kind]) => kind));
    return seen.has("costExports") && seen.has("stackUsage") && seen.has("discovery") ? k : null;
  }, "every kind of import in the history", { timeoutMs: 30000 });
  // Discovery: the stopped run and the completed one; the imports done above completed.
  const discovery = listed.filter(([kind]) => kind === "discovery");
  assert.ok(discovery.some(([, , text]) => text.includes("Stopped")), "the stopped Discovery run");
  assert.ok(discovery.some(([, , text]) => text.includes("Completed")), "the completed Discovery run");
  for (const kind of ["costExports", "stackUsage"]) {
    const runs = listed.filter(([k]) => k === kind);
    assert.ok(runs.length >= 1, `${kind} is in the history`);
    assert.ok(runs.every(([, , text]) => text.includes("Completed")), `${kind} ended Completed: ${runs.map(([, , t]) => t).join(" | ")}`);
  }
  assert.ok(listed.some(([kind, label]) => kind === "costExports" && label.startsWith("Cost exports · ")), "a cost run names its source");
  await session.cmd("POST", "/execute/sync", {
    script: "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return true;",
    args: [`${panel} [data-testid=discovery-history]`],
  });
  await shot("run-history");
});

test("Layout: only the page scrolls; the sidebar and the status bar stay where they are", async () => {
  // The window itself must never scroll: a blank band under the status bar and a sidebar that
  // scrolls away were the bug (screen-reader text positioned against no parent).
  const frame = () =>
    session.cmd("POST", "/execute/sync", {
      script: `const page = document.querySelector('main.page');
        page.scrollTop = page.scrollHeight;
        page.dispatchEvent(new Event('scroll'));
        const nav = document.querySelector('nav.nav').getBoundingClientRect();
        const status = document.querySelector('footer.status').getBoundingClientRect();
        return { window: document.scrollingElement.scrollTop, page: page.scrollTop,
                 scrollable: page.scrollHeight > page.clientHeight,
                 navTop: nav.top, statusBottom: status.bottom, height: window.innerHeight,
                 body: document.body.scrollHeight };`,
      args: [],
    });
  for (const [hash, name] of [["#/accounts", "layout-discovery-scrolled"], ["#/billing", "layout-billing-scrolled"]]) {
    await session.navigate(hash);
    const seen = await session.until(async () => {
      const f = await frame();
      return f.scrollable && f.page > 0 ? f : null;
    }, `${hash} long enough to scroll, scrolled`, { timeoutMs: 30000 });
    assert.equal(seen.window, 0, `${hash}: the window did not scroll`);
    assert.equal(seen.navTop, 0, `${hash}: the sidebar stays at the top`);
    assert.ok(Math.abs(seen.statusBottom - seen.height) < 1, `${hash}: the status bar stays at the bottom (${seen.statusBottom} of ${seen.height})`);
    assert.ok(seen.body <= seen.height, `${hash}: nothing stretches the window below it (${seen.body} > ${seen.height})`);
    await shot(name);
  }
});

test("Accessibility: axe-core finds no serious or critical violation on any page", async () => {
  const found = [];
  const visit = async (hash, what) => {
    await session.navigate(hash);
    found.push(...(await violations(session, what)));
  };
  for (const page of ["accounts", "customers", "subscriptions", "dashboard", "billing", "reconciliation", "stack", "costs"]) {
    await visit(`#/${page}`, page);
  }
  // The drill-downs, reached by the links the pages offer.
  const link = (css) =>
    session.cmd("POST", "/execute/sync", { script: "return document.querySelector(arguments[0])?.getAttribute('href') ?? null;", args: [css] });
  await session.navigate("#/billing");
  const invoice = await session.until(() => link("[data-testid=invoice-row] a"), "an invoice link", { timeoutMs: 30000 });
  await visit(invoice, "an invoice");
  const lines = await session.until(() => link("[data-testid=invoice-customer-row] a"), "an invoice customer link", { timeoutMs: 30000 });
  await visit(lines, "a customer's lines on an invoice");
  await session.navigate("#/customers");
  const markup = await session.until(() => link("[data-testid=customer-markup]"), "a Markup link", { timeoutMs: 30000 });
  await visit(markup, "a markup editor");
  const subscriptions = await session.until(() => link("[data-testid=markup-subscriptions]"), "the customer's subscriptions link");
  await visit(subscriptions, "a customer's subscriptions");
  assert.deepEqual(found, [], `axe-core violations:\n${found.join("\n")}`);
});
