//! Commands of the Prices page: the price sheets held, a page of one sheet's rows, a meter's
//! price history, the months' FX rates. Reads only, each through its own read-only connection
//! (a 500,000-row sheet takes a moment to sort, and the rest of the app should not wait).

use cspdesk_api::prices::dto::{
    FxTableDto, MeterHistoryDto, SheetDto, SheetQueryDto, SheetRowsPageDto,
};
use cspdesk_api::prices::{history, sheets};
use cspdesk_api::ApiError;
use cspdesk_store::Database;

use crate::state::AppState;

fn reader(state: &AppState) -> Result<Database, ApiError> {
    let path = state.db()?.path().to_path_buf();
    Ok(Database::open_read_only(&path)?)
}

/// Every price sheet held for the account, newest month first.
#[tauri::command(async)]
pub fn prices_list_sheets(
    state: tauri::State<'_, AppState>,
    account_id: String,
) -> Result<Vec<SheetDto>, ApiError> {
    sheets::list_sheets(&reader(&state)?, &account_id)
}

/// A page of one sheet's rows as the grid shows them (search, sort), with the counts.
#[tauri::command(async)]
pub fn prices_list_rows(
    state: tauri::State<'_, AppState>,
    account_id: String,
    sheet_id: i64,
    query: SheetQueryDto,
    offset: u64,
    limit: u64,
) -> Result<SheetRowsPageDto, ApiError> {
    sheets::sheet_rows(
        &reader(&state)?,
        &state.sheet_views,
        &account_id,
        sheet_id,
        &query,
        offset,
        limit,
    )
}

/// A meter's unit price per month and tier, in USD and each billing currency.
#[tauri::command(async)]
pub fn prices_get_meter_history(
    state: tauri::State<'_, AppState>,
    account_id: String,
    view: Option<String>,
    meter_id: String,
) -> Result<MeterHistoryDto, ApiError> {
    history::meter_history(&reader(&state)?, &account_id, view.as_deref(), &meter_id)
}

/// The account's FX rates per month, newest first.
#[tauri::command(async)]
pub fn prices_list_fx_rates(
    state: tauri::State<'_, AppState>,
    account_id: String,
) -> Result<FxTableDto, ApiError> {
    history::fx_table(&reader(&state)?, &account_id)
}
