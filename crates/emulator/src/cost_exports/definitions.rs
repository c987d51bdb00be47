//! Export definition requests (`Microsoft.CostManagement/exports`): the scope a path names in
//! the partner's billing account, then list, read, create or update (with its eTag), delete,
//! run history, and handing a run to `on_demand`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::on_demand::run_now;
use super::run::ExportScope;
use super::{export_json, missing, ExportDef, ScopePath, API_VERSIONS};
use crate::arm::{admit, api_version};
use crate::server::{lock, AppState, Shared};
use crate::wire::{arm_error, json_response};
use crate::world::PlanKind;

/// Resolves the scope path to an export scope of the partner's billing account.
fn scope_of(
    s: &Shared,
    account: &str,
    profile: Option<&str>,
    customer: Option<&str>,
) -> Result<(String, ExportScope), Response> {
    let p = &s.world.partner;
    let not_found = |what: &str| {
        arm_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{what} was not found for this partner."),
            None,
        )
    };
    if account != p.billing_account_id {
        return Err(not_found(&format!("Billing account '{account}'")));
    }
    let mut key = format!("/providers/Microsoft.Billing/billingAccounts/{account}");
    if let Some(bp) = profile {
        if bp != p.billing_profile_id {
            return Err(not_found(&format!("Billing profile '{bp}'")));
        }
        key.push_str(&format!("/billingProfiles/{bp}"));
        return Ok((key, ExportScope::BillingProfile));
    }
    if let Some(c) = customer {
        let known = (0..s.world.customer_count())
            .map(|i| s.world.customer(i))
            .any(|x| x.plan == PlanKind::AzurePlan && x.tenant_id.eq_ignore_ascii_case(c));
        if !known {
            return Err(not_found(&format!("Customer '{c}'")));
        }
        key.push_str(&format!("/customers/{c}"));
        return Ok((key, ExportScope::Customer(c.to_ascii_lowercase())));
    }
    Ok((key, ExportScope::BillingAccount))
}

pub(super) async fn handle(
    s: AppState,
    method: &str,
    sp: ScopePath,
    headers: HeaderMap,
    q: HashMap<String, String>,
    body: Bytes,
    action: Option<&str>,
) -> Response {
    if let Err(r) = admit(&s, &headers) {
        return r;
    }
    if let Err(r) = api_version(&q, API_VERSIONS) {
        return r;
    }
    let (scope_key, scope) = match scope_of(
        &s,
        &sp.account,
        sp.profile.as_deref(),
        sp.customer.as_deref(),
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let expand = q
        .get("$expand")
        .is_some_and(|e| e.eq_ignore_ascii_case("runHistory"));
    let Some(name) = sp.name else {
        let store = lock(&s.exports);
        let value: Vec<Value> = store
            .defs
            .iter()
            .filter(|((k, _), _)| *k == scope_key)
            .map(|(_, d)| export_json(d, expand, s.clock.now()))
            .collect();
        return json_response(StatusCode::OK, &json!({ "value": value }));
    };
    let key = (scope_key.clone(), name.to_ascii_lowercase());
    match (method, action) {
        ("GET", None) => match lock(&s.exports).defs.get(&key) {
            Some(d) => json_response(StatusCode::OK, &export_json(d, expand, s.clock.now())),
            None => missing(&name),
        },
        ("DELETE", None) => {
            let removed = lock(&s.exports).defs.remove(&key).is_some();
            if removed {
                StatusCode::OK.into_response()
            } else {
                StatusCode::NO_CONTENT.into_response()
            }
        }
        ("PUT", None) => put(&s, key, scope_key, scope, name, &body),
        ("POST", Some("run")) => run_now(&s, &key, &headers),
        ("GET", Some("runHistory")) => match lock(&s.exports).defs.get(&key) {
            Some(d) => json_response(StatusCode::OK, &json!({ "value": d.runs })),
            None => missing(&name),
        },
        _ => arm_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The method is not allowed on this resource.",
            None,
        ),
    }
}

fn put(
    s: &Shared,
    key: (String, String),
    scope_key: String,
    scope: ExportScope,
    name: String,
    body: &[u8],
) -> Response {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            "The request body is not valid JSON.",
            None,
        );
    };
    let props = &v["properties"];
    let kind = props["definition"]["type"].as_str().unwrap_or_default();
    if !matches!(kind, "ActualCost" | "AmortizedCost" | "Usage") {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("definition.type '{kind}' is not supported by the emulator; use ActualCost, AmortizedCost or Usage."),
            Some("properties.definition.type"),
        );
    }
    if props["format"].as_str().is_some_and(|f| f != "Csv") {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Only format Csv is supported for partner cost details.",
            Some("properties.format"),
        );
    }
    if props["deliveryInfo"]["destination"]["container"]
        .as_str()
        .is_none()
    {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "deliveryInfo.destination.container is required.",
            Some("properties.deliveryInfo"),
        );
    }
    let mut store = lock(&s.exports);
    let given_etag = v["eTag"].as_str().map(|e| e.trim_matches('"').to_string());
    let (status, etag, runs) = match store.defs.get(&key) {
        Some(existing) => {
            if given_etag.as_deref() != Some(format!("{:x}", existing.etag).as_str()) {
                return arm_error(
                    StatusCode::PRECONDITION_FAILED,
                    "PreconditionFailed",
                    "Updating an export requires its current eTag in the request body.",
                    Some("eTag"),
                );
            }
            (StatusCode::OK, existing.etag + 1, existing.runs.clone())
        }
        None => (StatusCode::CREATED, 1, Vec::new()),
    };
    let mut properties = props.clone();
    // Microsoft takes the destination's `type` in the request and leaves it out of the reply.
    if let Some(dest) = properties["deliveryInfo"]["destination"].as_object_mut() {
        dest.remove("type");
    }
    let id = format!("{scope_key}/providers/Microsoft.CostManagement/exports/{name}");
    let identity = v["identity"]["type"].as_str().map(|kind| {
        let principal = crate::entropy::Draw::new(
            s.world.seed,
            &[crate::entropy::tag::REQUEST, crate::entropy::fnv(&id), 0],
        )
        .guid();
        json!({ "type": kind, "principalId": principal, "tenantId": s.world.partner.tenant_id })
    });
    let def = ExportDef {
        id,
        name,
        scope,
        properties,
        identity,
        location: v["location"].as_str().map(str::to_string),
        etag,
        runs,
    };
    let body = export_json(&def, false, s.clock.now());
    store.defs.insert(key, def);
    json_response(status, &body)
}
