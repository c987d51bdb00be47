//! Signing an account in and out. The shells inject how the browser is opened (the app's
//! opener, the CLI's `xdg-open`, a test that plays the consent page); everything else —
//! which authority, which app, keyring entry, what is remembered — is decided here once.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use cspdesk_partner_api::{
    sign_in_with_browser, sign_in_with_device_code, AccountKey, ApiSettings, BrowserSignIn,
    DeviceCodePrompt, KeyringStore, Session, SignedInUser, TokenSet, TokenStore,
};
use cspdesk_store::{accounts, sign_in, Database};
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::accounts::partner_accounts::describe;

use crate::accounts::dto::AccountDto;
use crate::{accounts::endpoints, lock, ApiError, ErrorCode};
/// How long a browser sign-in may take before it is abandoned.
pub const BROWSER_TIMEOUT: Duration = Duration::from_secs(600);

/// Everything a sign-in needs to know about the account.
pub(crate) struct Target {
    pub(crate) account: accounts::Account,
    pub(crate) settings: ApiSettings,
}

pub(crate) async fn target(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<Target, ApiError> {
    let (account, stored) = {
        let db = lock(db);
        let account = accounts::find(&db, name_or_id)?;
        let stored = sign_in::settings(&db, &account.id)?;
        (account, stored)
    };
    let tenant = account.tenant_id.to_string();
    let settings = endpoints::resolve(&stored, tenant, now).await?;
    Ok(Target { account, settings })
}

/// The account's stored sign-in as a session; not signed in is refused with the way to sign
/// in, then `next` (what the user was about to do, e.g. "start Discovery").
pub(crate) async fn resume(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
    next: &str,
) -> Result<(accounts::Account, Session), ApiError> {
    let t = target(db, name_or_id, now).await?;
    let session = Session::resume(t.settings, key(&t.account), Arc::new(KeyringStore::new()))
        .map_err(|e| match e {
            cspdesk_partner_api::Error::NotSignedIn => ApiError::new(
                ErrorCode::NotSignedIn,
                format!(
                    "{} is not signed in: press Login with Microsoft on the Accounts page (or run `cspdesk login --account {}`), then {next}",
                    t.account.name, t.account.name
                ),
                None,
            ),
            other => other.into(),
        })?;
    Ok((t.account, session))
}

pub(crate) fn key(account: &accounts::Account) -> AccountKey {
    AccountKey::from_stored(account.id.clone())
}

/// Signs the account in through the browser. `open_browser` is handed the authorize URL;
/// `cancel` abandons the wait (the Accounts page's Cancel button).
pub async fn login_with_browser<F>(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
    cancel: CancellationToken,
    open_browser: F,
) -> Result<AccountDto, ApiError>
where
    F: FnOnce(&Url) -> std::io::Result<()>,
{
    let t = target(db, name_or_id, now).await?;
    let options = BrowserSignIn {
        timeout: BROWSER_TIMEOUT,
        cancel,
        login_hint: None,
    };
    let tokens = sign_in_with_browser(&t.settings, options, open_browser).await?;
    remember(db, t, tokens, now)
}

/// Signs the account in with the device-code flow (headless CLI): `show` is told the code
/// and the page to enter it on.
pub async fn login_with_device_code<F>(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
    cancel: CancellationToken,
    show: F,
) -> Result<AccountDto, ApiError>
where
    F: FnOnce(&DeviceCodePrompt),
{
    let t = target(db, name_or_id, now).await?;
    let tokens = sign_in_with_device_code(&t.settings, cancel, show).await?;
    remember(db, t, tokens, now)
}

/// Keeps the refresh token in the keyring and what the page shows in the database.
fn remember(
    db: &Mutex<Database>,
    t: Target,
    tokens: TokenSet,
    now: DateTime<Utc>,
) -> Result<AccountDto, ApiError> {
    let user = tokens.user.clone();
    if !user
        .tenant_id
        .eq_ignore_ascii_case(&t.account.tenant_id.to_string())
    {
        return Err(ApiError {
            code: ErrorCode::SignInFailed,
            message: format!(
                "You signed in as {} of tenant {}, but {:?} is partner tenant {}: sign in with a user of that partner tenant",
                user.upn, user.tenant_id, t.account.name, t.account.tenant_id
            ),
            field: None,
        });
    }
    // The wait can take minutes: the account may have been removed or pointed at another app
    // meanwhile. Hold the lock across the check and both writes, and never leave a token for
    // an account that no longer wants it.
    let db = lock(db);
    let still_wanted = match sign_in::settings(&db, &t.account.id) {
        Ok(stored) => endpoints::still_current(&stored, &t.settings),
        Err(_) => false,
    };
    if !still_wanted {
        return Err(ApiError {
            code: ErrorCode::SignInFailed,
            message: format!(
                "{:?} was removed or its sign-in settings changed while you signed in: sign in again",
                t.account.name
            ),
            field: None,
        });
    }
    let key = key(&t.account);
    Session::start(
        t.settings,
        key.clone(),
        Arc::new(KeyringStore::new()),
        tokens,
        now,
    )?;
    if let Err(e) = sign_in::save_session(&db, &t.account.id, &session_row(&user, now, now)) {
        let _ = KeyringStore::new().delete(&key);
        return Err(e.into());
    }
    describe(&db, t.account, now)
}

fn session_row(
    user: &SignedInUser,
    consented_at: DateTime<Utc>,
    refreshed_at: DateTime<Utc>,
) -> sign_in::Session {
    sign_in::Session {
        upn: user.upn.clone(),
        user_oid: user.oid.clone(),
        tenant_id: user.tenant_id.clone(),
        roles: user.roles.clone(),
        mfa: user.mfa,
        consented_at,
        last_refreshed_at: refreshed_at,
        rejected_at: None,
    }
}

/// Uses the stored refresh token once (Microsoft rotates it) to confirm the sign-in still
/// works, updating roles and the lapse date. A rejected token marks the sign-in lapsed.
pub async fn verify(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<AccountDto, ApiError> {
    let t = target(db, name_or_id, now).await?;
    let session = Session::resume(t.settings, key(&t.account), Arc::new(KeyringStore::new()))?;
    match session.refresh().await {
        Ok(user) => {
            let db = lock(db);
            if !sign_in::record_refresh(&db, &t.account.id, &user.upn, &user.roles, user.mfa, now)?
            {
                // The keyring had a token the database did not know of (e.g. a restored database).
                sign_in::save_session(&db, &t.account.id, &session_row(&user, now, now))?;
            }
            describe(&db, t.account, now)
        }
        Err(e @ cspdesk_partner_api::Error::ConsentExpired { .. }) => {
            // Keep who it was, so the page offers "Sign in again" for that user.
            sign_in::mark_rejected(&lock(db), &t.account.id, now)?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Signs the account out: removes its keyring entry and what the page showed.
pub fn logout(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<AccountDto, ApiError> {
    // The keyring may wait on the desktop (an unlock prompt): never hold the database meanwhile.
    let account = accounts::find(&lock(db), name_or_id)?;
    KeyringStore::new().delete(&key(&account))?;
    let db = lock(db);
    sign_in::clear_session(&db, &account.id)?;
    describe(&db, account, now)
}
