//! Small builders shared by the tests.

use chrono::NaiveDate;
use cspdesk_rating::price::Price;
use cspdesk_rating::tiers::{Tier, TierTable};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

pub fn june(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, day).unwrap()
}

/// Microsoft's documented tiers: 1–100 @ 1.00, 101–100000 @ 0.80, ≥ 100001 @ 0.50.
pub fn documented_tiers() -> TierTable {
    TierTable::new(
        vec![
            Tier::new(dec!(0), dec!(1.00)),
            Tier::new(dec!(100), dec!(0.80)),
            Tier::new(dec!(100000), dec!(0.50)),
        ],
        Decimal::ZERO,
    )
    .unwrap()
}

pub fn documented_price() -> Price {
    Price::new(documented_tiers())
}
