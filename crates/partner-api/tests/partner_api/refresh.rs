//! Refresh with rotation, a keyring that refuses the rotated token, a lapsed refresh token,
//! MFA enforcement, one refresh on a 401 in the middle of paging, and a throttling authority.

use std::sync::Arc;
use std::time::{Duration, Instant};

use cspdesk_emulator::FaultPlan;
use cspdesk_partner_api::{ClientOptions, Error, ErrorCode, RetryPolicy, TokenStore};

use crate::common::*;

#[tokio::test]
async fn refresh_rotates_the_stored_refresh_token() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    let store = store();
    let first = store
        .load(&signed.key)
        .unwrap()
        .expect("stored after sign-in");
    emu.clock().advance(chrono::Duration::days(10));
    let user = signed
        .session
        .refresh()
        .await
        .expect("refresh within 90 days works");
    assert_eq!(
        user.expires_at,
        emu.clock().now() + chrono::Duration::hours(1),
        "the new access token is fresh"
    );
    let second = store.load(&signed.key).unwrap().unwrap();
    assert_ne!(
        first.refresh_token.expose(),
        second.refresh_token.expose(),
        "the rotated refresh token must replace the old one"
    );
    assert_eq!(
        second.record.last_refreshed_at,
        emu.clock().now(),
        "last use moves so the 90-day lapse moves too"
    );
    assert_eq!(
        second.record.consented_at, first.record.consented_at,
        "consent time stays the interactive sign-in"
    );

    emu.clock().advance(chrono::Duration::hours(2));
    signed
        .client
        .customers_page(1, None)
        .await
        .expect("an expired access token is refreshed before the call");
    let third = store.load(&signed.key).unwrap().unwrap();
    assert_ne!(
        second.refresh_token.expose(),
        third.refresh_token.expose(),
        "every refresh rotates"
    );
}

#[tokio::test]
async fn an_unused_refresh_token_lapses_into_consent_expired() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    emu.clock().advance(chrono::Duration::days(91));
    let err = signed
        .client
        .customers(0)
        .await
        .expect_err("a 91-day-old refresh token must be refused");
    assert_eq!(err.code(), ErrorCode::ConsentExpired, "{err:?}");
    assert!(
        err.to_string().contains("AADSTS700082") && err.to_string().contains("Sign in again"),
        "message names the cause and the fix: {err}"
    );
    assert!(err.needs_sign_in());
    let record = signed
        .session
        .consent()
        .unwrap()
        .expect("the entry is kept so the page can say it lapsed");
    assert!(
        record.has_lapsed(emu.clock().now()),
        "the stored record agrees the consent lapsed"
    );
}

#[tokio::test]
async fn a_token_without_mfa_is_mfa_required_when_enforced() {
    let emu = start().await;
    let nomfa = emu
        .partner()
        .users
        .iter()
        .find(|u| !u.mfa_registered)
        .expect("preset has a user without MFA")
        .upn
        .clone();
    let signed = signed_in(&emu, &nomfa, ClientOptions::default()).await;
    signed
        .client
        .customers_page(1, None)
        .await
        .expect("enforcement is off by default");
    emu.set_mfa_enforced(true);
    let err = signed
        .client
        .customers_page(1, None)
        .await
        .expect_err("enforcement refuses a token without mfa");
    assert!(
        matches!(err, Error::MfaRequired),
        "401/900421 must be MfaRequired, got {err:?}"
    );
    let statuses: Vec<Option<u16>> = signed.recorder.events().iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        vec![Some(200), Some(401)],
        "refreshing cannot add MFA, so there is no refresh-and-retry"
    );
}

#[tokio::test]
async fn a_401_mid_paging_refreshes_once_and_completes() {
    let emu = start().await;
    let (tokens, _) = sign_in(&emu, Choice::Accept(admin(&emu))).await;
    // The session's clock stays at sign-in time, so it believes its token is fresh and only
    // Partner Center (whose clock moves) can tell it otherwise.
    let frozen = now();
    let signed = signed_with(
        &emu,
        tokens.unwrap(),
        Arc::new(move || frozen),
        ClientOptions::default(),
    );
    let first = signed.client.customers_page(3, None).await.unwrap();
    emu.clock().advance(chrono::Duration::hours(2));
    let mut items = first.items.clone();
    let mut next = first.next.clone();
    while let Some(cont) = next {
        let page = signed
            .client
            .customers_page(3, Some(&cont))
            .await
            .expect("the 401 is absorbed by one refresh");
        items.extend(page.items);
        next = page.next;
    }
    assert_eq!(
        items.len() as u32,
        emu.world().customer_count(),
        "paging completes after the refresh"
    );
    let statuses: Vec<Option<u16>> = signed.recorder.events().iter().map(|e| e.status).collect();
    assert_eq!(
        statuses,
        vec![Some(200), Some(401), Some(200), Some(200), Some(200)],
        "exactly one 401, one retry, then the remaining pages"
    );
    let events = signed.recorder.events();
    assert_eq!(
        events[1].request_id, events[2].request_id,
        "the retry of the same logical call reuses MS-RequestId"
    );
    assert_ne!(
        events[0].request_id, events[1].request_id,
        "each logical call has its own MS-RequestId"
    );
}

