//! The sandbox partner: an account served by the embedded Microsoft emulator (preset S), so
//! a newcomer sees sign-in, Discovery and billing with no Microsoft tenant. Whoever uses the
//! sandbox account (the app or any CLI command) starts the emulator in-process on a free
//! loopback port; its tokens stay valid across restarts because the emulator signs them with
//! a key derived from the fixed seed.

use chrono::{DateTime, Utc};
use cspdesk_emulator::{Emulator, EmulatorConfig, Preset, RunningEmulator};
use cspdesk_store::{accounts, sign_in, Database};
use tokio::sync::OnceCell;

use crate::{ApiError, ErrorCode};

/// The emulator's public client, which the sandbox signs in as.
pub(crate) const CLIENT_ID: &str = cspdesk_emulator::CLIENT_ID;

/// The sandbox account's name.
pub const SANDBOX_NAME: &str = "sandbox";
/// The emulator seed behind the sandbox; fixed so the partner, its data and its token key
/// are the same every time.
pub const SANDBOX_SEED: u64 = 1;

static EMULATOR: OnceCell<RunningEmulator> = OnceCell::const_new();

/// The sandbox emulator of this process, started on first use at `now`.
///
/// It runs on a runtime of its own, on a background thread that lives as long as the
/// process: the caller's runtime may be short-lived (a CLI step, a test), and the emulator's
/// server tasks must outlive it for every later caller.
pub async fn emulator(seed: u64, now: DateTime<Utc>) -> Result<&'static RunningEmulator, ApiError> {
    let running = EMULATOR
        .get_or_try_init(|| async move {
            let (started, ready) = tokio::sync::oneshot::channel();
            std::thread::Builder::new()
                .name("sandbox-emulator".into())
                .spawn(move || {
                    let runtime = match tokio::runtime::Builder::new_multi_thread()
                        .worker_threads(1)
                        .enable_all()
                        .build()
                    {
                        Ok(rt) => rt,
                        Err(e) => {
                            let _ = started.send(Err(e.to_string()));
                            return;
                        }
                    };
                    runtime.block_on(async move {
                        let result = Emulator::start(sandbox_config(seed, now))
                            .await
                            .map_err(|e| e.to_string());
                        let ok = result.is_ok();
                        let _ = started.send(result);
                        if ok {
                            std::future::pending::<()>().await;
                        }
                    });
                })
                .map_err(|e| start_failed(&e.to_string()))?;
            match ready.await {
                Ok(Ok(running)) => Ok(running),
                Ok(Err(reason)) => Err(start_failed(&reason)),
                Err(_) => Err(start_failed("its thread ended before it started")),
            }
        })
        .await?;
    Ok(running)
}

