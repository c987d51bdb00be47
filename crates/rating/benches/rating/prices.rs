//! The emulator's meter catalog as prices for both sides, **month by month**: each month's
//! prices are the catalog's scaled by that month's factor (some months up, some down, as the
//! Pricing API's sheets move), as this crate's [`MonthlyPrices`] (one consumption sheet per
//! month, USD, one entry per meter id the usage carries) and as the same tiers per month in a
//! CSV table for DuckDB. Both sides read the same scaled decimals.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::{Datelike, NaiveDate};
use cspdesk_emulator::world::catalog;
use cspdesk_rating::price::{month_days, Month, MonthlyPrices, Price, PriceEntry, PriceOrigin};
use cspdesk_rating::tiers::{Tier, TierTable};
use rust_decimal::{Decimal, RoundingStrategy};

/// Column names of the tiers CSV, in order.
pub const CSV_HEADER: &str = "meter,month,threshold,unit_price,included";

/// The month's price factor: 0.97 to 1.03, moving month to month.
fn factor((year, month): Month) -> Decimal {
    let step = (i64::from(year) * 12 + i64::from(month)).rem_euclid(7) - 3;
    Decimal::ONE + Decimal::new(step, 2)
}

/// A catalog price in `month`: scaled, half away from zero to 7 decimals (DuckDB's column).
fn scaled(price: Decimal, month: Month) -> Decimal {
    (price * factor(month)).round_dp_with_strategy(7, RoundingStrategy::MidpointAwayFromZero)
}

/// The catalog meter's tier table of `month` in this crate's terms.
fn tier_table(meter: usize, month: Month) -> Result<TierTable> {
    let m = catalog::meter(meter);
    let tiers = m
        .tier_table()
        .into_iter()
        .map(|(threshold, price)| Tier::new(threshold, scaled(price, month)))
        .collect();
    TierTable::new(tiers, m.included_quantity())
        .with_context(|| format!("the catalog's tiers of {}", m.code))
}

/// Each of `months`' sheet: one USD entry per meter id (`meters`: id -> catalog index), in
/// effect for that month's days.
pub fn monthly(meters: &BTreeMap<String, usize>, months: &[NaiveDate]) -> Result<MonthlyPrices> {
    let mut prices = MonthlyPrices::default();
    for first in months {
        let month = (first.year(), first.month());
        let (from, to) = month_days(month).context("a month")?;
        let entries = meters
            .iter()
            .map(|(id, meter)| {
                Ok(PriceEntry {
                    origin: PriceOrigin::PriceList,
                    meter_id: id.clone(),
                    currency: "USD".into(),
                    effective_from: from,
                    effective_to: Some(to),
                    price: Price::new(tier_table(*meter, month)?),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        prices.add_sheet(month, entries)?;
    }
    Ok(prices)
}

/// Every catalog meter's tiers of each of `months`, one CSV row per month and tier
/// (thresholds after the included quantity).
pub fn write_tiers(path: &Path, months: &[NaiveDate]) -> Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    writeln!(out, "{CSV_HEADER}")?;
    for first in months {
        for meter in 0..catalog::meter_count() {
            let table = tier_table(meter, (first.year(), first.month()))?;
            for tier in table.tiers() {
                writeln!(
                    out,
                    "{meter},{first},{},{},{}",
                    tier.threshold,
                    tier.unit_price,
                    table.included_quantity()
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
