//! The Customers and Subscriptions pages' data: discovered customers of every account and
//! their subscriptions with Azure entitlements, read in one query each.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Utc};
use cspdesk_rating::period::BillingPeriod;
use cspdesk_store::rated::{self, StoredRatedLine, UsageKind};
use cspdesk_store::{accounts, discovered, Database, Money};
use rust_decimal::Decimal;

use crate::customers::dto::{CustomerDto, CustomerRef, EntitlementDto, SubscriptionDto};
use crate::shared::amount_text::cents;
use crate::ApiError;

/// The open month's rated totals and savings per customer, read once for the pages that
/// show both (Customers, and the Dashboard that ranks them and adds them up): each is a pass
/// over the month's rated lines, which at preset L are millions.
pub struct OpenMonth {
    /// Rated cost per (account, customer, currency), by account and customer.
    pub totals: Vec<rated::PeriodTotal>,
    /// List, effective and billed per (account, customer, currency).
    pub savings: Vec<rated::PeriodSavings>,
}

impl OpenMonth {
    /// The month of `now` (UTC).
    pub fn read(db: &Database, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let period = format!("{:04}-{:02}", now.year(), now.month());
        Ok(Self {
            totals: rated::totals(db, None, &period)?,
            savings: rated::savings(db, None, &period)?,
        })
    }
}

/// Every discovered customer, by company name, with its rated month-to-date cost at `now`
/// (none until its usage is rated).
pub fn list(db: &Database, now: DateTime<Utc>) -> Result<Vec<CustomerDto>, ApiError> {
    list_with(db, now, &OpenMonth::read(db, now)?)
}

/// [`list`] with the open month already read.
pub fn list_with(
    db: &Database,
    now: DateTime<Utc>,
    open: &OpenMonth,
) -> Result<Vec<CustomerDto>, ApiError> {
    let costs: HashMap<(String, String), (String, String)> =
        crate::rating::costs::of_totals(&open.totals)
            .into_iter()
            .map(|c| ((c.account_id, c.customer_id), (c.cost, c.currency)))
            .collect();
    let savings: HashMap<(String, String, String), &rated::PeriodSavings> = open
        .savings
        .iter()
        .map(|s| {
            (
                (
                    s.account_id.clone(),
                    s.customer_id.clone(),
                    s.billing_currency.clone(),
                ),
                s,
            )
        })
        .collect();
    // Only customers with a markup (their own or their organization's) need their lines
    // marked up; the others resell at cost.
    let marked = crate::customers::resale::Marked::load(db)?;
    let mut exported = crate::cost_exports::costs::newest_month_per_customer(db)?;
    let mut stack = crate::azure_stack::usage::newest_month_per_customer(db, now)?;
    let mut out = Vec::new();
    for c in discovered::customers(db)? {
        let key = (c.account_id.clone(), c.id.clone());
        let cost = costs.get(&key).cloned();
        let resale = match &cost {
            Some(_) if marked.has(&c.account_id, &c.id, c.organization_id.as_deref()) => {
                crate::customers::resale::month_to_date_resale(
                    db,
                    &c.account_id,
                    &c.id,
                    c.organization_id.as_deref(),
                    now,
                )?
            }
            Some((amount, _)) => amount.parse::<Decimal>().ok(),
            None => None,
        };
        let margin = match (&cost, resale) {
            (Some((amount, _)), Some(r)) => amount.parse::<Decimal>().ok().map(|a| r - a),
            _ => None,
        };
        out.push((c, cost, resale, margin));
    }
    Ok(out
        .into_iter()
        .map(|(c, cost, resale, margin)| {
            let exported_cost = c
                .tenant_id
                .as_ref()
                .and_then(|t| exported.remove(&(c.account_id.clone(), t.to_lowercase())));
            let stack_cost = stack.remove(&(c.account_id.clone(), c.id.clone()));
            let saved = cost.as_ref().and_then(|(_, currency)| {
                savings.get(&(c.account_id.clone(), c.id.clone(), currency.clone()))
            });
            CustomerDto {
                account_id: c.account_id,
                account_name: c.account_name,
                id: c.id,
                company_name: c.company_name,
                domain: c.domain,
                tenant_id: c.tenant_id,
                relationship: c.relationship,
                reachable: c.reachable,
                subscription_count: c.subscription_count,
                organization_id: c.organization_id,
                organization_name: c.organization_name,
                month_to_date_cost: cost.as_ref().map(|(amount, _)| amount.clone()),
                month_to_date_resale: resale.map(|r| r.to_string()),
                month_to_date_margin: margin.map(|m| m.to_string()),
                month_to_date_list: saved.map(|s| cents(s.list.amount())),
                month_to_date_savings: saved.map(|s| cents(s.list.amount() - s.effective.amount())),
                exported_cost,
                stack_cost,
                currency: cost.map(|(_, currency)| currency),
            }
        })
        .collect())
}
/// A subscription's rated month to date: cost, resale (its lines marked up; the customer's
/// monthly fee belongs to no subscription) and the billing currency.
struct SubscriptionMoney {
    cost: Decimal,
    resale: Decimal,
    currency: String,
}

