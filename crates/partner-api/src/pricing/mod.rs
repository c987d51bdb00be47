//! Microsoft's Pricing API (reference §6.3) as the signed-in partner user: the month's price
//! sheets (`sales/pricesheets(Market,PricesheetView)/$value`, current or history by month) and
//! FX rates (`sales/fxrates(Month)/$value`), with the Pricing audience's token bought from
//! the account's one refresh token ([`crate::PRICING_SCOPE`]) and the retries of the shared
//! send loop (crate::resource_call).
//!
//! # Bounded memory
//! A sheet is spooled to an unnamed temporary file as it arrives (chunk by chunk, nothing held
//! in memory), then opened as a [`std::io::Read`]: the CSV itself, or, when Microsoft sent
//! the zip-compressed version (asked for with `Accept-Encoding: deflate`, served from April
//! 2020), the archive's CSV entry inflated as it is read with its checksum verified (zip.rs).
//! The temporary file is gone when the reader is dropped. Spooling also lets a download cut
//! off half-way start again from nothing, inside the retry budget.
//!
//! # Errors
//! A 403 is [`Error::PricingRole`] (the user needs the Admin agent or Sales agent role); a
//! refresh token whose sign-in never consented to the Pricing API is [`Error::PricingConsent`];
//! a view Microsoft has no sheet for (404) is [`Error::NotFound`].

mod zip;

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, ACCEPT_ENCODING};
use reqwest::Method;
use url::Url;

use crate::authority::Resource;
use crate::backoff::RetryPolicy;
use crate::client::{CallEvent, CallObserver};
use crate::error::{Error, Result};
use crate::resource_call::Audience;
use crate::session::Session;
use crate::settings::checked_url;

/// Which price sheet (`PricesheetView`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SheetView {
    /// `azure_consumption`: Azure plan meters, USD estimated retail before partner earned credit.
    AzureConsumption,
    /// `updatedlicensebased`: new-commerce licences in the market's currency.
    UpdatedLicenseBased,
    /// `azure_reservations`: reservations, CSP discount included.
    AzureReservations,
}

impl SheetView {
    /// The wire name.
    pub fn wire(self) -> &'static str {
        match self {
            SheetView::AzureConsumption => "azure_consumption",
            SheetView::UpdatedLicenseBased => "updatedlicensebased",
            SheetView::AzureReservations => "azure_reservations",
        }
    }
}

/// Which month's sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timeline {
    /// The current month so far (`timeline=current`).
    Current,
    /// A past month, named by any of its days (`timeline=history&month=YYYYMM`).
    History(NaiveDate),
}

/// `YYYYMM` of the month holding `day`.
pub fn yyyymm(day: NaiveDate) -> String {
    format!("{:04}{:02}", day.year(), day.month())
}

/// One downloaded file, read as a CSV stream.
pub struct SheetDownload {
    reader: Box<dyn Read + Send>,
    /// Whether Microsoft sent it zip-compressed.
    pub zipped: bool,
    /// Bytes received (compressed size when zipped).
    pub bytes: u64,
}

impl std::fmt::Debug for SheetDownload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetDownload")
            .field("zipped", &self.zipped)
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl Read for SheetDownload {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reader.read(buf)
    }
}

/// The Pricing API of one signed-in account.
#[derive(Clone)]
pub struct Pricing {
    session: Arc<Session>,
    base: Url,
    retry: RetryPolicy,
    observer: Option<CallObserver>,
    compressed: bool,
}

impl std::fmt::Debug for Pricing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pricing")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// The Pricing API's error words: Partner Center's `{code, description}` or Graph's
/// `{"error":{code,message}}` (Microsoft publishes no Pricing API error body).
fn error_body(bytes: &[u8]) -> (String, String) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return (String::new(), String::new());
    };
    let v = v.get("error").filter(|e| e.is_object()).unwrap_or(&v);
    let text = |k: &str| match &v[k] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let message = [text("description"), text("message")]
        .into_iter()
        .find(|m| !m.is_empty())
        .unwrap_or_default();
    (text("code"), message)
}

impl Pricing {
    /// A client on the account's pricing base (`pricing_base` of its settings).
    pub fn new(session: Arc<Session>) -> Result<Pricing> {
        let base = checked_url("pricingBase", &session.settings().pricing_base)?;
        Ok(Pricing {
            session,
            base,
            retry: RetryPolicy::default(),
            observer: None,
            compressed: true,
        })
    }

    /// Tells `observer` of every request sent.
    pub fn with_observer(mut self, observer: CallObserver) -> Pricing {
        self.observer = Some(observer);
        self
    }

    /// Uses `retry` for 429, 5xx and dropped connections.
    pub fn with_retry(mut self, retry: RetryPolicy) -> Pricing {
        self.retry = retry;
        self
    }

