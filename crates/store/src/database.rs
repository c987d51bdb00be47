//! Opening the database file: where it lives, the connection pragmas every handle
//! gets, and bringing the schema up to date before anyone reads it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::migration::{self, UpgradeReport};

/// Environment variable that overrides where the database file lives.
pub const DB_ENV_VAR: &str = "CSPDESK_DB";

/// How long a writer waits for another connection's lock before giving up. Discovery
/// writes while the UI reads, so short contention is normal and must not surface.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open CSP Desk database with its schema up to date.
#[derive(Debug)]
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

/// The database path when neither `--db` nor `CSPDESK_DB` says otherwise: the
/// platform's per-user data directory (`~/.local/share/cspdesk/cspdesk.sqlite3` on Linux).
pub fn default_database_path() -> Result<PathBuf> {
    let dirs =
        directories::ProjectDirs::from("com", "cspdesk", "cspdesk").ok_or(Error::NoDataDir)?;
    Ok(dirs.data_dir().join("cspdesk.sqlite3"))
}

impl Database {
    /// Resolves the path from an explicit choice, then `CSPDESK_DB`, then the platform
    /// default, and opens it.
    pub fn open_default(explicit: Option<&Path>) -> Result<Self> {
        Self::open(&Self::resolve_path(explicit)?)
    }

    /// The file [`Database::open_default`] opens: an explicit choice, then `CSPDESK_DB`,
    /// then the platform default.
    pub fn resolve_path(explicit: Option<&Path>) -> Result<PathBuf> {
        Ok(match explicit {
            Some(p) => p.to_path_buf(),
            None => match std::env::var_os(DB_ENV_VAR) {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => default_database_path()?,
            },
        })
    }

    /// The schema version of the existing file at `path` when opening it for writing would
    /// upgrade it (an older CSP Desk wrote it), else `None`. The window opens such a file on
    /// a thread and shows the upgrade ([`Database::open_reporting`]).
    pub fn pending_upgrade(path: &Path) -> Result<Option<i64>> {
        migration::pending(path)
    }

    /// [`Database::open`], telling `report` which migration runs and beating while it works.
    pub fn open_reporting(path: &Path, report: UpgradeReport) -> Result<Self> {
        Self::open_with(path, Some(&report))
    }

    /// [`Database::open_default`]'s path, opened read-only ([`Database::open_read_only`]).
    pub fn open_default_read_only(explicit: Option<&Path>) -> Result<Self> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => match std::env::var_os(DB_ENV_VAR) {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => default_database_path()?,
            },
        };
        Self::open_read_only(&path)
    }

    /// Whether this connection can only read (the file was opened read-only).
    pub fn is_read_only(&self) -> bool {
        self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(false)
    }

    /// Opens (creating if needed) the database at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with(path, None)
    }

    fn open_with(path: &Path, report: Option<&UpgradeReport>) -> Result<Self> {
        reject_empty(path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let mut conn = Connection::open(path)?;
        configure(&conn)?;
        migration::migrate(&mut conn, path, report)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Opens an existing database read-only (finance mode, or a file shared by a
    /// colleague). It is never migrated or written; a newer schema is still refused.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        reject_empty(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        migration::check_readable(&conn, path)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// The file this handle has open.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Runs `read` in one read transaction: everything it reads is one snapshot of the file
    /// (a view's keys stay valid while its lines are fetched), and SQLite takes its file
    /// lock once rather than around each of a million lookups. Inside a transaction already,
    /// `read` simply runs in that one.
    pub fn snapshot<T, E: From<Error>>(
        &self,
        read: impl FnOnce(&Self) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        if !self.conn.is_autocommit() {
            return read(self);
        }
        // Dropped at the end, it rolls back: nothing was written.
        let _tx = self.conn.unchecked_transaction().map_err(Error::from)?;
        read(self)
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// A file beside the database (lock files of runs and imports): `{database file}.{suffix}`,
/// from the resolved path, so one database reached through a link has one such file.
pub fn path_beside(db_path: &Path, suffix: &str) -> PathBuf {
    let db_path = db_path
        .canonicalize()
        .unwrap_or_else(|_| db_path.to_path_buf());
    let name = db_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cspdesk".into());
    db_path.with_file_name(format!("{name}.{suffix}"))
}

/// SQLite opens "" as a private temporary database deleted on close: everything written
/// would silently vanish.
fn reject_empty(path: &Path) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(Error::Invalid {
            field: "db",
            message: "The database path is empty: give a file path with --db PATH (or CSPDESK_DB), or leave it out for the default".into(),
        });
    }
    Ok(())
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets the UI read while discovery writes; NORMAL is durable across app crashes
    // in WAL mode and avoids an fsync per transaction.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragmas_are_set_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("nested/dir/app.sqlite3")).unwrap();
        let mode: String = db
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            mode, "wal",
            "the UI reads while discovery writes, which needs WAL"
        );
        let fk: i64 = db
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            fk, 1,
            "foreign keys keep child rows from outliving their account"
        );
        let timeout: i64 = db
            .conn()
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout, 5000);
    }

    #[test]
    fn an_empty_path_is_refused_rather_than_opened_as_a_temporary_database() {
        assert!(matches!(
            Database::open(Path::new("")),
            Err(Error::Invalid { field: "db", .. })
        ));
        assert!(matches!(
            Database::open_read_only(Path::new("")),
            Err(Error::Invalid { field: "db", .. })
        ));
    }

    #[test]
    fn read_only_handle_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.sqlite3");
        drop(Database::open(&path).unwrap());
        let ro = Database::open_read_only(&path).unwrap();
        let err = ro
            .conn()
            .execute("DELETE FROM partner_accounts", [])
            .unwrap_err();
        assert!(err.to_string().contains("readonly"), "got {err}");
    }
}
