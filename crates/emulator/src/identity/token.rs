//! The token endpoints: authorization code with PKCE and redirect checks, refresh tokens with
//! rotation and inactivity expiry (AADSTS700082), and the device-code grant. v2 answers with
//! JSON numbers; v1 answers with string-typed numbers and a `resource`, as Entra does.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::Duration;
use serde_json::{json, Value};

use super::{
    access_token, jwt, kid, mentions_pricing, resolve_tenant, resource_of_scopes, CodeGrant,
    DeviceGrant, DeviceStatus, CLIENT_ID, GRAPH, PRICING,
};
use crate::server::{lock, AppState, Shared};
use crate::wire::json_response;

type Params = HashMap<String, String>;

const RT_PREFIX: &str = "0.AX";

/// Entra-style OAuth error.
fn oauth_error(s: &Shared, error: &str, code: u32, text: &str) -> Response {
    let now = s.clock.now();
    let trace = s.next_guid();
    let correlation = s.next_guid();
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "error": error,
            "error_description": format!("AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {}", now.format("%Y-%m-%d %H:%M:%SZ")),
            "error_codes": [code],
            "timestamp": now.format("%Y-%m-%d %H:%M:%SZ").to_string(),
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": format!("{}/error?code={code}", s.base_url),
        }),
    )
}

/// What a successful grant yields before formatting.
struct Grant {
    upn: String,
    tid: String,
    scope: String,
    amr: Vec<&'static str>,
    nonce: Option<String>,
    client_id: String,
    /// The scopes the user consented to at the interactive sign-in, carried by every refresh
    /// token it rotates into, so a resource asked for later is checked against them.
    consented: String,
}

/// Which protocol version's response shape to use.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavour {
    V2,
    V1 { resource: &'static str },
}

fn issue(s: &Shared, g: Grant, flavour: Flavour) -> Response {
    let Some(user) = s.world.partner.user(&g.upn).cloned() else {
        return oauth_error(
            s,
            "invalid_grant",
            50034,
            "The user account does not exist in the directory.",
        );
    };
    let resource = match flavour {
        Flavour::V1 { resource } => resource,
        Flavour::V2 => resource_of_scopes(&g.scope),
    };
    // Entra refuses a delegated permission that needs admin consent the partner never gave
    // when the client names it; `/.default` gets what is consented instead.
    if resource == GRAPH
        && !s.knobs().graph_admin_consent
        && g.scope
            .to_ascii_lowercase()
            .contains("partnerbilling.read.all")
    {
        return oauth_error(
            s,
            "invalid_grant",
            65001,
            &format!("The user or administrator has not consented to use the application with ID '{}'. Send an interactive authorization request for this user and resource.", g.client_id),
        );
    }
    // The Pricing API's permission needs no admin: without the admin's tenant-wide consent, a
    // sign-in that never asked for it cannot buy its token until the user consents.
    if resource == PRICING
        && !s.knobs().pricing_admin_consent
        && !mentions_pricing(&g.consented.to_ascii_lowercase())
    {
        return oauth_error(
            s,
            "invalid_grant",
            65001,
            &format!("The user or administrator has not consented to use the application with ID '{}'. Send an interactive authorization request for this user and resource.", g.client_id),
        );
    }
    let at = access_token(s, &user, &g.tid, resource, &g.amr, &g.client_id);
    let now = s.clock.now().timestamp();
    let ttl = s.config.access_token_ttl.as_secs() as i64;
    let rt = jwt::seal(
        &s.key,
        RT_PREFIX,
        &json!({ "u": user.upn, "c": g.client_id, "s": g.scope, "k": g.consented, "t": now, "a": g.amr, "tid": g.tid, "n": s.next_guid() }),
    );
    let id_token = jwt::sign(
        &s.key,
        &kid(s),
        &json!({
            "aud": g.client_id, "iss": format!("{}/{}/v2.0", s.base_url, g.tid), "iat": now, "nbf": now, "exp": now + ttl,
            "name": user.display_name, "oid": user.oid, "preferred_username": user.upn, "sub": user.oid, "tid": g.tid,
            "ver": "2.0", "nonce": g.nonce,
        }),
    );
    let client_info = URL_SAFE_NO_PAD.encode(json!({ "uid": user.oid, "utid": g.tid }).to_string());
    let scopes: Vec<&str> = g.scope.split(' ').filter(|x| !x.is_empty()).collect();
    let resource_scopes: Vec<&str> = scopes
        .iter()
        .copied()
        .filter(|x| !matches!(*x, "openid" | "profile" | "offline_access" | "email"))
        .collect();
    let mut body = match flavour {
        Flavour::V2 => json!({
            "token_type": "Bearer",
            "scope": if resource_scopes.is_empty() { format!("{resource}/.default") } else { resource_scopes.join(" ") },
            "expires_in": ttl - 1,
            "ext_expires_in": ttl - 1,
            "access_token": at,
            "client_info": client_info,
        }),
        Flavour::V1 { resource } => json!({
            "token_type": "Bearer",
            "scope": "user_impersonation",
            "expires_in": (ttl - 1).to_string(),
            "ext_expires_in": (ttl - 1).to_string(),
            "expires_on": (now + ttl).to_string(),
            "not_before": now.to_string(),
            "resource": resource,
            "access_token": at,
            "refresh_token": rt.clone(),
            "id_token": id_token.clone(),
        }),
    };
    if flavour == Flavour::V2 {
        if scopes.contains(&"offline_access") {
            body["refresh_token"] = Value::from(rt);
        }
        if scopes.contains(&"openid") {
            body["id_token"] = Value::from(id_token);
        }
    }
    json_response(StatusCode::OK, &body)
}

