//! The Azure Stack Hub admin ARM client against the emulator: a token for the Stack's own
//! audience bought with the account's refresh token, usage followed across pages, the user
//! subscriptions' tenants, and the Stack's documented refusals as typed errors.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use cspdesk_emulator::FaultPlan;
use cspdesk_partner_api::{Arm, Error, Granularity, StackAdmin, UsageRefusal, UsageWindow};
use rust_decimal::Decimal;

use crate::common::*;

/// The emulator's admin signed in, a client on its Stack admin endpoint, the emulator's now
/// and a past midnight to start windows at.
async fn signed_in_stack() -> (
    cspdesk_emulator::RunningEmulator,
    Signed,
    StackAdmin,
    chrono::DateTime<Utc>,
    chrono::DateTime<Utc>,
) {
    let (emu, signed) = admin_signed_in(Default::default()).await;
    let stack = StackAdmin::new(
        Arm::stack_admin(signed.session.clone(), &emu.stack_admin_endpoint())
            .await
            .unwrap()
            .with_retry(fast_retries()),
    );
    let now = emu.clock().now();
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    (emu, signed, stack, now, start)
}

#[tokio::test]
async fn hourly_usage_across_pages_matches_daily_usage_and_names_tenants() {
    let (emu, _signed, stack, now, start) = signed_in_stack().await;
    let f = emu.stack_fixtures();
    let end = start + Duration::days(3);
    let daily = stack
        .usage(
            &f.provider_subscription_id,
            &UsageWindow::new(start, end, Granularity::Daily, now).unwrap(),
            None,
        )
        .await
        .unwrap();
    let hourly = stack
        .usage(
            &f.provider_subscription_id,
            &UsageWindow::new(start, end, Granularity::Hourly, now).unwrap(),
            None,
        )
        .await
        .unwrap();
    assert!(
        hourly.len() > 1000,
        "hourly rows take more than one page: {}",
        hourly.len()
    );
    assert_eq!(hourly.len(), daily.len() * 24, "every page read once");
    let sum = |rows: &[cspdesk_partner_api::UsageAggregate]| {
        rows.iter().map(|r| r.quantity).sum::<Decimal>()
    };
    assert_eq!(sum(&daily), sum(&hourly), "exact decimals, nothing lost");

    let subs = stack
        .user_subscriptions(&f.provider_subscription_id)
        .await
        .unwrap();
    let lab = subs
        .iter()
        .find(|s| s.tenant_id == f.unmapped_tenant)
        .expect("the lab tenant is listed");
    let lab_rows: Vec<_> = daily
        .iter()
        .filter(|r| r.subscription_id == lab.subscription_id)
        .collect();
    assert_eq!(lab_rows.len(), 3);
    assert!(lab_rows.iter().all(|r| r.quantity == Decimal::from(96)
        && r.meter_id == "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5"
        && r.resource_uri.ends_with("lab-vm01")));
}

#[tokio::test]
async fn refusals_are_typed_and_outages_retried_then_named() {
    let (emu, signed, stack, now, start) = signed_in_stack().await;
    let f = emu.stack_fixtures();
    let window =
        UsageWindow::new(start, start + Duration::days(1), Granularity::Daily, now).unwrap();
    let refusal = |r: cspdesk_partner_api::Result<Vec<cspdesk_partner_api::UsageAggregate>>| match r
    {
        Err(Error::StackUsage { refusal, .. }) => Some(refusal),
        other => panic!("expected a typed refusal, got {other:?}"),
    };
    assert_eq!(
        refusal(
            stack
                .usage(
                    &f.provider_subscription_id,
                    &window,
                    Some("00000000-0000-4000-8000-000000000009")
                )
                .await
        ),
        Some(UsageRefusal::SubscriberIdIsNotDirectTenant)
    );
    emu.set_faults(FaultPlan::parse("stackadmin:503@1").unwrap());
    assert_eq!(
        refusal(
            stack
                .usage(&f.provider_subscription_id, &window, None)
                .await
        ),
        Some(UsageRefusal::ServiceUnavailable),
        "retried, then named with its remedy"
    );
    emu.set_faults(FaultPlan::default());
    let session = Arc::clone(&signed.session);
    assert!(
        Arm::stack_admin(session.clone(), "http://stack.example.com")
            .await
            .is_err(),
        "plain http is refused off loopback"
    );
}

#[tokio::test]
async fn the_token_audience_is_the_one_the_stack_publishes_not_its_endpoint() {
    let (emu, signed) = admin_signed_in(Default::default()).await;
    let endpoint = emu.stack_admin_endpoint();
    let metadata: serde_json::Value = reqwest::get(format!(
        "{endpoint}/metadata/endpoints?api-version=2015-01-01"
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let audience = metadata["authentication"]["audiences"][0].as_str().unwrap();
    assert!(
        !audience.starts_with(&endpoint),
        "the emulator's audience differs from its endpoint, as a real Stack's does: {audience}"
    );
    // The emulator issues Stack tokens only for the published audience's scope (a token asked
    // for with the endpoint's own `/.default` is a Graph token, which the Stack refuses), so
    // the listing below works only because the client read the metadata.
    let stack = StackAdmin::new(
        Arm::stack_admin(signed.session.clone(), &endpoint)
            .await
            .unwrap()
            .with_retry(fast_retries()),
    );
    let fx = emu.stack_fixtures();
    let subs = stack
        .user_subscriptions(&fx.provider_subscription_id)
        .await
        .unwrap();
    assert!(!subs.is_empty());
    // A Stack whose metadata cannot be read is named, not guessed around.
    let missing = Arm::stack_admin(signed.session.clone(), &format!("{}/nowhere", emu.url())).await;
    assert!(missing.is_err(), "no metadata, no client");
}
