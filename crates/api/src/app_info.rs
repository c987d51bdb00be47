//! Facts about the running app the UI shows in its frame (version, which database).

use cspdesk_store::Database;
use serde::Serialize;
use ts_rs::TS;

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// CSP Desk version.
    pub version: String,
    /// The database file in use.
    pub database_path: String,
}

/// Describes the app around this database.
pub fn describe(db: &Database) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        database_path: db.path().display().to_string(),
    }
}
