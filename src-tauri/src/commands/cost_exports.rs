//! Commands of the Azure costs page: Cost Management export sources (the SAS URL goes to the
//! OS keyring), importing their new runs with progress, and the imported costs split per
//! customer, organization and pricing model.

use cspdesk_api::cost_exports::dto::{
    CostDatasetDto, CostImportDto, CostImportEvent, CostRowsPageDto, CostSourceDto, CostSplitDto,
    NewCostSource,
};
use cspdesk_api::cost_exports::{costs, import, sources};
use cspdesk_api::imports::runs::watched;
use cspdesk_api::ApiError;
use tauri::ipc::Channel;

use crate::state::AppState;

/// Sources of `account` (every account when `None`), with when their SAS expires.
#[tauri::command(async)]
pub fn cost_exports_list_sources(
    state: tauri::State<'_, AppState>,
    account: Option<String>,
) -> Result<Vec<CostSourceDto>, ApiError> {
    sources::list_sources(&*state.db()?, account.as_deref(), chrono::Utc::now())
}

/// Connects a source: the SAS URL is checked, then kept only in the keyring.
#[tauri::command(async)]
pub fn cost_exports_add_source(
    state: tauri::State<'_, AppState>,
    input: NewCostSource,
) -> Result<CostSourceDto, ApiError> {
    sources::add_source(&*state.db()?, &input, chrono::Utc::now())
}

/// Replaces a source's SAS URL (same container).
#[tauri::command(async)]
pub fn cost_exports_renew_source(
    state: tauri::State<'_, AppState>,
    account: String,
    source: String,
    sas_url: String,
) -> Result<CostSourceDto, ApiError> {
    sources::renew_sas(
        &*state.db()?,
        &account,
        &source,
        &sas_url,
        chrono::Utc::now(),
    )
}

/// Removes a source, its imported costs and its SAS.
#[tauri::command(async)]
pub fn cost_exports_remove_source(
    state: tauri::State<'_, AppState>,
    account: String,
    source: String,
) -> Result<CostSourceDto, ApiError> {
    sources::remove_source(&*state.db()?, &account, &source, chrono::Utc::now())
}

/// Imports the new export runs of the account's sources (or one), reporting progress through
/// `events`, off the async workers and through a connection of its own.
#[tauri::command]
pub async fn cost_exports_import(
    state: tauri::State<'_, AppState>,
    account: String,
    source: Option<String>,
    events: Channel<CostImportEvent>,
) -> Result<Vec<CostImportDto>, ApiError> {
    let path = state.db()?.path().to_path_buf();
    let imports = state.imports.clone();
    let watch = import::RunWatch {
        clock: std::sync::Arc::new(chrono::Utc::now),
        new_run: Box::new(move || watched(&imports)),
    };
    import::import_in_background(
        path,
        account,
        source,
        chrono::Utc::now(),
        move |event| {
            // A closed page just stops listening; the import goes on.
            let _ = events.send(event);
        },
        watch,
    )
    .await
}

/// Imported costs of `account` per customer, organization and pricing model.
#[tauri::command(async)]
pub fn cost_exports_get_split(
    state: tauri::State<'_, AppState>,
    account: String,
    dataset: CostDatasetDto,
    month: Option<String>,
) -> Result<CostSplitDto, ApiError> {
    costs::split(&*state.db()?, &account, dataset, month.as_deref())
}

/// A page of one customer's imported cost rows.
#[tauri::command(async)]
#[allow(clippy::too_many_arguments)] // the page's request, one argument each
pub fn cost_exports_list_rows(
    state: tauri::State<'_, AppState>,
    account: String,
    tenant: String,
    dataset: CostDatasetDto,
    month: Option<String>,
    offset: u64,
    limit: u64,
) -> Result<CostRowsPageDto, ApiError> {
    costs::customer_rows(
        &*state.db()?,
        &account,
        &tenant,
        dataset,
        month.as_deref(),
        offset,
        limit,
    )
}
