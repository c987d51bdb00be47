//! Customers, subscriptions and Azure entitlements as Microsoft publishes them
//! (`tests/fixtures/microsoft/customers/`), through the client's list calls and Discovery's rows.

use cspdesk_discovery::rows;
use cspdesk_store::discovered::SubscriptionKind;
use rust_decimal::Decimal;

use super::{client_for, sample, serve};
use crate::common::*;

/// One of Microsoft's single-subscription samples inside Microsoft's collection envelope, so the
/// list call (the one Discovery makes) reads it.
fn listed(items: &[&str]) -> String {
    let items: Vec<serde_json::Value> = items
        .iter()
        .map(|f| serde_json::from_str(&sample(f)).unwrap())
        .collect();
    serde_json::json!({
        "totalCount": items.len(),
        "items": items,
        "attributes": { "objectType": "Collection" }
    })
    .to_string()
}

#[tokio::test]
async fn customers_are_read_from_microsofts_list_and_get_samples() {
    let emu = start().await;
    let server = serve(vec![
        ("/v1/customers?", sample("customers/customers.json")),
        (
            "/v1/customers/eebd1b55-5360-4438-a11d-5c06918c3014",
            sample("customers/customer.json"),
        ),
    ])
    .await;
    let (session, client) = client_for(&emu, &server).await;

    let page = client
        .customers_page(40, None)
        .await
        .expect("the list sample reads");
    assert!(page.next.is_none(), "the sample is one page");
    let ids: Vec<&str> = page.items.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "b44bb1fb-c595-45b0-9e09-d657365580bf",
            "45c44870-ef77-4fdd-b6fe-3dacb075cff2"
        ]
    );
    let row = rows::customer(page.items[0].clone());
    assert_eq!(
        (
            row.company_name.as_str(),
            row.domain.as_str(),
            row.relationship.as_deref()
        ),
        ("companyName", "domain", Some("reseller"))
    );

    let one = client
        .customer("eebd1b55-5360-4438-a11d-5c06918c3014")
        .await
        .expect("the get-by-id sample reads");
    let row = rows::customer(one);
    assert_eq!(
        row.commerce_id.as_deref(),
        Some("99e6a635-48e7-424d-9059-c9db944e3c54")
    );
    assert_eq!(
        row.tenant_id.as_deref(),
        Some("eebd1b55-5360-4438-a11d-5c06918c3014")
    );
    assert_eq!(row.domain, "abcdefgh1234.ccsctp.net");
    assert_eq!(row.company_name, "1kl as kjk");
    assert!(server.unmatched.lock().unwrap().is_empty());
    session.sign_out().await.unwrap();
}

#[tokio::test]
async fn subscriptions_keep_their_offer_quantity_and_dates_as_microsoft_sends_them() {
    let emu = start().await;
    let customer = "4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04";
    let plan = "3f15978e-005c-b763-bb78-2a8fab289c58";
    let server = serve(vec![
        (
            "/v1/customers/c-list/subscriptions",
            sample("customers/subscriptions.json"),
        ),
        (
            "/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/subscriptions",
            listed(&[
                "customers/subscription-legacy-azure.json",
                "customers/subscription-software.json",
            ]),
        ),
        (
            "/v1/customers/4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04/subscriptions/3f15978e-005c-b763-bb78-2a8fab289c58/azureEntitlements",
            sample("customers/azure-entitlements.json"),
        ),
    ])
    .await;
    let (session, client) = client_for(&emu, &server).await;

    // Microsoft's list sample: no offerId at all, dates with spaces, one item of "37".
    let listed_items = client
        .subscriptions("c-list")
        .await
        .expect("an item without offerId is read, not refused");
    assert_eq!(listed_items.len(), 1);
    let row = rows::subscription(listed_items[0].clone());
    assert_eq!(row.id, "83ef9d05-4169-4ef9-9657-0e86b1eab1de");
    assert_eq!(
        row.offer_id, "0CCA44D6-68E9-4762-94EE-31ECE98783B9",
        "the offer id comes from the offer link when offerId is missing"
    );
    assert_eq!(row.kind, SubscriptionKind::Licence);
    assert_eq!(row.quantity, Some(Decimal::ONE));
    assert_eq!(
        row.creation_date.as_deref(),
        Some("2015-11-25T06: 41: 12Z"),
        "an odd date is kept as sent"
    );
    assert_eq!(
        row.entitlement_id.as_deref(),
        Some("a356ac8c-e310-44f4-bf85-C7f29044af99")
    );

    let subs = client.subscriptions(customer).await.expect("samples read");
    let legacy = rows::subscription(subs[0].clone());
    assert_eq!(legacy.kind, SubscriptionKind::LegacyAzure);
    assert_eq!(legacy.offer_id, "MS-AZR-0145P");
    assert_eq!(legacy.id, "A356AC8C-E310-44F4-BF85-C7F29044AF99");
    assert_eq!(
        legacy.entitlement_id.as_deref(),
        Some("42226ED6-070A-4E0F-B80C-4CDFB3E97AA7")
    );
    assert_eq!(legacy.billing_type.as_deref(), Some("usage"));
    assert_eq!(
        subs[0].order_id.as_deref(),
        Some("B23FDEDD-D6BD-415A-8B71-3624C81C9644")
    );

    let software = &subs[1];
    assert_eq!(software.order_id.as_deref(), Some("123456789101"));
    assert_eq!(
        software.cancellation_allowed_until_date.as_deref(),
        Some("2021-10-14T23:59:00Z")
    );
    let software = rows::subscription(software.clone());
    assert_eq!(software.kind, SubscriptionKind::Licence);
    assert_eq!(software.offer_id, "DG7GMGF0DVSV:000P:DG7GMGF0F3Q9");
    assert_eq!(software.billing_cycle.as_deref(), Some("triennial"));
    assert_eq!(software.term_duration.as_deref(), Some("P3Y"));
    assert_eq!(software.unit_type.as_deref(), Some("Licenses"));

    let entitlements = client
        .azure_entitlements(customer, plan)
        .await
        .expect("the entitlements sample reads");
    assert_eq!(entitlements.len(), 1);
    assert_eq!(entitlements[0].subscription_id.as_deref(), Some(plan));
    let e = rows::entitlement(entitlements[0].clone());
    assert_eq!(
        (
            e.id.as_str(),
            e.friendly_name.as_deref(),
            e.status.as_deref()
        ),
        (
            "899ae6f1-8a74-4d5e-b6c6-e6b5019bbff8",
            Some("Microsoft Azure"),
            Some("active")
        )
    );
    assert!(server.unmatched.lock().unwrap().is_empty());
    session.sign_out().await.unwrap();
}
