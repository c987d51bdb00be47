//! Reading imported costs back, split the ways the partner bills: per customer (by
//! customerTenantId) and the customer's organization, per pricing model (reservations and
//! savings plans apart from on-demand), per month and currency, in the actual or amortized
//! view; and a page of one customer's rows. Sums are exact: decimals added in Rust from the
//! per-run totals kept at import, never SQLite's floating-point SUM.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rusqlite::params;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::{Database, Money};

use super::{bad_text, Dataset};

/// Which costs to read.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    /// The partner account (id).
    pub account_id: &'a str,
    /// Actual or amortized.
    pub dataset: Dataset,
    /// One billing month (`YYYY-MM`), or every month.
    pub month: Option<&'a str>,
}

/// An organization a customer belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OrganizationRef {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A customer's cost in one billing month and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerTotal {
    /// `YYYY-MM`.
    pub billing_month: String,
    /// customerTenantId (lower case); `None` for rows that name no customer.
    pub customer_tenant_id: Option<String>,
    /// customerName as exported.
    pub customer_name: String,
    /// The customer's organization, when it is in one.
    pub organization: Option<OrganizationRef>,
    /// billingCurrency.
    pub currency: String,
    /// Rows summed.
    pub rows: u64,
    /// Σ costInBillingCurrency.
    pub cost: Money,
    /// Σ costInBillingCurrency of Reservation and SavingsPlan rows (included in `cost`).
    pub commitment_cost: Money,
    /// Σ paygCostInBillingCurrency (what the same usage costs at retail).
    pub payg_cost: Money,
}

/// Cost of one pricing model and charge type in one billing month and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricingModelTotal {
    /// `YYYY-MM`.
    pub billing_month: String,
    /// PricingModel (`On Demand`, `Reservation`, `SavingsPlan`, `Spot`; '' when empty).
    pub pricing_model: String,
    /// chargeType.
    pub charge_type: String,
    /// billingCurrency.
    pub currency: String,
    /// Rows summed.
    pub rows: u64,
    /// Σ costInBillingCurrency.
    pub cost: Money,
}

fn decimal(text: &str) -> Result<Decimal> {
    text.parse().map_err(|_| Error::BadMoney {
        value: text.to_string(),
    })
}

/// Whether a pricing model is a commitment (reservation or savings plan).
pub fn is_commitment(pricing_model: &str) -> bool {
    matches!(pricing_model, "Reservation" | "SavingsPlan")
}

struct TotalRow {
    month: String,
    tenant: String,
    name: String,
    currency: String,
    model: String,
    charge: String,
    rows: u64,
    cost: Decimal,
    payg: Decimal,
    organization: Option<OrganizationRef>,
}

fn total_rows(db: &Database, f: &Filter<'_>) -> Result<Vec<TotalRow>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT t.billing_month, t.customer_tenant_id, t.customer_name, t.billing_currency,
                t.pricing_model, t.charge_type, t.rows, t.cost, t.payg_cost, o.id, o.name
         FROM cost_run_totals t
         JOIN cost_sources s ON s.id = t.source_id
         JOIN cost_export_runs x ON x.source_id = t.source_id AND x.run_id = t.run_id AND x.state = 'current'
         LEFT JOIN organization_members m ON m.account_id = s.account_id AND m.customer_id = t.customer_tenant_id
         LEFT JOIN organizations o ON o.id = m.organization_id
         WHERE s.account_id = ?1 AND t.dataset = ?2 AND (?3 IS NULL OR t.billing_month = ?3)",
    )?;
    let rows = stmt.query_map(params![f.account_id, f.dataset.as_str(), f.month], |r| {
        let org: (Option<String>, Option<String>) = (r.get(9)?, r.get(10)?);
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, i64>(6)?.max(0) as u64,
            r.get::<_, String>(7)?,
            r.get::<_, String>(8)?,
            match org {
                (Some(id), Some(name)) => Some(OrganizationRef { id, name }),
                _ => None,
            },
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (month, tenant, name, currency, model, charge, n, cost, payg, organization) = row?;
        out.push(TotalRow {
            month,
            tenant,
            name,
            currency,
            model,
            charge,
            rows: n,
            cost: decimal(&cost)?,
            payg: decimal(&payg)?,
            organization,
        });
    }
    Ok(out)
}

