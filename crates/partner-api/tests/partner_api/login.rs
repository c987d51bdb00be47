//! Interactive sign-in: consent accepted, denied, a forged state, a tampered PKCE verifier,
//! stray requests to the loopback port, cancellation, and the device-code flow.

use std::time::{Duration, Instant};

use cspdesk_emulator::roles;
use cspdesk_partner_api::{
    redeem_code, sign_in_with_browser, sign_in_with_device_code, AuthorizationRequest,
    BrowserSignIn, ClientOptions, Error, Sensitive,
};
use tokio_util::sync::CancellationToken;

use crate::common::*;

#[tokio::test]
async fn full_login_reads_the_user_and_lists_customers() {
    let emu = start().await;
    let (tokens, page) = sign_in(&emu, Choice::Accept(admin(&emu))).await;
    let tokens = tokens.expect("accepting consent yields tokens");
    assert_eq!(
        tokens.user.upn,
        admin(&emu),
        "the user picked on the consent page is signed in"
    );
    assert_eq!(
        tokens.user.tenant_id,
        emu.partner().tenant_id,
        "token is issued in the partner tenant"
    );
    assert!(
        tokens.user.mfa,
        "the admin is registered for MFA, so amr carries mfa"
    );
    assert_eq!(
        tokens.user.roles,
        vec![roles::GLOBAL_ADMINISTRATOR.to_string()],
        "wids holds the Global Administrator template id"
    );
    assert_eq!(
        tokens.expires_at(),
        now() + chrono::Duration::hours(1),
        "access token lives one emulated hour"
    );
    assert!(
        tokens.refresh_token.is_some(),
        "offline_access yields a refresh token"
    );
    let page = page
        .lock()
        .unwrap()
        .clone()
        .expect("the browser saw the loopback page");
    assert!(
        page.contains("You can close this window") && page.contains("return to CSP Desk"),
        "the browser is told it can close and go back to the app: {page}"
    );
    assert!(
        !page.contains("Signed in"),
        "the code is not redeemed yet when the page is shown, so it must not claim success: {page}"
    );

    let signed = signed_with(&emu, tokens, emu_clock(&emu), ClientOptions::default());
    let customers = signed.client.customers(0).await.expect("customers list");
    assert_eq!(
        customers.len() as u32,
        emu.world().customer_count(),
        "every customer is listed"
    );
    let record = signed
        .session
        .consent()
        .unwrap()
        .expect("consent metadata is stored");
    assert_eq!(
        (record.upn.as_str(), record.consented_at),
        (admin(&emu).as_str(), now()),
        "consent time comes from the clock passed in"
    );
    assert_eq!(
        record.lapses_at(),
        now() + chrono::Duration::days(90),
        "lapses 90 days after last use"
    );
}

#[tokio::test]
async fn pressing_deny_is_consent_denied() {
    let emu = start().await;
    let (result, page) = sign_in(&emu, Choice::Deny).await;
    let err = result.expect_err("deny must not sign in");
    assert!(
        matches!(err, Error::ConsentDenied { .. }),
        "access_denied must map to ConsentDenied, got {err:?}"
    );
    assert!(
        err.to_string().contains("Accept"),
        "the message tells the user what to do: {err}"
    );
    for _ in 0..50 {
        if page.lock().unwrap().is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        page.lock()
            .unwrap()
            .clone()
            .expect("the browser got an answer")
            .contains("did not complete"),
        "the browser is told the sign-in did not complete"
    );
}

#[tokio::test]
async fn a_forged_state_is_rejected() {
    let emu = start().await;
    let (result, _) = sign_in(&emu, Choice::AcceptForgedState(admin(&emu))).await;
    assert!(
        matches!(result, Err(Error::StateMismatch)),
        "a redirect with another state must be refused as CSRF, got {result:?}"
    );
}

