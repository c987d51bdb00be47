//! The kept side of [`crate::rated_month`]: each customer-period's month sums, made from its
//! rated lines once it is rated (the triggers of migration 0022 drop them in the same
//! transaction as any rating of it) and read back a few rows a customer.

use std::collections::BTreeMap;

use rusqlite::{params, Transaction, TransactionBehavior};
use rust_decimal::Decimal;

use crate::rated::UsageKind;
use crate::rated_month::{day_of, kind_of, MonthSums};
use crate::{Database, Money, Result};

/// Days a month's day sums run to ('31' is the month's total).
const DAYS: usize = 31;

/// One currency of one customer-period, before it is written.
#[derive(Default)]
struct CurrencySums {
    /// Azure plan lines per day of the month (index 0 = day 1).
    azure: [Decimal; DAYS],
    /// Legacy lines per subscription and meter, per day.
    legacy: BTreeMap<(String, String), [Money; DAYS]>,
    categories: BTreeMap<(Option<String>, UsageKind), Decimal>,
}

impl CurrencySums {
    /// The rated total of the days up to each day: Azure plan added up, legacy floored per
    /// subscription and meter over those days.
    fn through_each_day(&self) -> [Decimal; DAYS] {
        let mut out = [Decimal::ZERO; DAYS];
        let mut azure = Decimal::ZERO;
        let mut legacy: Vec<Money> = vec![Money::ZERO; self.legacy.len()];
        for (day, slot) in out.iter_mut().enumerate() {
            azure += self.azure[day];
            let mut floored = Decimal::ZERO;
            for (running, days) in legacy.iter_mut().zip(self.legacy.values()) {
                *running += days[day];
                floored += running.floor_cents().amount();
            }
            *slot = azure + floored;
        }
        out
    }
}

fn kind_key(kind: UsageKind, category: &Option<String>) -> (String, String) {
    match category {
        Some(c) => (kind.as_str().to_string(), c.clone()),
        None => (format!("{}:none", kind.as_str()), String::new()),
    }
}

fn parse_kind(kind: &str) -> Option<(UsageKind, bool)> {
    let (name, none) = match kind.strip_suffix(":none") {
        Some(name) => (name, true),
        None => (kind, false),
    };
    [UsageKind::AzurePlan, UsageKind::Legacy]
        .into_iter()
        .find(|k| k.as_str() == name)
        .map(|k| (k, none))
}

