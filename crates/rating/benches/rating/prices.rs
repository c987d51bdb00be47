//! The emulator's meter catalog as prices for both sides: a [`PriceBook`] of Azure plan price
//! list entries in USD (tier tables and included quantities, one entry per meter id the usage
//! carries) for this crate, and the same tiers as a CSV table for DuckDB.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use cspdesk_emulator::world::catalog;
use cspdesk_rating::price::{Price, PriceBook, PriceEntry, PriceOrigin};
use cspdesk_rating::tiers::{Tier, TierTable};

/// Column names of the tiers CSV, in order.
pub const CSV_HEADER: &str = "meter,threshold,unit_price,included";

/// The catalog meter's tier table in this crate's terms.
fn tier_table(meter: usize) -> Result<TierTable> {
    let m = catalog::meter(meter);
    let tiers = m
        .tier_table()
        .into_iter()
        .map(|(threshold, price)| Tier::new(threshold, price))
        .collect();
    TierTable::new(tiers, m.included_quantity())
        .with_context(|| format!("the catalog's tiers of {}", m.code))
}

/// One USD price list entry per meter id (`meters`: id -> catalog index), in effect from
/// `from` on.
pub fn book(meters: &BTreeMap<String, usize>, from: NaiveDate) -> Result<PriceBook> {
    let entries = meters
        .iter()
        .map(|(id, meter)| {
            Ok(PriceEntry {
                origin: PriceOrigin::PriceList,
                meter_id: id.clone(),
                currency: "USD".into(),
                effective_from: from,
                effective_to: None,
                price: Price::new(tier_table(*meter)?),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PriceBook::from_entries(entries)?)
}

/// Every catalog meter's tiers, one CSV row per tier (thresholds after the included quantity).
pub fn write_tiers(path: &Path) -> Result<()> {
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    writeln!(out, "{CSV_HEADER}")?;
    for meter in 0..catalog::meter_count() {
        let table = tier_table(meter)?;
        for tier in table.tiers() {
            writeln!(
                out,
                "{meter},{},{},{}",
                tier.threshold,
                tier.unit_price,
                table.included_quantity()
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
