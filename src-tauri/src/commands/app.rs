//! Commands of the app frame (status bar).

use cspdesk_api::accounts::app_info::{self};

use cspdesk_api::accounts::dto::AppInfo;
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Version and database path.
// async: Tauri runs plain commands on the main thread, where a busy database would freeze the window.
#[tauri::command(async)]
pub fn app_get_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, ApiError> {
    app_info::describe(&*state.db()?, chrono::Utc::now())
}
