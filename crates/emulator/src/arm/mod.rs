//! Azure Resource Manager surfaces the app touches: `Microsoft.AzureStack` registrations and
//! their customer-subscription mappings, with ARM's token, api-version and error conventions;
//! and the Azure Stack Hub's own admin ARM (usage and user subscriptions).

pub mod azure_stack;
pub mod stack_admin;

pub use azure_stack::StackFixtures;
pub(crate) use azure_stack::StackState;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Router;

use crate::server::{AppState, Shared};
use crate::wire::arm_error;

/// ARM routes.
pub(crate) fn routes() -> Router<AppState> {
    azure_stack::routes().merge(stack_admin::routes())
}

/// ARM admission: a valid management-audience token, else ARM's 401 shape with a challenge.
pub(crate) fn admit(s: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    crate::partner_center::guard::verify_bearer(s, headers, crate::identity::ARM)
        .map(|_| ())
        .map_err(|pc| {
            let expired = pc
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("expired"));
            let (code, message) = if headers.get("authorization").is_none() {
                (
                    "AuthenticationFailed",
                    "Authentication failed. The 'Authorization' header is missing.",
                )
            } else if expired {
                (
                    "ExpiredAuthenticationToken",
                    "The access token expiry UTC time is earlier than current UTC time.",
                )
            } else {
                (
                    "InvalidAuthenticationToken",
                    "The access token is invalid or has the wrong audience.",
                )
            };
            let mut res = arm_error(StatusCode::UNAUTHORIZED, code, message, None);
            let challenge = format!(
                "Bearer authorization_uri=\"{}/{}\", error=\"invalid_token\"",
                s.base_url, s.world.partner.tenant_id
            );
            if let Ok(v) = HeaderValue::from_str(&challenge) {
                res.headers_mut().insert("www-authenticate", v);
            }
            res
        })
}

/// Checks `api-version` against the versions a provider supports.
pub(crate) fn api_version(
    params: &std::collections::HashMap<String, String>,
    supported: &[&str],
) -> Result<String, Response> {
    match params.get("api-version") {
        None => Err(arm_error(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
            None,
        )),
        Some(v) if supported.contains(&v.as_str()) => Ok(v.clone()),
        Some(v) => Err(arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidApiVersionParameter",
            format!(
                "The api-version '{v}' is invalid. The supported versions are '{}'.",
                supported.join(",")
            ),
            None,
        )),
    }
}