/// Cost per customer, billing month and currency, by month, then customer name.
pub fn per_customer(db: &Database, f: &Filter<'_>) -> Result<Vec<CustomerTotal>> {
    let mut by: BTreeMap<(String, String, String), CustomerTotal> = BTreeMap::new();
    for t in total_rows(db, f)? {
        let entry = by
            .entry((t.month.clone(), t.tenant.clone(), t.currency.clone()))
            .or_insert_with(|| CustomerTotal {
                billing_month: t.month.clone(),
                customer_tenant_id: (!t.tenant.is_empty()).then(|| t.tenant.clone()),
                customer_name: String::new(),
                organization: t.organization.clone(),
                currency: t.currency.clone(),
                rows: 0,
                cost: Money::ZERO,
                commitment_cost: Money::ZERO,
                payg_cost: Money::ZERO,
            });
        if entry.customer_name.is_empty() {
            entry.customer_name = t.name;
        }
        entry.rows += t.rows;
        entry.cost += Money::new(t.cost);
        entry.payg_cost += Money::new(t.payg);
        if is_commitment(&t.model) {
            entry.commitment_cost += Money::new(t.cost);
        }
    }
    let mut out: Vec<CustomerTotal> = by.into_values().collect();
    out.sort_by(|a, b| {
        (
            &a.billing_month,
            a.customer_name.to_lowercase(),
            &a.customer_tenant_id,
            &a.currency,
        )
            .cmp(&(
                &b.billing_month,
                b.customer_name.to_lowercase(),
                &b.customer_tenant_id,
                &b.currency,
            ))
    });
    Ok(out)
}

/// Cost per pricing model and charge type, billing month and currency.
pub fn per_pricing_model(db: &Database, f: &Filter<'_>) -> Result<Vec<PricingModelTotal>> {
    let mut by: BTreeMap<(String, String, String, String), (u64, Decimal)> = BTreeMap::new();
    for t in total_rows(db, f)? {
        let e = by
            .entry((t.month, t.model, t.charge, t.currency))
            .or_default();
        e.0 += t.rows;
        e.1 += t.cost;
    }
    Ok(by
        .into_iter()
        .map(
            |((billing_month, pricing_model, charge_type, currency), (rows, cost))| {
                PricingModelTotal {
                    billing_month,
                    pricing_model,
                    charge_type,
                    currency,
                    rows,
                    cost: Money::new(cost),
                }
            },
        )
        .collect())
}

