//! Monthly FX rates from the pricing currency (USD) to billing currencies. Microsoft fixes one
//! rate per month; the emulator derives it from (seed, currency, month) within a plausible band.

use rust_decimal::Decimal;

use super::{Currency, Month};
use crate::entropy::{tag, Draw};

/// USD -> `currency` rate for the whole of `month` (6 decimals).
pub fn rate(seed: u64, currency: Currency, month: Month) -> Decimal {
    let (lo, span) = match currency {
        Currency::Usd => return Decimal::ONE,
        Currency::Eur => (850_000u64, 100_000u64),
        Currency::Gbp => (740_000, 80_000),
    };
    let mut d = Draw::new(
        seed,
        &[
            tag::FX,
            currency as u64,
            month.year as u64,
            month.month as u64,
        ],
    );
    Decimal::new((lo + d.below(span)) as i64, 6)
}

/// The date Microsoft published the month's rate: two days before the month starts.
pub fn rate_date(month: Month) -> chrono::NaiveDate {
    month.first_day() - chrono::Duration::days(2)
}
