//! Microsoft's Azure Stack samples (`tests/fixtures/microsoft/azure_stack/`) through the client's
//! real entry points: `Microsoft.AzureStack` registrations and customer subscriptions on ARM
//! (ids from the resource id, GUIDs checked, a PUT reply with `id` and `name` empty), and a
//! Stack's admin ARM (usage aggregates with their quantities and dates, user subscriptions).

use chrono::{TimeZone, Utc};
use cspdesk_partner_api::{
    Arm, AzureStack, CustomerSubscription, Granularity, RegistrationRef, StackAdmin, UsageWindow,
};
use rust_decimal::Decimal;

use super::{client_for, sample, serve};
use crate::common::*;

const SUB: &str = "dd8597b4-8739-4467-8b10-f8679f62bfbf";
const REG: &str = "/subscriptions/dd8597b4-8739-4467-8b10-f8679f62bfbf/resourceGroups/azurestack/providers/Microsoft.AzureStack/registrations/testregistration";
/// The sample's customer subscription, as the client puts it in a path (lowercase GUID).
const CUSTOMER_SUB: &str = "e09a4e93-29a7-4eba-a6d4-76202383f07f";
const TENANT: &str = "dbab3982-796f-4d03-9908-044c08aef8a2";

fn at() -> RegistrationRef {
    RegistrationRef {
        subscription_id: SUB.into(),
        resource_group: "azurestack".into(),
        name: "testregistration".into(),
    }
}

async fn stack_on(
    routes: Vec<(&str, String)>,
) -> (
    cspdesk_emulator::RunningEmulator,
    AzureStack,
    super::SampleServer,
) {
    let emu = start().await;
    let server = serve(routes).await;
    let (session, _) = client_for(&emu, &server).await;
    let stack = AzureStack::new(Arm::new(session).unwrap().with_retry(fast_retries()));
    (emu, stack, server)
}

