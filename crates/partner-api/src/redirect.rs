//! The RFC 8252 loopback redirect: an HTTP listener on 127.0.0.1 and a random port that waits
//! for the browser's `?code=&state=` (or `?error=`) and answers with a page sending the user
//! back to CSP Desk. Only the request line is read; nothing is logged.
//!
//! Anything can connect to a loopback port: the browser's `/favicon.ico`, a reload of `/`, a
//! local port scanner. Only a request to `/` whose query carries `code`, `error` or `state` is
//! the authorization response; everything else gets a short 404/400 page and the listener keeps
//! waiting, so a stray request cannot end the sign-in (a response with the wrong `state` still
//! does, as [`Error::StateMismatch`]).

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::error::{Error, Result};
use crate::sensitive::Sensitive;

/// How long a connection may take to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause after a failed `accept()`: errors such as "too many open files" repeat at once, and
/// retrying without a pause would spin a core until the sign-in times out.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// The code is not redeemed yet when this page is shown, so it must not claim success; the app
/// window says whether the sign-in worked.
const RECEIVED_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>CSP Desk</title></head>\
<body style=\"font-family:sans-serif\"><h1 id=\"result\">Return to CSP Desk</h1><p>CSP Desk received Microsoft's answer and is finishing the sign-in. You can close this window and return to CSP Desk to see the result.</p></body></html>";
const FAILED_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>CSP Desk</title></head>\
<body style=\"font-family:sans-serif\"><h1 id=\"result\">Sign-in did not complete</h1><p>You can close this window; CSP Desk shows what to do next.</p></body></html>";
const NOT_FOUND_PAGE: &str =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>CSP Desk</title></head>\
<body style=\"font-family:sans-serif\"><p>Not found.</p></body></html>";
const NOT_A_RESPONSE_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>CSP Desk</title></head>\
<body style=\"font-family:sans-serif\"><p>This address only receives Microsoft's sign-in response. CSP Desk is still waiting for it.</p></body></html>";

/// A bound loopback listener waiting for one authorization response.
pub(crate) struct LoopbackRedirect {
    listener: TcpListener,
    redirect_uri: String,
}

impl LoopbackRedirect {
    /// Binds 127.0.0.1 on a port the OS picks.
    pub(crate) async fn bind() -> Result<LoopbackRedirect> {
        let listener =
            TcpListener::bind(("127.0.0.1", 0))
                .await
                .map_err(|e| Error::SignInAborted {
                    reason: format!("cannot listen on 127.0.0.1 for the sign-in redirect: {e}"),
                })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::SignInAborted {
                reason: e.to_string(),
            })?
            .port();
        Ok(LoopbackRedirect {
            listener,
            redirect_uri: format!("http://127.0.0.1:{port}"),
        })
    }

    /// `http://127.0.0.1:{port}` (root path; Entra ignores the port of loopback URIs).
    pub(crate) fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits for the redirect and returns the code once `state` matches.
    pub(crate) async fn wait_for_code(
        &self,
        expected_state: &Sensitive<String>,
    ) -> Result<Sensitive<String>> {
        // Each connection is served on its own task: browsers open speculative connections that
        // never send a request, and one of those must not hold up the real redirect.
        let (outcomes, mut decided) = mpsc::channel::<Result<Sensitive<String>>>(1);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    let stream = match accepted {
                        Ok((stream, _)) => stream,
                        Err(e) => {
                            tracing::debug!(error = %e, "accepting a loopback connection failed; pausing");
                            tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                            continue;
                        }
                    };
                    let (outcomes, state) = (outcomes.clone(), expected_state.clone());
                    tokio::spawn(async move {
                        if let Some(outcome) = serve(stream, &state).await {
                            let _ = outcomes.send(outcome).await;
                        }
                    });
                }
                Some(outcome) = decided.recv() => return outcome,
            }
        }
    }
}

