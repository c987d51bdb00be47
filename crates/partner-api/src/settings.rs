//! Per partner account settings: where to sign in and which APIs to call. Defaults are
//! Microsoft's real endpoints; the emulator (or a sovereign cloud) is just another set of URLs.
//! Validation refuses plain http anywhere but loopback, so a typo cannot send tokens in clear text.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::error::{Error, Result};

/// Microsoft's authority host.
pub const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";
/// Partner Center REST base.
pub const DEFAULT_PARTNER_CENTER: &str = "https://api.partnercenter.microsoft.com";
/// Azure Resource Manager base.
pub const DEFAULT_ARM: &str = "https://management.azure.com";
/// Microsoft Graph base (v1.0): the partner billing exports of new commerce.
pub const DEFAULT_GRAPH: &str = "https://graph.microsoft.com/v1.0";
/// The Pricing API base (v1.0): price sheets and FX rates.
pub const DEFAULT_PRICING: &str = "https://api.partner.microsoft.com/v1.0";
/// Where the emulator serves the Pricing API under its origin (its `pricing::BASE`).
const EMULATOR_PRICING_PATH: &str = "/partner/v1.0";

/// Where and as which app one partner account signs in and calls Microsoft.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiSettings {
    /// Authority host, e.g. `https://login.microsoftonline.com`.
    pub authority: String,
    /// Partner tenant id or domain (`organizations` works for a first sign-in).
    pub tenant: String,
    /// Application (client) id of the public client registration.
    pub client_id: String,
    /// Delegated scopes requested at sign-in and refresh.
    pub scopes: Vec<String>,
    /// Partner Center REST base.
    pub partner_center_base: String,
    /// Azure Resource Manager base.
    pub arm_base: String,
    /// Microsoft Graph base with its version (`https://graph.microsoft.com/v1.0`).
    #[serde(default = "default_graph")]
    pub graph_base: String,
    /// The Pricing API base with its version (`https://api.partner.microsoft.com/v1.0`).
    #[serde(default = "default_pricing")]
    pub pricing_base: String,
    /// Extra CA certificate (PEM text) to trust, e.g. the emulator's `--tls` CA.
    #[serde(default)]
    pub extra_ca_pem: Option<String>,
}

impl ApiSettings {
    /// Microsoft's endpoints and the Partner Center scopes for `tenant` and `client_id`.
    pub fn new(tenant: impl Into<String>, client_id: impl Into<String>) -> Self {
        ApiSettings {
            authority: DEFAULT_AUTHORITY.to_string(),
            tenant: tenant.into(),
            client_id: client_id.into(),
            scopes: default_scopes(),
            partner_center_base: DEFAULT_PARTNER_CENTER.to_string(),
            arm_base: DEFAULT_ARM.to_string(),
            graph_base: DEFAULT_GRAPH.to_string(),
            pricing_base: DEFAULT_PRICING.to_string(),
            extra_ca_pem: None,
        }
    }

    /// Every surface served from one base URL (the emulator serves identity and Partner Center
    /// from the same origin; Graph under its `/v1.0`, the Pricing API under `/partner/v1.0`).
    pub fn single_origin(
        base: &str,
        tenant: impl Into<String>,
        client_id: impl Into<String>,
    ) -> Self {
        let base = base.trim_end_matches('/').to_string();
        ApiSettings {
            authority: base.clone(),
            partner_center_base: base.clone(),
            graph_base: format!("{base}/v1.0"),
            pricing_base: format!("{base}{EMULATOR_PRICING_PATH}"),
            arm_base: base,
            ..ApiSettings::new(tenant, client_id)
        }
    }

