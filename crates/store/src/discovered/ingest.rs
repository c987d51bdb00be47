//! Writing what Discovery read: one [`Ingest`] per page, committed with the cursor that
//! records the page. Re-read collections are upserted so that only real changes count as
//! rows written; collections read in windows (usage, line items) are cleared when their
//! window starts again from its first page, so a repeated window never duplicates rows.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Transaction};
use rust_decimal::Decimal;

use super::instant;
use super::rows::*;
use crate::error::Result;
use crate::Database;

/// One write transaction of Discovery for one account.
pub struct Ingest<'a> {
    tx: Transaction<'a>,
    account: String,
    rows: u64,
}

/// Decimal text with the scale Microsoft sent ("10.50" stays "10.50").
fn dec(d: &Decimal) -> String {
    d.to_string()
}

fn opt_dec(d: &Option<Decimal>) -> Option<String> {
    d.as_ref().map(dec)
}

impl Database {
    /// Starts a write transaction for `account_id`'s discovered data.
    pub fn ingest(&mut self, account_id: &str) -> Result<Ingest<'_>> {
        // IMMEDIATE: some writes read first (which entitlements are gone); a deferred
        // transaction could then fail at once on another connection's commit instead of
        // waiting out busy_timeout.
        let tx = self
            .conn_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(Ingest {
            tx,
            account: account_id.to_string(),
            rows: 0,
        })
    }
}

