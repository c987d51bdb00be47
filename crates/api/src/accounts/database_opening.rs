//! Opening the database for the window. A file an older CSP Desk wrote is upgraded first,
//! and converting a large partner's usage takes minutes (docs/bench-storage.md: about 69,000
//! usage rows a second), so the window must not wait for it to appear: the upgrade runs on
//! a thread, every page answers [`ErrorCode::Upgrading`] meanwhile, and the window shows
//! which migration runs, for how long, and that it is moving. A killed upgrade loses nothing:
//! each migration is one transaction with its version bump, and the next start goes on.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use cspdesk_store::{Database, UpgradeReport, UpgradeStep};
use serde::Serialize;
use ts_rs::TS;

use crate::shared::errors::ErrorCode;
use crate::ApiError;

/// Where opening the database stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum DatabaseState {
    /// Open: every page works.
    Ready,
    /// An older CSP Desk's file is being upgraded.
    Upgrading,
    /// It could not be opened; `error` says why and what to do.
    Failed,
}

/// What the window shows while the database opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseOpeningDto {
    /// Where it stands.
    pub state: DatabaseState,
    /// Which migration of the upgrade runs, from 1 (0 before the first starts).
    pub step: u32,
    /// How many migrations the upgrade applies (0 when none).
    pub steps: u32,
    /// What the running migration does, in words.
    pub what: String,
    /// SQLite's progress callbacks during the running migration: it is moving while this grows.
    pub beats: u32,
    /// Time since the upgrade started.
    pub elapsed_ms: u32,
    /// Why it could not be opened (state `failed`).
    pub error: Option<ApiError>,
}

/// The database as the window holds it: open, or still upgrading on a thread.
pub struct DatabaseOpening {
    db: OnceLock<Result<Mutex<Database>, ApiError>>,
    step: Mutex<Option<UpgradeStep>>,
    started: Instant,
    /// When the upgrade ended (to freeze the elapsed time shown).
    ended: Mutex<Option<Instant>>,
}

