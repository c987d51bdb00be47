//! Commands of the Discovery panel (Accounts page): start, stop, watch, history, schedule.

use std::sync::Arc;

use cspdesk_api::discovery::dto::{DiscoveryEvent, DiscoveryStatusDto, RunDto, ScheduleDto};
use cspdesk_api::discovery::runs::{self as discovery, Watcher};
use cspdesk_api::ApiError;
use cspdesk_discovery::run::Trigger;
use tauri::ipc::Channel;

use crate::state::AppState;

/// Every account's Discovery panel.
#[tauri::command(async)]
pub fn discovery_list_statuses(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<DiscoveryStatusDto>, ApiError> {
    discovery::statuses(&state.discovery, &*state.db()?, chrono::Utc::now())
}

/// Starts Discovery for an account; returns once the run is recorded.
#[tauri::command]
pub async fn discovery_start(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<RunDto, ApiError> {
    let prepared = discovery::prepare(state.shared()?, &account, chrono::Utc::now()).await?;
    discovery::start(
        &state.discovery,
        prepared,
        Trigger::Manual,
        Arc::new(chrono::Utc::now),
    )
    .await
}

/// Asks an account's run to stop after its current pages.
#[tauri::command(async)]
pub fn discovery_stop(state: tauri::State<'_, AppState>, account: String) -> Result<(), ApiError> {
    let path = state.db()?.path().to_path_buf();
    discovery::stop(&state.discovery, &path, &account)
}

/// The run history of an account, newest first.
#[tauri::command(async)]
pub fn discovery_list_runs(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<Vec<RunDto>, ApiError> {
    discovery::history(
        &state.discovery,
        &*state.db()?,
        &account,
        chrono::Utc::now(),
    )
}

/// Sends every run's events (scheduled runs too) to the window over `events`.
#[tauri::command(async)]
pub fn discovery_watch(state: tauri::State<'_, AppState>, events: Channel<DiscoveryEvent>) {
    let watcher: Watcher = Arc::new(move |event: &DiscoveryEvent| {
        // A reloaded window leaves a dead channel behind; sending to it just fails.
        let _ = events.send(event.clone());
    });
    state.discovery.watch("main", watcher);
}

/// When scheduled runs start.
#[tauri::command(async)]
pub fn discovery_get_schedule(state: tauri::State<'_, AppState>) -> Result<ScheduleDto, ApiError> {
    discovery::schedule_get(&*state.db()?)
}

/// Changes when scheduled runs start.
#[tauri::command(async)]
pub fn discovery_set_schedule(
    state: tauri::State<'_, AppState>,
    schedule: ScheduleDto,
) -> Result<ScheduleDto, ApiError> {
    discovery::schedule_set(&*state.db()?, &schedule)
}
