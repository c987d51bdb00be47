//! The Reconciliation page's figures: rating's comparison of each customer's rated usage with
//! the invoice, plus what the customer is billed for that usage (its markups, worked out by
//! the customers feature's resale, as Customers and Billing do) and the margin over
//! Microsoft's charge, added up per currency. It lives here, above both rating and the
//! markups, because rating may not reach up to the markups.
//!
//! # Rules
//! - **Resale** of a row is its rated lines behind `rated` (Azure plan lines; a legacy-only
//!   customer's legacy lines) marked up line by line, rounded to the cent per line. The
//!   monthly fee is billed once with the invoice (Billing shows it), not with usage, and is
//!   left out. A customer without any markup resells at cost: its lines are not read.
//! - **Margin** is `resale − invoiced`: what the usage earns over Microsoft's charge for it,
//!   so a rating difference shows in it.

use std::collections::{BTreeMap, HashMap};

use cspdesk_store::rated::{self, UsageKind};
use cspdesk_store::{discovered, Database};
use rust_decimal::Decimal;

use crate::customers::resale::{line_resale, Marked};
use crate::rating::dto::{PeriodReconciliationDto, ReconciliationDto};
use crate::shared::amount_text::{amount, cents as money};
use crate::shared::periods::parse_period;
use crate::ApiError;

/// One period's reconciliation of every account ([`crate::rating::reconcile::reconcile_period`])
/// with each customer's resale and margin, and their totals per currency.
pub fn reconcile_period(db: &Database, period: &str) -> Result<PeriodReconciliationDto, ApiError> {
    let mut rec = crate::rating::reconcile::reconcile_period(db, period)?;
    let sums = add_resale(db, period, &mut rec.customers)?;
    for t in &mut rec.totals {
        let (resale, margin) = sums.get(&t.currency).copied().unwrap_or_default();
        t.resale = money(resale);
        t.margin = money(margin);
    }
    Ok(rec)
}

/// The customers of `account` (all when `None`) in `period`
/// ([`crate::rating::reconcile::reconcile`]), each with its resale and margin: what
/// `cspdesk reconcile` prints.
pub fn reconcile(
    db: &Database,
    period: &str,
    account: Option<&str>,
) -> Result<Vec<ReconciliationDto>, ApiError> {
    let mut rows = crate::rating::reconcile::reconcile(db, period, account)?;
    add_resale(db, period, &mut rows)?;
    Ok(rows)
}

/// Fills each row's resale and margin; returns their sums per currency (resale, margin).
fn add_resale(
    db: &Database,
    period: &str,
    rows: &mut [ReconciliationDto],
) -> Result<BTreeMap<String, (Decimal, Decimal)>, ApiError> {
    let billing_period = parse_period(period)?;
    let marked = Marked::load(db)?;
    let organizations: HashMap<(String, String), Option<String>> = discovered::customers(db)?
        .into_iter()
        .map(|c| ((c.account_id, c.id), c.organization_id))
        .collect();
    let mut sums: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    for row in rows {
        let Some(rated) = row.rated.as_deref() else {
            continue;
        };
        let organization = organizations
            .get(&(row.account_id.clone(), row.customer.clone()))
            .cloned()
            .flatten();
        let resale = if marked.has(&row.account_id, &row.customer, organization.as_deref()) {
            let lines = rated::lines(db, &row.account_id, &row.period, Some(&row.customer))?;
            let (azure, legacy): (Vec<_>, Vec<_>) = lines
                .into_iter()
                .partition(|l| l.usage_kind == UsageKind::AzurePlan);
            let behind = if azure.is_empty() { legacy } else { azure };
            line_resale(
                db,
                &behind,
                &row.account_id,
                &row.customer,
                organization.as_deref(),
                &billing_period,
            )?
            .into_iter()
            .sum()
        } else {
            amount(rated)
        };
        let e = sums
            .entry(row.currency.clone().unwrap_or_default())
            .or_default();
        e.0 += resale;
        row.resale = Some(money(resale));
        if let Some(invoiced) = row.invoiced.as_deref() {
            let margin = resale - amount(invoiced);
            e.1 += margin;
            row.margin = Some(money(margin));
        }
    }
    Ok(sums)
}
