//! `cspdesk rate` and `cspdesk reconcile` as a script runs them, on the sandbox (preset S, no
//! latency) discovered with `cspdesk discover`: the invoiced month reconciles to the cent,
//! `--json` prints one object per customer, and rating again rates nothing.

use std::path::Path;
use std::process::{Command, Output};

fn sandbox(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cspdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CSPDESK_DB")
        .env("CSPDESK_SANDBOX_PRESET", "S")
        .env("CSPDESK_SANDBOX_LATENCY_MS", "0")
        .output()
        .expect("cspdesk runs")
}

fn ok(out: Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A month the sandbox has invoiced whatever today is: invoices come on the 8th of the next
/// month, so 40 days ago always falls in one.
fn invoiced_month() -> String {
    (chrono::Utc::now() - chrono::Duration::days(40))
        .format("%Y-%m")
        .to_string()
}

#[test]
fn rate_then_reconcile_an_invoiced_month_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rate.sqlite3");
    ok(sandbox(&db, &["sandbox", "--yes"]), "sandbox --yes");
    ok(
        sandbox(&db, &["discover", "--account", "sandbox", "--json"]),
        "discover",
    );

    let text = ok(sandbox(&db, &["rate", "--account", "sandbox"]), "rate");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("rated ") && last.contains("0 refused"),
        "the summary line says what was rated: {text}"
    );
    assert!(!last.starts_with("rated 0 "), "{text}");

    let again: serde_json::Value =
        serde_json::from_str(&ok(sandbox(&db, &["rate", "--json"]), "rate again")).unwrap();
    assert_eq!(again["rated"], 0, "nothing new, nothing rated: {again}");
    assert_eq!(again["linesWritten"], 0, "{again}");
    assert!(again["unchanged"].as_u64().unwrap() > 0, "{again}");

    let month = invoiced_month();
    let out = ok(
        sandbox(&db, &["reconcile", "--period", &month, "--json"]),
        "reconcile",
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is one JSON object"))
        .collect();
    let reconciled: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["refused"].is_null()).collect();
    assert!(
        reconciled.len() >= 3,
        "the sandbox's Azure plan customers are reconciled: {out}"
    );
    for r in &rows {
        for key in [
            "customer",
            "rated",
            "invoiced",
            "difference",
            "causes",
            "unexplained",
        ] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
        assert!(
            r["causes"].is_object(),
            "causes is a map of cause to amount: {r}"
        );
    }
    for r in &reconciled {
        assert_eq!(r["difference"], "0.00", "to the cent: {r}");
        assert_eq!(r["unexplained"], "0.00", "{r}");
        assert_eq!(r["rated"], r["invoiced"], "{r}");
        assert_eq!(r["invoiceState"], "billed", "{r}");
    }
    for r in rows.iter().filter(|r| !r["refused"].is_null()) {
        assert!(
            r["difference"].is_null() && r["unexplained"].is_null(),
            "a refused customer has a reason, not a number: {r}"
        );
        assert!(r["refused"].as_str().unwrap().contains("legacy"), "{r}");
    }

    let table = ok(
        sandbox(&db, &["reconcile", "--period", &month]),
        "reconcile as text",
    );
    assert!(
        table.contains("difference 0.00, unexplained 0.00"),
        "{table}"
    );

    let bad = sandbox(&db, &["reconcile", "--period", "2026-13"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM"),
        "says how to write a period: {}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let _ = sandbox(&db, &["logout", "--account", "sandbox"]);
}
