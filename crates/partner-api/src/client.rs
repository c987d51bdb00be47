//! The Partner Center HTTP client: one place that adds the documented headers, limits
//! concurrency, retries what Microsoft says is retryable (429/204 after `Retry-After`, 5xx and
//! transport failures with backoff, one refresh on 401), maps the rest to [`Error`] and decodes
//! bodies so a malformed one names the endpoint and the JSON field. Resource methods live in
//! the modules named after each resource.
//!
//! A 200 whose body is not JSON at all (cut short, or garbled on the way) is what a connection
//! that ends mid-body looks like, so it is retried within the same budget as a 503 before it
//! counts as malformed. A well-formed body of the wrong shape is not retried: asking again
//! would bring the same answer.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::backoff::{parse_retry_after, RetryPolicy};
pub(crate) use crate::body::decode;
use crate::body::{is_json, whole};
use crate::error::{Error, Result};
use crate::paging::{decode_page, is_link_header_allowed, Continuation, Page, PageGuard};
use crate::session::Session;
use crate::settings::checked_url;

/// Observer of individual HTTP attempts (diagnostics, tests). Never sees a token.
pub type CallObserver = Arc<dyn Fn(&CallEvent) + Send + Sync>;

/// One HTTP attempt of a logical call, reported after its response (or failure) arrived.
#[derive(Clone, Debug)]
pub struct CallEvent {
    /// Path and query called.
    pub endpoint: String,
    /// `MS-RequestId` (the same on every attempt of one logical call).
    pub request_id: Uuid,
    /// When the request was sent.
    pub sent_at: Instant,
    /// When the answer (or the failure) arrived.
    pub received_at: Instant,
    /// HTTP status, `None` for a transport failure.
    pub status: Option<u16>,
    /// `Retry-After` of the answer, if any.
    pub retry_after: Option<Duration>,
}

/// Client-wide knobs.
#[derive(Clone)]
pub struct ClientOptions {
    /// Requests in flight at once, shared by every call of the client.
    pub max_concurrency: usize,
    /// Retry budget.
    pub retry: RetryPolicy,
    /// Timeout of one HTTP attempt.
    pub request_timeout: Duration,
    /// `X-Locale`.
    pub locale: String,
    /// `MS-PartnerCenter-Application`.
    pub application: String,
    /// Receives every attempt.
    pub observer: Option<CallObserver>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            max_concurrency: 4,
            retry: RetryPolicy::default(),
            request_timeout: Duration::from_secs(120),
            locale: "en-US".into(),
            application: "CSP Desk".into(),
            observer: None,
        }
    }
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("max_concurrency", &self.max_concurrency)
            .field("retry", &self.retry)
            .field("locale", &self.locale)
            .finish_non_exhaustive()
    }
}

struct Inner {
    session: Arc<Session>,
    http: reqwest::Client,
    base: String,
    options: ClientOptions,
    permits: Semaphore,
}

/// Partner Center as one signed-in account. Cheap to clone; clones share the concurrency limit.
#[derive(Clone)]
pub struct PartnerCenter {
    inner: Arc<Inner>,
}

/// Partner Center's error body `{code, description}`.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

impl ErrorBody {
    fn parse(bytes: &[u8]) -> ErrorBody {
        serde_json::from_slice(bytes).unwrap_or_default()
    }
    fn code(&self) -> String {
        match &self.code {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        }
    }
    fn text(&self) -> String {
        self.description
            .clone()
            .or_else(|| self.message.clone())
            .unwrap_or_default()
    }
}

/// How one attempt ended.
enum Attempt {
    Done(Vec<u8>),
    Retry { wait: Duration, last: Error },
    Refresh,
    Fail(Error),
}

impl PartnerCenter {
    /// A client calling `session`'s Partner Center base.
    pub fn new(session: Arc<Session>, options: ClientOptions) -> Result<PartnerCenter> {
        let base = checked_url("partnerCenterBase", &session.settings().partner_center_base)?
            .as_str()
            .trim_end_matches('/')
            .to_string();
        let http = session.settings().http_client(options.request_timeout)?;
        let permits = Semaphore::new(options.max_concurrency.max(1));
        Ok(PartnerCenter {
            inner: Arc::new(Inner {
                session,
                http,
                base,
                options,
                permits,
            }),
        })
    }

    /// The session the client calls as.
    pub fn session(&self) -> &Arc<Session> {
        &self.inner.session
    }

