//! Partner Center's two paging styles behind one shape: a [`Page`] of items plus an optional
//! [`Continuation`] (the `links.next` link with its headers). Seek pages carry an
//! `MS-ContinuationToken` header; offset pages carry `offset=` in the URI. A continuation is
//! plain data, so discovery can persist it per page and resume after a restart.
//!
//! Links are written by the server, so they are trusted only as far as needed: a link's
//! headers are reduced to `MS-ContinuationToken` (nothing else is documented, and anything else,
//! `Authorization` above all, must not be settable by a response), and [`PageGuard`] stops a
//! collection that never ends.
//!
//! A page is read item by item: one item Partner Center sends in an odd shape (an older or
//! special item without an essential field) must not cost the rest of the page. Such an item
//! is [`SetAside`]: kept raw, with where it was and why, for the caller to store and show;
//! the page's other items are read as usual. Only a body that is not a collection at all
//! (not JSON, cut short, no `items`) fails the page.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, Result};

/// The one header a link may ask us to send (compared without regard to case).
pub(crate) const CONTINUATION_HEADER: &str = "MS-ContinuationToken";

/// Whether a header named in a link (or a persisted [`Continuation`]) may be sent.
pub(crate) fn is_link_header_allowed(name: &str) -> bool {
    name.trim().eq_ignore_ascii_case(CONTINUATION_HEADER)
}

/// Most pages one collection read may take. The largest real collections (a year of daily
/// utilization, or line items at the smallest page size) stay in the thousands, so 100,000 only
/// ever stops a server that keeps handing out fresh links.
pub const MAX_PAGES: u32 = 100_000;

/// Empty pages that still carry a `links.next`, in a row, before a read gives up. Partner
/// Center may send an empty page before the end now and then; ten in a row with no item is a
/// server going round in circles with fresh tokens.
pub const MAX_EMPTY_PAGES_IN_A_ROW: u32 = 10;

/// A Partner Center link object (`{"uri","method","headers":[{"key","value"}]}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// Relative URI, with or without `/v1`.
    pub uri: String,
    /// HTTP method (always GET for paging).
    #[serde(default)]
    pub method: Option<String>,
    /// Headers to send with the request.
    #[serde(default)]
    pub headers: Vec<LinkHeader>,
}

/// One header of a [`Link`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkHeader {
    /// Header name, e.g. `MS-ContinuationToken`.
    pub key: String,
    /// Header value.
    pub value: String,
}

/// Where the next page is: a path under the API base and the headers to send.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuation {
    /// Path and query, always starting with `/v1/`.
    pub path: String,
    /// Headers from the link: only the continuation token of seek paging is kept, and only it
    /// is ever sent.
    pub headers: Vec<(String, String)>,
}

impl Continuation {
    /// From a `links.next` object, prefixing `/v1` when the URI lacks it (as the SDK does).
    pub fn from_link(link: &Link) -> Continuation {
        let uri = link.uri.trim();
        // Absolute links are reduced to their path so the bearer token only goes to our API base.
        let path = match url::Url::parse(uri) {
            Ok(abs) => match abs.query() {
                Some(q) => format!("{}?{q}", abs.path()),
                None => abs.path().to_string(),
            },
            Err(_) => uri.to_string(),
        };
        let path = if path.starts_with("/v1/") || path == "/v1" {
            path
        } else {
            format!("/v1{}{path}", if path.starts_with('/') { "" } else { "/" })
        };
        Continuation {
            path,
            headers: link
                .headers
                .iter()
                .filter(|h| is_link_header_allowed(&h.key))
                .map(|h| (h.key.clone(), h.value.clone()))
                .collect(),
        }
    }
}

/// One page of a collection.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// Items of this page that were read.
    pub items: Vec<T>,
    /// Items of this page that could not be read as `T`, kept raw (in page order).
    pub set_aside: Vec<SetAside>,
    /// `totalCount` as sent (for seek pages, often the page's count).
    pub total_count: Option<u64>,
    /// The next page, `None` on the last one.
    pub next: Option<Continuation>,
}

