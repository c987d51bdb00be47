//! Microsoft Graph as the signed-in partner user, for the billing exports only: the Graph
//! token bought with the account's refresh token and the retries of the shared send loop
//! (crate::resource_call), and Graph's error body (`{"error":{"code","message"}}`) named in the errors. A link Microsoft
//! hands back (`Location`, the manifest's navigation link) must stay on the Graph origin the
//! token was issued for.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, LOCATION};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use url::Url;

use super::Export;
use crate::authority::Resource;
use crate::backoff::RetryPolicy;
use crate::client::{CallEvent, CallObserver};
use crate::error::{Error, Result};
use crate::resource_call::Audience;
use crate::session::Session;
use crate::settings::checked_url;

/// The Graph partner billing exports of one signed-in account.
#[derive(Clone)]
pub struct GraphBilling {
    pub(super) session: Arc<Session>,
    pub(super) base: Url,
    pub(super) retry: RetryPolicy,
    /// For blobs: no total timeout (a blob may take minutes), a read timeout instead.
    pub(super) blobs: reqwest::Client,
    /// Told of every request sent (Graph and blobs), as Partner Center's client tells its
    /// observer, so a run's request count includes the exports.
    pub(super) observer: Option<CallObserver>,
}

impl std::fmt::Debug for GraphBilling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphBilling")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// Graph's error body.
#[derive(Debug, Default, Deserialize)]
pub(super) struct GraphError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
}

impl GraphError {
    fn parse(body: &[u8]) -> GraphError {
        #[derive(Deserialize)]
        struct Envelope {
            error: GraphError,
        }
        serde_json::from_slice::<Envelope>(body)
            .map(|e| e.error)
            .unwrap_or_default()
    }
}

/// A successful answer.
pub(super) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl GraphBilling {
    /// A client on the account's Graph base (`graph_base` of its settings).
    pub fn new(session: Arc<Session>) -> Result<GraphBilling> {
        let base = checked_url("graphBase", &session.settings().graph_base)?;
        let blobs = session.settings().blob_http_client()?;
        Ok(GraphBilling {
            session,
            base,
            retry: RetryPolicy::default(),
            blobs,
            observer: None,
        })
    }

    /// Tells `observer` of every request sent (its endpoint a path, never a SAS).
    pub fn with_observer(mut self, observer: CallObserver) -> GraphBilling {
        self.observer = Some(observer);
        self
    }

    /// Reports one request to the observer, if there is one.
    pub(super) fn observe(
        &self,
        endpoint: &str,
        request_id: uuid::Uuid,
        sent_at: std::time::Instant,
        status: Option<u16>,
        retry_after: Option<Duration>,
    ) {
        if let Some(observer) = &self.observer {
            observer(&CallEvent {
                endpoint: endpoint.to_string(),
                request_id,
                sent_at,
                received_at: std::time::Instant::now(),
                status,
                retry_after,
            });
        }
    }

    /// Uses `retry` for 429, 5xx and dropped connections (Graph and blobs).
    pub fn with_retry(mut self, retry: RetryPolicy) -> GraphBilling {
        self.retry = retry;
        self
    }

    /// Asks Microsoft to prepare `export`; the operation's address to poll.
    pub async fn start(&self, export: &Export) -> Result<String> {
        let url = self.under_base(export.path())?;
        let answer = self
            .send(Method::POST, url, Some(export.body()), export.path())
            .await?;
        if answer.status != StatusCode::ACCEPTED {
            return Err(Error::BadResponse {
                endpoint: export.path().into(),
                field: "status".into(),
                detail: format!(
                    "expected 202 Accepted with a Location, got {}",
                    answer.status.as_u16()
                ),
            });
        }
        let location = answer
            .headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| Error::BadResponse {
                endpoint: export.path().into(),
                field: "Location".into(),
                detail: "the 202 answer names no operation to poll".into(),
            })?;
        Ok(self.link(location, "Location")?.to_string())
    }

    /// The path under the base, as a URL.
    fn under_base(&self, path: &str) -> Result<Url> {
        let joined = format!("{}{path}", self.base.as_str().trim_end_matches('/'));
        Url::parse(&joined).map_err(|e| Error::invalid_settings("graphBase", e.to_string()))
    }

    /// A link Microsoft sent: absolute on the Graph origin, or relative to the base.
    pub(super) fn link(&self, link: &str, field: &str) -> Result<Url> {
        let url = match Url::parse(link) {
            Ok(abs) => abs,
            // `/v1.0/...` is on the base's origin; `reports/...` under the base.
            Err(url::ParseError::RelativeUrlWithoutBase) if link.starts_with('/') => {
                self.base.join(link).map_err(|e| Error::BadResponse {
                    endpoint: path_of(link),
                    field: field.into(),
                    detail: e.to_string(),
                })?
            }
            Err(url::ParseError::RelativeUrlWithoutBase) => self.under_base(&format!("/{link}"))?,
            Err(e) => {
                return Err(Error::BadResponse {
                    endpoint: path_of(link),
                    field: field.into(),
                    detail: e.to_string(),
                })
            }
        };
        if url.origin() != self.base.origin() {
            // The bearer token must never go to another host.
            return Err(Error::BadResponse {
                endpoint: url.path().to_string(),
                field: field.into(),
                detail: "points outside the Microsoft Graph host".into(),
            });
        }
        Ok(url)
    }

    /// Sends one request with the Graph token until it succeeds or its failure is final
    /// (the shared loop of [`crate::resource_call`]), and reads the whole answer.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<serde_json::Value>,
        endpoint: &str,
    ) -> Result<Answer> {
        let observe = |endpoint: &str,
                       request_id: uuid::Uuid,
                       sent_at: std::time::Instant,
                       status: Option<u16>,
                       retry_after: Option<Duration>| {
            self.observe(endpoint, request_id, sent_at, status, retry_after)
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let graph = Audience {
            session: &self.session,
            resource: Resource::Graph,
            retry: &self.retry,
            observe: &observe,
            headers,
            error_body: |bytes| {
                let e = GraphError::parse(bytes);
                (e.code, e.message)
            },
            forbidden: |detail| Error::GraphConsent { detail },
        };
        let mut failures = 0u32;
        loop {
            let response = graph
                .open(
                    method.clone(),
                    url.clone(),
                    body.as_ref(),
                    endpoint,
                    &mut failures,
                )
                .await?;
            let status = response.status();
            let headers = response.headers().clone();
            match response.bytes().await {
                Ok(b) => {
                    return Ok(Answer {
                        status,
                        headers,
                        body: b.to_vec(),
                    })
                }
                Err(_) => {
                    failures += 1;
                    if failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint: endpoint.into(),
                            detail: "connection dropped while reading the answer".into(),
                        });
                    }
                    tokio::time::sleep(self.retry.backoff(failures, rand::random())).await;
                }
            }
        }
    }
}

/// The path of a link without host and query, for messages.
pub(super) fn path_of(link: &str) -> String {
    match Url::parse(link) {
        Ok(u) => u.path().to_string(),
        Err(_) => link.split('?').next().unwrap_or(link).to_string(),
    }
}
