//! A customer's Partner Center subscriptions (legacy 0145P, Azure plan, Microsoft 365 seats) and
//! the Azure subscriptions (entitlements) inside an Azure plan.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::guard::admit;
use super::{customer_or_error, day_text};
use crate::server::{AppState, Shared};
use crate::wire::{json_response, link, pc_error, unpaged_collection};
use crate::world::seat_terms::SeatTerm;
use crate::world::{Customer, Month, PlanKind};

/// Azure plan catalog item id.
pub const AZURE_PLAN_OFFER: &str = "DZH318Z0BPS6:0001:DZH318Z0BML6";
/// Microsoft 365 Business Basic (new commerce) catalog item id.
pub const SEATS_OFFER: &str = "CFQ7TTC0LH18:0001:CFQ7TTC0LH0R";

fn base(c: &Customer, id: &str, offer_id: &str, offer_name: &str, friendly: &str) -> Value {
    json!({
        "id": id,
        "offerId": offer_id,
        "offerName": offer_name,
        "friendlyName": friendly,
        "quantity": 1,
        "unitType": "Usage-based",
        "creationDate": day_text(c.created),
        "effectiveStartDate": day_text(c.created),
        "commitmentEndDate": "9999-12-10T00:00:00Z",
        "status": "active",
        "autoRenewEnabled": false,
        "billingType": "usage",
        "contractType": "subscription",
        "partnerId": c.reseller_mpn_id,
        "isTrial": false,
        "isMicrosoftProduct": true,
        "publisherName": "Microsoft Corporation",
        "hasPurchasableAddons": false,
        "orderId": order_id(c, id),
        "links": {
            "offer": link(&format!("/offers/{offer_id}"), None),
            "self": link(&format!("/customers/{}/subscriptions/{id}", c.tenant_id), None),
        },
        "attributes": { "etag": format!("\"{}\"", id.len() as u64 + c.index as u64), "objectType": "Subscription" },
    })
}

/// The order a subscription was bought with; the same id its billed lines carry.
pub(crate) fn order_id(c: &Customer, subscription_id: &str) -> String {
    format!("{}{:04}", &subscription_id[..8], c.index)
}

/// Keys Microsoft sends on new-commerce subscriptions (Azure plan and licences), not on legacy ones.
fn new_commerce(v: &mut Value, c: &Customer, cancellable_days: Option<i64>) {
    if let Some(days) = cancellable_days {
        v["cancellationAllowedUntilDate"] =
            json!(day_text(c.created + chrono::Duration::days(days)));
    }
    // A catalog item id is `product:sku:availability`; new-commerce subscriptions link to
    // each part instead of to a legacy offer.
    let offer = v["offerId"].as_str().unwrap_or_default().to_string();
    let mut parts = offer.split(':');
    if let (Some(product), Some(sku), Some(availability)) =
        (parts.next(), parts.next(), parts.next())
    {
        let country = &c.country;
        v["links"]["product"] = link(&format!("/products/{product}?country={country}"), None);
        v["links"]["sku"] = link(
            &format!("/products/{product}/skus/{sku}?country={country}"),
            None,
        );
        v["links"]["availability"] = link(
            &format!(
                "/products/{product}/skus/{sku}/availabilities/{availability}?country={country}"
            ),
            None,
        );
        if let Some(links) = v["links"].as_object_mut() {
            links.remove("offer");
        }
    }
    v["renewalTermDuration"] = json!("");
    v["attentionNeeded"] = json!(false);
    v["actionTaken"] = json!(false);
}

