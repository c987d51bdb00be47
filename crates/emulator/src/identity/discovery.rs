//! OpenID discovery documents and instance discovery, the metadata MSAL and other OIDC clients
//! fetch before any sign-in.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::resolve_tenant;
use crate::server::AppState;
use crate::wire::json_response;

fn unknown_tenant(tenant: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "error": "invalid_tenant",
            "error_description": format!("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID."),
            "error_codes": [90002],
        }),
    )
}

/// `/{tenant}/v2.0/.well-known/openid-configuration`.
pub(crate) async fn openid_v2(State(s): State<AppState>, Path(tenant): Path<String>) -> Response {
    let Some(tid) = resolve_tenant(&s, &tenant) else {
        return unknown_tenant(&tenant);
    };
    let base = &s.base_url;
    let issuer_tenant =
        if tenant.eq_ignore_ascii_case("common") || tenant.eq_ignore_ascii_case("organizations") {
            "{tenantid}".to_string()
        } else {
            tid
        };
    json_response(
        StatusCode::OK,
        &json!({
            "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{base}/{issuer_tenant}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": format!("{base}/oidc/userinfo"),
            "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
            "tenant_region_scope": "NA",
            "cloud_instance_name": "microsoftonline.com",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }),
    )
}

/// `/{tenant}/.well-known/openid-configuration` (v1 authority).
pub(crate) async fn openid_v1(State(s): State<AppState>, Path(tenant): Path<String>) -> Response {
    let Some(tid) = resolve_tenant(&s, &tenant) else {
        return unknown_tenant(&tenant);
    };
    let base = &s.base_url;
    json_response(
        StatusCode::OK,
        &json!({
            "token_endpoint": format!("{base}/{tenant}/oauth2/token"),
            "authorization_endpoint": format!("{base}/{tenant}/oauth2/authorize"),
            "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/devicecode"),
            "jwks_uri": format!("{base}/{tenant}/discovery/keys"),
            "issuer": format!("{base}/{tid}/"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token", "token"],
            "id_token_signing_alg_values_supported": ["HS256"],
        }),
    )
}

/// `/common/discovery/instance`: lets MSAL validate the emulator as an authority host.
pub(crate) async fn instance(State(s): State<AppState>) -> Response {
    let host = s
        .base_url
        .split("://")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    json_response(
        StatusCode::OK,
        &json!({
            "tenant_discovery_endpoint": format!("{}/common/v2.0/.well-known/openid-configuration", s.base_url),
            "api-version": "1.1",
            "metadata": [{ "preferred_network": host, "preferred_cache": host, "aliases": [host] }],
        }),
    )
}

/// Signing keys: the emulator signs with HMAC, so there is no public key to publish.
pub(crate) async fn keys() -> Response {
    json_response(StatusCode::OK, &json!({ "keys": [] }))
}
