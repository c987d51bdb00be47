//! Generates the Tauri context and the permissions of our own commands, so the
//! capability file can grant exactly the commands the UI uses.

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "list_accounts",
        "add_account",
        "remove_account",
        "add_sandbox",
        "login_account",
        "cancel_login",
        "logout_account",
        "verify_sign_in",
        "account_settings",
        "update_account_settings",
        "discovery_statuses",
        "discovery_start",
        "discovery_stop",
        "discovery_runs",
        "discovery_watch",
        "discovery_schedule",
        "set_discovery_schedule",
        "list_customers",
        "list_subscriptions",
        "list_billing_periods",
        "reconcile_period",
        "list_invoices",
        "list_unbilled",
        "invoice_detail",
        "invoice_customer_lines",
        "invoice_customer_line_groups",
        "export_csv",
        "dashboard",
        "save_chart",
        "list_organizations",
        "create_organization",
        "add_organization_members",
        "remove_organization_members",
        "delete_organization",
        "list_markups",
        "get_markup",
        "set_markup",
        "preview_markup",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .expect("tauri build script");
}