/// All PC subscriptions of a customer, in a stable order.
pub(crate) fn subscriptions_of(s: &Shared, c: &Customer) -> Vec<Value> {
    let mut out = Vec::new();
    match c.plan {
        PlanKind::Legacy => {
            for i in 0..c.entitlement_count {
                let e = s.world.entitlement(c, i);
                let mut v = base(
                    c,
                    &e.pc_subscription_id,
                    "MS-AZR-0145P",
                    "Microsoft Azure",
                    &e.friendly_name,
                );
                v["entitlementId"] = json!(e.id);
                v["billingCycle"] = json!("monthly");
                out.push(v);
            }
        }
        PlanKind::AzurePlan => {
            let mut v = base(
                c,
                &c.plan_subscription_id,
                AZURE_PLAN_OFFER,
                "Azure plan",
                "Azure plan",
            );
            v["billingCycle"] = json!("one_time");
            v["productType"] = json!({ "id": "Azure", "displayName": "Azure" });
            new_commerce(&mut v, c, None);
            out.push(v);
        }
    }
    if c.license_seats > 0 {
        let mut v = base(
            c,
            &c.license_subscription_id,
            SEATS_OFFER,
            "Microsoft 365 Business Basic",
            "Microsoft 365 Business Basic",
        );
        v["quantity"] = json!(c.license_seats);
        v["unitType"] = json!("Licenses");
        v["billingType"] = json!("license");
        v["billingCycle"] = json!("monthly");
        let term = c.seat_term();
        v["termDuration"] = json!(term.duration());
        v["commitmentEndDate"] = json!(day_text(match term {
            SeatTerm::Monthly => c.created + chrono::Duration::days(30),
            // The current year's end: the start month's term.
            SeatTerm::Annual => {
                let start_month = Month::of(s.world.epoch).next().next().next();
                s.world.seat_term_of(c, start_month).1
            }
        }));
        v["autoRenewEnabled"] = json!(true);
        v["productType"] = json!({ "id": "OnlineServicesNCE", "displayName": "OnlineServicesNCE" });
        new_commerce(&mut v, c, Some(7));
        out.push(v);
    }
    out
}

fn admitted(s: &Shared, headers: &HeaderMap, id: &str) -> Result<Customer, Response> {
    admit(s, headers, "subscriptions", Some(id))?;
    customer_or_error(s, id)
}

/// `GET /v1/customers/{id}/subscriptions`.
pub(crate) async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let c = match admitted(&s, &headers, &id) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let items = subscriptions_of(&s, &c);
    json_response(StatusCode::OK, &unpaged_collection(items))
}

fn find(s: &Shared, c: &Customer, sub: &str) -> Result<Value, Response> {
    subscriptions_of(s, c)
        .into_iter()
        .find(|v| {
            v["id"]
                .as_str()
                .is_some_and(|x| x.eq_ignore_ascii_case(sub))
        })
        .ok_or_else(|| {
            pc_error(
                StatusCode::NOT_FOUND,
                "20003",
                format!(
                    "Subscription {sub} was not found for customer {}.",
                    c.tenant_id
                ),
            )
        })
}

/// `GET /v1/customers/{id}/subscriptions/{sub}`.
pub(crate) async fn get_one(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, sub)): Path<(String, String)>,
) -> Response {
    let c = match admitted(&s, &headers, &id) {
        Ok(c) => c,
        Err(r) => return r,
    };
    match find(&s, &c, &sub) {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(r) => r,
    }
}

/// `GET /v1/customers/{id}/subscriptions/{sub}/azureEntitlements`.
pub(crate) async fn entitlements(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((id, sub)): Path<(String, String)>,
) -> Response {
    let c = match admitted(&s, &headers, &id) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Err(r) = find(&s, &c, &sub) {
        return r;
    }
    let items: Vec<Value> =
        if c.plan == PlanKind::AzurePlan && sub.eq_ignore_ascii_case(&c.plan_subscription_id) {
            (0..c.entitlement_count)
                .map(|i| {
                    let e = s.world.entitlement(&c, i);
                    json!({
                        "id": e.id,
                        "friendlyName": e.friendly_name,
                        "status": "active",
                        "subscriptionId": c.plan_subscription_id,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };
    json_response(StatusCode::OK, &unpaged_collection(items))
}
