//! The legacy CSP Azure rate card: every meter in every market region with graduated `rates`
//! keyed by quantity threshold, included quantities, and the partner's offer terms.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::continuation::normalise;
use super::guard::admit;
use crate::server::AppState;
use crate::wire::{json_response, num_value, pc_error};
use crate::world::billing::{legacy_discount, local_price};
use crate::world::catalog::{self, meter_count};
use crate::world::tenancy::meter_guid;
use crate::world::{Currency, Month};

/// Market regions served: (display region, ARM location).
const REGIONS: &[&str] = &["US East", "EU West", "UK South"];

/// `GET /v1/ratecards/azure[?currency=EUR][&region=FR]`.
pub(crate) async fn azure(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = admit(&s, &headers, "ratecard", None) {
        return r;
    }
    let params = normalise(raw);
    let region = params
        .get("region")
        .map(|r| r.to_ascii_uppercase())
        .unwrap_or_else(|| "US".into());
    let default_currency = match region.as_str() {
        "GB" => Currency::Gbp,
        "DE" | "FR" | "NL" | "IT" | "ES" | "AT" | "BE" | "IE" => Currency::Eur,
        _ => Currency::Usd,
    };
    let currency = match params.get("currency") {
        None => default_currency,
        Some(code) => match Currency::parse(code) {
            Some(c) => c,
            None => {
                return pc_error(
                    StatusCode::BAD_REQUEST,
                    "800002",
                    format!("Currency {code} is not supported for region {region}."),
                )
            }
        },
    };
    let month = Month::of(s.clock.today());
    let fx = s.world.fx(currency, month);
    let effective = format!("{}T00:00:00Z", month.first_day().format("%Y-%m-%d"));
    let mut meters = Vec::new();
    let mut excluded = Vec::new();
    for index in 0..meter_count() {
        let m = catalog::meter(index);
        let regions: Vec<&str> = if m.stack {
            vec!["Azure Stack"]
        } else {
            REGIONS.to_vec()
        };
        for region_name in regions {
            let id = meter_guid(index, region_name);
            let mut rates = Map::new();
            for (threshold, price) in m.tier_table() {
                rates.insert(
                    threshold.normalize().to_string(),
                    num_value(local_price(price, fx)),
                );
            }
            let tags: Vec<&str> = if m.third_party {
                vec!["Third Party"]
            } else {
                vec![]
            };
            if m.third_party {
                excluded.push(id.clone());
            }
            meters.push(json!({
                "id": id,
                "name": m.name,
                "rates": Value::Object(rates),
                "tags": tags,
                "category": m.category,
                "subcategory": m.subcategory,
                "region": region_name,
                "unit": m.unit,
                "includedQuantity": num_value(m.included_quantity()),
                "effectiveDate": effective,
            }));
        }
    }
    json_response(
        StatusCode::OK,
        &json!({
            "locale": "en-US",
            "currency": currency.code(),
            "isTaxIncluded": false,
            "meters": meters,
            "offerTerms": [{
                "name": "Overage discount",
                "discount": num_value(legacy_discount()),
                "excludedMeterIds": excluded,
                "effectiveDate": effective,
            }],
            "attributes": { "objectType": "AzureRateCard" },
        }),
    )
}
