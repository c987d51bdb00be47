//! Reading one cell of a price file: plain decimals from text (never through `f64`), dates,
//! currency codes and meter ids, each with a message that says what to write instead.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::SheetErrorKind;

/// A cell's problem: its kind and message (the caller adds file, line and column).
pub(crate) type CellError = (SheetErrorKind, String);

/// A plain decimal: digits with an optional leading `-` and one `.`; no exponent, sign `+`,
/// thousands separator or currency sign.
pub(crate) fn decimal(text: &str) -> Result<Decimal, CellError> {
    let t = text.trim();
    if t.is_empty() {
        return Err((SheetErrorKind::Empty, "a number is required here".into()));
    }
    let plain = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'))
        && t.chars().filter(|c| *c == '.').count() <= 1
        && t.chars().any(|c| c.is_ascii_digit());
    match Decimal::from_str_exact(t) {
        Ok(d) if plain => Ok(d),
        _ => Err((
            SheetErrorKind::Decimal,
            format!("{t:?} is not a plain decimal number (write e.g. 0.0125, no exponent, separator or currency sign)"),
        )),
    }
}

/// A JSON number as written (`0.0125`, `1.6E-05`) or a JSON string holding a plain decimal
/// (`"0.0125"`, as some Microsoft samples send). `raw` is the value's JSON text.
pub(crate) fn json_decimal(raw: &str) -> Result<Decimal, CellError> {
    let raw = raw.trim();
    if raw.starts_with('"') {
        let text: String = serde_json::from_str(raw)
            .map_err(|e| (SheetErrorKind::Malformed, format!("bad JSON string: {e}")))?;
        return decimal(&text);
    }
    if raw == "null" {
        return Err((SheetErrorKind::Empty, "a number is required here".into()));
    }
    // JSON's number grammar: optional '-', digits, optional fraction, optional exponent.
    let json_number = raw
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'));
    let parsed = if raw.contains(['e', 'E']) {
        Decimal::from_scientific(raw)
    } else {
        Decimal::from_str_exact(raw)
    };
    match parsed {
        Ok(d) if json_number => Ok(d),
        _ => Err((
            SheetErrorKind::Decimal,
            format!("{raw} is not a decimal number"),
        )),
    }
}

/// A calendar date written `YYYY-MM-DD`, optionally followed by a time (`T…` or a space),
/// which is ignored: prices take effect by day. The date is the one written, not converted
/// to another time zone.
pub(crate) fn date(text: &str) -> Result<NaiveDate, CellError> {
    let t = text.trim();
    if t.is_empty() {
        return Err((SheetErrorKind::Empty, "a date is required here".into()));
    }
    let bad = || {
        (
            SheetErrorKind::Date,
            format!("{t:?} is not a date: write YYYY-MM-DD (a time after it is allowed)"),
        )
    };
    let (day, rest) = t.split_at_checked(10).ok_or_else(bad)?;
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return Err(bad());
    }
    NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| bad())
}

/// A three-letter currency code, returned in upper case.
pub(crate) fn currency(text: &str) -> Result<String, CellError> {
    let t = text.trim();
    if t.len() == 3 && t.chars().all(|c| c.is_ascii_alphabetic()) {
        Ok(t.to_ascii_uppercase())
    } else if t.is_empty() {
        Err((
            SheetErrorKind::Empty,
            "a currency code is required here".into(),
        ))
    } else {
        Err((
            SheetErrorKind::Currency,
            format!("{t:?} is not a currency code: write three letters such as USD or EUR"),
        ))
    }
}

/// A meter id, compared without regard to case (Microsoft writes the same GUID both ways).
pub(crate) fn meter_id(text: &str) -> Result<String, CellError> {
    let t = text.trim();
    if t.is_empty() {
        Err((SheetErrorKind::Empty, "a meter id is required here".into()))
    } else if t.chars().any(char::is_whitespace) {
        Err((
            SheetErrorKind::Malformed,
            format!("{t:?} is not a meter id: it contains spaces"),
        ))
    } else {
        Ok(normalize_meter_id(t))
    }
}

/// The form meter ids are compared in.
pub fn normalize_meter_id(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn plain_decimals_only() {
        assert_eq!(decimal(" 0.0125 ").unwrap(), dec!(0.0125));
        assert_eq!(decimal("-3").unwrap(), dec!(-3));
        for bad in [
            "1e3", "1,5", "$1", "1_000", "+1", "1.2.3", "-", ".", "0x10", "NaN",
        ] {
            assert!(decimal(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(decimal("").unwrap_err().0, SheetErrorKind::Empty);
    }

    #[test]
    fn json_numbers_keep_their_digits() {
        assert_eq!(json_decimal("0.1").unwrap(), dec!(0.1));
        assert_eq!(json_decimal("1.6E-05").unwrap(), dec!(0.000016));
        assert_eq!(json_decimal("\"16\"").unwrap(), dec!(16));
        assert_eq!(
            json_decimal("0.30000000000000004").unwrap().to_string(),
            "0.30000000000000004",
            "no trip through f64"
        );
        assert!(json_decimal("true").is_err());
        assert!(json_decimal("\"1e3\"").is_err());
    }

    #[test]
    fn dates_ignore_the_time_part() {
        let june = NaiveDate::from_ymd_opt(2024, 6, 1).unwrap();
        assert_eq!(date("2024-06-01").unwrap(), june);
        assert_eq!(date("2024-06-01T00:00:00Z").unwrap(), june);
        assert_eq!(date("2024-06-01T00:00:00.0000000Z").unwrap(), june);
        assert_eq!(date("2024-06-01 12:00").unwrap(), june);
        for bad in [
            "6/1/2024",
            "2024-6-1",
            "2024-06-01x",
            "2024-02-30",
            "20240601",
        ] {
            assert!(date(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn currencies_are_three_letters() {
        assert_eq!(currency(" eur ").unwrap(), "EUR");
        assert!(currency("EURO").is_err());
        assert!(currency("€").is_err());
    }
}
