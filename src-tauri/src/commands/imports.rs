//! Commands of the one run history: every import of an account (Discovery, cost exports,
//! Azure Stack usage) with its state, and Stop for any running one by its run id.

use cspdesk_api::imports::dto::{ImportRunDto, SetAsideItemDto};
use cspdesk_api::imports::{runs, set_aside};
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Every kind of run of `account`, newest first.
#[tauri::command(async)]
pub fn imports_list_runs(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<Vec<ImportRunDto>, ApiError> {
    runs::history(
        &state.discovery,
        &state.imports,
        &*state.db()?,
        Some(&account),
        chrono::Utc::now(),
    )
}

/// Asks run `run_id` (any kind) to stop after its current page or batch.
#[tauri::command(async)]
pub fn imports_stop(state: tauri::State<'_, AppState>, run_id: String) -> Result<(), ApiError> {
    runs::stop(&state.discovery, &state.imports, &*state.db()?, &run_id)
}

/// The items run `run_id` set aside (its warnings), with where each was and why.
#[tauri::command(async)]
pub fn imports_list_set_aside(
    state: tauri::State<'_, AppState>,
    run_id: String,
) -> Result<Vec<SetAsideItemDto>, ApiError> {
    set_aside::of_run(&*state.db()?, &run_id)
}
