//! Commands of the Accounts page.

use cspdesk_api::accounts::settings::{self as account_settings};

use cspdesk_api::accounts::dto::AccountSettingsDto;
use cspdesk_api::accounts::dto::LoginEvent;
use cspdesk_api::accounts::dto::{AccountDto, NewAccount};
use cspdesk_api::accounts::login::{self};
use cspdesk_api::accounts::partner_accounts::{self as accounts};
use cspdesk_api::{accounts::sandbox, discovery::runs as discovery, ApiError};
use tauri::ipc::Channel;

use crate::state::AppState;

// async: Tauri runs plain commands on the main thread, where a busy database would freeze the window.

/// All partner accounts.
#[tauri::command(async)]
pub fn accounts_list(state: tauri::State<'_, AppState>) -> Result<Vec<AccountDto>, ApiError> {
    accounts::list(&*state.db()?, chrono::Utc::now())
}

/// Adds a partner account.
#[tauri::command(async)]
pub fn accounts_add(
    state: tauri::State<'_, AppState>,
    input: NewAccount,
) -> Result<AccountDto, ApiError> {
    accounts::add(&*state.db()?, &input, chrono::Utc::now())
}

/// Removes a partner account by id (stopping its Discovery run first).
#[tauri::command]
pub async fn accounts_remove(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<AccountDto, ApiError> {
    state.cancel_sign_in(&id);
    let path = state.db()?.path().to_path_buf();
    discovery::stop_and_wait(&state.discovery, &path, &id, "delete the account").await?;
    accounts::remove_by_id(&*state.db()?, &id, chrono::Utc::now())
}

/// Adds the sandbox partner (served by the embedded emulator).
#[tauri::command]
pub async fn accounts_add_sandbox(
    state: tauri::State<'_, AppState>,
) -> Result<AccountDto, ApiError> {
    let db = state.shared()?;
    let now = chrono::Utc::now();
    let account = sandbox::ensure_account(db, now).await?;
    accounts::describe(&cspdesk_api::lock(db), account, now)
}

/// "Login with Microsoft": opens the system browser and waits for the sign-in; the page
/// hears about the browser through `events` and can cancel with `accounts_cancel_login`.
#[tauri::command]
pub async fn accounts_login(
    state: tauri::State<'_, AppState>,
    id: String,
    events: Channel<LoginEvent>,
) -> Result<AccountDto, ApiError> {
    let ticket = state.begin_sign_in(&id);
    let result = login::login_with_browser(
        state.shared()?,
        &id,
        chrono::Utc::now(),
        ticket.cancel_token(),
        |url| {
            let opened = open::that_detached(url.as_str()).is_ok();
            // A closed window just stops listening; the sign-in itself goes on.
            let _ = events.send(LoginEvent::BrowserOpened {
                url: url.to_string(),
                opened,
            });
            Ok(())
        },
    )
    .await;
    state.end_sign_in(ticket);
    result
}

/// Cancels a waiting "Login with Microsoft".
#[tauri::command(async)]
pub fn accounts_cancel_login(state: tauri::State<'_, AppState>, id: String) {
    state.cancel_sign_in(&id);
}

/// Signs the account out (removes its keyring entry), stopping its Discovery run first.
#[tauri::command]
pub async fn accounts_logout(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<AccountDto, ApiError> {
    let path = state.db()?.path().to_path_buf();
    discovery::stop_and_wait(&state.discovery, &path, &id, "sign out").await?;
    login::logout(state.shared()?, &id, chrono::Utc::now())
}

/// Uses the stored sign-in once to confirm it still works (and refresh roles and lapse date).
#[tauri::command]
pub async fn accounts_verify_sign_in(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<AccountDto, ApiError> {
    login::verify(state.shared()?, &id, chrono::Utc::now()).await
}

/// The account's sign-in settings (app id, authority, API hosts).
#[tauri::command(async)]
pub fn accounts_get_settings(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<AccountSettingsDto, ApiError> {
    account_settings::get(&*state.db()?, &id)
}

/// Saves the account's sign-in settings.
#[tauri::command(async)]
pub fn accounts_set_settings(
    state: tauri::State<'_, AppState>,
    id: String,
    settings: AccountSettingsDto,
) -> Result<AccountSettingsDto, ApiError> {
    // A sign-in waiting on the old settings would store a token for the wrong app.
    state.cancel_sign_in(&id);
    account_settings::update(&*state.db()?, &id, &settings, chrono::Utc::now())
}
