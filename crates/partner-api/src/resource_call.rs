//! The send loop shared by the clients of Microsoft's other audiences (Graph's billing
//! exports, the Pricing API): the audience's token bought with the account's refresh token,
//! one refresh on 401, waits on 429 and 503 (never earlier than `Retry-After`), backoff on
//! other 5xx and dropped connections, and each request told to the observer. It hands back the
//! answer with its body unread, so a caller may buffer it (Graph's JSON) or stream it (a price
//! sheet); each caller names how its API words an error and what its 403 means.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, Response};
use url::Url;

use crate::authority::Resource;
use crate::backoff::{parse_retry_after, RetryPolicy};
use crate::bearer::bearer;
use crate::error::{Error, Result};
use crate::session::Session;

/// Told of each request sent: endpoint, request id, sent at, status (none: no answer),
/// `Retry-After`.
pub(crate) type Observe<'a> =
    &'a (dyn Fn(&str, uuid::Uuid, Instant, Option<u16>, Option<Duration>) + Send + Sync);

/// How one API is called.
pub(crate) struct Audience<'a> {
    pub session: &'a Session,
    pub resource: Resource,
    pub retry: &'a RetryPolicy,
    pub observe: Observe<'a>,
    /// Headers every request carries besides the bearer token (`Accept`, ...).
    pub headers: HeaderMap,
    /// The API's error body as (code, message); empty strings when it is not one.
    pub error_body: fn(&[u8]) -> (String, String),
    /// What a 403 means for this API, given the error's words.
    pub forbidden: fn(String) -> Error,
}

fn words((code, message): &(String, String)) -> String {
    format!("{code} {message}").trim().to_string()
}

impl Audience<'_> {
    /// Sends one request until it is answered with success (body unread) or its failure is
    /// final. A transport failure counts against the retry budget `failures`, which the caller
    /// may share with failures of its own (a body cut off while read).
    pub(crate) async fn open(
        &self,
        method: Method,
        url: Url,
        body: Option<&serde_json::Value>,
        endpoint: &str,
        failures: &mut u32,
    ) -> Result<Response> {
        let mut token = self.session.token_for(&self.resource).await?;
        let (mut throttles, mut refreshed) = (0u32, false);
        let request_id = uuid::Uuid::new_v4();
        loop {
            let mut headers = self.headers.clone();
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
            let sent_at = Instant::now();
            let response = match request.send().await {
                Ok(r) => r,
                Err(e) => {
                    (self.observe)(endpoint, request_id, sent_at, None, None);
                    *failures += 1;
                    if *failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint: endpoint.into(),
                            detail: crate::client::transport_text(&e),
                        });
                    }
                    tokio::time::sleep(self.retry.backoff(*failures, jitter)).await;
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
            (self.observe)(
                endpoint,
                request_id,
                sent_at,
                Some(status.as_u16()),
                retry_after,
            );
            if status.is_success() {
                return Ok(response);
            }
            let bytes = response
                .bytes()
                .await
                .map(|b| b.to_vec())
                .unwrap_or_default();
            let error = (self.error_body)(&bytes);
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
                        endpoint: endpoint.into(),
                        detail: words(&error),
                    })
                }
                403 => return Err((self.forbidden)(words(&error))),
                404 => {
                    return Err(Error::NotFound {
                        endpoint: endpoint.into(),
                    })
                }
                429 | 503 => {
                    throttles += 1;
                    match self.retry.throttle_wait(throttles, retry_after, jitter) {
                        Some(wait) if throttles <= self.retry.max_throttle_waits => {
                            tokio::time::sleep(wait).await
                        }
                        wait if status.as_u16() == 429 => {
                            return Err(Error::Throttled {
                                endpoint: endpoint.into(),
                                retry_after: retry_after.or(wait).unwrap_or(Duration::ZERO),
                            })
                        }
                        _ => {
                            return Err(Error::Unavailable {
                                endpoint: endpoint.into(),
                                detail: format!("HTTP 503 {}", words(&error)).trim().into(),
                            })
                        }
                    }
                }
                408 | 500..=599 => {
                    *failures += 1;
                    if *failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint: endpoint.into(),
                            detail: format!("HTTP {} {}", status.as_u16(), words(&error))
                                .trim()
                                .into(),
                        });
                    }
                    let wait = self
                        .retry
                        .backoff(*failures, jitter)
                        .max(retry_after.unwrap_or_default());
                    tokio::time::sleep(wait).await;
                }
                other => {
                    return Err(Error::Rejected {
                        endpoint: endpoint.into(),
                        status: other,
                        code: error.0,
                        detail: error.1,
                    })
                }
            }
        }
    }
}
