//! Errors of the store, typed so callers can tell a user what to do rather than
//! showing a SQLite message.

use std::path::PathBuf;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong when opening or using the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file was written by a newer CSP Desk; we refuse to touch it rather than damage it.
    #[error(
        "the database {path} was written by a newer version of CSP Desk (schema {found}, this version knows up to {supported}); update CSP Desk or open another database"
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// `PRAGMA user_version` found in the file.
        found: i64,
        /// The newest schema this build knows.
        supported: i64,
    },
    /// No place to keep the database could be found (no home directory).
    #[error("no data directory could be found for CSP Desk; pass --db PATH or set CSPDESK_DB")]
    NoDataDir,
    /// The directory holding the database could not be created.
    #[error("could not create the folder {path} for the database: {source}")]
    CreateDir {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A value failed validation; `field` names the input at fault.
    #[error("{message}")]
    Invalid {
        /// The input field at fault, as the UI and CLI name it (e.g. `tenantId`).
        field: &'static str,
        /// What is wrong and what to do.
        message: String,
    },
    /// A unique value is already taken.
    #[error("{message}")]
    Duplicate {
        /// The input field at fault.
        field: &'static str,
        /// What is wrong and what to do.
        message: String,
    },
    /// The row asked for does not exist.
    #[error("{what} was not found")]
    NotFound {
        /// What was looked for, in words.
        what: String,
    },
    /// A money value in the database is not a decimal.
    #[error("the stored amount {value:?} is not a decimal number")]
    BadMoney {
        /// The stored text.
        value: String,
    },
    /// SQLite itself failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
