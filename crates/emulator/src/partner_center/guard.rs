//! Who may call: bearer-token checks (signature, expiry, audience, partner tenant), Partner
//! Center's MFA enforcement (401/900421) and the per-route token buckets, applied in the order
//! Microsoft applies them so clients see the same status for the same mistake.

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;

use crate::identity::jwt;
use crate::server::Shared;
use crate::wire::{pc_error, throttled};

/// 401 with a Partner Center body and a `WWW-Authenticate` challenge.
pub(crate) fn unauthorized(s: &Shared, code: &str, description: &str) -> Response {
    let mut res = pc_error(StatusCode::UNAUTHORIZED, code, description);
    let challenge = format!(
        "Bearer authorization_uri=\"{}/{}/oauth2/authorize\", error=\"invalid_token\", error_description=\"{}\"",
        s.base_url,
        s.world.partner.tenant_id,
        description.replace('"', "'")
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        res.headers_mut().insert("www-authenticate", v);
    }
    res
}

/// Verifies the bearer token for `audience` and returns its claims.
pub(crate) fn verify_bearer(
    s: &Shared,
    headers: &HeaderMap,
    audience: &str,
) -> Result<serde_json::Value, Response> {
    let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return Err(unauthorized(
            s,
            "800001",
            "Partner token is missing: send an Authorization: Bearer header.",
        ));
    };
    let Some(token) = auth
        .strip_prefix("Bearer ")
        .or_else(|| auth.strip_prefix("bearer "))
    else {
        return Err(unauthorized(
            s,
            "800001",
            "The Authorization header is not a Bearer token.",
        ));
    };
    let claims = jwt::verify(&s.key, token.trim()).map_err(|_| {
        unauthorized(
            s,
            "400",
            "Access denied: the token is invalid (signature or format).",
        )
    })?;
    let now = s.clock.now().timestamp();
    if claims["exp"].as_i64().is_none_or(|exp| exp <= now) {
        return Err(unauthorized(
            s,
            "400",
            "Access denied: the access token has expired.",
        ));
    }
    if claims["nbf"].as_i64().is_some_and(|nbf| nbf > now + 300) {
        return Err(unauthorized(
            s,
            "400",
            "Access denied: the access token is not yet valid.",
        ));
    }
    if claims["aud"].as_str().map(|a| a.trim_end_matches('/')) != Some(audience) {
        return Err(unauthorized(
            s,
            "400",
            &format!("Access denied: the token audience is not {audience}."),
        ));
    }
    Ok(claims)
}

/// Full Partner Center admission: token, partner tenant, MFA, then the route's bucket.
pub(crate) fn admit(
    s: &Shared,
    headers: &HeaderMap,
    route: &str,
    customer: Option<&str>,
) -> Result<(), Response> {
    let claims = verify_bearer(s, headers, crate::identity::PARTNER_CENTER)?;
    let tid = claims["tid"].as_str().unwrap_or_default().to_string();
    if tid != s.world.partner.tenant_id {
        return Err(unauthorized(
            s,
            "400",
            "Access denied: the token's tenant is not a Partner Center partner.",
        ));
    }
    let knobs = s.knobs();
    let app_plus_user = claims.get("upn").is_some() || claims.get("scp").is_some();
    let has_mfa = claims["amr"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == "mfa"));
    if knobs.mfa_enforced && app_plus_user && !has_mfa {
        return Err(unauthorized(s, "900421", "Multi-factor authentication is required: the access token has no MFA claim. Sign in again with MFA."));
    }
    if let Err(retry_after) =
        s.buckets
            .take(&knobs.rate_limits, route, &tid, customer, s.clock.now())
    {
        return Err(throttled(retry_after));
    }
    Ok(())
}
