//! One import run per (kind, account, source) at a time, across processes: the app and a
//! `cspdesk discover` or `cspdesk costs import` cron job may share a database. The run holds
//! an OS file lock beside the database for its whole life; the OS releases it when the
//! process ends, however it ends, so a killed run never blocks the next one and never needs
//! a timeout to be declared dead. Discovery, cost exports and Stack usage take the same kind
//! of lock; only the file's name differs per kind.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};

use cspdesk_store::import_runs::{RunKey, RunKind};

/// Held while a run of one key is in progress.
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// FNV-1a: a stable short name for a source that may hold any character (a Stack
/// registration's resource group and name), so it fits in a file name.
fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The lock file's name of `key` (Discovery's and cost exports' as they were before the
/// pipeline was shared, so a process of the previous version still excludes this one).
pub fn lock_name(key: &RunKey) -> String {
    let source = key.source.as_deref().unwrap_or_default();
    match key.kind {
        RunKind::Discovery => format!("discovery-{}.lock", key.account_id),
        // A source id is a random UUID of one account.
        RunKind::CostExports => format!("cost-import-{source}.lock"),
        RunKind::StackUsage => format!(
            "stack-usage-{}-{:016x}.lock",
            key.account_id,
            fingerprint(source)
        ),
        RunKind::Pricing => format!(
            "pricing-{}-{:016x}.lock",
            key.account_id,
            fingerprint(source)
        ),
    }
}

/// The lock file of `key`'s runs on the database at `db_path` (resolved, so one database
/// reached through a link has one lock).
pub fn key_path(db_path: &Path, key: &RunKey) -> PathBuf {
    cspdesk_store::path_beside(db_path, &lock_name(key))
}

/// Takes `key`'s lock, or `None` when another run holds it.
pub fn try_lock_key(db_path: &Path, key: &RunKey) -> io::Result<Option<RunLock>> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(key_path(db_path, key))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(RunLock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Takes `key`'s lock for a run, waiting up to a third of a second: [`is_key_running`]
/// takes it for an instant to look, and a run starting in that instant must not be refused.
pub fn acquire_key(db_path: &Path, key: &RunKey) -> io::Result<Option<RunLock>> {
    for _ in 0..10 {
        if let Some(lock) = try_lock_key(db_path, key)? {
            return Ok(Some(lock));
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    Ok(None)
}

/// Whether a run of `key` is in progress in any process.
pub fn is_key_running(db_path: &Path, key: &RunKey) -> bool {
    key_path(db_path, key).exists() && matches!(try_lock_key(db_path, key), Ok(None))
}

/// The lock file of `account_id`'s Discovery runs.
pub fn lock_path(db_path: &Path, account_id: &str) -> PathBuf {
    key_path(db_path, &RunKey::discovery(account_id))
}

/// Takes the Discovery lock of `account_id`, or `None` when another run holds it.
pub fn try_lock(db_path: &Path, account_id: &str) -> io::Result<Option<RunLock>> {
    try_lock_key(db_path, &RunKey::discovery(account_id))
}

/// [`acquire_key`] for Discovery.
pub fn acquire(db_path: &Path, account_id: &str) -> io::Result<Option<RunLock>> {
    acquire_key(db_path, &RunKey::discovery(account_id))
}

/// Whether a Discovery run of `account_id` is in progress in any process.
pub fn is_running(db_path: &Path, account_id: &str) -> bool {
    is_key_running(db_path, &RunKey::discovery(account_id))
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

    #[test]
    fn each_kind_account_and_source_has_its_own_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("app.sqlite3");
        let stack = |source: &str| RunKey::of(RunKind::StackUsage, "acc", source);
        let cost = |source: &str| RunKey::of(RunKind::CostExports, "acc", source);
        let keys = [
            RunKey::discovery("acc"),
            cost("s1"),
            cost("s2"),
            stack("sub/rg/reg-a"),
            stack("sub/rg/reg_b"),
            stack("sub/rg (old)/reg-a"),
            RunKey::of(RunKind::StackUsage, "other", "sub/rg/reg-a"),
        ];
        let held: Vec<RunLock> = keys
            .iter()
            .map(|k| try_lock_key(&db, k).unwrap().expect("a free key"))
            .collect();
        for k in &keys {
            assert!(is_key_running(&db, k), "{k:?} is held");
            assert!(
                try_lock_key(&db, k).unwrap().is_none(),
                "a second run of {k:?} is refused"
            );
        }
        drop(held);
        assert!(keys.iter().all(|k| !is_key_running(&db, k)));
        assert_eq!(
            lock_name(&cost("s1")),
            "cost-import-s1.lock",
            "the name cost imports used before they shared the pipeline"
        );
        assert_eq!(lock_name(&RunKey::discovery("acc")), "discovery-acc.lock");
    }
}
