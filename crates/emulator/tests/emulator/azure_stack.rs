//! ARM Microsoft.AzureStack: CRUD of customer-subscription mappings and every documented error code.

use cspdesk_emulator::{Preset, RunningEmulator};
use serde_json::{json, Value};

use crate::common::*;

const V: &str = "api-version=2022-06-01";

fn arm_token(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), "https://management.azure.com", true)
        .unwrap()
}

fn reg_path(emu: &RunningEmulator, name: &str) -> String {
    let f = emu.stack_fixtures();
    format!(
        "{}/subscriptions/{}/resourceGroups/{}/providers/Microsoft.AzureStack/registrations/{name}",
        emu.url(),
        f.registration_subscription_id,
        f.resource_group
    )
}

async fn call(
    emu: &RunningEmulator,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = client().request(method, url).bearer_auth(arm_token(emu));
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn put_mapping(
    emu: &RunningEmulator,
    registration: &str,
    id: &str,
    tenant: &str,
) -> (u16, Value) {
    let url = format!(
        "{}/customerSubscriptions/{id}?{V}",
        reg_path(emu, registration)
    );
    call(
        emu,
        reqwest::Method::PUT,
        &url,
        Some(json!({ "properties": { "tenantId": tenant } })),
    )
    .await
}

#[tokio::test]
async fn mapping_lifecycle_put_get_list_delete() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let (id, tenant) = f.valid_customer_subscription.clone();
    let (status, body) = put_mapping(&emu, &f.approved_registration, &id, &tenant).await;
    assert_eq!(status, 200, "spec behaviour: 200 with the resource: {body}");
    assert_eq!(body["properties"]["tenantId"], tenant.as_str());
    let url = format!(
        "{}/customerSubscriptions/{id}?{V}",
        reg_path(&emu, &f.approved_registration)
    );
    let (status, got) = call(&emu, reqwest::Method::GET, &url, None).await;
    let child_name = format!("{}/{id}", f.approved_registration);
    assert_eq!(
        (status, got["name"].as_str(), got["type"].as_str()),
        (
            200,
            Some(child_name.as_str()),
            Some("Microsoft.AzureStack/registrations/customerSubscriptions")
        ),
        "ARM names a child resource {{registration}}/{{subscription}}, as Microsoft's sample does"
    );
    assert!(
        got["id"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/customerSubscriptions/{id}")),
        "the subscription id is the resource id's last segment: {got}"
    );
    // Every page: the seeded mappings (one per customer tenant on the Stack) come first.
    let mut listed: Vec<String> = Vec::new();
    let mut next = Some(format!(
        "{}/customerSubscriptions?{V}",
        reg_path(&emu, &f.approved_registration)
    ));
    while let Some(url) = next.take() {
        let (status, page) = call(&emu, reqwest::Method::GET, &url, None).await;
        assert_eq!(status, 200, "{page}");
        listed.extend(
            page["value"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|m| m["id"].as_str())
                .filter_map(|id| id.rsplit('/').next().map(str::to_string)),
        );
        next = page["nextLink"].as_str().map(str::to_string);
    }
    assert!(
        listed.contains(&id),
        "listed with the seeded mappings: {listed:?}"
    );
    assert!(
        listed.contains(&f.mapped_tenant.0),
        "the seeded mapping of another tenant stays"
    );
    let (status, _) = call(&emu, reqwest::Method::DELETE, &url, None).await;
    assert_eq!(status, 200);
    let (status, gone) = call(&emu, reqwest::Method::GET, &url, None).await;
    assert_eq!(
        (status, arm_code(&gone)),
        (404, "CustomerSubscriptionNotFound"),
        "a deleted mapping is not found"
    );
}

#[tokio::test]
async fn every_documented_error_code_is_reachable_from_fixtures() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let (id, tenant) = f.valid_customer_subscription.clone();
    let cases = [
        (
            "azurestack-does-not-exist".to_string(),
            id.clone(),
            404,
            "RegistrationNotFound",
        ),
        (
            f.approved_registration.clone(),
            f.other_partner_subscription.clone(),
            400,
            "BadCustomerSubscriptionId",
        ),
        (
            f.approved_registration.clone(),
            id.to_uppercase(),
            400,
            "InvalidCustomerSubscriptionId",
        ),
        (
            f.approved_registration.clone(),
            "not-a-guid".to_string(),
            400,
            "InvalidCustomerSubscriptionId",
        ),
        (
            f.unapproved_registration.clone(),
            id.clone(),
            403,
            "UnauthorizedCspRegistration",
        ),
        (
            f.capacity_registration.clone(),
            id.clone(),
            403,
            "CustomerSubscriptionsNotAllowed",
        ),
        (
            f.approved_registration.clone(),
            "0badc0de-0000-4000-8000-000000000000".to_string(),
            400,
            "InvalidCSPSubscription",
        ),
        (
            f.approved_registration.clone(),
            f.unresolvable_subscription.clone(),
            502,
            "MetadataResolverBadGatewayError",
        ),
    ];
    for (registration, sub, status, expected) in cases {
        let (got_status, body) = put_mapping(&emu, &registration, &sub, &tenant).await;
        assert_eq!(
            (got_status, arm_code(&body)),
            (status, expected),
            "PUT {sub} on {registration}: {body}"
        );
    }
    let url = format!(
        "{}/customerSubscriptions/{id}?{V}",
        reg_path(&emu, &f.approved_registration)
    );
    let (status, body) = call(&emu, reqwest::Method::GET, &url, None).await;
    assert_eq!(
        (status, arm_code(&body)),
        (404, "CustomerSubscriptionNotFound"),
        "GET of a mapping never PUT"
    );
}

#[tokio::test]
async fn api_version_and_token_are_checked() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let base = reg_path(&emu, &f.approved_registration);
    let (status, body) = call(&emu, reqwest::Method::GET, &base, None).await;
    assert_eq!(
        (status, arm_code(&body)),
        (400, "MissingApiVersionParameter")
    );
    let (status, body) = call(
        &emu,
        reqwest::Method::GET,
        &format!("{base}?api-version=1999-01-01"),
        None,
    )
    .await;
    assert_eq!(
        (status, arm_code(&body)),
        (400, "InvalidApiVersionParameter")
    );
    let (status, body) = call(&emu, reqwest::Method::GET, &format!("{base}?{V}"), None).await;
    assert_eq!(
        (status, body["properties"]["billingModel"].as_str()),
        (200, Some("PayAsYouUse"))
    );
    let pc = pc_token(&emu);
    let res = client()
        .get(format!("{base}?{V}"))
        .bearer_auth(pc)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        401,
        "a Partner Center token is not an ARM token"
    );
    assert!(res.headers().get("www-authenticate").is_some());
}
