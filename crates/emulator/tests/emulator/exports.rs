//! Cost Management exports: the run library function, the ARM definitions and SAS-guarded blobs.

use std::str::FromStr;

use chrono::{Duration, NaiveDate};
use cspdesk_emulator::cost_exports::run::{
    write_run_to_dir, Dataset, ExportScope, RunRequest, MPA_COLUMNS,
};
use cspdesk_emulator::world::billing::{InvoiceKind, LineSubject};
use cspdesk_emulator::world::{Currency, Month};
use cspdesk_emulator::{EmulatorConfig, Preset, RunningEmulator};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::common::*;

fn request(from: NaiveDate, to: NaiveDate, rows_per_part: usize) -> RunRequest {
    RunRequest {
        export_name: "partner-daily".into(),
        scope: ExportScope::BillingAccount,
        dataset: Dataset::ActualCost,
        from,
        to,
        root_folder: "partner".into(),
        rows_per_part,
        run_id: "00000000-0000-4000-8000-000000000001".into(),
        submitted: now(),
        execution_type: "OnDemand".into(),
        resource_id: "/providers/Microsoft.Billing/billingAccounts/x/providers/Microsoft.CostManagement/exports/partner-daily".into(),
    }
}

#[tokio::test]
async fn a_run_writes_partitioned_csv_and_a_manifest_consistent_with_the_invoice() {
    let emu = start(Preset::S, 12).await;
    let world = emu.world();
    let dir = tempfile::tempdir().unwrap();
    let feb = Month {
        year: 2026,
        month: 2,
    };
    let summary = write_run_to_dir(
        world,
        &request(feb.first_day(), feb.last_day(), 400),
        dir.path(),
    )
    .unwrap();
    assert!(
        summary.parts.len() > 1,
        "400 rows per part forces partitioning"
    );
    assert_eq!(
        summary.folder,
        "partner/partner-daily/20260201-20260228/00000000-0000-4000-8000-000000000001"
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(&summary.manifest)).unwrap())
            .unwrap();
    assert_eq!(manifest["blobCount"], summary.parts.len());
    assert_eq!(manifest["dataRowCount"], summary.data_rows);
    let mut usd_usage = Decimal::ZERO;
    let mut models = std::collections::HashSet::new();
    let mut rows = 0u64;
    for part in &summary.parts {
        let mut reader = csv::Reader::from_path(dir.path().join(part)).unwrap();
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_string)
            .collect();
        assert_eq!(
            header,
            MPA_COLUMNS.to_vec(),
            "every part starts with the byte-exact MPA header"
        );
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        for rec in reader.records() {
            let rec = rec.unwrap();
            rows += 1;
            models.insert(rec[col("PricingModel")].to_string());
            assert!(
                !rec[col("customerTenantId")].is_empty(),
                "partner rows name the customer tenant"
            );
            if &rec[col("billingCurrency")] == "USD"
                && &rec[col("chargeType")] == "Usage"
                && rec[col("reservationId")].is_empty()
            {
                usd_usage += Decimal::from_str(&rec[col("costInBillingCurrency")]).unwrap();
            }
        }
    }
    assert_eq!(
        rows, summary.data_rows,
        "manifest row count matches the parts"
    );
    for model in ["On Demand", "Reservation", "SavingsPlan"] {
        assert!(
            models.contains(model),
            "PricingModel {model} occurs: {models:?}"
        );
    }
    let inv = world
        .invoices(now().date_naive())
        .into_iter()
        .find(|i| i.kind == InvoiceKind::Modern && i.month == feb && i.currency == Currency::Usd)
        .unwrap();
    let billed: Decimal = (0..world.customer_count())
        .map(|i| world.customer(i))
        .flat_map(|c| world.billing_lines(&c, &inv))
        .filter(|l| matches!(l.subject, LineSubject::AzurePlanUsage { .. }))
        .map(|l| l.subtotal)
        .sum();
    assert_eq!(
        usd_usage, billed,
        "exported USD usage cost equals the February USD invoice's Azure plan usage"
    );
}

fn arm(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), "https://management.azure.com", true)
        .unwrap()
}

fn export_body() -> Value {
    json!({
        "properties": {
            "format": "Csv",
            "definition": { "type": "ActualCost", "timeframe": "TheLastMonth", "dataSet": { "granularity": "Daily" } },
            "deliveryInfo": { "destination": {
                "resourceId": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/partnerexports",
                "container": "cost", "rootFolderPath": "partner" } },
            "schedule": { "status": "Inactive" }
        }
    })
}

