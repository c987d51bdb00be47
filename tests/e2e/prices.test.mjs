// The Prices page in the real app window on the sandbox partner: sign in, run Discovery to
// Completed (it reads the months' Pricing API sheets and FX rates after the run), then open
// #/prices: the sheets held, the newest consumption sheet's rows paged from the backend, a
// meter's price history (chart and table) opened from a row, the FX rates. Screenshot
// prices.png goes to the artifacts folder.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { launch } from "./webdriver.mjs";
import { acceptConsent } from "./consent.mjs";
import { violations } from "./axe.mjs";

const driver = process.env.WEBDRIVER_URL;
const app = process.env.CSPDESK_APP;
const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), "cspdesk-e2e");
assert.ok(driver && app, "run through `cargo xtask test` (WEBDRIVER_URL and CSPDESK_APP are set there)");
mkdirSync(artifacts, { recursive: true });

const db = join(mkdtempSync(join(tmpdir(), "cspdesk-e2e-prices-")), "e2e.sqlite3");
let session;

after(async () => {
  await session?.quit().catch(() => {});
  if (!process.env.E2E_KEEP_DB) rmSync(dirname(db), { recursive: true, force: true });
});

const shot = async (name) => writeFileSync(join(artifacts, `${name}.png`), await session.screenshotPng());

test("the sandbox partner signs in and its Discovery completes", async () => {
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
  const [panelEl] = await session.findAll("[data-testid^=discovery-panel-]");
  const panel = `[data-testid=${await session.cmd("GET", `/element/${panelEl}/attribute/data-testid`)}]`;
  await session.click(`${panel} [data-testid=discovery-start]`);
  await session.until(
    async () => ((await session.text(`${panel} [data-testid=discovery-state]`)) === "Completed" ? true : null),
    "Completed",
    { timeoutMs: 300000 },
  );
  // The sheets are read after the run, as runs of their own (kind pricing).
  await session.until(
    async () => ((await session.findAll(`${panel} [data-testid=discovery-run][data-kind=pricing]`)).length > 0 ? true : null),
    "the months' Pricing API sheets read after the run",
    { timeoutMs: 120000 },
  );
});

test("Prices: the sheets held, a sheet's rows, a meter's history from a row, the FX rates", async () => {
  await session.navigate("#/prices");
  const sheets = await session.until(async () => {
    const rows = await session.findAll("[data-testid=sheet-row]");
    return rows.length > 0 ? rows : null;
  }, "the sheets held", { timeoutMs: 30000 });
  assert.ok(sheets.length > 0);
  // Cells out of the list's width are not "rendered text" to WebKit's driver: read the DOM.
  const js = (script, args = []) => session.cmd("POST", "/execute/sync", { script, args });
  const listed = await js(`return [...document.querySelectorAll("[data-testid=sheet-row]")].map((r) => r.textContent);`);
  const consumption = listed.findIndex((t) => /Azure plan consumption/.test(t));
  assert.ok(consumption >= 0, `a consumption sheet is listed: ${listed.join(" | ")}`);
  assert.match(listed[consumption], /Pricing API/, "read from the Pricing API, not a file");
  // Opened by its month's button (WebKit's driver does not click rows).
  await js(`document.querySelectorAll("[data-testid=sheet-row]")[${consumption}].querySelector("button").click();`);
  const count = await session.until(async () => {
    const t = await session.text("[data-testid=price-count]").catch(() => "");
    return /^[\d,.\s ]+ rows?/.test(t) ? t : null;
  }, "the sheet's row count", { timeoutMs: 30000 });
  assert.ok(Number(count.replace(/[^\d]/g, "")) > 0, `rows in the sheet: ${count}`);
  const rows = await session.findAll("[data-testid=price-table] [data-testid=price-row]");
  assert.ok(rows.length > 0, "the grid shows the sheet's first rows");
  const priced = await js(`return document.querySelector("[data-testid=price-table] [data-testid=price-row]").textContent;`);
  assert.match(priced, /\d USD|\$\d/, `a unit price with its currency: ${priced}`);

  // A row opens its meter's price history: a chart (a line per tier) and the table by month.
  const firstCell = (await session.findAll("[data-testid=price-table] [data-testid=price-row] td"))[0];
  await session.cmd("POST", `/element/${firstCell}/click`, {});
  await session.until(async () => ((await session.findAll("[data-testid=meter-price]")).length > 0 ? true : null), "the meter's prices by month", {
    timeoutMs: 30000,
  });
  assert.ok((await session.findAll("[data-testid=price-chart] [data-testid=price-series]")).length > 0, "the chart draws each tier");
  assert.ok((await session.findAll("[data-testid=price-point]")).length > 0, "the chart has a point per month");
  // The route is written once the page settles (urlState batches its writes).
  await session.until(async () => {
    const hash = await js("return window.location.hash;");
    return /tab=meter/.test(hash) && /meter=/.test(hash) ? hash : null;
  }, "the meter in the route", { timeoutMs: 10000 });
  await shot("prices");
  const found = await violations(session, "the Prices page (meter history)");

  await session.click("[data-testid=prices-tab-fx]");
  await session.until(async () => ((await session.findAll("[data-testid=fx-table] [data-testid=fx-row]")).length > 0 ? true : null), "the FX rates", {
    timeoutMs: 30000,
  });
  found.push(...(await violations(session, "the Prices page (FX rates)")));
  assert.deepEqual(found, [], "axe-core finds no serious or critical violation on the Prices page");
});
