//! The partner price sheet: our own CSV for prices the partner knows better than Microsoft's
//! lists (negotiated prices, Azure Stack Hub meters, corrections). It wins over every other
//! source for the meters and days it covers.
//!
//! # Format
//! UTF-8 CSV (a BOM is allowed) with a header row naming these columns, in any order and
//! any case; other columns are ignored:
//!
//! | column | content |
//! |---|---|
//! | `MeterId` | the meter's id (GUID), any case |
//! | `TierStart` | billable units consumed before this tier's price starts: `0` for the first tier (the rate card's threshold convention) |
//! | `UnitPrice` | price per unit in this tier, a plain decimal (`0.0125`) |
//! | `Currency` | three-letter code, e.g. `USD` |
//! | `EffectiveFrom` | first day the price applies, `YYYY-MM-DD` |
//!
//! One row per tier; rows with the same meter, currency and `EffectiveFrom` form one tier
//! table. A price applies until a row of the same meter and currency with a later
//! `EffectiveFrom` takes over. Example (the first 100 units at 1.00, then 0.80):
//!
//! ```text
//! MeterId,TierStart,UnitPrice,Currency,EffectiveFrom
//! 9995d93a-7d35-4d3f-9c69-7a7fea447ef4,0,1.00,USD,2024-06-01
//! 9995d93a-7d35-4d3f-9c69-7a7fea447ef4,100,0.80,USD,2024-06-01
//! ```

use std::io::Read;

use super::csv_file::CsvFile;
use super::error::PriceSheetError;
use super::group::{self, Columns, TierBase, TierRow};
use super::{PriceEntry, PriceOrigin};
use rust_decimal::Decimal;

/// The columns of a partner price sheet, in the order we write them.
pub const PARTNER_SHEET_COLUMNS: [&str; 5] = [
    "MeterId",
    "TierStart",
    "UnitPrice",
    "Currency",
    "EffectiveFrom",
];

/// Reads a partner price sheet. `file` names it in errors.
pub fn parse_partner_price_sheet(
    file: &str,
    input: impl Read,
) -> Result<Vec<PriceEntry>, PriceSheetError> {
    let [meter, start, price, currency, from] = PARTNER_SHEET_COLUMNS;
    let csv = CsvFile::open(file, input)?;
    let (i_meter, i_start, i_price, i_currency, i_from) = (
        csv.required(meter)?,
        csv.required(start)?,
        csv.required(price)?,
        csv.required(currency)?,
        csv.required(from)?,
    );
    let mut rows = Vec::new();
    csv.rows(|row| {
        rows.push(TierRow {
            meter_id: row.meter_id(i_meter, meter)?,
            tier_start: row.decimal(i_start, start)?,
            unit_price: row.decimal(i_price, price)?,
            currency: row.currency(i_currency, currency)?,
            effective_from: row.date(i_from, from)?,
            effective_to: None,
            included_quantity: Decimal::ZERO,
            at: row.at.clone(),
        });
        Ok(())
    })?;
    group::entries(
        PriceOrigin::PartnerSheet,
        rows,
        TierBase::Threshold,
        &Columns {
            tier_start: start,
            unit_price: price,
            effective_to: from,
        },
    )
}
