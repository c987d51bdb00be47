//! Microsoft's Pricing API (reference §6.3; the "Microsoft Partner" API, audience
//! `https://api.partner.microsoft.com`): the month's price sheets
//! (`sales/pricesheets(Market='{cc}',PricesheetView='{view}')/$value`, `timeline` current or
//! history with `month=YYYYMM`) and FX rates (`sales/fxrates(Month='YYYYMM')/$value`).
//!
//! Served under its own prefix ([`BASE`]), so a client whose pricing base is `{emulator}/partner/v1.0`
//! calls the paths it calls on `https://api.partner.microsoft.com/v1.0`, and nothing meets Graph's
//! `/v1.0/reports/...`. `admission` checks the token (audience, tenant, App+User, Admin agent or
//! Sales agent), `sheets` writes the CSV Microsoft's samples show (zipped when asked with
//! `Accept-Encoding: deflate`), `fx` the month's rates, `zip` the one-entry archive.

mod admission;
mod fx;
mod sheets;
mod zip;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::collections::HashMap;

use crate::server::AppState;
use crate::wire::pc_error;
use crate::world::Month;

/// Path base of the Pricing API on the emulator's origin (Microsoft's is `/v1.0` on its own host).
pub const BASE: &str = "/partner/v1.0";

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route(&format!("{BASE}/sales/{{entity}}/$value"), get(serve))
}

/// `GET {BASE}/sales/{entity}/$value`: the entity is `pricesheets(...)` or `fxrates(...)`.
async fn serve(
    State(s): State<AppState>,
    Path(entity): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = admission::admit(&s, &headers) {
        return refused;
    }
    let Some((name, args)) = entity_arguments(&entity) else {
        return bad_request(&format!("{entity} is not a resource of this API."));
    };
    let today = Month::of(s.clock.now().date_naive());
    match name.as_str() {
        "pricesheets" => sheets::serve(&s, &args, &query, &headers, today),
        "fxrates" => match args.get("month").map(|m| parse_month(m)) {
            Some(Some(month)) if month <= today => fx::serve(&s, month),
            Some(Some(_)) => bad_request("Month must not be after the current month."),
            _ => bad_request("Month must be given as YYYYMM."),
        },
        _ => bad_request(&format!("{name} is not a resource of this API.")),
    }
}

/// `name(Key='value',Other='value')` -> (lower-case name, lower-case key -> value).
fn entity_arguments(entity: &str) -> Option<(String, HashMap<String, String>)> {
    let (name, rest) = entity.split_once('(')?;
    let inner = rest.strip_suffix(')')?;
    let mut args = HashMap::new();
    for pair in inner.split(',').filter(|p| !p.trim().is_empty()) {
        let (key, value) = pair.split_once('=')?;
        let value = value.trim().strip_prefix('\'')?.strip_suffix('\'')?;
        args.insert(key.trim().to_ascii_lowercase(), value.to_string());
    }
    Some((name.trim().to_ascii_lowercase(), args))
}

/// `YYYYMM` as a month.
fn parse_month(text: &str) -> Option<Month> {
    if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = text[..4].parse().ok()?;
    let month: u32 = text[4..].parse().ok()?;
    (1..=12).contains(&month).then_some(Month { year, month })
}

/// 400 in Partner Center's error shape (Microsoft publishes no Pricing API error body).
fn bad_request(description: &str) -> Response {
    pc_error(StatusCode::BAD_REQUEST, "400", description)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entity_names_its_arguments() {
        let (name, args) =
            entity_arguments("pricesheets(Market='ad',PricesheetView='azure_consumption')")
                .unwrap();
        assert_eq!(name, "pricesheets");
        assert_eq!(args["market"], "ad");
        assert_eq!(args["pricesheetview"], "azure_consumption");
        let (name, args) = entity_arguments("fxrates(Month='201909')").unwrap();
        assert_eq!(
            (name.as_str(), args["month"].as_str()),
            ("fxrates", "201909")
        );
        assert!(entity_arguments("pricesheets(Market=ad)").is_none());
        assert_eq!(
            parse_month("202604"),
            Some(Month {
                year: 2026,
                month: 4
            })
        );
        assert_eq!(parse_month("202613"), None);
        assert_eq!(parse_month("2026-4"), None);
    }
}
