//! Shared harness: an emulator with a frozen clock, a partner account in a temporary
//! database, a signed-in session whose refresh token lives in a file (so a child process
//! can use it too), runs, and a canonical dump of every discovered table.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use cspdesk_discovery::progress::{Progress, ProgressSink, Silent};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{run, Clock, RunOptions};
use cspdesk_emulator::{Emulator, EmulatorConfig, Preset, RunningEmulator, CLIENT_ID};
use cspdesk_partner_api::{
    sign_in_with_browser, AccountKey, ApiSettings, BrowserSignIn, ConsentRecord, Sensitive,
    Session, StoredConsent, TokenStore,
};
use cspdesk_store::discovered::runs::RunRecord;
use cspdesk_store::{accounts, Database};
use tokio_util::sync::CancellationToken;

/// 2026-11-03 10:00 UTC: August to October are invoiced, and before the 8th the previous
/// period is still unbilled, so every kind of step is exercised.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 3, 10, 0, 0).unwrap()
}

pub fn config() -> EmulatorConfig {
    let mut config = EmulatorConfig::new(Preset::S, 11, now());
    config.clock_ticks = false;
    // The clock is frozen: Graph exports must be ready as soon as they are asked for.
    config.graph_preparation = std::time::Duration::ZERO;
    config
}

pub async fn emulator(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start(config).await.expect("emulator starts")
}

pub fn settings(emu: &RunningEmulator) -> ApiSettings {
    ApiSettings::single_origin(emu.url(), emu.partner().tenant_id.clone(), CLIENT_ID)
}

pub fn clock(emu: &RunningEmulator) -> Clock {
    let c = emu.clock().clone();
    Arc::new(move || c.now())
}

/// A token store in a JSON file: tests only (the app keeps tokens in the OS keyring).
pub struct FileStore(pub PathBuf);

impl TokenStore for FileStore {
    fn load(&self, _: &AccountKey) -> cspdesk_partner_api::Result<Option<StoredConsent>> {
        let Ok(text) = std::fs::read_to_string(&self.0) else {
            return Ok(None);
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        Ok(Some(StoredConsent {
            refresh_token: Sensitive::new(v["rt"].as_str().unwrap().to_string()),
            record: serde_json::from_value::<ConsentRecord>(v["record"].clone()).unwrap(),
        }))
    }
    fn save(&self, _: &AccountKey, c: &StoredConsent) -> cspdesk_partner_api::Result<()> {
        let v = serde_json::json!({"rt": c.refresh_token.expose(), "record": c.record});
        let tmp = self.0.with_extension("tmp");
        std::fs::write(&tmp, v.to_string()).unwrap();
        std::fs::rename(tmp, &self.0).unwrap();
        Ok(())
    }
    fn delete(&self, _: &AccountKey) -> cspdesk_partner_api::Result<()> {
        let _ = std::fs::remove_file(&self.0);
        Ok(())
    }
}

/// A database with one partner account, and where its tokens are.
pub struct Fixture {
    pub _dir: tempfile::TempDir,
    pub db: PathBuf,
    pub account: String,
    pub tokens: PathBuf,
}

pub fn fixture(emu: &RunningEmulator) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cspdesk.sqlite3");
    let account = accounts::add(
        &Database::open(&db).unwrap(),
        "Contoso",
        &emu.partner().tenant_id,
        now(),
    )
    .unwrap()
    .id;
    let tokens = dir.path().join("tokens.json");
    Fixture {
        _dir: dir,
        db,
        account,
        tokens,
    }
}

/// Signs the admin in (the emulator consents at once) and stores the refresh token.
pub async fn sign_in(emu: &RunningEmulator, f: &Fixture) -> Arc<Session> {
    emu.set_auto_consent(Some(emu.partner().users[0].upn.clone()));
    let tokens = sign_in_with_browser(&settings(emu), BrowserSignIn::default(), |url| {
        let url = url.clone();
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    })
    .await
    .expect("the admin signs in");
    emu.set_auto_consent(None);
    let session = Session::start(
        settings(emu),
        AccountKey::from_stored(f.account.clone()),
        Arc::new(FileStore(f.tokens.clone())),
        tokens,
        emu.clock().now(),
    )
    .unwrap()
    .with_clock(clock(emu));
    Arc::new(session)
}

pub fn options(emu: &RunningEmulator, f: &Fixture) -> RunOptions {
    RunOptions::new(f.account.clone(), Trigger::Manual, clock(emu))
}

pub async fn discover(emu: &RunningEmulator, f: &Fixture, session: Arc<Session>) -> RunRecord {
    discover_with(f, session, options(emu, f)).await
}

/// Reads everything through the v1 line items (no Graph cut-over, neither ours nor the
/// emulator's): the tests of v1 paging.
pub async fn discover_v1(emu: &RunningEmulator, f: &Fixture, session: Arc<Session>) -> RunRecord {
    emu.set_v1_cutover(false);
    let mut options = options(emu, f);
    options.graph_from = None;
    discover_with(f, session, options).await
}

pub async fn discover_with(f: &Fixture, session: Arc<Session>, options: RunOptions) -> RunRecord {
    run(
        &f.db,
        session,
        options,
        Arc::new(Silent),
        CancellationToken::new(),
    )
    .await
    .expect("the run starts")
}

/// Records every progress snapshot, and can act on one (stop the run, break the emulator).
#[derive(Default)]
pub struct Watcher {
    pub seen: Mutex<Vec<Progress>>,
    #[allow(clippy::type_complexity)]
    pub on_progress: Mutex<Option<Box<dyn FnMut(&Progress) + Send>>>,
}

impl ProgressSink for Watcher {
    fn started(&self, _: &RunRecord) {}
    fn progress(&self, p: &Progress) {
        self.seen.lock().unwrap().push(p.clone());
        if let Some(f) = self.on_progress.lock().unwrap().as_mut() {
            f(p);
        }
    }
    fn finished(&self, _: &RunRecord) {}
}

/// The canonical dump of the discovered tables (see `cspdesk_store::discovered::dump`).
pub fn dump(db: &Path, mask: &[&str]) -> String {
    cspdesk_store::discovered::dump(&Database::open(db).unwrap(), mask).unwrap()
}

/// Rows per table, for messages.
pub fn counts(db: &Path) -> Vec<(String, i64)> {
    cspdesk_store::discovered::table_counts(&Database::open(db).unwrap()).unwrap()
}

/// The fault-free reference: a fresh database discovered once without trouble.
pub async fn reference(emu: &RunningEmulator, mask: &[&str]) -> String {
    let f = fixture(emu);
    let session = sign_in(emu, &f).await;
    let end = discover(emu, &f, session).await;
    assert_eq!(end.state, "completed", "{end:?}");
    dump(&f.db, mask)
}
