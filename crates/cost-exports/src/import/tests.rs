//! The plan's table tests and the apply's checks on parts.

use super::*;
use chrono::TimeZone;

fn manifest(run: &str, export: &str, kind: &str, submitted: &str) -> FoundRun {
    let path = format!("p/{export}/20260201-20260228/{run}/manifest.json");
    let text = format!(
        r#"{{"blobCount":0,"dataRowCount":0,"blobs":[],
           "exportConfig":{{"exportName":"{export}","type":"{kind}","resourceId":"/providers/Microsoft.Billing/billingAccounts/A/providers/Microsoft.CostManagement/exports/{export}"}},
           "runInfo":{{"runId":"{run}","submittedTime":"{submitted}"}}}}"#
    );
    FoundRun {
        manifest: Manifest::parse(&path, text.as_bytes()).unwrap(),
        manifest_path: path,
    }
}

fn imported(run: &str, submitted: DateTime<Utc>) -> ImportedRun {
    ImportedRun {
        run_id: run.into(),
        export_name: "daily".into(),
        dataset: Dataset::Actual,
        month_folder: "20260201-20260228".into(),
        submitted_at: submitted,
        row_count: 0,
        imported_at: submitted,
    }
}

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
}

fn ids(p: &Plan) -> (Vec<&str>, Vec<(&str, &SkipReason)>) {
    (
        p.imports
            .iter()
            .map(|r| r.found.manifest.run_info.run_id.as_str())
            .collect(),
        p.skipped
            .iter()
            .map(|s| (s.run_id.as_str(), &s.reason))
            .collect(),
    )
}

const ACCOUNT: Scope = Scope::BillingAccount(None);

#[test]
fn the_newest_run_of_a_month_counts_and_replaces_the_imported_one() {
    let found = vec![
        manifest("r1", "daily", "ActualCost", "2026-03-02T01:00:00Z"),
        manifest("r3", "daily", "ActualCost", "2026-03-02T03:00:00Z"),
        manifest("a1", "daily", "AmortizedCost", "2026-03-02T01:00:00Z"),
    ];
    let p = plan(found, &[imported("r2", t(2))], &ACCOUNT);
    let (imports, skipped) = ids(&p);
    assert_eq!(imports, ["r3", "a1"], "per dataset, the newest run");
    assert_eq!(p.imports[0].replaces.as_deref(), Some("r2"));
    assert_eq!(p.imports[1].replaces, None, "amortized is its own month");
    assert_eq!(
        skipped,
        [("r1", &SkipReason::Superseded { by: "r3".into() })]
    );
}

#[test]
fn an_imported_run_newer_than_what_is_found_stays() {
    let found = vec![manifest(
        "r1",
        "daily",
        "ActualCost",
        "2026-03-02T01:00:00Z",
    )];
    let p = plan(found, &[imported("r2", t(2))], &ACCOUNT);
    assert!(
        p.imports.is_empty(),
        "an older run never replaces a newer one"
    );
    assert_eq!(
        ids(&p).1,
        [("r1", &SkipReason::Superseded { by: "r2".into() })]
    );
    let again = plan(
        vec![manifest(
            "r2",
            "daily",
            "ActualCost",
            "2026-03-02T02:00:00Z",
        )],
        &[imported("r2", t(2))],
        &ACCOUNT,
    );
    assert_eq!(
        ids(&again),
        (vec![], vec![("r2", &SkipReason::AlreadyImported)])
    );
}

#[test]
fn other_datasets_formats_and_scopes_are_skipped_with_their_reason() {
    let mut parquet = manifest("pq", "daily", "ActualCost", "2026-03-02T01:00:00Z");
    parquet.manifest.delivery_config.file_format = "Parquet".into();
    let found = vec![
        manifest("f1", "focus", "FocusCost", "2026-03-02T01:00:00Z"),
        parquet,
        manifest("ok", "daily", "ActualCost", "2026-03-02T01:00:00Z"),
    ];
    let p = plan(found.clone(), &[], &ACCOUNT);
    let (imports, skipped) = ids(&p);
    assert_eq!(imports, ["ok"]);
    assert!(matches!(skipped[0].1, SkipReason::NotCostDetails { .. }));
    assert!(matches!(skipped[1].1, SkipReason::UnsupportedFormat { .. }));
    let customer = Scope::Customer("0a1b2c3d-0000-4000-8000-000000000001".into());
    let p = plan(found, &[], &customer);
    assert!(
        p.imports.is_empty(),
        "billing-account runs are not one customer's"
    );
    assert!(p
        .skipped
        .iter()
        .any(|s| matches!(s.reason, SkipReason::OtherScope { .. })));
    let other_account = Scope::BillingAccount(Some("B".into()));
    assert!(plan(
        vec![manifest(
            "ok",
            "daily",
            "ActualCost",
            "2026-03-02T01:00:00Z"
        )],
        &[],
        &other_account
    )
    .imports
    .is_empty());
}

#[test]
fn the_run_folder_names_the_run() {
    assert_eq!(
        folder_run_id("p/daily/20260201-20260228/r1/manifest.json"),
        Some("r1")
    );
    assert_eq!(folder_run_id("manifest.json"), None);
}
