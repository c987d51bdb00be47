//! Writing invoices and their billed lines: the invoice list with each invoice's line-item
//! collections, the cursor of each collection, and the new-commerce and legacy lines, which
//! are cleared when their collection is read again from the start. A credit or adjustment
//! note is an invoice row of its own that names the invoice it amends. An invoice that is new
//! or changes period or currency moves the data versions of its daily usage's readers.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{dec, opt_dec, Ingest};
use crate::discovered::instant;
use crate::discovered::rows::{BillingLineRow, InvoiceRow, LegacyLineRow};
use crate::error::Result;
use crate::rated::versions;

/// billing_line_items' columns after its key, as the tables of unbilled and staged lines
/// repeat them.
pub(super) const LINE_COLUMNS: &str = "customer_id, customer_name, product_id, sku_id,
    product_name, sku_name, charge_type, subscription_id, unit_price, effective_unit_price, quantity,
    billable_quantity, subtotal, tax_total, total_for_customer, currency, pc_to_bc_exchange_rate,
    charge_start_date, charge_end_date, order_date, subscription_start_date, subscription_end_date,
    term_and_billing_cycle";

impl Ingest<'_> {
    /// Upserts a page of the invoice list and registers each invoice's line-item collections.
    pub fn invoices(&mut self, page: &[InvoiceRow], now: DateTime<Utc>) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO invoices (account_id, id, invoice_date, billing_period_start, billing_period_end,
                total_charges, paid_amount, currency, invoice_type, document_type, amends_of, first_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             ON CONFLICT (account_id, id) DO UPDATE SET invoice_date = excluded.invoice_date,
                billing_period_start = excluded.billing_period_start,
                billing_period_end = excluded.billing_period_end, total_charges = excluded.total_charges,
                paid_amount = excluded.paid_amount, currency = excluded.currency,
                invoice_type = excluded.invoice_type, document_type = excluded.document_type,
                amends_of = excluded.amends_of
             WHERE (invoices.invoice_date, invoices.billing_period_start, invoices.billing_period_end,
                    invoices.total_charges, invoices.paid_amount, invoices.currency, invoices.invoice_type,
                    invoices.document_type, invoices.amends_of)
                IS NOT (excluded.invoice_date, excluded.billing_period_start, excluded.billing_period_end,
                    excluded.total_charges, excluded.paid_amount, excluded.currency, excluded.invoice_type,
                    excluded.document_type, excluded.amends_of)",
        )?;
        let mut streams = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO invoice_line_streams (account_id, invoice_id, provider, kind) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let seen = instant(now);
        for i in page {
            // Its rows' readers key on its period and currency: bump their versions.
            let moves = versions::invoice_keys_change(
                &self.tx,
                &self.account,
                &i.id,
                i.billing_period_start.as_deref(),
                &i.currency,
            )?;
            self.rows += stmt.execute(params![
                self.account,
                i.id,
                i.invoice_date,
                i.billing_period_start,
                i.billing_period_end,
                dec(&i.total_charges),
                opt_dec(&i.paid_amount),
                i.currency,
                i.invoice_type,
                i.document_type,
                i.amends_of,
                seen
            ])? as u64;
            if moves {
                versions::source_changed(&self.tx, &self.account, &i.id)?;
            }
            for (provider, kind) in &i.streams {
                streams.execute(params![self.account, i.id, provider, kind])?;
            }
        }
        Ok(())
    }

    /// Records that the invoice list was read completely at `at`.
    pub fn invoices_listed(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.ensure_cursor_row()?;
        self.tx
            .prepare_cached(
                "UPDATE discovery_cursors SET invoices_listed_at = ?2 WHERE account_id = ?1",
            )?
            .execute(params![self.account, instant(at)])?;
        Ok(())
    }

    /// Moves a line-item collection's cursor: the continuation of its next page, or complete.
    pub fn line_stream(
        &mut self,
        invoice: &str,
        provider: &str,
        kind: &str,
        resume: Option<&str>,
        complete: bool,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE invoice_line_streams SET resume = ?5, complete = ?6
                 WHERE account_id = ?1 AND invoice_id = ?2 AND provider = ?3 AND kind = ?4",
            )?
            .execute(params![
                self.account,
                invoice,
                provider,
                kind,
                resume,
                complete
            ])?;
        Ok(())
    }

    /// An invoice's lines change: its cached per-customer totals no longer hold.
    pub(super) fn forget_totals(&self, invoice: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM invoice_customer_totals WHERE account_id = ?1 AND invoice_id = ?2",
            )?
            .execute(params![self.account, invoice])?;
        Ok(())
    }

    /// Clears an invoice's new-commerce billed lines before they are read again from the start.
    pub fn clear_billing_lines(&mut self, invoice: &str) -> Result<()> {
        self.forget_totals(invoice)?;
        self.tx
            .prepare_cached(
                "DELETE FROM billing_line_items WHERE account_id = ?1 AND invoice_id = ?2",
            )?
            .execute(params![self.account, invoice])?;
        Ok(())
    }

    /// Inserts a page of new-commerce billed lines.
    pub fn billing_lines(&mut self, invoice: &str, page: &[BillingLineRow]) -> Result<()> {
        self.forget_totals(invoice)?;
        let inserted = self.insert_lines("billing_line_items", "invoice_id", invoice, page)?;
        self.rows += inserted;
        Ok(())
    }

    /// Inserts new-commerce lines into `table` (billing_line_items, the unbilled
    /// reconciliation lines or the Graph staging table) with `key` in `key_column`; the
    /// number inserted.
    pub(super) fn insert_lines(
        &mut self,
        table: &str,
        key_column: &str,
        key: &str,
        page: &[BillingLineRow],
    ) -> Result<u64> {
        let mut inserted = 0;
        let mut stmt = self.tx.prepare_cached(&format!(
            "INSERT INTO {table} (account_id, {key_column}, {LINE_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
        ))?;
        for l in page {
            inserted += stmt.execute(params![
                self.account,
                key,
                l.customer_id,
                l.customer_name,
                l.product_id,
                l.sku_id,
                l.product_name,
                l.sku_name,
                l.charge_type,
                l.subscription_id,
                dec(&l.unit_price),
                opt_dec(&l.effective_unit_price),
                dec(&l.quantity),
                opt_dec(&l.billable_quantity),
                dec(&l.subtotal),
                opt_dec(&l.tax_total),
                opt_dec(&l.total_for_customer),
                l.currency,
                opt_dec(&l.pc_to_bc_exchange_rate),
                l.charge_start_date,
                l.charge_end_date,
                l.term.order_date,
                l.term.subscription_start_date,
                l.term.subscription_end_date,
                l.term.term_and_billing_cycle
            ])? as u64;
        }
        Ok(inserted)
    }

    /// Clears one legacy line-item collection before it is read again from the start.
    pub fn clear_legacy_lines(&mut self, invoice: &str, provider: &str, kind: &str) -> Result<()> {
        self.forget_totals(invoice)?;
        self.tx
            .prepare_cached(
                "DELETE FROM legacy_line_items WHERE account_id = ?1 AND invoice_id = ?2 AND provider = ?3 AND kind = ?4",
            )?
            .execute(params![self.account, invoice, provider, kind])?;
        Ok(())
    }

    /// Inserts a page of legacy invoice lines.
    pub fn legacy_lines(
        &mut self,
        invoice: &str,
        provider: &str,
        kind: &str,
        page: &[LegacyLineRow],
    ) -> Result<()> {
        self.forget_totals(invoice)?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO legacy_line_items (account_id, invoice_id, provider, kind, customer_id, subscription_id,
                resource_guid, resource_name, charge_start_date, charge_end_date, consumed_quantity,
                pretax_charges, tax_amount, currency, unit_price, unit, billing_cycle_type)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
        )?;
        for l in page {
            self.rows += stmt.execute(params![
                self.account,
                invoice,
                provider,
                kind,
                l.customer_id,
                l.subscription_id,
                l.resource_guid,
                l.resource_name,
                l.charge_start_date,
                l.charge_end_date,
                opt_dec(&l.consumed_quantity),
                opt_dec(&l.pretax_charges),
                opt_dec(&l.tax_amount),
                l.currency,
                opt_dec(&l.unit_price),
                l.unit,
                l.billing_cycle_type
            ])? as u64;
        }
        Ok(())
    }
}
