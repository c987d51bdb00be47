//! Reconciliation kept per customer-period (`kept_reconciliation`, 0021_input_versions.sql):
//! each customer's comparison with the invoice, stored with a text naming what it was
//! computed from, so the Reconciliation page reads a month of these (one indexed range)
//! instead of a month of rated and invoiced lines. The store only keeps the text; what the
//! comparison holds and when it is stale is the caller's (`cspdesk_api::rating::reconcile`).

use std::collections::BTreeMap;

use rusqlite::params;

use crate::error::Result;
use crate::Database;

/// A kept comparison: what it was computed from, and the comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kept {
    /// What it was computed from.
    pub inputs: String,
    /// The comparison (JSON).
    pub result: String,
}

/// Every kept comparison of `account_id` in `period`, by customer.
pub fn kept(db: &Database, account_id: &str, period: &str) -> Result<BTreeMap<String, Kept>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT customer_id, inputs, result FROM kept_reconciliation
         WHERE account_id = ?1 AND period = ?2",
    )?;
    let rows = stmt.query_map(params![account_id, period], |r| {
        Ok((
            r.get(0)?,
            Kept {
                inputs: r.get(1)?,
                result: r.get(2)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Keeps one customer's comparison (replacing what was kept). Through a read-only handle
/// (a page's own reader) nothing is kept: the comparison was still answered.
pub fn keep(
    db: &Database,
    account_id: &str,
    period: &str,
    customer_id: &str,
    kept: &Kept,
) -> Result<()> {
    if db.conn().is_readonly(rusqlite::MAIN_DB)? {
        return Ok(());
    }
    db.conn()
        .prepare_cached(
            "INSERT INTO kept_reconciliation (account_id, period, customer_id, inputs, result)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, period, customer_id) DO UPDATE SET
                inputs = excluded.inputs, result = excluded.result",
        )?
        .execute(params![
            account_id,
            period,
            customer_id,
            kept.inputs,
            kept.result
        ])?;
    Ok(())
}
