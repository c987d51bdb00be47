//! The CSP Desk desktop app's entry point; everything happens in `cspdesk_app::run`.
// Keeps a console window from opening next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    cspdesk_app::run();
}
