// The Accounts page in the real app window: add an account, see it listed, restart the
// app and see it again, try an invalid tenant id and see the error next to the field.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { launch } from "./webdriver.mjs";
import { violations } from "./axe.mjs";

const driver = process.env.WEBDRIVER_URL;
const app = process.env.CSPDESK_APP;
const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), "cspdesk-e2e");
assert.ok(driver && app, "run through `cargo xtask test` (WEBDRIVER_URL and CSPDESK_APP are set there)");
mkdirSync(artifacts, { recursive: true });

const db = join(mkdtempSync(join(tmpdir(), "cspdesk-e2e-")), "e2e.sqlite3");
const TENANT = "0a1b2c3d-0000-4000-8000-000000000001";
let session;

after(async () => {
  await session?.quit().catch(() => {});
  // A filled database is hundreds of MB: kept only when asked (E2E_KEEP_DB=1), to look into a failure.
  if (!process.env.E2E_KEEP_DB) rmSync(dirname(db), { recursive: true, force: true });
});

async function rows(s) {
  const els = await s.findAll("[data-testid=account-row]");
  return Promise.all(els.map((el) => s.cmd("GET", `/element/${el}/text`)));
}

test("a new database shows the empty Accounts page with what to do", async () => {
  session = await launch(driver, app, ["--db", db]);
  const empty = await session.text("[data-testid=accounts-empty]");
  assert.match(empty, /No partner accounts yet/);
  const status = await session.until(async () => {
    const t = await session.textContent("footer.status");
    return t.includes("database") ? t : null;
  }, "the status bar");
  assert.ok(status.includes(db), `status bar should name the database file, got ${status}`);
});

test("adding an account lists it", async () => {
  await session.type("[data-testid=account-name]", "Contoso");
  await session.type("[data-testid=account-tenant]", TENANT);
  await session.click("[data-testid=account-add]");
  const listed = await session.until(async () => {
    const r = await rows(session);
    return r.length === 1 ? r : null;
  }, "the new account row");
  assert.match(listed[0], /Contoso/);
  assert.match(listed[0], new RegExp(TENANT));
});

test("an invalid tenant id is rejected next to the field and nothing is added", async () => {
  // With an account listed, the Add form is folded behind "Add another partner account".
  await session.click("[data-testid=account-add-another]");
  await session.type("[data-testid=account-name]", "Fabrikam");
  await session.type("[data-testid=account-tenant]", "not-a-guid");
  await session.click("[data-testid=account-add]");
  const err = await session.text("[data-testid=error-tenantId]");
  assert.match(err, /not-a-guid/);
  assert.match(err, /not a tenant id/);
  assert.equal(await session.value("[data-testid=account-tenant]"), "not-a-guid", "the user's input is kept");
  assert.equal((await rows(session)).length, 1);
  writeFileSync(join(artifacts, "accounts-invalid-tenant.png"), await session.screenshotPng());
});

test("accounts persist across an app restart", async () => {
  await session.quit();
  session = await launch(driver, app, ["--db", db]);
  const listed = await session.until(async () => {
    const r = await rows(session);
    return r.length === 1 ? r : null;
  }, "the account after restart");
  assert.match(listed[0], /Contoso/);
  writeFileSync(join(artifacts, "accounts.png"), await session.screenshotPng());
});

test("the discovery pages say nothing is discovered yet and link back to Accounts", async () => {
  for (const page of ["customers", "subscriptions", "dashboard", "billing"]) {
    await session.click(`[data-testid=nav-${page}]`);
    const text = await session.until(async () => {
      const t = await session.text("[data-testid=empty-state]");
      return /Nothing discovered yet/.test(t) ? t : null;
    }, `the empty state of ${page}`);
    assert.match(text, /run Discovery/);
  }
  await session.cmd("POST", "/back", {});
  const h1 = await session.until(async () => {
    const t = await session.text("#page-title");
    return t === "Dashboard" ? t : null;
  }, "Back to return to the previous page");
  assert.equal(h1, "Dashboard");
});

test("Accessibility of the first run: axe-core finds no serious or critical violation on Accounts or an empty page", async () => {
  const found = [];
  for (const page of ["accounts", "customers", "dashboard", "billing", "reconciliation", "stack", "costs"]) {
    await session.navigate(`#/${page}`);
    found.push(...(await violations(session, `${page} (nothing discovered)`)));
  }
  assert.deepEqual(found, [], `axe-core violations:\n${found.join("\n")}`);
});
