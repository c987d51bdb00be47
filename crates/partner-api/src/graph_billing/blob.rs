//! One export blob, streamed: HTTP chunks go through a gzip decoder into a small buffer that
//! is cut at newlines, and each line becomes one typed row. A chunk is fed to the decoder
//! [`FEED`] compressed bytes at a time, and only when the text before is used up, so nothing
//! holds more than one chunk as received, one feed's worth of decoded text and one line:
//! memory stays flat however large the export.
//!
//! Why the feed: from a fast server a chunk can be hundreds of kilobytes of gzip, tens of
//! megabytes as JSON; decoded whole, its text sat in the decoder's output and the line buffer
//! at once, and their capacity stayed. With 12 exports in flight that was 170 of the 244 MB
//! a preset-M Discovery peaked at with 164,232-row usage exports (heaptrack, 2026-12-07).
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

/// Compressed bytes given to the decoder at a time. Gzip of JSON lines inflates about 10 to
/// 20 times, so one feed decodes to a few hundred kilobytes.
const FEED: usize = 16 << 10;

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
    /// The chunk being decoded: `chunk[fed..]` is not yet fed to the decoder.
    chunk: Vec<u8>,
    fed: usize,
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
    /// A reader of `response`'s body, nothing read yet.
    fn new(name: String, response: reqwest::Response) -> Self {
        Self {
            name,
            response,
            decoder: MultiGzDecoder::new(Vec::new()),
            chunk: Vec::new(),
            fed: 0,
            buffer: Vec::new(),
            start: 0,
            line: 0,
            bytes: 0,
            finished: false,
            _row: PhantomData,
        }
    }

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
            if self.fed < self.chunk.len() {
                let end = (self.fed + FEED).min(self.chunk.len());
                if let Err(e) = self.decoder.write_all(&self.chunk[self.fed..end]) {
                    return Err(self.broken(format!("the gzip stream is broken ({e})")));
                }
                self.fed = end;
                self.buffer.append(self.decoder.get_mut());
                continue;
            }
            match self.response.chunk().await {
                Ok(Some(chunk)) => {
                    self.bytes += chunk.len() as u64;
                    // `Bytes` into `Vec` without a copy when the chunk is ours alone.
                    self.chunk = Vec::from(chunk);
                    self.fed = 0;
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
                200 => return Ok(BlobReader::new(name, response)),
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

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use flate2::write::GzEncoder;
    use flate2::Compression;
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Line {
        #[serde(rename = "Id")]
        id: u64,
    }
    impl GraphRow for Line {}

    fn reader(blob: Vec<u8>) -> BlobReader<Line> {
        BlobReader::new(
            "part-0.json.gz".into(),
            // The whole blob as one chunk: what a fast server's large read looks like.
            reqwest::Response::from(http::Response::new(blob)),
        )
    }

    /// Decoded text held at once: the decoder's output and the line buffer.
    fn decoded_held(r: &BlobReader<Line>) -> usize {
        r.buffer.capacity() + r.decoder.get_ref().capacity()
    }

    #[tokio::test]
    async fn a_large_chunk_is_decoded_a_feed_at_a_time() {
        // Text that inflates like Graph's rows do (varied ids and amounts), not a run of one
        // letter that inflates a thousandfold.
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        let lines = 100_000u64;
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for id in 1..=lines {
            let mut pad = String::new();
            for _ in 0..8 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                pad.push_str(&format!("{x:016x}-"));
            }
            writeln!(gz, r#"{{"Id":{id},"Pad":"{pad}"}}"#).unwrap();
        }
        let blob = gz.finish().unwrap();
        let mut r = reader(blob);
        let (mut read, mut held) = (0u64, 0usize);
        while let Some(line) = r.next().await.unwrap() {
            match line {
                BlobLine::Row(row) => {
                    read += 1;
                    assert_eq!(row.id, read);
                }
                BlobLine::SetAside(s) => panic!("set aside: {s:?}"),
            }
            held = held.max(decoded_held(&r));
        }
        assert_eq!(read, lines);
        // The text is about 15 MB; one feed of it is tens of kilobytes.
        assert!(held < 1 << 20, "held {held} bytes of decoded text at once");
    }

    #[tokio::test]
    async fn a_blob_cut_short_still_names_its_line() {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        for id in 1..=50_000u64 {
            writeln!(gz, r#"{{"Id":{id}}}"#).unwrap();
        }
        let blob = gz.finish().unwrap();
        let mut r = reader(blob[..blob.len() / 2].to_vec());
        let error = loop {
            match r.next().await {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("a blob cut in half read to its end"),
                Err(e) => break e,
            }
        };
        let text = error.to_string();
        assert!(text.contains("part-0.json.gz"), "{text}");
        assert!(text.contains("line "), "{text}");
    }
}