impl Ingest<'_> {
    /// Rows inserted or changed so far in this transaction.
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Commits everything, returning the rows inserted or changed.
    pub fn commit(self) -> Result<u64> {
        self.tx.commit()?;
        Ok(self.rows)
    }

    fn ensure_cursor_row(&self) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO discovery_cursors (account_id) VALUES (?1)")?
            .execute(params![self.account])?;
        Ok(())
    }

    /// Upserts a page of the customer list.
    pub fn customers(&mut self, page: &[CustomerRow], now: DateTime<Utc>) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO customers (account_id, id, company_name, domain, tenant_id, commerce_id, relationship, first_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (account_id, id) DO UPDATE SET
                company_name = excluded.company_name, domain = excluded.domain,
                tenant_id = excluded.tenant_id, commerce_id = excluded.commerce_id,
                relationship = excluded.relationship
             WHERE customers.company_name IS NOT excluded.company_name
                OR customers.domain IS NOT excluded.domain
                OR customers.tenant_id IS NOT excluded.tenant_id
                OR customers.commerce_id IS NOT excluded.commerce_id
                OR customers.relationship IS NOT excluded.relationship",
        )?;
        let seen = instant(now);
        for c in page {
            self.rows += stmt.execute(params![
                self.account,
                c.id,
                c.company_name,
                c.domain,
                c.tenant_id,
                c.commerce_id,
                c.relationship,
                seen
            ])? as u64;
        }
        Ok(())
    }

    /// Records that the customer list was read completely at `at`.
    pub fn customers_listed(&mut self, at: DateTime<Utc>) -> Result<()> {
        self.ensure_cursor_row()?;
        self.tx
            .prepare_cached(
                "UPDATE discovery_cursors SET customers_listed_at = ?2 WHERE account_id = ?1",
            )?
            .execute(params![self.account, instant(at)])?;
        Ok(())
    }

    /// Marks a customer Partner Center refuses to serve (no relationship): its data is kept,
    /// and it is skipped until the customer list says it changed.
    pub fn customer_unreachable(&mut self, customer: &str, at: DateTime<Utc>) -> Result<()> {
        self.rows += self
            .tx
            .prepare_cached(
                "UPDATE customers SET reachable = 0, subscriptions_listed_at = ?3
                 WHERE account_id = ?1 AND id = ?2 AND reachable = 1",
            )?
            .execute(params![self.account, customer, instant(at)])? as u64;
        Ok(())
    }

    /// Upserts a customer's subscriptions (keeping their cursors) and records when they were read.
    pub fn subscriptions(
        &mut self,
        customer: &str,
        subs: &[SubscriptionRow],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO subscriptions (account_id, customer_id, id, kind, offer_id, offer_name, friendly_name,
                quantity, unit_type, status, billing_type, billing_cycle, creation_date, commitment_end_date,
                term_duration, entitlement_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT (account_id, id) DO UPDATE SET
                customer_id = excluded.customer_id, kind = excluded.kind, offer_id = excluded.offer_id,
                offer_name = excluded.offer_name, friendly_name = excluded.friendly_name,
                quantity = excluded.quantity, unit_type = excluded.unit_type, status = excluded.status,
                billing_type = excluded.billing_type, billing_cycle = excluded.billing_cycle,
                creation_date = excluded.creation_date, commitment_end_date = excluded.commitment_end_date,
                term_duration = excluded.term_duration, entitlement_id = excluded.entitlement_id
             WHERE (subscriptions.customer_id, subscriptions.kind, subscriptions.offer_id, subscriptions.offer_name,
                    subscriptions.friendly_name, subscriptions.quantity, subscriptions.unit_type, subscriptions.status,
                    subscriptions.billing_type, subscriptions.billing_cycle, subscriptions.creation_date,
                    subscriptions.commitment_end_date, subscriptions.term_duration, subscriptions.entitlement_id)
                IS NOT (excluded.customer_id, excluded.kind, excluded.offer_id, excluded.offer_name,
                    excluded.friendly_name, excluded.quantity, excluded.unit_type, excluded.status,
                    excluded.billing_type, excluded.billing_cycle, excluded.creation_date,
                    excluded.commitment_end_date, excluded.term_duration, excluded.entitlement_id)",
        )?;
        for s in subs {
            self.rows += stmt.execute(params![
                self.account,
                customer,
                s.id,
                s.kind.as_str(),
                s.offer_id,
                s.offer_name,
                s.friendly_name,
                opt_dec(&s.quantity),
                s.unit_type,
                s.status,
                s.billing_type,
                s.billing_cycle,
                s.creation_date,
                s.commitment_end_date,
                s.term_duration,
                s.entitlement_id
            ])? as u64;
        }
        // Partner Center answered: the relationship is (again) there.
        self.rows += self
            .tx
            .prepare_cached(
                "UPDATE customers SET reachable = 1 WHERE account_id = ?1 AND id = ?2 AND reachable = 0",
            )?
            .execute(params![self.account, customer])? as u64;
        self.tx
            .prepare_cached(
                "UPDATE customers SET subscriptions_listed_at = ?3 WHERE account_id = ?1 AND id = ?2",
            )?
            .execute(params![self.account, customer, instant(at)])?;
        Ok(())
    }

    /// Replaces an Azure plan's entitlements and records when they were read.
    pub fn entitlements(
        &mut self,
        subscription: &str,
        list: &[EntitlementIn],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let existing: Vec<String> = self
            .tx
            .prepare_cached(
                "SELECT id FROM azure_entitlements WHERE account_id = ?1 AND subscription_id = ?2",
            )?
            .query_map(params![self.account, subscription], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for gone in existing
            .iter()
            .filter(|id| !list.iter().any(|e| &e.id == *id))
        {
            self.rows += self
                .tx
                .prepare_cached(
                    "DELETE FROM azure_entitlements WHERE account_id = ?1 AND subscription_id = ?2 AND id = ?3",
                )?
                .execute(params![self.account, subscription, gone])? as u64;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO azure_entitlements (account_id, subscription_id, id, friendly_name, status)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, subscription_id, id) DO UPDATE SET
                friendly_name = excluded.friendly_name, status = excluded.status
             WHERE (azure_entitlements.friendly_name, azure_entitlements.status)
                IS NOT (excluded.friendly_name, excluded.status)",
        )?;
        for e in list {
            self.rows += stmt.execute(params![
                self.account,
                subscription,
                e.id,
                e.friendly_name,
                e.status
            ])? as u64;
        }
        self.tx
            .prepare_cached(
                "UPDATE subscriptions SET entitlements_listed_at = ?3 WHERE account_id = ?1 AND id = ?2",
            )?
            .execute(params![self.account, subscription, instant(at)])?;
        Ok(())
    }

    /// Clears what an earlier attempt at the legacy usage window starting `from` wrote, before
    /// the window is read again.
    pub fn clear_utilization(&mut self, subscription: &str, from: NaiveDate) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM utilization_records WHERE account_id = ?1 AND subscription_id = ?2
                 AND window_from = ?3",
            )?
            .execute(params![self.account, subscription, from.to_string()])?;
        Ok(())
    }

    /// Inserts a page of legacy usage read by the window starting `from`.
    pub fn utilization(
        &mut self,
        subscription: &str,
        from: NaiveDate,
        page: &[UtilizationRow],
    ) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO utilization_records (account_id, subscription_id, window_from, usage_start, usage_end,
                meter_id, meter_name, category, subcategory, region, resource_uri, quantity, unit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?;
        let window = from.to_string();
        for u in page {
            self.rows += stmt.execute(params![
                self.account,
                subscription,
                window,
                instant(u.usage_start),
                instant(u.usage_end),
                u.meter_id,
                u.meter_name,
                u.category,
                u.subcategory,
                u.region,
                u.resource_uri,
                dec(&u.quantity),
                u.unit
            ])? as u64;
        }
        Ok(())
    }

    /// Records that a subscription's legacy usage is stored through `through`.
    pub fn usage_through(&mut self, subscription: &str, through: NaiveDate) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE subscriptions SET usage_through = ?3 WHERE account_id = ?1 AND id = ?2",
            )?
            .execute(params![self.account, subscription, through.to_string()])?;
        Ok(())
    }

    /// Replaces one currency's rate card: meters gone are deleted, changed ones updated, and
    /// only those count as written.
    pub fn rate_card(
        &mut self,
        card: &RateCardRow,
        meters: &[MeterRow],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let existing: Vec<String> = self
            .tx
            .prepare_cached(
                "SELECT meter_id FROM rate_card_meters WHERE account_id = ?1 AND currency = ?2",
            )?
            .query_map(params![self.account, card.currency], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let fresh: std::collections::HashSet<&str> =
            meters.iter().map(|m| m.meter_id.as_str()).collect();
        for gone in existing.iter().filter(|id| !fresh.contains(id.as_str())) {
            self.rows += self
                .tx
                .prepare_cached(
                    "DELETE FROM rate_card_meters WHERE account_id = ?1 AND currency = ?2 AND meter_id = ?3",
                )?
                .execute(params![self.account, card.currency, gone])? as u64;
        }
        self.tx
            .prepare_cached(
                "INSERT INTO rate_cards (account_id, currency, locale, tax_included, fetched_at, offer_terms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account_id, currency) DO UPDATE SET locale = excluded.locale,
                    tax_included = excluded.tax_included, fetched_at = excluded.fetched_at,
                    offer_terms = excluded.offer_terms",
            )?
            .execute(params![
                self.account,
                card.currency,
                card.locale,
                card.tax_included,
                instant(at),
                card.offer_terms
            ])?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO rate_card_meters (account_id, currency, meter_id, name, category, subcategory, region,
                unit, included_quantity, effective_date, rates)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (account_id, currency, meter_id) DO UPDATE SET name = excluded.name,
                category = excluded.category, subcategory = excluded.subcategory, region = excluded.region,
                unit = excluded.unit, included_quantity = excluded.included_quantity,
                effective_date = excluded.effective_date, rates = excluded.rates
             WHERE (rate_card_meters.name, rate_card_meters.category, rate_card_meters.subcategory,
                    rate_card_meters.region, rate_card_meters.unit, rate_card_meters.included_quantity,
                    rate_card_meters.effective_date, rate_card_meters.rates)
                IS NOT (excluded.name, excluded.category, excluded.subcategory, excluded.region,
                    excluded.unit, excluded.included_quantity, excluded.effective_date, excluded.rates)",
        )?;
        for m in meters {
            self.rows += stmt.execute(params![
                self.account,
                card.currency,
                m.meter_id,
                m.name,
                m.category,
                m.subcategory,
                m.region,
                m.unit,
                opt_dec(&m.included_quantity),
                m.effective_date,
                m.rates
            ])? as u64;
        }
        Ok(())
    }

    /// Upserts a page of the invoice list and registers each invoice's line-item collections.
    pub fn invoices(&mut self, page: &[InvoiceRow], now: DateTime<Utc>) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO invoices (account_id, id, invoice_date, billing_period_start, billing_period_end,
                total_charges, paid_amount, currency, invoice_type, document_type, first_seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (account_id, id) DO UPDATE SET invoice_date = excluded.invoice_date,
                billing_period_start = excluded.billing_period_start,
                billing_period_end = excluded.billing_period_end, total_charges = excluded.total_charges,
                paid_amount = excluded.paid_amount, currency = excluded.currency,
                invoice_type = excluded.invoice_type, document_type = excluded.document_type
             WHERE (invoices.invoice_date, invoices.billing_period_start, invoices.billing_period_end,
                    invoices.total_charges, invoices.paid_amount, invoices.currency, invoices.invoice_type,
                    invoices.document_type)
                IS NOT (excluded.invoice_date, excluded.billing_period_start, excluded.billing_period_end,
                    excluded.total_charges, excluded.paid_amount, excluded.currency, excluded.invoice_type,
                    excluded.document_type)",
        )?;
        let mut streams = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO invoice_line_streams (account_id, invoice_id, provider, kind) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let seen = instant(now);
        for i in page {
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
                seen
            ])? as u64;
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
    fn forget_totals(&self, invoice: &str) -> Result<()> {
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
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO billing_line_items (account_id, invoice_id, customer_id, customer_name, product_id, sku_id,
                product_name, sku_name, charge_type, subscription_id, unit_price, effective_unit_price, quantity,
                billable_quantity, subtotal, tax_total, total_for_customer, currency, pc_to_bc_exchange_rate,
                charge_start_date, charge_end_date)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        )?;
        for l in page {
            self.rows += stmt.execute(params![
                self.account,
                invoice,
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
                l.charge_end_date
            ])? as u64;
        }
        Ok(())
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
                pretax_charges, tax_amount, currency)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
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
                l.currency
            ])? as u64;
        }
        Ok(())
    }

    /// Clears the daily rated usage of `source` (an invoice id or `unbilled:YYYY-MM`).
    pub fn clear_daily_usage(&mut self, source: &str) -> Result<()> {
        self.tx
            .prepare_cached("DELETE FROM daily_usage WHERE account_id = ?1 AND source = ?2")?
            .execute(params![self.account, source])?;
        Ok(())
    }

    /// Inserts a page of daily rated usage from `source`.
    pub fn daily_usage(&mut self, source: &str, page: &[DailyUsageRow]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO daily_usage (account_id, source, customer_id, invoice_number, subscription_id,
                entitlement_id, usage_date, meter_id, meter_name, meter_category, meter_region, resource_uri,
                unit_of_measure, charge_type, quantity, unit_price, effective_unit_price, billing_pre_tax_total,
                billing_currency, pricing_pre_tax_total, pricing_currency, pc_to_bc_exchange_rate,
                has_partner_earned_credit)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
        )?;
        for u in page {
            self.rows += stmt.execute(params![
                self.account,
                source,
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
                u.has_partner_earned_credit
            ])? as u64;
        }
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;
    use chrono::TimeZone;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).unwrap()
    }

    fn usage(day: u32) -> UtilizationRow {
        UtilizationRow {
            usage_start: at(day),
            usage_end: at(day + 1),
            meter_id: "m1".into(),
            meter_name: None,
            category: None,
            subcategory: None,
            region: None,
            resource_uri: None,
            quantity: Decimal::new(15, 1),
            unit: None,
        }
    }

    fn count(db: &Database) -> i64 {
        db.conn()
            .query_row("SELECT count(*) FROM utilization_records", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_usage_window_read_again_replaces_exactly_what_it_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let account = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", at(1))
            .unwrap()
            .id;
        let mut w = db.ingest(&account).unwrap();
        w.customers(
            &[CustomerRow {
                id: "c1".into(),
                company_name: "C".into(),
                domain: "c.example".into(),
                tenant_id: None,
                commerce_id: None,
                relationship: None,
            }],
            at(1),
        )
        .unwrap();
        w.subscriptions(
            "c1",
            &[SubscriptionRow {
                id: "s1".into(),
                kind: super::super::SubscriptionKind::LegacyAzure,
                offer_id: "MS-AZR-0145P".into(),
                offer_name: None,
                friendly_name: None,
                quantity: None,
                unit_type: None,
                status: "active".into(),
                billing_type: None,
                billing_cycle: None,
                creation_date: None,
                commitment_end_date: None,
                term_duration: None,
                entitlement_id: None,
            }],
            at(1),
        )
        .unwrap();
        // The window of days reported from the 10th brings usage of the 9th (reported the
        // day after) and a late record of the 2nd.
        let from = at(10).date_naive();
        w.clear_utilization("s1", from).unwrap();
        w.utilization("s1", from, &[usage(9), usage(2)]).unwrap();
        w.commit().unwrap();
        // Interrupted before its last page: the next run reads the window again.
        let mut w = db.ingest(&account).unwrap();
        w.clear_utilization("s1", from).unwrap();
        w.utilization("s1", from, &[usage(9), usage(2), usage(10)])
            .unwrap();
        w.usage_through("s1", at(20).date_naive()).unwrap();
        w.commit().unwrap();
        assert_eq!(
            count(&db),
            3,
            "usage days outside the window's own days are replaced too, never doubled"
        );
    }
}
