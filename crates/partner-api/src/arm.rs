//! Azure Resource Manager calls as the signed-in partner user: the ARM token bought with the
//! account's refresh token, `api-version` on every call, one token refresh on 401, waits on 429
//! and backoff on 5xx, and ARM's error body (`{"error":{"code","message","target"}}`) kept
//! whole so resource modules (Azure Stack, Cost Management) can map its code to guidance.
//!
//! Its loop is its own, not `resource_call`'s: ARM hands a 403, a 404 and a 5xx that carries a
//! provider's code back to the resource module as an [`ArmFailure`] to name (Azure Stack's
//! `RegistrationNotFound`, `MetadataResolverBadGatewayError`), where Graph and the Pricing API
//! end the call with a typed error; and a 503 is retried as an outage, not waited out as
//! throttling. The bearer header and transport wording are shared (`bearer`, `transport_text`).

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::authority::Resource;
use crate::backoff::{parse_retry_after, RetryPolicy};
use crate::bearer::bearer;
use crate::error::{Error, Result};
use crate::session::Session;
use crate::settings::checked_url;

/// ARM's error body.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct ArmErrorBody {
    /// Error code, e.g. `RegistrationNotFound`.
    #[serde(default)]
    pub code: String,
    /// ARM's message.
    #[serde(default)]
    pub message: String,
    /// What the error is about, when ARM says.
    #[serde(default)]
    pub target: Option<String>,
}

impl ArmErrorBody {
    fn parse(body: &[u8]) -> ArmErrorBody {
        #[derive(Deserialize)]
        struct Envelope {
            error: ArmErrorBody,
        }
        serde_json::from_slice::<Envelope>(body)
            .map(|e| e.error)
            .unwrap_or_default()
    }
}

/// An ARM answer that is not a success, before a resource module judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArmFailure {
    /// HTTP status.
    pub status: u16,
    /// The error body (empty code when ARM sent none).
    pub error: ArmErrorBody,
}

/// A successful answer: status and body (empty for 201/204 without content).
#[derive(Debug, Clone)]
pub struct ArmAnswer {
    /// HTTP status.
    pub status: StatusCode,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// ARM client of one signed-in account.
#[derive(Clone, Debug)]
pub struct Arm {
    session: Arc<Session>,
    base: String,
    resource: Resource,
    retry: RetryPolicy,
}

impl Arm {
    /// A client on the account's ARM host (`arm_base` of its settings).
    pub fn new(session: Arc<Session>) -> Result<Arm> {
        let base = checked_url("armBase", &session.settings().arm_base)?
            .as_str()
            .trim_end_matches('/')
            .to_string();
        Ok(Arm {
            session,
            base,
            resource: Resource::Arm,
            retry: RetryPolicy::default(),
        })
    }

    /// A client of an Azure Stack Hub's admin ARM at `endpoint`
    /// (`https://adminmanagement.{region}.{fqdn}`). The token's audience is the one the Stack
    /// publishes at `{endpoint}/metadata/endpoints` (`authentication.audiences[0]`, usually an
    /// app id URI of the Stack's directory, not the endpoint itself), read once here.
    pub async fn stack_admin(session: Arc<Session>, endpoint: &str) -> Result<Arm> {
        let base = checked_url("stackAdminEndpoint", endpoint)?
            .as_str()
            .trim_end_matches('/')
            .to_string();
        let audience = stack_audience(session.http(), &base).await?;
        Ok(Arm {
            session,
            resource: Resource::StackAdmin(audience),
            base,
            retry: RetryPolicy::default(),
        })
    }

    /// Uses `retry` for 429 and 5xx answers.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Arm {
        self.retry = retry;
        self
    }

