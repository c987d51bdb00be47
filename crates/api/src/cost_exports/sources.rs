//! Cost export sources per partner account: the container SAS URL checked, then kept only
//! in the OS keyring (SQLite holds the container's address and when the SAS expires).
//! Adding, renewing and removing sources needs admin access.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use cspdesk_cost_exports::{self as exports, ContainerSas};
use cspdesk_partner_api::{KeyringSecrets, SecretStore};
use cspdesk_store::cost_exports::runs;
use cspdesk_store::cost_exports::sources::{self, NewSource, Scope, Source};
use cspdesk_store::{accounts, Database, TenantId};

use super::dto::*;
use crate::{ApiError, ErrorCode};

/// A SAS expiring within this is shown as expiring soon.
pub const SAS_WARNING_DAYS: i64 = 14;

/// The keyring entry of a source's SAS URL.
pub(crate) fn secret_key(source_id: &str) -> String {
    format!("cost-source-{source_id}")
}

pub(super) fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn dto(db: &Database, s: Source, now: DateTime<Utc>) -> Result<CostSourceDto, ApiError> {
    let runs = runs::imported(db, &s.id)?;
    let (scope, scope_id) = match s.scope {
        Scope::BillingAccount(id) => (CostScopeKind::BillingAccount, id),
        Scope::BillingProfile(id) => (CostScopeKind::BillingProfile, id),
        Scope::Customer(id) => (CostScopeKind::Customer, Some(id)),
    };
    Ok(CostSourceDto {
        id: s.id,
        account_id: s.account_id,
        name: s.name,
        scope,
        scope_id,
        container_url: s.container_url,
        root_folder: s.root_folder,
        sas_expires_at: time_text(s.sas_expires_at),
        sas_expired: s.sas_expires_at <= now,
        sas_expiring_soon: s.sas_expires_at > now
            && s.sas_expires_at <= now + Duration::days(SAS_WARNING_DAYS),
        runs: u32::try_from(runs.len()).unwrap_or(u32::MAX),
        last_imported_at: runs.iter().map(|r| r.imported_at).max().map(time_text),
    })
}

/// The error of the export reader as it crosses to the UI.
pub fn api_error(e: exports::Error) -> ApiError {
    use exports::Error as E;
    let e = match e {
        E::Store(inner) => return ApiError::from(inner),
        other => other,
    };
    let message = e.to_string();
    let (code, field) = match &e {
        E::NotAUrl { .. }
        | E::NotASas { .. }
        | E::Insecure { .. }
        | E::NotAContainer { .. }
        | E::NoExpiry { .. }
        | E::BadSasField { .. }
        | E::SasNotYetValid { .. }
        | E::SasPermission { .. } => (ErrorCode::Validation, Some("sasUrl")),
        E::SasExpired { .. } | E::SasRejected { .. } => (ErrorCode::SasExpired, Some("sasUrl")),
        E::NotFound { .. } => (ErrorCode::NotFound, None),
        E::AlreadyRunning { .. } => (ErrorCode::AlreadyRunning, None),
        E::Lock { .. } => (ErrorCode::Storage, None),
        E::Storage { .. } | E::Network { .. } => (ErrorCode::Unavailable, None),
        E::BadListing { .. }
        | E::Manifest { .. }
        | E::MissingColumn { .. }
        | E::BadValue { .. }
        | E::BadCsv { .. }
        | E::RowCount { .. } => (ErrorCode::BadResponse, None),
        E::Store(_) => (ErrorCode::Storage, None),
        E::Stopped => (ErrorCode::Internal, None),
    };
    ApiError::new(code, message, field)
}

pub(super) fn scope_of(kind: CostScopeKind, id: Option<&str>) -> Result<Scope, ApiError> {
    let id = id.map(str::trim).filter(|s| !s.is_empty());
    Ok(match kind {
        CostScopeKind::BillingAccount => Scope::BillingAccount(id.map(str::to_string)),
        CostScopeKind::BillingProfile => Scope::BillingProfile(id.map(str::to_string)),
        CostScopeKind::Customer => {
            let Some(id) = id else {
                return Err(ApiError::new(
                    ErrorCode::Validation,
                    "A customer-scope source needs the customer's tenant id (the id in the export's scope .../customers/ID)",
                    Some("scopeId"),
                ));
            };
            let tenant: TenantId =
                id.parse()
                    .map_err(|e: cspdesk_store::tenant_id::InvalidTenantId| {
                        ApiError::new(ErrorCode::Validation, e.to_string(), Some("scopeId"))
                    })?;
            Scope::Customer(tenant.to_string())
        }
    })
}

