// Login with Microsoft in the real app, against the sandbox partner: the sandbox button,
// the wait for the browser, the emulator's consent page (played over HTTP, as a browser
// would), Accept, and the account showing the signed-in user.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { launch } from "./webdriver.mjs";
import { acceptConsent } from "./consent.mjs";

const driver = process.env.WEBDRIVER_URL;
const app = process.env.CSPDESK_APP;
const artifacts = process.env.E2E_ARTIFACTS ?? join(tmpdir(), "cspdesk-e2e");
assert.ok(driver && app, "run through `cargo xtask test` (WEBDRIVER_URL and CSPDESK_APP are set there)");
mkdirSync(artifacts, { recursive: true });

const db = join(mkdtempSync(join(tmpdir(), "cspdesk-e2e-signin-")), "e2e.sqlite3");
let session;

after(async () => {
  await session?.quit().catch(() => {});
  // A filled database is hundreds of MB: kept only when asked (E2E_KEEP_DB=1), to look into a failure.
  if (!process.env.E2E_KEEP_DB) rmSync(dirname(db), { recursive: true, force: true });
});

test("sandbox button, consent page, Accept: the account shows the signed-in user", async () => {
  session = await launch(driver, app, ["--db", db]);
  await session.click("[data-testid=try-sandbox]");
  await session.until(async () => (await session.findAll("[data-testid=account-row]")).length === 1, "the sandbox account row");
  await session.click("[data-testid=signin-login]");
  const url = await session.until(async () => {
    const el = await session.find("[data-testid=signin-url]");
    return session.cmd("GET", `/element/${el}/property/value`);
  }, "the sign-in link while waiting");
  assert.match(url, /\/oauth2\/v2\.0\/authorize\?/);
  assert.match(url, /code_challenge_method=S256/);
  writeFileSync(join(artifacts, "signin-waiting.png"), await session.screenshotPng());
  const admin = await acceptConsent(url);
  const upn = await session.until(async () => {
    const t = await session.text("[data-testid=signin-upn]");
    return t.length > 0 ? t : null;
  }, "the signed-in user on the account");
  assert.equal(upn, admin);
  const status = await session.text("[data-testid=signin-status]");
  assert.match(status, /Global Administrator/);
  assert.match(status, /lapses/);
  writeFileSync(join(artifacts, "signed-in.png"), await session.screenshotPng());
});

test("the sign-in survives an app restart (token in the keyring, not the database)", async () => {
  await session.quit();
  session = await launch(driver, app, ["--db", db]);
  const upn = await session.until(async () => {
    const t = await session.text("[data-testid=signin-upn]");
    return t.length > 0 ? t : null;
  }, "the signed-in user after restart");
  assert.match(upn, /^admin@/);
});

test("Check sign-in uses the stored token and stays signed in", async () => {
  await session.click("[data-testid=signin-check]");
  await session.until(async () => (await session.text("[data-testid=signin-check]")) === "Check sign-in", "the check to finish");
  assert.equal((await session.findAll("[data-testid=signin-error]")).length, 0, "no error after a good check");
  assert.match(await session.text("[data-testid=signin-upn]"), /^admin@/);
});

test("sign out returns the account to Login with Microsoft", async () => {
  await session.click("[data-testid=signin-signout]");
  const label = await session.until(async () => {
    const t = await session.text("[data-testid=signin-login]");
    return t === "Login with Microsoft" ? t : null;
  }, "Login with Microsoft after sign-out");
  assert.equal(label, "Login with Microsoft");
});