/// Answers one connection; `Some` when it carried the authorization response.
async fn serve(
    mut stream: TcpStream,
    expected_state: &Sensitive<String>,
) -> Option<Result<Sensitive<String>>> {
    let target = tokio::time::timeout(READ_TIMEOUT, read_request_target(&mut stream))
        .await
        .ok()
        .flatten();
    let Some(target) = target else {
        respond(&mut stream, "400 Bad Request", NOT_A_RESPONSE_PAGE).await;
        return None;
    };
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    if path != "/" {
        // Browsers also ask for /favicon.ico; that is not the authorization response.
        respond(&mut stream, "404 Not Found", NOT_FOUND_PAGE).await;
        return None;
    }
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if !is_authorization_response(&params) {
        respond(&mut stream, "400 Bad Request", NOT_A_RESPONSE_PAGE).await;
        return None;
    }
    let outcome = judge(&params, expected_state);
    let page = if outcome.is_ok() {
        RECEIVED_PAGE
    } else {
        FAILED_PAGE
    };
    respond(&mut stream, "200 OK", page).await;
    Some(outcome)
}

/// Whether a request to `/` is Microsoft's answer rather than a reload or a probe. A `state`
/// alone counts: a forged response may carry nothing else, and it must still end in
/// [`Error::StateMismatch`] rather than be ignored.
fn is_authorization_response(params: &HashMap<String, String>) -> bool {
    ["code", "error", "state"]
        .iter()
        .any(|k| params.contains_key(*k))
}

/// Decides what an authorization response means; `state` is checked before anything else.
fn judge(
    params: &HashMap<String, String>,
    expected_state: &Sensitive<String>,
) -> Result<Sensitive<String>> {
    if params.get("state") != Some(expected_state.expose()) {
        return Err(Error::StateMismatch);
    }
    if let Some(error) = params.get("error") {
        let detail =
            crate::authority::describe(error, params.get("error_description").map(String::as_str));
        return Err(match error.as_str() {
            "access_denied" | "consent_required" => Error::ConsentDenied { detail },
            _ => Error::SignInFailed { detail },
        });
    }
    params
        .get("code")
        .filter(|c| !c.is_empty())
        .map(|c| Sensitive::new(c.clone()))
        .ok_or_else(|| Error::SignInFailed {
            detail: "the redirect carried neither a code nor an error".into(),
        })
}

/// Reads the request head and returns the request target of a `GET`.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(2048);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || head.len() > 16 * 1024 {
            break;
        }
        head.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut parts = text.lines().next()?.split(' ');
    (parts.next()? == "GET").then_some(())?;
    parts.next().map(str::to_string)
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let reply = format!("HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\r\n{body}", body.len());
    // The user's browser going away is not our failure; the outcome is already decided.
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn state_is_checked_before_the_code_or_error_is_believed() {
        let state = Sensitive::new("s1".to_string());
        assert!(
            matches!(
                judge(&params(&[("code", "c"), ("state", "s2")]), &state),
                Err(Error::StateMismatch)
            ),
            "a foreign state must be refused"
        );
        assert!(
            matches!(
                judge(
                    &params(&[("error", "access_denied"), ("state", "evil")]),
                    &state
                ),
                Err(Error::StateMismatch)
            ),
            "an error with a foreign state is also CSRF"
        );
        assert!(matches!(
            judge(
                &params(&[("error", "access_denied"), ("state", "s1")]),
                &state
            ),
            Err(Error::ConsentDenied { .. })
        ));
        assert_eq!(
            judge(&params(&[("code", "c"), ("state", "s1")]), &state)
                .unwrap()
                .expose(),
            "c"
        );
    }

    #[test]
    fn only_a_query_with_code_error_or_state_is_the_authorization_response() {
        assert!(
            !is_authorization_response(&params(&[])),
            "a bare GET / (reload, probe) is not the answer"
        );
        assert!(
            !is_authorization_response(&params(&[("foo", "bar")])),
            "unrelated parameters are not the answer"
        );
        for key in ["code", "error", "state"] {
            assert!(
                is_authorization_response(&params(&[(key, "x")])),
                "`{key}` marks the answer, which then goes through the state check"
            );
        }
    }
}
