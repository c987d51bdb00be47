//! Commands of the Accounts page.

use cspdesk_api::accounts::{self, AccountDto, NewAccount};
use cspdesk_api::ApiError;

use crate::state::AppState;

/// All partner accounts.
#[tauri::command]
pub fn list_accounts(state: tauri::State<'_, AppState>) -> Result<Vec<AccountDto>, ApiError> {
    accounts::list(&*state.db()?, chrono::Utc::now())
}

/// Adds a partner account.
#[tauri::command]
pub fn add_account(state: tauri::State<'_, AppState>, input: NewAccount) -> Result<AccountDto, ApiError> {
    accounts::add(&*state.db()?, &input, chrono::Utc::now())
}

/// Removes a partner account by id.
#[tauri::command]
pub fn remove_account(state: tauri::State<'_, AppState>, id: String) -> Result<AccountDto, ApiError> {
    accounts::remove(&*state.db()?, &id, chrono::Utc::now())
}
