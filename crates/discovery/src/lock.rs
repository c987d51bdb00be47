//! One run per account at a time, across processes: the app and a `cspdesk discover` cron
//! job may share a database. The run holds an OS file lock beside the database for its whole
//! life; the OS releases it when the process ends, however it ends, so a killed run never
//! blocks the next one and never needs a timeout to be declared dead.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

/// Held while a run of one account is in progress.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// The lock file of `account_id`'s runs on the database at `db_path` (resolved, so one
/// database reached through a link has one lock).
pub fn lock_path(db_path: &Path, account_id: &str) -> PathBuf {
    cspdesk_store::path_beside(db_path, &format!("discovery-{account_id}.lock"))
}

/// Takes the lock, or `None` when another run holds it.
pub fn try_lock(db_path: &Path, account_id: &str) -> io::Result<Option<RunLock>> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(lock_path(db_path, account_id))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(RunLock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Takes the lock for a run, waiting up to a third of a second: [`is_running`] takes it for
/// an instant to look, and a run starting in that instant must not be refused.
pub fn acquire(db_path: &Path, account_id: &str) -> io::Result<Option<RunLock>> {
    for _ in 0..10 {
        if let Some(lock) = try_lock(db_path, account_id)? {
            return Ok(Some(lock));
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    Ok(None)
}

/// Whether a run of `account_id` is in progress in any process.
pub fn is_running(db_path: &Path, account_id: &str) -> bool {
    lock_path(db_path, account_id).exists() && matches!(try_lock(db_path, account_id), Ok(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.sqlite3");
        let first = try_lock(&db, "acc").unwrap();
        assert!(first.is_some());
        assert!(
            try_lock(&db, "acc").unwrap().is_none(),
            "one run per account"
        );
        assert!(is_running(&db, "acc"));
        assert!(
            try_lock(&db, "other").unwrap().is_some(),
            "other accounts run independently"
        );
        drop(first);
        assert!(!is_running(&db, "acc"));
        assert!(try_lock(&db, "acc").unwrap().is_some());
    }
}
