//! The identity authority: a stand-in for Microsoft Entra ID's v2 (and v1) endpoints, so the app,
//! MSAL and scripts can sign in seeded partner users with PKCE, refresh with rotation and
//! inactivity expiry, or use the device-code flow, and receive JWT-shaped tokens with the
//! claims Partner Center checks (aud, tid, oid, upn, scp, amr, wids, exp).

pub mod consent;
pub mod discovery;
pub mod jwt;
pub mod token;

use std::collections::HashMap;
use std::sync::Mutex;

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::server::{AppState, Shared};
use crate::world::tenancy::User;

/// Client id of the CSP Desk public client registered in the emulated directory.
pub const CLIENT_ID: &str = "c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48";
/// Partner Center API resource.
pub const PARTNER_CENTER: &str = "https://api.partnercenter.microsoft.com";
/// Azure Resource Manager resource.
pub const ARM: &str = "https://management.azure.com";
/// Audience of the Azure Stack Hub admin ARM tokens, published at
/// `{base}/azurestack-admin/metadata/endpoints`; the scope asked for is its `/.default`.
pub const STACK_ADMIN: &str = "https://adminmanagement.local.azurestack.external";
/// Microsoft Graph resource.
pub const GRAPH: &str = "https://graph.microsoft.com";
/// The "Microsoft Partner" API (Pricing API: price sheets and FX rates, reference §6.3).
pub const PRICING: &str = "https://api.partner.microsoft.com";
/// Application id of the "Microsoft Partner" API, which a scope may name instead of its URL.
pub const PRICING_APP_ID: &str = "4990cffe-04e8-4e8b-808a-1175604b879f";

/// Redirect URIs registered for [`CLIENT_ID`]. For `http://localhost` and `http://127.0.0.1` the
/// port is ignored when matching, as Entra does for loopback URIs.
pub const REDIRECT_URIS: &[&str] = &[
    "http://localhost",
    "http://localhost/callback",
    "http://127.0.0.1",
    "http://127.0.0.1/callback",
    "https://login.microsoftonline.com/common/oauth2/nativeclient",
];

/// A pending authorization code.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub challenge: Option<(String, String)>,
    pub scope: String,
    pub upn: String,
    pub amr: Vec<&'static str>,
    pub nonce: Option<String>,
    pub tenant: String,
    pub issued: DateTime<Utc>,
}

/// State of a device-code sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    Pending,
    Approved { upn: String, amr: Vec<&'static str> },
    Denied,
}

/// A device-code sign-in in progress.
#[derive(Debug, Clone)]
pub(crate) struct DeviceGrant {
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub tenant: String,
    pub issued: DateTime<Utc>,
    pub status: DeviceStatus,
    pub polls: u32,
}

/// Server-side sign-in state (codes are single use; refresh tokens are self-contained).
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    pub codes: Mutex<HashMap<String, CodeGrant>>,
    pub devices: Mutex<HashMap<String, DeviceGrant>>,
}

/// Routes of the authority.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_v2),
        )
        .route(
            "/{tenant}/.well-known/openid-configuration",
            get(discovery::openid_v1),
        )
        .route("/common/discovery/instance", get(discovery::instance))
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::keys))
        .route("/{tenant}/discovery/keys", get(discovery::keys))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(consent::show).post(consent::decide),
        )
        .route(
            "/{tenant}/oauth2/authorize",
            get(consent::show).post(consent::decide),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(token::token_v2))
        .route("/{tenant}/oauth2/token", post(token::token_v1))
        .route("/{tenant}/oauth2/v2.0/devicecode", post(token::device_code))
        .route("/{tenant}/oauth2/devicecode", post(token::device_code))
        .route(
            "/devicelogin",
            get(consent::device_page).post(consent::device_decide),
        )
}

/// Resolves a tenant path segment to a tenant id the emulator knows.
pub(crate) fn resolve_tenant(state: &Shared, tenant: &str) -> Option<String> {
    let partner = &state.world.partner;
    let t = tenant.to_ascii_lowercase();
    if t == "common" || t == "organizations" || t == partner.tenant_id || t == partner.domain {
        return Some(partner.tenant_id.clone());
    }
    // Customer tenants are valid authorities too (CPV flows mint tokens into them).
    (0..state.world.customer_count())
        .map(|i| state.world.customer(i))
        .find(|c| c.tenant_id == t || c.domain == t)
        .map(|c| c.tenant_id)
}

