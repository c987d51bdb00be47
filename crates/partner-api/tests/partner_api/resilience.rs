//! What Partner Center does on a bad day: 429 storms, 5xx, dropped connections, damaged bodies,
//! 204 not-ready, and the concurrency limit.

use std::time::Duration;

use cspdesk_emulator::FaultPlan;
use cspdesk_partner_api::{ClientOptions, Error, RetryPolicy, UtilizationQuery};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

#[tokio::test]
async fn a_429_storm_completes_and_no_retry_comes_before_retry_after() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    emu.set_faults(FaultPlan::parse("customers:429@0.5").unwrap());
    let customers = signed
        .client
        .customers(3)
        .await
        .expect("the storm is ridden out");
    assert_eq!(
        customers.len() as u32,
        emu.world().customer_count(),
        "every page arrived despite the 429s"
    );
    let events = signed.recorder.events();
    let throttled: Vec<_> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status == Some(429))
        .collect();
    assert!(
        !throttled.is_empty(),
        "the 50% fault rate must have throttled something: {} events",
        events.len()
    );
    for (i, e) in throttled {
        let retry_after = e.retry_after.expect("429 carries Retry-After");
        let next = events[i + 1..]
            .iter()
            .find(|n| n.request_id == e.request_id)
            .expect("a throttled call is retried");
        let gap = next.sent_at.duration_since(e.received_at);
        assert!(
            gap >= retry_after,
            "retry sent {gap:?} after a 429 that asked for {retry_after:?}"
        );
    }
}

#[tokio::test]
async fn throttling_beyond_the_budget_is_throttled_with_the_wait() {
    let emu = start().await;
    let options = ClientOptions {
        retry: RetryPolicy {
            max_throttle_waits: 1,
            ..fast_retries()
        },
        ..ClientOptions::default()
    };
    let signed = signed_in(&emu, &admin(&emu), options).await;
    emu.set_faults(FaultPlan::parse("customers:429@1").unwrap());
    let err = signed
        .client
        .customers_page(1, None)
        .await
        .expect_err("a permanent 429 ends");
    assert!(
        matches!(err, Error::Throttled { retry_after, .. } if retry_after == Duration::from_secs(1)),
        "{err:?}"
    );
    assert_eq!(
        signed.recorder.events().len(),
        2,
        "one wait was allowed, so two attempts"
    );
}

#[tokio::test]
async fn server_errors_and_dropped_connections_retry_with_one_request_id_then_give_up() {
    let (emu, signed) = admin_signed_in(ClientOptions {
        retry: fast_retries(),
        ..ClientOptions::default()
    })
    .await;
    for fault in ["503", "drop"] {
        emu.set_faults(FaultPlan::parse(&format!("customers:{fault}@1")).unwrap());
        let before = signed.recorder.events().len();
        let err = signed
            .client
            .customers_page(1, None)
            .await
            .expect_err("a permanent failure ends");
        assert!(matches!(err, Error::Unavailable { .. }), "{fault}: {err:?}");
        let attempts = &signed.recorder.events()[before..];
        assert_eq!(
            attempts.len() as u32,
            fast_retries().max_attempts,
            "{fault}: bounded attempts"
        );
        assert!(
            attempts
                .iter()
                .all(|a| a.request_id == attempts[0].request_id),
            "{fault}: retries reuse MS-RequestId"
        );
    }
    emu.set_faults(FaultPlan::parse("invoices:500@0.3").unwrap());
    signed
        .client
        .invoices(1)
        .await
        .expect("intermittent 500s are absorbed by retries");
}

#[tokio::test]
async fn a_body_cut_short_is_asked_again_like_a_503_then_is_a_bad_response_naming_where() {
    let (emu, signed) = admin_signed_in(ClientOptions {
        retry: fast_retries(),
        ..ClientOptions::default()
    })
    .await;
    emu.set_faults(FaultPlan::parse("customers:truncate@1").unwrap());
    let before = signed.recorder.events().len();
    let err = signed
        .client
        .customers_page(0, None)
        .await
        .expect_err("a body that stays cut short must not pass");
    assert_eq!(
        signed.recorder.events()[before..].len() as u32,
        fast_retries().max_attempts,
        "a connection can end mid-body: asked again within the 503 budget"
    );
    match &err {
        Error::BadResponse {
            endpoint, field, ..
        } => {
            assert_eq!(endpoint, "/v1/customers?size=0", "the endpoint is named");
            assert!(
                field.starts_with("items"),
                "the cut falls inside the items, and the path says where: {field}"
            );
        }
        other => panic!("expected BadResponse, got {other:?}"),
    }
    emu.set_faults(FaultPlan::parse("customers:truncate@0.1,customers:malformed@0.1").unwrap());
    signed
        .client
        .customers(1)
        .await
        .expect("bodies cut short or garbled now and then are absorbed by retries");
}

/// Serves one fixed JSON body to every request (a Partner Center that breaks its contract).
async fn contract_breaker(body: &'static str) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 8192];
            let _ = s.read(&mut buf).await;
            let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
            let _ = s.write_all(reply.as_bytes()).await;
        }
    });
    url
}

