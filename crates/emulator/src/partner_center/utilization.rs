//! Legacy (MS-AZR-0145P) Azure utilization records: daily quantities per resource, filtered by
//! the time usage was reported, seek-paged with `seek_operation=Next`, max 1000 per page, and
//! "data not ready" as 204 + Retry-After.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use super::continuation::{self, normalise};
use super::customer_or_error;
use super::guard::admit;
use crate::server::AppState;
use crate::wire::{json_response, link, page, pc_error, Num};
use crate::world::catalog;
use crate::world::tenancy::meter_guid;
use crate::world::PlanKind;

/// Maximum (and default) page size.
pub const UTILIZATION_PAGE: u64 = 1000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    usage_start_time: String,
    usage_end_time: String,
    resource: MeterRef,
    quantity: Num,
    unit: &'static str,
    info_fields: Empty,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_data: Option<Instance>,
    attributes: Attributes,
}

#[derive(Serialize)]
struct MeterRef {
    id: String,
    name: &'static str,
    category: &'static str,
    subcategory: &'static str,
    region: &'static str,
}

/// `{}`.
#[derive(Serialize)]
struct Empty {}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Instance {
    resource_uri: String,
    location: &'static str,
    part_number: &'static str,
    order_number: &'static str,
    tags: Box<serde_json::value::RawValue>,
    additional_info: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Attributes {
    object_type: &'static str,
}

fn parse_time(raw: Option<&String>, name: &str) -> Result<DateTime<Utc>, Response> {
    let Some(text) = raw else {
        return Err(pc_error(
            StatusCode::BAD_REQUEST,
            "800002",
            format!("{name} is required."),
        ));
    };
    // A '+' in an unencoded offset arrives as a space.
    let fixed = text.replace(' ', "+");
    DateTime::parse_from_rfc3339(&fixed)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|_| {
            pc_error(
                StatusCode::BAD_REQUEST,
                "800002",
                format!("{name} must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z."),
            )
        })
}

/// Quantity of slot `slot` of `slots` equal slots of a day (6 decimals, remainder in the last).
fn share(day_total: rust_decimal::Decimal, slot: u32, slots: u32) -> rust_decimal::Decimal {
    if slots == 1 {
        return day_total;
    }
    let each = (day_total / rust_decimal::Decimal::from(slots))
        .round_dp_with_strategy(6, rust_decimal::RoundingStrategy::ToZero);
    if slot + 1 == slots {
        day_total - each * rust_decimal::Decimal::from(slots - 1)
    } else {
        each
    }
}

