//! Commands of the Dashboard: its figures and charts, and saving a chart as SVG or PNG
//! through the system's save dialog.

use cspdesk_api::dashboard::figures::{self as dashboard};

use cspdesk_api::dashboard::dto::DashboardDto;
use cspdesk_api::{ApiError, ErrorCode};
use tauri_plugin_dialog::DialogExt;

use crate::commands::billing::SAVE_PATH_ENV;
use crate::state::AppState;

/// The Dashboard now.
#[tauri::command(async)]
pub fn dashboard_get(state: tauri::State<'_, AppState>) -> Result<DashboardDto, ApiError> {
    dashboard::dashboard(&*state.db()?, chrono::Utc::now())
}

/// Saves `svg` as `name`.svg or, with `png`, rasterised as `name`.png. `None`: the user
/// cancelled the dialog. Answers with the path written.
#[tauri::command(async)]
pub fn dashboard_save_chart<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    svg: String,
    name: String,
    png: bool,
) -> Result<Option<String>, ApiError> {
    let ext = if png { "png" } else { "svg" };
    let path = match std::env::var_os(SAVE_PATH_ENV) {
        Some(p) if !p.is_empty() => std::path::PathBuf::from(p).with_extension(ext),
        _ => match app
            .dialog()
            .file()
            .set_title("Save chart")
            .set_file_name(format!("{name}.{ext}"))
            .add_filter(ext.to_uppercase(), &[ext])
            .blocking_save_file()
            .and_then(|p| p.into_path().ok())
        {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let bytes = if png {
        dashboard::chart_png(&svg)?
    } else {
        svg.into_bytes()
    };
    std::fs::write(&path, bytes).map_err(|e| ApiError {
        code: ErrorCode::Storage,
        message: format!(
            "Could not save {}: {e}. Choose a folder you can write to.",
            path.display()
        ),
        field: Some("path".into()),
    })?;
    Ok(Some(path.display().to_string()))
}