#[tokio::test]
async fn export_definitions_run_and_blobs_are_served_behind_a_sas() {
    let mut config = EmulatorConfig::new(Preset::S, 12, now());
    let dir = tempfile::tempdir().unwrap();
    config.export_dir = Some(dir.path().to_path_buf());
    config.export_rows_per_part = 500;
    let emu = start_with(config).await;
    let token = arm(&emu);
    let acct = emu.partner().billing_account_id.clone();
    let base = format!("{}/providers/Microsoft.Billing/billingAccounts/{acct}/providers/Microsoft.CostManagement/exports", emu.url());
    let url = format!("{base}/monthly?api-version=2025-03-01");
    let res = client()
        .put(&url)
        .bearer_auth(&token)
        .json(&export_body())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "a new export is created");
    let created: Value = res.json().await.unwrap();
    let res = client()
        .put(&url)
        .bearer_auth(&token)
        .json(&export_body())
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        412,
        "an update without the current eTag is refused"
    );
    let mut update = export_body();
    update["eTag"] = created["eTag"].clone();
    assert_eq!(
        client()
            .put(&url)
            .bearer_auth(&token)
            .json(&update)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        200,
        "update with eTag"
    );

    let ran = client()
        .post(format!("{base}/monthly/run?api-version=2025-03-01"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(ran.status().as_u16(), 200);
    assert!(
        ran.text().await.unwrap().is_empty(),
        "Microsoft answers a run with no body"
    );
    let history: Value = client()
        .get(format!("{base}/monthly/runHistory?api-version=2025-03-01"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["value"].as_array().unwrap().len(), 1);
    let run = &history["value"][0];
    assert_eq!(run["properties"]["status"], "Completed", "{run}");

    let sas = emu.blob_sas_url("partnerexports", "cost", "rl", now() + Duration::hours(1));
    let (container, query) = sas.split_once('?').unwrap();
    let listing = client()
        .get(format!("{container}?restype=container&comp=list&{query}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        listing.contains("manifest.json") && listing.contains("part_0_0001.csv"),
        "listing shows the run's files: {listing}"
    );
    let manifest_path = run["properties"]["manifestFile"].as_str().unwrap();
    let manifest: Value = client()
        .get(format!("{container}/{manifest_path}?{query}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let first = manifest["blobs"][0]["blobName"].as_str().unwrap();
    let part = client()
        .get(format!("{container}/{first}?{query}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        part.starts_with("invoiceId,previousInvoiceId,billingAccountId"),
        "CSV part with header"
    );

    let list_only = emu.blob_sas_url("partnerexports", "cost", "l", now() + Duration::hours(1));
    let q = list_only.split_once('?').unwrap().1;
    let res = client()
        .get(format!("{container}/{first}?{q}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403, "reading needs r");
    assert_eq!(
        res.headers()["x-ms-error-code"],
        "AuthorizationPermissionMismatch"
    );
    emu.clock().advance(Duration::hours(2));
    let res = client()
        .get(format!("{container}/{first}?{query}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        (
            res.status().as_u16(),
            res.headers()["x-ms-error-code"].to_str().unwrap()
        ),
        (403, "AuthenticationFailed"),
        "an expired SAS is refused"
    );
    let tampered = query.replace("sp=rl", "sp=rwl");
    emu.clock().advance(Duration::hours(-2));
    assert_eq!(
        client()
            .get(format!("{container}/{first}?{tampered}"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        403,
        "permissions cannot be widened"
    );
}

#[tokio::test]
async fn exports_exist_at_billing_profile_and_customer_scope() {
    let emu = start(Preset::S, 12).await;
    let token = arm(&emu);
    let p = emu.partner();
    let acct = format!(
        "{}/providers/Microsoft.Billing/billingAccounts/{}",
        emu.url(),
        p.billing_account_id
    );
    let customer = emu.world().customer(0).tenant_id;
    for scope in [
        format!("{acct}/billingProfiles/{}", p.billing_profile_id),
        format!("{acct}/customers/{customer}"),
    ] {
        let url =
            format!("{scope}/providers/Microsoft.CostManagement/exports/e1?api-version=2025-03-01");
        let res = client()
            .put(&url)
            .bearer_auth(&token)
            .json(&export_body())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201, "{scope}");
        let list: Value = client()
            .get(format!(
                "{scope}/providers/Microsoft.CostManagement/exports?api-version=2025-03-01"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            list["value"].as_array().unwrap().len(),
            1,
            "each scope lists its own exports"
        );
    }
    let unknown = format!("{acct}/customers/00000000-0000-4000-8000-000000000000/providers/Microsoft.CostManagement/exports/e1?api-version=2025-03-01");
    assert_eq!(
        client()
            .put(&unknown)
            .bearer_auth(&token)
            .json(&export_body())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
}

#[tokio::test]
async fn amortized_commitments_split_each_day_into_used_and_unused_rows() {
    let emu = start(Preset::S, 12).await;
    let dir = tempfile::tempdir().unwrap();
    let feb = Month {
        year: 2026,
        month: 2,
    };
    let mut req = request(feb.first_day(), feb.last_day(), 100_000);
    req.dataset = Dataset::AmortizedCost;
    let summary = write_run_to_dir(emu.world(), &req, dir.path()).unwrap();
    // Per commitment and day: Σ cost of its rows, and the charge types seen.
    let mut days: std::collections::BTreeMap<(String, String), (Decimal, Vec<String>)> =
        Default::default();
    for part in &summary.parts {
        let mut reader = csv::Reader::from_path(dir.path().join(part)).unwrap();
        let header = reader.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        for rec in reader.records() {
            let rec = rec.unwrap();
            let model = &rec[col("PricingModel")];
            if model != "Reservation" && model != "SavingsPlan" {
                continue;
            }
            let charge = rec[col("chargeType")].to_string();
            assert_ne!(charge, "Purchase", "amortized cost has no purchases");
            let e = days
                .entry((
                    rec[col("benefitId")].to_string(),
                    rec[col("date")].to_string(),
                ))
                .or_default();
            e.0 += Decimal::from_str(&rec[col("costInBillingCurrency")]).unwrap();
            e.1.push(charge);
        }
    }
    assert!(!days.is_empty(), "preset S has commitments");
    let unused = days
        .values()
        .filter(|(_, charges)| {
            charges
                .iter()
                .any(|c| c == "UnusedReservation" || c == "UnusedSavingsPlan")
        })
        .count();
    assert!(
        unused > 0 && unused < days.len(),
        "some days leave part of the commitment unused, others not ({unused} of {})",
        days.len()
    );
    let mut shares: std::collections::BTreeMap<&str, std::collections::BTreeSet<Decimal>> =
        Default::default();
    for ((benefit, _), (cost, _)) in &days {
        shares.entry(benefit).or_default().insert(*cost);
    }
    for (benefit, daily) in shares {
        assert_eq!(
            daily.len(),
            1,
            "{benefit}: used + unused is the same share of the month every day: {daily:?}"
        );
    }
}
