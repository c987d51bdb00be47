//! Who is signed in, read from the access token's payload so the Accounts page can show the
//! user, tenant and roles without another call. The signature is not checked: the token came
//! straight from the token endpoint over TLS, and Partner Center verifies it on every call.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Directory role template ids (`wids`) the app maps to permissions.
pub mod roles {
    /// Global Administrator.
    pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
    /// Billing administrator.
    pub const BILLING_ADMINISTRATOR: &str = "b0f54661-2d74-4c50-afa3-1ec803f12efe";
    /// Global Reader.
    pub const GLOBAL_READER: &str = "f2ef992c-3afb-46b9-b7cf-a126ee74c451";
}

/// The signed-in user as the access token describes them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedInUser {
    /// Sign-in name (`upn`, else `preferred_username` / `unique_name`).
    pub upn: String,
    /// Object id of the user.
    pub oid: String,
    /// Tenant the token was issued in (the partner tenant).
    pub tenant_id: String,
    /// Directory role template ids (`wids`); see [`roles`].
    pub roles: Vec<String>,
    /// Authentication methods (`amr`), e.g. `["pwd","mfa"]`.
    pub amr: Vec<String>,
    /// Whether `amr` contains `mfa` (Partner Center requires it).
    pub mfa: bool,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Raw {
    upn: Option<String>,
    preferred_username: Option<String>,
    unique_name: Option<String>,
    oid: Option<String>,
    tid: Option<String>,
    #[serde(default)]
    wids: Vec<String>,
    #[serde(default)]
    amr: Vec<String>,
    exp: Option<i64>,
}

impl SignedInUser {
    /// Reads the claims of a JWT access token.
    pub fn from_access_token(jwt: &str) -> Result<SignedInUser> {
        let bad = |field: &str, detail: &str| Error::BadResponse {
            endpoint: "token".into(),
            field: format!("access_token.{field}"),
            detail: detail.into(),
        };
        let payload = jwt
            .split('.')
            .nth(1)
            .ok_or_else(|| bad("payload", "not a JWT (no payload segment)"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| bad("payload", "payload is not base64url"))?;
        let raw: Raw = serde_json::from_slice(&bytes).map_err(|e| {
            bad(
                "payload",
                &format!("payload is not the expected JSON ({e})"),
            )
        })?;
        let upn = raw
            .upn
            .or(raw.preferred_username)
            .or(raw.unique_name)
            .ok_or_else(|| bad("upn", "missing"))?;
        let exp = raw.exp.ok_or_else(|| bad("exp", "missing"))?;
        Ok(SignedInUser {
            upn,
            oid: raw.oid.ok_or_else(|| bad("oid", "missing"))?,
            tenant_id: raw.tid.ok_or_else(|| bad("tid", "missing"))?,
            mfa: raw.amr.iter().any(|m| m == "mfa"),
            roles: raw.wids,
            amr: raw.amr,
            expires_at: DateTime::from_timestamp(exp, 0)
                .ok_or_else(|| bad("exp", "out of range"))?,
        })
    }

    /// Whether the user holds a partner-admin role (may add accounts and change settings).
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r == roles::GLOBAL_ADMINISTRATOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> String {
        format!(
            "eyJhbGciOiJIUzI1NiJ9.{}.sig",
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    #[test]
    fn reads_upn_tenant_roles_and_mfa() {
        let token = jwt(
            serde_json::json!({"upn":"admin@x.onmicrosoft.com","oid":"o","tid":"t","wids":[roles::GLOBAL_ADMINISTRATOR],"amr":["pwd","mfa"],"exp":1776250000}),
        );
        let user = SignedInUser::from_access_token(&token).unwrap();
        assert_eq!(
            (user.upn.as_str(), user.tenant_id.as_str()),
            ("admin@x.onmicrosoft.com", "t")
        );
        assert!(
            user.mfa && user.is_admin(),
            "amr mfa and the Global Administrator wid must be recognised"
        );
        assert_eq!(user.expires_at.timestamp(), 1776250000);
    }

    #[test]
    fn a_token_without_a_tenant_is_a_bad_response_naming_the_claim() {
        let err =
            SignedInUser::from_access_token(&jwt(serde_json::json!({"upn":"u","oid":"o","exp":1})))
                .unwrap_err();
        assert!(
            matches!(&err, Error::BadResponse { field, .. } if field == "access_token.tid"),
            "the missing claim must be named: {err}"
        );
    }
}
