//! Shared harness: an emulator at a fixed instant, account settings pointing at it, a scripted
//! "browser" that drives the consent page over HTTP, and a signed-in client.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use cspdesk_emulator::{Emulator, EmulatorConfig, Preset, RunningEmulator, CLIENT_ID};
use cspdesk_partner_api::{
    sign_in_with_browser, AccountKey, ApiSettings, BrowserSignIn, CallEvent, ClientOptions, Clock,
    KeyringStore, PartnerCenter, RetryPolicy, Session, StoredConsent, TokenSet, TokenStore,
};
use url::Url;

/// Keyring service of the tests, apart from the app's `cspdesk`.
pub const SERVICE: &str = "cspdesk-test";

/// 2026-04-15 10:00 UTC: January to March are invoiced.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 10, 0, 0).unwrap()
}

pub async fn start() -> RunningEmulator {
    start_with(config()).await
}

/// Preset S with the clock frozen at [`now`], so instants in assertions are exact.
pub fn config() -> EmulatorConfig {
    let mut config = EmulatorConfig::new(Preset::S, 7, now());
    config.clock_ticks = false;
    config
}

pub async fn start_with(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start(config)
        .await
        .expect("emulator starts on a free loopback port")
}

pub fn settings(emu: &RunningEmulator) -> ApiSettings {
    ApiSettings::single_origin(emu.url(), emu.partner().tenant_id.clone(), CLIENT_ID)
}

pub fn emu_clock(emu: &RunningEmulator) -> Clock {
    let clock = emu.clock().clone();
    Arc::new(move || clock.now())
}

pub fn admin(emu: &RunningEmulator) -> String {
    emu.partner().users[0].upn.clone()
}

pub fn store() -> Arc<dyn TokenStore> {
    Arc::new(KeyringStore::with_service(SERVICE))
}

/// What the scripted browser does on the consent page.
#[derive(Clone, Debug)]
pub enum Choice {
    /// Pick this user and press Accept.
    Accept(String),
    /// Press Deny.
    Deny,
    /// Accept, but deliver the redirect with a forged `state`.
    AcceptForgedState(String),
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Plays the user's browser: opens the authorize URL, submits the consent form and follows the
/// redirect to the app's loopback listener. Returns the loopback page's text.
pub async fn browse(authorize: Url, choice: Choice) -> String {
    let http = http();
    let page = http
        .get(authorize.clone())
        .send()
        .await
        .expect("consent page loads");
    assert_eq!(
        page.status().as_u16(),
        200,
        "the emulator shows a consent page"
    );
    let mut form: Vec<(String, String)> = authorize.query_pairs().into_owned().collect();
    match &choice {
        Choice::Accept(upn) | Choice::AcceptForgedState(upn) => form.extend([
            ("user".to_string(), upn.clone()),
            ("decision".into(), "accept".into()),
        ]),
        Choice::Deny => form.extend([
            ("user".to_string(), String::new()),
            ("decision".into(), "deny".into()),
        ]),
    }
    let res = http
        .post(authorize.as_str().split('?').next().unwrap())
        .form(&form)
        .send()
        .await
        .expect("consent form posts");
    assert_eq!(
        res.status().as_u16(),
        302,
        "the consent decision redirects back to the app"
    );
    let mut location = Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    if let Choice::AcceptForgedState(_) = choice {
        let pairs: Vec<(String, String)> = location
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                if k == "state" {
                    (k, "forged-by-attacker".to_string())
                } else {
                    (k, v)
                }
            })
            .collect();
        location.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let done = http
        .get(location)
        .send()
        .await
        .expect("loopback listener answers the browser");
    done.text().await.unwrap()
}

/// Signs in through the scripted browser; also returns the loopback page it saw.
pub async fn sign_in(
    emu: &RunningEmulator,
    choice: Choice,
) -> (
    cspdesk_partner_api::Result<TokenSet>,
    Arc<Mutex<Option<String>>>,
) {
    let seen = Arc::new(Mutex::new(None));
    let sink = seen.clone();
    let result = sign_in_with_browser(&settings(emu), BrowserSignIn::default(), move |url| {
        let url = url.clone();
        tokio::spawn(async move {
            let page = browse(url, choice).await;
            *sink.lock().unwrap() = Some(page);
        });
        Ok(())
    })
    .await;
    (result, seen)
}

