//! The browser-facing pages: the authorize/consent page (pick a seeded user, optional one-time
//! code, Accept or Deny) and the device-login page. `--auto-consent UPN` skips the page and
//! redirects at once, for scripted protocol tests.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;

use super::{
    amr_for, otp_for, redirect_allowed, resolve_tenant, CodeGrant, DeviceStatus, CLIENT_ID,
    PARTNER_CENTER,
};
use crate::server::{lock, AppState, Shared};

type Params = HashMap<String, String>;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Hidden form fields carrying `pairs` through a POST.
fn hidden_inputs<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>",
                escape(k),
                escape(v)
            )
        })
        .collect()
}

fn error_page(status: StatusCode, code: u32, text: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>Sign in error</title></head><body><h1>Sorry, but we're having trouble signing you in.</h1>\
         <p id=\"error\">AADSTS{code}: {}</p></body></html>",
        escape(text)
    );
    (status, Html(body)).into_response()
}

/// Validates the parts of an authorize request that must never be redirected back.
fn check(state: &Shared, tenant: &str, p: &Params) -> Result<(String, String), Response> {
    let Some(tid) = resolve_tenant(state, tenant) else {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            90002,
            &format!("Tenant '{tenant}' not found."),
        ));
    };
    let client = p.get("client_id").map(String::as_str).unwrap_or_default();
    if client != CLIENT_ID {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            700016,
            &format!(
                "Application with identifier '{client}' was not found in the directory '{tenant}'."
            ),
        ));
    }
    let redirect = p.get("redirect_uri").cloned().unwrap_or_default();
    if !redirect_allowed(&redirect) {
        return Err(error_page(
            StatusCode::BAD_REQUEST,
            50011,
            &format!("The redirect URI '{redirect}' specified in the request does not match the redirect URIs configured for the application '{client}'."),
        ));
    }
    Ok((tid, redirect))
}

/// Sends the browser back to the client with `params` in the chosen response mode.
fn respond_to_client(p: &Params, redirect: &str, mut params: Vec<(&str, String)>) -> Response {
    if let Some(s) = p.get("state") {
        params.push(("state", s.clone()));
    }
    let mode = p
        .get("response_mode")
        .map(String::as_str)
        .unwrap_or("query");
    if mode == "form_post" {
        let inputs = hidden_inputs(params.iter().map(|(k, v)| (*k, v.as_str())));
        let body = format!(
            "<html><body onload=\"document.forms[0].submit()\"><form method=\"POST\" action=\"{}\">{inputs}<noscript><button>Continue</button></noscript></form></body></html>",
            escape(redirect)
        );
        return Html(body).into_response();
    }
    let encoded: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params.iter().map(|(k, v)| (*k, v.as_str())))
        .finish();
    let sep = if mode == "fragment" {
        "#"
    } else if redirect.contains('?') {
        "&"
    } else {
        "?"
    };
    let location = format!("{redirect}{sep}{encoded}");
    let mut res = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Issues a code for `upn` and redirects.
fn grant(
    state: &Shared,
    tid: String,
    p: &Params,
    redirect: &str,
    upn: &str,
    amr: Vec<&'static str>,
) -> Response {
    let scope = match (p.get("scope"), p.get("resource")) {
        (Some(s), _) => s.clone(),
        (None, Some(r)) => format!("{r}/user_impersonation openid offline_access"),
        (None, None) => format!("{PARTNER_CENTER}/user_impersonation openid offline_access"),
    };
    let challenge = p.get("code_challenge").map(|c| {
        (
            c.clone(),
            p.get("code_challenge_method")
                .cloned()
                .unwrap_or_else(|| "plain".into()),
        )
    });
    let code = format!("1.AX{}", state.next_guid().replace('-', ""));
    lock(&state.sessions.codes).insert(
        code.clone(),
        CodeGrant {
            client_id: CLIENT_ID.to_string(),
            redirect_uri: redirect.to_string(),
            challenge,
            scope,
            upn: upn.to_string(),
            amr,
            nonce: p.get("nonce").cloned(),
            tenant: tid,
            issued: state.clock.now(),
        },
    );
    respond_to_client(
        p,
        redirect,
        vec![("code", code), ("session_state", state.next_guid())],
    )
}

fn render(state: &Shared, tenant: &str, p: &Params, problem: Option<&str>) -> Response {
    let mfa = state.knobs().mfa_prompt;
    let hidden = hidden_inputs(
        p.iter()
            .filter(|(k, _)| !matches!(k.as_str(), "user" | "otp" | "decision"))
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let hint = p.get("login_hint").map(|h| h.to_ascii_lowercase());
    let options: String = state
        .world
        .partner
        .users
        .iter()
        .map(|u| {
            let selected = if hint.as_deref() == Some(&u.upn.to_ascii_lowercase()) {
                " selected"
            } else {
                ""
            };
            format!(
                "<option value=\"{}\"{selected}>{} ({})</option>",
                escape(&u.upn),
                escape(&u.display_name),
                escape(&u.upn)
            )
        })
        .collect();
    let otp = if mfa {
        let hints: String = state
            .world
            .partner
            .users
            .iter()
            .filter(|u| u.mfa_registered)
            .map(|u| {
                format!(
                    "<li>{}: <code class=\"otp\" data-upn=\"{}\">{}</code></li>",
                    escape(&u.upn),
                    escape(&u.upn),
                    otp_for(state, u)
                )
            })
            .collect();
        format!(
            "<fieldset><legend>Verify your identity</legend><label>One-time code <input name=\"otp\" id=\"otp\" autocomplete=\"one-time-code\"/></label>\
             <p>Emulator hint, the authenticator shows:</p><ul>{hints}</ul></fieldset>"
        )
    } else {
        String::new()
    };
    let problem = problem
        .map(|t| format!("<p id=\"error\" role=\"alert\">{}</p>", escape(t)))
        .unwrap_or_default();
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Sign in to your account</title></head><body>\
         <h1>Emulated Microsoft sign-in</h1><p>CSP Desk wants to access Partner Center as you ({}).</p>{problem}\
         <form method=\"POST\" action=\"/{}/oauth2/v2.0/authorize\">{hidden}\
         <label>Account <select name=\"user\" id=\"user\">{options}</select></label>{otp}\
         <button type=\"submit\" name=\"decision\" value=\"accept\" id=\"accept\">Accept</button>\
         <button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form></body></html>",
        escape(&state.world.partner.name),
        escape(tenant)
    );
    Html(body).into_response()
}

