//! Data versions of rating's inputs (0021_input_versions.sql): every writer of daily usage
//! facts or utilization records bumps, in the same transaction as its rows, the version of
//! each customer-period those rows touch, so `rate` learns what changed from the imports
//! instead of reading every row, and reconciliation knows when its kept comparison is stale.
//!
//! Kinds: `usage` (Azure plan usage by usage month), `legacy` (utilization by usage month),
//! `invoice` (the invoice side of a period: its invoices' usage, late days included, and its
//! unbilled usage). A bump is conservative: it may move a version whose rows read back the
//! same (rating then finds the same lines), never leave one unmoved whose rows changed.
//!
//! Readers key on more than the rows: an invoice's billing period and currency decide which
//! period's invoice side its rows are on and whether that period's unbilled copy counts,
//! and a legacy subscription's customer decides whose utilization it is. The writers of
//! those bump too ([`invoice_keys_change`], [`subscription_moves`]).
//!
//! A number is never handed out twice for one customer-period and kind: [`forget`] marks a
//! version negative instead of deleting it, and the next bump continues from its magnitude
//! (the table keeps at most one row per customer-period and kind that ever held rows). A
//! `rate` that read a version before it was forgotten can then never take rows imported
//! afterwards for the ones it read.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;
use crate::Database;

const USAGE: &str = "usage";
const LEGACY: &str = "legacy";
const INVOICE: &str = "invoice";

/// The customer-months some usage rows touch, collected while they are written (a row
/// of a customer already seen costs no allocation: this runs once per ingested row).
#[derive(Default, Debug)]
pub(crate) struct Touched(BTreeMap<String, BTreeSet<(i32, u32)>>);

impl Touched {
    /// Notes a row of `customer` on `day`.
    pub(crate) fn add(&mut self, customer: &str, day: NaiveDate) {
        let month = (day.year(), day.month());
        match self.0.get_mut(customer) {
            Some(months) => {
                months.insert(month);
            }
            None => {
                self.0.insert(customer.to_string(), BTreeSet::from([month]));
            }
        }
    }

    fn pairs(&self) -> impl Iterator<Item = (String, &str)> {
        self.0.iter().flat_map(|(c, months)| {
            months
                .iter()
                .map(move |(y, m)| (format!("{y:04}-{m:02}"), c.as_str()))
        })
    }
}

fn bump(conn: &Connection, account: &str, period: &str, customer: &str, kind: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO input_versions (account_id, period, customer_id, kind, version)
         VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT (account_id, period, customer_id, kind) DO UPDATE SET version = abs(version) + 1",
    )?
    .execute(params![account, period, customer, kind])?;
    Ok(())
}

