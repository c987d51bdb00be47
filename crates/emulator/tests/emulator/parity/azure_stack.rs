//! Key parity of the emulator's Azure Stack answers with Microsoft's samples
//! (`tests/fixtures/microsoft/azure_stack/`): `Microsoft.AzureStack` registrations and customer
//! subscriptions on ARM, and a Stack's admin ARM (usage aggregates, user subscriptions).

use cspdesk_emulator::{Preset, RunningEmulator};
use serde_json::{json, Value};

use super::{assert_parity, sample};
use crate::common::*;

const V: &str = "api-version=2022-06-01";

/// Microsoft's Get and List samples of a registration leave `cloudId` out; its Put and Patch
/// replies of the same resource carry it (registration-put.json), and every registered Stack has
/// one, so the emulator sends it on every read.
const CLOUD_ID: (&str, &str) = (
    "properties.cloudId",
    "Microsoft's Put and Patch samples of the same resource carry it; its Get/List samples leave it out",
);
const LISTED_CLOUD_ID: (&str, &str) = (
    "value[].properties.cloudId",
    "Microsoft's Put and Patch samples of the same resource carry it; its Get/List samples leave it out",
);

async fn call(
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client().request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{url}: JSON, got {text}")),
    )
}

fn arm_token(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), "https://management.azure.com", true)
        .unwrap()
}

fn admin_token(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), cspdesk_emulator::identity::STACK_ADMIN, true)
        .unwrap()
}

/// The last page of a list (the one without `nextLink`, as Microsoft's one-page samples are).
async fn last_page(first: &str, token: &str) -> Value {
    let (status, mut page) = call(reqwest::Method::GET, first, token, None).await;
    assert_eq!(status, 200, "{first}: {page}");
    while let Some(next) = page["nextLink"].as_str().map(str::to_string) {
        let (status, p) = call(reqwest::Method::GET, &next, token, None).await;
        assert_eq!(status, 200, "{next}: {p}");
        page = p;
    }
    page
}

#[tokio::test]
async fn registrations_have_microsofts_keys() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let token = arm_token(&emu);
    let sub = format!(
        "{}/subscriptions/{}",
        emu.url(),
        f.registration_subscription_id
    );
    let group = format!(
        "{sub}/resourceGroups/{}/providers/Microsoft.AzureStack/registrations",
        f.resource_group
    );

    let by_sub = last_page(
        &format!("{sub}/providers/Microsoft.AzureStack/registrations?{V}"),
        &token,
    )
    .await;
    assert_parity(
        "GET registrations (subscription)",
        &sample("azure_stack/registrations-list-by-subscription.json"),
        &by_sub,
        &[LISTED_CLOUD_ID],
    );
    let in_group = last_page(&format!("{group}?{V}"), &token).await;
    assert_parity(
        "GET registrations (resource group)",
        &sample("azure_stack/registrations-list.json"),
        &in_group,
        &[LISTED_CLOUD_ID],
    );

    let one = format!("{group}/{}?{V}", f.approved_registration);
    let (status, got) = call(reqwest::Method::GET, &one, &token, None).await;
    assert_eq!(status, 200, "{got}");
    assert_parity(
        "GET registration",
        &sample("azure_stack/registration-get.json"),
        &got,
        &[CLOUD_ID],
    );

    let (status, put) = call(
        reqwest::Method::PUT,
        &format!("{group}/testregistration?{V}"),
        &token,
        Some(json!({ "location": "global", "properties": { "registrationToken": "EyjIAWXSAw5nTw9KZWWiOiJeZxZlbg9wBwvUdCiSIM9iaMVjdeLkijoinwIzyJa2Ytgtowm2yy00OdG4lTlLyJmtztHjZGfJZTC0NZK1iIWiY2XvdWRJzCi6iJy5nDy0oDk1LTNHmWeTnDUwyS05oDI0LTrINzYwoGq5mjAzziIsim1HCmtldHBsYwnLu3LuZGljYXrpB25FBmfIbgVkIJp0CNvLLCJOYXJkd2FYzuLUZM8iOlt7IM51bunvcMVZiJoYlCjcaw9ZiJPBIjNkzDJHmda3yte5ndqZMdq4YmZkZmi5oDM3OTY3ZwNMIL0SIM5PyYI6WyJLZTy0ztJJMwZKy2m0OWNLODDLMwm2zTm0ymzKyjmWySisiJA3njlHmtdlY2q4NjRjnwFIZtC1YZi5ZGyZodM3Y2vjIl0siMnwDsi6wyi2oDUZoTbiY2RhNDa0ymrKoWe4YtK5otblzWrJzGyzNCISIjmYnzC4M2vmnZdIoDRKM2i5ytfkmJlhnDc1zdhLzWm1il0sim5HBwuiOijIqzF1MTvhmDIXmIIsimrpc2SiolsioWNlZjVhnZM1otQ0nDu3NmjlN2M3zmfjzmyZMTJhZtiiLcjLZjLmmZJhmWVhytG0NTu0OTqZNWu1Mda0MZbIYtfjyijdLCj1DWlKijoinwM5Mwu3NjytMju5Os00oTIwlWi0OdmTnGzHotiWm2RjyTCxIIwiBWvTb3J5ijPbijAYZDA3M2fjNzu0YTRMZTfhodkxzDnkogY5ZtAWzdyXIiwINZcWzThLnDQ4otrJndAzZGI5MGzlYtY1ZJA5ZdfiNMQIXX1DlcJpC3n1zxiiOijZb21lB25LIIWIdmVyC2LVbiI6IJeuMcJ9" } })),
    )
    .await;
    assert!(status == 200 || status == 201, "{put}");
    assert_parity(
        "PUT registration",
        &sample("azure_stack/registration-put.json"),
        &put,
        &[],
    );
}

