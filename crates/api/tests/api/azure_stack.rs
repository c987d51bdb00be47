//! Azure Stack Hub registrations through ARM as the signed-in sandbox partner: every documented
//! refusal is provoked and reaches the UI's error with its meaning and what to do, and adding
//! then removing a customer subscription round-trips through Azure and the kept list.

use std::sync::Mutex;

use cspdesk_api::azure_stack::registrations::{self as azure_stack};

use cspdesk_api::azure_stack::dto::{AddStackCustomerDto, RegistrationRefDto};
use cspdesk_api::{accounts::sandbox, ApiError, ErrorCode};
use cspdesk_partner_api::{ArmFailure, StackRefusal};
use cspdesk_store::Database;

fn refused(e: &ApiError, refusal: StackRefusal, code: ErrorCode, field: &str) {
    assert_eq!(e.code, code, "{refusal}: {e:?}");
    assert_eq!(e.field.as_deref(), Some(field), "{refusal}: {e:?}");
    let mut meaning = refusal.meaning().to_string();
    meaning[..1].make_ascii_uppercase();
    assert!(
        e.message.starts_with(&meaning),
        "{refusal}: says what it means: {}",
        e.message
    );
    assert!(
        e.message.contains(refusal.remedy()),
        "{refusal}: says what to do: {}",
        e.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registrations_customer_subscriptions_and_every_documented_refusal() {
    let _turn = crate::SANDBOX_STACK.lock().await;
    let data = tempfile::tempdir().unwrap();
    let db = Mutex::new(Database::open(&data.path().join("cspdesk.sqlite3")).unwrap());
    let now = chrono::Utc::now();
    let account = sandbox::ensure_account(&db, now).await.unwrap();
    let emulator = sandbox::emulator(sandbox::SANDBOX_SEED, now).await.unwrap();
    let fx = emulator.stack_fixtures();

    // Not signed in: a clear refusal before anything is called.
    let e = azure_stack::refresh(&db, &account.id, now)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotSignedIn, "{e:?}");
    sandbox::sign_in_as_admin(&db, &account.id, now)
        .await
        .unwrap();

    let overview = azure_stack::refresh(&db, &account.id, now).await.unwrap();
    assert_eq!(
        overview.subscriptions,
        vec![fx.registration_subscription_id.clone()]
    );
    assert!(
        overview.set_aside.is_empty(),
        "the emulator answers in Microsoft's shapes, so nothing is kept aside: {:?}",
        overview.set_aside
    );
    let names: Vec<&str> = overview
        .registrations
        .iter()
        .map(|r| r.at.name.as_str())
        .collect();
    for expected in [
        &fx.approved_registration,
        &fx.capacity_registration,
        &fx.unapproved_registration,
    ] {
        assert!(
            names.contains(&expected.as_str()),
            "{expected} listed: {names:?}"
        );
    }
    let reg = |name: &str| RegistrationRefDto {
        subscription_id: fx.registration_subscription_id.clone(),
        resource_group: fx.resource_group.clone(),
        name: name.to_string(),
    };
    let approved = reg(&fx.approved_registration);
    let capacity = overview
        .registrations
        .iter()
        .find(|r| r.at.name == fx.capacity_registration)
        .unwrap();
    assert_eq!(capacity.billing_model, "Capacity");
    assert!(
        !capacity.accepts_customers,
        "Capacity registrations cannot add tenants"
    );

    // Every customer tenant using the Stack is seeded as mapped (the lab tenant is not).
    let seeded = azure_stack::customer_subscriptions(&db.lock().unwrap(), &account.id, &approved)
        .unwrap()
        .len();
    assert!(seeded >= 2, "customers 0 and 1 use the Stack");
    let (valid, owner) = fx.valid_customer_subscription.clone();
    let owners_seeded =
        azure_stack::customer_subscriptions(&db.lock().unwrap(), &account.id, &approved)
            .unwrap()
            .into_iter()
            .find(|m| m.tenant_id == owner)
            .expect("customer 0 uses the Stack, so its tenant is seeded as mapped");

    // Round trip: add, listed (also after reading Azure again), remove, gone.
    let add =
        |registration: RegistrationRefDto, id: &str, tenant: Option<&str>| AddStackCustomerDto {
            registration,
            subscription_id: id.to_string(),
            tenant_id: tenant.map(str::to_string),
        };
    let list = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(approved.clone(), &valid.to_uppercase(), Some(&owner)),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        list.len(),
        seeded,
        "the owner's seeded mapping is replaced: one subscription per tenant"
    );
    let added = list.iter().find(|m| m.tenant_id == owner).unwrap();
    assert_eq!(
        added.subscription_id, valid,
        "sent and kept as a lowercase GUID"
    );
    let again = azure_stack::refresh(&db, &account.id, now).await.unwrap();
    let row = again
        .registrations
        .iter()
        .find(|r| r.at == approved)
        .unwrap();
    assert_eq!(
        row.customer_subscriptions as usize, seeded,
        "Azure lists it too"
    );
    azure_stack::verify_customer_subscription(&db, &account.id, &approved, &valid, now)
        .await
        .unwrap();
    let list = azure_stack::remove_customer_subscription(&db, &account.id, &approved, &valid, now)
        .await
        .unwrap();
    assert!(list.iter().all(|m| m.subscription_id != valid));
    let again = azure_stack::refresh(&db, &account.id, now).await.unwrap();
    assert_eq!(
        again
            .registrations
            .iter()
            .find(|r| r.at == approved)
            .unwrap()
            .customer_subscriptions as usize,
        seeded - 1,
        "the other tenants' seeded mappings are left"
    );

    // The eight documented refusals.
    let tenant = Some(owner.as_str());
    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(reg("azurestack-nope"), &valid, tenant),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::RegistrationNotFound,
        ErrorCode::NotFound,
        "registration",
    );

    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(approved.clone(), &fx.other_partner_subscription, tenant),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::BadCustomerSubscriptionId,
        ErrorCode::Validation,
        "subscriptionId",
    );

    // Checked before calling: a malformed id never reaches Azure...
    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(approved.clone(), "1234-not-a-subscription", tenant),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::InvalidCustomerSubscriptionId,
        ErrorCode::Validation,
        "subscriptionId",
    );
    // ...and Azure's own answer to one is the same refusal.
    let arm = cspdesk_partner_api::Arm::new(std::sync::Arc::new(
        cspdesk_partner_api::Session::resume(
            cspdesk_partner_api::ApiSettings::single_origin(
                emulator.url(),
                emulator.partner().tenant_id.clone(),
                cspdesk_emulator::CLIENT_ID,
            ),
            cspdesk_partner_api::AccountKey::from_stored(account.id.clone()),
            std::sync::Arc::new(cspdesk_partner_api::KeyringStore::new()),
        )
        .unwrap(),
    ))
    .unwrap();
    let raw = arm
        .send(
            reqwest::Method::PUT,
            &format!(
                "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.AzureStack/registrations/{}/customerSubscriptions/NOT-A-GUID",
                fx.registration_subscription_id, fx.resource_group, fx.approved_registration
            ),
            cspdesk_partner_api::AZURE_STACK_API_VERSION,
            Some(&serde_json::json!({"properties": {"tenantId": owner}})),
        )
        .await
        .unwrap();
    match raw {
        Err(ArmFailure { status, error }) => {
            assert_eq!(status, 400);
            assert_eq!(
                StackRefusal::from_arm_code(&error.code),
                Some(StackRefusal::InvalidCustomerSubscriptionId)
            );
        }
        Ok(a) => panic!("Azure accepted a malformed id: {}", a.status),
    }

    let e = azure_stack::verify_customer_subscription(&db, &account.id, &approved, &valid, now)
        .await
        .unwrap_err();
    refused(
        &e,
        StackRefusal::CustomerSubscriptionNotFound,
        ErrorCode::NotFound,
        "subscriptionId",
    );

    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(reg(&fx.unapproved_registration), &valid, tenant),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::UnauthorizedCspRegistration,
        ErrorCode::Forbidden,
        "registration",
    );

    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(reg(&fx.capacity_registration), &valid, tenant),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::CustomerSubscriptionsNotAllowed,
        ErrorCode::Forbidden,
        "registration",
    );

    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(
            approved.clone(),
            "5f1d7a5e-3c1b-4a8e-9d2f-6b0c4e8a7d13",
            tenant,
        ),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::InvalidCspSubscription,
        ErrorCode::Validation,
        "subscriptionId",
    );

    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(approved.clone(), &fx.unresolvable_subscription, tenant),
        now,
    )
    .await
    .unwrap_err();
    refused(
        &e,
        StackRefusal::MetadataResolverBadGateway,
        ErrorCode::Unavailable,
        "subscriptionId",
    );

    // No refusal left anything behind.
    assert_eq!(
        azure_stack::customer_subscriptions(&db.lock().unwrap(), &account.id, &approved)
            .unwrap()
            .len(),
        seeded - 1
    );

    // Without Discovery the customer's tenant is unknown: asked for, not guessed.
    let e = azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(approved.clone(), &valid, None),
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::Validation, Some("tenantId")),
        "{e:?}"
    );

    // Leave the shared sandbox Stack as seeded: the owner's tenant mapped again.
    azure_stack::add_customer_subscription(
        &db,
        &account.id,
        &add(approved, &owners_seeded.subscription_id, Some(&owner)),
        now,
    )
    .await
    .unwrap();
}