    /// Sends `method` to `path` (from `/subscriptions/...`, or a full `nextLink` on the same
    /// host) with `api_version`. `Ok(Err(failure))` is ARM's own refusal, for the caller to
    /// name; `Err` is what every ARM call shares (sign-in, throttling, outage).
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: Option<&Value>,
    ) -> Result<std::result::Result<ArmAnswer, ArmFailure>> {
        let url = self.url(path, api_version)?;
        let endpoint = endpoint_of(path);
        let mut token = self.session.token_for(&self.resource).await?;
        let (mut failures, mut throttles, mut refreshed) = (0u32, 0u32, false);
        loop {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, bearer(token.expose())?);
            let mut request = self
                .session
                .http()
                .request(method.clone(), url.clone())
                .headers(headers);
            if let Some(b) = body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(b.to_string());
            }
            let jitter: f64 = rand::random();
            let sent = request.send().await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    failures += 1;
                    if failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint,
                            detail: crate::client::transport_text(&e),
                        });
                    }
                    tokio::time::sleep(self.retry.backoff(failures, jitter)).await;
                    continue;
                }
            };
            let status = response.status();
            let retry_after = parse_retry_after(
                response
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()),
            );
            let bytes = response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            if status.is_success() {
                return Ok(Ok(ArmAnswer {
                    status,
                    body: bytes,
                }));
            }
            let error = ArmErrorBody::parse(&bytes);
            match status.as_u16() {
                401 if !refreshed => {
                    refreshed = true;
                    token = self
                        .session
                        .refresh_after_rejection_for(&self.resource, &token)
                        .await?;
                }
                401 => {
                    return Err(Error::Unauthorized {
                        endpoint,
                        detail: format!("{} {}", error.code, error.message)
                            .trim()
                            .to_string(),
                    })
                }
                429 => {
                    throttles += 1;
                    match self.retry.throttle_wait(throttles, retry_after, jitter) {
                        Some(wait) if throttles <= self.retry.max_throttle_waits => {
                            tokio::time::sleep(wait).await
                        }
                        wait => {
                            return Err(Error::Throttled {
                                endpoint,
                                retry_after: retry_after.or(wait).unwrap_or(Duration::ZERO),
                            })
                        }
                    }
                }
                // A 5xx with an ARM code is the provider's own answer (e.g. Azure Stack's
                // MetadataResolverBadGatewayError): the caller names it. Bare 5xx, and the
                // Stack usage API's documented retryable `ServiceUnavailable`, are retried.
                500..=599 if error.code.is_empty() || error.code == "ServiceUnavailable" => {
                    failures += 1;
                    if failures >= self.retry.max_attempts && !error.code.is_empty() {
                        // Still refused after the retries: the provider names it.
                        return Ok(Err(ArmFailure {
                            status: status.as_u16(),
                            error,
                        }));
                    }
                    if failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint,
                            detail: format!("HTTP {}", status.as_u16()),
                        });
                    }
                    let wait = self
                        .retry
                        .backoff(failures, jitter)
                        .max(retry_after.unwrap_or_default());
                    tokio::time::sleep(wait).await;
                }
                other => {
                    return Ok(Err(ArmFailure {
                        status: other,
                        error,
                    }))
                }
            }
        }
    }

    fn url(&self, path: &str, api_version: &str) -> Result<reqwest::Url> {
        let full = if path.starts_with('/') {
            format!("{}{path}", self.base)
        } else if path.starts_with(&self.base) {
            path.to_string()
        } else {
            // A nextLink must stay on the ARM host the token was issued for.
            return Err(Error::BadResponse {
                endpoint: endpoint_of(path),
                field: "nextLink".into(),
                detail: "points outside the Azure Resource Manager host".into(),
            });
        };
        let mut url = reqwest::Url::parse(&full).map_err(|e| Error::BadResponse {
            endpoint: endpoint_of(path),
            field: "nextLink".into(),
            detail: e.to_string(),
        })?;
        if !url.query_pairs().any(|(k, _)| k == "api-version") {
            url.query_pairs_mut()
                .append_pair("api-version", api_version);
        }
        Ok(url)
    }
}

/// The path of a call without host and query, for messages.
fn endpoint_of(path: &str) -> String {
    let no_host = match path.find("://") {
        Some(i) => path[i + 3..]
            .find('/')
            .map(|j| &path[i + 3 + j..])
            .unwrap_or("/"),
        None => path,
    };
    no_host.split('?').next().unwrap_or(no_host).to_string()
}

/// api-version of an Azure Stack Hub's `metadata/endpoints`.
pub const STACK_METADATA_API_VERSION: &str = "2015-01-01";

/// The audience an Azure Stack Hub's admin ARM at `base` takes tokens for, from its
/// (anonymous) `metadata/endpoints`.
async fn stack_audience(http: &reqwest::Client, base: &str) -> Result<String> {
    #[derive(Deserialize)]
    struct Metadata {
        authentication: Authentication,
    }
    #[derive(Deserialize)]
    struct Authentication {
        audiences: Vec<String>,
    }
    let endpoint = format!("{base}/metadata/endpoints");
    let url = format!("{endpoint}?api-version={STACK_METADATA_API_VERSION}");
    let unavailable = |detail: String| Error::Unavailable {
        endpoint: endpoint.clone(),
        detail,
    };
    let response = http.get(&url).send().await.map_err(|e| {
        unavailable(if e.is_timeout() {
            "timed out".into()
        } else {
            "could not connect".into()
        })
    })?;
    if !response.status().is_success() {
        return Err(unavailable(format!("HTTP {}", response.status().as_u16())));
    }
    let text = response
        .text()
        .await
        .map_err(|_| unavailable("the answer broke off".into()))?;
    let metadata: Metadata = serde_json::from_str(&text).map_err(|e| Error::BadResponse {
        endpoint: endpoint.clone(),
        field: "authentication.audiences".into(),
        detail: e.to_string(),
    })?;
    metadata
        .authentication
        .audiences
        .into_iter()
        .map(|a| a.trim().trim_end_matches('/').to_string())
        .find(|a| !a.is_empty())
        .ok_or_else(|| Error::BadResponse {
            endpoint,
            field: "authentication.audiences".into(),
            detail: "no audience listed".into(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arm_error_bodies_are_read_and_anything_else_is_empty() {
        let e = ArmErrorBody::parse(
            br#"{"error":{"code":"RegistrationNotFound","message":"m","target":"r"}}"#,
        );
        assert_eq!(e.code, "RegistrationNotFound");
        assert_eq!(e.target.as_deref(), Some("r"));
        assert_eq!(ArmErrorBody::parse(b"<html>bad gateway</html>").code, "");
    }

    #[test]
    fn endpoints_drop_host_and_query() {
        assert_eq!(
            endpoint_of("https://management.azure.com/subscriptions/x?api-version=1&$skipToken=2"),
            "/subscriptions/x"
        );
        assert_eq!(endpoint_of("/subscriptions/x?a=b"), "/subscriptions/x");
    }
}
