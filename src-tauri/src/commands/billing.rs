//! Commands of the Billing page (invoices, an invoice's customers, a customer's lines and
//! rated usage) and the CSV export every table offers, through the system's save dialog.

use cspdesk_api::billing::invoices::{self as billing};

use cspdesk_api::billing::dto::InvoiceLinesPageDto;
use cspdesk_api::billing::dto::{ExportRequestDto, ExportedDto};
use cspdesk_api::billing::dto::{InvoiceDetailDto, InvoiceDto, UnbilledDto};
use cspdesk_api::billing::dto::{LineGroupDto, LineQueryDto};
use cspdesk_api::billing::export::{self};
use cspdesk_api::billing::lines::{self as customer_lines, LinesInView};
use cspdesk_api::billing::rated_lines::{self, RatedUsageDto};
use cspdesk_api::ApiError;
use cspdesk_store::Database;
use tauri_plugin_dialog::DialogExt;

use crate::state::AppState;

/// Answers the save dialog without showing it: end-to-end tests set it, since WebDriver
/// cannot reach a native dialog.
pub(crate) const SAVE_PATH_ENV: &str = "CSPDESK_SAVE_DIALOG_PATH";

/// Every invoice, newest first.
#[tauri::command(async)]
pub fn billing_list_invoices(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<InvoiceDto>, ApiError> {
    billing::invoices(&*state.db()?)
}

/// Microsoft's unbilled usage of the open periods, apart from the invoices.
#[tauri::command(async)]
pub fn billing_list_unbilled(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<UnbilledDto>, ApiError> {
    billing::unbilled(&*state.db()?)
}

/// One invoice with its customers.
#[tauri::command(async)]
pub fn billing_get_invoice(
    state: tauri::State<'_, AppState>,
    account_id: String,
    invoice_id: String,
) -> Result<InvoiceDetailDto, ApiError> {
    billing::invoice_detail(&*state.db()?, &account_id, &invoice_id)
}

/// A page of one customer's lines on an invoice as the page shows them (sort, search,
/// product), with the count and sums of what is in view. Read through its own read-only
/// connection: working out a million-line view takes a moment, and the rest of the app
/// should not wait for it.
#[tauri::command(async)]
#[allow(clippy::too_many_arguments)] // the page's request, one argument each
pub fn billing_list_lines(
    state: tauri::State<'_, AppState>,
    account_id: String,
    invoice_id: String,
    customer_id: String,
    query: LineQueryDto,
    offset: u64,
    limit: u64,
) -> Result<InvoiceLinesPageDto, ApiError> {
    let db = reader(&state)?;
    let lines = LinesInView::new(&account_id, &invoice_id, &customer_id, &query);
    customer_lines::customer_lines(&db, &state.line_views, &lines, offset, limit)
}

/// One customer's lines on an invoice added up by product.
#[tauri::command(async)]
pub fn billing_list_line_groups(
    state: tauri::State<'_, AppState>,
    account_id: String,
    invoice_id: String,
    customer_id: String,
) -> Result<Vec<LineGroupDto>, ApiError> {
    customer_lines::customer_line_groups(
        &reader(&state)?,
        &state.line_views,
        &account_id,
        &invoice_id,
        &customer_id,
    )
}

/// One customer's rated lines of a period (`YYYY-MM`) with list, effective, billed, resale
/// and savings, and their totals per currency.
#[tauri::command(async)]
pub fn billing_list_rated_lines(
    state: tauri::State<'_, AppState>,
    account_id: String,
    customer_id: String,
    period: String,
) -> Result<RatedUsageDto, ApiError> {
    rated_lines::rated_usage(&reader(&state)?, &account_id, &customer_id, &period)
}

/// A read-only connection of its own to the app's database, for long reads.
fn reader(state: &AppState) -> Result<Database, ApiError> {
    let path = state.db()?.path().to_path_buf();
    Ok(Database::open_read_only(&path)?)
}

/// Asks where to save (the system's save dialog), then writes the CSV. `None`: the user
/// cancelled the dialog. The export reads through its own read-only connection, so the app
/// stays usable while a million lines are written.
#[tauri::command(async)]
pub fn billing_export_csv<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    request: ExportRequestDto,
) -> Result<Option<ExportedDto>, ApiError> {
    let path = match std::env::var_os(SAVE_PATH_ENV) {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ => {
            let chosen = app
                .dialog()
                .file()
                .set_title("Export CSV")
                .set_file_name(export::suggested_name(&request.table))
                .add_filter("CSV", &["csv"])
                .blocking_save_file();
            match chosen.and_then(|p| p.into_path().ok()) {
                Some(p) => p,
                None => return Ok(None),
            }
        }
    };
    export::export(
        &reader(&state)?,
        &state.line_views,
        &request,
        &path,
        chrono::Utc::now(),
    )
    .map(Some)
}
