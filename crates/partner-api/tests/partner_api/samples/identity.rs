//! The Microsoft identity platform's published token responses (`identity/`) through the
//! client's code redemption: what it keeps from a success, and what it says on an error.

use cspdesk_partner_api::{redeem_code, ApiSettings, Error, Sensitive};
use serde_json::Value;

use super::{sample, serve_answers};
use crate::common::*;

const REDIRECT: &str = "http://localhost:49152/callback";

async fn redeem(
    server: &super::SampleServer,
    tenant: &str,
) -> cspdesk_partner_api::Result<cspdesk_partner_api::TokenSet> {
    let settings = ApiSettings::single_origin(
        &server.base,
        tenant.to_string(),
        cspdesk_emulator::CLIENT_ID,
    );
    redeem_code(
        &settings,
        &reqwest::Client::new(),
        &Sensitive::new(
            "OAAABAAAAiL9Kn2Z27UubvWFPbm0gLWQJVzCTE9UkP3pSx1aXxUjq3n8b2JRLk4OxVXr".to_string(),
        ),
        REDIRECT,
        &Sensitive::new("ThisIsntRandomButItNeedsToBe43CharactersLong".to_string()),
    )
    .await
}

#[tokio::test]
async fn a_redeemed_code_keeps_the_refresh_token_microsoft_sends() {
    let emu = start().await;
    let tenant = emu.partner().tenant_id.clone();
    let mut body: Value = serde_json::from_str(&sample("identity/token-auth-code.json")).unwrap();
    // The docs cut the access token short ("..."); the client reads the user and the expiry
    // from it, so a whole one of the same kind stands in for it. Every other value is theirs,
    // the URL-encoded scope included.
    body["access_token"] = emu
        .mint_access_token(
            &admin(&emu),
            "https://api.partnercenter.microsoft.com",
            true,
        )
        .unwrap()
        .into();
    let server = serve_answers(vec![("/", 200, body.to_string())]).await;
    let tokens = redeem(&server, &tenant)
        .await
        .expect("Microsoft's token response reads");
    assert_eq!(
        tokens.refresh_token.expect("a refresh token").expose(),
        "AwABAAAAvPM1KaPlrEqdFSBzjqfTGAMxZGUTdM0t4B4..."
    );
    assert_eq!(tokens.user.upn, admin(&emu));
    assert_eq!(
        server.seen.lock().unwrap().as_slice(),
        [format!("/{tenant}/oauth2/v2.0/token")],
        "one POST to the v2 token endpoint"
    );
}

#[tokio::test]
async fn an_error_body_says_microsofts_error_and_its_first_line() {
    let server = serve_answers(vec![("/", 400, sample("identity/token-error.json"))]).await;
    match redeem(&server, "organizations").await {
        Err(Error::SignInFailed { detail }) => assert_eq!(
            detail,
            "invalid_scope: AADSTS70011: The provided value for the input parameter 'scope' isn't valid. \
             The scope https://example.contoso.com/activity.read isn't valid."
        ),
        other => panic!("a refused sign-in, saying Microsoft's error: {other:?}"),
    }
}
