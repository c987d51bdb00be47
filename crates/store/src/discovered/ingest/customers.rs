//! Writing the customer tree Discovery walks first: the customer list, each customer's
//! subscriptions and each Azure plan's entitlements. Re-read lists are upserted so only real
//! changes count as rows written; a subscription moved to another customer moves the data
//! versions of its legacy utilization for both.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{opt_dec, Ingest};
use crate::discovered::instant;
use crate::discovered::rows::{CustomerRow, EntitlementIn, SubscriptionRow};
use crate::error::Result;
use crate::rated::versions;

impl Ingest<'_> {
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
            versions::subscription_moves(&self.tx, &self.account, &s.id, customer)?;
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
}
