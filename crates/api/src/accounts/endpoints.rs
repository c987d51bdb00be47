//! Where an account's Microsoft endpoints are. A real partner's are its stored settings; the
//! sandbox partner's are the in-process emulator's, whose port changes with every start. This
//! is the one place that tells the two apart, so sign-in, Azure Stack and Stack usage never
//! branch on the sandbox, and a build without the `sandbox` feature links no emulator.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use cspdesk_partner_api::{default_scopes, ApiSettings};
use cspdesk_store::{sign_in, Database};

use crate::{ApiError, ErrorCode};

/// The API settings of an account with `stored` settings in partner tenant `tenant`.
pub(crate) async fn resolve(
    stored: &sign_in::Settings,
    tenant: String,
    now: DateTime<Utc>,
) -> Result<ApiSettings, ApiError> {
    if let Some(seed) = stored.sandbox_seed {
        return sandbox_settings(seed, tenant, now).await;
    }
    let client_id = stored.client_id.clone().ok_or_else(|| ApiError {
        code: ErrorCode::Validation,
        message: "This account has no application (client) ID yet: register a native app for CSP Desk in Partner Center > App management and enter its ID in the account settings".into(),
        field: Some("clientId".into()),
    })?;
    Ok(ApiSettings {
        authority: stored.authority.clone(),
        tenant,
        client_id,
        scopes: default_scopes(),
        partner_center_base: stored.partner_center_base.clone(),
        arm_base: stored.arm_base.clone(),
        graph_base: stored.graph_base.clone(),
        pricing_base: stored.pricing_base.clone(),
        extra_ca_pem: None,
    })
}

/// Refuses a change of settings the resolver owns (the sandbox's are the emulator's).
pub(crate) fn editable(stored: &sign_in::Settings) -> Result<(), ApiError> {
    match stored.sandbox_seed {
        Some(_) => Err(ApiError {
            code: ErrorCode::Validation,
            message: "The sandbox partner always uses the built-in emulator; its settings cannot be changed".into(),
            field: None,
        }),
        None => Ok(()),
    }
}

/// Whether a sign-in made with `used` still belongs to the account's `stored` settings (they
/// may have changed while the user was at the browser). The sandbox's are resolved afresh
/// every time, so they always match.
pub(crate) fn still_current(stored: &sign_in::Settings, used: &ApiSettings) -> bool {
    stored.sandbox_seed.is_some()
        || (stored.client_id.as_deref() == Some(used.client_id.as_str())
            && stored.authority == used.authority)
}

/// Supplies the defaults an account's endpoints imply once its Azure Stack registrations are
/// known: the sandbox points its approved registration at the emulator's Stack admin
/// endpoint; a real partner types its own, so nothing happens.
pub(crate) async fn stack_admin_defaults(
    db: &Mutex<Database>,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let seed = sign_in::settings(&crate::lock(db), account_id)?.sandbox_seed;
    match seed {
        Some(seed) => sandbox_stack_admin(db, account_id, seed, now).await,
        None => Ok(()),
    }
}

#[cfg(feature = "sandbox")]
async fn sandbox_settings(
    seed: u64,
    tenant: String,
    now: DateTime<Utc>,
) -> Result<ApiSettings, ApiError> {
    let emulator = super::sandbox::emulator(seed, now).await?;
    Ok(ApiSettings::single_origin(
        emulator.url(),
        tenant,
        super::sandbox::CLIENT_ID,
    ))
}

#[cfg(feature = "sandbox")]
async fn sandbox_stack_admin(
    db: &Mutex<Database>,
    account_id: &str,
    seed: u64,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    super::sandbox::stack_admin_default(db, account_id, seed, now).await
}

#[cfg(not(feature = "sandbox"))]
async fn sandbox_settings(_: u64, _: String, _: DateTime<Utc>) -> Result<ApiSettings, ApiError> {
    Err(super::sandbox::not_in_this_build())
}

#[cfg(not(feature = "sandbox"))]
async fn sandbox_stack_admin(
    _: &Mutex<Database>,
    _: &str,
    _: u64,
    _: DateTime<Utc>,
) -> Result<(), ApiError> {
    Err(super::sandbox::not_in_this_build())
}
