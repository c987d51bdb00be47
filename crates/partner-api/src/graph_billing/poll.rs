//! Waiting for Microsoft to prepare an export: poll the operation, never before the
//! `Retry-After` it asks for (or a default pace when it names none), and give up after a
//! bounded total wait so a run never hangs on an operation that never ends. The sleeping is
//! injected ([`Sleep`]) so tests run in no time and can see every wait asked for.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Deserialize;

use super::client::{path_of, GraphBilling};
use super::Export;
use crate::backoff::parse_retry_after;
use crate::error::{Error, Result};

/// How to sleep between polls (tokio's sleep in the app; a recorder in tests).
pub type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// How long and how often to poll an operation.
#[derive(Clone)]
pub struct PollLimits {
    /// The pace when the answer names no `Retry-After`.
    pub default_wait: Duration,
    /// A `Retry-After` longer than this is waited as this (Microsoft may ask minutes; a
    /// shorter poll only costs one more request).
    pub max_wait: Duration,
    /// Total time waited before giving up with [`Error::Unavailable`].
    pub max_total: Duration,
    /// The sleep.
    pub sleep: Sleep,
}

impl Default for PollLimits {
    fn default() -> Self {
        PollLimits {
            default_wait: Duration::from_secs(10),
            max_wait: Duration::from_secs(120),
            max_total: Duration::from_secs(60 * 60),
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

/// Code of a failed operation that means "no data for this request" (an invoice with no
/// usage, a legacy invoice, a period not yet rated).
pub const NO_DATA_CODE: &str = "5000";

/// How an export's preparation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prepared {
    /// The manifest's address.
    Ready {
        /// Absolute URL of the manifest on the Graph host.
        manifest: String,
    },
    /// Microsoft has no data for this request (failed operation, code 5000).
    NoData {
        /// Microsoft's message.
        message: String,
    },
}

/// One operation status as Graph answers it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Operation {
    #[serde(default)]
    status: String,
    #[serde(default, rename = "resourceLocation@odata.navigationLink")]
    resource_location: Option<String>,
    #[serde(default)]
    error: Option<OperationError>,
}

#[derive(Debug, Deserialize)]
struct OperationError {
    #[serde(default)]
    code: serde_json::Value,
    #[serde(default)]
    message: String,
}

impl GraphBilling {
    /// Polls `operation` (from [`GraphBilling::start`]) until `export` is prepared, failed
    /// or the wait is over `limits.max_total`.
    pub async fn wait(
        &self,
        export: &Export,
        operation: &str,
        limits: &PollLimits,
    ) -> Result<Prepared> {
        let url = self.link(operation, "Location")?;
        let endpoint = path_of(operation);
        let mut waited = Duration::ZERO;
        loop {
            let answer = self.send(Method::GET, url.clone(), None, &endpoint).await?;
            let op: Operation = crate::body::decode(&endpoint, &answer.body)?;
            match op.status.to_ascii_lowercase().as_str() {
                // The docs name `completed`; their example and the C# sample say `succeeded`.
                "succeeded" | "completed" => {
                    let link = op.resource_location.ok_or_else(|| Error::BadResponse {
                        endpoint: endpoint.clone(),
                        field: "resourceLocation@odata.navigationLink".into(),
                        detail: "a succeeded operation names no manifest".into(),
                    })?;
                    let manifest = self.link(&link, "resourceLocation")?;
                    return Ok(Prepared::Ready {
                        manifest: manifest.to_string(),
                    });
                }
                "failed" => {
                    let (code, message) = match op.error {
                        Some(e) => (
                            match e.code {
                                serde_json::Value::String(s) => s,
                                serde_json::Value::Null => String::new(),
                                other => other.to_string(),
                            },
                            e.message,
                        ),
                        None => (String::new(), String::new()),
                    };
                    if code == NO_DATA_CODE {
                        return Ok(Prepared::NoData { message });
                    }
                    return Err(Error::ExportFailed {
                        export: export.describe(),
                        code,
                        message,
                    });
                }
                "running" | "notstarted" | "" => {
                    let asked = parse_retry_after(
                        answer
                            .headers
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok()),
                    );
                    let wait = asked.unwrap_or(limits.default_wait).min(limits.max_wait);
                    if waited + wait > limits.max_total {
                        return Err(Error::Unavailable {
                            endpoint,
                            detail: format!(
                                "Microsoft was still preparing {} after {} s",
                                export.describe(),
                                waited.as_secs()
                            ),
                        });
                    }
                    (limits.sleep)(wait).await;
                    waited += wait;
                }
                other => {
                    return Err(Error::BadResponse {
                        endpoint,
                        field: "status".into(),
                        detail: format!("unknown operation status `{other}`"),
                    })
                }
            }
        }
    }
}
