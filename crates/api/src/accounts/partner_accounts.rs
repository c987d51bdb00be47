//! Partner accounts as the Accounts page and `cspdesk account` see them.

use chrono::{DateTime, SecondsFormat, Utc};
use cspdesk_partner_api::TokenStore;
use cspdesk_store::{accounts, Database};

use super::dto::{AccountDto, NewAccount};
use crate::shared::sign_in::{self, SignInStatus};
use crate::ApiError;
/// The account as the Accounts page shows it at `now`. A sign-in record that cannot be
/// read shows as signed out rather than hiding every account.
pub fn describe(
    db: &Database,
    a: accounts::Account,
    now: DateTime<Utc>,
) -> Result<AccountDto, ApiError> {
    Ok(AccountDto {
        sandbox: cspdesk_store::sign_in::settings(db, &a.id)?
            .sandbox_seed
            .is_some(),
        sign_in: sign_in::status(db, &a.id, now).unwrap_or(SignInStatus::SignedOut),
        id: a.id,
        name: a.name,
        tenant_id: a.tenant_id.to_string(),
        created_at: a.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
    })
}

/// All accounts, by name, with their sign-in state at `now`.
pub fn list(db: &Database, now: DateTime<Utc>) -> Result<Vec<AccountDto>, ApiError> {
    accounts::list(db)?
        .into_iter()
        .map(|a| describe(db, a, now))
        .collect()
}

/// Adds an account; `now` is its creation time.
pub fn add(db: &Database, input: &NewAccount, now: DateTime<Utc>) -> Result<AccountDto, ApiError> {
    crate::shared::access::require_admin(db, now, "adding a partner account")?;
    let added = accounts::add(db, &input.name, &input.tenant_id, now)?;
    describe(db, added, now)
}

/// Removes the account with this name or id and returns it (as it was just before).
pub fn remove(db: &Database, name_or_id: &str, now: DateTime<Utc>) -> Result<AccountDto, ApiError> {
    remove_account(db, accounts::find(db, name_or_id)?, now)
}

/// Removes the account with exactly this id (the UI's rows carry ids).
pub fn remove_by_id(db: &Database, id: &str, now: DateTime<Utc>) -> Result<AccountDto, ApiError> {
    remove_account(db, accounts::get(db, id)?, now)
}

fn remove_account(
    db: &Database,
    account: accounts::Account,
    now: DateTime<Utc>,
) -> Result<AccountDto, ApiError> {
    crate::shared::access::require_admin(db, now, "removing a partner account")?;
    let shown = describe(db, account.clone(), now)?;
    // The refresh token goes with the account (an absent entry is fine); a keyring that
    // fails keeps the account, so no token is left behind without an owner.
    cspdesk_partner_api::KeyringStore::new().delete(
        &cspdesk_partner_api::AccountKey::from_stored(account.id.clone()),
    )?;
    // So do the SAS URLs of its cost export sources.
    crate::cost_exports::sources::forget_secrets(db, &account.id)?;
    accounts::remove(db, &account.id)?;
    Ok(shown)
}
