//! The Azure plan price list as exported from Partner Center (reference §6.3): list prices in
//! USD that Microsoft bills the partner before partner earned credit, converted to the
//! billing currency with the month's FX rate at rating time.
//!
//! # Columns we read
//! The export's header is `ProductTitle, ProductId, SkuId, SkuTitle, Publisher,
//! SkuDescription, UnitOfMeasure, TermDuration, Market, Currency, UnitPrice,
//! PricingTierRangeMin, PricingTierRangeMax, EffectiveStartDate, EffectiveEndDate, MeterIds,
//! MeterType, Tags`. Matched without regard to case, in any order; we need:
//!
//! | column | use |
//! |---|---|
//! | `MeterIds` | required; one or more meter ids separated by `,` `;` `|` or spaces, each priced the same |
//! | `Currency` | required |
//! | `UnitPrice` | required, plain decimal |
//! | `PricingTierRangeMin` | required, the tier's start (see below) |
//! | `EffectiveStartDate` | required, `YYYY-MM-DD[T…]` |
//! | `EffectiveEndDate` | optional, inclusive last day; empty = open |
//! | `MeterType` | optional; a row with a non-empty value other than `Consumption` (a reservation, a savings plan) is skipped |
//!
//! # Tier starts
//! Microsoft describes tiers as unit ranges "1–100, 101–100000, ≥100001", while the rate card
//! and the Retail Prices API use 0-based thresholds ("0", "100", "100000"). A meter's rows whose
//! lowest `PricingTierRangeMin` is 1 are read as 1-based unit numbers (threshold = min − 1);
//! when the lowest is 0 they are read as thresholds. Any other lowest start is refused: the
//! first units would have no price.

use std::io::Read;

use super::csv_file::CsvFile;
use super::error::{PriceSheetError, SheetErrorKind};
use super::group::{self, Columns, TierBase, TierRow};
use super::{cell, PriceEntry, PriceOrigin};
use rust_decimal::Decimal;

const METER_IDS: &str = "MeterIds";
const CURRENCY: &str = "Currency";
const UNIT_PRICE: &str = "UnitPrice";
const TIER_MIN: &str = "PricingTierRangeMin";
const START: &str = "EffectiveStartDate";
const END: &str = "EffectiveEndDate";
const METER_TYPE: &str = "MeterType";

/// Reads an Azure plan price list export. `file` names it in errors.
pub fn parse_price_list(file: &str, input: impl Read) -> Result<Vec<PriceEntry>, PriceSheetError> {
    let csv = CsvFile::open(file, input)?;
    let i_meters = csv.required(METER_IDS)?;
    let i_currency = csv.required(CURRENCY)?;
    let i_price = csv.required(UNIT_PRICE)?;
    let i_min = csv.required(TIER_MIN)?;
    let i_start = csv.required(START)?;
    let i_end = csv.optional(END);
    let i_type = csv.optional(METER_TYPE);
    let mut rows = Vec::new();
    csv.rows(|row| {
        if let Some(i) = i_type {
            let kind = row.text(i);
            if !kind.is_empty() && !kind.eq_ignore_ascii_case("consumption") {
                return Ok(());
            }
        }
        let ids: Vec<&str> = row
            .text(i_meters)
            .split([',', ';', '|', ' '])
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() {
            return Err(row.at.error(
                METER_IDS,
                SheetErrorKind::Empty,
                "a consumption price needs at least one meter id",
            ));
        }
        let currency = row.currency(i_currency, CURRENCY)?;
        let unit_price = row.decimal(i_price, UNIT_PRICE)?;
        let tier_start = row.decimal(i_min, TIER_MIN)?;
        let effective_from = row.date(i_start, START)?;
        let effective_to = row.optional_date(i_end, END)?;
        for id in ids {
            let meter_id = cell::meter_id(id)
                .map_err(|(kind, message)| row.at.error(METER_IDS, kind, message))?;
            rows.push(TierRow {
                at: row.at.clone(),
                meter_id,
                currency: currency.clone(),
                effective_from,
                effective_to,
                tier_start,
                unit_price,
                included_quantity: Decimal::ZERO,
            });
        }
        Ok(())
    })?;
    group::entries(
        PriceOrigin::PriceList,
        rows,
        TierBase::OneBasedWhenLowestIsOne,
        &Columns {
            tier_start: TIER_MIN,
            unit_price: UNIT_PRICE,
            effective_to: END,
        },
    )
}
