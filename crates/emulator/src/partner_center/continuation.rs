//! Continuation tokens for seek paging: opaque to clients, bound to the query they came from
//! (a token replayed against another query is a 400), and tamper-evident.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::entropy::fnv;
use crate::wire::pc_error;

/// Query parameters with lower-cased keys.
pub(crate) type Params = BTreeMap<String, String>;

/// Lower-cases keys so `seekOperation` and `SeekOperation` mean the same.
pub(crate) fn normalise(raw: Vec<(String, String)>) -> Params {
    raw.into_iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect()
}

/// The part of a request a token is bound to: the route plus every parameter except paging ones.
pub(crate) fn binding(route: &str, params: &Params) -> String {
    let mut out = route.to_ascii_lowercase();
    for (k, v) in params {
        if matches!(
            k.as_str(),
            "size" | "seekoperation" | "seek_operation" | "offset" | "continuationtoken"
        ) {
            continue;
        }
        out.push('&');
        out.push_str(k);
        out.push('=');
        out.push_str(&v.to_ascii_lowercase());
    }
    out
}

fn tag(key: &[u8], text: &str) -> String {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    m.update(text.as_bytes());
    URL_SAFE_NO_PAD.encode(&m.finalize().into_bytes()[..12])
}

/// Makes a token for position `pos` of the query `bound`.
pub(crate) fn issue(key: &[u8], bound: &str, pos: &[u64]) -> String {
    let body = format!(
        "{:x}|{}",
        fnv(bound),
        pos.iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(",")
    );
    let enc = URL_SAFE_NO_PAD.encode(body.as_bytes());
    format!("{enc}.{}", tag(key, &enc))
}

fn bad(text: &str) -> Response {
    pc_error(StatusCode::BAD_REQUEST, "800002", text)
}

/// Reads a token back; 400 when forged, garbled or issued for another query.
pub(crate) fn read(key: &[u8], bound: &str, token: &str) -> Result<Vec<u64>, Response> {
    let (enc, mac) = token
        .split_once('.')
        .ok_or_else(|| bad("The continuation token is malformed."))?;
    if tag(key, enc) != mac {
        return Err(bad("The continuation token is invalid."));
    }
    let body = String::from_utf8(
        URL_SAFE_NO_PAD
            .decode(enc)
            .map_err(|_| bad("The continuation token is malformed."))?,
    )
    .map_err(|_| bad("The continuation token is malformed."))?;
    let (hash, pos) = body
        .split_once('|')
        .ok_or_else(|| bad("The continuation token is malformed."))?;
    if hash != format!("{:x}", fnv(bound)) {
        return Err(bad(
            "The continuation token does not belong to this query; start again without it.",
        ));
    }
    pos.split(',')
        .map(|p| {
            p.parse::<u64>()
                .map_err(|_| bad("The continuation token is malformed."))
        })
        .collect()
}

/// Position requested by a seek call: `None` for a first page, `Some(pos)` after `seekOperation=Next`.
pub(crate) fn seek(
    key: &[u8],
    headers: &HeaderMap,
    params: &Params,
    bound: &str,
) -> Result<Option<Vec<u64>>, Response> {
    let next = params
        .get("seekoperation")
        .or_else(|| params.get("seek_operation"))
        .is_some_and(|v| v.eq_ignore_ascii_case("next"));
    let token = headers
        .get("ms-continuationtoken")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| params.get("continuationtoken").cloned());
    match (next, token) {
        (true, None) => Err(bad(
            "seekOperation=Next requires the MS-ContinuationToken header.",
        )),
        (_, Some(t)) => read(key, bound, &t).map(Some),
        (false, None) => Ok(None),
    }
}

/// Page size: `default` when absent or 0, capped at `max`; 400 when not a number.
pub(crate) fn size(params: &Params, default: u64, max: u64) -> Result<u64, Response> {
    match params.get("size") {
        None => Ok(default),
        Some(v) => {
            let n: u64 = v
                .parse()
                .map_err(|_| bad("size must be a non-negative integer."))?;
            Ok(if n == 0 { default } else { n.min(max) })
        }
    }
}

/// Offset for offset-paged lists.
pub(crate) fn offset(params: &Params) -> Result<u64, Response> {
    params
        .get("offset")
        .map(|v| {
            v.parse()
                .map_err(|_| bad("offset must be a non-negative integer."))
        })
        .unwrap_or(Ok(0))
}

/// Query string for a next link, keeping the binding parameters in a stable order.
pub(crate) fn next_query(params: &Params, extra: &[(&str, String)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        if matches!(
            k.as_str(),
            "size" | "seekoperation" | "seek_operation" | "offset" | "continuationtoken"
        ) {
            continue;
        }
        ser.append_pair(k, v);
    }
    for (k, v) in extra {
        ser.append_pair(k, v);
    }
    ser.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_other_queries_or_tampering() {
        let key = [7u8; 32];
        let t = issue(&key, "customers", &[3, 9]);
        assert_eq!(read(&key, "customers", &t).unwrap(), vec![3, 9]);
        assert!(
            read(&key, "customers&filter=x", &t).is_err(),
            "bound to the original query"
        );
        let forged = format!("{}x", t);
        assert!(
            read(&key, "customers", &forged).is_err(),
            "tampering must be detected"
        );
    }
}