fn redeem_code(s: &Shared, p: &Params) -> Result<Grant, Response> {
    let code = p.get("code").cloned().unwrap_or_default();
    let grant: Option<CodeGrant> = lock(&s.sessions.codes).remove(&code);
    let Some(g) = grant else {
        return Err(oauth_error(s, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity, or was already redeemed."));
    };
    if s.clock.now() - g.issued > Duration::minutes(10) {
        return Err(oauth_error(
            s,
            "invalid_grant",
            70008,
            "The provided authorization code has expired.",
        ));
    }
    if p.get("client_id").map(String::as_str) != Some(g.client_id.as_str()) {
        return Err(oauth_error(
            s,
            "invalid_grant",
            70002,
            "The client_id does not match the one the code was issued to.",
        ));
    }
    if p.get("redirect_uri").map(String::as_str) != Some(g.redirect_uri.as_str()) {
        return Err(oauth_error(
            s,
            "invalid_grant",
            50148,
            "The redirect_uri does not match the one used to obtain the authorization code.",
        ));
    }
    if let Some((challenge, method)) = &g.challenge {
        let Some(verifier) = p.get("code_verifier") else {
            return Err(oauth_error(
                s,
                "invalid_request",
                50148,
                "The code_verifier is missing but the authorization request had a code_challenge.",
            ));
        };
        let derived = if method == "S256" {
            jwt::pkce_s256(verifier)
        } else {
            verifier.clone()
        };
        if &derived != challenge {
            return Err(oauth_error(s, "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."));
        }
    }
    Ok(Grant {
        upn: g.upn,
        tid: g.tenant,
        consented: g.scope.clone(),
        scope: g.scope,
        amr: g.amr,
        nonce: g.nonce,
        client_id: g.client_id,
    })
}

fn redeem_refresh(s: &Shared, p: &Params) -> Result<Grant, Response> {
    let rt = p.get("refresh_token").cloned().unwrap_or_default();
    let Some(v) = jwt::open(&s.key, RT_PREFIX, &rt) else {
        return Err(oauth_error(
            s,
            "invalid_grant",
            9002313,
            "Invalid request. Request is malformed or invalid (refresh token).",
        ));
    };
    let client = v["c"].as_str().unwrap_or_default().to_string();
    if p.get("client_id").map(String::as_str) != Some(client.as_str()) {
        return Err(oauth_error(
            s,
            "invalid_grant",
            700005,
            "The refresh token was issued to a different client.",
        ));
    }
    let issued = v["t"].as_i64().unwrap_or(0);
    let inactive = s.clock.now().timestamp() - issued;
    let limit = s.config.refresh_token_inactivity.as_secs() as i64;
    if inactive > limit {
        let issued_at = chrono::DateTime::from_timestamp(issued, 0).unwrap_or_default();
        let days = limit / 86_400;
        return Err(oauth_error(
            s,
            "invalid_grant",
            700082,
            &format!(
                "The refresh token has expired due to inactivity. The token was issued on {} and was inactive for {days}.00:00:00.",
                issued_at.format("%Y-%m-%dT%H:%M:%S%.6fZ")
            ),
        ));
    }
    let amr = v["a"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| match x.as_str() {
                    Some("mfa") => Some("mfa"),
                    Some("pwd") => Some("pwd"),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let scope = p
        .get("scope")
        .cloned()
        .unwrap_or_else(|| v["s"].as_str().unwrap_or_default().to_string());
    Ok(Grant {
        upn: v["u"].as_str().unwrap_or_default().to_string(),
        tid: v["tid"].as_str().unwrap_or_default().to_string(),
        scope: if scope.contains("offline_access") {
            scope
        } else {
            format!("{scope} offline_access")
        },
        amr,
        nonce: None,
        client_id: client,
        consented: v["k"]
            .as_str()
            .or(v["s"].as_str())
            .unwrap_or_default()
            .to_string(),
    })
}

fn redeem_device(s: &Shared, p: &Params) -> Result<Grant, Response> {
    let code = p.get("device_code").cloned().unwrap_or_default();
    let auto = s.knobs().auto_consent;
    let mut devices = lock(&s.sessions.devices);
    let Some(g) = devices.get_mut(&code) else {
        return Err(oauth_error(
            s,
            "invalid_grant",
            70000,
            "The device code is unknown.",
        ));
    };
    if s.clock.now() - g.issued > Duration::minutes(15) {
        devices.remove(&code);
        return Err(oauth_error(s, "expired_token", 70019, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."));
    }
    g.polls += 1;
    if g.status == DeviceStatus::Pending && g.polls > 1 {
        // Auto-consent approves after the first poll, so clients see authorization_pending once.
        if let Some(user) = auto.as_deref().and_then(|u| s.world.partner.user(u)) {
            g.status = DeviceStatus::Approved {
                upn: user.upn.clone(),
                amr: super::amr_for(user, true),
            };
        }
    }
    match g.status.clone() {
        DeviceStatus::Pending => Err(oauth_error(
            s,
            "authorization_pending",
            70016,
            "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
        )),
        DeviceStatus::Denied => {
            devices.remove(&code);
            Err(oauth_error(
                s,
                "authorization_declined",
                70000,
                "The user declined the sign-in request.",
            ))
        }
        DeviceStatus::Approved { upn, amr } => {
            let g = devices.remove(&code).expect("present");
            // The device-code grant's token is asked without a scope, so the scopes of the
            // device request must name one resource: Entra refuses more at this step, after
            // the user consented to them all (AADSTS28000).
            if resources_named(&g.scope) > 1 {
                return Err(oauth_error(
                    s,
                    "invalid_scope",
                    28000,
                    &format!("Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {} is not valid.", g.scope),
                ));
            }
            Ok(Grant {
                upn,
                tid: g.tenant,
                consented: g.scope.clone(),
                scope: g.scope,
                amr,
                nonce: None,
                client_id: g.client_id,
            })
        }
    }
}

/// How many resources a scope list names (OpenID Connect's own scopes name none).
fn resources_named(scope: &str) -> usize {
    let mut seen: Vec<&'static str> = scope
        .split(' ')
        .filter(|x| {
            !x.is_empty()
                && !matches!(
                    x.to_ascii_lowercase().as_str(),
                    "openid" | "profile" | "offline_access" | "email"
                )
        })
        .map(resource_of_scopes)
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Checks shared by both token endpoints, then redeems the grant (v1 knows no device code).
fn redeem(s: &Shared, tenant: &str, p: &Params, device_code: bool) -> Result<Grant, Response> {
    if resolve_tenant(s, tenant).is_none() {
        return Err(oauth_error(
            s,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        ));
    }
    if p.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return Err(oauth_error(
            s,
            "unauthorized_client",
            700016,
            "Application was not found in the directory.",
        ));
    }
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => redeem_code(s, p),
        Some("refresh_token") => redeem_refresh(s, p),
        Some("urn:ietf:params:oauth:grant-type:device_code") | Some("device_code")
            if device_code =>
        {
            redeem_device(s, p)
        }
        other => Err(oauth_error(
            s,
            "unsupported_grant_type",
            70003,
            &format!(
                "The app requested an unsupported grant type '{}'.",
                other.unwrap_or("")
            ),
        )),
    }
}

/// `POST /{tenant}/oauth2/v2.0/token`.
pub(crate) async fn token_v2(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    Form(p): Form<Params>,
) -> Response {
    match redeem(&s, &tenant, &p, true) {
        Ok(g) => issue(&s, g, Flavour::V2),
        Err(r) => r,
    }
}

/// `POST /{tenant}/oauth2/token` (v1: `resource` instead of scopes, string-typed numbers).
pub(crate) async fn token_v1(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    Form(p): Form<Params>,
) -> Response {
    let resource = resource_of_scopes(
        p.get("resource")
            .map(String::as_str)
            .unwrap_or(super::PARTNER_CENTER),
    );
    match redeem(&s, &tenant, &p, false) {
        Ok(g) => issue(&s, g, Flavour::V1 { resource }),
        Err(r) => r,
    }
}

/// `POST /{tenant}/oauth2/v2.0/devicecode`.
pub(crate) async fn device_code(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    Form(p): Form<Params>,
) -> Response {
    let Some(tid) = resolve_tenant(&s, &tenant) else {
        return oauth_error(
            &s,
            "invalid_request",
            90002,
            &format!("Tenant '{tenant}' not found."),
        );
    };
    if p.get("client_id").map(String::as_str) != Some(CLIENT_ID) {
        return oauth_error(
            &s,
            "unauthorized_client",
            700016,
            "Application was not found in the directory.",
        );
    }
    let device_code = format!("DAQABAAEAAA{}", s.next_guid().replace('-', ""));
    let user_code: String = s
        .next_guid()
        .replace('-', "")
        .to_ascii_uppercase()
        .chars()
        .take(9)
        .collect();
    let scope = p.get("scope").cloned().unwrap_or_else(|| {
        format!(
            "{}/user_impersonation offline_access openid",
            super::PARTNER_CENTER
        )
    });
    lock(&s.sessions.devices).insert(
        device_code.clone(),
        DeviceGrant {
            user_code: user_code.clone(),
            client_id: CLIENT_ID.into(),
            scope,
            tenant: tid,
            issued: s.clock.now(),
            status: DeviceStatus::Pending,
            polls: 0,
        },
    );
    let uri = format!("{}/devicelogin", s.base_url);
    json_response(
        StatusCode::OK,
        &json!({
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": uri,
            "expires_in": 900,
            "interval": 1,
            "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {user_code} to authenticate."),
        }),
    )
}
