//! Reading rating's results: the state of each customer-period, our rated lines, the
//! invoice's daily rated usage of a period (what reconciliation compares ours with), and
//! cost per customer and period for the pages (month-to-date cost).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;

use super::inputs::{COUNTED, USAGE_DATE, USAGE_FROM, USAGE_ORDER};
use super::{dec_opt, Dec, UsageKind};
use crate::error::{Error, Result};
use crate::usage_decimal::UsageDecimal;
use crate::{Database, Money};

/// The condition on `column` for "one customer (`?3`) or all": two statements rather than
/// `(?3 IS NULL OR ...)`, which SQLite cannot answer from the customer's index.
fn one_customer(customer_id: Option<&str>, column: &str) -> String {
    match customer_id {
        Some(_) => format!("{column} = ?3"),
        None => "?3 IS NULL".to_string(),
    }
}

/// What a customer-period was last rated from (see [`super::RatingStateRow`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingState {
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Usage rows read.
    pub usage_records: u64,
    /// Their fingerprint.
    pub usage_fingerprint: String,
    /// Currencies of the rate cards used.
    pub price_cards: String,
    /// Their fingerprint.
    pub prices_fingerprint: String,
    /// Rating rules version.
    pub rules: i64,
    /// Lines written.
    pub lines: u32,
    /// Why it could not be rated.
    pub refused: Option<String>,
    /// When (RFC 3339).
    pub rated_at: String,
    /// The input versions it was rated from (`None`: rated before 0021).
    pub input_versions: Option<String>,
}

