//! Secrets never show up in Debug/Display output of the values that carry them.

use cspdesk_partner_api::{ClientOptions, Sensitive};

use crate::common::*;

#[test]
fn sensitive_values_print_redacted() {
    let secret = Sensitive::new("eyJ0eXAiOiJKV1Qi.secret-part".to_string());
    assert_eq!(format!("{secret}"), "[redacted]");
    assert!(
        !format!("{secret:?}").contains("secret-part"),
        "Debug must not show the value"
    );
    assert!(
        !format!("{:#?}", Some(&secret)).contains("eyJ"),
        "nor when nested"
    );
    assert_eq!(
        secret.expose(),
        "eyJ0eXAiOiJKV1Qi.secret-part",
        "the value itself is intact for the one place that sends it"
    );
}

#[tokio::test]
async fn token_sets_sessions_and_errors_do_not_print_tokens() {
    let emu = start().await;
    let (tokens, _) = sign_in(&emu, Choice::Accept(admin(&emu))).await;
    let tokens = tokens.unwrap();
    let access = tokens.access_token.expose().clone();
    let refresh = tokens.refresh_token.as_ref().unwrap().expose().clone();
    let printed = format!("{tokens:?}");
    assert!(
        !printed.contains(&access) && !printed.contains(&refresh),
        "TokenSet's Debug leaks a token: {printed}"
    );
    let signed = signed_with(&emu, tokens, emu_clock(&emu), ClientOptions::default());
    emu.clock().advance(chrono::Duration::days(91));
    let err = signed.client.customers(0).await.unwrap_err();
    for text in [
        format!("{err}"),
        format!("{err:?}"),
        format!("{:?}", signed.session),
    ] {
        assert!(
            !text.contains(&access) && !text.contains(&refresh),
            "a token leaked into: {text}"
        );
    }
}

/// Collects everything every crate logs, at the most verbose level.
#[derive(Clone, Default)]
struct Capture(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn trace_logs_of_sign_in_refresh_and_a_401_hold_no_token() {
    let capture = Capture::default();
    let sink = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .with_ansi(false)
        .finish();
    // Thread-local default: the test runtime is single-threaded, so spawned tasks log here too.
    let _guard = tracing::subscriber::set_default(subscriber);
    let emu = start().await;
    let (tokens, _) = sign_in(&emu, Choice::Accept(admin(&emu))).await;
    let tokens = tokens.unwrap();
    let mut secrets = vec![
        tokens.access_token.expose().clone(),
        tokens.refresh_token.as_ref().unwrap().expose().clone(),
    ];
    let frozen = now();
    let signed = signed_with(
        &emu,
        tokens,
        std::sync::Arc::new(move || frozen),
        ClientOptions::default(),
    );
    emu.clock().advance(chrono::Duration::hours(2));
    signed
        .client
        .customers(0)
        .await
        .expect("a 401 is answered by one refresh");
    secrets.push(
        signed
            .session
            .access_token()
            .await
            .unwrap()
            .expose()
            .clone(),
    );
    secrets.push(
        store()
            .load(&signed.key)
            .unwrap()
            .unwrap()
            .refresh_token
            .expose()
            .clone(),
    );
    signed.session.sign_out().await.unwrap();
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("refreshing the access token once"),
        "the capture works and saw the 401 path: {} bytes",
        logs.len()
    );
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a token appeared in the trace logs"
        );
    }
}
