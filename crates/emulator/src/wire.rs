//! Shapes Microsoft puts on the wire that every endpoint family shares: decimal numbers written
//! as JSON numbers without passing through binary floating point, the Partner Center error body,
//! the ARM error body, the throttling body, and collection/link envelopes.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

/// A decimal written as a JSON number token (e.g. `0.1122`), exactly as its decimal digits.
///
/// Microsoft sends most amounts as numbers; writing them through `f64` would risk changing
/// digits, so the decimal text is emitted verbatim as a raw JSON number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Num(pub Decimal);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.normalize().to_string();
        let raw =
            serde_json::value::RawValue::from_string(text).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl From<Decimal> for Num {
    fn from(d: Decimal) -> Self {
        Num(d)
    }
}

/// Turns a decimal into a `serde_json::Value` number with the same digits.
pub fn num_value(d: Decimal) -> Value {
    serde_json::to_value(Num(d)).unwrap_or(Value::Null)
}

/// JSON body response with an explicit status.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    json_response_sized(status, body, 256)
}

/// JSON response, pre-sizing the buffer (large pages would otherwise be copied while growing).
pub fn json_response_sized(status: StatusCode, body: &impl Serialize, capacity: usize) -> Response {
    let mut buffer = Vec::with_capacity(capacity);
    match serde_json::to_writer(&mut buffer, body).map(|_| buffer) {
        Ok(bytes) => {
            let mut res = (status, bytes).into_response();
            res.headers_mut().insert(
                "content-type",
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            res
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// Partner Center error: `{code, description, data, source}` with the given HTTP status.
pub fn pc_error(status: StatusCode, code: &str, description: impl Into<String>) -> Response {
    let body = json!({
        "code": code,
        "description": description.into(),
        "data": [],
        "source": "PartnerFD",
    });
    json_response(status, &body)
}

/// ARM error: `{"error":{code,message,target}}`.
pub fn arm_error(
    status: StatusCode,
    code: &str,
    message: impl Into<String>,
    target: Option<&str>,
) -> Response {
    let mut error = json!({ "code": code, "message": message.into() });
    if let Some(t) = target {
        error["target"] = json!(t);
    }
    json_response(status, &json!({ "error": error }))
}

/// Partner Center throttling response: note the body is *not* the normal error shape.
pub fn throttled(retry_after_secs: u64) -> Response {
    let body = json!({
        "statusCode": 429,
        "message": format!("Rate limit is exceeded. Try again in {retry_after_secs} seconds."),
    });
    let mut res = json_response(StatusCode::TOO_MANY_REQUESTS, &body);
    res.headers_mut()
        .insert("retry-after", HeaderValue::from(retry_after_secs));
    res
}

/// A Partner Center link object.
pub fn link(uri: &str, continuation: Option<&str>) -> Value {
    let headers = match continuation {
        Some(token) => json!([{ "key": "MS-ContinuationToken", "value": token }]),
        None => json!([]),
    };
    json!({ "uri": uri, "method": "GET", "headers": headers })
}

/// A Partner Center collection envelope with typed items, serialized without a `Value` tree
/// (the hot path for usage pages of up to 2000 rows).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T: Serialize> {
    /// Items on this page.
    pub total_count: usize,
    /// Seek token of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continuation_token: Option<String>,
    /// The items.
    pub items: Vec<T>,
    /// `self` and, unless last, `next`.
    pub links: Value,
    /// `{"objectType":"Collection"}`.
    pub attributes: Value,
}

/// Builds a [`Page`].
pub fn page<T: Serialize>(
    items: Vec<T>,
    self_uri: &str,
    next: Option<Value>,
    continuation: Option<&str>,
) -> Page<T> {
    let mut links = json!({ "self": link(self_uri, None) });
    if let Some(n) = next {
        links["next"] = n;
    }
    Page {
        total_count: items.len(),
        continuation_token: continuation.map(str::to_string),
        items,
        links,
        attributes: json!({ "objectType": "Collection" }),
    }
}

/// A collection that is never paged, as Microsoft sends a customer's subscriptions and an Azure
/// plan's entitlements: no links at all.
pub fn unpaged_collection(items: Vec<Value>) -> Value {
    json!({
        "totalCount": items.len(),
        "items": items,
        "attributes": { "objectType": "Collection" },
    })
}

/// A Partner Center collection envelope.
pub fn collection(
    items: Vec<Value>,
    self_uri: &str,
    next: Option<Value>,
    continuation: Option<&str>,
) -> Value {
    let mut links = json!({ "self": link(self_uri, None) });
    if let Some(n) = next {
        links["next"] = n;
    }
    let mut body = json!({
        "totalCount": items.len(),
        "items": items,
        "links": links,
        "attributes": { "objectType": "Collection" },
    });
    if let Some(token) = continuation {
        body["continuationToken"] = json!(token);
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn decimals_are_json_numbers_with_their_exact_digits() {
        let v = serde_json::to_string(&json!({ "a": Num(Decimal::from_str("0.1122").unwrap()) }))
            .unwrap();
        assert_eq!(
            v, r#"{"a":0.1122}"#,
            "a price must be a number token, not a string"
        );
        let big = serde_json::to_string(&Num(Decimal::from_str("12345678901234.123456").unwrap()))
            .unwrap();
        assert_eq!(
            big, "12345678901234.123456",
            "digits beyond f64 precision must survive"
        );
    }
}
