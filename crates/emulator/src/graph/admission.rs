//! Who may call Graph's partner-billing reports: a Graph token (audience
//! `https://graph.microsoft.com`) of the partner tenant carrying `PartnerBilling.Read.All` in
//! `scp` (or `roles` for an application), then the route's token bucket. Failures answer Graph's
//! error body (`concepts/errors.md`: `{"error":{code,message,innerError}}`), with the documented
//! codes `unauthenticated` (401) and `accessDenied` (403), and Graph's 429 body.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use super::SCOPE;
use crate::identity::{jwt, GRAPH};
use crate::server::Shared;
use crate::wire::json_response;

/// Graph's application id, which some tokens carry as their audience instead of the URL.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

fn inner_date(s: &Shared) -> String {
    s.clock.now().format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Graph's error body with `status`.
pub(crate) fn graph_error(s: &Shared, status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": { "request-id": s.next_guid(), "date": inner_date(s) },
        }
    });
    json_response(status, &body)
}

/// Graph's 429 (`concepts/throttling.md`), with `Retry-After`.
pub(crate) fn graph_throttled(s: &Shared, retry_after_secs: u64) -> Response {
    let body = json!({
        "error": {
            "code": "TooManyRequests",
            "innerError": {
                "code": "429",
                "date": inner_date(s),
                "message": "Please retry after",
                "request-id": s.next_guid(),
                "status": "429",
            },
            "message": "Please retry again later.",
        }
    });
    let mut res = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
    res.headers_mut()
        .insert("retry-after", HeaderValue::from(retry_after_secs));
    res
}

/// 401 as Graph answers an unusable token.
pub(crate) fn unauthenticated(s: &Shared, message: &str) -> Response {
    let mut res = graph_error(s, StatusCode::UNAUTHORIZED, "unauthenticated", message);
    res.headers_mut().insert(
        "www-authenticate",
        HeaderValue::from_static("Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\""),
    );
    res
}

/// Admits a partner-billing call or answers why not.
pub(crate) fn admit(s: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| {
            a.strip_prefix("Bearer ")
                .or_else(|| a.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| unauthenticated(s, "Access token is empty."))?;
    let claims = jwt::verify(&s.key, token).map_err(|_| {
        unauthenticated(
            s,
            "Access token validation failure. Invalid signature or format.",
        )
    })?;
    let now = s.clock.now().timestamp();
    if claims["exp"].as_i64().is_none_or(|exp| exp <= now)
        || claims["nbf"].as_i64().is_some_and(|nbf| nbf > now + 300)
    {
        return Err(unauthenticated(
            s,
            "Access token has expired or is not yet valid.",
        ));
    }
    let aud = claims["aud"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches('/');
    if aud != GRAPH && aud != GRAPH_APP_ID {
        return Err(unauthenticated(
            s,
            "Access token validation failure. Invalid audience.",
        ));
    }
    let tid = claims["tid"].as_str().unwrap_or_default().to_string();
    if tid != s.world.partner.tenant_id {
        return Err(graph_error(
            s,
            StatusCode::FORBIDDEN,
            "accessDenied",
            "The tenant of the token is not a Cloud Solution Provider partner.",
        ));
    }
    let granted = |claim: &str| match &claims[claim] {
        serde_json::Value::String(scp) => scp.split(' ').any(|p| p == SCOPE),
        serde_json::Value::Array(roles) => roles.iter().any(|r| r == SCOPE),
        _ => false,
    };
    if !granted("scp") && !granted("roles") {
        return Err(graph_error(
            s,
            StatusCode::FORBIDDEN,
            "accessDenied",
            "Either the signed-in user does not have sufficient privileges, or the application lacks the PartnerBilling.Read.All permission (admin consent required).",
        ));
    }
    let knobs = s.knobs();
    if let Err(retry_after) = s
        .buckets
        .take(&knobs.rate_limits, "graph", &tid, None, s.clock.now())
    {
        return Err(graph_throttled(s, retry_after));
    }
    Ok(())
}