#[tokio::test]
async fn a_tampered_pkce_verifier_is_rejected_by_the_authority() {
    let emu = start().await;
    emu.set_auto_consent(Some(admin(&emu)));
    let settings = settings(&emu);
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = "http://127.0.0.1:50123";
    let code_of = |request: &AuthorizationRequest| {
        let http = http.clone();
        let url = request.url.clone();
        async move {
            let res = http.get(url).send().await.unwrap();
            let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
            Sensitive::new(query(&location)["code"].clone())
        }
    };
    let request = AuthorizationRequest::new(&settings, redirect, None).unwrap();
    let code = code_of(&request).await;
    let tampered = Sensitive::new(format!("{}x", request.verifier().expose()));
    let err = redeem_code(&settings, &http, &code, redirect, &tampered)
        .await
        .expect_err("a wrong verifier must not yield tokens");
    assert!(
        matches!(&err, Error::SignInFailed { detail } if detail.contains("AADSTS501481")),
        "the authority's PKCE check must surface, got {err:?}"
    );

    let request = AuthorizationRequest::new(&settings, redirect, None).unwrap();
    let code = code_of(&request).await;
    let tokens = redeem_code(&settings, &http, &code, redirect, request.verifier())
        .await
        .expect("the genuine verifier works");
    assert_eq!(
        tokens.user.upn,
        admin(&emu),
        "control: the same path with the right verifier signs in"
    );
}

#[tokio::test]
async fn cancelling_ends_the_wait_at_once() {
    let emu = start().await;
    let cancel = CancellationToken::new();
    let options = BrowserSignIn {
        cancel: cancel.clone(),
        ..BrowserSignIn::default()
    };
    let started = Instant::now();
    let result = sign_in_with_browser(&settings(&emu), options, |_url| {
        cancel.cancel();
        Ok(())
    })
    .await;
    assert_cancelled_at_once(&result, started);

    let options = BrowserSignIn {
        timeout: Duration::from_millis(200),
        ..BrowserSignIn::default()
    };
    let result = sign_in_with_browser(&settings(&emu), options, |_url| Ok(())).await;
    assert!(
        matches!(&result, Err(Error::SignInAborted { reason }) if reason.contains("timed out")),
        "{result:?}"
    );
}

#[tokio::test]
async fn device_code_flow_shows_the_code_and_polls_until_approved() {
    let emu = start().await;
    emu.set_auto_consent(Some(emu.partner().users[1].upn.clone()));
    let mut shown = None;
    let started = Instant::now();
    let tokens = sign_in_with_device_code(&settings(&emu), CancellationToken::new(), |prompt| {
        shown = Some(prompt.clone())
    })
    .await
    .expect("device code sign-in succeeds");
    let prompt = shown.expect("the code is shown to the user");
    assert!(
        prompt.verification_uri.ends_with("/devicelogin") && !prompt.user_code.is_empty(),
        "{prompt:?}"
    );
    assert_eq!(
        tokens.user.roles,
        vec![roles::BILLING_ADMINISTRATOR.to_string()],
        "the billing admin approved"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "the first poll is authorization_pending, so the client waited the 1 s interval"
    );
}

#[tokio::test]
async fn an_emulator_behind_tls_is_trusted_through_the_extra_ca_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = config();
    config.tls_dir = Some(dir.path().to_path_buf());
    let emu = start_with(config).await;
    emu.set_auto_consent(Some(admin(&emu)));
    let mut settings = settings(&emu);
    assert!(
        settings.authority.starts_with("https://"),
        "TLS mode serves https"
    );
    let untrusted = sign_in_with_device_code(&settings, CancellationToken::new(), |_| {})
        .await
        .expect_err("the emulator's CA is not a public root");
    assert_eq!(
        untrusted.code(),
        cspdesk_partner_api::ErrorCode::Unavailable,
        "{untrusted:?}"
    );
    settings.extra_ca_pem = Some(std::fs::read_to_string(emu.ca_pem_path().unwrap()).unwrap());
    let tokens = sign_in_with_device_code(&settings, CancellationToken::new(), |_| {})
        .await
        .expect("with the extra CA the sign-in works");
    let key = cspdesk_partner_api::AccountKey::generate();
    let session = std::sync::Arc::new(
        cspdesk_partner_api::Session::start(settings, key, store(), tokens, now())
            .unwrap()
            .with_clock(emu_clock(&emu)),
    );
    let client =
        cspdesk_partner_api::PartnerCenter::new(session.clone(), ClientOptions::default()).unwrap();
    let page = client.customers_page(2, None).await;
    session.sign_out().await.unwrap();
    assert_eq!(
        page.expect("Partner Center over TLS").items.len(),
        2,
        "the API client trusts the same CA"
    );
}

