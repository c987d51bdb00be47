//! Writing daily rated usage, from an invoice or from an open (unbilled) period, and the
//! bookkeeping that keeps one period's usage from being counted twice once it is invoiced.
//!
//! Rows go to the compact layout of 0019_compact_daily_usage.sql (ARCHITECTURE.md "Daily
//! usage storage"): the repeating values become integer keys of dimension tables
//! (`usage_keys`), the day an integer, and each row one entry of `daily_usage_facts`, a
//! WITHOUT ROWID table clustered on (source, subject, day, meter, resource, ordinal) with no
//! other index. A source (invoice, open period, or a Graph export being staged) is one key
//! range, so clearing it is a range delete; `ordinal` numbers a source's rows in Microsoft's
//! order, which keeps rows with the same natural key apart (Microsoft lists several for one
//! subscription, day, meter and resource, e.g. by charge type) and gives rating its order.
//! Quantities, prices and totals are stored as scaled integers where their text allows
//! (`crate::usage_decimal`, 0025_scaled_usage_decimals.sql).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{usage_keys, Ingest};
use crate::discovered::instant;
use crate::discovered::rows::DailyUsageRow;
use crate::error::Result;
use crate::rated::versions;
use crate::usage_decimal::{stored, stored_opt};

impl Ingest<'_> {
    /// Clears the daily rated usage of `source` (an invoice id or `unbilled:YYYY-MM:CUR`):
    /// its source row goes, and its facts with it (ON DELETE CASCADE, a range of the
    /// clustered key).
    pub fn clear_daily_usage(&mut self, source: &str) -> Result<()> {
        versions::source_changed(&self.tx, &self.account, source)?;
        self.tx
            .prepare_cached(
                "DELETE FROM usage_sources WHERE account_id = ?1 AND source = ?2 AND staged = 0",
            )?
            .execute(params![self.account, source])?;
        Ok(())
    }

    /// Inserts a page of daily rated usage from `source`.
    pub fn daily_usage(&mut self, source: &str, page: &[DailyUsageRow]) -> Result<()> {
        let inserted = self.insert_usage(source, false, page)?;
        self.rows += inserted;
        Ok(())
    }

    /// Appends usage rows to `source` (staged: a Graph export being downloaded, which no
    /// reader sees until [`Ingest::commit_graph_export`] renames it); the number inserted.
    /// Each row is one write into `daily_usage_facts`, numbered after the source's last.
    pub(super) fn insert_usage(
        &mut self,
        source: &str,
        staged: bool,
        page: &[DailyUsageRow],
    ) -> Result<u64> {
        if page.is_empty() {
            return Ok(0);
        }
        let key = usage_keys::source(&self.tx, &self.account, source, staged)?;
        let mut ordinal = key.next_ordinal;
        let mut touched = versions::Touched::default();
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO daily_usage_facts (source_id, subject_id, day, meter_id, resource_id,
                ordinal, terms_id, quantity, unit_price, effective_unit_price,
                billing_pre_tax_total, pricing_pre_tax_total)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for u in page {
            let [subject, meter, resource, terms] =
                self.usage_keys.of(&self.tx, &self.account, u)?;
            stmt.execute(params![
                key.id,
                subject,
                usage_keys::day_number(u.usage_date.date_naive()),
                meter,
                resource,
                ordinal,
                terms,
                stored(&u.quantity),
                stored_opt(&u.unit_price),
                stored(&u.effective_unit_price),
                stored(&u.billing_pre_tax_total),
                stored_opt(&u.pricing_pre_tax_total)
            ])?;
            ordinal += 1;
            if !staged {
                touched.add(&u.customer_id, u.usage_date.date_naive());
            }
        }
        self.tx
            .prepare_cached("UPDATE usage_sources SET next_ordinal = ?2 WHERE id = ?1")?
            .execute(params![key.id, ordinal])?;
        // Staged rows are no one's input until their export commits (which bumps then).
        if !staged {
            versions::usage_changed(&self.tx, &self.account, source, &touched)?;
            if key.next_ordinal == 0 && !source.starts_with("unbilled:") {
                versions::billed_appeared(&self.tx, &self.account, source)?;
            }
        }
        Ok((ordinal - key.next_ordinal) as u64)
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
        let unbilled: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT 'unbilled:' || substr(billing_period_start, 1, 7) || ':' || currency
                 FROM invoices WHERE account_id = ?1 AND id = ?2",
            )?
            .query_row(params![self.account, invoice], |r| r.get(0))
            .optional()?
            .flatten();
        if let Some(unbilled) = unbilled {
            versions::source_changed(&self.tx, &self.account, &unbilled)?;
        }
        self.tx
            .prepare_cached(
                "DELETE FROM usage_sources WHERE account_id = ?1 AND staged = 0 AND source = (
                    SELECT 'unbilled:' || substr(billing_period_start, 1, 7) || ':' || currency
                    FROM invoices WHERE account_id = ?1 AND id = ?2)",
            )?
            .execute(params![self.account, invoice])?;
        Ok(())
    }
}
