//! Writing legacy Azure (CSP offer) data: usage read in windows, each window cleared when it
//! starts again from its first page, and the rate card that prices that usage.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;

use super::{dec, opt_dec, Ingest};
use crate::discovered::instant;
use crate::discovered::rows::{MeterRow, RateCardRow, UtilizationRow};
use crate::error::Result;
use crate::rated::versions;

impl Ingest<'_> {
    /// Clears what an earlier attempt at the legacy usage window starting `from` wrote, before
    /// the window is read again.
    pub fn clear_utilization(&mut self, subscription: &str, from: NaiveDate) -> Result<()> {
        let months = versions::legacy_window_months(
            &self.tx,
            &self.account,
            subscription,
            &from.to_string(),
        )?;
        versions::legacy_changed(&self.tx, &self.account, subscription, &months)?;
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
        let mut months = std::collections::BTreeSet::new();
        for u in page {
            months.insert(u.usage_start.format("%Y-%m").to_string());
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
        versions::legacy_changed(&self.tx, &self.account, subscription, &months)?;
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
}