    /// Whether to ask for zip-compressed sheets (`Accept-Encoding: deflate`; the default).
    pub fn with_compression(mut self, on: bool) -> Pricing {
        self.compressed = on;
        self
    }

    /// The `view` sheet of `market` (two-letter country code) for `timeline`.
    pub async fn price_sheet(
        &self,
        market: &str,
        view: SheetView,
        timeline: Timeline,
    ) -> Result<SheetDownload> {
        if market.len() != 2 || !market.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid_settings(
                "market",
                format!("{market:?} is not a two-letter country code"),
            ));
        }
        let query = match timeline {
            Timeline::Current => "timeline=current".to_string(),
            Timeline::History(day) => format!("timeline=history&month={}", yyyymm(day)),
        };
        let path = format!(
            "/sales/pricesheets(Market='{}',PricesheetView='{}')/$value?{query}",
            market.to_ascii_uppercase(),
            view.wire()
        );
        self.download(&path, &format!("sales/pricesheets({})", view.wire()))
            .await
    }

    /// The FX rates of the month holding `month`.
    pub async fn fx_rates(&self, month: NaiveDate) -> Result<SheetDownload> {
        let path = format!("/sales/fxrates(Month='{}')/$value", yyyymm(month));
        self.download(&path, "sales/fxrates").await
    }

    /// Downloads `path` (under the base) into a temporary file and opens it as a CSV stream.
    async fn download(&self, path: &str, endpoint: &str) -> Result<SheetDownload> {
        let url = Url::parse(&format!(
            "{}{path}",
            self.base.as_str().trim_end_matches('/')
        ))
        .map_err(|e| Error::invalid_settings("pricingBase", e.to_string()))?;
        let observe = |endpoint: &str,
                       request_id: uuid::Uuid,
                       sent_at: Instant,
                       status: Option<u16>,
                       retry_after: Option<Duration>| {
            if let Some(observer) = &self.observer {
                observer(&CallEvent {
                    endpoint: endpoint.to_string(),
                    request_id,
                    sent_at,
                    received_at: Instant::now(),
                    status,
                    retry_after,
                });
            }
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("*/*"));
        if self.compressed {
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("deflate"));
        }
        let pricing = Audience {
            session: &self.session,
            resource: Resource::Pricing,
            retry: &self.retry,
            observe: &observe,
            headers,
            error_body,
            forbidden: |detail| Error::PricingRole { detail },
        };
        let spool_failed = |e: std::io::Error| Error::Unavailable {
            endpoint: endpoint.into(),
            detail: format!("the download could not be kept in a temporary file: {e}"),
        };
        let mut failures = 0u32;
        loop {
            let mut response = pricing
                .open(Method::GET, url.clone(), None, endpoint, &mut failures)
                .await?;
            let mut file = tempfile::tempfile().map_err(spool_failed)?;
            let mut bytes = 0u64;
            let cut = loop {
                match response.chunk().await {
                    Ok(Some(chunk)) => {
                        // Chunks are small; the OS buffers the write.
                        file.write_all(&chunk).map_err(spool_failed)?;
                        bytes += chunk.len() as u64;
                    }
                    Ok(None) => break None,
                    Err(e) => break Some(crate::client::transport_text(&e)),
                }
            };
            match cut {
                None => return open_spooled(file, bytes, endpoint).map_err(spool_failed),
                Some(detail) => {
                    failures += 1;
                    if failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint: endpoint.into(),
                            detail,
                        });
                    }
                    tokio::time::sleep(self.retry.backoff(failures, rand::random())).await;
                }
            }
        }
    }
}

/// The spooled file as a CSV stream: the file itself, or its zip entry.
fn open_spooled(mut file: File, bytes: u64, endpoint: &str) -> std::io::Result<SheetDownload> {
    file.seek(SeekFrom::Start(0))?;
    let mut head = [0u8; 4];
    let n = file.read(&mut head)?;
    file.seek(SeekFrom::Start(0))?;
    if zip::is_zip(&head[..n]) {
        let (_, reader) = zip::open_csv(file).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("{endpoint} sent a zip that is not read: {e}"),
            )
        })?;
        return Ok(SheetDownload {
            reader,
            zipped: true,
            bytes,
        });
    }
    Ok(SheetDownload {
        reader: Box::new(std::io::BufReader::new(file)),
        zipped: false,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_words_come_from_either_shape() {
        assert_eq!(
            error_body(br#"{"code":"403","description":"needs a role","data":[]}"#),
            ("403".into(), "needs a role".into())
        );
        assert_eq!(
            error_body(br#"{"error":{"code":"Forbidden","message":"no"}}"#),
            ("Forbidden".into(), "no".into())
        );
        assert_eq!(error_body(b"<html>"), (String::new(), String::new()));
    }

    #[test]
    fn months_are_written_yyyymm() {
        assert_eq!(
            yyyymm(NaiveDate::from_ymd_opt(2019, 9, 30).unwrap()),
            "201909"
        );
    }
}
