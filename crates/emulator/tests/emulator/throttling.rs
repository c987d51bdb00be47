//! 429 + Retry-After from per-partner and per-partner+customer token buckets.

use cspdesk_emulator::{Preset, RateLimits, ThrottleScope};

use crate::common::*;

#[tokio::test]
async fn partner_bucket_answers_429_with_retry_after_until_the_clock_refills_it() {
    let emu = start(Preset::S, 5).await;
    let token = pc_token(&emu);
    emu.set_rate_limits(RateLimits::none().with("customers", ThrottleScope::Partner, 2));
    for i in 0..2 {
        assert_eq!(
            get(&emu, "/v1/customers", &token, None).await.status,
            200,
            "request {i} is within the burst"
        );
    }
    let limited = get(&emu, "/v1/customers", &token, None).await;
    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.header("retry-after").as_deref(),
        Some("30"),
        "2/min refills one request every 30 s"
    );
    assert_eq!(
        limited.json(),
        serde_json::json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 30 seconds."})
    );
    emu.clock().advance(chrono::Duration::seconds(30));
    assert_eq!(
        get(&emu, "/v1/customers", &token, None).await.status,
        200,
        "after Retry-After the call succeeds"
    );
}

#[tokio::test]
async fn partner_customer_bucket_throttles_one_customer_only() {
    let emu = start(Preset::S, 5).await;
    let token = pc_token(&emu);
    emu.set_rate_limits(RateLimits::none().with(
        "subscriptions",
        ThrottleScope::PartnerCustomer,
        1,
    ));
    let a = emu.world().customer(0).tenant_id;
    let b = emu.world().customer(1).tenant_id;
    assert_eq!(
        get(
            &emu,
            &format!("/v1/customers/{a}/subscriptions"),
            &token,
            None
        )
        .await
        .status,
        200
    );
    assert_eq!(
        get(
            &emu,
            &format!("/v1/customers/{a}/subscriptions"),
            &token,
            None
        )
        .await
        .status,
        429,
        "customer a's bucket is empty"
    );
    assert_eq!(
        get(
            &emu,
            &format!("/v1/customers/{b}/subscriptions"),
            &token,
            None
        )
        .await
        .status,
        200,
        "customer b is unaffected"
    );
}

#[tokio::test]
async fn default_limit_is_500_per_minute_for_customers() {
    let emu = start(Preset::S, 5).await;
    let token = pc_token(&emu);
    let id = emu.world().customer(0).tenant_id;
    let mut first_429 = None;
    for i in 0..501 {
        if get(&emu, &format!("/v1/customers/{id}"), &token, None)
            .await
            .status
            == 429
        {
            first_429 = Some(i);
            break;
        }
    }
    assert_eq!(
        first_429,
        Some(500),
        "the 501st request in the same minute is throttled"
    );
}
