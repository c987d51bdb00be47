//! The world a benchmark run happens in: the emulator on its own runtime (so its CPU can be
//! told apart from ours), a partner account in a fresh database, and a signed-in session whose
//! refresh token lives in a file. A trimmed copy of the integration tests' harness (a bench
//! cannot import test modules).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::{DateTime, TimeZone, Utc};
use cspdesk_discovery::Clock;
use cspdesk_emulator::{
    Emulator, EmulatorConfig, Preset, RateLimits, RunningEmulator, ThrottleScope, CLIENT_ID,
};
use cspdesk_partner_api::{
    sign_in_with_browser, AccountKey, ApiSettings, BrowserSignIn, ConsentRecord, Sensitive,
    Session, StoredConsent, TokenStore,
};
use cspdesk_store::{accounts, Database};

/// Thread-name prefix of the emulator's runtime (see `cpu`).
pub const EMULATOR_THREADS: &str = "emu-rt";

/// 2026-11-03 10:00 UTC, as in the integration tests: August to October are invoiced and the
/// previous period is still unbilled, so every kind of step runs.
pub fn start_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0)
        .single()
        .expect("a valid instant")
}

/// Microsoft's documented limit, 500 requests a minute "per tenant" for the Customer and
/// Subscription resources, in its stricter reading: one bucket per partner tenant for each of
/// the emulator's `customers` and `subscriptions` routes (the emulator's default keys the
/// subscriptions bucket per partner and customer, which a run of one request per customer
/// never fills).
pub const DOCUMENTED_PER_MINUTE: u64 = 500;

/// The limits the benchmark runs with.
pub fn rate_limits() -> RateLimits {
    RateLimits::none()
        .with("customers", ThrottleScope::Partner, DOCUMENTED_PER_MINUTE)
        .with(
            "subscriptions",
            ThrottleScope::Partner,
            DOCUMENTED_PER_MINUTE,
        )
}

/// A runtime whose threads keep their names (and so their CPU counters) for the whole run.
pub fn runtime(name: &str, workers: usize) -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name(name)
        .thread_keep_alive(Duration::from_secs(24 * 3600))
        .enable_all()
        .build()
        .context("building a tokio runtime")
}

/// Starts the emulator on `rt`. Its clock starts at [`start_instant`] and then follows wall
/// time: the token buckets refill on the emulated clock, so a frozen clock would never let a
/// throttled run go on. `tweak` sets what one measurement needs (the v1 cut-over, the folder
/// of the Graph blobs, an export's size).
pub fn start_emulator(
    rt: &tokio::runtime::Runtime,
    preset: Preset,
    seed: u64,
    latency: Duration,
    tweak: impl FnOnce(&mut EmulatorConfig),
) -> Result<RunningEmulator> {
    let mut config = EmulatorConfig::new(preset, seed, start_instant());
    config.clock_ticks = true;
    config.latency = latency;
    config.rate_limits = rate_limits();
    tweak(&mut config);
    rt.block_on(Emulator::start(config))
        .context("starting the emulator")
}

/// Free space (bytes) of the file system holding `dir`, from `df` (`None` if it cannot say).
pub fn free_bytes(dir: &std::path::Path) -> Option<u64> {
    let out = std::process::Command::new("df")
        .args(["-k", "--output=avail"])
        .arg(dir)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: u64 = text.lines().nth(1)?.trim().parse().ok()?;
    Some(kb * 1024)
}

fn settings(emu: &RunningEmulator) -> ApiSettings {
    ApiSettings::single_origin(emu.url(), emu.partner().tenant_id.clone(), CLIENT_ID)
}

/// The emulator's clock as Discovery's clock.
pub fn clock(emu: &RunningEmulator) -> Clock {
    let c = emu.clock().clone();
    Arc::new(move || c.now())
}

/// A token store in a JSON file (the app keeps tokens in the OS keyring).
struct FileStore(PathBuf);

impl TokenStore for FileStore {
    fn load(&self, _: &AccountKey) -> cspdesk_partner_api::Result<Option<StoredConsent>> {
        let Ok(text) = std::fs::read_to_string(&self.0) else {
            return Ok(None);
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let (Some(rt), Ok(record)) = (
            v["rt"].as_str(),
            serde_json::from_value::<ConsentRecord>(v["record"].clone()),
        ) else {
            return Ok(None);
        };
        Ok(Some(StoredConsent {
            refresh_token: Sensitive::new(rt.to_string()),
            record,
        }))
    }
    fn save(&self, _: &AccountKey, c: &StoredConsent) -> cspdesk_partner_api::Result<()> {
        let v = serde_json::json!({"rt": c.refresh_token.expose(), "record": c.record});
        let _ = std::fs::write(&self.0, v.to_string());
        Ok(())
    }
    fn delete(&self, _: &AccountKey) -> cspdesk_partner_api::Result<()> {
        let _ = std::fs::remove_file(&self.0);
        Ok(())
    }
}

/// A database with one partner account, in a temporary folder removed on drop.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub account: String,
}

pub fn fixture(emu: &RunningEmulator) -> Result<Fixture> {
    let dir = tempfile::Builder::new()
        .prefix("cspdesk-bench-")
        .tempdir()
        .context("creating a temporary folder")?;
    let db = dir.path().join("cspdesk.sqlite3");
    let account = accounts::add(
        &Database::open(&db)?,
        "Contoso",
        &emu.partner().tenant_id,
        emu.clock().now(),
    )?
    .id;
    Ok(Fixture { dir, db, account })
}

/// The tokens file [`sign_in`] keeps the refresh token in.
pub fn tokens_file(f: &Fixture) -> PathBuf {
    f.dir.path().join("tokens.json")
}

/// A session, in another process, from the refresh token [`sign_in`] stored in `tokens`.
pub fn resume(
    url: &str,
    tenant: &str,
    account: &str,
    tokens: PathBuf,
    clock: Clock,
) -> Result<Arc<Session>> {
    let session = Session::resume(
        ApiSettings::single_origin(url, tenant.to_string(), CLIENT_ID),
        AccountKey::from_stored(account.to_string()),
        Arc::new(FileStore(tokens)),
    )?
    .with_clock(clock);
    Ok(Arc::new(session))
}

/// Signs the partner's admin in (the emulator consents at once). Runs on the caller's runtime.
pub async fn sign_in(emu: &RunningEmulator, f: &Fixture) -> Result<Arc<Session>> {
    emu.set_auto_consent(Some(emu.partner().users[0].upn.clone()));
    let tokens = sign_in_with_browser(&settings(emu), BrowserSignIn::default(), |url| {
        let url = url.clone();
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    })
    .await
    .context("signing the emulator's admin in")?;
    emu.set_auto_consent(None);
    let session = Session::start(
        settings(emu),
        AccountKey::from_stored(f.account.clone()),
        Arc::new(FileStore(tokens_file(f))),
        tokens,
        emu.clock().now(),
    )?
    .with_clock(clock(emu));
    Ok(Arc::new(session))
}
