//! Facts about the running app the UI shows in its frame (version, which database).

use chrono::{DateTime, Utc};
use cspdesk_store::Database;
use serde::Serialize;
use ts_rs::TS;

use crate::shared::roles::Access;
use crate::ApiError;

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// CSP Desk version.
    pub version: String,
    /// The database file in use.
    pub database_path: String,
    /// What the signed-in user may do: Finance hides adding, removing and settings.
    pub access: Access,
    /// Who makes the app read-only, in words (empty for Admin).
    pub access_reason: String,
    /// The database file was opened read-only (`--read-only`): browse and export only.
    pub read_only_database: bool,
}

/// Describes the app around this database at `now`.
pub fn describe(db: &Database, now: DateTime<Utc>) -> Result<AppInfo, ApiError> {
    let (access, who) = crate::shared::access::current(db, now)?;
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_path: db.path().display().to_string(),
        access,
        access_reason: who.join("; "),
        read_only_database: db.is_read_only(),
    })
}