#[tokio::test]
async fn an_authority_outage_during_refresh_is_retried() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    emu.set_faults(cspdesk_emulator::FaultPlan::parse("token:503@0.25").unwrap());
    for _ in 0..2 {
        signed
            .session
            .refresh()
            .await
            .expect("a 25% outage of the token endpoint is ridden out by retries");
    }
    emu.set_faults(cspdesk_emulator::FaultPlan::parse("token:503@1").unwrap());
    let err = signed
        .session
        .refresh()
        .await
        .expect_err("a lasting outage ends");
    assert!(
        matches!(err, cspdesk_partner_api::Error::Unavailable { .. }),
        "an authority 5xx is Unavailable, not a lapsed consent: {err:?}"
    );
}

#[tokio::test]
async fn a_refused_save_keeps_the_rotated_token_in_use_and_saves_it_later() {
    let emu = start().await;
    let (store, key, session) = memory_session(&emu, settings(&emu)).await;
    let original = store.load(&key).unwrap().expect("stored at sign-in");

    emu.clock().advance(chrono::Duration::days(60));
    store.fail_next_save();
    let user = session
        .refresh()
        .await
        .expect("a keyring failure must not throw away a working refresh");
    assert_eq!(
        user.expires_at,
        emu.clock().now() + chrono::Duration::hours(1),
        "the new access token is the one in use"
    );
    assert!(
        session.has_unsaved_refresh_token().await,
        "the session knows the rotated token is only in memory"
    );
    assert_eq!(
        store.load(&key).unwrap().unwrap().refresh_token.expose(),
        original.refresh_token.expose(),
        "control: the save really failed"
    );

    // Day 120: the stored token (day 0) is past its 90 days; only the rotated one (day 60)
    // still works, so this refresh succeeds only if the in-memory token is redeemed.
    emu.clock().advance(chrono::Duration::days(60));
    store.fail_next_save();
    session
        .refresh()
        .await
        .expect("the unsaved rotated token is the one redeemed next, not the stale stored one");
    let refreshed_at = emu.clock().now();

    let saves = store.saves();
    emu.clock().advance(chrono::Duration::seconds(10));
    session.access_token().await.unwrap();
    assert_eq!(
        store.saves(),
        saves,
        "within the retry interval a call does not hit the keyring again"
    );

    emu.clock().advance(chrono::Duration::minutes(1));
    session
        .access_token()
        .await
        .expect("the access token is still fresh");
    assert!(
        !session.has_unsaved_refresh_token().await,
        "the next call after the interval saved the token"
    );
    let saved = store.load(&key).unwrap().unwrap();
    assert_ne!(
        saved.refresh_token.expose(),
        original.refresh_token.expose(),
        "the rotated token reached the store"
    );
    assert_eq!(
        saved.record.last_refreshed_at, refreshed_at,
        "the stored lapse date moves to the last refresh"
    );
}

#[tokio::test]
async fn a_throttling_token_endpoint_is_throttled_and_honours_retry_after() {
    let emu = start().await;
    let (_store, _key, session) = memory_session(&emu, settings(&emu)).await;
    let session = session.with_retry(RetryPolicy {
        max_throttle_waits: 1,
        ..fast_retries()
    });

    emu.set_faults(FaultPlan::parse("token:429@1").unwrap());
    let started = Instant::now();
    let err = session
        .refresh()
        .await
        .expect_err("a lasting 429 ends after the throttle budget");
    assert!(
        matches!(&err, Error::Throttled { endpoint, retry_after } if endpoint == "token" && *retry_after == Duration::from_secs(1)),
        "a 429 from the authority is Throttled with its Retry-After, not a bad answer: {err:?}"
    );
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the one allowed wait honoured Retry-After: 1 ({:?})",
        started.elapsed()
    );

    // The throttling stops while the client waits out the Retry-After: the retry succeeds.
    let (result, ()) = tokio::join!(session.refresh(), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        emu.set_faults(FaultPlan::default());
    });
    result.expect("a 429 is retried after Retry-After");
}
