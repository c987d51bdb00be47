//! The months' FX rates (`USDPerUnit` per currency): a month's file replaces the month's
//! rates whole, in one transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::Database;

/// One month's rates.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct FxMonth {
    /// `USDPerUnit` by currency (upper case).
    pub usd_per_unit: BTreeMap<String, Decimal>,
    /// When read (RFC 3339).
    pub read_at: String,
}

/// Replaces the rates of `month` (`YYYY-MM`) for the account; returns how many it held before.
pub fn write_fx(
    db: &mut Database,
    account_id: &str,
    month: &str,
    usd_per_unit: &BTreeMap<String, Decimal>,
    run_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let read_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    let tx = db.conn_mut().transaction()?;
    let before = tx.execute(
        "DELETE FROM fx_rates WHERE account_id = ?1 AND month = ?2",
        params![account_id, month],
    )?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO fx_rates (account_id, month, currency, usd_per_unit, run_id, read_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (currency, rate) in usd_per_unit {
            insert.execute(params![
                account_id,
                month,
                currency,
                rate.to_string(),
                run_id,
                read_at
            ])?;
        }
    }
    tx.commit()?;
    Ok(before as u64)
}

/// The account's FX rates of `months` (`YYYY-MM`; every month held when empty).
pub fn fx_rates(
    db: &Database,
    account_id: &str,
    months: &[String],
) -> Result<BTreeMap<String, FxMonth>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT month, currency, usd_per_unit, read_at FROM fx_rates WHERE account_id = ?1
         ORDER BY month, currency",
    )?;
    let mut rows = stmt.query(params![account_id])?;
    let mut out: BTreeMap<String, FxMonth> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let month: String = r.get(0)?;
        if !months.is_empty() && !months.contains(&month) {
            continue;
        }
        let text: String = r.get(2)?;
        let rate = text.parse().map_err(|_| Error::Invalid {
            field: "fxRates",
            message: format!(
                "a stored FX rate of {month} is not a decimal ({text:?}): import the month's rates again"
            ),
        })?;
        let m = out.entry(month).or_default();
        m.usd_per_unit.insert(r.get(1)?, rate);
        m.read_at = r.get(3)?;
    }
    Ok(out)
}