/// The period whose invoice side `source` (an invoice id or `unbilled:YYYY-MM:CUR`) is on;
/// `None` for an invoice not stored (reconciliation does not read its rows either).
fn invoice_period(conn: &Connection, account: &str, source: &str) -> Result<Option<String>> {
    if let Some(rest) = source.strip_prefix("unbilled:") {
        return Ok(rest.get(..7).map(str::to_string));
    }
    Ok(conn
        .prepare_cached(
            "SELECT substr(billing_period_start, 1, 7) FROM invoices
             WHERE account_id = ?1 AND id = ?2",
        )?
        .query_row(params![account, source], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Before invoice `id` is written with `period_start` and `currency`: when it is new or
/// either differs from what is stored, its billed rows (if any) leave their old invoice
/// side and decide afresh whether an unbilled copy counts, so the old side is bumped here;
/// returns whether the new side must be bumped ([`source_changed`]) once it is written.
pub(crate) fn invoice_keys_change(
    conn: &Connection,
    account: &str,
    id: &str,
    period_start: Option<&str>,
    currency: &str,
) -> Result<bool> {
    let stored: Option<(Option<String>, String)> = conn
        .prepare_cached(
            "SELECT billing_period_start, currency FROM invoices WHERE account_id = ?1 AND id = ?2",
        )?
        .query_row(params![account, id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match stored {
        Some((start, cur)) if start.as_deref() == period_start && cur == currency => Ok(false),
        Some(_) => {
            source_changed(conn, account, id)?;
            Ok(true)
        }
        None => Ok(true),
    }
}

/// Before legacy subscription `subscription` is written under `customer`: when it was
/// stored under another one, its utilization changes customer (rating joins utilization to
/// its subscription for the customer), so both customers' legacy versions of its months move.
pub(crate) fn subscription_moves(
    conn: &Connection,
    account: &str,
    subscription: &str,
    customer: &str,
) -> Result<()> {
    let stored: Option<String> = conn
        .prepare_cached("SELECT customer_id FROM subscriptions WHERE account_id = ?1 AND id = ?2")?
        .query_row(params![account, subscription], |r| r.get(0))
        .optional()?;
    let Some(old) = stored.filter(|old| old != customer) else {
        return Ok(());
    };
    let months: Vec<String> = conn
        .prepare_cached(
            "SELECT DISTINCT substr(usage_start, 1, 7) FROM utilization_records
             WHERE account_id = ?1 AND subscription_id = ?2",
        )?
        .query_map(params![account, subscription], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for month in &months {
        bump(conn, account, month, &old, LEGACY)?;
        bump(conn, account, month, customer, LEGACY)?;
    }
    Ok(())
}

/// Usage rows of `source` (not staged) touching `touched` were written or removed.
pub(crate) fn usage_changed(
    conn: &Connection,
    account: &str,
    source: &str,
    touched: &Touched,
) -> Result<()> {
    for (month, customer) in touched.pairs() {
        bump(conn, account, &month, customer, USAGE)?;
    }
    if let Some(period) = invoice_period(conn, account, source)? {
        for customer in touched.0.keys() {
            bump(conn, account, &period, customer, INVOICE)?;
        }
    }
    Ok(())
}

/// The customer-months the rows of source row `source_id` touch: one read of its key range
/// (grouped in the clustered key's order, so no sort).
fn rows_of(conn: &Connection, source_id: i64) -> Result<Touched> {
    let mut stmt = conn.prepare_cached(
        "SELECT j.customer_id, f.day FROM daily_usage_facts f
         JOIN usage_subjects j ON j.id = f.subject_id
         WHERE f.source_id = ?1 GROUP BY f.subject_id, f.day",
    )?;
    let mut rows = stmt.query([source_id])?;
    let mut touched = Touched::default();
    let epoch = NaiveDate::default();
    while let Some(r) = rows.next()? {
        let customer: String = r.get(0)?;
        let day = epoch + chrono::Duration::days(r.get(1)?);
        touched.add(&customer, day);
    }
    Ok(touched)
}

/// Every row of `source` (not staged) counts differently now: it is about to go, or was
/// just made visible (a Graph export renamed in). When it is an invoice, its period's
/// unbilled rows count differently too (they count only while no billed rows are stored).
pub(crate) fn source_changed(conn: &Connection, account: &str, source: &str) -> Result<()> {
    let id: Option<i64> = conn
        .prepare_cached(
            "SELECT id FROM usage_sources WHERE account_id = ?1 AND source = ?2 AND staged = 0",
        )?
        .query_row(params![account, source], |r| r.get(0))
        .optional()?;
    let Some(id) = id else {
        return Ok(());
    };
    usage_changed(conn, account, source, &rows_of(conn, id)?)?;
    if !source.starts_with("unbilled:") {
        billed_appeared(conn, account, source)?;
    }
    Ok(())
}

/// Invoice `source`'s billed rows appeared or go: the unbilled rows of its period start or
/// stop counting.
pub(crate) fn billed_appeared(conn: &Connection, account: &str, source: &str) -> Result<()> {
    let Some(period) = invoice_period(conn, account, source)? else {
        return Ok(());
    };
    let unbilled: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT id, source FROM usage_sources
             WHERE account_id = ?1 AND staged = 0 AND source LIKE 'unbilled:' || ?2 || ':%'",
        )?
        .query_map(params![account, period], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, name) in unbilled {
        usage_changed(conn, account, &name, &rows_of(conn, id)?)?;
    }
    Ok(())
}

/// Legacy utilization of `subscription` in `months` (`YYYY-MM`) was written or removed.
pub(crate) fn legacy_changed(
    conn: &Connection,
    account: &str,
    subscription: &str,
    months: &BTreeSet<String>,
) -> Result<()> {
    if months.is_empty() {
        return Ok(());
    }
    let customer: Option<String> = conn
        .prepare_cached("SELECT customer_id FROM subscriptions WHERE account_id = ?1 AND id = ?2")?
        .query_row(params![account, subscription], |r| r.get(0))
        .optional()?;
    // Rating joins utilization to its subscription: rows of an unknown one are not read.
    let Some(customer) = customer else {
        return Ok(());
    };
    for month in months {
        bump(conn, account, month, &customer, LEGACY)?;
    }
    Ok(())
}

/// The months of the utilization the window of `subscription` starting `from` holds.
pub(crate) fn legacy_window_months(
    conn: &Connection,
    account: &str,
    subscription: &str,
    from: &str,
) -> Result<BTreeSet<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT DISTINCT substr(usage_start, 1, 7) FROM utilization_records
             WHERE account_id = ?1 AND subscription_id = ?2 AND window_from = ?3",
        )?
        .query_map(params![account, subscription, from], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// One customer-period's rating inputs as their versions say (0 = none of that kind).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeriodVersions {
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Version of its Azure plan usage (0: never any).
    pub usage: i64,
    /// Version of its legacy utilization (0: never any).
    pub legacy: i64,
    /// The currency of the customer's latest legacy invoice lines (with legacy usage only).
    pub legacy_currency: Option<String>,
}

impl PeriodVersions {
    /// As `rating_state.input_versions` records them.
    pub fn text(&self) -> String {
        format!("{}/{}", self.usage, self.legacy)
    }
}

/// Every customer-period of `account_id` with rating input versions (all periods, or only
/// `period`), by customer and period: an indexed read of the versions, no usage row read.
pub fn period_versions(
    db: &Database,
    account_id: &str,
    period: Option<&str>,
) -> Result<Vec<PeriodVersions>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT customer_id, period, kind, version FROM input_versions
         WHERE account_id = ?1 AND (?2 IS NULL OR period = ?2) AND kind IN ('usage', 'legacy')
           AND version > 0",
    )?;
    let mut out: BTreeMap<(String, String), PeriodVersions> = BTreeMap::new();
    let mut rows = stmt.query(params![account_id, period])?;
    while let Some(r) = rows.next()? {
        let (customer, period): (String, String) = (r.get(0)?, r.get(1)?);
        let kind: String = r.get(2)?;
        let version: i64 = r.get(3)?;
        let entry = out
            .entry((customer.clone(), period.clone()))
            .or_insert_with(|| PeriodVersions {
                customer_id: customer,
                period,
                ..PeriodVersions::default()
            });
        if kind == USAGE {
            entry.usage = version;
        } else {
            entry.legacy = version;
        }
    }
    let currencies = super::inputs::legacy_currencies(db, account_id)?;
    Ok(out
        .into_values()
        .map(|mut p| {
            if p.legacy > 0 {
                p.legacy_currency = currencies.get(&p.customer_id).cloned();
            }
            p
        })
        .collect())
}

/// The invoice-side version of each customer of `period` (reconciliation's input).
pub fn invoice_versions(
    db: &Database,
    account_id: &str,
    period: &str,
) -> Result<BTreeMap<String, i64>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT customer_id, version FROM input_versions
         WHERE account_id = ?1 AND period = ?2 AND kind = 'invoice' AND version > 0",
    )?;
    let rows = stmt.query_map(params![account_id, period], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Forgets the usage and legacy versions of a customer-period whose rows are all gone, in
/// `tx`, unless a writer moved them since they were read (`versions`): marked negative, so
/// rating no longer lists the customer-period while a later import continues after the
/// number forgotten (never reusing one a running `rate` may have read).
pub(crate) fn forget(conn: &Connection, account_id: &str, versions: &PeriodVersions) -> Result<()> {
    for (kind, version) in [(USAGE, versions.usage), (LEGACY, versions.legacy)] {
        conn.prepare_cached(
            "UPDATE input_versions SET version = -version
             WHERE account_id = ?1 AND period = ?2 AND customer_id = ?3 AND kind = ?4
               AND version = ?5 AND version > 0",
        )?
        .execute(params![
            account_id,
            versions.period,
            versions.customer_id,
            kind,
            version
        ])?;
    }
    Ok(())
}
