//! Partner accounts as the Accounts page and `cspdesk account` see them.

use chrono::{DateTime, SecondsFormat, Utc};
use cspdesk_store::{accounts, Database};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ApiError;

/// A partner account as shown in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountDto {
    /// Stable id (also keys the keyring entry).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Partner tenant GUID, lower case.
    pub tenant_id: String,
    /// When it was added, RFC 3339 UTC.
    pub created_at: String,
}

/// What the user types to add an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    /// Display name.
    pub name: String,
    /// Partner tenant GUID as typed.
    pub tenant_id: String,
}

impl From<accounts::Account> for AccountDto {
    fn from(a: accounts::Account) -> Self {
        Self {
            id: a.id,
            name: a.name,
            tenant_id: a.tenant_id.to_string(),
            created_at: a.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        }
    }
}

/// All accounts, by name.
pub fn list(db: &Database) -> Result<Vec<AccountDto>, ApiError> {
    Ok(accounts::list(db)?.into_iter().map(Into::into).collect())
}

/// Adds an account; `now` is its creation time.
pub fn add(db: &Database, input: &NewAccount, now: DateTime<Utc>) -> Result<AccountDto, ApiError> {
    Ok(accounts::add(db, &input.name, &input.tenant_id, now)?.into())
}

/// Removes the account with this name or id and returns it.
pub fn remove(db: &Database, name_or_id: &str) -> Result<AccountDto, ApiError> {
    Ok(accounts::remove(db, name_or_id)?.into())
}
