//! Microsoft's Pricing API files (reference §6.3), read as Microsoft publishes them: the Azure
//! plan consumption sheet ([`parse_consumption_sheet`]), the new-commerce licence sheet
//! ([`parse_licence_sheet`]) and the month's FX rates ([`parse_fx_rates`]).
//!
//! # Streaming, header first
//! Each reader takes any [`std::io::Read`] and reads the CSV row by row (a 500,000-row sheet
//! is never held as text). The header is checked before any row: a required column missing
//! refuses the file with a [`PriceSheetError`] naming the column, and nothing is returned.
//!
//! # Microsoft's formats tolerated
//! - dates as `YYYY-MM-DD[T…]` or as the samples write them, `M/D/YYYY h:mm:ss AM|PM`
//!   (`3/1/2018 12:00:00 AM`); the day is what counts ([`microsoft_date`]);
//! - an empty `PricingTierRangeMin` is the first tier: 0;
//! - `MeterType` is informational: the documented sample carries the unit there
//!   (`1 Node/Month`). Only a row whose `MeterType` names another offer (a reservation or a
//!   savings plan) is set aside; `Consumption`, a unit or nothing is a consumption price.
//!
//! # A row set aside, not the sheet refused
//! One unreadable row (an amount that is not a number, a date that is not one, no meter id, a
//! meter whose tiers do not form a table) is set aside with its line and reason
//! ([`SetAsideRow`]); the sheet's other rows are kept. A sheet is refused only for its header.

mod fx;
mod licence;
mod rows;

use std::io::Read;

use chrono::NaiveDate;

use super::cell::{self, CellError};
use super::csv_file::Row;
use super::error::{PriceSheetError, SheetErrorKind};
use super::PriceEntry;

pub use fx::{parse_fx_rates, FxRates, FX_RATE_DECIMALS};
pub use licence::{parse_licence_sheet, LicencePrice, LicenceSheet};
pub use rows::{consumption_entries, read_sheet_rows, ReadStop, SheetItem, SheetRow, SheetView};

/// A row of a Pricing API file that was not read, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetAsideRow {
    /// 1-based line in the file.
    pub line: u64,
    /// The column at fault, when one is.
    pub column: String,
    /// What is wrong with it.
    pub reason: String,
}

impl SetAsideRow {
    /// Whether the row was left out as another offer's price (a reservation, a savings plan)
    /// rather than for being unreadable.
    pub fn is_other_offer(&self) -> bool {
        self.column == METER_TYPE
    }
}

impl From<PriceSheetError> for SetAsideRow {
    fn from(e: PriceSheetError) -> Self {
        Self {
            line: e.line,
            column: e.column,
            reason: e.message,
        }
    }
}

/// An Azure plan consumption sheet: USD prices (estimated retail, before partner earned
/// credit) per meter, and the rows set aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumptionSheet {
    /// One entry per meter, currency and effective dates ([`PriceOrigin::PriceList`]: the
    /// same prices the portal's price list export carries).
    pub entries: Vec<PriceEntry>,
    /// Rows not read.
    pub set_aside: Vec<SetAsideRow>,
}

const METER_IDS: &str = "MeterIds";
const CURRENCY: &str = "Currency";
const UNIT_PRICE: &str = "UnitPrice";
const TIER_MIN: &str = "PricingTierRangeMin";
const START: &str = "EffectiveStartDate";
const END: &str = "EffectiveEndDate";
const METER_TYPE: &str = "MeterType";

/// A date as the Pricing API writes it: `YYYY-MM-DD` with an optional time, or
/// `M/D/YYYY` with an optional time (`3/1/2018 12:00:00 AM`). The day written is the day.
pub fn microsoft_date(text: &str) -> Result<NaiveDate, CellError> {
    let t = text.trim();
    let day = t.split_whitespace().next().unwrap_or("");
    if day.contains('/') {
        return NaiveDate::parse_from_str(day, "%m/%d/%Y").map_err(|_| {
            (
                SheetErrorKind::Date,
                format!("{t:?} is not a date: Microsoft writes M/D/YYYY or YYYY-MM-DD"),
            )
        });
    }
    cell::date(t)
}

impl Row<'_> {
    fn microsoft_date(&self, index: usize, column: &str) -> Result<NaiveDate, PriceSheetError> {
        microsoft_date(self.text(index)).map_err(|(kind, m)| self.at.error(column, kind, m))
    }

    fn optional_microsoft_date(
        &self,
        index: Option<usize>,
        column: &str,
    ) -> Result<Option<NaiveDate>, PriceSheetError> {
        match index {
            Some(i) if !self.text(i).is_empty() => self.microsoft_date(i, column).map(Some),
            _ => Ok(None),
        }
    }
}

/// Whether a `MeterType` names an offer other than pay-as-you-go consumption.
fn other_offer(meter_type: &str) -> bool {
    let t = meter_type.to_ascii_lowercase();
    t.contains("reservation") || t.contains("savings")
}

/// Reads an Azure plan consumption sheet (`PricesheetView='azure_consumption'`). `file`
/// names it in errors and set-aside rows.
pub fn parse_consumption_sheet(
    file: &str,
    input: impl Read,
) -> Result<ConsumptionSheet, PriceSheetError> {
    let mut rows = Vec::new();
    let mut set_aside = Vec::new();
    read_sheet_rows(file, SheetView::AzureConsumption, input, |item| {
        match item {
            Ok(row) => rows.push(row),
            Err(aside) => set_aside.push(aside),
        }
        Ok::<(), std::convert::Infallible>(())
    })
    .map_err(|stop| match stop {
        ReadStop::Sheet(e) => e,
        ReadStop::Caller(never) => match never {},
    })?;
    let (entries, mut grouped) = consumption_entries(file, rows);
    set_aside.append(&mut grouped);
    set_aside.sort_by_key(|s| s.line);
    Ok(ConsumptionSheet { entries, set_aside })
}

/// A consumption row's meter ids (one row may list several), lower case; none is an error.
fn consumption_row_checked(row: &Row<'_>, i_meters: usize) -> Result<Vec<String>, PriceSheetError> {
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
    ids.into_iter()
        .map(|id| {
            cell::meter_id(id).map_err(|(kind, message)| row.at.error(METER_IDS, kind, message))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn microsoft_dates_in_both_styles() {
        let march = NaiveDate::from_ymd_opt(2018, 3, 1).unwrap();
        assert_eq!(microsoft_date("3/1/2018 12:00:00 AM").unwrap(), march);
        assert_eq!(microsoft_date("03/01/2018").unwrap(), march);
        assert_eq!(microsoft_date("2018-03-01T00:00:00Z").unwrap(), march);
        assert_eq!(
            microsoft_date("11/30/9999 11:59:59 PM").unwrap(),
            NaiveDate::from_ymd_opt(9999, 11, 30).unwrap()
        );
        for bad in ["13/1/2018", "2/30/2019 12:00:00 AM", "March 1", ""] {
            assert!(microsoft_date(bad).is_err(), "{bad:?} must be refused");
        }
    }

    #[test]
    fn only_other_offers_leave_the_consumption_sheet() {
        assert!(!other_offer("1 Node/Month"));
        assert!(!other_offer("Consumption"));
        assert!(!other_offer(""));
        assert!(other_offer("Reservation"));
        assert!(other_offer("SavingsPlan"));
    }
}
