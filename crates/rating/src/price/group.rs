//! Turning rows that each hold one tier into price entries: rows of the same meter, currency
//! and effective dates form one tier table. Shared by every reader so they agree on
//! duplicates (identical rows are one tier), conflicts and how tier errors are reported.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::error::{PriceSheetError, RowAt, SheetErrorKind};
use super::{Price, PriceEntry, PriceOrigin};
use crate::tiers::{Tier, TierError, TierTable};

/// How a source numbers its tier starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TierBase {
    /// The start is the 0-based threshold itself.
    Threshold,
    /// The start is a 1-based unit number (`1`, `101`, …) when the meter's lowest start is 1,
    /// otherwise a 0-based threshold.
    OneBasedWhenLowestIsOne,
}

/// One tier read from one row.
#[derive(Clone, Debug)]
pub(crate) struct TierRow {
    pub at: RowAt,
    pub meter_id: String,
    pub currency: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub tier_start: Decimal,
    pub unit_price: Decimal,
    pub included_quantity: Decimal,
}

/// Column names a source uses, for error messages.
pub(crate) struct Columns {
    pub tier_start: &'static str,
    pub unit_price: &'static str,
    pub effective_to: &'static str,
}

type Key = (String, String, NaiveDate, Option<NaiveDate>);

pub(crate) fn entries(
    origin: PriceOrigin,
    rows: Vec<TierRow>,
    base: TierBase,
    columns: &Columns,
) -> Result<Vec<PriceEntry>, PriceSheetError> {
    let mut groups: BTreeMap<Key, Vec<TierRow>> = BTreeMap::new();
    for row in rows {
        if let Some(to) = row.effective_to {
            if to < row.effective_from {
                return Err(row.at.error(
                    columns.effective_to,
                    SheetErrorKind::Date,
                    format!(
                        "the price ends ({to}) before it starts ({})",
                        row.effective_from
                    ),
                ));
            }
        }
        let key = (
            row.meter_id.clone(),
            row.currency.clone(),
            row.effective_from,
            row.effective_to,
        );
        groups.entry(key).or_default().push(row);
    }
    groups
        .into_iter()
        .map(
            |((meter_id, currency, effective_from, effective_to), rows)| {
                let tiers = table(rows, base, columns)?;
                Ok(PriceEntry {
                    origin,
                    meter_id,
                    currency,
                    effective_from,
                    effective_to,
                    price: Price::new(tiers),
                })
            },
        )
        .collect()
}

fn table(
    mut rows: Vec<TierRow>,
    base: TierBase,
    columns: &Columns,
) -> Result<TierTable, PriceSheetError> {
    // Stable: among equal starts the earlier line stays first, so a conflict names the later.
    rows.sort_by_key(|a| a.tier_start);
    let lowest = rows[0].tier_start;
    let shift = if base == TierBase::OneBasedWhenLowestIsOne && lowest == Decimal::ONE {
        Decimal::ONE
    } else {
        Decimal::ZERO
    };
    let included = rows[0].included_quantity;
    let mut kept: Vec<&TierRow> = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.included_quantity != included {
            return Err(row.at.error(
                "",
                SheetErrorKind::Conflict,
                format!(
                    "included quantity {} differs from {} on line {} for the same meter and dates",
                    row.included_quantity, included, rows[0].at.line
                ),
            ));
        }
        match kept.last() {
            Some(prev) if prev.tier_start == row.tier_start => {
                if prev.unit_price != row.unit_price {
                    return Err(row.at.error(
                        columns.unit_price,
                        SheetErrorKind::Conflict,
                        format!(
                            "line {} prices the same meter, tier start and dates at {}, this line at {}",
                            prev.at.line, prev.unit_price, row.unit_price
                        ),
                    ));
                }
            }
            _ => kept.push(row),
        }
    }
    let tiers = kept
        .iter()
        .map(|r| Tier::new(r.tier_start - shift, r.unit_price))
        .collect();
    TierTable::new(tiers, included).map_err(|e| {
        let (row, column) = match &e {
            TierError::NegativePrice { index, .. } => (kept[*index], columns.unit_price),
            TierError::NotIncreasing { index, .. } => (kept[*index], columns.tier_start),
            _ => (kept[0], columns.tier_start),
        };
        let hint = if base == TierBase::OneBasedWhenLowestIsOne {
            " (the lowest tier start of a meter must be 0 or 1)"
        } else {
            ""
        };
        row.at
            .error(column, SheetErrorKind::Tier, format!("{e}{hint}"))
    })
}
