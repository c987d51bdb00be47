//! Billing periods as the shells write them (`YYYY-MM`), read and written back.

use cspdesk_rating::period::BillingPeriod;

use crate::{ApiError, ErrorCode};

/// Reads a billing period written `YYYY-MM`.
pub fn parse_period(text: &str) -> Result<BillingPeriod, ApiError> {
    let bad = || {
        ApiError::new(
            ErrorCode::Validation,
            format!("{text:?} is not a billing period: write the month as YYYY-MM, e.g. 2026-10"),
            Some("period"),
        )
    };
    let t = text.trim();
    let (y, m) = t.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    BillingPeriod::calendar_month(year, month).map_err(|_| bad())
}

/// `YYYY-MM` of a period.
pub fn period_text(period: &BillingPeriod) -> String {
    period.start().format("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_months() {
        assert_eq!(period_text(&parse_period("2026-10").unwrap()), "2026-10");
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", ""] {
            let e = parse_period(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("period"), "{bad}");
        }
    }
}