/// `GET /{tenant}/oauth2/v2.0/authorize`.
pub(crate) async fn show(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let (tid, redirect) = match check(&s, &tenant, &p) {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    if !p
        .get("response_type")
        .is_some_and(|t| t.split(' ').any(|x| x == "code"))
    {
        return respond_to_client(
            &p,
            &redirect,
            vec![
                ("error", "unsupported_response_type".into()),
                (
                    "error_description",
                    "AADSTS70005: response_type must include 'code'.".into(),
                ),
            ],
        );
    }
    if let Some(m) = p.get("code_challenge_method") {
        if m != "S256" && m != "plain" {
            return respond_to_client(
                &p,
                &redirect,
                vec![
                    ("error", "invalid_request".into()),
                    (
                        "error_description",
                        format!("AADSTS501491: Invalid code_challenge_method '{m}'."),
                    ),
                ],
            );
        }
    }
    if let Some(upn) = s.knobs().auto_consent {
        let Some(user) = s.world.partner.user(&upn).cloned() else {
            return error_page(
                StatusCode::BAD_REQUEST,
                50034,
                &format!("The user account {upn} does not exist in the directory."),
            );
        };
        return grant(&s, tid, &p, &redirect, &user.upn, amr_for(&user, true));
    }
    render(&s, &tenant, &p, None)
}

/// `POST /{tenant}/oauth2/v2.0/authorize`: the consent form's Accept / Deny.
pub(crate) async fn decide(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    Form(p): Form<Params>,
) -> Response {
    let (tid, redirect) = match check(&s, &tenant, &p) {
        Ok(ok) => ok,
        Err(page) => return page,
    };
    if p.get("decision").map(String::as_str) != Some("accept") {
        return respond_to_client(
            &p,
            &redirect,
            vec![
                ("error", "access_denied".into()),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.".into(),
                ),
            ],
        );
    }
    let Some(user) = p.get("user").and_then(|u| s.world.partner.user(u)).cloned() else {
        return render(
            &s,
            &tenant,
            &p,
            Some("AADSTS50034: The user account does not exist in the directory."),
        );
    };
    let mfa_prompt = s.knobs().mfa_prompt;
    let mfa_done = if mfa_prompt && user.mfa_registered {
        if p.get("otp").map(|o| o.trim()) != Some(otp_for(&s, &user).as_str()) {
            return render(&s, &tenant, &p, Some("AADSTS50076: The one-time code is wrong. Enter the code your authenticator shows."));
        }
        true
    } else {
        // Without the step, MFA-registered users count as having a remembered MFA session.
        user.mfa_registered
    };
    grant(&s, tid, &p, &redirect, &user.upn, amr_for(&user, mfa_done))
}

/// `GET /devicelogin`: enter a user code, pick a user, approve or deny.
pub(crate) async fn device_page(State(s): State<AppState>) -> Response {
    let options: String = s
        .world
        .partner
        .users
        .iter()
        .map(|u| format!("<option value=\"{0}\">{0}</option>", escape(&u.upn)))
        .collect();
    Html(format!(
        "<!doctype html><html><body><h1>Enter code</h1><form method=\"POST\" action=\"/devicelogin\">\
         <input name=\"user_code\" id=\"user_code\"/><select name=\"user\">{options}</select>\
         <button name=\"decision\" value=\"accept\">Accept</button><button name=\"decision\" value=\"deny\">Deny</button></form></body></html>"
    ))
    .into_response()
}

/// `POST /devicelogin`: completes a device-code sign-in.
pub(crate) async fn device_decide(State(s): State<AppState>, Form(p): Form<Params>) -> Response {
    let code = p
        .get("user_code")
        .map(|c| c.trim().to_ascii_uppercase())
        .unwrap_or_default();
    let user = p.get("user").and_then(|u| s.world.partner.user(u)).cloned();
    let mut devices = lock(&s.sessions.devices);
    let Some(grant) = devices.values_mut().find(|g| g.user_code == code) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            70000,
            "That code didn't work. Check the code and try again.",
        );
    };
    grant.status = match (p.get("decision").map(String::as_str), user) {
        (Some("accept"), Some(u)) => DeviceStatus::Approved {
            upn: u.upn.clone(),
            amr: amr_for(&u, true),
        },
        _ => DeviceStatus::Denied,
    };
    Html("<!doctype html><html><body><p id=\"done\">You may now close this window.</p></body></html>".to_string()).into_response()
}
