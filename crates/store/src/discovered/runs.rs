//! Discovery's run history: the Discovery runs of the one import history
//! ([`crate::import_runs`], kind `discovery`, no source). Kept as its own door because the
//! Discovery panel and its scheduler ask only about Discovery.

use chrono::{DateTime, Utc};

use crate::error::Result;
use crate::import_runs::{self, RunFilter, RunKey, RunKind};
use crate::Database;

pub use crate::import_runs::{
    finish, get, heartbeat, EntityCount, RunCounts, RunFailure, RunRecord,
};

/// Starts a Discovery run for `account_id` (the caller holds its run lock); a Discovery run
/// of the account still marked InProgress died with its process and is closed as Stopped.
pub fn start(
    db: &mut Database,
    account_id: &str,
    trigger: &str,
    now: DateTime<Utc>,
) -> Result<RunRecord> {
    import_runs::start(db, &RunKey::discovery(account_id), None, trigger, now)
}

/// The newest `limit` Discovery runs of an account, newest first.
pub fn list(db: &Database, account_id: &str, limit: u32) -> Result<Vec<RunRecord>> {
    import_runs::list(
        db,
        &RunFilter {
            account_id: Some(account_id),
            kind: Some(RunKind::Discovery),
            source: None,
        },
        limit,
    )
}

/// When the account's last Completed Discovery run ended.
pub fn last_success(db: &Database, account_id: &str) -> Result<Option<DateTime<Utc>>> {
    import_runs::last_success(db, &RunKey::discovery(account_id))
}