    /// GETs `path` (under the base, starting with `/v1/`) and decodes the body.
    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        headers: &[(String, String)],
    ) -> Result<T> {
        self.fetch(path, headers, |bytes| decode(path, bytes)).await
    }

    /// One page of a collection: the first (`first`) or the one `next` points at. Items that
    /// do not decode are set aside (see [`crate::paging`]); the others are read.
    pub(crate) async fn page<T: DeserializeOwned>(
        &self,
        first: &str,
        next: Option<&Continuation>,
    ) -> Result<Page<T>> {
        let (path, headers) = match next {
            Some(c) => (c.path.as_str(), c.headers.as_slice()),
            None => (first, &[][..]),
        };
        self.fetch(path, headers, |bytes| decode_page(path, bytes))
            .await
    }

    /// Every item of a collection, following `links.next` to the last page. A server cannot
    /// keep this going for ever: a repeated link, a run of empty pages that still point onwards,
    /// or more pages than any real collection has all end it (see [`PageGuard`]). This reads
    /// whole collections or nothing: an item that would be set aside fails the read, naming
    /// it (Discovery reads page by page and keeps set-aside items instead).
    pub(crate) async fn all<T: DeserializeOwned>(&self, first: &str) -> Result<Vec<T>> {
        let mut page: Page<T> = self.page(first, None).await?;
        let mut guard = PageGuard::default();
        guard.check(first, page.items.len(), page.next.as_ref())?;
        whole(first, &page)?;
        let mut items = std::mem::take(&mut page.items);
        while let Some(next) = page.next.take() {
            page = self.page(first, Some(&next)).await?;
            guard.check(first, page.items.len(), page.next.as_ref())?;
            whole(first, &page)?;
            items.append(&mut page.items);
        }
        Ok(items)
    }

    /// The decoded body of a successful GET, after retries. `read` decodes it; a body that
    /// is not JSON at all is retried like a 503 (see the module docs).
    async fn fetch<T>(
        &self,
        path: &str,
        extra: &[(String, String)],
        read: impl Fn(&[u8]) -> Result<T>,
    ) -> Result<T> {
        let inner = &self.inner;
        let request_id = Uuid::new_v4();
        let correlation_id = Uuid::new_v4();
        let mut token = inner.session.access_token().await?;
        let (mut failures, mut throttles, mut refreshed) = (0u32, 0u32, false);
        loop {
            let outcome = {
                let _permit = inner
                    .permits
                    .acquire()
                    .await
                    .map_err(|_| Error::Unavailable {
                        endpoint: path.into(),
                        detail: "client is shutting down".into(),
                    })?;
                let headers = self.headers(token.expose(), request_id, correlation_id, extra)?;
                let sent_at = Instant::now();
                let result = send(&inner.http, &format!("{}{path}", inner.base), headers).await;
                let received_at = Instant::now();
                let (status, retry_after) = match &result {
                    Ok((s, h, _)) => (
                        Some(s.as_u16()),
                        parse_retry_after(h.get("retry-after").and_then(|v| v.to_str().ok())),
                    ),
                    Err(_) => (None, None),
                };
                if let Some(observer) = &inner.options.observer {
                    observer(&CallEvent {
                        endpoint: path.to_string(),
                        request_id,
                        sent_at,
                        received_at,
                        status,
                        retry_after,
                    });
                }
                self.judge(path, result, &mut failures, &mut throttles, refreshed)
            };
            match outcome {
                Attempt::Done(bytes) => match read(&bytes) {
                    Ok(value) => return Ok(value),
                    Err(e) if !is_json(&bytes) => {
                        failures += 1;
                        let policy = &inner.options.retry;
                        if failures >= policy.max_attempts {
                            return Err(e);
                        }
                        let wait = policy.backoff(failures, rand::random());
                        tracing::debug!(
                            endpoint = path,
                            wait_ms = wait.as_millis() as u64,
                            "Partner Center's answer was not whole JSON; asking again"
                        );
                        tokio::time::sleep(wait).await;
                    }
                    Err(e) => return Err(e),
                },
                Attempt::Fail(e) => return Err(e),
                Attempt::Refresh => {
                    refreshed = true;
                    tracing::debug!(
                        endpoint = path,
                        "401 from Partner Center; refreshing the access token once"
                    );
                    token = inner.session.refresh_after_rejection(&token).await?;
                }
                Attempt::Retry { wait, last } => {
                    tracing::debug!(endpoint = path, wait_ms = wait.as_millis() as u64, reason = %last.code_text(), "retrying Partner Center call");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    fn headers(
        &self,
        token: &str,
        request_id: Uuid,
        correlation_id: Uuid,
        extra: &[(String, String)],
    ) -> Result<HeaderMap> {
        let o = &self.inner.options;
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, crate::bearer::bearer(token)?);
        h.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let text = |v: &str| HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static(""));
        h.insert("ms-requestid", text(&request_id.to_string()));
        h.insert("ms-correlationid", text(&correlation_id.to_string()));
        h.insert("ms-contract-version", HeaderValue::from_static("v1"));
        h.insert("x-locale", text(&o.locale));
        h.insert("ms-partnercenter-application", text(&o.application));
        // Link headers come from the server (and from persisted continuations): only the
        // continuation token may pass, so a link can never replace Authorization or redirect
        // the call with headers of its own.
        for (k, v) in extra {
            if !is_link_header_allowed(k) {
                continue;
            }
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                h.insert(name, value);
            }
        }
        Ok(h)
    }

    /// Classifies one attempt's result, counting it against the right budget.
    fn judge(
        &self,
        path: &str,
        result: std::result::Result<(StatusCode, HeaderMap, Vec<u8>), String>,
        failures: &mut u32,
        throttles: &mut u32,
        refreshed: bool,
    ) -> Attempt {
        let policy = &self.inner.options.retry;
        let jitter: f64 = rand::random();
        let endpoint = || path.to_string();
        let transient = |failures: &mut u32, last: Error, floor: Option<Duration>| {
            *failures += 1;
            if *failures >= policy.max_attempts {
                return Attempt::Fail(last);
            }
            let wait = policy
                .backoff(*failures, jitter)
                .max(floor.unwrap_or_default());
            Attempt::Retry { wait, last }
        };
        let (status, headers, body) = match result {
            Ok(r) => r,
            Err(detail) => {
                return transient(
                    failures,
                    Error::Unavailable {
                        endpoint: endpoint(),
                        detail,
                    },
                    None,
                )
            }
        };
        let retry_after =
            parse_retry_after(headers.get("retry-after").and_then(|v| v.to_str().ok()));
        match status.as_u16() {
            204 | 429 => {
                *throttles += 1;
                let wait = policy.throttle_wait(*throttles, retry_after, jitter);
                // What the error reports: Microsoft's ask, or else the wait we chose.
                let asked = retry_after.or(wait).unwrap_or_default();
                let last = if status == StatusCode::NO_CONTENT {
                    Error::Unavailable {
                        endpoint: endpoint(),
                        detail: format!(
                            "data not ready yet (204), retry after {} s",
                            asked.as_secs()
                        ),
                    }
                } else {
                    Error::Throttled {
                        endpoint: endpoint(),
                        retry_after: asked,
                    }
                };
                match wait {
                    Some(wait) if *throttles <= policy.max_throttle_waits => {
                        Attempt::Retry { wait, last }
                    }
                    _ => Attempt::Fail(last),
                }
            }
            200..=299 => Attempt::Done(body),
            401 => {
                let err = ErrorBody::parse(&body);
                if err.code() == "900421" {
                    Attempt::Fail(Error::MfaRequired)
                } else if !refreshed {
                    Attempt::Refresh
                } else {
                    Attempt::Fail(Error::Unauthorized {
                        endpoint: endpoint(),
                        detail: err.text(),
                    })
                }
            }
            403 => {
                let err = ErrorBody::parse(&body);
                if err.code() == "20002" {
                    Attempt::Fail(Error::NoRelationship {
                        endpoint: endpoint(),
                    })
                } else {
                    Attempt::Fail(Error::Forbidden {
                        endpoint: endpoint(),
                        detail: err.text(),
                    })
                }
            }
            404 => Attempt::Fail(Error::NotFound {
                endpoint: endpoint(),
            }),
            408 | 500..=599 => {
                let err = ErrorBody::parse(&body);
                transient(
                    failures,
                    Error::Unavailable {
                        endpoint: endpoint(),
                        detail: format!("HTTP {} {}", status.as_u16(), err.text())
                            .trim()
                            .to_string(),
                    },
                    retry_after,
                )
            }
            other => {
                let err = ErrorBody::parse(&body);
                Attempt::Fail(Error::Rejected {
                    endpoint: endpoint(),
                    status: other,
                    code: err.code(),
                    detail: err.text(),
                })
            }
        }
    }
}

impl Error {
    fn code_text(&self) -> String {
        format!("{:?}", self.code())
    }
}

/// One HTTP GET; transport failures (including a body cut off mid-way) become `Err(text)`.
async fn send(
    http: &reqwest::Client,
    url: &str,
    headers: HeaderMap,
) -> std::result::Result<(StatusCode, HeaderMap, Vec<u8>), String> {
    let response = http
        .get(url)
        .headers(headers)
        .send()
        .await
        .map_err(|e| transport_text(&e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(|e| transport_text(&e))?;
    Ok((status, headers, body.to_vec()))
}

/// A transport failure in words, without the URL reqwest's own message carries (a SAS or a
/// token may be in it).
pub(crate) fn transport_text(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "connection dropped while reading the answer"
    } else {
        "connection failed"
    };
    kind.to_string()
}
