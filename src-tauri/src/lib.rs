//! The desktop shell: a thin Tauri adapter. It opens the database, registers one
//! command module per page, and hands every call to the engine crates.
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
        .invoke_handler(tauri::generate_handler![
            commands::app::app_info,
            commands::accounts::list_accounts,
            commands::accounts::add_account,
            commands::accounts::remove_account,
            commands::accounts::add_sandbox,
            commands::accounts::login_account,
            commands::accounts::cancel_login,
            commands::accounts::logout_account,
            commands::accounts::verify_sign_in,
            commands::accounts::account_settings,
            commands::accounts::update_account_settings,
            commands::discovery::discovery_statuses,
            commands::discovery::discovery_start,
            commands::discovery::discovery_stop,
            commands::discovery::discovery_runs,
            commands::discovery::discovery_watch,
            commands::discovery::discovery_schedule,
            commands::discovery::set_discovery_schedule,
            commands::customers::list_customers,
            commands::customers::list_subscriptions,
            commands::azure_stack::stack_overview,
            commands::azure_stack::stack_refresh,
            commands::azure_stack::stack_add_subscription,
            commands::azure_stack::stack_remove_subscription,
            commands::azure_stack::stack_customer_subscriptions,
            commands::azure_stack::stack_subscription_choices,
            commands::azure_stack::stack_add_customer,
            commands::azure_stack::stack_remove_customer,
            commands::azure_stack::stack_verify_customer,
            commands::cost_exports::cost_sources,
            commands::cost_exports::cost_source_add,
            commands::cost_exports::cost_source_renew,
            commands::cost_exports::cost_source_remove,
            commands::cost_exports::cost_import,
            commands::cost_exports::cost_split,
            commands::cost_exports::cost_customer_rows,
            commands::azure_stack::stack_admin_endpoints,
            commands::azure_stack::stack_set_admin_endpoint,
            commands::azure_stack::stack_import_usage,
            commands::azure_stack::stack_usage_totals,
            commands::reconciliation::list_billing_periods,
            commands::reconciliation::reconcile_period,
            commands::billing::list_invoices,
            commands::billing::list_unbilled,
            commands::billing::invoice_detail,
            commands::billing::invoice_customer_lines,
            commands::billing::invoice_customer_line_groups,
            commands::billing::export_csv,
            commands::dashboard::dashboard,
            commands::dashboard::save_chart,
            commands::customers::list_organizations,
            commands::customers::create_organization,
            commands::customers::add_organization_members,
            commands::customers::remove_organization_members,
            commands::customers::delete_organization,
            commands::customers::list_markups,
            commands::customers::get_markup,
            commands::customers::set_markup,
            commands::customers::preview_markup,
        ])
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
