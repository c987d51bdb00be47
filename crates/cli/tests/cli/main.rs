//! End-to-end tests of the `cspdesk` binary: real process, real SQLite file.

mod account;
mod costs;
mod discover;
mod markup;
mod org;
mod rate;
mod sign_in;
mod stack;
mod stack_usage;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `cspdesk --db DB ARGS` as a script would, never touching the user's own database.
pub fn cspdesk(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cspdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CSPDESK_DB")
        .output()
        .expect("cspdesk runs")
}

/// The standard output of a command that must succeed (its stderr in the failure message).
pub fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A fresh database in a temporary folder with the partner account "Contoso" added.
pub fn with_contoso() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.sqlite3");
    let out = cspdesk(
        &db,
        &[
            "account",
            "add",
            "--name",
            "Contoso",
            "--tenant",
            "0a1b2c3d-0000-4000-8000-000000000001",
        ],
    );
    assert!(
        out.status.success(),
        "add failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, db)
}
