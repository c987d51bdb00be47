//! The export files' dates. Microsoft's C# sample reads them as `DateTime`; the files carry
//! ISO-8601 text with or without a zone (`2023-10-01T00:00:00`, `...Z`, `...+00:00`) or a bare
//! day. A date without a zone is UTC, the zone Partner Center bills in.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};

/// Reads one export date as UTC.
pub(crate) fn parse(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%m/%d/%Y %H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, format) {
            return Some(d.and_utc());
        }
    }
    for format in ["%Y-%m-%d", "%m/%d/%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, format) {
            return Some(d.and_hms_opt(0, 0, 0)?.and_utc());
        }
    }
    None
}

/// A required date field.
pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| serde::de::Error::custom(format!("expected a date, got `{text}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_with_and_without_zones_are_the_same_day() {
        let day = parse("2023-10-01T00:00:00Z").unwrap();
        for text in [
            "2023-10-01T00:00:00",
            "2023-10-01T00:00:00.0000000",
            "2023-10-01",
            "2023-10-01T00:00:00+00:00",
            "10/01/2023",
        ] {
            assert_eq!(parse(text), Some(day), "{text}");
        }
        assert_eq!(parse("yesterday"), None);
    }
}