/// The sandbox partner: 200 customers, and Partner Center's pace (a latency per request), so
/// a first Discovery takes long enough to watch its progress and to try Stop. Scripts and
/// tests may pick another size (`CSPDESK_SANDBOX_PRESET=S|M|L`) and pace
/// (`CSPDESK_SANDBOX_LATENCY_MS`).
fn sandbox_config(seed: u64, now: DateTime<Utc>) -> EmulatorConfig {
    let preset = std::env::var("CSPDESK_SANDBOX_PRESET")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(Preset::M);
    let latency = std::env::var("CSPDESK_SANDBOX_LATENCY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(SANDBOX_LATENCY_MS);
    let mut config = EmulatorConfig::new(preset, seed, now);
    config.latency = std::time::Duration::from_millis(latency);
    // Microsoft takes minutes to prepare a billing export; the sandbox a second, so a
    // Discovery of the sandbox still shows the "preparing" phase without keeping anyone waiting.
    config.graph_preparation = std::time::Duration::from_secs(1);
    config
}

/// Latency of each sandbox request, in milliseconds (Partner Center answers in 100-500 ms).
pub const SANDBOX_LATENCY_MS: u64 = 120;

fn start_failed(reason: &str) -> ApiError {
    ApiError {
        code: ErrorCode::Internal,
        message: format!("The sandbox could not start its Microsoft emulator: {reason}"),
        field: None,
    }
}

/// The sandbox partner's admin (a Global Administrator with MFA), for scripted sign-ins.
pub fn admin_upn(emulator: &RunningEmulator) -> String {
    let partner = emulator.partner();
    partner
        .users
        .iter()
        .find(|u| {
            u.mfa_registered
                && u.roles
                    .contains(&crate::shared::roles::GLOBAL_ADMINISTRATOR)
        })
        .or(partner.users.first())
        .map(|u| u.upn.clone())
        .unwrap_or_default()
}

/// The sandbox account, added (with its sign-in settings) if it is not there yet.
pub async fn ensure_account(
    db: &std::sync::Mutex<Database>,
    now: DateTime<Utc>,
) -> Result<accounts::Account, ApiError> {
    let emulator = emulator(SANDBOX_SEED, now).await?;
    let tenant = emulator.partner().tenant_id.clone();
    let db = crate::lock(db);
    let account = match accounts::find(&db, SANDBOX_NAME) {
        Ok(existing) if sign_in::settings(&db, &existing.id)?.sandbox_seed.is_some() => existing,
        Ok(_) => {
            return Err(ApiError {
                code: ErrorCode::Duplicate,
                message: format!("An account named {SANDBOX_NAME:?} already exists and is not the sandbox: rename it to try the sandbox"),
                field: Some("name".into()),
            })
        }
        Err(cspdesk_store::Error::NotFound { .. }) => {
            let added = accounts::add(&db, SANDBOX_NAME, &tenant, now)?;
            // The sandbox partner's Azure Stack Hub registrations live in this subscription.
            let stack = emulator.stack_fixtures();
            cspdesk_store::azure_stack::add_subscription(
                &db,
                &added.id,
                &stack.registration_subscription_id,
                now,
            )?;
            added
        }
        Err(e) => return Err(e.into()),
    };
    sign_in::set_settings(
        &db,
        &account.id,
        &sign_in::Settings {
            authority: emulator.url().to_string(),
            client_id: Some(CLIENT_ID.to_string()),
            partner_center_base: emulator.url().to_string(),
            arm_base: emulator.url().to_string(),
            graph_base: format!("{}/v1.0", emulator.url().trim_end_matches('/')),
            pricing_base: format!(
                "{}{}",
                emulator.url().trim_end_matches('/'),
                cspdesk_emulator::pricing::BASE
            ),
            sandbox_seed: Some(SANDBOX_SEED),
        },
    )?;
    Ok(account)
}

/// Signs the sandbox account in as its admin without showing the consent page (`cspdesk
/// sandbox --yes`, scripts, tests): the emulator consents at once, so "the browser" is one GET
/// that follows the redirect to our loopback listener.
pub async fn sign_in_as_admin(
    db: &std::sync::Mutex<Database>,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<crate::accounts::dto::AccountDto, ApiError> {
    let emulator = emulator(SANDBOX_SEED, now).await?;
    emulator.set_auto_consent(Some(admin_upn(emulator)));
    let signed = crate::accounts::login::login_with_browser(
        db,
        account_id,
        now,
        tokio_util::sync::CancellationToken::new(),
        |url| {
            let url = url.clone();
            tokio::spawn(async move {
                let _ = reqwest::get(url).await;
            });
            Ok(())
        },
    )
    .await;
    emulator.set_auto_consent(None);
    signed
}

/// Points the sandbox's approved Azure Stack registration at the in-process emulator's Stack
/// admin endpoint (the sandbox's own default for what a real partner types in). Its port
/// changes with every process, so this runs after every registrations refresh; an endpoint
/// the user set to something other than loopback is left alone.
pub(crate) async fn stack_admin_default(
    db: &std::sync::Mutex<Database>,
    account_id: &str,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let emulator = emulator(seed, now).await?;
    let fixtures = emulator.stack_fixtures();
    let key = cspdesk_store::azure_stack::RegistrationKey {
        subscription_id: fixtures.registration_subscription_id.clone(),
        resource_group: fixtures.resource_group.clone(),
        name: fixtures.approved_registration.clone(),
    };
    let db = crate::lock(db);
    let kept = cspdesk_store::stack_usage::admin_endpoints(&db, account_id)?;
    let custom = kept.iter().any(|(k, e)| {
        *k == key
            && url::Url::parse(&e.endpoint)
                .ok()
                .and_then(|u| u.host_str().map(|h| h != "127.0.0.1"))
                .unwrap_or(false)
    });
    let listed = cspdesk_store::azure_stack::registrations(&db, account_id)?
        .iter()
        .any(|r| r.key == key);
    if listed && !custom {
        cspdesk_store::stack_usage::set_admin_endpoint(
            &db,
            account_id,
            &key,
            &emulator.stack_admin_endpoint(),
            &fixtures.provider_subscription_id,
            now,
        )?;
    }
    Ok(())
}
