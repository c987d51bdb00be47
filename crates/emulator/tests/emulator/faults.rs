//! Each injected fault kind, observed by a plain HTTP client.

use cspdesk_emulator::{FaultPlan, Preset};

use crate::common::*;

async fn with_fault(kind: &str) -> (cspdesk_emulator::RunningEmulator, String) {
    let emu = start(Preset::S, 21).await;
    emu.set_faults(FaultPlan::parse(&format!("customers:{kind}@1")).unwrap());
    let token = pc_token(&emu);
    (emu, token)
}

#[tokio::test]
async fn status_faults_answer_with_a_partner_center_error_body() {
    for code in [500u16, 503, 504] {
        let (emu, token) = with_fault(&code.to_string()).await;
        let reply = get(&emu, "/v1/customers", &token, None).await;
        assert_eq!(reply.status, code);
        let body = reply.json();
        for field in ["code", "description", "data", "source"] {
            assert!(
                body.get(field).is_some(),
                "PC error body has {field}: {body}"
            );
        }
        assert_eq!(
            reply.header("ms-requestid").as_deref(),
            Some("11111111-2222-4333-8444-555555555555"),
            "request id is echoed even on faults"
        );
        let other = get(&emu, "/v1/invoices", &token, None).await;
        assert_eq!(other.status, 200, "rules apply to their route only");
    }
}

#[tokio::test]
async fn throttle_fault_is_a_429_with_retry_after() {
    let (emu, token) = with_fault("429").await;
    let reply = get(&emu, "/v1/customers", &token, None).await;
    assert_eq!(reply.status, 429);
    assert!(reply.header("retry-after").is_some());
}

#[tokio::test]
async fn dropped_connection_is_a_transport_error() {
    let (emu, token) = with_fault("drop").await;
    let result = async {
        let res = client()
            .get(format!("{}/v1/customers", emu.url()))
            .bearer_auth(&token)
            .send()
            .await?;
        res.bytes().await
    }
    .await;
    assert!(
        result.is_err(),
        "a dropped connection must not yield a complete body: {result:?}"
    );
}

#[tokio::test]
async fn truncated_and_malformed_json_do_not_parse() {
    let emu = start(Preset::S, 21).await;
    let token = pc_token(&emu);
    let whole = get(&emu, "/v1/customers", &token, None).await.text;
    emu.set_faults(FaultPlan::parse("customers:truncate@1").unwrap());
    let cut = get(&emu, "/v1/customers", &token, None).await;
    assert_eq!(
        cut.status, 200,
        "a truncated body still arrives as a complete HTTP message"
    );
    assert!(
        whole.starts_with(&cut.text) && cut.text.len() < whole.len(),
        "truncation keeps a strict prefix"
    );
    assert!(
        serde_json::from_str::<serde_json::Value>(&cut.text).is_err(),
        "truncated JSON must not parse"
    );
    emu.set_faults(FaultPlan::parse("customers:malformed@1").unwrap());
    let bad = get(&emu, "/v1/customers", &token, None).await;
    assert_eq!(
        bad.text.len(),
        whole.len(),
        "malformed keeps the length but breaks the syntax"
    );
    assert!(
        serde_json::from_str::<serde_json::Value>(&bad.text).is_err(),
        "malformed JSON must not parse"
    );
}

#[tokio::test]
async fn expired_token_fault_is_a_401_with_a_challenge() {
    let (emu, token) = with_fault("expired-token").await;
    let reply = get(&emu, "/v1/customers", &token, None).await;
    assert_eq!(reply.status, 401);
    assert!(
        reply
            .header("www-authenticate")
            .is_some_and(|h| h.starts_with("Bearer")),
        "401 carries WWW-Authenticate"
    );
}

#[tokio::test]
async fn fault_sequence_is_reproducible_for_a_seed() {
    let mut runs = Vec::new();
    for _ in 0..2 {
        let emu = start(Preset::S, 21).await;
        emu.set_faults(FaultPlan::parse("customers:503@0.3").unwrap());
        let token = pc_token(&emu);
        let mut statuses = Vec::new();
        for _ in 0..30 {
            statuses.push(get(&emu, "/v1/customers?size=1", &token, None).await.status);
        }
        runs.push(statuses);
    }
    assert_eq!(
        runs[0], runs[1],
        "same seed, same request sequence, same faults"
    );
    assert!(
        runs[0].contains(&503) && runs[0].contains(&200),
        "a 30% rate hits some and spares some: {:?}",
        runs[0]
    );
}
