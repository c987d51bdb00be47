//! The Customers and Subscriptions pages' data: discovered customers of every account and
//! their subscriptions with Azure entitlements, read in one query each.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cspdesk_store::discovered;
use cspdesk_store::Database;

use crate::customers_dto::{CustomerDto, CustomerRef, EntitlementDto, SubscriptionDto};
use crate::ApiError;

/// Every discovered customer, by company name, with its rated month-to-date cost at `now`
/// (none until its usage is rated).
pub fn list(db: &Database, now: DateTime<Utc>) -> Result<Vec<CustomerDto>, ApiError> {
    let costs: HashMap<(String, String), (String, String)> = crate::rating::month_to_date(db, now)?
        .into_iter()
        .map(|c| ((c.account_id, c.customer_id), (c.cost, c.currency)))
        .collect();
    Ok(discovered::customers(db)?
        .into_iter()
        .map(|c| {
            let cost = costs.get(&(c.account_id.clone(), c.id.clone())).cloned();
            (c, cost)
        })
        .map(|(c, cost)| CustomerDto {
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
