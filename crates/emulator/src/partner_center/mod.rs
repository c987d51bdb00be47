//! Partner Center v1: customers, subscriptions, Azure entitlements, legacy utilization, the
//! Azure rate card, invoices and their line items (billed and unbilled), served under `/v1` and
//! also at the root so relative `links.next` URIs without `/v1` work as given.

pub mod continuation;
pub mod customers;
pub mod guard;
pub mod invoices;
pub mod line_items;
pub(crate) mod line_product;
pub mod ratecard;
pub mod subscriptions;
pub mod utilization;

use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::server::{AppState, Shared};
use crate::wire::pc_error;
use crate::world::{Customer, Relationship};

fn surface() -> Router<AppState> {
    Router::new()
        .route("/customers", get(customers::list))
        .route("/customers/{customer}", get(customers::get_one))
        .route(
            "/customers/{customer}/profiles/company",
            get(customers::company_profile),
        )
        .route(
            "/customers/{customer}/profiles/billing",
            get(customers::billing_profile),
        )
        .route(
            "/customers/{customer}/subscriptions",
            get(subscriptions::list),
        )
        .route(
            "/customers/{customer}/subscriptions/{subscription}",
            get(subscriptions::get_one),
        )
        .route(
            "/customers/{customer}/subscriptions/{subscription}/azureEntitlements",
            get(subscriptions::entitlements),
        )
        .route(
            "/customers/{customer}/subscriptions/{subscription}/utilizations/azure",
            get(utilization::list),
        )
        .route("/ratecards/azure", get(ratecard::azure))
        .route("/ratecards/azure-shared", get(ratecard::azure))
        .route("/invoices", get(invoices::list))
        .route("/invoices/{invoice}", get(invoices::get_one))
        .route("/invoices/{invoice}/lineitems", get(line_items::by_query))
        .route(
            "/invoices/{invoice}/lineitems/{provider}/{kind}",
            get(line_items::by_path),
        )
}

/// Routes under `/v1` and at the root.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().nest("/v1", surface()).merge(surface())
}

/// Resolves a customer path segment: 404 when unknown, 403/20002 without a relationship.
pub(crate) fn customer_or_error(s: &Shared, id: &str) -> Result<Customer, Response> {
    let Some(c) = s.world.customer_by_id(id) else {
        return Err(pc_error(
            StatusCode::NOT_FOUND,
            "1000",
            format!("Customer {id} was not found for this partner."),
        ));
    };
    if c.relationship == Relationship::None {
        return Err(pc_error(
            StatusCode::FORBIDDEN,
            "20002",
            format!(
                "The partner ID {} has no commerce relationship with the customer ID {id}.",
                s.world.partner.tenant_id
            ),
        ));
    }
    Ok(c)
}

/// `2026-04-15T00:00:00Z`-style date.
pub(crate) fn day_text(d: chrono::NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}