fn ordinal(d: NaiveDate) -> u64 {
    (d - NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as u64
}

/// `GET /v1/customers/{c}/subscriptions/{s}/utilizations/azure`.
pub(crate) async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((cid, sid)): Path<(String, String)>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = admit(&s, &headers, "utilization", Some(&cid)) {
        return r;
    }
    let c = match customer_or_error(&s, &cid) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if c.plan == PlanKind::AzurePlan {
        let known = sid.eq_ignore_ascii_case(&c.plan_subscription_id);
        return if known {
            pc_error(StatusCode::BAD_REQUEST, "800002", "Azure utilization is not available for Azure plan subscriptions; use daily rated usage line items.")
        } else {
            pc_error(
                StatusCode::NOT_FOUND,
                "20003",
                format!("Subscription {sid} was not found."),
            )
        };
    }
    let Some(e) = (0..c.entitlement_count)
        .map(|i| s.world.entitlement(&c, i))
        .find(|e| e.pc_subscription_id.eq_ignore_ascii_case(&sid))
    else {
        return pc_error(StatusCode::NOT_FOUND, "20003", format!("Subscription {sid} was not found (use the Partner Center subscription id, not the Azure entitlement id)."));
    };
    if s.knobs().utilization_not_ready {
        let mut res = StatusCode::NO_CONTENT.into_response();
        res.headers_mut()
            .insert("retry-after", HeaderValue::from_static("10"));
        return res;
    }
    let params = normalise(raw);
    let (start, end) = match (
        parse_time(params.get("start_time"), "start_time"),
        parse_time(params.get("end_time"), "end_time"),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    if end <= start {
        return pc_error(
            StatusCode::BAD_REQUEST,
            "800002",
            "end_time must be after start_time.",
        );
    }
    let show_details = params
        .get("show_details")
        .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    let size = match continuation::size(&params, UTILIZATION_PAGE, UTILIZATION_PAGE) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let bound = continuation::binding(
        &format!(
            "utilization/{}/{}",
            c.tenant_id,
            e.pc_subscription_id.to_ascii_lowercase()
        ),
        &params,
    );
    let pos = match continuation::seek(&s.key, &headers, &params, &bound) {
        Ok(p) => p,
        Err(r) => return r,
    };
    // A day's usage is reported to billing at the start of the next day (UTC).
    let today = s.clock.today();
    let mut first = (start - Duration::days(1)).date_naive();
    if (start - Duration::days(1)).time() != chrono::NaiveTime::MIN {
        first = first.succ_opt().unwrap_or(first);
    }
    let first = first.max(c.usage_start(&s.world));
    let last = ((end - Duration::days(1)) - Duration::seconds(1))
        .date_naive()
        .min(today.pred_opt().unwrap_or(today));
    let resources: Vec<_> = (0..e.resources)
        .map(|r| s.world.resource(&c, &e, r))
        .collect();
    // Hourly splits each day's quantity into 24 records; the last hour takes the rounding rest
    // so hours always add up to the day.
    let hourly = params
        .get("granularity")
        .is_some_and(|g| g.eq_ignore_ascii_case("hourly"));
    let slots = if hourly { 24 } else { 1 };
    let (mut day, mut res_index, mut slot) = match pos {
        Some(p) if p.len() == 3 => (
            NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Duration::days(p[0] as i64),
            p[1] as usize,
            p[2] as u32,
        ),
        _ => (first, 0, 0),
    };
    let (region, location) = c.region();
    let mut items: Vec<Record> = Vec::new();
    let mut next: Option<(u64, u64, u64)> = None;
    while day <= last && !resources.is_empty() {
        if res_index >= resources.len() {
            res_index = 0;
            day = day.succ_opt().expect("date");
            continue;
        }
        if slot >= slots {
            slot = 0;
            res_index += 1;
            continue;
        }
        if items.len() as u64 == size {
            next = Some((ordinal(day), res_index as u64, slot as u64));
            break;
        }
        let r = &resources[res_index];
        let m = catalog::meter(r.meter);
        let meter_region = if m.stack { "Azure Stack" } else { region };
        let mut additional = json!({});
        if m.stack {
            additional = json!({
                "azureStack.MeterId": m.stack_meter_id,
                "azureStack.SubscriptionId": e.id,
                "azureStack.Location": "local",
                "azureStack.EventDateTime": format!("{} 06:00:00", day.format("%m/%d/%Y")),
            });
        }
        let record = Record {
            usage_start_time: format!(
                "{}T{:02}:00:00+00:00",
                day.format("%Y-%m-%d"),
                if hourly { slot } else { 0 }
            ),
            usage_end_time: if hourly && slot < 23 {
                format!("{}T{:02}:00:00+00:00", day.format("%Y-%m-%d"), slot + 1)
            } else {
                format!(
                    "{}T00:00:00+00:00",
                    day.succ_opt().expect("date").format("%Y-%m-%d")
                )
            },
            resource: MeterRef {
                id: meter_guid(r.meter, meter_region),
                name: m.name,
                category: m.category,
                subcategory: m.subcategory,
                region: meter_region,
            },
            quantity: Num(share(r.quantity(&s.world, &c, &e, day), slot, slots)),
            unit: m.unit,
            info_fields: Empty {},
            instance_data: show_details.then(|| Instance {
                resource_uri: r.uri.clone(),
                location: if m.stack { "azurestack" } else { location },
                part_number: "",
                order_number: "",
                tags: serde_json::value::RawValue::from_string(r.tags.clone()).unwrap_or_else(
                    |_| serde_json::value::to_raw_value(&json!({})).expect("empty object"),
                ),
                additional_info: additional.clone(),
            }),
            attributes: Attributes {
                object_type: "AzureUtilizationRecord",
            },
        };
        items.push(record);
        slot += 1;
    }
    let base_uri = format!(
        "/customers/{}/subscriptions/{}/utilizations/azure",
        c.tenant_id, e.pc_subscription_id
    );
    let (next_link, token) = match next {
        Some((d, r, h)) => {
            let token = continuation::issue(&s.key, &bound, &[d, r, h]);
            let q = continuation::next_query(
                &params,
                &[
                    ("size", size.to_string()),
                    ("seek_operation", "Next".into()),
                ],
            );
            (
                Some(link(&format!("{base_uri}?{q}"), Some(&token))),
                Some(token),
            )
        }
        None => (None, None),
    };
    let self_q = continuation::next_query(&params, &[("size", size.to_string())]);
    json_response(
        StatusCode::OK,
        &page(
            items,
            &format!("{base_uri}?{self_q}"),
            next_link,
            token.as_deref(),
        ),
    )
}
