//! Reading Partner Center's answer bodies: decoding names the JSON path of the first problem
//! (a missing field by its own name, not its parent's); whether a body is whole JSON at all
//! tells a connection that ended mid-body (asked again) from a body of the wrong shape (not);
//! and a whole-collection read refuses a page with an item set aside.

use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::paging::Page;

/// Whether `bytes` is one well-formed JSON value (whatever its shape).
pub(crate) fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_ok()
}

/// Refuses a page with an item set aside, naming the first such item.
pub(crate) fn whole<T>(endpoint: &str, page: &Page<T>) -> Result<()> {
    match page.set_aside.first() {
        None => Ok(()),
        Some(s) => Err(Error::BadResponse {
            endpoint: endpoint.to_string(),
            field: format!("items[{}].{}", s.index, s.field),
            detail: s.reason.clone(),
        }),
    }
}

/// Decodes a body, naming the JSON path of the first problem.
pub(crate) fn decode<T: DeserializeOwned>(endpoint: &str, bytes: &[u8]) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.to_string();
        // serde reports a missing field at its parent; name the field itself.
        let field = match message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            Some(name) if path == "." => name.to_string(),
            Some(name) => format!("{path}.{name}"),
            None => path,
        };
        Error::BadResponse {
            endpoint: endpoint.to_string(),
            field,
            detail: message,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::decode_page;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Item {
        id: String,
        #[serde(deserialize_with = "crate::decimal::required")]
        quantity: rust_decimal::Decimal,
    }

    #[test]
    fn decode_names_the_missing_or_broken_field() {
        let err = decode::<Item>("/v1/x", br#"{"quantity":2}"#).unwrap_err();
        assert!(
            matches!(&err, Error::BadResponse { field, .. } if field == "id"),
            "a missing field is named itself, not its parent: {err}"
        );
        let err = decode::<Item>("/v1/x", br#"{"id":"a","quantity":"lots"}"#).unwrap_err();
        assert!(
            matches!(&err, Error::BadResponse { field, endpoint, .. } if field == "quantity" && endpoint == "/v1/x"),
            "{err}"
        );
    }

    #[test]
    fn a_page_reads_item_by_item_and_sets_odd_items_aside_raw() {
        let body = br#"{"totalCount":4,"items":[{"id":"a","quantity":1},{"quantity":2},{"id":"c","quantity":"lots"},{"id":"d","quantity":"4.50"}],"links":{"next":{"uri":"/x?page=2"}}}"#;
        let page = decode_page::<Item>("/v1/x", body).unwrap();
        assert_eq!(
            page.items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["a", "d"],
            "the readable items around the odd ones are kept, in order"
        );
        let aside: Vec<(usize, &str)> = page
            .set_aside
            .iter()
            .map(|s| (s.index, s.field.as_str()))
            .collect();
        assert_eq!(
            aside,
            [(1, "id"), (2, "quantity")],
            "index in page and field"
        );
        assert_eq!(
            page.set_aside[0].raw, r#"{"quantity":2}"#,
            "kept exactly as sent"
        );
        assert!(page.set_aside[0].reason.contains("missing field `id`"));
        assert_eq!(
            page.next.as_ref().map(|c| c.path.as_str()),
            Some("/v1/x?page=2"),
            "the page still leads on"
        );
        assert_eq!(page.total_count, Some(4));
        assert!(
            whole("/v1/x", &page)
                .unwrap_err()
                .to_string()
                .contains("items[1].id"),
            "a whole-collection read refuses a page with an item set aside, naming it"
        );
        let err = decode_page::<Item>("/v1/x", br#"{"value":[]}"#).unwrap_err();
        assert!(
            matches!(&err, Error::BadResponse { field, .. } if field == "items"),
            "a body that is no collection fails the page: {err}"
        );
    }

    #[test]
    fn only_bodies_that_are_not_json_count_as_cut_short() {
        assert!(is_json(br#"{"items":[]}"#));
        assert!(is_json(br#"{"items":[{"odd":true}]}"#), "odd but whole");
        assert!(!is_json(br#"{"items":[{"id":"a","quan"#), "cut short");
        assert!(!is_json(br#"{"items"=[]}"#), "garbled");
        assert!(!is_json(b""), "empty");
    }
}
