//! Tauri commands, one module per page. Each is a one-line call into `cspdesk_api`.

pub mod accounts;
pub mod app;
pub mod azure_stack;
pub mod billing;
pub mod cost_exports;
pub mod customers;
pub mod dashboard;
pub mod discovery;
pub mod reconciliation;