/// Makes the sums of every customer-period of `period` rated since they were last made.
/// `false`: the connection cannot write (read-only, or busy past its timeout), nothing kept.
pub(crate) fn keep(db: &Database, period: &str) -> Result<bool> {
    if db.is_read_only() {
        return Ok(false);
    }
    let conn = db.conn();
    let stale: Vec<(String, String)> = {
        let mut stmt = conn.prepare_cached(STALE)?;
        let rows = stmt.query_map(params![period, None::<String>, None::<String>], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // One short write transaction per customer-period (checked stale again inside it, so no
    // rating lands between reading its lines and keeping their sums): a first view after
    // everything was rated again must not hold the write lock for the whole month, or a
    // Discovery run writing beside it times out.
    for (account, customer) in &stale {
        let Ok(tx) = Transaction::new_unchecked(conn, TransactionBehavior::Immediate) else {
            return Ok(false);
        };
        let still: bool = tx
            .prepare_cached(STALE)?
            .exists(params![period, account, customer])?;
        if still {
            make(&tx, period, account, customer)?;
        }
        tx.commit()?;
    }
    Ok(true)
}

/// The customer-periods of a period rated since their sums were kept (of one customer when
/// ?2 and ?3 are given).
const STALE: &str = "SELECT s.account_id, s.customer_id FROM rating_state s
     WHERE s.period = ?1 AND (?2 IS NULL OR (s.account_id = ?2 AND s.customer_id = ?3))
       AND NOT EXISTS (
         SELECT 1 FROM rated_sums_kept k
         WHERE k.period = ?1 AND k.account_id = s.account_id AND k.customer_id = s.customer_id)";

/// Whether some customer-period of `period` has no kept sums (a rating landed after they
/// were made).
pub(crate) fn any_stale(db: &Database, period: &str) -> Result<bool> {
    Ok(db
        .conn()
        .prepare_cached(STALE)?
        .exists(params![period, None::<String>, None::<String>])?)
}

/// One customer-period's sums from its lines (read by their primary key), written.
fn make(tx: &Transaction<'_>, period: &str, account: &str, customer: &str) -> Result<()> {
    let mut by: BTreeMap<String, CurrencySums> = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT billing_currency, usage_kind, subscription_id, meter_id, usage_date,
                    meter_category, billing_pre_tax_total
             FROM rated_lines WHERE account_id = ?1 AND customer_id = ?2 AND period = ?3",
        )?;
        let mut rows = stmt.query(params![account, customer, period])?;
        while let Some(r) = rows.next()? {
            let c = by.entry(r.get(0)?).or_default();
            let kind = kind_of(&r.get::<_, String>(1)?);
            let day = (day_of(&r.get::<_, String>(4)?).unwrap_or(1) as usize).clamp(1, DAYS) - 1;
            let amount: Money = r.get(6)?;
            *c.categories.entry((r.get(5)?, kind)).or_default() += amount.amount();
            match kind {
                UsageKind::AzurePlan => c.azure[day] += amount.amount(),
                UsageKind::Legacy => {
                    c.legacy
                        .entry((r.get(2)?, r.get(3)?))
                        .or_insert([Money::ZERO; DAYS])[day] += amount
                }
            }
        }
    }
    let mut insert = tx.prepare_cached(
        "INSERT OR REPLACE INTO rated_month_sums
             (account_id, period, customer_id, billing_currency, kind, key, amount)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (currency, c) in &by {
        for (day, through) in c.through_each_day().iter().enumerate() {
            let key = format!("{:02}", day + 1);
            insert.execute(params![
                account,
                period,
                customer,
                currency,
                "day",
                key,
                through.to_string()
            ])?;
        }
        for ((category, kind), amount) in &c.categories {
            let (kind, key) = kind_key(*kind, category);
            insert.execute(params![
                account,
                period,
                customer,
                currency,
                kind,
                key,
                amount.to_string()
            ])?;
        }
    }
    tx.prepare_cached(
        "INSERT OR REPLACE INTO rated_sums_kept (account_id, period, customer_id)
         VALUES (?1, ?2, ?3)",
    )?
    .execute(params![account, period, customer])?;
    Ok(())
}

/// The kept sums of `period`, added up per currency.
pub(crate) fn read(db: &Database, period: &str, through_day: u32) -> Result<MonthSums> {
    let day = format!("{:02}", through_day.clamp(1, DAYS as u32));
    let total = format!("{DAYS:02}");
    let mut stmt = db.conn().prepare_cached(
        "SELECT account_id, customer_id, billing_currency, kind, key, amount
         FROM rated_month_sums
         WHERE period = ?1 AND (kind <> 'day' OR key = ?2 OR key = ?3)",
    )?;
    let mut out = MonthSums::default();
    let mut rows = stmt.query(params![period, day, total])?;
    while let Some(r) = rows.next()? {
        let currency: String = r.get(2)?;
        let kind: String = r.get(3)?;
        let key: String = r.get(4)?;
        let amount: Money = r.get(5)?;
        if kind == "day" {
            if key == total {
                *out.total.entry(currency.clone()).or_default() += amount.amount();
                *out.customers
                    .entry((r.get(0)?, r.get(1)?, currency.clone()))
                    .or_default() += amount.amount();
            }
            if key == day {
                *out.through_day.entry(currency).or_default() += amount.amount();
            }
        } else if let Some((kind, none)) = parse_kind(&kind) {
            let category = (!none).then_some(key);
            *out.categories
                .entry(currency)
                .or_default()
                .entry((category, kind))
                .or_default() += amount.amount();
        }
    }
    Ok(out)
}
