//! Customer list (seek paging, `starts_with` filter), get by id and profiles.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use super::continuation::{self, normalise};
use super::customer_or_error;
use super::guard::admit;
use crate::server::{AppState, Shared};
use crate::wire::{collection, json_response, link, pc_error};
use crate::world::{Customer, Relationship};

/// Default and maximum page size of the customer list (UNVERIFIED, see `docs`).
pub const CUSTOMER_PAGE: u64 = 500;

fn relationship(c: &Customer) -> &'static str {
    match c.relationship {
        Relationship::Reseller => "reseller",
        Relationship::None => "none",
    }
}

fn company_profile_json(c: &Customer) -> Value {
    json!({
        "tenantId": c.tenant_id,
        "domain": c.domain,
        "companyName": c.company_name,
        "address": {
            "country": c.country, "region": "WA", "city": "Redmond",
            "addressLine1": format!("{} Main Street", 1 + c.index), "postalCode": "98052",
            "phoneNumber": "4255550100",
        },
        "email": format!("admin@{}", c.domain),
        "links": { "self": link(&format!("/customers/{}/profiles/company", c.tenant_id), None) },
        "attributes": { "objectType": "CustomerCompanyProfile" },
    })
}

fn billing_profile_json(s: &Shared, c: &Customer) -> Value {
    let mut d = s
        .world
        .tagged(crate::entropy::tag::CUSTOMER, &[c.index as u64, 77]);
    json!({
        "id": d.guid(),
        "firstName": "Dana",
        "lastName": format!("Owner{}", c.index),
        "email": format!("billing@{}", c.domain),
        "culture": "en-US",
        "language": "en",
        "companyName": c.company_name,
        "defaultAddress": {
            "country": c.country, "city": "Redmond", "state": "WA", "addressLine1": format!("{} Main Street", 1 + c.index),
            "postalCode": "98052", "firstName": "Dana", "lastName": format!("Owner{}", c.index), "phoneNumber": "4255550100",
        },
        "links": { "self": link(&format!("/customers/{}/profiles/billing", c.tenant_id), None) },
        "attributes": { "etag": format!("\"{}\"", d.below(u64::MAX >> 1)), "objectType": "CustomerBillingProfile" },
    })
}

/// A list item is leaner than the customer resource: Microsoft's list sample carries no links,
/// no address and no email, in the item or its company profile.
fn list_item(c: &Customer) -> Value {
    json!({
        "id": c.tenant_id,
        "companyProfile": {
            "tenantId": c.tenant_id,
            "domain": c.domain,
            "companyName": c.company_name,
            "attributes": { "objectType": "CustomerCompanyProfile" },
        },
        "relationshipToPartner": relationship(c),
        "attributes": { "objectType": "Customer" },
    })
}

/// Parses the `filter` JSON (`{"Field":"CompanyName","Value":"con","Operator":"starts_with"}`).
fn filter_of(params: &continuation::Params) -> Result<Option<(String, String)>, Response> {
    let Some(raw) = params.get("filter") else {
        return Ok(None);
    };
    let v: Value = serde_json::from_str(raw).map_err(|_| {
        pc_error(
            StatusCode::BAD_REQUEST,
            "800002",
            "filter must be JSON: {\"Field\":...,\"Value\":...,\"Operator\":\"starts_with\"}",
        )
    })?;
    let field = v["Field"].as_str().unwrap_or_default().to_string();
    let value = v["Value"].as_str().unwrap_or_default().to_ascii_lowercase();
    if !v["Operator"]
        .as_str()
        .is_some_and(|o| o.eq_ignore_ascii_case("starts_with"))
    {
        return Err(pc_error(
            StatusCode::BAD_REQUEST,
            "800002",
            "Only the starts_with operator is supported.",
        ));
    }
    if !["domain", "companyname"].contains(&field.to_ascii_lowercase().as_str()) {
        return Err(pc_error(
            StatusCode::BAD_REQUEST,
            "800002",
            format!("Filtering on {field} is not supported."),
        ));
    }
    Ok(Some((field.to_ascii_lowercase(), value)))
}

/// `GET /v1/customers`.
pub(crate) async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = admit(&s, &headers, "customers", None) {
        return r;
    }
    let params = normalise(raw);
    let bound = continuation::binding("customers", &params);
    let size = match continuation::size(&params, CUSTOMER_PAGE, CUSTOMER_PAGE) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let start = match continuation::seek(&s.key, &headers, &params, &bound) {
        Ok(pos) => pos.and_then(|p| p.first().copied()).unwrap_or(0),
        Err(r) => return r,
    };
    let filter = match filter_of(&params) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut items = Vec::new();
    let mut next = None;
    for i in start..s.world.customer_count() as u64 {
        let c = s.world.customer(i as u32);
        let keep = match &filter {
            None => true,
            Some((field, value)) => {
                let text = if field == "domain" {
                    c.domain.to_ascii_lowercase()
                } else {
                    c.company_name.to_ascii_lowercase()
                };
                text.starts_with(value.as_str())
            }
        };
        if !keep {
            continue;
        }
        if items.len() as u64 == size {
            next = Some(i);
            break;
        }
        items.push(list_item(&c));
    }
    let self_uri = format!("/customers?size={size}");
    let (next_link, token) = match next {
        Some(pos) => {
            let token = continuation::issue(&s.key, &bound, &[pos]);
            let q = continuation::next_query(
                &params,
                &[("size", size.to_string()), ("seekOperation", "Next".into())],
            );
            (
                Some(link(&format!("/customers?{q}"), Some(&token))),
                Some(token),
            )
        }
        None => (None, None),
    };
    json_response(
        StatusCode::OK,
        &collection(items, &self_uri, next_link, token.as_deref()),
    )
}

/// `GET /v1/customers/{id}`.
pub(crate) async fn get_one(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    customer_view(&s, &headers, &id, |c| customer_json(&s, c))
}

/// The full customer resource (get by id carries more than list items).
fn customer_json(s: &Shared, c: &Customer) -> Value {
    json!({
        "id": c.tenant_id,
        "commerceId": c.commerce_id,
        "companyProfile": company_profile_json(c),
        "billingProfile": billing_profile_json(s, c),
        "relationshipToPartner": relationship(c),
        "allowDelegatedAccess": true,
        "associatedPartnerId": c.reseller_mpn_id,
        "customDomains": [c.domain],
        "links": { "self": link(&format!("/customers/{}", c.tenant_id), None) },
        "attributes": { "objectType": "Customer" },
    })
}

/// Serves one view of an admitted customer.
fn customer_view(
    s: &Shared,
    headers: &HeaderMap,
    id: &str,
    view: impl Fn(&Customer) -> Value,
) -> Response {
    if let Err(r) = admit(s, headers, "customers", Some(id)) {
        return r;
    }
    match customer_or_error(s, id) {
        Ok(c) => json_response(StatusCode::OK, &view(&c)),
        Err(r) => r,
    }
}

/// `GET /v1/customers/{id}/profiles/company`.
pub(crate) async fn company_profile(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    customer_view(&s, &headers, &id, company_profile_json)
}

/// `GET /v1/customers/{id}/profiles/billing`.
pub(crate) async fn billing_profile(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    customer_view(&s, &headers, &id, |c| billing_profile_json(&s, c))
}
