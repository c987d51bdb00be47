//! Writing daily rated usage, from an invoice or from an open (unbilled) period, and the
//! bookkeeping that keeps one period's usage from being counted twice once it is invoiced.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{dec, opt_dec, Ingest};
use crate::discovered::instant;
use crate::discovered::rows::DailyUsageRow;
use crate::error::Result;

/// daily_usage's columns after its key, as the Graph staging table repeats them.
pub(super) const USAGE_COLUMNS: &str = "customer_id, invoice_number, subscription_id,
    entitlement_id, usage_date, meter_id, meter_name, meter_category, meter_region, resource_uri,
    unit_of_measure, charge_type, quantity, unit_price, effective_unit_price, billing_pre_tax_total,
    billing_currency, pricing_pre_tax_total, pricing_currency, pc_to_bc_exchange_rate,
    partner_earned_credit_rate";

impl Ingest<'_> {
    /// Clears the daily rated usage of `source` (an invoice id or `unbilled:YYYY-MM`).
    pub fn clear_daily_usage(&mut self, source: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM daily_usage WHERE account_id = ?1 AND source = ?2")?
            .execute(params![self.account, source])?;
        Ok(())
    }

    /// Inserts a page of daily rated usage from `source`.
    pub fn daily_usage(&mut self, source: &str, page: &[DailyUsageRow]) -> Result<()> {
        let inserted = self.insert_usage("daily_usage", "source", source, page)?;
        self.rows += inserted;
        Ok(())
    }

    /// Inserts usage rows into `table` (daily_usage, or the Graph staging table) with `key`
    /// in `key_column`; the number inserted.
    pub(super) fn insert_usage(
        &mut self,
        table: &str,
        key_column: &str,
        key: &str,
        page: &[DailyUsageRow],
    ) -> Result<u64> {
        let mut inserted = 0;
        let mut stmt = self.tx.prepare_cached(&format!(
            "INSERT INTO {table} (account_id, {key_column}, {USAGE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        ))?;
        for u in page {
            inserted += stmt.execute(params![
                self.account,
                key,
                u.customer_id,
                u.invoice_number,
                u.subscription_id,
                u.entitlement_id,
                u.usage_date.date_naive().to_string(),
                u.meter_id,
                u.meter_name,
                u.meter_category,
                u.meter_region,
                u.resource_uri,
                u.unit_of_measure,
                u.charge_type,
                dec(&u.quantity),
                opt_dec(&u.unit_price),
                dec(&u.effective_unit_price),
                dec(&u.billing_pre_tax_total),
                u.billing_currency,
                opt_dec(&u.pricing_pre_tax_total),
                u.pricing_currency,
                opt_dec(&u.pc_to_bc_exchange_rate),
                dec(&u.partner_earned_credit_rate)
            ])? as u64;
        }
        Ok(inserted)
    }

    /// Records that an open period's unbilled usage in `currency` (`previous` or current,
    /// month `YYYY-MM`) was read completely at `at`.
    pub fn unbilled_done(
        &mut self,
        previous: bool,
        currency: &str,
        month: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO unbilled_reads (account_id, period, currency, month, read_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id, period, currency) DO UPDATE SET month = excluded.month, read_at = excluded.read_at",
            )?
            .execute(params![
                self.account,
                if previous { "previous" } else { "current" },
                currency,
                month,
                instant(at)
            ])?;
        Ok(())
    }

    /// Whether billed daily usage of `month` (`YYYY-MM`) in `currency` is stored completely: an
    /// unbilled copy of that period must then not be written (it would count usage twice).
    pub fn invoiced(&mut self, month: &str, currency: &str) -> Result<bool> {
        let n: i64 = self
            .tx
            .prepare_cached(
                "SELECT count(*) FROM invoices i JOIN invoice_line_streams s
                    ON s.account_id = i.account_id AND s.invoice_id = i.id
                 WHERE i.account_id = ?1 AND substr(i.billing_period_start, 1, 7) = ?2 AND i.currency = ?3
                   AND replace(lower(s.kind), '_', '') = 'usagelineitems' AND s.complete = 1",
            )?
            .query_row(params![self.account, month, currency], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// Once an invoice's billed usage is complete, the unbilled copy of its period and currency
    /// is obsolete: drops it so usage is never counted twice.
    pub fn drop_unbilled_of_invoice(&mut self, invoice: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM daily_usage WHERE account_id = ?1 AND source = (
                    SELECT 'unbilled:' || substr(billing_period_start, 1, 7) || ':' || currency
                    FROM invoices WHERE account_id = ?1 AND id = ?2)",
            )?
            .execute(params![self.account, invoice])?;
        Ok(())
    }
}
