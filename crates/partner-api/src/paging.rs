//! Partner Center's two paging styles behind one shape: a [`Page`] of items plus an optional
//! [`Continuation`] (the `links.next` link with its headers). Seek pages carry an
//! `MS-ContinuationToken` header; offset pages carry `offset=` in the URI. A continuation is
//! plain data, so discovery can persist it per page and resume after a restart.

use serde::{Deserialize, Serialize};

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuation {
    /// Path and query, always starting with `/v1/`.
    pub path: String,
    /// Headers from the link (the continuation token of seek paging).
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
                .map(|h| (h.key.clone(), h.value.clone()))
                .collect(),
        }
    }
}

/// One page of a collection.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// Items of this page.
    pub items: Vec<T>,
    /// `totalCount` as sent (for seek pages, often the page's count).
    pub total_count: Option<u64>,
    /// The next page, `None` on the last one.
    pub next: Option<Continuation>,
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
            total_count: c.total_count,
            next: c
                .links
                .and_then(|l| l.next)
                .as_ref()
                .map(Continuation::from_link),
        }
    }
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
}
