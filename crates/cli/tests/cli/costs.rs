//! `cspdesk costs` as a script runs it: a source added with its SAS URL on stdin (never in the
//! listing), two imports of the same runs (the second imports nothing), the summary per
//! customer and pricing model in both views, and removal.
//!
//! The export runs are served by the emulator's SAS-guarded blob endpoint in this process (no
//! Node needed); the import against a real Azure Storage server is `crates/cost-exports`' test.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use chrono::{Duration, Utc};
use cspdesk_emulator::cost_exports::run::{Dataset, RunRequest};
use cspdesk_emulator::{Emulator, EmulatorConfig, Preset};

use crate::{ok, with_contoso};

fn cspdesk_with_stdin(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cspdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CSPDESK_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cspdesk runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_source_imports_once_and_summarises_per_customer_and_pricing_model() {
    let now = Utc::now();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let blobs = tempfile::tempdir().unwrap();
    let mut config = EmulatorConfig::new(Preset::S, 12, now);
    config.export_dir = Some(blobs.path().to_path_buf());
    let emulator = runtime.block_on(Emulator::start(config)).unwrap();
    // A whole month two before this one: usage history starts three months back.
    let closed = emulator.world().epoch + chrono::Months::new(1);
    let days = (
        closed,
        closed + chrono::Months::new(1) - chrono::Days::new(1),
    );
    for (dataset, run_id) in [
        (Dataset::ActualCost, "run-actual"),
        (Dataset::AmortizedCost, "run-amortized"),
    ] {
        let export = format!("{dataset:?}").to_lowercase();
        let request = RunRequest {
            rows_per_part: 2_000,
            ..RunRequest::new(&export, dataset, days, run_id, now - Duration::days(3))
        };
        emulator
            .write_export_run("partnerexports", "cost", &request)
            .unwrap();
    }
    let url = emulator.blob_sas_url("partnerexports", "cost", "rl", now + Duration::days(60));
    let signature = url.split("sig=").nth(1).unwrap().to_string();
    let (_dir, db) = with_contoso();
    let run = |args: &[&str]| cspdesk_with_stdin(&db, args, "");

    let added = ok(
        cspdesk_with_stdin(
            &db,
            &[
                "costs",
                "source",
                "add",
                "--account",
                "Contoso",
                "--name",
                "MCA",
                "--scope",
                "billing-account",
                "--sas-url",
                "-",
                "--root-folder",
                "partner",
            ],
            &format!("{url}\n"),
        ),
        "source add",
    );
    assert!(added.contains("expires"), "{added}");
    let listed = ok(run(&["costs", "source", "list"]), "source list");
    assert!(
        listed.contains("MCA") && listed.contains("/blobs/partnerexports/cost"),
        "{listed}"
    );
    assert!(
        !listed.contains(&signature) && !listed.contains("sig="),
        "never the SAS: {listed}"
    );

    let first: serde_json::Value =
        serde_json::from_str(&ok(run(&["costs", "import", "--json"]), "import")).unwrap();
    assert_eq!(first[0]["imported"].as_array().unwrap().len(), 2, "{first}");
    assert!(first[0]["rows"].as_u64().unwrap() > 1_000, "{first}");
    let second = ok(
        run(&["costs", "import", "--account", "Contoso"]),
        "import again",
    );
    assert!(
        second.contains("2 run(s) found, 0 imported, 2 already imported"),
        "{second}"
    );

    let month = closed.format("%Y-%m").to_string();
    let summary = ok(
        run(&[
            "costs",
            "summary",
            "--account",
            "Contoso",
            "--month",
            &month,
        ]),
        "summary",
    );
    for expected in [
        "Per customer (actual cost)",
        "Reservation",
        "SavingsPlan",
        "Purchase",
    ] {
        assert!(summary.contains(expected), "{expected}: {summary}");
    }
    let amortized: serde_json::Value = serde_json::from_str(&ok(
        run(&[
            "costs",
            "summary",
            "--account",
            "Contoso",
            "--amortized",
            "--json",
        ]),
        "summary --amortized",
    ))
    .unwrap();
    let charges: Vec<&str> = amortized["pricingModels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["chargeType"].as_str().unwrap())
        .collect();
    assert!(
        charges.contains(&"UnusedReservation") && !charges.contains(&"Purchase"),
        "{charges:?}"
    );
    let bad_month = run(&["costs", "summary", "--account", "Contoso", "--month", "Feb"]);
    assert!(!bad_month.status.success());
    assert!(String::from_utf8_lossy(&bad_month.stderr).contains("YYYY-MM"));

    let removed = ok(
        run(&["costs", "source", "remove", "--account", "Contoso", "MCA"]),
        "remove",
    );
    assert!(removed.contains("2 imported run(s)"), "{removed}");
    let none = run(&["costs", "import"]);
    assert!(
        !none.status.success()
            && String::from_utf8_lossy(&none.stderr)
                .contains("no account has a cost export source"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
}
