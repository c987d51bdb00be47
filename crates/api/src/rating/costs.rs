//! Rated cost per customer for the pages: a period's, or the month to date.

use chrono::{DateTime, Datelike, Utc};
use cspdesk_store::rated::{self};
use cspdesk_store::{accounts, Database};

use super::dto::CustomerCostDto;
use crate::shared::periods::{parse_period, period_text};
use crate::ApiError;

/// Rated cost per customer in `period` (`YYYY-MM`), of one account or all.
pub fn costs(
    db: &Database,
    account: Option<&str>,
    period: &str,
) -> Result<Vec<CustomerCostDto>, ApiError> {
    let period = period_text(&parse_period(period)?);
    let account_id = match account {
        Some(a) => Some(accounts::find(db, a)?.id),
        None => None,
    };
    Ok(of_totals(&rated::totals(
        db,
        account_id.as_deref(),
        &period,
    )?))
}

/// [`costs`] of totals already read (the open month the Customers page and the Dashboard
/// share).
pub fn of_totals(totals: &[rated::PeriodTotal]) -> Vec<CustomerCostDto> {
    totals
        .iter()
        .map(|t| CustomerCostDto {
            account_id: t.account_id.clone(),
            customer_id: t.customer_id.clone(),
            period: t.period.clone(),
            currency: t.billing_currency.clone(),
            cost: t.total.to_string(),
            azure_plan: t.azure_plan.to_string(),
            legacy: t.legacy.to_string(),
            lines: t.lines,
            rated_at: t.rated_at.clone(),
        })
        .collect()
}

/// Month-to-date cost per customer: [`costs`] of the month of `now` (UTC).
pub fn month_to_date(db: &Database, now: DateTime<Utc>) -> Result<Vec<CustomerCostDto>, ApiError> {
    costs(db, None, &format!("{:04}-{:02}", now.year(), now.month()))
}
