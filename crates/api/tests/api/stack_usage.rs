//! Azure Stack Hub usage end to end against the sandbox emulator over loopback HTTP: Discovery
//! keeps the rate card (Region "Azure Stack" prices), the registrations are read, the Stack's
//! admin endpoint is set, a window of usage is imported; the unregistered lab tenant's usage
//! lands on the registration (default) subscription, the mapped tenant's on its customer
//! subscription, importing again changes nothing, and the lab's figure is the hand-computed one.

use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use cspdesk_api::azure_stack::dto::RegistrationRefDto;
use cspdesk_api::azure_stack::dto::{
    ImportStackUsageDto, SetStackAdminEndpointDto, StackAttributionDto,
};
use cspdesk_api::azure_stack::registrations::{self as azure_stack};
use cspdesk_api::azure_stack::usage::{self as stack_usage};
use cspdesk_api::{accounts::sandbox, discovery::runs as discovery, ErrorCode};
use cspdesk_discovery::run::Trigger;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread")]
async fn unregistered_tenants_usage_lands_on_the_default_subscription_at_the_hand_computed_rate() {
    let _turn = crate::SANDBOX_STACK.lock().await;
    let data = tempfile::tempdir().unwrap();
    let db = Mutex::new(Database::open(&data.path().join("cspdesk.sqlite3")).unwrap());
    let now = Utc::now();
    let account = sandbox::ensure_account(&db, now).await.unwrap();
    let emulator = sandbox::emulator(sandbox::SANDBOX_SEED, now).await.unwrap();
    let fx = emulator.stack_fixtures();
    sandbox::sign_in_as_admin(&db, &account.id, now)
        .await
        .unwrap();
    let prepared = discovery::prepare(&db, &account.id, now).await.unwrap();
    let clock: cspdesk_discovery::Clock = Arc::new(Utc::now);
    let run = discovery::run(
        &discovery::Hub::new(),
        prepared,
        Trigger::Manual,
        clock,
        4,
        CancellationToken::new(),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        run.state,
        cspdesk_api::discovery::dto::RunStateDto::Completed,
        "{run:?}"
    );

    let registration = RegistrationRefDto {
        subscription_id: fx.registration_subscription_id.clone(),
        resource_group: fx.resource_group.clone(),
        name: fx.approved_registration.clone(),
    };
    // Before the registrations are read there is nothing to set an endpoint on.
    let e = stack_usage::set_admin_endpoint(
        &db.lock().unwrap(),
        &account.id,
        &SetStackAdminEndpointDto {
            registration: registration.clone(),
            endpoint: emulator.stack_admin_endpoint(),
            provider_subscription_id: fx.provider_subscription_id.clone(),
        },
        now,
    )
    .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::NotFound, Some("registration"))
    );
    azure_stack::refresh(&db, &account.id, now).await.unwrap();
    // Set it as a partner would (the sandbox also defaults it on refresh).
    let endpoints = stack_usage::set_admin_endpoint(
        &db.lock().unwrap(),
        &account.id,
        &SetStackAdminEndpointDto {
            registration: registration.clone(),
            endpoint: format!("{}/", emulator.stack_admin_endpoint()),
            provider_subscription_id: fx.provider_subscription_id.to_uppercase(),
        },
        now,
    )
    .unwrap();
    assert_eq!(endpoints.len(), 1);
    assert_eq!(endpoints[0].endpoint, emulator.stack_admin_endpoint());

    // Three whole days, a month before now: all reported.
    let first = (now - Duration::days(40)).date_naive();
    let input = ImportStackUsageDto {
        registration: registration.clone(),
        from: Some(first.to_string()),
        to: Some((first + Duration::days(2)).to_string()),
    };
    let imported = cspdesk_api::imports::stack_usage::import_usage(&db, &account.id, &input, now)
        .await
        .unwrap();
    assert!(imported.records > 3, "customers and the lab: {imported:?}");
    assert_eq!(imported.replaced, 0);
    let month = first.format("%Y-%m").to_string();
    let totals =
        stack_usage::usage_totals(&db.lock().unwrap(), &account.id, Some(&month), now).unwrap();

    let lab = totals
        .iter()
        .find(|t| t.attribution == StackAttributionDto::Default)
        .expect("the unregistered lab tenant's usage has a total");
    assert_eq!(
        lab.subscription_id, fx.registration_subscription_id,
        "an unmapped tenant bills to the registration (default) subscription"
    );
    // By hand: the lab's one 4-vCPU VM runs 24 hours a day for 3 days = 288 vCPU-hours,
    // at the rate card's Azure Stack "Base VM Size Hours" 0.008 USD = 2.304 USD.
    let vm = lab
        .lines
        .iter()
        .find(|l| l.meter_id == "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5")
        .unwrap();
    assert_eq!(vm.quantity, "288");
    assert_eq!(vm.rate.as_deref(), Some("0.008"));
    assert_eq!(vm.amount.as_deref(), Some("2.304"));
    assert_eq!(
        (lab.currency.as_str(), lab.amount.as_str()),
        ("USD", "2.304")
    );

    let (mapped_sub, mapped_tenant) = fx.mapped_tenant.clone();
    let customer = totals
        .iter()
        .find(|t| t.subscription_id == mapped_sub)
        .expect("the mapped tenant's usage has a total");
    assert_eq!(customer.attribution, StackAttributionDto::Customer);
    assert_eq!(customer.tenant_id.as_deref(), Some(mapped_tenant.as_str()));
    assert_eq!(
        customer.customer_id.as_deref(),
        Some(mapped_tenant.as_str()),
        "Discovery names the customer behind the subscription"
    );
    assert!(
        customer.lines.iter().all(|l| l.amount.is_some()),
        "every Stack meter priced"
    );

    // Importing the same window again replaces it: same totals, nothing doubled.
    let again = cspdesk_api::imports::stack_usage::import_usage(&db, &account.id, &input, now)
        .await
        .unwrap();
    assert_eq!(
        (again.records, again.replaced),
        (imported.records, imported.records)
    );
    let totals_again =
        stack_usage::usage_totals(&db.lock().unwrap(), &account.id, Some(&month), now).unwrap();
    assert_eq!(totals_again, totals);

    // Customers shows the mapped customer's Azure Stack usage of the month, every
    // subscription of it added up; the lab tenant (no customer) appears on no customer.
    let expected: rust_decimal::Decimal = totals
        .iter()
        .filter(|t| t.customer_id.as_deref() == Some(mapped_tenant.as_str()))
        .map(|t| t.amount.parse::<rust_decimal::Decimal>().unwrap())
        .sum();
    let listed = cspdesk_api::customers::overview::list(&db.lock().unwrap(), now).unwrap();
    let shown = listed
        .iter()
        .find(|c| c.id == mapped_tenant)
        .and_then(|c| c.stack_cost.clone())
        .expect("the mapped customer's Azure Stack cost on Customers");
    assert_eq!(shown.month, month);
    assert_eq!(
        shown.amount.parse::<rust_decimal::Decimal>().unwrap(),
        expected
    );
    assert!(expected > rust_decimal::Decimal::ZERO);

    // Stopped from the run history (as the app's Stop does, by the run's token) before its
    // first day: the run is recorded Stopped in the one history, the caller is told, and the
    // window keeps exactly what it held.
    let imports = cspdesk_api::imports::runs::Imports::new();
    let (sink, stop) = cspdesk_api::imports::runs::watched(&imports);
    stop.cancel();
    let e = cspdesk_api::imports::stack_usage::import_usage_with(
        &db,
        &account.id,
        &input,
        now,
        (sink, stop),
    )
    .await
    .unwrap_err();
    assert!(e.message.contains("stopped"), "{}", e.message);
    let history = cspdesk_api::imports::runs::history(
        &discovery::Hub::new(),
        &imports,
        &db.lock().unwrap(),
        Some(&account.id),
        now,
    )
    .unwrap();
    let last = &history[0];
    assert_eq!(
        (last.kind, last.run.state),
        (
            cspdesk_api::imports::dto::ImportKindDto::StackUsage,
            cspdesk_api::discovery::dto::RunStateDto::Stopped
        ),
        "{last:?}"
    );
    assert_eq!(
        stack_usage::usage_totals(&db.lock().unwrap(), &account.id, Some(&month), now).unwrap(),
        totals,
        "a stopped import leaves the window whole"
    );

    // A window that would end now or later is refused before calling, naming the field.
    let e = cspdesk_api::imports::stack_usage::import_usage(
        &db,
        &account.id,
        &ImportStackUsageDto {
            registration,
            from: None,
            to: Some(now.date_naive().to_string()),
        },
        now,
    )
    .await
    .unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::Validation, Some("to")),
        "{e:?}"
    );
    assert!(
        e.message.contains("End the window at a past hour"),
        "{}",
        e.message
    );
}
