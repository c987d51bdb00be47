//! `cspdesk discover` as cron runs it, and killed with SIGKILL mid-run: each command is its
//! own process with its own sandbox emulator (preset S, a little latency so kills land
//! mid-run), signed in through the OS keyring.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use cspdesk_store::discovered::runs;
use cspdesk_store::discovered::{dump, VOLATILE_COLUMNS};
use cspdesk_store::Database;

fn sandbox_cmd(db: &Path, args: &[&str]) -> Command {
    paced_sandbox_cmd(db, args, 40)
}

fn paced_sandbox_cmd(db: &Path, args: &[&str], latency_ms: u32) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cspdesk"));
    cmd.arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CSPDESK_DB")
        .env("CSPDESK_SANDBOX_PRESET", "S")
        .env("CSPDESK_SANDBOX_LATENCY_MS", latency_ms.to_string());
    cmd
}

fn signed_in_sandbox(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    let out = sandbox_cmd(&db, &["sandbox", "--yes"]).output().unwrap();
    assert!(
        out.status.success(),
        "sandbox --yes failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// Runs discover to its end; returns the JSON lines.
fn discover(db: &Path) -> Vec<serde_json::Value> {
    let out = sandbox_cmd(db, &["discover", "--account", "sandbox", "--json"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("every stdout line is JSON"))
        .collect();
    assert!(
        out.status.success(),
        "discover failed: {}\n{lines:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    lines
}

fn logout(db: &Path) {
    let _ = sandbox_cmd(db, &["logout", "--account", "sandbox"]).output();
}

#[test]
fn discover_json_ends_with_the_run_summary_and_a_second_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = signed_in_sandbox(dir.path(), "a.sqlite3");
    let first = discover(&db);
    assert_eq!(first[0]["event"], "started");
    assert!(
        first.iter().any(|l| l["event"] == "progress"),
        "progress lines come before the summary"
    );
    let last = first.last().unwrap();
    assert_eq!(last["event"], "finished");
    assert_eq!(last["state"], "completed");
    for key in ["requests", "rows_written", "duration_ms"] {
        assert!(last[key].as_u64().is_some(), "{key} in {last}");
    }
    assert!(last["rows_written"].as_u64().unwrap() > 1000);
    let second = discover(&db);
    let summary = second.last().unwrap();
    assert_eq!(summary["state"], "completed");
    assert_eq!(summary["rows_written"], 0, "nothing new: {summary}");
    assert!(
        summary["requests"].as_u64().unwrap() * 20 <= last["requests"].as_u64().unwrap(),
        "at most 5% of the first run's requests: {summary}"
    );
    logout(&db);
}

#[test]
fn killed_with_sigkill_five_times_then_restarted_the_data_equals_an_uninterrupted_run() {
    let dir = tempfile::tempdir().unwrap();
    let reference = signed_in_sandbox(dir.path(), "reference.sqlite3");
    discover(&reference);
    let expected = dump(&Database::open(&reference).unwrap(), VOLATILE_COLUMNS).unwrap();

    let db = signed_in_sandbox(dir.path(), "killed.sqlite3");
    let mut points = Vec::new();
    for _ in 0..5 {
        // One request at a time at 100 ms each: a run of the whole sandbox takes seconds, so
        // kills after a random 0.4-1.6 s land at different points and five of them cannot
        // finish the work (at most ~80 requests, fewer than one whole run).
        let mut child = paced_sandbox_cmd(
            &db,
            &[
                "discover",
                "--account",
                "sandbox",
                "--json",
                "--concurrency",
                "1",
            ],
            100,
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        let delay = std::time::Duration::from_millis(rand::random_range(400..1600));
        std::thread::sleep(delay);
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        points.push(delay);
        let conn = Database::open(&db).unwrap();
        let account = cspdesk_store::accounts::find(&conn, "sandbox").unwrap();
        let newest = runs::list(&conn, &account.id, 1).unwrap();
        assert_eq!(
            newest[0].state, "inProgress",
            "the kill after {delay:?} landed mid-run (the record was left as the process died)"
        );
    }
    let last = discover(&db);
    assert_eq!(last.last().unwrap()["state"], "completed");
    let conn = Database::open(&db).unwrap();
    let account = cspdesk_store::accounts::find(&conn, "sandbox").unwrap();
    let history = runs::list(&conn, &account.id, 10).unwrap();
    assert_eq!(
        history.iter().map(|r| r.state.as_str()).collect::<Vec<_>>(),
        [
            "completed",
            "stopped",
            "stopped",
            "stopped",
            "stopped",
            "stopped"
        ],
        "each killed run is recorded as stopped when the next one starts"
    );
    let got = dump(&Database::open(&db).unwrap(), VOLATILE_COLUMNS).unwrap();
    assert!(
        got == expected,
        "after kills at {points:?}, the data differs from an uninterrupted run's"
    );
    logout(&reference);
    logout(&db);
}
