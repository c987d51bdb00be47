//! Command-line options of the desktop app: `--db PATH` opens a particular database file
//! (users, and the end-to-end tests); `--read-only` opens it without ever writing (a finance
//! user browsing a copy, or a file on a share): no Discovery, no editing.

use std::ffi::OsString;
use std::path::PathBuf;

/// What the app was started with.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--db PATH` / `--db=PATH`.
    pub db: Option<PathBuf>,
    /// `--read-only`.
    pub read_only: bool,
}

impl Options {
    /// Reads the options, ignoring anything unknown (desktop launchers add their own).
    pub fn from_args(args: impl IntoIterator<Item = OsString>) -> Self {
        let mut options = Self::default();
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let text = arg.to_string_lossy();
            if text == "--db" {
                // A bare `--db` keeps an empty path so opening it fails loudly instead of
                // silently falling back to the default database.
                options.db = Some(args.next().map(PathBuf::from).unwrap_or_default());
            } else if let Some(path) = text.strip_prefix("--db=") {
                options.db = Some(PathBuf::from(path));
            } else if text == "--read-only" {
                options.read_only = true;
            }
        }
        options
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_db_in_both_forms_and_ignores_the_rest() {
        let a = Options::from_args(["--x", "--db", "/tmp/a.db"].map(OsString::from));
        assert_eq!(a.db, Some(PathBuf::from("/tmp/a.db")));
        let b = Options::from_args(["--db=/tmp/b.db"].map(OsString::from));
        assert_eq!(b.db, Some(PathBuf::from("/tmp/b.db")));
        assert_eq!(Options::from_args([OsString::from("-psn_0_1")]).db, None);
        assert!(Options::from_args(["--read-only", "--db", "/x"].map(OsString::from)).read_only);
        assert!(!b.read_only);
        assert_eq!(
            Options::from_args([OsString::from("--db")]).db,
            Some(PathBuf::new()),
            "a bare --db is not ignored"
        );
    }
}