/// Whether `uri` matches a registered redirect URI (loopback port ignored).
pub(crate) fn redirect_allowed(uri: &str) -> bool {
    let Ok(parsed) = url::Url::parse(uri) else {
        return false;
    };
    let loopback = matches!(parsed.host_str(), Some("localhost") | Some("127.0.0.1"))
        && parsed.scheme() == "http";
    REDIRECT_URIS.iter().any(|reg| {
        let Ok(r) = url::Url::parse(reg) else {
            return false;
        };
        if loopback {
            r.scheme() == "http" && r.host_str() == parsed.host_str() && r.path() == parsed.path()
        } else {
            r.as_str() == parsed.as_str()
        }
    })
}

/// Audience (resource) of requested v2 scopes.
pub(crate) fn resource_of_scopes(scope: &str) -> &'static str {
    let s = scope.to_ascii_lowercase();
    if s.contains("api.partnercenter.microsoft.com")
        || s.contains("fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd")
    {
        PARTNER_CENTER
    } else if s.contains(STACK_ADMIN) {
        // Only the audience the Stack publishes in metadata/endpoints, never its endpoint URL.
        STACK_ADMIN
    } else if s.contains("management.azure.com") || s.contains("management.core.windows.net") {
        ARM
    } else if mentions_pricing(&s) {
        PRICING
    } else {
        GRAPH
    }
}

/// Whether a (lower-case) scope list names the Pricing API, by URL or application id.
pub(crate) fn mentions_pricing(scope: &str) -> bool {
    scope
        .split(' ')
        .any(|x| x.starts_with(PRICING) || x.contains(PRICING_APP_ID))
}

/// Mints an access token.
pub(crate) fn access_token(
    state: &Shared,
    user: &User,
    tid: &str,
    resource: &str,
    amr: &[&str],
    client_id: &str,
) -> String {
    let now = state.clock.now().timestamp();
    let ttl = state.config.access_token_ttl.as_secs() as i64;
    // Without the partner's admin consent, a Graph token carries only what users may consent
    // to themselves, and the partner-billing reports answer 403.
    let scp = if resource == GRAPH && state.knobs().graph_admin_consent {
        "User.Read PartnerBilling.Read.All"
    } else if resource == GRAPH {
        "User.Read"
    } else {
        "user_impersonation"
    };
    let claims = json!({
        "aud": resource,
        "iss": format!("{}/{tid}/v2.0", state.base_url),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "tid": tid,
        "oid": user.oid,
        "sub": user.oid,
        "upn": user.upn,
        "unique_name": user.upn,
        "name": user.display_name,
        "scp": scp,
        "amr": amr,
        "wids": user.roles,
        "appid": client_id,
        "azp": client_id,
        "idtyp": "user",
        "ver": "1.0",
    });
    jwt::sign(&state.key, &kid(state), &claims)
}

/// Key id advertised in token headers.
pub(crate) fn kid(state: &Shared) -> String {
    format!("emu-{:x}", state.world.seed)
}

/// `amr` of a seeded user signing in, with or without the MFA step.
pub(crate) fn amr_for(user: &User, mfa_done: bool) -> Vec<&'static str> {
    if user.mfa_registered && mfa_done {
        vec!["pwd", "mfa"]
    } else {
        vec!["pwd"]
    }
}

/// One-time code a seeded user's authenticator shows (printed on the consent page as a hint).
pub(crate) fn otp_for(state: &Shared, user: &User) -> String {
    let n = crate::entropy::Draw::new(
        state.world.seed,
        &[crate::entropy::tag::CODE, crate::entropy::fnv(&user.upn)],
    )
    .below(1_000_000);
    format!("{n:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_redirects_ignore_the_port_but_not_the_path_or_host() {
        assert!(
            redirect_allowed("http://localhost:53123"),
            "port is ignored for localhost"
        );
        assert!(redirect_allowed("http://127.0.0.1:8400/callback"));
        assert!(
            !redirect_allowed("http://localhost:53123/other"),
            "path must still match"
        );
        assert!(
            !redirect_allowed("https://evil.example/callback"),
            "unregistered host"
        );
        assert!(
            !redirect_allowed("http://login.microsoftonline.com/common/oauth2/nativeclient"),
            "scheme must match off loopback"
        );
    }
}