/// Stops a collection read that would never end: a `links.next` seen before, more than
/// [`MAX_EMPTY_PAGES_IN_A_ROW`] empty pages that still point onwards, or more than
/// [`MAX_PAGES`] pages. Each ends in [`Error::BadResponse`] on `links.next`.
pub struct PageGuard {
    max_pages: u32,
    max_empty_in_a_row: u32,
    pages: u32,
    empty_in_a_row: u32,
    /// Hashes of the links followed: the tokens themselves could be large, and a collision
    /// (one in 2^64 per pair) would only end a read early with a clear error.
    seen: HashSet<u64>,
}

impl Default for PageGuard {
    fn default() -> Self {
        PageGuard::with_limits(MAX_PAGES, MAX_EMPTY_PAGES_IN_A_ROW)
    }
}

impl PageGuard {
    pub(crate) fn with_limits(max_pages: u32, max_empty_in_a_row: u32) -> PageGuard {
        PageGuard {
            max_pages,
            max_empty_in_a_row,
            pages: 0,
            empty_in_a_row: 0,
            seen: HashSet::new(),
        }
    }

    /// Records a page of `items` items that links to `next`; an error when `next` must not be
    /// followed.
    pub fn check(
        &mut self,
        endpoint: &str,
        items: usize,
        next: Option<&Continuation>,
    ) -> Result<()> {
        self.pages += 1;
        let Some(next) = next else { return Ok(()) };
        let refuse = |detail: String| {
            Err(Error::BadResponse {
                endpoint: endpoint.to_string(),
                field: "links.next".into(),
                detail,
            })
        };
        self.empty_in_a_row = if items == 0 {
            self.empty_in_a_row + 1
        } else {
            0
        };
        if self.empty_in_a_row > self.max_empty_in_a_row {
            return refuse(format!(
                "{} empty pages in a row still link to a next page",
                self.empty_in_a_row
            ));
        }
        if self.pages >= self.max_pages {
            return refuse(format!(
                "the collection goes on past {} pages",
                self.max_pages
            ));
        }
        let mut hasher = DefaultHasher::new();
        next.hash(&mut hasher);
        if !self.seen.insert(hasher.finish()) {
            return refuse("the next link repeats an earlier page".into());
        }
        Ok(())
    }
}

/// An item of a page that could not be read as its type (an essential field missing or
/// unreadable): kept as Microsoft sent it, with where it was and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAside {
    /// The path called.
    pub endpoint: String,
    /// Its index in the page's `items`, from 0 (an ARM list counts every page: its index in
    /// the whole list).
    pub index: usize,
    /// JSON path of the field inside the item (`billingPreTaxTotal`, `resource.id`).
    pub field: String,
    /// What was wrong, in serde's words (`missing field ...`, `expected a decimal ...`).
    pub reason: String,
    /// The item's JSON as sent.
    pub raw: String,
}

/// One line, for a warning: where, why and which field.
impl std::fmt::Display for SetAside {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} item {}: {} ({})",
            self.endpoint, self.index, self.reason, self.field
        )
    }
}

impl SetAside {
    /// The item's value of a top-level string field, if it has one (for naming the
    /// customer or invoice an item belongs to).
    pub fn text_field(&self, name: &str) -> Option<String> {
        let value: serde_json::Value = serde_json::from_str(&self.raw).ok()?;
        value.get(name)?.as_str().map(str::to_string)
    }
}

/// The collection envelope on the wire.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Collection<T> {
    pub items: Vec<T>,
    #[serde(default)]
    pub total_count: Option<u64>,
    #[serde(default)]
    pub links: Option<Links>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Links {
    #[serde(default)]
    pub next: Option<Link>,
}

impl<T> From<Collection<T>> for Page<T> {
    fn from(c: Collection<T>) -> Self {
        Page {
            items: c.items,
            set_aside: Vec::new(),
            total_count: c.total_count,
            next: c
                .links
                .and_then(|l| l.next)
                .as_ref()
                .map(Continuation::from_link),
        }
    }
}

