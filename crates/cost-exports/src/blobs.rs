//! The two Azure Blob REST calls an import needs, through a container SAS: List Blobs
//! (`restype=container&comp=list&prefix=`, XML pages joined through `NextMarker`) and Get Blob
//! as a stream, so a part of a gigabyte never sits in memory. Blocking on purpose: the import
//! reads a part straight into one SQLite write transaction. Requests that fail before a body
//! arrives (connection, 500, 503) are tried three times; Azure's answers become typed errors
//! ([`Error::SasRejected`], [`Error::NotFound`], ...) that never carry the SAS.

use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use cspdesk_discovery::progress::Tally;
use reqwest::blocking::{Client, Response};
use reqwest::StatusCode;

use crate::error::{Error, Result};
use crate::sas::ContainerSas;

/// Storage service version sent with every request.
pub const STORAGE_VERSION: &str = "2021-08-06";

/// Longest manifest.json read into memory.
const MAX_SMALL_BLOB: u64 = 16 * 1024 * 1024;

/// How often a request is tried before its failure is reported.
const ATTEMPTS: u32 = 3;

/// One blob of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobItem {
    /// Name (path inside the container).
    pub name: String,
    /// Content-Length.
    pub size: u64,
}

/// A container reached through its SAS.
#[derive(Debug, Clone)]
pub struct Container {
    sas: ContainerSas,
    http: Client,
    /// The import run's counters, when one counts the requests.
    tally: Option<Arc<Tally>>,
}

/// Percent-encodes a blob name for a URL path, keeping its `/`.
fn encode_path(name: &str) -> String {
    name.split('/')
        .map(|segment| url::form_urlencoded::byte_serialize(segment.as_bytes()).collect::<String>())
        .collect::<Vec<_>>()
        .join("/")
        // form encoding writes spaces as '+', which a path would keep literally.
        .replace('+', "%20")
}

