//! Customers, their profiles, subscriptions and Azure entitlements against Microsoft's samples
//! (`tests/fixtures/microsoft/customers/`).

use cspdesk_emulator::Preset;
use serde_json::{json, Value};

use super::{assert_parity, sample};
use crate::common::*;

/// The continuation of a seek page: Microsoft's customers sample fits one page, the paging page
/// of the same reference documents `links.next` and `continuationToken`.
const SEEK: &[(&str, &str)] = &[
    (
        "links.next",
        "seek continuation (a page that has a next page)",
    ),
    ("links.next.uri", "seek continuation"),
    ("links.next.method", "seek continuation"),
    ("links.next.headers", "seek continuation"),
    ("links.next.headers[]", "seek continuation"),
    ("links.next.headers[].key", "seek continuation"),
    ("links.next.headers[].value", "seek continuation"),
    ("continuationToken", "seek continuation"),
];

async fn customers(emu: &cspdesk_emulator::RunningEmulator, token: &str) -> Vec<Value> {
    all_pages(emu, "/v1/customers?size=500", token).await.0
}

#[tokio::test]
async fn the_customer_list_and_one_customer_have_microsofts_keys() {
    let emu = start(Preset::S, 18).await;
    let token = pc_token(&emu);
    let page = get(&emu, "/v1/customers?size=2", &token, None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert_parity(
        "GET /v1/customers?size=2",
        &sample("customers/customers.json"),
        &page.json(),
        SEEK,
    );

    let id = customers(&emu, &token).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let one = get(&emu, &format!("/v1/customers/{id}"), &token, None).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_parity(
        "GET /v1/customers/{id}",
        &sample("customers/customer.json"),
        &one.json(),
        &[(
            "associatedPartnerId",
            "sent for a customer of an indirect reseller (create-a-customer-for-an-indirect-reseller's response); the sandbox's first customer has one",
        )],
    );
    let billing = get(
        &emu,
        &format!("/v1/customers/{id}/profiles/billing"),
        &token,
        None,
    )
    .await;
    assert_eq!(billing.status, 200, "{}", billing.text);
    assert_parity(
        "GET /v1/customers/{id}/profiles/billing (Microsoft's billing profile inside get-by-id)",
        &sample("customers/customer.json")["billingProfile"],
        &billing.json(),
        &[],
    );
    let profile = get(
        &emu,
        &format!("/v1/customers/{id}/profiles/company"),
        &token,
        None,
    )
    .await;
    assert_eq!(profile.status, 200, "{}", profile.text);
    assert_parity(
        "GET /v1/customers/{id}/profiles/company",
        &sample("customers/company-profile.json"),
        &profile.json(),
        &[],
    );
}

/// The legacy sample dates from 2017; these Subscription keys are in Microsoft's newer samples
/// (`subscription-software.json`), which today's answers carry on every subscription.
const NEWER: &str =
    "a Subscription key of Microsoft's newer samples; the 2017 legacy sample predates it";

/// Every subscription of preset S, by offer family, against the sample of that family.
#[tokio::test]
async fn subscriptions_and_entitlements_have_microsofts_keys() {
    let emu = start(Preset::S, 18).await;
    let token = pc_token(&emu);
    let (mut legacy, mut modern, mut entitlements) = (vec![], vec![], vec![]);
    let mut collections = vec![];
    for c in customers(&emu, &token).await {
        if c["relationshipToPartner"] != "reseller" {
            continue;
        }
        let id = c["id"].as_str().unwrap();
        let reply = get(
            &emu,
            &format!("/v1/customers/{id}/subscriptions"),
            &token,
            None,
        )
        .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let body = reply.json();
        for s in body["items"].as_array().unwrap() {
            let one = get(
                &emu,
                &format!(
                    "/v1/customers/{id}/subscriptions/{}",
                    s["id"].as_str().unwrap()
                ),
                &token,
                None,
            )
            .await;
            assert_eq!(one.status, 200, "{}", one.text);
            assert_eq!(&one.json(), s, "a subscription by id is its list item");
            if s["offerId"] == "MS-AZR-0145P" {
                legacy.push(s.clone());
            } else {
                modern.push(s.clone());
            }
            if s["productType"]["id"] == "Azure" {
                let sub = s["id"].as_str().unwrap();
                let e = get(
                    &emu,
                    &format!("/v1/customers/{id}/subscriptions/{sub}/azureEntitlements"),
                    &token,
                    None,
                )
                .await;
                assert_eq!(e.status, 200, "{}", e.text);
                entitlements.push(e.json());
            }
        }
        let mut envelope = body.clone();
        envelope["items"] = json!([]);
        collections.push(envelope);
    }
    assert!(!legacy.is_empty() && !modern.is_empty() && !entitlements.is_empty());

    let list = sample("customers/subscriptions.json");
    let mut envelope = list.clone();
    envelope["items"] = json!([]);
    for c in &collections {
        assert_parity(
            "GET /v1/customers/{id}/subscriptions (envelope)",
            &envelope,
            c,
            &[],
        );
    }
    assert_parity(
        "GET /v1/customers/{id}/subscriptions (legacy Azure 0145P items)",
        &json!({ "items": [sample("customers/subscription-legacy-azure.json")] }),
        &json!({ "items": legacy }),
        &[
            ("items[].billingCycle", NEWER),
            ("items[].hasPurchasableAddons", NEWER),
            ("items[].isMicrosoftProduct", NEWER),
            ("items[].isTrial", NEWER),
            ("items[].partnerId", NEWER),
            ("items[].publisherName", NEWER),
        ],
    );
    assert_parity(
        "GET /v1/customers/{id}/subscriptions (new-commerce items)",
        &json!({ "items": [sample("customers/subscription-software.json")] }),
        &json!({ "items": modern }),
        &[
            ("items[].attributes.etag", "Microsoft's other subscription samples carry it (subscription-legacy-azure.json, subscriptions.json)"),
            ("items[].scheduledNextTermInstructions", "only while a change at renewal is scheduled; the sandbox schedules none"),
            ("items[].scheduledNextTermInstructions.product", "as above"),
            ("items[].scheduledNextTermInstructions.product.productId", "as above"),
            ("items[].scheduledNextTermInstructions.product.skuId", "as above"),
            ("items[].scheduledNextTermInstructions.product.availabilityId", "as above"),
            ("items[].scheduledNextTermInstructions.product.billingCycle", "as above"),
            ("items[].scheduledNextTermInstructions.product.termDuration", "as above"),
            ("items[].scheduledNextTermInstructions.quantity", "as above"),
        ],
    );
    for e in &entitlements {
        assert_parity(
            "GET /v1/customers/{id}/subscriptions/{id}/azureEntitlements",
            &sample("customers/azure-entitlements.json"),
            e,
            &[],
        );
    }
}
