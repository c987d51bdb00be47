//! Cross-cutting behaviour: request/correlation id echo and the latency knob.

use std::time::{Duration, Instant};

use cspdesk_emulator::Preset;

use crate::common::*;

#[tokio::test]
async fn request_and_correlation_ids_are_echoed_and_generated_when_absent() {
    let emu = start(Preset::S, 9).await;
    let token = pc_token(&emu);
    let res = client()
        .get(format!("{}/v1/customers?size=1", emu.url()))
        .bearer_auth(&token)
        .header("MS-RequestId", "aaaaaaaa-0000-4000-8000-000000000001")
        .header("MS-CorrelationId", "bbbbbbbb-0000-4000-8000-000000000002")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["ms-requestid"],
        "aaaaaaaa-0000-4000-8000-000000000001"
    );
    assert_eq!(
        res.headers()["ms-correlationid"],
        "bbbbbbbb-0000-4000-8000-000000000002"
    );
    let bare = client()
        .get(format!("{}/v1/customers?size=1", emu.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        bare.headers()["ms-requestid"].len(),
        36,
        "a GUID is generated when the caller sends none"
    );
}

#[tokio::test]
async fn latency_knob_delays_every_request() {
    let emu = start(Preset::S, 9).await;
    let token = pc_token(&emu);
    emu.set_latency(Duration::from_millis(250));
    let started = Instant::now();
    assert_eq!(
        get(&emu, "/v1/customers?size=1", &token, None).await.status,
        200
    );
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "answered after {:?}",
        started.elapsed()
    );
}
