//! One customer's lines on an invoice read the ways a sorted, filtered view of a million of
//! them needs: one pass over every line with the fields a filter or a sort looks at, borrowed
//! from SQLite so the pass allocates nothing per line; the lines of a page fetched by their
//! keys (a rowid lookup each, however deep the page); and a fingerprint that changes when the
//! customer's lines on the invoice do, cheap enough to check on every page.

use rusqlite::params;

use crate::billing::{line, InvoiceLineRow, TABLES};
use crate::error::Result;
use crate::{Database, Money};

/// Where a line is stored: its table and rowid, packed in one `i64` so a million of them
/// cost 8 MB in a view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineKey(i64);

impl LineKey {
    /// The line at `rowid` of `billing_line_items` (`legacy` false) or `legacy_line_items`.
    pub fn new(legacy: bool, rowid: i64) -> Self {
        Self(rowid << 1 | i64::from(legacy))
    }

    /// Whether the line is a legacy one.
    pub fn legacy(self) -> bool {
        self.0 & 1 == 1
    }

    /// Its rowid in its table.
    pub fn rowid(self) -> i64 {
        self.0 >> 1
    }
}

/// The fields of a line a filter or a sort reads, borrowed for the length of one visit.
#[derive(Debug, Clone, Copy)]
pub struct LineFields<'a> {
    /// Where it is stored.
    pub key: LineKey,
    /// Product (new commerce: for Azure plan usage, the meter category) or legacy resource.
    pub product: Option<&'a str>,
    /// SKU (new commerce: the meter) or legacy resource GUID.
    pub sku: Option<&'a str>,
    /// Subscription id.
    pub subscription_id: Option<&'a str>,
    /// `chargeType`, or the legacy collection's kind.
    pub charge_type: Option<&'a str>,
    /// Charge period start as sent.
    pub charge_start: Option<&'a str>,
    /// Quantity as sent.
    pub quantity: Option<&'a str>,
    /// Unit price as sent (new commerce only).
    pub unit_price: Option<&'a str>,
    /// Pre-tax amount, exact.
    pub cost: Money,
    /// Currency.
    pub currency: Option<&'a str>,
}

/// The same columns as [`TABLES`] minus those no filter or sort reads, in the same order.
const FIELDS: [&str; 2] = [
    "SELECT rowid, product_name, sku_name, subscription_id, charge_type, charge_start_date,
            quantity, unit_price, subtotal, currency
     FROM billing_line_items WHERE account_id = ?1 AND invoice_id = ?2 AND customer_id = ?3
     ORDER BY rowid",
    "SELECT rowid, resource_name, resource_guid, subscription_id, kind, charge_start_date,
            consumed_quantity, NULL, COALESCE(pretax_charges, '0'), currency
     FROM legacy_line_items WHERE account_id = ?1 AND invoice_id = ?2 AND customer_id = ?3
     ORDER BY rowid",
];

/// Calls `visit` with the fields of every line of one customer on an invoice, in invoice
/// order (new-commerce lines first, each table in rowid order, as [`crate::billing::each_line`]).
pub fn each_line_fields<E: From<crate::Error>>(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
    mut visit: impl FnMut(&LineFields<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
        Ok(r.get_ref(i)?.as_str_or_null()?)
    }
    for (table, sql) in FIELDS.iter().enumerate() {
        let mut stmt = db.conn().prepare_cached(sql).map_err(crate::Error::from)?;
        let mut rows = stmt
            .query(params![account_id, invoice_id, customer_id])
            .map_err(crate::Error::from)?;
        while let Some(r) = rows.next().map_err(crate::Error::from)? {
            let fields = (|| -> rusqlite::Result<LineFields<'_>> {
                Ok(LineFields {
                    key: LineKey::new(table == 1, r.get(0)?),
                    product: text(r, 1)?,
                    sku: text(r, 2)?,
                    subscription_id: text(r, 3)?,
                    charge_type: text(r, 4)?,
                    charge_start: text(r, 5)?,
                    quantity: text(r, 6)?,
                    unit_price: text(r, 7)?,
                    cost: r.get(8)?,
                    currency: text(r, 9)?,
                })
            })()
            .map_err(crate::Error::from)?;
            visit(&fields)?;
        }
    }
    Ok(())
}

/// The lines stored at `keys`, in that order; `None` where a key no longer holds a line of
/// this customer on this invoice (its lines were read again since the keys were taken).
pub fn lines_by_key(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
    keys: &[LineKey],
) -> Result<Vec<Option<InvoiceLineRow>>> {
    let conn = db.conn();
    // The customer test keeps a stale key from ever showing another customer's line.
    let sql = TABLES.map(|t| format!("{t} AND customer_id = ?3 AND rowid = ?4"));
    let mut billing = conn.prepare_cached(&sql[0])?;
    let mut legacy = conn.prepare_cached(&sql[1])?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys {
        let stmt = if k.legacy() {
            &mut legacy
        } else {
            &mut billing
        };
        let mut rows = stmt.query(params![account_id, invoice_id, customer_id, k.rowid()])?;
        out.push(match rows.next()? {
            Some(r) => Some(line(r)?),
            None => None,
        });
    }
    Ok(out)
}

/// What changes whenever one customer's lines on an invoice do. Discovery only ever appends
/// an invoice's lines or clears them all to read them again, so the first and last rowid
/// of each table move with every write; an invoice read again whole at the same rowids is
/// Microsoft's same immutable document. Four index lookups, however many lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinesFingerprint([Option<i64>; 4]);

/// The fingerprint of one customer's lines on an invoice.
pub fn lines_fingerprint(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
) -> Result<LinesFingerprint> {
    let mut out = [None; 4];
    for (i, table) in ["billing_line_items", "legacy_line_items"]
        .into_iter()
        .enumerate()
    {
        // Apart, as SQLite answers a lone min() or max() from the index's end, not both.
        for (j, end) in ["min", "max"].into_iter().enumerate() {
            out[2 * i + j] = db
                .conn()
                .prepare_cached(&format!(
                    "SELECT {end}(rowid) FROM {table}
                     WHERE account_id = ?1 AND invoice_id = ?2 AND customer_id = ?3"
                ))?
                .query_row(params![account_id, invoice_id, customer_id], |r| r.get(0))?;
        }
    }
    Ok(LinesFingerprint(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_keeps_its_table_and_rowid() {
        for (legacy, rowid) in [(false, 1), (true, 1), (false, 1 << 40), (true, 7)] {
            let k = LineKey::new(legacy, rowid);
            assert_eq!((k.legacy(), k.rowid()), (legacy, rowid), "{k:?}");
        }
        assert!(
            LineKey::new(false, 9) != LineKey::new(true, 9),
            "the same rowid in the two tables is two lines"
        );
    }
}