/// Signs the admin in, but first runs `before` against the loopback port; what it returns is
/// held until the browser has delivered the redirect.
async fn sign_in_after<F, Fut, K>(
    emu: &cspdesk_emulator::RunningEmulator,
    before: F,
) -> cspdesk_partner_api::Result<cspdesk_partner_api::TokenSet>
where
    F: FnOnce(u16) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = K> + Send,
    K: Send + 'static,
{
    let upn = admin(emu);
    // A regression would wait on the stray connection or request until this timeout.
    let options = BrowserSignIn {
        timeout: Duration::from_secs(20),
        ..BrowserSignIn::default()
    };
    sign_in_with_browser(&settings(emu), options, |url| {
        let url = url.clone();
        tokio::spawn(async move {
            let held = before(loopback_port(&url)).await;
            browse(url, Choice::Accept(upn)).await;
            drop(held);
        });
        Ok(())
    })
    .await
}

#[tokio::test]
async fn an_idle_browser_connection_does_not_block_the_redirect() {
    let emu = start().await;
    // A speculative connection that never sends a request, held open throughout.
    let result = sign_in_after(&emu, |port| async move {
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap()
    })
    .await;
    assert_eq!(
        result
            .expect("the real redirect is served while the idle one waits")
            .user
            .upn,
        admin(&emu)
    );
}

#[tokio::test]
async fn device_code_cancel_is_sign_in_cancelled() {
    let emu = start().await;
    // No auto-consent: polling would go on until the code expires.
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let started = Instant::now();
    let result =
        sign_in_with_device_code(&settings(&emu), cancel, move |_prompt| trigger.cancel()).await;
    assert_cancelled_at_once(&result, started);
}

/// A cancel has its own variant (the UI must not parse a reason string) and does not wait for
/// the flow's timeout.
fn assert_cancelled_at_once<T: std::fmt::Debug>(
    result: &cspdesk_partner_api::Result<T>,
    started: Instant,
) {
    assert!(
        matches!(result, Err(Error::SignInCancelled)),
        "a deliberate cancel is SignInCancelled: {result:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "cancel must not wait for the timeout"
    );
}

/// Sends `GET {target}` to the loopback listener and returns the status code.
async fn stray_get(port: u16, target: &str) -> u16 {
    let res = reqwest::get(format!("http://127.0.0.1:{port}{target}"))
        .await
        .expect("the listener answers stray requests");
    res.status().as_u16()
}

fn loopback_port(authorize: &url::Url) -> u16 {
    query(authorize)["redirect_uri"]
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn stray_requests_before_the_redirect_do_not_end_the_sign_in() {
    let emu = start().await;
    let statuses = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = statuses.clone();
    let result = sign_in_after(&emu, |port| async move {
        // A reload of the bare address, the favicon, and a probe with unrelated parameters.
        for target in ["/", "/favicon.ico", "/?hello=1"] {
            let status = stray_get(port, target).await;
            seen.lock().unwrap().push((target, status));
        }
    })
    .await;
    assert_eq!(
        result
            .expect("the real redirect still signs in after stray requests")
            .user
            .upn,
        admin(&emu)
    );
    assert_eq!(
        *statuses.lock().unwrap(),
        vec![("/", 400), ("/favicon.ico", 404), ("/?hello=1", 400)],
        "stray requests get a short 4xx page and the listener keeps waiting"
    );
}

#[tokio::test]
async fn a_response_with_a_foreign_state_after_stray_requests_is_still_a_state_mismatch() {
    let emu = start().await;
    let result = sign_in_with_browser(&settings(&emu), BrowserSignIn::default(), |url| {
        let port = loopback_port(url);
        tokio::spawn(async move {
            stray_get(port, "/favicon.ico").await;
            // Carries only a state, and the wrong one: that is a forged answer, not a stray.
            stray_get(port, "/?state=forged-by-attacker").await;
        });
        Ok(())
    })
    .await;
    assert!(
        matches!(result, Err(Error::StateMismatch)),
        "a response with the wrong state must end the sign-in: {result:?}"
    );
}