#[tokio::test]
async fn customer_subscriptions_have_microsofts_keys_and_child_names() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let token = arm_token(&emu);
    let reg = format!(
        "{}/subscriptions/{}/resourceGroups/{}/providers/Microsoft.AzureStack/registrations/{}",
        emu.url(),
        f.registration_subscription_id,
        f.resource_group,
        f.approved_registration
    );
    let (id, tenant) = f.valid_customer_subscription.clone();
    let one = format!("{reg}/customerSubscriptions/{id}?{V}");
    let (status, put) = call(
        reqwest::Method::PUT,
        &one,
        &token,
        Some(json!({ "properties": { "tenantId": tenant } })),
    )
    .await;
    assert_eq!(status, 200, "{put}");
    assert_parity(
        "PUT customerSubscriptions/{id}",
        &sample("azure_stack/customer-subscription-put.json"),
        &put,
        &[],
    );

    let (status, got) = call(reqwest::Method::GET, &one, &token, None).await;
    assert_eq!(status, 200, "{got}");
    assert_parity(
        "GET customerSubscriptions/{id}",
        &sample("azure_stack/customer-subscription-get.json"),
        &got,
        &[],
    );
    let microsoft = sample("azure_stack/customer-subscription-get.json");
    assert_eq!(
        got["type"], microsoft["type"],
        "Microsoft's type for the child resource"
    );
    assert_eq!(
        got["name"].as_str().unwrap(),
        format!("{}/{id}", f.approved_registration),
        "named {{registration}}/{{subscription}} like Microsoft's sample ({})",
        microsoft["name"]
    );

    let list = last_page(&format!("{reg}/customerSubscriptions?{V}"), &token).await;
    assert_parity(
        "GET customerSubscriptions",
        &sample("azure_stack/customer-subscriptions-list.json"),
        &list,
        &[],
    );
}

#[tokio::test]
async fn the_stack_admin_answers_have_microsofts_keys() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let token = admin_token(&emu);
    let base = format!(
        "{}/subscriptions/{}/providers",
        emu.stack_admin_endpoint(),
        f.provider_subscription_id
    );
    let subs = last_page(
        &format!("{base}/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01"),
        &token,
    )
    .await;
    assert_parity(
        "GET Microsoft.Subscriptions.Admin/subscriptions",
        &sample("azure_stack/admin-subscriptions-list.json"),
        &subs,
        &[],
    );
    let lab = subs["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["tenantId"] == f.unmapped_tenant.as_str())
        .expect("the lab tenant's subscription")["subscriptionId"]
        .as_str()
        .unwrap()
        .to_string();
    let usage = last_page(&format!("{base}/Microsoft.Commerce.Admin/subscriberUsageAggregates?reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-02T00:00:00Z&aggregationGranularity=daily&subscriberId={lab}&api-version=2015-06-01-preview"),
        &token,
    )
    .await;
    assert!(
        !usage["value"].as_array().unwrap().is_empty(),
        "the lab runs every day: {usage}"
    );
    assert_parity(
        "GET Microsoft.Commerce.Admin/subscriberUsageAggregates",
        &sample("azure_stack/subscriber-usage-aggregates.json"),
        &usage,
        &[],
    );
}

/// The Stack admin ARM's metadata, against the one sample Microsoft publishes (Azure Stack Hub's
/// Go page). The docs spell one key `portal Endpoint`; Stacks and Microsoft's SDKs use
/// `portalEndpoint`, so the emulator keeps the real key and the typo is allowed by name.
#[tokio::test]
async fn the_stack_admin_metadata_has_microsofts_keys() {
    let emu = start(Preset::S, 4).await;
    let res = client()
        .get(format!(
            "{}/metadata/endpoints?api-version=2015-01-01",
            emu.stack_admin_endpoint()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let metadata: Value = res.json().await.unwrap();
    assert_parity(
        "GET metadata/endpoints",
        &sample("azure_stack/metadata-endpoints.json"),
        &metadata,
        &[
            (
                "portal Endpoint",
                "the docs' typo (a space inside the key) of portalEndpoint",
            ),
            (
                "portalEndpoint",
                "the key Stacks send, spelt without the docs' typo",
            ),
        ],
    );
}
