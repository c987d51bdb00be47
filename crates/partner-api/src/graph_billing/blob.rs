//! One export blob, streamed: HTTP chunks go through a gzip decoder into a small buffer that
//! is cut at newlines, and each line becomes one typed row. Nothing holds more than a chunk's
//! worth of decoded text and one line, so memory stays flat however large the export.
//!
//! A line that does not read as a row (not JSON, an essential field missing, a credit outside
//! 0–100) is set aside ([`SetAside`]: the blob's name, the line number, the field, serde's
//! reason, the line as sent) and the reading goes on. A broken gzip stream or a blob cut short
//! is an error naming the blob and the line it got to. Azure Storage refusing the link (403:
//! the SAS expired) is [`Error::SasExpired`]: the caller asks for the export again.

use std::io::Write;
use std::marker::PhantomData;

use flate2::write::MultiGzDecoder;
use serde::de::DeserializeOwned;

use super::client::GraphBilling;
use super::manifest::Manifest;
use super::rows::GraphRow;
use crate::backoff::parse_retry_after;
use crate::error::{Error, Result};
use crate::paging::SetAside;

/// The longest line accepted: no documented row comes near; a blob without newlines must not
/// grow the buffer without end.
const MAX_LINE: usize = 4 << 20;

/// One line of a blob.
#[derive(Debug)]
pub enum BlobLine<T> {
    /// A row read.
    Row(T),
    /// A line that could not be read, kept as sent.
    SetAside(SetAside),
}

/// Rows of one blob, read as they arrive.
pub struct BlobReader<T> {
    name: String,
    response: reqwest::Response,
    decoder: MultiGzDecoder<Vec<u8>>,
    /// Decoded text not yet cut into lines: `buffer[start..]`.
    buffer: Vec<u8>,
    start: usize,
    /// Lines handed out so far (the next is `line + 1`).
    line: u64,
    /// Compressed bytes read (for progress).
    bytes: u64,
    finished: bool,
    _row: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for BlobReader<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobReader")
            .field("name", &self.name)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + GraphRow> BlobReader<T> {
    /// The blob's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.line
    }

    /// Compressed bytes received so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    fn broken(&self, detail: String) -> Error {
        Error::BadResponse {
            endpoint: self.name.clone(),
            field: format!("line {}", self.line + 1),
            detail,
        }
    }

    /// The next line, or `None` after the last one.
    pub async fn next(&mut self) -> Result<Option<BlobLine<T>>> {
        loop {
            let pending = &self.buffer[self.start..];
            if let Some(pos) = pending.iter().position(|b| *b == b'\n') {
                let end = self.start + pos;
                let (from, to) = (self.start, end);
                self.start = end + 1;
                if let Some(line) = self.take(from, to) {
                    return Ok(Some(line));
                }
                continue;
            }
            if pending.len() > MAX_LINE {
                return Err(self.broken(format!("a line runs past {MAX_LINE} bytes")));
            }
            if self.finished {
                if self.start < self.buffer.len() {
                    let (from, to) = (self.start, self.buffer.len());
                    self.start = to;
                    if let Some(line) = self.take(from, to) {
                        return Ok(Some(line));
                    }
                }
                return Ok(None);
            }
            // Keep the buffer small: drop what was cut before reading more.
            if self.start > 0 {
                self.buffer.drain(..self.start);
                self.start = 0;
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => {
                    self.bytes += chunk.len() as u64;
                    if let Err(e) = self.decoder.write_all(&chunk) {
                        return Err(self.broken(format!("the gzip stream is broken ({e})")));
                    }
                    self.buffer.append(self.decoder.get_mut());
                }
                Ok(None) => {
                    if let Err(e) = self.decoder.try_finish() {
                        return Err(self.broken(format!(
                            "the blob ends mid-way through its gzip stream ({e})"
                        )));
                    }
                    self.buffer.append(self.decoder.get_mut());
                    self.finished = true;
                }
                Err(e) => {
                    return Err(Error::Unavailable {
                        endpoint: self.name.clone(),
                        detail: format!(
                            "the download broke off at line {} ({})",
                            self.line + 1,
                            if e.is_timeout() {
                                "timed out"
                            } else {
                                "connection dropped"
                            }
                        ),
                    })
                }
            }
        }
    }

    /// Line `buffer[from..to]` as a row or set aside; `None` for a blank line.
    fn take(&mut self, from: usize, to: usize) -> Option<BlobLine<T>> {
        self.line += 1;
        let mut text = &self.buffer[from..to];
        if text.last() == Some(&b'\r') {
            text = &text[..text.len() - 1];
        }
        if text.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let aside = |field: String, reason: String| {
            BlobLine::SetAside(SetAside {
                endpoint: self.name.clone(),
                index: self.line as usize,
                field,
                reason,
                raw: String::from_utf8_lossy(text).into_owned(),
            })
        };
        match crate::body::decode::<T>(&self.name, text) {
            Ok(row) => match row.check() {
                Ok(()) => Some(BlobLine::Row(row)),
                Err((field, reason)) => Some(aside(field.into(), reason)),
            },
            Err(Error::BadResponse { field, detail, .. }) => Some(aside(
                match field.trim_start_matches('.') {
                    "" => ".".into(),
                    f => f.into(),
                },
                detail,
            )),
            Err(other) => Some(aside(".".into(), other.to_string())),
        }
    }
}

