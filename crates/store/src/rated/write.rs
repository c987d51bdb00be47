//! Writing rated lines: one transaction per customer-period that replaces its lines and
//! records what they were rated from, so a reader never sees half a period and a period is
//! never rated from inputs other than those its state names.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::params;
use rust_decimal::Decimal;

use super::UsageKind;
use crate::error::Result;
use crate::{Database, Money};

/// One rated line to write (see `0005_rating.sql` for the columns).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatedLineRow {
    /// Partner Center subscription (Azure plan or legacy).
    pub subscription_id: String,
    /// Azure subscription id.
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
    /// List price per unit before credit and discount.
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
    /// Where the price came from (`rateCard`, ...).
    pub price_origin: String,
    /// List cost: the list price (first tier) × quantity, billing currency.
    pub list_cost: Money,
    /// Effective cost: after tiers, credit and discounts, before Microsoft's floor, billing
    /// currency.
    pub effective_cost: Money,
}

/// What a customer-period was rated from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingStateRow {
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Usage rows read (Azure plan + legacy).
    pub usage_records: u64,
    /// Fingerprint of those rows.
    pub usage_fingerprint: String,
    /// Currencies of the rate cards used, comma-separated.
    pub price_cards: String,
    /// Fingerprint of those cards.
    pub prices_fingerprint: String,
    /// Version of the rating rules.
    pub rules: i64,
    /// Lines written.
    pub lines: u32,
    /// Why the period could not be rated (then no lines are written).
    pub refused: Option<String>,
    /// When.
    pub rated_at: DateTime<Utc>,
    /// The input versions it was rated from ([`super::PeriodVersions::text`]).
    pub input_versions: Option<String>,
}

/// Replaces the lines of `state`'s customer-period with `lines` and records `state`, in one
/// transaction. Returns the lines written.
pub fn replace(
    db: &mut Database,
    account_id: &str,
    state: &RatingStateRow,
    lines: &[RatedLineRow],
) -> Result<u64> {
    // IMMEDIATE: take the write lock first, waiting out a Discovery page (busy_timeout),
    // rather than failing on a lock upgrade half-way.
    let tx = db
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let at = state.rated_at.to_rfc3339_opts(SecondsFormat::Millis, true);
    tx.prepare_cached(
        "DELETE FROM rated_lines WHERE account_id = ?1 AND customer_id = ?2 AND period = ?3",
    )?
    .execute(params![account_id, state.customer_id, state.period])?;
    let mut written = 0u64;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO rated_lines (account_id, customer_id, period, subscription_id, entitlement_id,
                meter_id, usage_date, usage_kind, meter_name, meter_category, records, quantity,
                unit_price, effective_unit_price, credit_rate, discount, fx_rate, pricing_currency,
                pricing_total, billing_pre_tax_total, billing_currency, price_origin, rated_at,
                list_cost, effective_cost)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
        )?;
        for l in lines {
            written += stmt.execute(params![
                account_id,
                state.customer_id,
                state.period,
                l.subscription_id,
                l.entitlement_id,
                l.meter_id,
                l.usage_date.to_string(),
                l.usage_kind.as_str(),
                l.meter_name,
                l.meter_category,
                l.records,
                l.quantity.to_string(),
                l.unit_price.to_string(),
                l.effective_unit_price.to_string(),
                l.credit_rate.to_string(),
                l.discount.to_string(),
                l.fx_rate.to_string(),
                l.pricing_currency,
                l.pricing_total,
                l.billing_pre_tax_total,
                l.billing_currency,
                l.price_origin,
                at,
                l.list_cost,
                l.effective_cost,
            ])? as u64;
        }
    }
    tx.prepare_cached(
        "INSERT INTO rating_state (account_id, customer_id, period, usage_records, usage_fingerprint,
            price_cards, prices_fingerprint, rules, lines, refused, rated_at, input_versions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (account_id, customer_id, period) DO UPDATE SET
            usage_records = excluded.usage_records, usage_fingerprint = excluded.usage_fingerprint,
            price_cards = excluded.price_cards, prices_fingerprint = excluded.prices_fingerprint,
            rules = excluded.rules, lines = excluded.lines, refused = excluded.refused,
            rated_at = excluded.rated_at, input_versions = excluded.input_versions",
    )?
    .execute(params![
        account_id,
        state.customer_id,
        state.period,
        i64::try_from(state.usage_records).unwrap_or(i64::MAX),
        state.usage_fingerprint,
        state.price_cards,
        state.prices_fingerprint,
        state.rules,
        state.lines,
        state.refused,
        at,
        state.input_versions,
    ])?;
    tx.commit()?;
    Ok(written)
}

/// Removes a customer-period's lines and state (its usage is gone), in one transaction,
/// with its input versions when they are still `versions` (the versions read before its rows
/// were found gone; a writer that moved them since keeps them, and rating sees its rows).
pub fn clear(
    db: &mut Database,
    account_id: &str,
    customer_id: &str,
    period: &str,
    versions: Option<&super::PeriodVersions>,
) -> Result<()> {
    let tx = db
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for table in ["rated_lines", "rating_state"] {
        tx.execute(
            &format!(
                "DELETE FROM {table} WHERE account_id = ?1 AND customer_id = ?2 AND period = ?3"
            ),
            params![account_id, customer_id, period],
        )?;
    }
    if let Some(v) = versions {
        super::versions::forget(&tx, account_id, v)?;
    }
    tx.commit()?;
    Ok(())
}
