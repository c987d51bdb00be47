//! Facts about the running app the UI shows in its frame (version, which database).

use chrono::{DateTime, Utc};
use cspdesk_store::Database;

use super::dto::AppInfo;
use crate::ApiError;
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
