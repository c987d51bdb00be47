//! The Customers and Subscriptions pages' data: discovered customers of every account and
//! their subscriptions with Azure entitlements, read in one query each.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use cspdesk_store::discovered;
use cspdesk_store::markups::Scope;
use cspdesk_store::Database;
use rust_decimal::Decimal;

use crate::customers_dto::{CustomerDto, CustomerRef, EntitlementDto, SubscriptionDto};
use crate::ApiError;

/// Every discovered customer, by company name, with its rated month-to-date cost at `now`
/// (none until its usage is rated).
pub fn list(db: &Database, now: DateTime<Utc>) -> Result<Vec<CustomerDto>, ApiError> {
    let costs: HashMap<(String, String), (String, String)> = crate::rating::month_to_date(db, now)?
        .into_iter()
        .map(|c| ((c.account_id, c.customer_id), (c.cost, c.currency)))
        .collect();
    // Only customers with a markup (their own or their organization's) need their lines
    // marked up; the others resell at cost.
    let mut marked_customers = HashSet::new();
    let mut marked_orgs = HashSet::new();
    for change in cspdesk_store::markups::all(db)? {
        match change.scope {
            Scope::Customer {
                account_id,
                customer_id,
            } => {
                marked_customers.insert((account_id, customer_id));
            }
            Scope::Organization { id } => {
                marked_orgs.insert(id);
            }
        }
    }
    let mut out = Vec::new();
    for c in discovered::customers(db)? {
        let key = (c.account_id.clone(), c.id.clone());
        let cost = costs.get(&key).cloned();
        let marked = marked_customers.contains(&key)
            || c.organization_id
                .as_ref()
                .is_some_and(|o| marked_orgs.contains(o));
        let resale = match &cost {
            Some(_) if marked => crate::markups::month_to_date_resale(
                db,
                &c.account_id,
                &c.id,
                c.organization_id.as_deref(),
                now,
            )?,
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
        .map(|(c, cost, resale, margin)| CustomerDto {
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
            currency: cost.map(|(_, currency)| currency),
        })
        .collect())
}

/// Subscriptions of every customer, or of one.
pub fn subscriptions(
    db: &Database,
    customer: Option<&CustomerRef>,
) -> Result<Vec<SubscriptionDto>, ApiError> {
    let filter = customer.map(|c| (c.account_id.as_str(), c.customer_id.as_str()));
    Ok(discovered::subscriptions(db, filter)?
        .into_iter()
        .map(|s| SubscriptionDto {
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
