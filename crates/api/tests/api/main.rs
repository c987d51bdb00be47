//! Integration tests of the operations the app and the CLI share, against a real SQLite
//! file, the real OS keyring and the in-process Microsoft emulator.

mod access;
mod azure_stack;
mod billing;
mod cost_exports;
mod dashboard;
mod endpoints;
mod feature_cycles;
mod focus;
mod graph_billing;
mod imports;
mod kept_reconciliation;
mod licence_check;
mod licence_terms;
mod lines;
mod month_prices;
mod organizations;
mod prices;
mod pricing_fetch;
mod rated_usage;
mod rating;
mod reconciliation;
mod scaled_decimals;
mod set_aside;
mod sign_in;
mod stack_usage;

/// The sandbox emulator is one per process: tests that change its Azure Stack mappings, or
/// depend on them, take turns.
pub(crate) static SANDBOX_STACK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