impl DatabaseOpening {
    /// Opens `explicit` (else `CSPDESK_DB`, else the platform default): at once when nothing
    /// needs upgrading or it is opened read-only (a read-only file is never upgraded), else
    /// on a thread. `started` is when the app started (time is the caller's).
    pub fn open(explicit: Option<&Path>, read_only: bool, started: Instant) -> Arc<Self> {
        let opening = Arc::new(Self {
            db: OnceLock::new(),
            step: Mutex::new(None),
            started,
            ended: Mutex::new(None),
        });
        if read_only {
            opening.finish(Database::open_default_read_only(explicit).map_err(ApiError::from));
            return opening;
        }
        let path = match Database::resolve_path(explicit) {
            Ok(path) => path,
            Err(e) => {
                opening.finish(Err(e.into()));
                return opening;
            }
        };
        match Database::pending_upgrade(&path) {
            Ok(Some(_)) => {
                let worker = Arc::clone(&opening);
                let seen = Arc::downgrade(&opening);
                let report: UpgradeReport = Arc::new(move |step: &UpgradeStep| {
                    if let Some(opening) = seen.upgrade() {
                        *opening.step.lock().unwrap_or_else(|p| p.into_inner()) =
                            Some(step.clone());
                    }
                });
                std::thread::spawn(move || {
                    // A panic must not leave the window waiting for ever: it ends as a failure.
                    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        Database::open_reporting(&path, report).map_err(ApiError::from)
                    }))
                    .unwrap_or_else(|_| {
                        Err(ApiError::new(
                            ErrorCode::Internal,
                            "The database upgrade stopped on an internal error (a bug in CSP Desk). Nothing was lost: each step is one transaction. Start CSP Desk again to retry, and report it if it happens again.",
                            None,
                        ))
                    });
                    if let Err(e) = &opened {
                        tracing::error!(error = %e, "the database upgrade failed");
                    }
                    worker.finish(opened);
                });
            }
            // Nothing to upgrade, or the check itself failed: opening says what is wrong.
            Ok(None) | Err(_) => opening.finish(Database::open(&path).map_err(ApiError::from)),
        }
        opening
    }

    fn finish(&self, opened: Result<Database, ApiError>) {
        *self.ended.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        let _ = self.db.set(opened.map(Mutex::new));
    }

    /// The open database, or why there is none yet (upgrading) or at all.
    pub fn database(&self) -> Result<&Mutex<Database>, ApiError> {
        match self.db.get() {
            Some(opened) => opened.as_ref().map_err(Clone::clone),
            None => {
                let step = self.step.lock().unwrap_or_else(|p| p.into_inner()).clone();
                let which = step
                    .map(|s| {
                        format!(
                            " (step {} of {}: {})",
                            s.step,
                            s.steps,
                            s.what.to_lowercase()
                        )
                    })
                    .unwrap_or_default();
                Err(ApiError::new(
                    ErrorCode::Upgrading,
                    format!(
                        "CSP Desk is upgrading its database for this version{which}. The pages open when it is done; closing the app is safe, the upgrade goes on at the next start."
                    ),
                    None,
                ))
            }
        }
    }

    /// Waits until the database is open or failed, at most `limit`.
    #[cfg(test)]
    fn wait(&self, limit: std::time::Duration) -> bool {
        let until = Instant::now() + limit;
        while self.db.get().is_none() {
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        true
    }

    /// Where opening stands at `now`.
    pub fn state(&self, now: Instant) -> DatabaseOpeningDto {
        let step = self.step.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let ended = *self.ended.lock().unwrap_or_else(|p| p.into_inner());
        let elapsed = ended.unwrap_or(now).saturating_duration_since(self.started);
        let (state, error) = match self.db.get() {
            None => (DatabaseState::Upgrading, None),
            Some(Ok(_)) => (DatabaseState::Ready, None),
            Some(Err(e)) => (DatabaseState::Failed, Some(e.clone())),
        };
        let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        DatabaseOpeningDto {
            state,
            step: step.as_ref().map_or(0, |s| clamp(s.step as u64)),
            steps: step.as_ref().map_or(0, |s| clamp(s.steps as u64)),
            what: step.as_ref().map(|s| s.what.clone()).unwrap_or_default(),
            beats: step.as_ref().map_or(0, |s| clamp(s.beats)),
            elapsed_ms: clamp(elapsed.as_millis() as u64),
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_current_or_new_file_opens_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.sqlite3");
        let opening = DatabaseOpening::open(Some(&path), false, Instant::now());
        assert_eq!(opening.state(Instant::now()).state, DatabaseState::Ready);
        assert!(opening.database().is_ok());
        drop(opening);
        let again = DatabaseOpening::open(Some(&path), false, Instant::now());
        assert_eq!(again.state(Instant::now()).state, DatabaseState::Ready);
    }

    #[test]
    fn an_older_file_upgrades_on_a_thread_and_pages_say_so_until_it_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            // A file from before any migration: every one of them is pending.
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "user_version", 0).unwrap();
            conn.execute_batch("CREATE TABLE keep_me (x INTEGER)")
                .unwrap();
        }
        // Hold the file's write lock (readers still read), so the upgrade is seen waiting
        // for it, then let it go.
        let blocker = rusqlite::Connection::open(&path).unwrap();
        blocker
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO keep_me VALUES (1);")
            .unwrap();
        let started = Instant::now();
        let opening = DatabaseOpening::open(Some(&path), false, started);
        let waiting = opening.database().unwrap_err();
        assert_eq!(waiting.code, ErrorCode::Upgrading);
        assert!(
            waiting.message.contains("upgrading its database"),
            "{}",
            waiting.message
        );
        assert_eq!(
            opening.state(Instant::now()).state,
            DatabaseState::Upgrading
        );
        blocker.execute_batch("COMMIT").unwrap();
        drop(blocker);
        assert!(opening.wait(Duration::from_secs(30)), "the upgrade ends");
        let state = opening.state(Instant::now());
        assert_eq!(state.state, DatabaseState::Ready, "{state:?}");
        assert_eq!(state.steps, state.step, "the last step ran: {state:?}");
        assert!(state.steps > 10, "every migration was pending: {state:?}");
        assert!(!state.what.is_empty());
        let db = crate::lock(opening.database().unwrap());
        assert!(db.schema_version().unwrap() >= i64::from(state.steps));
        assert!(
            cspdesk_store::accounts::list(&db).unwrap().is_empty(),
            "the upgraded file works"
        );
    }

    #[test]
    fn a_file_that_cannot_be_opened_fails_with_the_store_error() {
        let dir = tempfile::tempdir().unwrap();
        // A folder is no database file.
        let opening = DatabaseOpening::open(Some(dir.path()), false, Instant::now());
        let state = opening.state(Instant::now());
        assert_eq!(state.state, DatabaseState::Failed);
        assert!(state.error.is_some());
        assert_eq!(opening.database().unwrap_err().code, ErrorCode::Storage);
    }
}
