//! Reads for the Prices page: a sheet's rows streamed once (so a 500,000-row sheet is
//! searched and sorted without being held as rows), rows fetched back by rowid a page at a
//! time, one meter's rows across the months' sheets, and the currencies the account bills in.
//! Writes stay in [`super::sheets`] and [`super::fx`].

use chrono::NaiveDate;
use rusqlite::{params, Row};
use rust_decimal::Decimal;

use super::StoredSheetRow;
use crate::error::{Error, Result};
use crate::Database;

const COLUMNS: &str = "rowid, line, meter_id, product_id, sku_id, product_title, sku_title, unit,
     meter_type, currency, unit_price, tier_min, tier_max, effective_start, effective_end, term,
     billing_plan, erp_price";

fn decimal(text: &str, what: &str) -> Result<Decimal> {
    text.parse().map_err(|_| Error::Invalid {
        field: "pricingSheet",
        message: format!(
            "a stored price sheet's {what} is not a decimal ({text:?}): import the sheet again"
        ),
    })
}

fn day(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| Error::Invalid {
        field: "pricingSheet",
        message: format!(
            "a stored price sheet's date is not YYYY-MM-DD ({text:?}): import the sheet again"
        ),
    })
}

/// One row of [`COLUMNS`] (its rowid first).
fn browse_row(r: &Row<'_>) -> Result<(i64, StoredSheetRow)> {
    Ok((r.get(0)?, browse_row_from(r, 0)?))
}

/// Calls `visit` with every row of sheet `sheet_id` and its rowid, in file order, one row in
/// memory at a time.
pub fn each_sheet_row<E: From<Error>>(
    db: &Database,
    sheet_id: i64,
    mut visit: impl FnMut(i64, &StoredSheetRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let mut stmt = db
        .conn()
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM pricing_sheet_rows WHERE sheet_id = ?1 ORDER BY rowid"
        ))
        .map_err(Error::from)?;
    let mut rows = stmt.query(params![sheet_id]).map_err(Error::from)?;
    while let Some(r) = rows.next().map_err(Error::from)? {
        let (rowid, row) = browse_row(r)?;
        visit(rowid, &row)?;
    }
    Ok(())
}

/// The rows of sheet `sheet_id` at `rowids`, in that order; `None` where a rowid is no longer
/// the sheet's (it was replaced meanwhile).
pub fn sheet_rows_at(
    db: &Database,
    sheet_id: i64,
    rowids: &[i64],
) -> Result<Vec<Option<(i64, StoredSheetRow)>>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM pricing_sheet_rows WHERE rowid = ?1 AND sheet_id = ?2"
    ))?;
    let mut out = Vec::with_capacity(rowids.len());
    for rowid in rowids {
        let mut rows = stmt.query(params![rowid, sheet_id])?;
        out.push(match rows.next()? {
            Some(r) => Some(browse_row(r)?),
            None => None,
        });
    }
    Ok(out)
}

/// One row of a meter in one month's sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeterMonthRow {
    /// The sheet's month, `YYYY-MM`.
    pub month: String,
    /// The sheet's market.
    pub market: String,
    /// The row.
    pub row: StoredSheetRow,
}

/// Every row of meter `meter_id` (any case) in the account's sheets of `view`, by month,
/// market, then tier. Read sheet by sheet through the rows' sheet index (the meter has no
/// index of its own: a few hundred thousand rows a month are scanned).
pub fn meter_rows(
    db: &Database,
    account_id: &str,
    view: &str,
    meter_id: &str,
) -> Result<Vec<MeterMonthRow>> {
    let meter = meter_id.trim().to_ascii_lowercase();
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT s.month, s.market, {} FROM pricing_sheets s
         JOIN pricing_sheet_rows r ON r.sheet_id = s.id
         WHERE s.account_id = ?1 AND s.view = ?2 AND r.meter_id = ?3
         ORDER BY s.month, s.market, r.rowid",
        COLUMNS
            .split(',')
            .map(|c| format!("r.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let mut rows = stmt.query(params![account_id, view, meter])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let month: String = r.get(0)?;
        let market: String = r.get(1)?;
        // The row's columns follow the sheet's two.
        let row = browse_row_from(r, 2)?;
        out.push(MeterMonthRow { month, market, row });
    }
    out.sort_by(|a, b| {
        (&a.month, &a.market, a.row.tier_min).cmp(&(&b.month, &b.market, b.row.tier_min))
    });
    Ok(out)
}

/// The row of [`COLUMNS`] starting at column `at` (its rowid there, left out).
fn browse_row_from(r: &Row<'_>, at: usize) -> Result<StoredSheetRow> {
    let text = |i: usize| -> Result<String> { Ok(r.get(at + i)?) };
    let opt_text = |i: usize| -> Result<Option<String>> { Ok(r.get(at + i)?) };
    Ok(StoredSheetRow {
        line: r.get::<_, i64>(at + 1)? as u64,
        meter_id: opt_text(2)?,
        product_id: text(3)?,
        sku_id: text(4)?,
        product_title: text(5)?,
        sku_title: text(6)?,
        unit: text(7)?,
        meter_type: text(8)?,
        currency: text(9)?,
        unit_price: decimal(&text(10)?, "unit price")?,
        tier_min: decimal(&text(11)?, "tier minimum")?,
        tier_max: opt_text(12)?
            .map(|t| decimal(&t, "tier maximum"))
            .transpose()?,
        effective_start: day(&text(13)?)?,
        effective_end: opt_text(14)?.map(|t| day(&t)).transpose()?,
        term: text(15)?,
        billing_plan: text(16)?,
        erp_price: opt_text(17)?
            .map(|t| decimal(&t, "ERP price"))
            .transpose()?,
    })
}

/// The currencies the account is billed in (its invoices' and its Azure plan usage's), upper
/// case, sorted.
pub fn billing_currencies(db: &Database, account_id: &str) -> Result<Vec<String>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT upper(currency) FROM invoices WHERE account_id = ?1
         UNION SELECT upper(t.billing_currency) FROM usage_sources s
               JOIN daily_usage_facts f ON f.source_id = s.id
               JOIN usage_terms t ON t.id = f.terms_id
               WHERE s.account_id = ?1 AND s.staged = 0
         ORDER BY 1",
    )?;
    let rows = stmt.query_map([account_id], |r| r.get::<_, String>(0))?;
    Ok(rows
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .filter(|c| !c.trim().is_empty())
        .collect())
}
