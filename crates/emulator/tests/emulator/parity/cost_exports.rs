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

/// The exports' ARM routes against the 2025-03-01 examples of azure-rest-api-specs: create
/// (Microsoft's own request body), read, run (no body) and run history.
#[tokio::test]
async fn export_routes_answer_with_microsofts_keys() {
    let mut config = cspdesk_emulator::EmulatorConfig::new(Preset::S, 12, now());
    let dir = tempfile::tempdir().unwrap();
    config.export_dir = Some(dir.path().to_path_buf());
    let emu = start_with(config).await;
    let token = emu
        .mint_access_token(&admin(&emu), "https://management.azure.com", true)
        .unwrap();
    let base = format!(
        "{}/providers/Microsoft.Billing/billingAccounts/{}/providers/Microsoft.CostManagement/exports",
        emu.url(),
        emu.partner().billing_account_id
    );
    let put = |name: &str, body: Value| {
        let url = format!("{base}/{name}?api-version=2025-03-01");
        let token = token.clone();
        async move {
            let res = client()
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 201);
            res.json::<Value>().await.unwrap()
        }
    };
    let get = |path: String| {
        let token = token.clone();
        async move {
            client()
                .get(path)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };

    // Microsoft's request schedules June 2020; moved to the emulator's present so the schedule
    // is still active (an ended schedule has no next run to estimate).
    let mut request = sample("cost_exports/export-put-request.json");
    request["properties"]["schedule"]["recurrencePeriod"] = serde_json::json!({
        "from": now().format("%Y-%m-01T00:00:00Z").to_string(),
        "to": (now() + chrono::Duration::days(60)).format("%Y-%m-%dT00:00:00Z").to_string(),
    });
    let created = put("TestExport", request).await;
    assert!(
        created["properties"]["nextRunTimeEstimate"]
            .as_str()
            .unwrap()
            > now().to_rfc3339().as_str(),
        "the next run is estimated after now: {created}"
    );
    assert_parity(
        "PUT exports/{name}",
        &sample("cost_exports/export-put.json"),
        &created,
        &[],
    );

    // Microsoft's GET example is a Custom export without a schedule: create that one (its
    // request is the reply's writable part) over a month the emulator's world has.
    let got_sample = sample("cost_exports/export-get.json");
    let mut request = serde_json::json!({
        "identity": { "type": got_sample["identity"]["type"] },
        "location": got_sample["location"],
        "properties": got_sample["properties"],
    });
    request["properties"]["definition"]["timePeriod"] =
        serde_json::json!({ "from": "2026-03-01T00:00:00Z", "to": "2026-03-31T00:00:00Z" });
    put("custom", request).await;
    let got = get(format!("{base}/custom?api-version=2025-03-01")).await;
    assert_parity("GET exports/{name}", &got_sample, &got, &[]);

    let ran = client()
        .post(format!("{base}/custom/run?api-version=2025-03-01"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ran.status().as_u16(), 200);
    assert_eq!(
        ran.text().await.unwrap(),
        "",
        "Microsoft's run reply has no body"
    );
    let history = get(format!("{base}/custom/runHistory?api-version=2025-03-01")).await;
    assert_parity(
        "GET exports/{name}/runHistory",
        &sample("cost_exports/export-run-history.json"),
        &history,
        &[],
    );
    assert!(
        history["value"][0]["id"]
            .as_str()
            .unwrap()
            .contains("/exports/custom/Run/"),
        "a run's id is the export's id + /Run/{{runId}}: {history}"
    );
}
