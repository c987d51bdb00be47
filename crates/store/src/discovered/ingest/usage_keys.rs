//! The integer keys of daily usage's compact storage (0019_compact_daily_usage.sql): a
//! row's source, subject, meter, resource and terms are looked up (or added) once per
//! transaction and remembered, so a page of rows costs one fact insert per row and a handful
//! of dimension lookups, not five text columns and two index entries per row.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension, Transaction};
use rust_decimal::Decimal;

use super::{dec, opt_dec};
use crate::discovered::rows::DailyUsageRow;
use crate::error::Result;

type Subject = (String, String, String);
type Meter = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);
type Terms = (
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
);

/// Keys found in this transaction. Dimension rows are never deleted while a transaction
/// runs (only an account's deletion cascades to its subjects), so a key stays valid until
/// the transaction ends, and the cache ends with it: nothing from a rolled-back
/// transaction is remembered.
/// The last key of each kind is kept apart: consecutive rows mostly share their subject,
/// terms and often their meter, and comparing with it needs no allocation.
#[derive(Default)]
pub(super) struct UsageKeys {
    subjects: HashMap<Subject, i64>,
    meters: HashMap<Meter, i64>,
    resources: HashMap<String, i64>,
    terms: HashMap<Terms, i64>,
    last_subject: Option<(Subject, i64)>,
    last_meter: Option<(Meter, i64)>,
    last_terms: Option<(TermsAsSent, i64)>,
}

/// A row's terms before their decimals become text (compared by digits and scale, as
/// stored: "0.15" and "0.150" are two texts).
type TermsAsSent = (
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<Decimal>,
    Decimal,
);

fn same(a: &Decimal, b: &Decimal) -> bool {
    a.mantissa() == b.mantissa() && a.scale() == b.scale()
}

fn terms_as_sent(u: &DailyUsageRow) -> TermsAsSent {
    (
        u.invoice_number.clone(),
        u.charge_type.clone(),
        u.billing_currency.clone(),
        u.pricing_currency.clone(),
        u.pc_to_bc_exchange_rate,
        u.partner_earned_credit_rate,
    )
}

/// A source's id and the ordinal its next row takes.
pub(super) struct SourceKey {
    pub id: i64,
    pub next_ordinal: i64,
}

/// Days since 1970-01-01: the facts' `day`.
pub(crate) fn day_number(date: chrono::NaiveDate) -> i64 {
    (date - chrono::NaiveDate::default()).num_days()
}