    /// Checks every URL (https unless loopback), the tenant, the client id and the scopes.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("authority", &self.authority),
            ("partnerCenterBase", &self.partner_center_base),
            ("armBase", &self.arm_base),
            ("graphBase", &self.graph_base),
            ("pricingBase", &self.pricing_base),
        ] {
            checked_url(name, value)?;
        }
        if self.tenant.trim().is_empty() || self.tenant.contains(['/', '?', '#', ' ']) {
            return Err(Error::invalid_settings(
                "tenant",
                "enter the partner tenant id or domain (no slashes or spaces)",
            ));
        }
        if self.client_id.trim().is_empty() {
            return Err(Error::invalid_settings(
                "clientId",
                "enter the application (client) id",
            ));
        }
        if self.scopes.iter().all(|s| s.trim().is_empty()) {
            return Err(Error::invalid_settings(
                "scopes",
                "at least the Partner Center scope is needed",
            ));
        }
        if let Some(pem) = &self.extra_ca_pem {
            reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::invalid_settings("extraCaPem", format!("not a PEM certificate: {e}"))
            })?;
        }
        Ok(())
    }

    /// `{authority}/{tenant}/oauth2/v2.0/{leaf}`.
    pub(crate) fn identity_url(&self, leaf: &str) -> Result<Url> {
        checked_url(
            "authority",
            &format!(
                "{}/{}/oauth2/v2.0/{leaf}",
                self.authority.trim_end_matches('/'),
                self.tenant
            ),
        )
    }

    /// An HTTP client for export blobs: these settings' trust roots, no total timeout (a blob
    /// may take minutes to stream) but a read timeout, so a stalled download still ends.
    pub(crate) fn blob_http_client(&self) -> Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(60))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &self.extra_ca_pem {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::invalid_settings("extraCaPem", format!("not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        builder.build().map_err(|e| {
            Error::invalid_settings("extraCaPem", format!("cannot build an HTTP client: {e}"))
        })
    }

    /// An HTTP client with these settings' trust roots and `timeout` per request.
    pub(crate) fn http_client(&self, timeout: Duration) -> Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            // Token endpoints must never be redirected elsewhere (RFC 6749 §3.2 / oauth2 crate advice).
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &self.extra_ca_pem {
            let cert = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| {
                Error::invalid_settings("extraCaPem", format!("not a PEM certificate: {e}"))
            })?;
            builder = builder.add_root_certificate(cert);
        }
        builder.build().map_err(|e| {
            Error::invalid_settings("extraCaPem", format!("cannot build an HTTP client: {e}"))
        })
    }
}

fn default_graph() -> String {
    DEFAULT_GRAPH.to_string()
}

fn default_pricing() -> String {
    DEFAULT_PRICING.to_string()
}

/// Partner Center `user_impersonation` plus `offline_access openid profile` (refresh and id tokens).
pub fn default_scopes() -> Vec<String> {
    [
        "https://api.partnercenter.microsoft.com/user_impersonation",
        "offline_access",
        "openid",
        "profile",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Parses `value` and refuses anything but https, except plain http to a loopback host.
pub(crate) fn checked_url(setting: &str, value: &str) -> Result<Url> {
    let url = Url::parse(value)
        .map_err(|e| Error::invalid_settings(setting, format!("`{value}` is not a URL ({e})")))?;
    let loopback = match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(Error::invalid_settings(setting, format!("`{value}` uses plain http; only https is allowed except for 127.0.0.1, localhost or [::1]"))),
        other => Err(Error::invalid_settings(setting, format!("`{value}` uses `{other}`; use https"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_microsofts_endpoints_and_validate() {
        let s = ApiSettings::new(
            "contoso.onmicrosoft.com",
            "c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48",
        );
        assert_eq!(s.authority, "https://login.microsoftonline.com");
        assert_eq!(
            s.partner_center_base,
            "https://api.partnercenter.microsoft.com"
        );
        assert!(
            s.scopes.contains(&"offline_access".to_string()),
            "without offline_access there is no refresh token"
        );
        s.validate()
            .expect("Microsoft's own endpoints must validate");
    }

    #[test]
    fn plain_http_is_only_allowed_on_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
            "https://example.com",
        ] {
            assert!(
                checked_url("authority", ok).is_ok(),
                "{ok} is https or loopback and must be accepted"
            );
        }
        for bad in [
            "http://example.com",
            "http://10.0.0.1",
            "ftp://127.0.0.1",
            "http://localhost.evil.com",
            "not a url",
        ] {
            let err = checked_url("authority", bad).expect_err(bad);
            assert_eq!(
                err.code(),
                crate::ErrorCode::InvalidSettings,
                "{bad} must be refused as an invalid setting"
            );
        }
        let mut s = ApiSettings::new("t", "c");
        s.partner_center_base = "http://api.example.com".into();
        assert!(
            s.validate().is_err(),
            "a remote http API base would leak bearer tokens"
        );
    }
}
