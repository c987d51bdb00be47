//! Commands of the Azure Stack page: registrations and their customer subscriptions as kept,
//! and the ARM calls that read or change them; each Stack's admin endpoint, its usage imported
//! and the rated Azure Stack totals the Customers and Billing pages show.

use cspdesk_api::azure_stack::registrations::{self as azure_stack};

use cspdesk_api::azure_stack::dto::{
    AddStackCustomerDto, RegistrationRefDto, StackCustomerSubscriptionDto, StackOverviewDto,
    StackSubscriptionChoiceDto,
};
use cspdesk_api::azure_stack::dto::{
    ImportStackUsageDto, SetStackAdminEndpointDto, StackAdminEndpointDto, StackUsageImportDto,
    StackUsageTotalDto,
};
use cspdesk_api::azure_stack::usage::{self as stack_usage};
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Registrations of `account` as last read (no call to Azure).
#[tauri::command(async)]
pub fn azure_stack_get_overview(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<StackOverviewDto, ApiError> {
    azure_stack::overview(&*state.db()?, &account)
}

/// Reads the account's registrations and customer subscriptions from Azure.
#[tauri::command]
pub async fn azure_stack_refresh(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<StackOverviewDto, ApiError> {
    azure_stack::refresh(state.shared()?, &account, chrono::Utc::now()).await
}

/// Names a partner subscription holding registrations and reads them.
#[tauri::command]
pub async fn azure_stack_add_subscription(
    state: tauri::State<'_, AppState>,
    account: String,
    subscription_id: String,
) -> Result<StackOverviewDto, ApiError> {
    azure_stack::add_registration_subscription(
        state.shared()?,
        &account,
        &subscription_id,
        chrono::Utc::now(),
    )
    .await
}

/// Forgets a partner subscription (nothing changes in Azure).
#[tauri::command(async)]
pub fn azure_stack_remove_subscription(
    state: tauri::State<'_, AppState>,
    account: String,
    subscription_id: String,
) -> Result<StackOverviewDto, ApiError> {
    azure_stack::remove_registration_subscription(
        &*state.db()?,
        &account,
        &subscription_id,
        chrono::Utc::now(),
    )
}

/// Customer subscriptions of a registration as last read.
#[tauri::command(async)]
pub fn azure_stack_list_customers(
    state: tauri::State<'_, AppState>,
    account: String,
    registration: RegistrationRefDto,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    azure_stack::customer_subscriptions(&*state.db()?, &account, &registration)
}

/// Discovered customers' Azure subscriptions to pick from.
#[tauri::command(async)]
pub fn azure_stack_list_choices(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<Vec<StackSubscriptionChoiceDto>, ApiError> {
    azure_stack::subscription_choices(&*state.db()?, &account)
}

/// Adds a customer subscription to a registration through ARM.
#[tauri::command]
pub async fn azure_stack_add_customer(
    state: tauri::State<'_, AppState>,
    account: String,
    input: AddStackCustomerDto,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    azure_stack::add_customer_subscription(state.shared()?, &account, &input, chrono::Utc::now())
        .await
}

/// Removes a customer subscription from a registration through ARM.
#[tauri::command]
pub async fn azure_stack_remove_customer(
    state: tauri::State<'_, AppState>,
    account: String,
    registration: RegistrationRefDto,
    subscription_id: String,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    azure_stack::remove_customer_subscription(
        state.shared()?,
        &account,
        &registration,
        &subscription_id,
        chrono::Utc::now(),
    )
    .await
}

/// Asks Azure whether a customer subscription is still added.
#[tauri::command]
pub async fn azure_stack_verify_customer(
    state: tauri::State<'_, AppState>,
    account: String,
    registration: RegistrationRefDto,
    subscription_id: String,
) -> Result<Vec<StackCustomerSubscriptionDto>, ApiError> {
    azure_stack::verify_customer_subscription(
        state.shared()?,
        &account,
        &registration,
        &subscription_id,
        chrono::Utc::now(),
    )
    .await
}

/// The Stack admin endpoints set for `account`.
#[tauri::command(async)]
pub fn azure_stack_list_admin_endpoints(
    state: tauri::State<'_, AppState>,
    account: String,
) -> Result<Vec<StackAdminEndpointDto>, ApiError> {
    stack_usage::admin_endpoints(&*state.db()?, &account)
}

/// Sets a registration's Stack admin endpoint and Default Provider Subscription.
#[tauri::command(async)]
pub fn azure_stack_set_admin_endpoint(
    state: tauri::State<'_, AppState>,
    account: String,
    input: SetStackAdminEndpointDto,
) -> Result<Vec<StackAdminEndpointDto>, ApiError> {
    stack_usage::set_admin_endpoint(&*state.db()?, &account, &input, chrono::Utc::now())
}

/// Imports a window of daily usage from the registration's Stack.
#[tauri::command]
pub async fn azure_stack_import_usage(
    state: tauri::State<'_, AppState>,
    account: String,
    input: ImportStackUsageDto,
) -> Result<StackUsageImportDto, ApiError> {
    cspdesk_api::imports::stack_usage::import_usage_with(
        state.shared()?,
        &account,
        &input,
        chrono::Utc::now(),
        cspdesk_api::imports::runs::watched(&state.imports),
    )
    .await
}

/// Azure Stack totals per billed subscription and month (`month` = `YYYY-MM` for one).
#[tauri::command(async)]
pub fn azure_stack_list_usage_totals(
    state: tauri::State<'_, AppState>,
    account: String,
    month: Option<String>,
) -> Result<Vec<StackUsageTotalDto>, ApiError> {
    stack_usage::usage_totals(
        &*state.db()?,
        &account,
        month.as_deref(),
        chrono::Utc::now(),
    )
}
