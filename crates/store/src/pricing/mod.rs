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

mod browse;
mod fx;
mod licences;
mod sheets;
pub mod term_start;

pub use browse::{billing_currencies, each_sheet_row, meter_rows, sheet_rows_at, MeterMonthRow};
pub use fx::{fx_rates, write_fx, FxMonth};
pub use licences::{licence_charges, licence_order_months, market_of, LicenceCharge};
pub use sheets::{
    holds_history, sheet_rows, sheets, write_sheet, SheetKey, SheetWriter, StoredSheet,
    StoredSheetRow, Timeline, WrittenSheet,
};
pub use term_start::TermDating;

/// The months (`YYYY-MM`) in which the account has Azure plan daily usage, oldest first:
/// the months whose consumption sheet and FX rates rating needs.
pub fn usage_months(db: &crate::Database, account_id: &str) -> crate::Result<Vec<String>> {
    // An indexed read: for each source and subject of the account, the first usage day,
    // then the first day of each later month with usage, each one seek into the facts'
    // clustered key (source, subject, day, ...) instead of a scan of every row.
    let mut stmt = db.conn().prepare_cached(
        "WITH RECURSIVE found(source_id, subject_id, day) AS (
             SELECT s.id, j.id, (SELECT min(f.day) FROM daily_usage_facts f
                                 WHERE f.source_id = s.id AND f.subject_id = j.id)
             FROM usage_sources s CROSS JOIN usage_subjects j
             WHERE s.account_id = ?1 AND s.staged = 0 AND j.account_id = ?1
             UNION ALL
             SELECT source_id, subject_id, (SELECT min(f.day) FROM daily_usage_facts f
                 WHERE f.source_id = found.source_id AND f.subject_id = found.subject_id
                   AND f.day >= CAST(julianday(date(found.day + 2440587.5, 'start of month',
                                                    '+1 month')) - 2440587.5 AS INTEGER))
             FROM found WHERE found.day IS NOT NULL)
         SELECT DISTINCT substr(date(day + 2440587.5), 1, 7) FROM found
         WHERE day IS NOT NULL ORDER BY 1",
    )?;
    let months = stmt.query_map([account_id], |r| r.get(0))?;
    Ok(months.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod browse_tests;
#[cfg(test)]
mod tests;
