//! The authority: PKCE, state and redirect checks, consent page, refresh rotation and
//! inactivity expiry, device code, and token expiry at Partner Center.

use base64::Engine;
use cspdesk_emulator::{EmulatorConfig, Preset, RunningEmulator, CLIENT_ID};
use serde_json::Value;
use sha2::Digest;

use crate::common::*;

const VERIFIER: &str = "emulator-test-verifier-0123456789-abcdefghijklmnop";
const SCOPE: &str =
    "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid profile";

fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()))
}

fn authorize_url(emu: &RunningEmulator, redirect: &str) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", CLIENT_ID)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", SCOPE)
        .append_pair("state", "st-42")
        .append_pair("nonce", "n-7")
        .append_pair("code_challenge", &challenge(VERIFIER))
        .append_pair("code_challenge_method", "S256")
        .finish();
    format!(
        "{}/{}/oauth2/v2.0/authorize?{q}",
        emu.url(),
        emu.partner().tenant_id
    )
}

fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

async fn token(emu: &RunningEmulator, form: &[(&str, &str)]) -> (u16, Value) {
    let res = client()
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            emu.url(),
            emu.partner().tenant_id
        ))
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn auto_code(emu: &RunningEmulator, redirect: &str) -> String {
    let res = client()
        .get(authorize_url(emu, redirect))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 302, "auto-consent redirects at once");
    let q = query_of(res.headers()["location"].to_str().unwrap());
    assert_eq!(q["state"], "st-42", "state is returned unchanged");
    q["code"].clone()
}

async fn auto_consent_emulator() -> RunningEmulator {
    let emu = start(Preset::S, 3).await;
    emu.set_auto_consent(Some(admin(&emu)));
    emu
}

#[tokio::test]
async fn discovery_document_names_every_endpoint_msal_needs() {
    let emu = start(Preset::S, 3).await;
    let doc: Value = client()
        .get(format!(
            "{}/{}/v2.0/.well-known/openid-configuration",
            emu.url(),
            emu.partner().tenant_id
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for key in [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "device_authorization_endpoint",
        "jwks_uri",
    ] {
        assert!(
            doc[key].as_str().is_some_and(|v| v.starts_with(emu.url())),
            "{key} points at the emulator: {doc}"
        );
    }
}

#[tokio::test]
async fn pkce_code_flow_issues_tokens_with_partner_center_claims() {
    let emu = auto_consent_emulator().await;
    let redirect = "http://localhost:49152/callback";
    let code = auto_code(&emu, redirect).await;
    let (status, body) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["expires_in"].is_number(),
        "v2 numbers are JSON numbers"
    );
    let c = claims(body["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], "https://api.partnercenter.microsoft.com");
    assert_eq!(c["tid"], emu.partner().tenant_id.as_str());
    assert_eq!(c["upn"], admin(&emu).as_str());
    assert_eq!(c["scp"], "user_impersonation");
    assert_eq!(c["amr"], serde_json::json!(["pwd", "mfa"]));
    assert_eq!(
        c["wids"],
        serde_json::json!(["62e90394-69f5-4237-9190-012177145e10"]),
        "Global Administrator role template id"
    );
    assert_eq!(
        c["exp"].as_i64().unwrap() - c["iat"].as_i64().unwrap(),
        3600
    );
    assert_eq!(
        claims(body["id_token"].as_str().unwrap())["nonce"],
        "n-7",
        "id_token carries the nonce"
    );
    let reply = get(
        &emu,
        "/v1/customers?size=1",
        body["access_token"].as_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(
        reply.status, 200,
        "the minted token works at Partner Center"
    );
    let (again, err) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (again, err["error"].as_str()),
        (400, Some("invalid_grant")),
        "a code is single use"
    );
}

#[tokio::test]
async fn wrong_verifier_or_redirect_is_invalid_grant() {
    let emu = auto_consent_emulator().await;
    let redirect = "http://127.0.0.1:50000";
    let code = auto_code(&emu, redirect).await;
    let (status, body) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", redirect),
            ("code_verifier", "not-the-verifier"),
        ],
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_grant");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS501481"),
        "{body}"
    );
    let code = auto_code(&emu, redirect).await;
    let (status, body) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", "http://127.0.0.1:50001"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "redirect_uri must equal the authorize one"
    );
}

