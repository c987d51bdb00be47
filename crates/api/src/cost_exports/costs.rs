//! The imported costs split per customer, per customer organization and per pricing
//! model in the actual or amortized view, a customer's rows page by page, and the newest
//! month's figures the Customers page and the Dashboard show.

use cspdesk_store::cost_exports::sources::{self};
use cspdesk_store::cost_exports::totals::{self, Filter};
use cspdesk_store::cost_exports::Dataset;
use cspdesk_store::{accounts, Database, Money};

use super::dto::*;
use crate::shared::amount_text::cents;
use crate::{ApiError, ErrorCode};

pub(super) fn month_arg(month: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(m) = month.map(str::trim).filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_err() || m.len() != 7 {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("{m:?} is not a month: use YYYY-MM (e.g. 2026-02)"),
            Some("month"),
        ));
    }
    Ok(Some(m.to_string()))
}

pub(super) fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The imported costs of `account` in the `dataset` view, for one month or all.
pub fn split(
    db: &Database,
    account: &str,
    dataset: CostDatasetDto,
    month: Option<&str>,
) -> Result<CostSplitDto, ApiError> {
    let account = accounts::find(db, account)?;
    let month = month_arg(month)?;
    let filter = Filter {
        account_id: &account.id,
        dataset: dataset.into(),
        month: month.as_deref(),
    };
    let per_customer = totals::per_customer(db, &filter)?;
    let mut organizations: std::collections::BTreeMap<
        (String, String, String),
        (String, u32, Money),
    > = Default::default();
    for t in &per_customer {
        if let Some(org) = &t.organization {
            let e = organizations
                .entry((
                    t.billing_month.clone(),
                    org.name.to_lowercase(),
                    t.currency.clone(),
                ))
                .or_insert_with(|| (org.id.clone(), 0, Money::ZERO));
            e.1 += 1;
            e.2 += t.cost;
        }
    }
    let mut per_currency: std::collections::BTreeMap<String, (u64, Money, Money, Money)> =
        Default::default();
    for t in &per_customer {
        let e = per_currency.entry(t.currency.clone()).or_insert((
            0,
            Money::ZERO,
            Money::ZERO,
            Money::ZERO,
        ));
        e.0 += t.rows;
        e.1 += t.cost;
        e.2 += t.commitment_cost;
        e.3 += t.payg_cost;
    }
    let org_names: std::collections::HashMap<String, String> = per_customer
        .iter()
        .filter_map(|t| t.organization.as_ref())
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    Ok(CostSplitDto {
        account_id: account.id.clone(),
        dataset,
        months: totals::months(db, &account.id)?,
        month: month.clone(),
        organizations: organizations
            .into_iter()
            .map(
                |((month, _, currency), (id, customers, cost))| CostOrganizationTotalDto {
                    month,
                    organization_name: org_names.get(&id).cloned().unwrap_or_default(),
                    organization_id: id,
                    currency,
                    customers,
                    cost: cents(cost.amount()),
                },
            )
            .collect(),
        customers: per_customer
            .into_iter()
            .map(|t| CostCustomerTotalDto {
                month: t.billing_month,
                customer_tenant_id: t.customer_tenant_id,
                customer_name: t.customer_name,
                organization_id: t.organization.as_ref().map(|o| o.id.clone()),
                organization_name: t.organization.map(|o| o.name),
                currency: t.currency,
                rows: count(t.rows),
                cost: cents(t.cost.amount()),
                commitment_cost: cents(t.commitment_cost.amount()),
                payg_cost: cents(t.payg_cost.amount()),
            })
            .collect(),
        totals: per_currency
            .into_iter()
            .map(
                |(currency, (rows, cost, commitment, payg))| CostCurrencyTotalDto {
                    currency,
                    rows: count(rows),
                    cost: cents(cost.amount()),
                    commitment_cost: cents(commitment.amount()),
                    payg_cost: cents(payg.amount()),
                },
            )
            .collect(),
        pricing_models: totals::per_pricing_model(db, &filter)?
            .into_iter()
            .map(|t| CostPricingModelTotalDto {
                month: t.billing_month,
                commitment: totals::is_commitment(&t.pricing_model),
                pricing_model: t.pricing_model,
                charge_type: t.charge_type,
                currency: t.currency,
                rows: count(t.rows),
                cost: cents(t.cost.amount()),
            })
            .collect(),
    })
}

/// Most rows one page returns.
pub const MAX_PAGE: u64 = 5_000;