#[tokio::test]
async fn registrations_are_named_from_their_resource_id() {
    let list_path = format!("/subscriptions/{SUB}/providers/Microsoft.AzureStack/registrations");
    let get_path = format!("{REG}?");
    let (_emu, stack, server) = stack_on(vec![
        (
            &list_path,
            sample("azure_stack/registrations-list-by-subscription.json"),
        ),
        (&get_path, sample("azure_stack/registration-get.json")),
    ])
    .await;

    let listed = stack
        .registrations(SUB)
        .await
        .expect("Microsoft's list reads");
    assert!(listed.set_aside.is_empty(), "{:?}", listed.set_aside);
    assert_eq!(listed.items.len(), 1);
    let r = &listed.items[0];
    assert_eq!(r.at, at());
    assert_eq!(r.object_id, "9e9704ab-561a-4498-ac60-64b2314456ee");
    assert_eq!(r.billing_model, "Development");
    assert_eq!(
        r.cloud_id, "",
        "the List sample sends no cloudId: kept empty"
    );

    // Microsoft's Get sample sends the resource group as `name`; the id names the registration.
    let got = stack
        .registration(&at())
        .await
        .expect("Microsoft's Get reads");
    assert_eq!(
        got.at.name, "testregistration",
        "the name comes from the id, not from name: \"azurestack\""
    );
    assert_eq!(got.at.resource_group, "azurestack");
    assert_eq!(got.at.subscription_id, SUB);
    assert_eq!(got.billing_model, "Development");
    assert!(server.unmatched.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_registration_as_put_returns_it_carries_its_cloud_id() {
    // The Put sample's body is the resource as Azure holds it after registering.
    let get_path = format!("{REG}?");
    let (_emu, stack, _server) = stack_on(vec![(
        &get_path,
        sample("azure_stack/registration-put.json"),
    )])
    .await;
    let r = stack.registration(&at()).await.unwrap();
    assert_eq!(r.at, at());
    assert_eq!(r.cloud_id, "5bf881b2-6be7-42a1-9f47-d6fcb6737747");
    assert_eq!(r.object_id, "2dbdd5f4-daf3-442a-be35-b71c3debee5a");
    assert_eq!(r.billing_model, "Development");
}

#[tokio::test]
async fn customer_subscriptions_are_guids_from_the_resource_id_not_the_child_name() {
    let list_path = format!("{REG}/customerSubscriptions?");
    let get_path = format!("{REG}/customerSubscriptions/{CUSTOMER_SUB}");
    let (_emu, stack, server) = stack_on(vec![
        (
            &list_path,
            sample("azure_stack/customer-subscriptions-list.json"),
        ),
        (
            &get_path,
            sample("azure_stack/customer-subscription-get.json"),
        ),
    ])
    .await;
    let expected = CustomerSubscription {
        subscription_id: CUSTOMER_SUB.into(),
        tenant_id: TENANT.into(),
    };

    let listed = stack.customer_subscriptions(&at()).await.unwrap();
    assert!(listed.set_aside.is_empty(), "{:?}", listed.set_aside);
    assert_eq!(
        listed.items,
        vec![expected.clone()],
        "not the name \"testregistration/E09A4E93-...\": the lowercase GUID of the id's last segment"
    );

    // Verify reads one by the id the user gave, in any case.
    let got = stack
        .customer_subscription(&at(), "E09A4E93-29A7-4EBA-A6D4-76202383F07F")
        .await
        .unwrap();
    assert_eq!(got, expected);
    assert!(
        server
            .seen
            .lock()
            .unwrap()
            .iter()
            .any(|t| t.starts_with(&get_path)),
        "the GET went to the lowercase id"
    );
}

#[tokio::test]
async fn a_put_reply_with_empty_id_and_name_is_the_subscription_put() {
    let put_path = format!("{REG}/customerSubscriptions/{CUSTOMER_SUB}");
    let (_emu, stack, server) = stack_on(vec![(
        &put_path,
        sample("azure_stack/customer-subscription-put.json"),
    )])
    .await;
    let added = stack
        .add_customer_subscription(&at(), "E09A4E93-29A7-4EBA-A6D4-76202383F07F", TENANT)
        .await
        .expect("Microsoft's PUT reply reads");
    assert_eq!(
        added,
        CustomerSubscription {
            subscription_id: CUSTOMER_SUB.into(),
            tenant_id: TENANT.into(),
        },
        "not an empty id: the reply names none, so it is the one put"
    );
    assert_eq!(server.seen.lock().unwrap().len(), 1, "no read-back needed");
}

const PROVIDER: &str = "20ff7fc3-e762-44dd-bd96-b71116dcdc23";

/// A client of a Stack's admin ARM whose answers are `routes`.
async fn stack_admin_on(
    routes: Vec<(&str, String)>,
) -> (
    cspdesk_emulator::RunningEmulator,
    StackAdmin,
    super::SampleServer,
) {
    let emu = start().await;
    // Microsoft's published metadata (with its `portal Endpoint` typo) is what the client reads
    // for the token audience; only the audience's value is the emulator identity's, so the
    // token the client then asks for is one the emulator issues.
    let mut metadata: serde_json::Value =
        serde_json::from_str(&sample("azure_stack/metadata-endpoints.json")).unwrap();
    metadata["authentication"]["audiences"][0] = cspdesk_emulator::identity::STACK_ADMIN.into();
    let metadata = metadata.to_string();
    let mut routes = routes;
    routes.push(("/metadata/endpoints", metadata));
    let server = serve(routes).await;
    let (session, _) = client_for(&emu, &server).await;
    let admin = StackAdmin::new(
        Arm::stack_admin(session, &server.base)
            .await
            .unwrap()
            .with_retry(fast_retries()),
    );
    (emu, admin, server)
}

fn usage_path() -> String {
    format!(
        "/subscriptions/{PROVIDER}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates"
    )
}

fn window(day: (i32, u32, u32), now: chrono::DateTime<Utc>) -> UsageWindow {
    let start = Utc.with_ymd_and_hms(day.0, day.1, day.2, 0, 0, 0).unwrap();
    UsageWindow::new(
        start,
        start + chrono::Duration::days(1),
        Granularity::Daily,
        now,
    )
    .unwrap()
}

#[tokio::test]
async fn the_stack_admin_samples_read_with_quantities_dates_and_tenants() {
    let subs_path =
        format!("/subscriptions/{PROVIDER}/providers/Microsoft.Subscriptions.Admin/subscriptions");
    let usage_path = usage_path();
    let (emu, admin, server) = stack_admin_on(vec![
        (
            &usage_path,
            sample("azure_stack/subscriber-usage-aggregates.json"),
        ),
        (
            &subs_path,
            sample("azure_stack/admin-subscriptions-list.json"),
        ),
    ])
    .await;
    let usage = admin
        .usage(PROVIDER, &window((2015, 3, 3), emu.clock().now()), None)
        .await
        .unwrap();
    assert_eq!(usage.len(), 1);
    let u = &usage[0];
    assert_eq!(
        u.subscription_id, "sub1.1",
        "Microsoft's placeholder id is kept"
    );
    assert_eq!(u.meter_id, "METERID1", "meter ids are upper-cased");
    assert_eq!(u.quantity, Decimal::new(24, 1), "2.4000000000 read exactly");
    assert_eq!(
        u.usage_start,
        Utc.with_ymd_and_hms(2015, 3, 3, 0, 0, 0).unwrap()
    );
    assert_eq!(
        u.usage_end,
        Utc.with_ymd_and_hms(2015, 3, 4, 0, 0, 0).unwrap()
    );
    assert_eq!(
        u.resource_uri, "resourceUri1",
        "from instanceData, a JSON string"
    );

    let subs = admin.user_subscriptions(PROVIDER).await.unwrap();
    assert_eq!(subs.len(), 4);
    assert_eq!(
        subs[0].subscription_id,
        "5144634d-7e4d-443b-a304-d27e44220fc6"
    );
    assert_eq!(subs[0].tenant_id, "d9b782d5-d098-4374-8f2c-3907cc34611c");
    assert_eq!(subs[0].display_name, "sfsdf");
    assert_eq!(subs[0].owner, "tenantadmin1@msazurestack.onmicrosoft.com");
    assert_eq!(subs[0].state, "Enabled");
    assert!(subs[0].offer_id.ends_with("/offers/balaoffer"));
    assert!(
        server.unmatched.lock().unwrap().is_empty(),
        "{:?}",
        server.unmatched
    );
}

#[tokio::test]
async fn the_specs_empty_usage_page_reads_as_no_usage() {
    let usage_path = usage_path();
    let (emu, admin, _server) = stack_admin_on(vec![(
        &usage_path,
        sample("azure_stack/subscriber-usage-aggregates-empty.json"),
    )])
    .await;
    let usage = admin
        .usage(PROVIDER, &window((2017, 8, 1), emu.clock().now()), None)
        .await
        .unwrap();
    assert!(usage.is_empty());
}
