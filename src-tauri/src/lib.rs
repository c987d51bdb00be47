//! The desktop shell: a thin Tauri adapter. It opens the database, registers one
//! command module per feature, and hands every call to the engine crates.
#![deny(missing_docs)]

mod commands;
mod launch;
mod schedule;
mod state;

use tauri::{Builder, Runtime};

/// Registers CSP Desk's state and commands on any Tauri builder (the real one, or
/// `tauri::test::mock_builder()` in tests).
pub fn setup<R: Runtime>(builder: Builder<R>, state: state::AppState) -> Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state)
        // Every #[tauri::command] in commands/, listed by build.rs (see codegen/commands.rs).
        .invoke_handler(include!(concat!(env!("OUT_DIR"), "/handler.rs")))
        .setup(|app| {
            tauri::async_runtime::spawn(schedule::keep(app.handle().clone()));
            Ok(())
        })
}

/// Starts the app: reads `--db PATH` (or `CSPDESK_DB`), opens the database and the window.
pub fn run() {
    let options = launch::Options::from_args(std::env::args_os().skip(1));
    let state = state::AppState::open(options.db.as_deref(), options.read_only);
    setup(tauri::Builder::default(), state)
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("CSP Desk could not start its window: {e}");
            std::process::exit(1);
        });
}
