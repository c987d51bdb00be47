//! The Azure Stack Hub's own admin ARM (reference §9.1), which a real operator reaches at
//! `https://adminmanagement.{region}.{fqdn}`. On loopback the emulator serves it under the
//! path prefix [`PREFIX`] of its one base URL, so the endpoint the app is given is
//! `{emulator url}/azurestack-admin` (see `RunningEmulator::stack_admin_endpoint`). Its tokens
//! carry the audience [`crate::identity::STACK_ADMIN`], bought with the endpoint's `/.default`
//! scope. Two calls: the usage of the Stack's user subscriptions
//! (`Microsoft.Commerce.Admin/subscriberUsageAggregates`, with every documented 400) and the
//! user subscriptions themselves (`Microsoft.Subscriptions.Admin/subscriptions`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Duration, NaiveDateTime, Timelike, Utc};
use serde_json::{json, Value};

use crate::server::{lock, AppState, Shared};
use crate::wire::{arm_error, json_response, num_value};
use crate::world::stack_hub::{StackHub, UsageRecord};

/// Path prefix of the Stack admin ARM on the emulator's base URL.
pub const PREFIX: &str = "/azurestack-admin";
/// api-version of `Microsoft.Commerce.Admin`.
pub const USAGE_API_VERSION: &str = "2015-06-01-preview";
/// api-version of `Microsoft.Subscriptions.Admin`.
pub const SUBSCRIPTIONS_API_VERSION: &str = "2015-11-01";
/// Usage records per page; more continue through `nextLink` with a `continuationToken`.
pub const USAGE_PAGE: usize = 1000;

type Q = Query<HashMap<String, String>>;

fn bad(code: &str, message: impl Into<String>) -> Response {
    arm_error(StatusCode::BAD_REQUEST, code, message, None)
}

/// A token for the Stack admin audience, else ARM's 401.
fn admit(s: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    crate::partner_center::guard::verify_bearer(s, headers, crate::identity::STACK_ADMIN)
        .map(|_| ())
        .map_err(|_| {
            arm_error(
                StatusCode::UNAUTHORIZED,
                "InvalidAuthenticationToken",
                "The access token is missing, expired or not for the Azure Stack Hub admin endpoint.",
                None,
            )
        })
}

fn provider_check(hub: &StackHub, sub: &str) -> Result<(), Response> {
    if hub.provider_subscription_id.eq_ignore_ascii_case(sub) {
        Ok(())
    } else {
        Err(arm_error(
            StatusCode::NOT_FOUND,
            "SubscriptionNotFound",
            format!("The subscription '{sub}' could not be found on this Azure Stack Hub."),
            None,
        ))
    }
}

