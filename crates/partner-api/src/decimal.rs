//! Money and quantities arrive as JSON numbers or as strings (`"unitPrice":"16"`), and must not
//! pass through binary floating point. These deserializers read the raw JSON token and parse
//! the decimal digits exactly.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

/// Parses one raw JSON token (number or string) as a decimal.
fn parse(raw: &RawValue) -> std::result::Result<Decimal, String> {
    let text = raw.get().trim();
    let digits = if text.starts_with('"') {
        serde_json::from_str::<String>(text).map_err(|e| e.to_string())?
    } else {
        text.to_string()
    };
    let digits = digits.trim();
    Decimal::from_str(digits)
        .or_else(|_| Decimal::from_scientific(digits))
        .map_err(|_| format!("expected a decimal number, got {text}"))
}

/// A decimal from a JSON number or string.
struct Exact(Decimal);

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        parse(&raw).map(Exact).map_err(D::Error::custom)
    }
}

/// Required decimal field.
pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
    Exact::deserialize(d).map(|e| e.0)
}

/// Optional decimal field (`null` or absent is `None`; use with `#[serde(default)]`).
pub(crate) fn optional<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Decimal>, D::Error> {
    let raw = Option::<Box<RawValue>>::deserialize(d)?;
    match raw {
        None => Ok(None),
        Some(r) if r.get().trim() == "null" || r.get().trim() == "\"\"" => Ok(None),
        Some(r) => parse(&r).map(Some).map_err(D::Error::custom),
    }
}

/// Map of text keys to decimals (rate card `rates`: threshold -> unit price).
pub(crate) fn map<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<BTreeMap<String, Decimal>, D::Error> {
    let raw = BTreeMap::<String, Exact>::deserialize(d)?;
    Ok(raw.into_iter().map(|(k, v)| (k, v.0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Row {
        #[serde(deserialize_with = "required")]
        price: Decimal,
        #[serde(default, deserialize_with = "optional")]
        paid: Option<Decimal>,
    }

    #[test]
    fn numbers_and_strings_keep_every_digit() {
        let row: Row =
            serde_json::from_str(r#"{"price":1234567890.123456789012345678,"paid":"-16.50"}"#)
                .unwrap();
        assert_eq!(
            row.price.to_string(),
            "1234567890.123456789012345678",
            "an f64 detour would have rounded these digits"
        );
        assert_eq!(
            row.paid,
            Some(Decimal::from_str("-16.50").unwrap()),
            "string-typed numbers are accepted"
        );
        let row: Row = serde_json::from_str(r#"{"price":1e-2,"paid":null}"#).unwrap();
        assert_eq!(
            (row.price, row.paid),
            (Decimal::from_str("0.01").unwrap(), None)
        );
        assert!(
            serde_json::from_str::<Row>(r#"{"price":"abc"}"#).is_err(),
            "non-numeric text is not a price"
        );
    }
}