/// The sources of `account` (name or id), or of every account, by account and name.
pub fn list_sources(
    db: &Database,
    account: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<CostSourceDto>, ApiError> {
    let account_id = account
        .map(|a| accounts::find(db, a).map(|a| a.id))
        .transpose()?;
    sources::list(db, account_id.as_deref())?
        .into_iter()
        .map(|s| dto(db, s, now))
        .collect()
}

/// Adds a source: the SAS URL is checked at `now`, its container address and expiry are
/// stored, and the SAS URL itself goes to the OS keyring.
pub fn add_source(
    db: &Database,
    input: &NewCostSource,
    now: DateTime<Utc>,
) -> Result<CostSourceDto, ApiError> {
    add_source_with(db, input, now, &KeyringSecrets::new())
}

/// [`add_source`] with another secret store.
pub fn add_source_with(
    db: &Database,
    input: &NewCostSource,
    now: DateTime<Utc>,
    secrets: &dyn SecretStore,
) -> Result<CostSourceDto, ApiError> {
    crate::shared::access::require_admin(db, now, "adding a cost export source")?;
    let account = accounts::find(db, &input.account)?;
    let scope = scope_of(input.scope, input.scope_id.as_deref())?;
    let sas = ContainerSas::parse(&input.sas_url, now).map_err(api_error)?;
    let source = sources::add(
        db,
        &NewSource {
            account_id: &account.id,
            name: &input.name,
            scope,
            container_url: sas.container_url(),
            root_folder: input.root_folder.as_deref().unwrap_or(""),
            sas_expires_at: sas.expires_at(),
        },
        now,
    )?;
    if let Err(e) = secrets.save(&secret_key(&source.id), &sas.to_secret()) {
        // Without its SAS the source could never import: keep neither.
        sources::remove(db, &source.id)?;
        return Err(e.into());
    }
    dto(db, source, now)
}

/// Replaces the SAS of a source (the same container) when it expires or was rotated.
pub fn renew_sas(
    db: &Database,
    account: &str,
    source: &str,
    sas_url: &str,
    now: DateTime<Utc>,
) -> Result<CostSourceDto, ApiError> {
    renew_sas_with(db, account, source, sas_url, now, &KeyringSecrets::new())
}

/// [`renew_sas`] with another secret store.
pub fn renew_sas_with(
    db: &Database,
    account: &str,
    source: &str,
    sas_url: &str,
    now: DateTime<Utc>,
    secrets: &dyn SecretStore,
) -> Result<CostSourceDto, ApiError> {
    crate::shared::access::require_admin(db, now, "renewing a cost export source's SAS")?;
    let account = accounts::find(db, account)?;
    let found = sources::find(db, &account.id, source)?;
    let sas = ContainerSas::parse(sas_url, now).map_err(api_error)?;
    if sas.container_url() != found.container_url {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!(
                "this SAS is for {}, but source {:?} reads {}: create the SAS on that container, or add another source",
                sas.container_url(),
                found.name,
                found.container_url
            ),
            Some("sasUrl"),
        ));
    }
    secrets.save(&secret_key(&found.id), &sas.to_secret())?;
    sources::set_sas_expiry(db, &found.id, sas.expires_at())?;
    dto(db, sources::find(db, &account.id, &found.id)?, now)
}

/// Removes a source, its imported costs and its SAS.
pub fn remove_source(
    db: &Database,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
) -> Result<CostSourceDto, ApiError> {
    remove_source_with(db, account, source, now, &KeyringSecrets::new())
}

/// [`remove_source`] with another secret store.
pub fn remove_source_with(
    db: &Database,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
    secrets: &dyn SecretStore,
) -> Result<CostSourceDto, ApiError> {
    crate::shared::access::require_admin(db, now, "removing a cost export source")?;
    let account = accounts::find(db, account)?;
    let found = sources::find(db, &account.id, source)?;
    let shown = dto(db, found.clone(), now)?;
    // A keyring that fails keeps the source, so no SAS is left behind without an owner.
    secrets.delete(&secret_key(&found.id))?;
    sources::remove(db, &found.id)?;
    Ok(shown)
}

/// Removes the SAS of every source of an account (the account is being removed).
pub(crate) fn forget_secrets(db: &Database, account_id: &str) -> Result<(), ApiError> {
    let secrets = KeyringSecrets::new();
    for s in sources::list(db, Some(account_id))? {
        secrets.delete(&secret_key(&s.id))?;
    }
    Ok(())
}
