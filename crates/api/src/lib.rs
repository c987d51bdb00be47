//! The operations the desktop app and the `cspdesk` CLI share, with the DTOs they
//! exchange. Tauri commands and CLI subcommands are one-line calls into this crate, so
//! both shells behave the same; its DTOs are the source of the UI's TypeScript types.
#![deny(missing_docs)]

pub mod access;
pub mod account_settings;
pub mod accounts;
mod amount_text;
pub mod app_info;
pub mod azure_stack;
pub mod billing;
pub mod bindings;
pub mod cost_exports;
pub mod cost_exports_run;
pub mod customer_lines;
pub mod customers;
pub mod customers_dto;
pub mod dashboard;
pub mod discovery;
pub mod discovery_dto;
mod error;
pub mod export;
pub mod focus;
pub mod import_runs;
pub mod line_view;
pub mod login;
pub mod markups;
pub mod organizations;
pub mod price_sheets;
pub mod rating;
pub mod roles;
pub mod sandbox;
pub mod scheduled;
pub mod sign_in;
pub mod stack_usage;
pub mod stack_usage_run;

pub use error::{ApiError, ErrorCode};

/// Locks the shared database for one short step. A poisoned lock only means an earlier
/// caller panicked mid-way; SQLite's transactions keep the file consistent, so carry on.
pub fn lock(
    db: &std::sync::Mutex<cspdesk_store::Database>,
) -> std::sync::MutexGuard<'_, cspdesk_store::Database> {
    db.lock().unwrap_or_else(|p| p.into_inner())
}
