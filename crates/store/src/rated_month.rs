//! A month of rated lines added up for the Dashboard: the month's rated total (per customer
//! too), the same total up to a day of the month, and the cost by service category, per
//! billing currency. The Dashboard read the month's lines into memory twice and added the
//! month up twice more (issue 19: a month of preset L is millions of lines). Now each
//! customer-period's sums are kept (`rated_month_sums`, migration 0022): made from its
//! lines (read by their primary key) the first time a page asks after it was rated, dropped
//! by triggers in the same transaction as any rating of it, so the page reads a few rows a
//! customer. A read-only connection cannot keep them: it adds the month up in one streamed
//! pass, holding only the sums. Sums are exact decimals, never SQLite's `sum`.

use std::collections::BTreeMap;

use rusqlite::params;
use rust_decimal::Decimal;

use crate::rated::UsageKind;
use crate::{Database, Money, Result};

/// The sums of one month, per billing currency.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MonthSums {
    /// The month's rated total: Azure plan lines added up, legacy lines floored per
    /// account, customer, subscription and meter (as `rated::totals` adds a customer up).
    pub total: BTreeMap<String, Decimal>,
    /// The same, counting only the lines of days up to and including `through_day`.
    pub through_day: BTreeMap<String, Decimal>,
    /// Cost by service category (the meter's category; lines without one under `None` with
    /// their usage kind), every line at full precision.
    pub categories: BTreeMap<String, BTreeMap<(Option<String>, UsageKind), Decimal>>,
    /// Each customer's rated total of the month, by (account, customer, billing currency).
    pub customers: BTreeMap<(String, String, String), Decimal>,
}

/// A rated line's kind as `rated::totals` reads it: only legacy lines are floored apart.
pub(crate) fn kind_of(text: &str) -> UsageKind {
    if text == UsageKind::Legacy.as_str() {
        UsageKind::Legacy
    } else {
        UsageKind::AzurePlan
    }
}

/// The day of the month of a `YYYY-MM-DD` usage date.
pub(crate) fn day_of(date: &str) -> Option<u32> {
    date.get(8..10).and_then(|d| d.parse().ok())
}

type LegacyKey = (String, String, String, String, String);

/// The sums of `period` (`YYYY-MM`) over every account; `through_day` is a day of the month.
/// From the kept sums (made first for the customer-periods rated since), or, when the
/// connection cannot write them, from one streamed pass over the month's lines.
pub fn month_sums(db: &Database, period: &str, through_day: u32) -> Result<MonthSums> {
    if !crate::rated_month_kept::keep(db, period)? {
        return streamed(db, period, through_day);
    }
    // Read in one snapshot; should a rating have landed since the sums were kept (its
    // trigger dropped some), that snapshot's month is added up from its lines instead.
    db.snapshot(|db| {
        if crate::rated_month_kept::any_stale(db, period)? {
            streamed(db, period, through_day)
        } else {
            crate::rated_month_kept::read(db, period, through_day)
        }
    })
}

/// [`month_sums`] from every line of the month, read once (the accounts named, so the
/// (account_id, period) index finds the month; `period = ?1` alone scans every month).
pub fn streamed(db: &Database, period: &str, through_day: u32) -> Result<MonthSums> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT account_id, customer_id, billing_currency, usage_kind, subscription_id,
                meter_id, usage_date, meter_category, billing_pre_tax_total
         FROM rated_lines
         WHERE account_id IN (SELECT id FROM partner_accounts) AND period = ?1",
    )?;
    let mut out = MonthSums::default();
    // (full month, through the day), before the floor.
    let mut legacy: BTreeMap<LegacyKey, (Money, Money)> = BTreeMap::new();
    let mut rows = stmt.query(params![period])?;
    while let Some(r) = rows.next()? {
        let currency: String = r.get(2)?;
        let kind = kind_of(&r.get::<_, String>(3)?);
        let in_days = day_of(&r.get::<_, String>(6)?).is_some_and(|d| d <= through_day);
        let amount: Money = r.get(8)?;
        *out.categories
            .entry(currency.clone())
            .or_default()
            .entry((r.get(7)?, kind))
            .or_default() += amount.amount();
        match kind {
            UsageKind::AzurePlan => {
                *out.customers
                    .entry((r.get(0)?, r.get(1)?, currency.clone()))
                    .or_default() += amount.amount();
                *out.total.entry(currency.clone()).or_default() += amount.amount();
                let e = out.through_day.entry(currency).or_default();
                if in_days {
                    *e += amount.amount();
                }
            }
            UsageKind::Legacy => {
                let e = legacy
                    .entry((r.get(0)?, r.get(1)?, currency, r.get(4)?, r.get(5)?))
                    .or_default();
                e.0 += amount;
                if in_days {
                    e.1 += amount;
                }
            }
        }
    }
    for ((account, customer, currency, _, _), (month, days)) in legacy {
        *out.customers
            .entry((account, customer, currency.clone()))
            .or_default() += month.floor_cents().amount();
        *out.total.entry(currency.clone()).or_default() += month.floor_cents().amount();
        *out.through_day.entry(currency).or_default() += days.floor_cents().amount();
    }
    Ok(out)
}
