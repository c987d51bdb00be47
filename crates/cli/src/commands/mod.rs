//! The `cspdesk` subcommands, one folder per feature, named as in `cspdesk_api`, the app's
//! commands and the UI.
pub mod accounts;
pub mod azure_stack;
pub mod billing;
pub mod cost_exports;
pub mod customers;
pub mod discovery;
pub mod emulator;
pub mod rating;
