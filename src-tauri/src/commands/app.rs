//! Commands of the app frame (status bar).

use cspdesk_api::app_info::{self, AppInfo};
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Version and database path.
#[tauri::command]
pub fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, ApiError> {
    Ok(app_info::describe(&*state.db()?))
}
