//! The export flow and what its data says: billed exports agree to the cent with the v1
//! invoice, large exports are split into parts, the eTag moves only when the data does.

use std::time::Duration;

use chrono::Duration as Span;
use cspdesk_emulator::world::Month;
use cspdesk_emulator::{EmulatorConfig, Preset};

use super::*;

#[tokio::test]
async fn a_billed_invoices_reconciliation_and_usage_agree_to_the_cent_with_its_v1_total() {
    let emu = start_graph(21, 100_000).await;
    let (id, total) = march_invoice(&emu).await;
    let body = format!(r#"{{"invoiceId":"{id}","attributeSet":"full"}}"#);
    let recon =
        rows_of(&manifest_of(&emu, &export(&emu, "reconciliation/billed", &body).await).await)
            .await;
    assert!(!recon.is_empty());
    assert_eq!(
        sum(&recon, "Total"),
        total,
        "reconciliation rows add up to the invoice"
    );
    assert!(recon.iter().all(|r| r["InvoiceNumber"] == id.as_str()));
    let usage = rows_of(&manifest_of(&emu, &export(&emu, "usage/billed", &body).await).await).await;
    let usage_lines: Vec<_> = recon
        .iter()
        .filter(|r| r["ChargeType"] == "usage")
        .cloned()
        .collect();
    assert!(!usage.is_empty() && !usage_lines.is_empty());
    assert_eq!(
        sum(&usage, "BillingPreTaxTotal"),
        sum(&usage_lines, "Total"),
        "daily rated usage adds up to the invoice's usage lines"
    );
    assert!(usage
        .iter()
        .all(|r| r["UsageDate"].as_str().unwrap().starts_with("2026-03-")));
}

#[tokio::test]
async fn an_operation_runs_for_the_preparation_time_with_retry_after_then_succeeds() {
    let mut config = EmulatorConfig::new(Preset::S, 22, now());
    config.graph_preparation = Duration::from_secs(30);
    let emu = start_with(config).await;
    let token = graph_token(&emu);
    let started = post_export(
        &emu,
        "usage/unbilled",
        r#"{"currencyCode":"USD","attributeSet":"basic","billingPeriod":"current"}"#,
        &token,
    )
    .await;
    assert_eq!(started.status, 202);
    let location = started.header("location").unwrap();
    assert!(
        location.starts_with(&format!("{}{BASE}/operations/", emu.url())),
        "{location}"
    );
    let running = get(&emu, &location, &token, None).await;
    assert_eq!(running.json()["status"], "running");
    assert_eq!(running.header("retry-after").as_deref(), Some("30"));
    emu.clock().advance(Span::seconds(20));
    let still = get(&emu, &location, &token, None).await;
    assert_eq!(still.header("retry-after").as_deref(), Some("10"));
    emu.clock().advance(Span::seconds(10));
    let mut done = get(&emu, &location, &token, None).await.json();
    for _ in 0..500 {
        if done["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        done = get(&emu, &location, &token, None).await.json();
    }
    let manifest = manifest_of(&emu, &done).await;
    let rows = rows_of(&manifest).await;
    let yesterday = (now() - Span::days(1)).format("%Y-%m-%d").to_string();
    assert!(
        rows.iter().all(|r| r["InvoiceNumber"] == ""),
        "unbilled rows have no invoice"
    );
    assert!(rows
        .iter()
        .any(|r| r["UsageDate"].as_str().unwrap().starts_with(&yesterday)));
    assert!(rows
        .iter()
        .all(|r| r["UsageDate"].as_str().unwrap() <= &format!("{yesterday}T99")[..]));
}

#[tokio::test]
async fn a_large_export_is_split_into_parts_named_in_the_manifest() {
    let emu = start_graph(23, 500).await;
    let (id, _) = march_invoice(&emu).await;
    let op = export(&emu, "usage/billed", &format!(r#"{{"invoiceId":"{id}"}}"#)).await;
    let manifest = manifest_of(&emu, &op).await;
    let blobs = manifest["blobs"].as_array().unwrap();
    assert!(blobs.len() > 1, "{manifest}");
    assert_eq!(manifest["blobCount"], blobs.len());
    let rows = rows_of(&manifest).await;
    assert!(rows.len() > 500 && rows.len() <= 500 * blobs.len());
    assert!(manifest["sasToken"].as_str().unwrap().contains("sr=d"));
    assert_eq!(
        manifest["partnerTenantId"],
        emu.partner().tenant_id.as_str()
    );
}

#[tokio::test]
async fn the_etag_stays_for_unchanged_data_and_moves_when_a_month_is_restated() {
    let emu = start_graph(24, 100_000).await;
    let (id, before_total) = march_invoice(&emu).await;
    let body = format!(r#"{{"invoiceId":"{id}","attributeSet":"basic"}}"#);
    let first = manifest_of(&emu, &export(&emu, "reconciliation/billed", &body).await).await;
    let again = manifest_of(&emu, &export(&emu, "reconciliation/billed", &body).await).await;
    assert_eq!(first["eTag"], again["eTag"], "same data, same version");
    assert_eq!(first["blobs"], again["blobs"]);
    let february = format!(
        r#"{{"invoiceId":"{}"}}"#,
        emu.world().modern_invoice_id(
            Month {
                year: 2026,
                month: 2
            },
            cspdesk_emulator::world::Currency::Usd
        )
    );
    let feb_before = manifest_of(&emu, &export(&emu, "usage/billed", &february).await).await;

    emu.restate_month(Month {
        year: 2026,
        month: 3,
    });
    let (_, after_total) = march_invoice(&emu).await;
    assert!(after_total > before_total, "late usage raises the invoice");
    let restated = manifest_of(&emu, &export(&emu, "reconciliation/billed", &body).await).await;
    assert_ne!(restated["eTag"], first["eTag"]);
    assert_eq!(sum(&rows_of(&restated).await, "Total"), after_total);
    let feb_after = manifest_of(&emu, &export(&emu, "usage/billed", &february).await).await;
    assert_eq!(
        feb_before["eTag"], feb_after["eTag"],
        "other months keep their version"
    );
}

#[tokio::test]
async fn legacy_invoices_unknown_invoices_and_passed_periods_fail_with_code_5000() {
    let emu = start_graph(25, 100_000).await;
    let legacy = emu.world().legacy_invoice_id(
        Month {
            year: 2026,
            month: 3,
        },
        cspdesk_emulator::world::Currency::Usd,
    );
    let op = export(
        &emu,
        "reconciliation/billed",
        &format!(r#"{{"invoiceId":"{legacy}"}}"#),
    )
    .await;
    assert_eq!(op["status"], "failed");
    assert_eq!(op["error"]["code"], "5000");
    assert_eq!(
        op["error"]["message"],
        format!("No reconciliation data available currently for Invoice {legacy}").as_str()
    );
    let unknown = export(&emu, "usage/billed", r#"{"invoiceId":"G999999999"}"#).await;
    assert_eq!(unknown["error"]["message"], "No data available");
    // On 2026-04-15 March's invoice is issued: its period is no longer unbilled.
    let last = export(
        &emu,
        "reconciliation/unbilled",
        r#"{"billingPeriod":"last","currencyCode":"USD"}"#,
    )
    .await;
    assert_eq!(last["status"], "failed");
    let yen = export(
        &emu,
        "usage/unbilled",
        r#"{"billingPeriod":"current","currencyCode":"JPY"}"#,
    )
    .await;
    assert_eq!(yen["error"]["code"], "5000", "no billing in that currency");
}

#[tokio::test]
async fn the_open_months_reconciliation_shows_licences_next_to_usage() {
    let emu = start_graph(26, 100_000).await;
    let mut rows = Vec::new();
    for currency in ["USD", "EUR", "GBP"] {
        let body = format!(
            r#"{{"currencyCode":"{currency}","attributeSet":"full","billingPeriod":"current"}}"#
        );
        let op = export(&emu, "reconciliation/unbilled", &body).await;
        if op["status"] == "succeeded" {
            let these = rows_of(&manifest_of(&emu, &op).await).await;
            assert!(these.iter().all(|r| r["Currency"] == currency));
            rows.extend(these);
        }
    }
    assert!(rows.iter().any(|r| r["ChargeType"] == "usage"));
    assert!(rows
        .iter()
        .any(|r| r["ChargeType"] == "cycleCharge" && r["UnitType"] == "Licenses"));
}