#[tokio::test]
async fn unregistered_redirect_or_client_gets_an_error_page_not_a_redirect() {
    let emu = auto_consent_emulator().await;
    let res = client()
        .get(authorize_url(&emu, "https://attacker.example/cb"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert!(
        res.text().await.unwrap().contains("AADSTS50011"),
        "redirect mismatch is AADSTS50011"
    );
    let res = client()
        .get(authorize_url(&emu, "http://localhost:1234/elsewhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        400,
        "loopback port is ignored but the path still has to match"
    );
    let res = client()
        .get(
            authorize_url(&emu, "http://localhost")
                .replace(CLIENT_ID, "00000000-0000-0000-0000-000000000000"),
        )
        .send()
        .await
        .unwrap();
    assert!(
        res.text().await.unwrap().contains("AADSTS700016"),
        "unknown client is AADSTS700016"
    );
}

#[tokio::test]
async fn consent_page_accept_with_one_time_code_and_deny() {
    let mut config = EmulatorConfig::new(Preset::S, 3, now());
    config.mfa_prompt = true;
    let emu = start_with(config).await;
    let page = client()
        .get(authorize_url(&emu, "http://localhost:7000"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Accept") && page.contains("Deny") && page.contains(&admin(&emu)),
        "page offers seeded users"
    );
    let marker = format!("data-upn=\"{}\">", admin(&emu));
    let start = page.find(&marker).expect("OTP hint for the admin") + marker.len();
    let otp = &page[start..start + 6];
    let action = format!(
        "{}/{}/oauth2/v2.0/authorize",
        emu.url(),
        emu.partner().tenant_id
    );
    let mut form: Vec<(String, String)> =
        url::Url::parse(&authorize_url(&emu, "http://localhost:7000"))
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
    form.push(("user".into(), admin(&emu)));
    let mut wrong = form.clone();
    wrong.extend([
        ("otp".into(), "000000x".into()),
        ("decision".into(), "accept".into()),
    ]);
    let res = client().post(&action).form(&wrong).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "a wrong code re-shows the page");
    assert!(res.text().await.unwrap().contains("AADSTS50076"));
    let mut deny = form.clone();
    deny.push(("decision".into(), "deny".into()));
    let res = client().post(&action).form(&deny).send().await.unwrap();
    let q = query_of(res.headers()["location"].to_str().unwrap());
    assert_eq!(
        (q["error"].as_str(), q["state"].as_str()),
        ("access_denied", "st-42"),
        "deny redirects with access_denied and the state"
    );
    let mut accept = form.clone();
    accept.extend([
        ("otp".into(), otp.to_string()),
        ("decision".into(), "accept".into()),
    ]);
    let res = client().post(&action).form(&accept).send().await.unwrap();
    let code = query_of(res.headers()["location"].to_str().unwrap())["code"].clone();
    let (status, body) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", "http://localhost:7000"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["amr"],
        serde_json::json!(["pwd", "mfa"]),
        "passing the code step yields mfa"
    );
}

#[tokio::test]
async fn refresh_rotates_and_expires_after_inactivity() {
    let emu = auto_consent_emulator().await;
    let code = auto_code(&emu, "http://localhost").await;
    let (_, first) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", "http://localhost"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let rt1 = first["refresh_token"].as_str().unwrap().to_string();
    emu.clock().advance(chrono::Duration::days(10));
    let (status, second) = token(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", &rt1),
            ("scope", SCOPE),
        ],
    )
    .await;
    assert_eq!(status, 200, "{second}");
    let rt2 = second["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(rt1, rt2, "every use returns a new refresh token");
    emu.clock().advance(chrono::Duration::days(85));
    let (status, expired) = token(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", &rt1),
            ("scope", SCOPE),
        ],
    )
    .await;
    assert_eq!(
        (status, expired["error"].as_str()),
        (400, Some("invalid_grant")),
        "rt1 unused for 95 days"
    );
    assert!(
        expired["error_description"]
            .as_str()
            .unwrap()
            .contains("AADSTS700082"),
        "{expired}"
    );
    let (status, _) = token(
        &emu,
        &[
            ("grant_type", "refresh_token"),
            ("client_id", CLIENT_ID),
            ("refresh_token", &rt2),
            ("scope", SCOPE),
        ],
    )
    .await;
    assert_eq!(status, 200, "rt2 was used 85 days ago, within 90");
}

#[tokio::test]
async fn access_token_expiry_is_a_401_with_www_authenticate() {
    let emu = start(Preset::S, 3).await;
    let token = pc_token(&emu);
    assert_eq!(get(&emu, "/v1/customers", &token, None).await.status, 200);
    emu.clock().advance(chrono::Duration::seconds(3601));
    let reply = get(&emu, "/v1/customers", &token, None).await;
    assert_eq!(reply.status, 401, "a token past exp is rejected");
    assert!(reply.header("www-authenticate").is_some());
    assert!(reply.json()["description"]
        .as_str()
        .unwrap()
        .contains("expired"));
    let none = client()
        .get(format!("{}/v1/customers", emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status().as_u16(), 401, "no token, no data");
    let arm = emu
        .mint_access_token(&admin(&emu), "https://management.azure.com", true)
        .unwrap();
    emu.clock().advance(chrono::Duration::seconds(-3601));
    assert_eq!(
        get(&emu, "/v1/customers", &arm, None).await.status,
        401,
        "wrong audience is rejected"
    );
}

#[tokio::test]
async fn device_code_flow_polls_until_approved() {
    let emu = start(Preset::S, 3).await;
    let dc: Value = client()
        .post(format!(
            "{}/organizations/oauth2/v2.0/devicecode",
            emu.url()
        ))
        .form(&[("client_id", CLIENT_ID), ("scope", SCOPE)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let device_code = dc["device_code"].as_str().unwrap();
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", CLIENT_ID),
        ("device_code", device_code),
    ];
    let (status, pending) = token(&emu, &poll).await;
    assert_eq!(
        (status, pending["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let res = client()
        .post(format!("{}/devicelogin", emu.url()))
        .form(&[
            ("user_code", dc["user_code"].as_str().unwrap()),
            ("user", &emu.partner().users[1].upn),
            ("decision", "accept"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (status, body) = token(&emu, &poll).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().unwrap())["wids"],
        serde_json::json!(["b0f54661-2d74-4c50-afa3-1ec803f12efe"]),
        "billing admin signed in"
    );
}

#[tokio::test]
async fn v1_token_endpoint_uses_string_numbers() {
    let emu = auto_consent_emulator().await;
    let code = auto_code(&emu, "http://localhost").await;
    let res = client()
        .post(format!(
            "{}/{}/oauth2/token",
            emu.url(),
            emu.partner().tenant_id
        ))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", "http://localhost"),
            ("code_verifier", VERIFIER),
            ("resource", "https://api.partnercenter.microsoft.com"),
        ])
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    assert!(
        body["expires_in"].is_string() && body["expires_on"].is_string(),
        "v1 sends numbers as strings: {body}"
    );
    assert_eq!(body["resource"], "https://api.partnercenter.microsoft.com");
}

#[tokio::test]
async fn graphs_billing_scope_without_admin_consent_is_aadsts65001_and_default_lacks_it() {
    let emu = auto_consent_emulator().await;
    let code = auto_code(&emu, "http://localhost").await;
    let (_, first) = token(
        &emu,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", "http://localhost"),
            ("code_verifier", VERIFIER),
        ],
    )
    .await;
    let rt = first["refresh_token"].as_str().unwrap().to_string();
    let refresh = |scope: &'static str| {
        let (emu, rt) = (&emu, rt.clone());
        async move {
            token(
                emu,
                &[
                    ("grant_type", "refresh_token"),
                    ("client_id", CLIENT_ID),
                    ("refresh_token", &rt),
                    ("scope", scope),
                ],
            )
            .await
        }
    };
    let billing = "https://graph.microsoft.com/PartnerBilling.Read.All offline_access";
    let (status, granted) = refresh(billing).await;
    assert_eq!(status, 200, "{granted}");
    let scp = claims(granted["access_token"].as_str().unwrap())["scp"].clone();
    assert!(
        scp.as_str().unwrap().contains("PartnerBilling.Read.All"),
        "{scp}"
    );

    emu.set_graph_admin_consent(false);
    let (status, refused) = refresh(billing).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"], "invalid_grant");
    assert_eq!(refused["error_codes"][0], 65001);
    let (status, default) = refresh("https://graph.microsoft.com/.default offline_access").await;
    assert_eq!(status, 200, "{default}");
    let scp = claims(default["access_token"].as_str().unwrap())["scp"].clone();
    assert_eq!(scp, "User.Read");
}