/// The source row of `source` (created when missing, `staged` as given).
pub(super) fn source(
    tx: &Transaction<'_>,
    account: &str,
    source: &str,
    staged: bool,
) -> Result<SourceKey> {
    tx.prepare_cached(
        "INSERT INTO usage_sources (account_id, source, staged) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, source) DO NOTHING",
    )?
    .execute(params![account, source, staged])?;
    let (id, next_ordinal) = tx
        .prepare_cached(
            "SELECT id, next_ordinal FROM usage_sources WHERE account_id = ?1 AND source = ?2",
        )?
        .query_row(params![account, source], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(SourceKey { id, next_ordinal })
}

impl UsageKeys {
    /// The subject, meter, resource and terms keys of `u`, in that order.
    pub(super) fn of(
        &mut self,
        tx: &Transaction<'_>,
        account: &str,
        u: &DailyUsageRow,
    ) -> Result<[i64; 4]> {
        Ok([
            self.subject(tx, account, u)?,
            self.meter(tx, u)?,
            self.resource(tx, u.resource_uri.as_deref())?,
            self.terms(tx, u)?,
        ])
    }

    fn subject(&mut self, tx: &Transaction<'_>, account: &str, u: &DailyUsageRow) -> Result<i64> {
        if let Some(((c, s, e), id)) = &self.last_subject {
            if *c == u.customer_id && *s == u.subscription_id && *e == u.entitlement_id {
                return Ok(*id);
            }
        }
        let key = (
            u.customer_id.clone(),
            u.subscription_id.clone(),
            u.entitlement_id.clone(),
        );
        if let Some(id) = self.subjects.get(&key) {
            let id = *id;
            self.last_subject = Some((key, id));
            return Ok(id);
        }
        let found = tx
            .prepare_cached(
                "SELECT id FROM usage_subjects WHERE account_id = ?1 AND customer_id = ?2
                    AND subscription_id = ?3 AND entitlement_id = ?4",
            )?
            .query_row(params![account, key.0, key.1, key.2], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                tx.prepare_cached(
                    "INSERT INTO usage_subjects (account_id, customer_id, subscription_id, entitlement_id)
                     VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![account, key.0, key.1, key.2])?;
                tx.last_insert_rowid()
            }
        };
        self.subjects.insert(key.clone(), id);
        self.last_subject = Some((key, id));
        Ok(id)
    }

    fn meter(&mut self, tx: &Transaction<'_>, u: &DailyUsageRow) -> Result<i64> {
        if let Some(((m, n, c, r, unit), id)) = &self.last_meter {
            if *m == u.meter_id
                && *n == u.meter_name
                && *c == u.meter_category
                && *r == u.meter_region
                && *unit == u.unit_of_measure
            {
                return Ok(*id);
            }
        }
        let key = (
            u.meter_id.clone(),
            u.meter_name.clone(),
            u.meter_category.clone(),
            u.meter_region.clone(),
            u.unit_of_measure.clone(),
        );
        if let Some(id) = self.meters.get(&key) {
            let id = *id;
            self.last_meter = Some((key, id));
            return Ok(id);
        }
        // IS, not =: a description may lack a name or region, and NULL must match NULL.
        let found = tx
            .prepare_cached(
                "SELECT id FROM usage_meters WHERE meter_id = ?1 AND meter_name IS ?2
                    AND meter_category IS ?3 AND meter_region IS ?4 AND unit_of_measure IS ?5",
            )?
            .query_row(params![key.0, key.1, key.2, key.3, key.4], |r| r.get(0))
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                tx.prepare_cached(
                    "INSERT INTO usage_meters (meter_id, meter_name, meter_category, meter_region, unit_of_measure)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![key.0, key.1, key.2, key.3, key.4])?;
                tx.last_insert_rowid()
            }
        };
        self.meters.insert(key.clone(), id);
        self.last_meter = Some((key, id));
        Ok(id)
    }

    fn resource(&mut self, tx: &Transaction<'_>, uri: Option<&str>) -> Result<i64> {
        let Some(uri) = uri else { return Ok(0) };
        if let Some(id) = self.resources.get(uri) {
            return Ok(*id);
        }
        tx.prepare_cached(
            "INSERT INTO usage_resources (resource_uri) VALUES (?1) ON CONFLICT DO NOTHING",
        )?
        .execute([uri])?;
        let id = tx
            .prepare_cached("SELECT id FROM usage_resources WHERE resource_uri = ?1")?
            .query_row([uri], |r| r.get(0))?;
        self.resources.insert(uri.to_string(), id);
        Ok(id)
    }

    fn terms(&mut self, tx: &Transaction<'_>, u: &DailyUsageRow) -> Result<i64> {
        if let Some(((i, c, b, p, fx, pec), id)) = &self.last_terms {
            if *i == u.invoice_number
                && *c == u.charge_type
                && *b == u.billing_currency
                && *p == u.pricing_currency
                && match (fx, &u.pc_to_bc_exchange_rate) {
                    (Some(a), Some(b)) => same(a, b),
                    (a, b) => a.is_none() && b.is_none(),
                }
                && same(pec, &u.partner_earned_credit_rate)
            {
                return Ok(*id);
            }
        }
        let key = (
            u.invoice_number.clone(),
            u.charge_type.clone(),
            u.billing_currency.clone(),
            u.pricing_currency.clone(),
            opt_dec(&u.pc_to_bc_exchange_rate),
            dec(&u.partner_earned_credit_rate),
        );
        if let Some(id) = self.terms.get(&key) {
            let id = *id;
            self.last_terms = Some((terms_as_sent(u), id));
            return Ok(id);
        }
        let found = tx
            .prepare_cached(
                "SELECT id FROM usage_terms WHERE invoice_number IS ?1 AND charge_type IS ?2
                    AND billing_currency = ?3 AND pricing_currency IS ?4
                    AND pc_to_bc_exchange_rate IS ?5 AND partner_earned_credit_rate = ?6",
            )?
            .query_row(params![key.0, key.1, key.2, key.3, key.4, key.5], |r| {
                r.get(0)
            })
            .optional()?;
        let id = match found {
            Some(id) => id,
            None => {
                tx.prepare_cached(
                    "INSERT INTO usage_terms (invoice_number, charge_type, billing_currency,
                        pricing_currency, pc_to_bc_exchange_rate, partner_earned_credit_rate)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![key.0, key.1, key.2, key.3, key.4, key.5])?;
                tx.last_insert_rowid()
            }
        };
        self.terms.insert(key, id);
        self.last_terms = Some((terms_as_sent(u), id));
        Ok(id)
    }
}
