//! Items Microsoft sent that could not be read as their type (an essential field missing or
//! unreadable), kept raw with where they were and why. An import writes them with the page
//! they came on (see `discovered::Ingest::set_aside`), so a page's readable items are never
//! held back by an odd one and nothing is dropped silently. Each run keeps its own list
//! (shown in its details); an item stays *current* until its collection is read again, and
//! Reconciliation counts the current ones of a period's invoices as their own cause.

use rusqlite::{params, Row};

use crate::error::Result;
use crate::Database;

/// An item set aside, as an import hands it to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAsideRow {
    /// The path called.
    pub endpoint: String,
    /// The invoice a line belongs to (or the `unbilled:YYYY-MM:CUR` source).
    pub invoice_id: Option<String>,
    /// The customer, when the item names one.
    pub customer_id: Option<String>,
    /// Page of the read, from 1.
    pub page: u32,
    /// Index in the page's items, from 0.
    pub index: u32,
    /// JSON path of the field inside the item.
    pub field: String,
    /// What was wrong.
    pub reason: String,
    /// The item as sent.
    pub raw: String,
}

/// A stored set-aside item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAsideItem {
    /// Row id.
    pub id: i64,
    /// The run that read it.
    pub run_id: i64,
    /// The account.
    pub account_id: String,
    /// What a re-read replaces whole (an invoice's line stream, a usage source, ...).
    pub collection: String,
    /// Its collection has not been read again since.
    pub current: bool,
    /// Where, what and why.
    pub row: SetAsideRow,
}

const COLUMNS: &str = "id, run_id, account_id, collection, current, endpoint, invoice_id,
    customer_id, page, item_index, field, reason, raw";

fn item(r: &Row<'_>) -> rusqlite::Result<SetAsideItem> {
    Ok(SetAsideItem {
        id: r.get(0)?,
        run_id: r.get(1)?,
        account_id: r.get(2)?,
        collection: r.get(3)?,
        current: r.get::<_, i64>(4)? != 0,
        row: SetAsideRow {
            endpoint: r.get(5)?,
            invoice_id: r.get(6)?,
            customer_id: r.get(7)?,
            page: r.get::<_, i64>(8)? as u32,
            index: r.get::<_, i64>(9)? as u32,
            field: r.get(10)?,
            reason: r.get(11)?,
            raw: r.get(12)?,
        },
    })
}

/// The items run `run_id` set aside, in the order it read them.
pub fn of_run(db: &Database, run_id: i64) -> Result<Vec<SetAsideItem>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM set_aside_items WHERE run_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![run_id], item)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The current set-aside lines of `account_id`'s invoices for `period` (`YYYY-MM`: the
/// invoices whose billing period starts in it, and the period's unbilled usage).
pub fn lines_of_period(db: &Database, account_id: &str, period: &str) -> Result<Vec<SetAsideItem>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM set_aside_items s
         WHERE s.account_id = ?1 AND s.current = 1 AND (
            s.invoice_id IN (SELECT id FROM invoices
                             WHERE account_id = ?1 AND substr(billing_period_start, 1, 7) = ?2)
            OR s.invoice_id LIKE 'unbilled:' || ?2 || ':%')
         ORDER BY s.id"
    ))?;
    let rows = stmt.query_map(params![account_id, period], item)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The current set-aside items of every account, for the canonical dump: what the data
/// holds, without which run read it (nor the row id, which depends on the order pages were
/// written). Columns named in `mask` print as `*`.
pub(crate) fn dump(db: &Database, mask: &[&str]) -> Result<String> {
    const DUMPED: [&str; 10] = [
        "account_id",
        "collection",
        "endpoint",
        "invoice_id",
        "customer_id",
        "page",
        "item_index",
        "field",
        "reason",
        "raw",
    ];
    let mut stmt = db.conn().prepare(&format!(
        "SELECT {} FROM set_aside_items WHERE current = 1",
        DUMPED.join(", ")
    ))?;
    let mut rows: Vec<String> = stmt
        .query_map([], |r| {
            let cells: Vec<String> = DUMPED
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let v: rusqlite::types::Value = r.get(i)?;
                    Ok(if mask.contains(name) {
                        "*".to_string()
                    } else {
                        format!("{v:?}")
                    })
                })
                .collect::<rusqlite::Result<_>>()?;
            Ok(cells.join("|"))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.sort_unstable();
    let mut out = format!("## set_aside_items (current, {} rows)\n", rows.len());
    for row in rows {
        out.push_str(&row);
        out.push('\n');
    }
    Ok(out)
}