fn time_param(
    q: &HashMap<String, String>,
    name: &str,
    daily: bool,
) -> Result<NaiveDateTime, Response> {
    let text = q
        .get(name)
        .ok_or_else(|| bad("InvalidProperty", format!("{name} is required.")))?;
    let t = DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc).naive_utc())
        .map_err(|_| {
            bad(
                "InvalidProperty",
                format!("{name} '{text}' is not an ISO 8601 UTC time."),
            )
        })?;
    let on_hour = t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0;
    if !on_hour || (daily && t.hour() != 0) {
        return Err(bad(
            "InvalidProperty",
            format!(
                "{name} '{text}' must be on an hour boundary{}.",
                if daily {
                    " (midnight for daily aggregation)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(t)
}

fn item(r: &UsageRecord) -> Value {
    let instance = json!({ "Microsoft.Resources": {
        "resourceUri": r.resource_uri,
        "location": r.location,
        "tags": serde_json::from_str::<Value>(&r.tags).unwrap_or(Value::Null),
        "additionalInfo": serde_json::from_str::<Value>(&r.additional_info).unwrap_or(Value::Null),
    }});
    let name = format!("{}-{}", r.subscription_id, r.meter_id);
    let stamp = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S+00:00").to_string();
    json!({
        "id": format!("/subscriptions/{}/providers/Microsoft.Commerce.Admin/UsageAggregate/{name}", r.subscription_id),
        "name": name,
        "type": "Microsoft.Commerce.Admin/UsageAggregate",
        "properties": {
            "subscriptionId": r.subscription_id,
            "usageStartTime": stamp(r.start),
            "usageEndTime": stamp(r.end),
            // A JSON document inside a string, as the Stack sends it.
            "instanceData": instance.to_string(),
            "quantity": num_value(r.quantity),
            "meterId": r.meter_id,
        }
    })
}

async fn usage(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(sub): Path<String>,
    Query(q): Q,
) -> Response {
    match usage_page(&s, &headers, &sub, &q) {
        Ok(r) | Err(r) => r,
    }
}

fn usage_page(
    s: &Shared,
    headers: &HeaderMap,
    sub: &str,
    q: &HashMap<String, String>,
) -> Result<Response, Response> {
    admit(s, headers)?;
    match q.get("api-version").map(String::as_str) {
        None => {
            return Err(bad(
                "NoApiVersion",
                "The api-version query parameter is required.",
            ))
        }
        Some(USAGE_API_VERSION) => {}
        Some(v) => {
            return Err(bad(
                "InvalidProperty",
                format!("api-version '{v}' is not supported; use {USAGE_API_VERSION}."),
            ))
        }
    }
    let hub = lock(&s.stack).hub().clone();
    provider_check(&hub, sub)?;
    let hourly = match q
        .get("aggregationGranularity")
        .map(|g| g.to_ascii_lowercase())
    {
        Some(g) if g == "daily" => false,
        Some(g) if g == "hourly" => true,
        other => {
            return Err(bad(
                "InvalidAggregationGranularity",
                format!(
                    "aggregationGranularity '{}' is not valid; use daily or hourly.",
                    other.unwrap_or_default()
                ),
            ))
        }
    };
    let start = time_param(q, "reportedStartTime", !hourly)?;
    let end = time_param(q, "reportedEndTime", !hourly)?;
    if start >= end {
        return Err(bad(
            "InvalidProperty",
            "reportedStartTime must be before reportedEndTime.",
        ));
    }
    if end >= s.clock.now().naive_utc() {
        return Err(bad(
            "RequestEndTimeIsInFuture",
            "reportedEndTime cannot be the current time or in the future.",
        ));
    }
    let subscriber = q.get("subscriberId");
    if let Some(id) = subscriber {
        if !hub
            .subscriptions
            .iter()
            .any(|u| u.id.eq_ignore_ascii_case(id))
        {
            return Err(bad(
                "SubscriberIdIsNotDirectTenant",
                format!("Subscriber '{id}' is not a direct tenant of this Azure Stack Hub."),
            ));
        }
    }
    let offset: usize = match q.get("continuationToken") {
        None => 0,
        Some(t) => t.parse().map_err(|_| {
            bad(
                "InvalidProperty",
                format!("continuationToken '{t}' is not valid."),
            )
        })?,
    };
    // Reported time is the end of the usage period: a period is in the window when it ends
    // within it and starts at or after its start.
    let mut rows = Vec::new();
    let mut day = start.date();
    while day < end.date() + Duration::days(1) {
        for u in hub
            .subscriptions
            .iter()
            .filter(|u| subscriber.is_none_or(|id| u.id.eq_ignore_ascii_case(id)))
        {
            rows.extend(
                hub.usage(&s.world, u, day, hourly)
                    .into_iter()
                    .filter(|r| r.start >= start && r.end <= end),
            );
        }
        day += Duration::days(1);
    }
    let value: Vec<Value> = rows
        .iter()
        .skip(offset)
        .take(USAGE_PAGE)
        .map(item)
        .collect();
    let mut body = json!({ "value": value });
    if offset + USAGE_PAGE < rows.len() {
        let mut next = url::Url::parse(&format!(
            "{}{PREFIX}/subscriptions/{sub}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates",
            s.base_url
        ))
        .map_err(|e| bad("InvalidProperty", e.to_string()))?;
        {
            let mut pairs = next.query_pairs_mut();
            for key in [
                "reportedStartTime",
                "reportedEndTime",
                "aggregationGranularity",
                "subscriberId",
                "api-version",
            ] {
                if let Some(v) = q.get(key) {
                    pairs.append_pair(key, v);
                }
            }
            pairs.append_pair("continuationToken", &(offset + USAGE_PAGE).to_string());
        }
        body["nextLink"] = json!(next.to_string());
    }
    Ok(json_response(StatusCode::OK, &body))
}

async fn usage_without_subscription(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(r) = admit(&s, &headers) {
        return r;
    }
    bad(
        "SubscriptionIdMissingInRequest",
        "The request has no subscription id: call /subscriptions/{subscriptionId}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates.",
    )
}

async fn user_subscriptions(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(sub): Path<String>,
    Query(q): Q,
) -> Response {
    if let Err(r) = admit(&s, &headers) {
        return r;
    }
    if let Err(r) = super::api_version(&q, &[SUBSCRIPTIONS_API_VERSION]) {
        return r;
    }
    let hub = lock(&s.stack).hub().clone();
    if let Err(r) = provider_check(&hub, &sub) {
        return r;
    }
    let value: Vec<Value> = hub
        .subscriptions
        .iter()
        .map(|u| {
            json!({
                "id": format!("/subscriptions/{sub}/providers/Microsoft.Subscriptions.Admin/subscriptions/{}", u.id),
                "subscriptionId": u.id,
                "delegatedProviderSubscriptionId": hub.provider_subscription_id,
                "displayName": u.display_name,
                "owner": u.owner,
                "tenantId": u.tenant_id,
                "routingResourceManagerType": "Default",
                "offerId": format!("/delegatedProviders/default/offers/{}", if u.owner.starts_with("operator@") { "lab" } else { "csp-tenants" }),
                "state": "Enabled",
            })
        })
        .collect();
    json_response(StatusCode::OK, &json!({ "value": value }))
}

/// api-version of `metadata/endpoints`.
pub const METADATA_API_VERSION: &str = "2015-01-01";

/// `GET {PREFIX}/metadata/endpoints` (anonymous): where the Stack's portal, gallery and
/// sign-in are, and the audience its admin ARM takes tokens for, which clients must read
/// here rather than guess from the endpoint.
async fn metadata(State(s): State<AppState>, Query(q): Q) -> Response {
    if q.get("api-version").map(String::as_str) != Some(METADATA_API_VERSION) {
        return bad(
            "NoApiVersion",
            format!("The api-version query parameter is required; use {METADATA_API_VERSION}."),
        );
    }
    let base = &s.base_url;
    json_response(
        StatusCode::OK,
        &json!({
            "galleryEndpoint": format!("{base}{PREFIX}/gallery/"),
            "graphEndpoint": "https://graph.windows.net/",
            "portalEndpoint": format!("{base}{PREFIX}/portal/"),
            "authentication": {
                "loginEndpoint": format!("{base}/"),
                "audiences": [crate::identity::STACK_ADMIN],
            },
        }),
    )
}

/// Routes of the Stack admin ARM, under [`PREFIX`].
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(&format!("{PREFIX}/metadata/endpoints"), get(metadata))
        .route(
            &format!("{PREFIX}/subscriptions/{{sub}}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates"),
            get(usage),
        )
        .route(
            &format!("{PREFIX}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates"),
            get(usage_without_subscription),
        )
        .route(
            &format!("{PREFIX}/subscriptions/{{sub}}/providers/Microsoft.Subscriptions.Admin/subscriptions"),
            get(user_subscriptions),
        )
}