impl GraphBilling {
    /// Starts streaming blob `index` of `manifest` as rows of `T`.
    pub async fn open_blob<T: DeserializeOwned + GraphRow>(
        &self,
        manifest: &Manifest,
        index: usize,
    ) -> Result<BlobReader<T>> {
        let blob = manifest
            .blobs
            .get(index)
            .ok_or_else(|| Error::BadResponse {
                endpoint: manifest.id.clone(),
                field: format!("blobs[{index}]"),
                detail: "no such blob".into(),
            })?;
        let name = blob.name.clone();
        let url = manifest.blob_url(index).expect("the blob exists");
        let mut failures = 0u32;
        let request_id = uuid::Uuid::new_v4();
        loop {
            let jitter: f64 = rand::random();
            let sent_at = std::time::Instant::now();
            let sent = self
                .blobs
                .get(url.expose().as_str())
                .header("x-ms-version", "2021-08-06")
                .send()
                .await;
            // The blob's name stands for it: its URL carries the SAS.
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    self.observe(&name, request_id, sent_at, None, None);
                    failures += 1;
                    if failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint: name,
                            detail: crate::client::transport_text(&e),
                        });
                    }
                    tokio::time::sleep(self.retry.backoff(failures, jitter)).await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            self.observe(&name, request_id, sent_at, Some(status), None);
            match status {
                200 => {
                    return Ok(BlobReader {
                        name,
                        response,
                        decoder: MultiGzDecoder::new(Vec::new()),
                        buffer: Vec::new(),
                        start: 0,
                        line: 0,
                        bytes: 0,
                        finished: false,
                        _row: PhantomData,
                    })
                }
                401 | 403 => return Err(Error::SasExpired { blob: name, status }),
                404 => return Err(Error::NotFound { endpoint: name }),
                408 | 429 | 500..=599 => {
                    failures += 1;
                    if failures >= self.retry.max_attempts {
                        return Err(Error::Unavailable {
                            endpoint: name,
                            detail: format!("Azure Storage answered HTTP {status}"),
                        });
                    }
                    let asked = parse_retry_after(
                        response
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok()),
                    );
                    let wait = self
                        .retry
                        .backoff(failures, jitter)
                        .max(asked.unwrap_or_default().min(self.retry.max_retry_after));
                    tokio::time::sleep(wait).await;
                }
                other => {
                    return Err(Error::Rejected {
                        endpoint: name,
                        status: other,
                        code: String::new(),
                        detail: "Azure Storage refused the blob".into(),
                    })
                }
            }
        }
    }
}
