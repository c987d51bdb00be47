//! Commands of the Customers and Subscriptions pages, and customer organizations.

use cspdesk_api::customers::dto::{CustomerDto, CustomerRef, OrganizationDto, SubscriptionDto};
use cspdesk_api::customers::dto::{MarkupDto, MarkupPreviewDto, MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::organizations;
use cspdesk_api::customers::overview as customers;
use cspdesk_api::customers::{markup_preview, markups};
use cspdesk_api::ApiError;

use crate::state::AppState;

/// Every discovered customer.
#[tauri::command(async)]
pub fn customers_list(state: tauri::State<'_, AppState>) -> Result<Vec<CustomerDto>, ApiError> {
    customers::list(&*state.db()?, chrono::Utc::now())
}

/// Subscriptions of every customer, or of one.
#[tauri::command(async)]
pub fn customers_list_subscriptions(
    state: tauri::State<'_, AppState>,
    customer: Option<CustomerRef>,
) -> Result<Vec<SubscriptionDto>, ApiError> {
    customers::subscriptions(&*state.db()?, customer.as_ref(), chrono::Utc::now())
}

/// Customer organizations with their tenants.
#[tauri::command(async)]
pub fn customers_list_organizations(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<OrganizationDto>, ApiError> {
    organizations::list(&*state.db()?)
}

/// Creates an organization of `members`.
#[tauri::command(async)]
pub fn customers_create_organization(
    state: tauri::State<'_, AppState>,
    name: String,
    members: Vec<CustomerRef>,
) -> Result<OrganizationDto, ApiError> {
    organizations::create(&*state.db()?, &name, &members, chrono::Utc::now())
}

/// Adds tenants to an organization (id or name).
#[tauri::command(async)]
pub fn customers_add_members(
    state: tauri::State<'_, AppState>,
    organization: String,
    members: Vec<CustomerRef>,
) -> Result<OrganizationDto, ApiError> {
    organizations::add_members(&*state.db()?, &organization, &members, chrono::Utc::now())
}

/// Removes tenants from an organization.
#[tauri::command(async)]
pub fn customers_remove_members(
    state: tauri::State<'_, AppState>,
    organization: String,
    members: Vec<CustomerRef>,
) -> Result<OrganizationDto, ApiError> {
    organizations::remove_members(&*state.db()?, &organization, &members, chrono::Utc::now())
}

/// Deletes an organization (its tenants stay).
#[tauri::command(async)]
pub fn customers_delete_organization(
    state: tauri::State<'_, AppState>,
    organization: String,
) -> Result<(), ApiError> {
    organizations::delete(&*state.db()?, &organization, chrono::Utc::now()).map(|_| ())
}

/// Every customer and organization with a markup, as in effect today.
#[tauri::command(async)]
pub fn customers_list_markups(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<MarkupDto>, ApiError> {
    markups::list(&*state.db()?, chrono::Utc::now().date_naive())
}

/// One customer's or organization's markup, as in effect today, with its history.
#[tauri::command(async)]
pub fn customers_get_markup(
    state: tauri::State<'_, AppState>,
    target: MarkupTargetDto,
) -> Result<MarkupDto, ApiError> {
    markups::get(&*state.db()?, &target, chrono::Utc::now().date_naive())
}

/// Sets markup terms from a day.
#[tauri::command(async)]
pub fn customers_set_markup(
    state: tauri::State<'_, AppState>,
    target: MarkupTargetDto,
    terms: Vec<MarkupTermDto>,
    effective_from: chrono::NaiveDate,
) -> Result<MarkupDto, ApiError> {
    markups::set(
        &mut *state.db()?,
        &target,
        &terms,
        effective_from,
        chrono::Utc::now(),
    )
}

/// What a markup change would have done to the last closed months (nothing is saved).
#[tauri::command(async)]
pub fn customers_preview_markup(
    state: tauri::State<'_, AppState>,
    target: MarkupTargetDto,
    terms: Vec<MarkupTermDto>,
    effective_from: chrono::NaiveDate,
) -> Result<MarkupPreviewDto, ApiError> {
    markup_preview::preview(
        &*state.db()?,
        &target,
        &terms,
        effective_from,
        chrono::Utc::now(),
    )
}
