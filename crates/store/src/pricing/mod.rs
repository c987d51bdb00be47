//! Microsoft's Pricing API sheets and FX rates as stored (migration 0017): one sheet per
//! partner account, view, market and month with its rows as the reader gives them, and each
//! month's FX rates. Rating builds a month's prices from them; Discovery (and `cspdesk
//! prices import --kind pricing-sheet | fx-rates`) writes them through the one import
//! pipeline.
//!
//! # One sheet, one transaction
//! [`write_sheet`] opens a transaction, replaces what the key held, and hands a
//! [`SheetWriter`] to the caller, which feeds it the reader's rows as they are read (a
//! 500,000-row sheet is never held whole); it commits only when the caller's reading ends
//! well. A sheet refused for its header, or a failed write, writes nothing. Rows the reader
//! set aside are written with their line and reason, the rest as rows.
//!
//! # A past month once
//! A past month's sheet (`history`) does not change: [`holds_history`] tells Discovery it is
//! held, so it is fetched once. The current month's (`current`) is the month so far and is
//! replaced whenever it is read again.

mod fx;
mod licences;
mod sheets;

pub use fx::{fx_rates, write_fx, FxMonth};
pub use licences::{licence_charges, licence_order_months, market_of, LicenceCharge};
pub use sheets::{
    holds_history, sheet_rows, sheets, write_sheet, SheetKey, SheetWriter, StoredSheet,
    StoredSheetRow, Timeline, WrittenSheet,
};

/// The months (`YYYY-MM`) in which the account has Azure plan daily usage, oldest first:
/// the months whose consumption sheet and FX rates rating needs.
pub fn usage_months(db: &crate::Database, account_id: &str) -> crate::Result<Vec<String>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT DISTINCT substr(usage_date, 1, 7) FROM daily_usage WHERE account_id = ?1
         ORDER BY 1",
    )?;
    let months = stmt.query_map([account_id], |r| r.get(0))?;
    Ok(months.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests;