/// A page of the cost rows of customer `tenant` (by date) in the `dataset` view.
pub fn customer_rows(
    db: &Database,
    account: &str,
    tenant: &str,
    dataset: CostDatasetDto,
    month: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<CostRowsPageDto, ApiError> {
    let account = accounts::find(db, account)?;
    let month = month_arg(month)?;
    let page = totals::customer_rows(
        db,
        &Filter {
            account_id: &account.id,
            dataset: dataset.into(),
            month: month.as_deref(),
        },
        tenant,
        offset,
        limit.clamp(1, MAX_PAGE),
    )?;
    Ok(CostRowsPageDto {
        total: page.total,
        offset,
        rows: page
            .rows
            .into_iter()
            .map(|r| CostRowDto {
                key: r.key,
                date: r.date.format("%Y-%m-%d").to_string(),
                invoice_id: r.invoice_id,
                subscription_id: r.subscription_id,
                subscription_name: r.subscription_name,
                meter_name: r.meter_name,
                meter_category: r.meter_category,
                product_name: r.product_name,
                charge_type: r.charge_type,
                pricing_model: r.pricing_model,
                benefit_name: r.benefit_name,
                quantity: r.quantity.map(|q| q.normalize().to_string()),
                unit_of_measure: r.unit_of_measure,
                effective_price: r.effective_price.map(|p| p.normalize().to_string()),
                cost: cents(r.cost.amount()),
                currency: r.currency,
            })
            .collect(),
    })
}

/// Each account's newest imported month with its customers' actual cost (accounts with
/// sources only).
pub(super) fn newest_month_totals(
    db: &Database,
) -> Result<Vec<(String, String, Vec<totals::CustomerTotal>)>, ApiError> {
    let mut accounts: Vec<String> = sources::list(db, None)?
        .into_iter()
        .map(|s| s.account_id)
        .collect();
    accounts.sort();
    accounts.dedup();
    let mut out = Vec::new();
    for account_id in accounts {
        let Some(month) = totals::months(db, &account_id)?.into_iter().next() else {
            continue;
        };
        let filter = Filter {
            account_id: &account_id,
            dataset: Dataset::Actual,
            month: Some(&month),
        };
        let customers = totals::per_customer(db, &filter)?;
        out.push((account_id, month, customers));
    }
    Ok(out)
}

/// Each customer's actual cost in the newest month its account imported, by (account id,
/// lowercase tenant id). A customer billed in two currencies that month is left out: one
/// figure would mislead, and the Azure costs page shows both.
pub(crate) fn newest_month_per_customer(
    db: &Database,
) -> Result<std::collections::HashMap<(String, String), ExportedCostDto>, ApiError> {
    let mut out = std::collections::HashMap::new();
    let mut mixed = std::collections::HashSet::new();
    for (account_id, month, customers) in newest_month_totals(db)? {
        for t in customers {
            let Some(tenant) = t.customer_tenant_id else {
                continue;
            };
            let key = (account_id.clone(), tenant.to_lowercase());
            if out.contains_key(&key) {
                mixed.insert(key);
                continue;
            }
            out.insert(
                key,
                ExportedCostDto {
                    month: month.clone(),
                    cost: cents(t.cost.amount()),
                    currency: t.currency,
                },
            );
        }
    }
    for key in mixed {
        out.remove(&key);
    }
    Ok(out)
}

/// The customers' actual cost in one currency in the newest month imported.
pub(crate) struct ExportedMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// (customer name, cost), largest first.
    pub customers: Vec<(String, rust_decimal::Decimal)>,
}

/// Per billing currency, the customers' actual cost in the newest month imported from Cost
/// Management exports (every account with sources). For the Dashboard, whose other figures
/// come from invoices and rated usage.
pub(crate) fn newest_month_by_currency(
    db: &Database,
) -> Result<std::collections::BTreeMap<String, ExportedMonth>, ApiError> {
    let mut by: std::collections::BTreeMap<String, ExportedMonth> = Default::default();
    for (_, month, customers) in newest_month_totals(db)? {
        for t in customers {
            let entry = by
                .entry(t.currency.clone())
                .or_insert_with(|| ExportedMonth {
                    month: month.clone(),
                    customers: Vec::new(),
                });
            if entry.month < month {
                *entry = ExportedMonth {
                    month: month.clone(),
                    customers: Vec::new(),
                };
            }
            if entry.month == month {
                let name = if t.customer_name.is_empty() {
                    "(no customer)".to_string()
                } else {
                    t.customer_name
                };
                entry.customers.push((name, t.cost.amount()));
            }
        }
    }
    for e in by.values_mut() {
        e.customers
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    Ok(by)
}
