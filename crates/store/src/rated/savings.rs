//! What rating's list and effective costs add up to per customer, for the pages that show
//! where a partner's margin comes from (Customers, the Dashboard): a period's list cost,
//! effective cost and billed cost per customer and billing currency, summed exactly in Rust
//! (SQLite's `sum` is floating point). Lines are added as stored: no floor, no rounding.

use std::collections::BTreeMap;

use rusqlite::params;

use crate::{Database, Money, Result};

/// One customer's rated list, effective and billed cost in one period and billing currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodSavings {
    /// Account id.
    pub account_id: String,
    /// Customer id.
    pub customer_id: String,
    /// Billing currency.
    pub billing_currency: String,
    /// List cost (the sheet's list price × quantity), added up.
    pub list: Money,
    /// Effective cost (after tiers, credit and discounts, before Microsoft's floor).
    pub effective: Money,
    /// What Microsoft bills, line by line (legacy lines not yet floored per meter).
    pub billed: Money,
    /// Lines added up.
    pub lines: u32,
}

/// (account, customer, billing currency).
type Key = (String, String, String);
/// (list, effective, billed, lines).
type Sums = (Money, Money, Money, u32);

/// [`PeriodSavings`] per customer in `period` (`YYYY-MM`), of one account or all, by account,
/// customer and currency.
pub fn savings(
    db: &Database,
    account_id: Option<&str>,
    period: &str,
) -> Result<Vec<PeriodSavings>> {
    super::month_bounds(period)?;
    // Accounts through their table, so the month is found by the (account_id, period) index;
    // `?2 IS NULL OR account_id = ?2` alone made SQLite scan every month's lines.
    let mut stmt = db.conn().prepare_cached(
        "SELECT account_id, customer_id, billing_currency, list_cost, effective_cost,
                billing_pre_tax_total
         FROM rated_lines
         WHERE account_id IN (SELECT id FROM partner_accounts WHERE ?2 IS NULL OR id = ?2)
           AND period = ?1",
    )?;
    let mut by: BTreeMap<Key, Sums> = BTreeMap::new();
    let mut rows = stmt.query(params![period, account_id])?;
    while let Some(r) = rows.next()? {
        let e = by.entry((r.get(0)?, r.get(1)?, r.get(2)?)).or_insert((
            Money::ZERO,
            Money::ZERO,
            Money::ZERO,
            0,
        ));
        e.0 += r.get::<_, Money>(3)?;
        e.1 += r.get::<_, Money>(4)?;
        e.2 += r.get::<_, Money>(5)?;
        e.3 += 1;
    }
    Ok(by
        .into_iter()
        .map(
            |((account_id, customer_id, billing_currency), (list, effective, billed, lines))| {
                PeriodSavings {
                    account_id,
                    customer_id,
                    billing_currency,
                    list,
                    effective,
                    billed,
                    lines,
                }
            },
        )
        .collect())
}