fn encode_query(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Drops any URL with a query from a client message, so a SAS cannot slip through.
pub(crate) fn scrub(detail: &str) -> String {
    detail
        .split_whitespace()
        .map(|word| {
            if word.contains("sig=") || word.contains("?sv=") || word.contains("&sv=") {
                "[url]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|c| c.has_tag_name(name))
}

impl Container {
    /// A client for the container of `sas`.
    pub fn new(sas: ContainerSas) -> Result<Container> {
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(30))
            // Per read while a part streams in, not for the whole download.
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| Error::Network {
                container: sas.container_url().to_string(),
                what: "the HTTP client".into(),
                detail: scrub(&e.without_url().to_string()),
            })?;
        Ok(Container {
            sas,
            http,
            tally: None,
        })
    }

    /// The same container, counting every request sent (retries too) in a run's `tally`.
    pub fn counting(self, tally: Arc<Tally>) -> Container {
        Container {
            tally: Some(tally),
            ..self
        }
    }

    /// The container's address (no SAS).
    pub fn url(&self) -> &str {
        self.sas.container_url()
    }

    fn send(&self, path: &str, query: &str, what: &str) -> Result<Response> {
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 << attempt));
            }
            if let Some(tally) = &self.tally {
                tally.requests.fetch_add(1, Ordering::Relaxed);
            }
            let url = self.sas.url(path, query);
            let sent = self
                .http
                .get(url.expose().as_str())
                .header("x-ms-version", STORAGE_VERSION)
                .send();
            match sent {
                Ok(res) if res.status().is_success() => return Ok(res),
                Ok(res)
                    if matches!(
                        res.status(),
                        StatusCode::INTERNAL_SERVER_ERROR
                            | StatusCode::SERVICE_UNAVAILABLE
                            | StatusCode::BAD_GATEWAY
                            | StatusCode::GATEWAY_TIMEOUT
                    ) =>
                {
                    last = Some(self.refusal(res, what));
                }
                Ok(res) => return Err(self.refusal(res, what)),
                Err(e) => {
                    last = Some(Error::Network {
                        container: self.url().to_string(),
                        what: what.to_string(),
                        detail: scrub(&e.without_url().to_string()),
                    })
                }
            }
        }
        Err(last.expect("at least one attempt"))
    }

    fn refusal(&self, res: Response, what: &str) -> Error {
        let status = res.status();
        let header_code = res
            .headers()
            .get("x-ms-error-code")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = res.text().unwrap_or_default();
        let code = header_code
            .or_else(|| {
                roxmltree::Document::parse(&body).ok().and_then(|d| {
                    d.descendants()
                        .find(|n| n.has_tag_name("Code"))
                        .and_then(|n| n.text())
                        .map(str::to_string)
                })
            })
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
        let container = self.url().to_string();
        match status {
            StatusCode::FORBIDDEN if code == "AuthorizationPermissionMismatch" => {
                Error::SasPermission {
                    container,
                    missing: if what == "the blob listing" {
                        "list"
                    } else {
                        "read"
                    },
                    granted: self.sas.permissions().to_string(),
                }
            }
            StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => {
                Error::SasRejected { container, code }
            }
            StatusCode::NOT_FOUND => Error::NotFound {
                container,
                what: what.to_string(),
                code,
            },
            _ => Error::Storage {
                container,
                what: what.to_string(),
                status: status.as_u16(),
                code,
            },
        }
    }

    /// Every blob whose name starts with `prefix`, in the service's (lexical) order.
    pub fn list(&self, prefix: &str) -> Result<Vec<BlobItem>> {
        self.list_in_pages(prefix, None)
    }

    /// [`Container::list`] asking for at most `page_size` blobs per answer (the service's
    /// default, 5,000, without), following `NextMarker` to the end.
    pub fn list_in_pages(&self, prefix: &str, page_size: Option<u32>) -> Result<Vec<BlobItem>> {
        let mut out = Vec::new();
        let mut marker = String::new();
        loop {
            let mut query = format!(
                "restype=container&comp=list&prefix={}",
                encode_query(prefix)
            );
            if let Some(n) = page_size {
                query.push_str(&format!("&maxresults={n}"));
            }
            if !marker.is_empty() {
                query.push_str("&marker=");
                query.push_str(&encode_query(&marker));
            }
            let res = self.send("", &query, "the blob listing")?;
            let body = res.text().map_err(|e| Error::Network {
                container: self.url().to_string(),
                what: "the blob listing".into(),
                detail: scrub(&e.without_url().to_string()),
            })?;
            marker = self.parse_listing(&body, &mut out)?;
            if marker.is_empty() {
                return Ok(out);
            }
        }
    }

    /// Reads one page of `EnumerationResults` into `out`; returns its `NextMarker`.
    fn parse_listing(&self, xml: &str, out: &mut Vec<BlobItem>) -> Result<String> {
        let bad = |detail: String| Error::BadListing {
            container: self.url().to_string(),
            detail,
        };
        let doc = roxmltree::Document::parse(xml).map_err(|e| bad(e.to_string()))?;
        let root = doc.root_element();
        if !root.has_tag_name("EnumerationResults") {
            return Err(bad(format!(
                "the answer is <{}>, not <EnumerationResults>",
                root.tag_name().name()
            )));
        }
        if let Some(blobs) = child(root, "Blobs") {
            for blob in blobs.children().filter(|c| c.has_tag_name("Blob")) {
                let name = child(blob, "Name")
                    .and_then(|n| n.text())
                    .ok_or_else(|| bad("a <Blob> has no <Name>".into()))?;
                let size = child(blob, "Properties")
                    .and_then(|p| child(p, "Content-Length"))
                    .and_then(|n| n.text())
                    .and_then(|t| t.trim().parse().ok())
                    .unwrap_or(0);
                out.push(BlobItem {
                    name: name.to_string(),
                    size,
                });
            }
        }
        Ok(child(root, "NextMarker")
            .and_then(|n| n.text())
            .unwrap_or_default()
            .trim()
            .to_string())
    }

    /// The content of a small blob (a manifest), refused above 16 MiB.
    pub fn get_small(&self, name: &str) -> Result<Vec<u8>> {
        let res = self.get(name)?;
        let mut bytes = Vec::new();
        res.take(MAX_SMALL_BLOB + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::Network {
                container: self.url().to_string(),
                what: name.to_string(),
                detail: scrub(&e.to_string()),
            })?;
        if bytes.len() as u64 > MAX_SMALL_BLOB {
            return Err(Error::Manifest {
                path: name.to_string(),
                detail: "it is larger than 16 MiB".into(),
            });
        }
        Ok(bytes)
    }

    /// A blob's content as a stream.
    pub fn get(&self, name: &str) -> Result<Response> {
        self.send(&encode_path(name), "", name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_names_keep_their_folders_and_escape_the_rest() {
        assert_eq!(
            encode_path("partner/daily/20260201-20260228/run id/part_0 1.csv"),
            "partner/daily/20260201-20260228/run%20id/part_0%201.csv"
        );
        assert_eq!(encode_path("a+b/c#d?.csv"), "a%2Bb/c%23d%3F.csv");
    }

    #[test]
    fn client_messages_lose_any_url_with_a_sas() {
        assert_eq!(
            scrub("error sending request for url (https://a.blob.core.windows.net/c?sv=1&sig=SECRET): timed out"),
            "error sending request for url [url] timed out"
        );
    }

    #[test]
    fn a_listing_page_yields_names_sizes_and_the_next_marker() {
        let sas = ContainerSas::parse(
            "https://a.blob.core.windows.net/c?sv=2021-08-06&sr=c&sp=rl&se=2099-01-01&sig=x",
            chrono::Utc::now(),
        )
        .unwrap();
        let c = Container::new(sas).unwrap();
        let mut out = Vec::new();
        let next = c
            .parse_listing(
                r#"<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="x" ContainerName="c"><Prefix>p</Prefix><Blobs>
                <Blob><Name>p/a &amp; b.csv</Name><Properties><Content-Length>12</Content-Length></Properties></Blob>
                <Blob><Name>p/manifest.json</Name><Properties><Content-Length>3</Content-Length></Properties></Blob>
                </Blobs><NextMarker>2!88!MDAwMDQ2</NextMarker></EnumerationResults>"#,
                &mut out,
            )
            .unwrap();
        assert_eq!(next, "2!88!MDAwMDQ2");
        assert_eq!(
            out,
            vec![
                BlobItem {
                    name: "p/a & b.csv".into(),
                    size: 12
                },
                BlobItem {
                    name: "p/manifest.json".into(),
                    size: 3
                }
            ]
        );
        assert!(matches!(
            c.parse_listing("<Error><Code>X</Code></Error>", &mut out),
            Err(Error::BadListing { .. })
        ));
        assert_eq!(
            c.parse_listing(
                "<EnumerationResults><Blobs/><NextMarker/></EnumerationResults>",
                &mut out
            )
            .unwrap(),
            "",
            "an empty NextMarker ends the listing"
        );
    }
}
