//! MFA enforcement: 401/900421 for App+User tokens without the mfa claim.

use cspdesk_emulator::Preset;

use crate::common::*;

#[tokio::test]
async fn tokens_without_mfa_are_refused_only_when_enforcement_is_on() {
    let emu = start(Preset::S, 8).await;
    let nomfa = emu
        .partner()
        .users
        .iter()
        .find(|u| !u.mfa_registered)
        .unwrap()
        .upn
        .clone();
    let weak = emu
        .mint_access_token(&nomfa, "https://api.partnercenter.microsoft.com", false)
        .unwrap();
    assert_eq!(
        get(&emu, "/v1/customers", &weak, None).await.status,
        200,
        "enforcement is off by default"
    );
    emu.set_mfa_enforced(true);
    let reply = get(&emu, "/v1/customers", &weak, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.json()["code"], "900421", "MFA-required code");
    assert!(reply.header("www-authenticate").is_some());
    assert_eq!(
        get(&emu, "/v1/customers", &pc_token(&emu), None)
            .await
            .status,
        200,
        "a token with amr mfa still passes"
    );
}

#[tokio::test]
async fn customer_without_relationship_is_403_20002_and_unknown_is_404() {
    let emu = start(Preset::S, 8).await;
    let token = pc_token(&emu);
    let last = emu.world().customer(emu.world().customer_count() - 1);
    let reply = get(
        &emu,
        &format!("/v1/customers/{}", last.tenant_id),
        &token,
        None,
    )
    .await;
    assert_eq!(
        (
            reply.status,
            reply.json()["code"].as_str().map(str::to_string)
        ),
        (403, Some("20002".to_string()))
    );
    let reply = get(
        &emu,
        "/v1/customers/00000000-0000-4000-8000-000000000000",
        &token,
        None,
    )
    .await;
    assert_eq!(reply.status, 404);
}
