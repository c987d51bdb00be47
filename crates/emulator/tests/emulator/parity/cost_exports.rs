//! Key parity of the emulator's Cost Management export manifest with Microsoft's published
//! `manifest.json` (`tests/fixtures/microsoft/cost_exports/manifest.json`).

use chrono::NaiveDate;
use cspdesk_emulator::cost_exports::run::{write_run_to_dir, Dataset, ExportScope, RunRequest};
use cspdesk_emulator::Preset;
use serde_json::Value;

use super::{assert_parity, sample};
use crate::common::*;

#[tokio::test]
async fn an_export_runs_manifest_has_microsofts_keys() {
    let emu = start(Preset::S, 12).await;
    let dir = tempfile::tempdir().unwrap();
    let summary = write_run_to_dir(
        emu.world(),
        &RunRequest {
            export_name: "partner-daily".into(),
            scope: ExportScope::BillingAccount,
            dataset: Dataset::ActualCost,
            from: NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
            root_folder: "partner".into(),
            rows_per_part: 400,
            run_id: "00000000-0000-4000-8000-000000000001".into(),
            submitted: now(),
            execution_type: "OnDemand".into(),
            resource_id: "/providers/Microsoft.Billing/billingAccounts/x/providers/Microsoft.CostManagement/exports/partner-daily".into(),
        },
        dir.path(),
    )
    .unwrap();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(&summary.manifest)).unwrap())
            .unwrap();
    assert_parity(
        "manifest.json",
        &sample("cost_exports/manifest.json"),
        &manifest,
        &[],
    );
}