type SubscriptionKey = (String, String, String);

/// Rated month-to-date money per subscription of one customer, or of all.
fn subscription_money(
    db: &Database,
    filter: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> Result<HashMap<SubscriptionKey, SubscriptionMoney>, ApiError> {
    let today = now.date_naive();
    let period = BillingPeriod::calendar_month(today.year(), today.month())
        .map_err(|e| ApiError::new(crate::ErrorCode::Internal, e.to_string(), None))?;
    let key = crate::shared::periods::period_text(&period);
    let organizations: HashMap<(String, String), Option<String>> = discovered::customers(db)?
        .into_iter()
        .map(|c| ((c.account_id, c.id), c.organization_id))
        .collect();
    let account_ids: Vec<String> = match filter {
        Some((account, _)) => vec![account.to_string()],
        None => accounts::list(db)?.into_iter().map(|a| a.id).collect(),
    };
    let mut out: HashMap<SubscriptionKey, SubscriptionMoney> = HashMap::new();
    for account in account_ids {
        let mut by_customer: BTreeMap<String, Vec<StoredRatedLine>> = BTreeMap::new();
        for l in rated::lines(db, &account, &key, filter.map(|(_, c)| c))? {
            by_customer
                .entry(l.customer_id.clone())
                .or_default()
                .push(l);
        }
        for (customer, lines) in by_customer {
            let org = organizations
                .get(&(account.clone(), customer.clone()))
                .cloned()
                .flatten();
            let resale = crate::customers::resale::line_resale(
                db,
                &lines,
                &account,
                &customer,
                org.as_deref(),
                &period,
            )?;
            // Legacy cost is floored per subscription and meter for the month, as invoiced.
            let mut legacy: BTreeMap<(&str, &str), Decimal> = BTreeMap::new();
            for (l, r) in lines.iter().zip(&resale) {
                let m = out
                    .entry((account.clone(), customer.clone(), l.subscription_id.clone()))
                    .or_insert_with(|| SubscriptionMoney {
                        cost: Decimal::ZERO,
                        resale: Decimal::ZERO,
                        currency: l.billing_currency.clone(),
                    });
                m.resale += r;
                match l.usage_kind {
                    UsageKind::AzurePlan => m.cost += l.billing_pre_tax_total.amount(),
                    UsageKind::Legacy => {
                        *legacy.entry((&l.subscription_id, &l.meter_id)).or_default() +=
                            l.billing_pre_tax_total.amount()
                    }
                }
            }
            for ((sub, _), amount) in legacy {
                if let Some(m) = out.get_mut(&(account.clone(), customer.clone(), sub.to_string()))
                {
                    m.cost += Money::new(amount).floor_cents().amount();
                }
            }
        }
    }
    Ok(out)
}

/// Subscriptions of every customer, or of one, with their rated month-to-date cost, resale
/// and margin at `now` (none for a subscription without rated usage, e.g. licences).
pub fn subscriptions(
    db: &Database,
    customer: Option<&CustomerRef>,
    now: DateTime<Utc>,
) -> Result<Vec<SubscriptionDto>, ApiError> {
    let filter = customer.map(|c| (c.account_id.as_str(), c.customer_id.as_str()));
    let money = subscription_money(db, filter, now)?;
    Ok(discovered::subscriptions(db, filter)?
        .into_iter()
        .map(|s| {
            let m = money.get(&(s.account_id.clone(), s.customer_id.clone(), s.id.clone()));
            (s, m)
        })
        .map(|(s, m)| SubscriptionDto {
            month_to_date_cost: m.map(|m| m.cost.to_string()),
            month_to_date_resale: m.map(|m| m.resale.to_string()),
            month_to_date_margin: m.map(|m| (m.resale - m.cost).to_string()),
            currency: m.map(|m| m.currency.clone()),
            account_id: s.account_id,
            customer_id: s.customer_id,
            customer_name: s.customer_name,
            id: s.id,
            kind: s.kind,
            offer_id: s.offer_id,
            offer_name: s.offer_name,
            friendly_name: s.friendly_name,
            status: s.status,
            quantity: s.quantity,
            unit_type: s.unit_type,
            billing_cycle: s.billing_cycle,
            billing_type: s.billing_type,
            creation_date: s.creation_date,
            commitment_end_date: s.commitment_end_date,
            term_duration: s.term_duration,
            entitlements: s
                .entitlements
                .into_iter()
                .map(|e| EntitlementDto {
                    id: e.id,
                    friendly_name: e.friendly_name,
                    status: e.status,
                })
                .collect(),
        })
        .collect())
}
