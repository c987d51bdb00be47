//! Commands of the app frame (status bar).

use cspdesk_api::accounts::app_info::{self};
use cspdesk_api::accounts::database_opening::DatabaseOpeningDto;

use cspdesk_api::accounts::dto::AppInfo;
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Version and database path.
// async: Tauri runs plain commands on the main thread, where a busy database would freeze the window.
#[tauri::command(async)]
pub fn app_get_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, ApiError> {
    app_info::describe(&*state.db()?, chrono::Utc::now())
}

/// Where opening the database stands: the window shows an upgrade of an older file until it
/// is done (every other command answers `Upgrading` meanwhile).
#[tauri::command]
pub fn app_database_state(state: tauri::State<'_, AppState>) -> DatabaseOpeningDto {
    state.opening().state(std::time::Instant::now())
}