/// Billing months with imported costs for the account, newest first.
pub fn months(db: &Database, account_id: &str) -> Result<Vec<String>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT DISTINCT t.billing_month FROM cost_run_totals t JOIN cost_sources s ON s.id = t.source_id
         JOIN cost_export_runs x ON x.source_id = t.source_id AND x.run_id = t.run_id AND x.state = 'current'
         WHERE s.account_id = ?1 ORDER BY t.billing_month DESC",
    )?;
    let rows = stmt.query_map([account_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One stored row as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRow {
    /// date.
    pub date: NaiveDate,
    /// invoiceId.
    pub invoice_id: Option<String>,
    /// SubscriptionId.
    pub subscription_id: Option<String>,
    /// subscriptionName.
    pub subscription_name: Option<String>,
    /// meterName.
    pub meter_name: Option<String>,
    /// meterCategory.
    pub meter_category: Option<String>,
    /// ProductName.
    pub product_name: Option<String>,
    /// chargeType.
    pub charge_type: String,
    /// PricingModel.
    pub pricing_model: Option<String>,
    /// reservationName or benefitName.
    pub benefit_name: Option<String>,
    /// quantity.
    pub quantity: Option<Decimal>,
    /// unitOfMeasure.
    pub unit_of_measure: Option<String>,
    /// effectivePrice.
    pub effective_price: Option<Decimal>,
    /// costInBillingCurrency.
    pub cost: Money,
    /// billingCurrency.
    pub currency: String,
    /// Where the row was read (source, run, blob, line): unique among the rows shown.
    pub key: String,
}

/// A page of a customer's rows and how many there are in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowsPage {
    /// Rows matching.
    pub total: u64,
    /// This page, by date then meter.
    pub rows: Vec<StoredRow>,
}

/// The rows of one customer (tenant id) in a billing month, `limit` from `offset`.
pub fn customer_rows(
    db: &Database,
    f: &Filter<'_>,
    customer_tenant_id: &str,
    offset: u64,
    limit: u64,
) -> Result<RowsPage> {
    let tenant = customer_tenant_id.trim().to_lowercase();
    let total: i64 = db.conn().query_row(
        "SELECT count(*) FROM cost_rows r JOIN cost_sources s ON s.id = r.source_id
         JOIN cost_export_runs x ON x.source_id = r.source_id AND x.run_id = r.run_id AND x.state = 'current'
         WHERE s.account_id = ?1 AND r.customer_tenant_id = ?2 AND r.dataset = ?3
           AND (?4 IS NULL OR r.billing_month = ?4)",
        params![f.account_id, tenant, f.dataset.as_str(), f.month],
        |r| r.get(0),
    )?;
    let mut stmt = db.conn().prepare_cached(
        "SELECT r.date, r.invoice_id, r.subscription_id, r.subscription_name, r.meter_name,
                r.meter_category, r.product_name, r.charge_type, r.pricing_model,
                coalesce(r.reservation_name, r.benefit_name), r.quantity, r.unit_of_measure,
                r.effective_price, r.cost, r.billing_currency,
                r.source_id || '/' || r.run_id || '/' || r.blob || '/' || r.line
         FROM cost_rows r JOIN cost_sources s ON s.id = r.source_id
         JOIN cost_export_runs x ON x.source_id = r.source_id AND x.run_id = r.run_id AND x.state = 'current'
         WHERE s.account_id = ?1 AND r.customer_tenant_id = ?2 AND r.dataset = ?3
           AND (?4 IS NULL OR r.billing_month = ?4)
         ORDER BY r.date, r.meter_name, r.source_id, r.run_id, r.blob, r.line
         LIMIT ?5 OFFSET ?6",
    )?;
    let rows = stmt.query_map(
        params![
            f.account_id,
            tenant,
            f.dataset.as_str(),
            f.month,
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
        |r| {
            let date: String = r.get(0)?;
            let dec = |i: usize| -> rusqlite::Result<Option<Decimal>> {
                let text: Option<String> = r.get(i)?;
                text.map(|t| t.parse().map_err(|_| bad_text(i, &t)))
                    .transpose()
            };
            Ok(StoredRow {
                date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|_| bad_text(0, &date))?,
                invoice_id: r.get(1)?,
                subscription_id: r.get(2)?,
                subscription_name: r.get(3)?,
                meter_name: r.get(4)?,
                meter_category: r.get(5)?,
                product_name: r.get(6)?,
                charge_type: r.get(7)?,
                pricing_model: r.get(8)?,
                benefit_name: r.get(9)?,
                quantity: dec(10)?,
                unit_of_measure: r.get(11)?,
                effective_price: dec(12)?,
                cost: Money::new(dec(13)?.unwrap_or_default()),
                currency: r.get(14)?,
                key: r.get(15)?,
            })
        },
    )?;
    Ok(RowsPage {
        total: total.max(0) as u64,
        rows: rows.collect::<rusqlite::Result<_>>()?,
    })
}
