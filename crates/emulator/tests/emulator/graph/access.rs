//! Who may call Graph's billing reports and with what body: Graph's audience and
//! `PartnerBilling.Read.All`, Graph's error bodies, 400 for a bad export body, and the SAS.

use chrono::Duration as Span;

use super::*;

const BODY: &str = r#"{"currencyCode":"USD","attributeSet":"full","billingPeriod":"current"}"#;

#[tokio::test]
async fn a_token_for_another_audience_is_401_and_one_without_the_scope_is_403() {
    let emu = start_graph(31, 100_000).await;
    let pc = post_export(&emu, "usage/unbilled", BODY, &pc_token(&emu)).await;
    assert_eq!(pc.status, 401, "{}", pc.text);
    assert_eq!(pc.json()["error"]["code"], "unauthenticated");
    let none = post_export(&emu, "usage/unbilled", BODY, "").await;
    assert_eq!(none.status, 401);

    emu.set_graph_admin_consent(false);
    let unconsented = graph_token(&emu);
    emu.set_graph_admin_consent(true);
    assert_eq!(claims(&unconsented)["scp"], "User.Read");
    let denied = post_export(&emu, "usage/unbilled", BODY, &unconsented).await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    assert_eq!(denied.json()["error"]["code"], "accessDenied");
    assert!(denied.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("PartnerBilling.Read.All"));
    assert!(claims(&graph_token(&emu))["scp"]
        .as_str()
        .unwrap()
        .split(' ')
        .any(|s| s == "PartnerBilling.Read.All"));
    assert_eq!(
        post_export(&emu, "usage/unbilled", BODY, &graph_token(&emu))
            .await
            .status,
        202
    );
}

#[tokio::test]
async fn bad_export_bodies_are_400_with_graphs_error_body() {
    let emu = start_graph(32, 100_000).await;
    let token = graph_token(&emu);
    for (what, body) in [
        ("usage/billed", r#"{"attributeSet":"full"}"#),
        (
            "usage/billed",
            r#"{"invoiceId":"G1","attributeSet":"everything"}"#,
        ),
        (
            "reconciliation/billed",
            r#"{"invoiceId":"G1","billingPeriod":"current"}"#,
        ),
        (
            "usage/unbilled",
            r#"{"currencyCode":"USD","billingPeriod":"previous"}"#,
        ),
        ("usage/unbilled", r#"{"billingPeriod":"current"}"#),
        (
            "reconciliation/unbilled",
            r#"{"billingPeriod":"current","currencyCode":"US Dollar"}"#,
        ),
        ("reconciliation/unbilled", "not json"),
    ] {
        let reply = post_export(&emu, what, body, &token).await;
        assert_eq!(reply.status, 400, "{what} {body}: {}", reply.text);
        let error = &reply.json()["error"];
        assert_eq!(error["code"], "invalidRequest", "{body}");
        assert!(error["innerError"]["request-id"].is_string());
    }
    let unknown = get(&emu, &format!("{BASE}/operations/nope"), &token, None).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn the_manifests_sas_opens_its_directory_only_and_expires() {
    let emu = start_graph(33, 100_000).await;
    let manifest = manifest_of(&emu, &export(&emu, "usage/unbilled", BODY).await).await;
    let name = manifest["blobs"][0]["name"].as_str().unwrap().to_string();
    assert_eq!(download(&manifest, &name).await.0, 200);

    let mut tampered = manifest.clone();
    tampered["sasToken"] = serde_json::json!(manifest["sasToken"]
        .as_str()
        .unwrap()
        .replace("sp=rl", "sp=rwl"));
    assert_eq!(
        download(&tampered, &name).await.0,
        403,
        "permissions are signed"
    );
    let mut elsewhere = manifest.clone();
    elsewhere["rootDirectory"] = serde_json::json!(manifest["rootDirectory"]
        .as_str()
        .unwrap()
        .replace("Fragment=full", "Fragment=basic"));
    assert_eq!(
        download(&elsewhere, &name).await.0,
        403,
        "the directory is signed"
    );

    emu.clock().advance(Span::hours(13));
    let (status, body) = download(&manifest, &name).await;
    assert_eq!(status, 403);
    assert!(String::from_utf8_lossy(&body).contains("AuthenticationFailed"));
}