/// Every customer-period state of `account_id` (all periods, or only `period`).
pub fn states(db: &Database, account_id: &str, period: Option<&str>) -> Result<Vec<RatingState>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT customer_id, period, usage_records, usage_fingerprint, price_cards,
                prices_fingerprint, rules, lines, refused, rated_at, input_versions
         FROM rating_state WHERE account_id = ?1 AND (?2 IS NULL OR period = ?2)
         ORDER BY customer_id, period",
    )?;
    let rows = stmt.query_map(params![account_id, period], |r| {
        Ok(RatingState {
            customer_id: r.get(0)?,
            period: r.get(1)?,
            usage_records: r.get::<_, i64>(2)?.max(0) as u64,
            usage_fingerprint: r.get(3)?,
            price_cards: r.get(4)?,
            prices_fingerprint: r.get(5)?,
            rules: r.get(6)?,
            lines: r.get(7)?,
            refused: r.get(8)?,
            rated_at: r.get(9)?,
            input_versions: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A daily rated usage line of the invoice side of a period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceUsage {
    /// Invoice id, or `unbilled:YYYY-MM:CUR`.
    pub source: String,
    /// Whether it is billed (on an invoice) rather than unbilled.
    pub billed: bool,
    /// Customer id.
    pub customer_id: String,
    /// Azure plan.
    pub subscription_id: String,
    /// Azure subscription.
    pub entitlement_id: String,
    /// Meter id as sent.
    pub meter_id: String,
    /// Usage day (may precede the period: usage reported late).
    pub usage_date: NaiveDate,
    /// Units.
    pub quantity: Decimal,
    /// `unitPrice`.
    pub unit_price: Option<Decimal>,
    /// `effectiveUnitPrice`.
    pub effective_unit_price: Decimal,
    /// `billingPreTaxTotal`.
    pub billing_pre_tax_total: Decimal,
    /// `billingCurrency`.
    pub billing_currency: String,
    /// `pcToBCExchangeRate`.
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Partner earned credit as a fraction (`rateOfPartnerEarnedCredit`; 0 = none).
    pub partner_earned_credit_rate: Decimal,
}

/// The invoice side of `period` (`YYYY-MM`) for `account_id`: the daily rated usage of every
/// invoice whose billing period starts in that month (including usage of earlier days
/// reported late), and, for a currency not invoiced yet, the period's unbilled usage. By
/// customer, usage day, then as stored.
pub fn invoice_usage(db: &Database, account_id: &str, period: &str) -> Result<Vec<InvoiceUsage>> {
    invoice_usage_of(db, account_id, period, None)
}

/// [`invoice_usage`] of one customer (all when `None`): seeks to the customer's subjects in
/// each source, so one customer's comparison never reads the month.
pub fn invoice_usage_of(
    db: &Database,
    account_id: &str,
    period: &str,
    customer_id: Option<&str>,
) -> Result<Vec<InvoiceUsage>> {
    super::month_bounds(period)?;
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT s.source, j.customer_id, j.subscription_id, j.entitlement_id, m.meter_id,
                {USAGE_DATE}, f.quantity, f.unit_price, f.effective_unit_price,
                f.billing_pre_tax_total, t.billing_currency, t.pc_to_bc_exchange_rate,
                t.partner_earned_credit_rate
         FROM {USAGE_FROM}
         WHERE s.account_id = ?1 AND j.account_id = s.account_id AND (
            s.source IN (SELECT id FROM invoices
                         WHERE account_id = ?1 AND substr(billing_period_start, 1, 7) = ?2)
            OR (s.source LIKE 'unbilled:' || ?2 || ':%' AND {COUNTED}))
           AND s.staged = 0 AND {customer}
         ORDER BY {USAGE_ORDER}",
        customer = one_customer(customer_id, "j.customer_id")
    ))?;
    let rows = stmt.query_map(params![account_id, period, customer_id], |r| {
        let source: String = r.get(0)?;
        let day: String = r.get(5)?;
        Ok(InvoiceUsage {
            billed: !source.starts_with("unbilled:"),
            source,
            customer_id: r.get(1)?,
            subscription_id: r.get(2)?,
            entitlement_id: r.get(3)?,
            meter_id: r.get(4)?,
            usage_date: NaiveDate::parse_from_str(day.get(..10).unwrap_or(&day), "%Y-%m-%d")
                .map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        5,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
            quantity: r.get::<_, UsageDecimal>(6)?.0,
            unit_price: r.get::<_, Option<UsageDecimal>>(7)?.map(|d| d.0),
            effective_unit_price: r.get::<_, UsageDecimal>(8)?.0,
            billing_pre_tax_total: r.get::<_, UsageDecimal>(9)?.0,
            billing_currency: r.get(10)?,
            pc_to_bc_exchange_rate: dec_opt(r.get(11)?),
            partner_earned_credit_rate: r.get::<_, Dec>(12)?.0,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stored rated line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRatedLine {
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Partner Center subscription.
    pub subscription_id: String,
    /// Azure subscription.
    pub entitlement_id: String,
    /// Meter id (lower case).
    pub meter_id: String,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Azure plan or legacy.
    pub usage_kind: UsageKind,
    /// Meter name.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage records added up.
    pub records: u32,
    /// Units.
    pub quantity: Decimal,
    /// List price per unit.
    pub unit_price: Decimal,
    /// Price per unit after credit and discount.
    pub effective_unit_price: Decimal,
    /// Partner earned credit applied.
    pub credit_rate: Decimal,
    /// Offer discount applied.
    pub discount: Decimal,
    /// FX rate.
    pub fx_rate: Decimal,
    /// Pricing currency.
    pub pricing_currency: String,
    /// Total in the pricing currency.
    pub pricing_total: Money,
    /// Total in the billing currency.
    pub billing_pre_tax_total: Money,
    /// Billing currency.
    pub billing_currency: String,
    /// Price origin.
    pub price_origin: String,
    /// When rated (RFC 3339).
    pub rated_at: String,
    /// List cost (list price × quantity), billing currency.
    pub list_cost: Money,
    /// Effective cost (after tiers, credit and discounts, before the floor), billing currency.
    pub effective_cost: Money,
}

/// The rated lines of `account_id` in `period`, of one customer or all, by customer,
/// subscription, Azure subscription, meter and day.
pub fn lines(
    db: &Database,
    account_id: &str,
    period: &str,
    customer_id: Option<&str>,
) -> Result<Vec<StoredRatedLine>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT customer_id, period, subscription_id, entitlement_id, meter_id, usage_date,
                usage_kind, meter_name, meter_category, records, quantity, unit_price,
                effective_unit_price, credit_rate, discount, fx_rate, pricing_currency,
                pricing_total, billing_pre_tax_total, billing_currency, price_origin, rated_at,
                list_cost, effective_cost
         FROM rated_lines
         WHERE account_id = ?1 AND period = ?2 AND {}
         ORDER BY customer_id, subscription_id, entitlement_id, meter_id, usage_date",
        one_customer(customer_id, "customer_id")
    ))?;
    let rows = stmt.query_map(params![account_id, period, customer_id], |r| {
        let day: String = r.get(5)?;
        let kind: String = r.get(6)?;
        let bad = |i: usize, e: Box<dyn std::error::Error + Send + Sync>| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e)
        };
        Ok(StoredRatedLine {
            customer_id: r.get(0)?,
            period: r.get(1)?,
            subscription_id: r.get(2)?,
            entitlement_id: r.get(3)?,
            meter_id: r.get(4)?,
            usage_date: NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                .map_err(|e| bad(5, Box::new(e)))?,
            usage_kind: UsageKind::parse(&kind)
                .ok_or_else(|| bad(6, format!("unknown usage kind {kind:?}").into()))?,
            meter_name: r.get(7)?,
            meter_category: r.get(8)?,
            records: r.get(9)?,
            quantity: r.get::<_, Dec>(10)?.0,
            unit_price: r.get::<_, Dec>(11)?.0,
            effective_unit_price: r.get::<_, Dec>(12)?.0,
            credit_rate: r.get::<_, Dec>(13)?.0,
            discount: r.get::<_, Dec>(14)?.0,
            fx_rate: r.get::<_, Dec>(15)?.0,
            pricing_currency: r.get(16)?,
            pricing_total: r.get(17)?,
            billing_pre_tax_total: r.get(18)?,
            billing_currency: r.get(19)?,
            price_origin: r.get(20)?,
            rated_at: r.get(21)?,
            list_cost: r.get(22)?,
            effective_cost: r.get(23)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(|e| match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => Error::BadMoney {
            value: inner.to_string(),
        },
        other => other.into(),
    })
}

/// A customer's rated cost in one period and billing currency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodTotal {
    /// Account id.
    pub account_id: String,
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub billing_currency: String,
    /// Azure plan: the sum of the lines' billing totals (each already Microsoft's floor).
    pub azure_plan: Money,
    /// Legacy: per subscription and meter, the floor of the period's full-precision total,
    /// added up (the legacy invoice's rule).
    pub legacy: Money,
    /// `azure_plan + legacy`.
    pub total: Money,
    /// Lines added up.
    pub lines: u32,
    /// Latest rating time of those lines (RFC 3339).
    pub rated_at: String,
}

/// Rated cost per customer (and billing currency) in `period`, of one account or all, by
/// account and customer. Sums are exact (in Rust, never SQLite's floating-point `sum`).
pub fn totals(db: &Database, account_id: Option<&str>, period: &str) -> Result<Vec<PeriodTotal>> {
    super::month_bounds(period)?;
    // Accounts through their table, so the month is found by the (account_id, period) index;
    // `?2 IS NULL OR account_id = ?2` alone made SQLite scan every month's lines.
    let mut stmt = db.conn().prepare_cached(
        "SELECT account_id, customer_id, billing_currency, usage_kind, subscription_id, meter_id,
                billing_pre_tax_total, rated_at
         FROM rated_lines
         WHERE account_id IN (SELECT id FROM partner_accounts WHERE ?2 IS NULL OR id = ?2)
           AND period = ?1",
    )?;
    type Key = (String, String, String);
    let mut azure: BTreeMap<Key, (Money, u32, String)> = BTreeMap::new();
    let mut legacy: BTreeMap<(Key, String, String), Money> = BTreeMap::new();
    let mut rows = stmt.query(params![period, account_id])?;
    while let Some(r) = rows.next()? {
        let key: Key = (r.get(0)?, r.get(1)?, r.get(2)?);
        let kind: String = r.get(3)?;
        let amount: Money = r.get(6)?;
        let at: String = r.get(7)?;
        let entry = azure
            .entry(key.clone())
            .or_insert((Money::ZERO, 0, String::new()));
        entry.1 += 1;
        if at > entry.2 {
            entry.2 = at;
        }
        if UsageKind::parse(&kind) == Some(UsageKind::Legacy) {
            *legacy.entry((key, r.get(4)?, r.get(5)?)).or_default() += amount;
        } else {
            entry.0 += amount;
        }
    }
    let mut legacy_by_key: BTreeMap<Key, Money> = BTreeMap::new();
    for ((key, _, _), amount) in legacy {
        *legacy_by_key.entry(key).or_default() += amount.floor_cents();
    }
    Ok(azure
        .into_iter()
        .map(|(key, (azure_plan, lines, rated_at))| {
            let legacy = legacy_by_key.get(&key).copied().unwrap_or_default();
            PeriodTotal {
                account_id: key.0,
                customer_id: key.1,
                period: period.to_string(),
                billing_currency: key.2,
                azure_plan,
                legacy,
                total: azure_plan + legacy,
                lines,
                rated_at,
            }
        })
        .collect())
}

/// A billing period something is known of: rated usage, or an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPeriod {
    /// `YYYY-MM`.
    pub period: String,
    /// Customers rated in it.
    pub rated: u32,
    /// Customers whose rating was refused.
    pub refused: u32,
    /// Whether an invoice of the period is stored (else only unbilled usage, if any).
    pub invoiced: bool,
}

/// Every period with rated usage or an invoice, of one account or all, newest first.
pub fn periods(db: &Database, account_id: Option<&str>) -> Result<Vec<KnownPeriod>> {
    let mut stmt = db.conn().prepare_cached(
        "WITH rated AS (
             SELECT period, SUM(refused IS NULL) AS ok, SUM(refused IS NOT NULL) AS bad
             FROM rating_state WHERE ?1 IS NULL OR account_id = ?1 GROUP BY period),
         billed AS (
             SELECT DISTINCT substr(billing_period_start, 1, 7) AS period
             FROM invoices
             WHERE (?1 IS NULL OR account_id = ?1) AND billing_period_start IS NOT NULL)
         SELECT p.period, COALESCE(r.ok, 0), COALESCE(r.bad, 0),
                p.period IN (SELECT period FROM billed)
         FROM (SELECT period FROM rated UNION SELECT period FROM billed) p
         LEFT JOIN rated r ON r.period = p.period
         ORDER BY p.period DESC",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok(KnownPeriod {
            period: r.get(0)?,
            rated: r.get(1)?,
            refused: r.get(2)?,
            invoiced: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