/// Reads a collection body item by item: the envelope must decode (else the error names the
/// field, as [`crate::client::decode`] does), each item that does not is set aside.
pub(crate) fn decode_page<T: DeserializeOwned>(endpoint: &str, bytes: &[u8]) -> Result<Page<T>> {
    let raw: Collection<Box<RawValue>> = crate::client::decode(endpoint, bytes)?;
    let mut page = Page {
        items: Vec::with_capacity(raw.items.len()),
        set_aside: Vec::new(),
        total_count: raw.total_count,
        next: raw
            .links
            .and_then(|l| l.next)
            .as_ref()
            .map(Continuation::from_link),
    };
    for (index, item) in raw.items.into_iter().enumerate() {
        match crate::client::decode::<T>(endpoint, item.get().as_bytes()) {
            Ok(value) => page.items.push(value),
            Err(Error::BadResponse { field, detail, .. }) => page.set_aside.push(SetAside {
                endpoint: endpoint.to_string(),
                index,
                field: match field.trim_start_matches('.') {
                    "" => ".".to_string(),
                    inner => inner.to_string(),
                },
                reason: detail,
                raw: item.get().to_string(),
            }),
            Err(other) => return Err(other),
        }
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_get_v1_and_keep_their_headers() {
        let link: Link = serde_json::from_str(r#"{"uri":"/customers?size=2&seekOperation=Next","method":"GET","headers":[{"key":"MS-ContinuationToken","value":"c2Vl"}]}"#).unwrap();
        let c = Continuation::from_link(&link);
        assert_eq!(
            c.path, "/v1/customers?size=2&seekOperation=Next",
            "the SDK prefixes /v1 when missing"
        );
        assert_eq!(
            c.headers,
            vec![("MS-ContinuationToken".to_string(), "c2Vl".to_string())],
            "the continuation token header must be sent"
        );
        let with = Continuation::from_link(&Link {
            uri: "/v1/invoices?size=2&offset=2".into(),
            method: None,
            headers: vec![],
        });
        assert_eq!(
            with.path, "/v1/invoices?size=2&offset=2",
            "an existing /v1 is not doubled"
        );
        let abs = Continuation::from_link(&Link {
            uri: "https://elsewhere.example/v1/x?a=1".into(),
            method: None,
            headers: vec![],
        });
        assert_eq!(
            abs.path, "/v1/x?a=1",
            "absolute links are reduced to a path on our base"
        );
    }

    #[test]
    fn a_link_keeps_only_the_continuation_token_header() {
        let link: Link = serde_json::from_str(r#"{"uri":"/customers?seekOperation=Next","headers":[{"key":"Authorization","value":"Bearer evil"},{"key":"ms-continuationtoken","value":"tok"},{"key":"X-Forwarded-Host","value":"evil.example"}]}"#).unwrap();
        assert_eq!(
            Continuation::from_link(&link).headers,
            vec![("ms-continuationtoken".to_string(), "tok".to_string())],
            "a server must not be able to set Authorization or any other header"
        );
    }

    fn link_to(n: u32) -> Continuation {
        Continuation {
            path: format!("/v1/x?page={n}"),
            headers: vec![],
        }
    }

    #[test]
    fn the_page_guard_stops_repeats_empty_runs_and_endless_collections() {
        let mut guard = PageGuard::with_limits(1000, 2);
        guard.check("/v1/x", 0, Some(&link_to(1))).unwrap();
        guard.check("/v1/x", 0, Some(&link_to(2))).unwrap();
        let err = guard.check("/v1/x", 0, Some(&link_to(3))).unwrap_err();
        assert!(
            matches!(&err, Error::BadResponse { field, .. } if field == "links.next"),
            "a third empty page in a row with a next link is refused: {err:?}"
        );

        let mut guard = PageGuard::with_limits(1000, 2);
        for n in 0..10 {
            let items = if n % 2 == 0 { 0 } else { 1 };
            guard
                .check("/v1/x", items, Some(&link_to(n)))
                .expect("empty pages between full ones are not a run");
        }
        guard
            .check("/v1/x", 0, None)
            .expect("a last page without a link always ends fine");

        let mut guard = PageGuard::with_limits(1000, 2);
        guard.check("/v1/x", 1, Some(&link_to(1))).unwrap();
        assert!(
            guard.check("/v1/x", 1, Some(&link_to(1))).is_err(),
            "a repeated link is refused"
        );

        let mut guard = PageGuard::with_limits(3, 2);
        guard.check("/v1/x", 1, Some(&link_to(1))).unwrap();
        guard.check("/v1/x", 1, Some(&link_to(2))).unwrap();
        let err = guard.check("/v1/x", 1, Some(&link_to(3))).unwrap_err();
        assert!(
            err.to_string().contains("past 3 pages"),
            "fresh links and full pages still stop at the page cap: {err}"
        );
    }
}
