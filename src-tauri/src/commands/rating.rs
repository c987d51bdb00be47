//! Commands of rating, as the Reconciliation page shows it: the billing periods there is
//! something to compare in, and one period's comparison per customer.

use cspdesk_api::rating::dto::{PeriodDto, PeriodReconciliationDto};
use cspdesk_api::rating::reconcile;
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Periods with rated usage or an invoice, newest first.
#[tauri::command(async)]
pub fn rating_list_periods(state: tauri::State<'_, AppState>) -> Result<Vec<PeriodDto>, ApiError> {
    reconcile::periods(&*state.db()?)
}

/// Our rated cost against the invoice, per customer, for `period` (`YYYY-MM`), with each
/// customer's resale and margin.
#[tauri::command(async)]
pub fn rating_reconcile_period(
    state: tauri::State<'_, AppState>,
    period: String,
) -> Result<PeriodReconciliationDto, ApiError> {
    cspdesk_api::billing::reconciliation::reconcile_period(&*state.db()?, &period)
}
