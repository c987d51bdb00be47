//! The legacy CSP Azure offer's rate card and utilization records as Microsoft publishes them
//! (`tests/fixtures/microsoft/legacy_usage/`), through the client and Discovery's rows.

use chrono::{TimeZone, Utc};
use cspdesk_discovery::rows;
use cspdesk_partner_api::UtilizationQuery;
use rust_decimal::Decimal;

use super::{client_for, dec, sample, serve};
use crate::common::*;

#[tokio::test]
async fn the_rate_card_sample_keeps_its_prices_and_the_overage_discount() {
    let emu = start().await;
    let server = serve(vec![(
        "/v1/ratecards/azure",
        sample("legacy_usage/ratecard-azure.json"),
    )])
    .await;
    let (session, client) = client_for(&emu, &server).await;
    let card = client
        .rate_card(Some("USD"), Some("US"))
        .await
        .expect("the rate card sample reads");
    let (head, meters) = rows::rate_card(card);
    assert_eq!(head.currency, "USD");
    assert_eq!(head.locale.as_deref(), Some("en"));
    assert!(!head.tax_included);
    let terms: serde_json::Value = serde_json::from_str(&head.offer_terms).unwrap();
    assert_eq!(dec(terms[0]["discount"].as_str().unwrap()), dec("0.15"));
    assert_eq!(terms[0]["excludedMeterIds"].as_array().unwrap().len(), 2);
    assert_eq!(meters.len(), 3);
    let l16 = meters
        .iter()
        .find(|m| m.meter_id == "1e8f6d9f-8b40-4c97-80cc-cff87a290a93")
        .unwrap();
    let rates: serde_json::Value = serde_json::from_str(&l16.rates).unwrap();
    assert_eq!(dec(rates["0"].as_str().unwrap()), dec("3.9729"));
    assert_eq!(l16.region.as_deref(), Some("AU East"));
    assert_eq!(l16.unit.as_deref(), Some("1 Hour"));
    assert_eq!(l16.included_quantity, Some(Decimal::ZERO));
    session.sign_out().await.unwrap();
}

#[tokio::test]
async fn utilization_sample_records_keep_offsets_quantities_and_the_resource() {
    let emu = start().await;
    let server = serve(vec![(
        "/v1/customers/E499C962-9218-4DBA-8B83-8ADC94F47B9F/subscriptions/FC8F8908-F918-4406-AF13-D5BC0FE41865/utilizations/azure",
        sample("legacy_usage/utilization-azure.json"),
    )])
    .await;
    let (session, client) = client_for(&emu, &server).await;
    let q = UtilizationQuery {
        customer_id: "E499C962-9218-4DBA-8B83-8ADC94F47B9F".into(),
        subscription_id: "FC8F8908-F918-4406-AF13-D5BC0FE41865".into(),
        start: Utc.with_ymd_and_hms(2017, 7, 2, 8, 0, 0).unwrap(),
        end: Utc.with_ymd_and_hms(2017, 8, 2, 8, 0, 0).unwrap(),
        size: 1000,
        show_details: true,
    };
    let records = client
        .utilization(&q)
        .await
        .expect("the sample reads, misplaced keys and all");
    assert_eq!(records.len(), 2);
    let row = rows::utilization(records[0].clone());
    assert_eq!(
        row.usage_start,
        Utc.with_ymd_and_hms(2017, 6, 8, 0, 0, 0).unwrap(),
        "-07:00 is kept as an instant"
    );
    assert_eq!(
        row.usage_end,
        Utc.with_ymd_and_hms(2017, 6, 9, 0, 0, 0).unwrap()
    );
    assert_eq!(row.meter_id, "8767aeb3-6909-4db2-9927-3f51e9a9085e");
    assert_eq!(
        row.quantity,
        dec("0.217790327034891"),
        "not rounded on the way in"
    );
    assert_eq!(row.unit.as_deref(), Some("1 GB/Hr"));
    assert_eq!(
        row.resource_uri.as_deref(),
        Some("/subscriptions/ab7e2384-eeee-489a-a14f-1eb41ddd261d/resourcegroups/system.local/providers/Microsoft.Storage/storageaccounts/srphealthaccount")
    );
    assert_eq!(
        (
            row.category.as_deref(),
            row.subcategory.as_deref(),
            row.region.as_deref()
        ),
        (Some("Storage"), Some("Block Blob"), Some("Azure Stack"))
    );
    assert!(server.unmatched.lock().unwrap().is_empty());
    session.sign_out().await.unwrap();
}