#[tokio::test]
async fn a_page_missing_a_required_field_names_that_field() {
    let emu = start().await;
    let (tokens, _) = sign_in(&emu, Choice::Accept(admin(&emu))).await;
    let base = contract_breaker(r#"{"totalCount":2,"items":[{"id":"a","companyProfile":{"domain":"a.example","companyName":"A"}},{"id":"b","companyProfile":{"domain":"b.example"}}],"attributes":{"objectType":"Collection"}}"#).await;
    let mut settings = settings(&emu);
    settings.partner_center_base = base;
    let key = cspdesk_partner_api::AccountKey::generate();
    let session = std::sync::Arc::new(
        cspdesk_partner_api::Session::start(settings, key, store(), tokens.unwrap(), now())
            .unwrap()
            .with_clock(emu_clock(&emu)),
    );
    let client =
        cspdesk_partner_api::PartnerCenter::new(session.clone(), ClientOptions::default()).unwrap();
    let page = client
        .customers_page(2, None)
        .await
        .expect("one odd customer does not fail its page");
    assert_eq!(page.items.len(), 1, "the readable customer is read");
    let aside = &page.set_aside;
    assert_eq!(
        aside.len(),
        1,
        "the customer without a company name is set aside"
    );
    assert_eq!(
        (
            aside[0].index,
            aside[0].field.as_str(),
            aside[0].endpoint.as_str()
        ),
        (1, "companyProfile.companyName", "/v1/customers?size=2"),
        "set aside with its index, field and endpoint"
    );
    assert!(aside[0].raw.contains(r#""id":"b""#), "kept as sent");
    let err = client
        .customers(2)
        .await
        .expect_err("a whole-collection read refuses a page with an odd item");
    assert!(
        matches!(&err, Error::BadResponse { field, .. } if field == "items[1].companyProfile.companyName"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("/v1/customers") && err.to_string().contains("companyName"),
        "the message names endpoint and field: {err}"
    );

    let q = UtilizationQuery {
        customer_id: "c".into(),
        subscription_id: "s".into(),
        start: now(),
        end: now(),
        size: 10,
        show_details: false,
    };
    let page = client
        .utilization_page(&q, None)
        .await
        .expect("a well-formed collection is a page");
    assert!(page.items.is_empty(), "no customer is a utilization record");
    assert!(
        page.set_aside.iter().all(|s| s.field == "usageStartTime"),
        "each item is set aside naming the first field it lacks: {:?}",
        page.set_aside
    );
    session.sign_out().await.unwrap();
}

#[tokio::test]
async fn utilization_not_ready_waits_for_retry_after_then_fails_as_unavailable() {
    let mut config = config();
    config.utilization_not_ready = true;
    let emu = start_with(config).await;
    let options = ClientOptions {
        retry: RetryPolicy {
            max_throttle_waits: 0,
            ..fast_retries()
        },
        ..ClientOptions::default()
    };
    let signed = signed_in(&emu, &admin(&emu), options).await;
    let legacy = emu.world().customer(1);
    let e = emu.world().entitlement(&legacy, 0);
    let q = UtilizationQuery {
        customer_id: legacy.tenant_id.clone(),
        subscription_id: e.pc_subscription_id.clone(),
        start: now() - chrono::Duration::days(3),
        end: now(),
        size: 10,
        show_details: false,
    };
    let err = signed
        .client
        .utilization_page(&q, None)
        .await
        .expect_err("204 is not data");
    assert!(
        matches!(&err, Error::Unavailable { detail, .. } if detail.contains("204")),
        "{err:?}"
    );
    assert_eq!(
        signed.recorder.events()[0].retry_after,
        Some(Duration::from_secs(10)),
        "the emulator's Retry-After is seen"
    );
}

#[tokio::test]
async fn the_concurrency_limit_caps_requests_in_flight() {
    let (emu, signed) = admin_signed_in(ClientOptions {
        max_concurrency: 2,
        ..ClientOptions::default()
    })
    .await;
    emu.set_latency(Duration::from_millis(60));
    let ids: Vec<String> = (0..5).map(|i| emu.world().customer(i).tenant_id).collect();
    let mut calls = tokio::task::JoinSet::new();
    for id in ids {
        let client = signed.client.clone();
        calls.spawn(async move { client.customer(&id).await });
    }
    while let Some(r) = calls.join_next().await {
        r.unwrap().expect("each call succeeds");
    }
    let events = signed.recorder.events();
    let max_overlap = events
        .iter()
        .map(|a| {
            events
                .iter()
                .filter(|b| b.sent_at <= a.sent_at && a.sent_at < b.received_at)
                .count()
        })
        .max()
        .unwrap();
    assert!(
        max_overlap <= 2,
        "at most 2 requests in flight, saw {max_overlap}"
    );
    assert_eq!(max_overlap, 2, "the limit is used, not serialised to 1");
}