/// Attempts recorded by a client's observer.
#[derive(Clone, Default)]
pub struct Recorder(pub Arc<Mutex<Vec<CallEvent>>>);

impl Recorder {
    pub fn events(&self) -> Vec<CallEvent> {
        self.0.lock().unwrap().clone()
    }
}

/// Fast retries so failure tests finish quickly.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: std::time::Duration::from_millis(10),
        max_delay: std::time::Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

/// A signed-in admin: session (emulator clock), client with a recorder.
pub struct Signed {
    pub session: Arc<Session>,
    pub client: PartnerCenter,
    pub recorder: Recorder,
    pub key: AccountKey,
}

/// Whatever a test does, its keyring entry does not outlive it.
impl Drop for Signed {
    fn drop(&mut self) {
        let _ = store().delete(&self.key);
    }
}

/// A fresh emulator and its admin signed in with `options`.
pub async fn admin_signed_in(options: ClientOptions) -> (RunningEmulator, Signed) {
    let emu = start().await;
    let signed = signed_in(&emu, &admin(&emu), options).await;
    (emu, signed)
}

pub async fn signed_in(emu: &RunningEmulator, upn: &str, options: ClientOptions) -> Signed {
    let (tokens, _) = sign_in(emu, Choice::Accept(upn.to_string())).await;
    let tokens = tokens.expect("sign-in through the consent page succeeds");
    signed_with(emu, tokens, emu_clock(emu), options)
}

pub fn signed_with(
    emu: &RunningEmulator,
    tokens: TokenSet,
    clock: Clock,
    mut options: ClientOptions,
) -> Signed {
    let key = AccountKey::generate();
    let session = Arc::new(
        Session::start(
            settings(emu),
            key.clone(),
            store(),
            tokens,
            emu.clock().now(),
        )
        .expect("session starts")
        .with_clock(clock),
    );
    let recorder = Recorder::default();
    let sink = recorder.0.clone();
    options.observer = Some(Arc::new(move |e: &CallEvent| {
        sink.lock().unwrap().push(e.clone())
    }));
    let client = PartnerCenter::new(session.clone(), options).expect("client builds");
    Signed {
        session,
        client,
        recorder,
        key,
    }
}

/// Query parameters of a URL.
pub fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

/// A token store in memory whose next `save` can be made to fail, as a locked keyring does.
#[derive(Default)]
pub struct FlakyStore {
    entries: Mutex<HashMap<String, StoredConsent>>,
    fail_next_save: std::sync::atomic::AtomicBool,
    /// Every `save` call, failed or not.
    pub saves: std::sync::atomic::AtomicU32,
}

impl FlakyStore {
    pub fn fail_next_save(&self) {
        self.fail_next_save
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn saves(&self) -> u32 {
        self.saves.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl TokenStore for FlakyStore {
    fn load(&self, key: &AccountKey) -> cspdesk_partner_api::Result<Option<StoredConsent>> {
        Ok(self.entries.lock().unwrap().get(key.as_str()).cloned())
    }

    fn save(&self, key: &AccountKey, consent: &StoredConsent) -> cspdesk_partner_api::Result<()> {
        self.saves.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if self
            .fail_next_save
            .swap(false, std::sync::atomic::Ordering::SeqCst)
        {
            return Err(cspdesk_partner_api::Error::Keyring {
                detail: "the keyring is locked (test)".into(),
            });
        }
        self.entries
            .lock()
            .unwrap()
            .insert(key.as_str().to_string(), consent.clone());
        Ok(())
    }

    fn delete(&self, key: &AccountKey) -> cspdesk_partner_api::Result<()> {
        self.entries.lock().unwrap().remove(key.as_str());
        Ok(())
    }
}

/// The emulator's admin signed in, as a session on an in-memory [`FlakyStore`] against
/// `settings` (which may point Partner Center elsewhere).
pub async fn memory_session(
    emu: &RunningEmulator,
    settings: ApiSettings,
) -> (Arc<FlakyStore>, AccountKey, Session) {
    let (tokens, _) = sign_in(emu, Choice::Accept(admin(emu))).await;
    let tokens = tokens.expect("sign-in through the consent page succeeds");
    let store = Arc::new(FlakyStore::default());
    let key = AccountKey::generate();
    let session = Session::start(
        settings,
        key.clone(),
        store.clone(),
        tokens,
        emu.clock().now(),
    )
    .expect("session starts")
    .with_clock(emu_clock(emu));
    (store, key, session)
}
