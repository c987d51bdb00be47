//! `sales/pricesheets(Market='{cc}',PricesheetView='{view}')/$value`: the month's sheet as
//! Microsoft's samples write it (every cell quoted, dates `M/D/YYYY h:mm:ss AM`), for
//! - `azure_consumption`: one row per meter, region and tier, the USD prices the emulator
//!   billed that month with (`World::month_tiers`); a meter's included quantity is a first tier
//!   at price 0, so each tier's `PricingTierRangeMin` is its first unit counted from 0, and an
//!   untiered meter leaves both range columns empty as the sample does;
//! - `updatedlicensebased`: the seat licence the emulator sells, in the market's currency;
//! - `azure_reservations`: 404. Microsoft documents the view but publishes no row or column of
//!   it, and the emulator sends no column it has not seen.
//!
//! The header of each is the published sample's (tests/fixtures/microsoft/pricing). A sheet is
//! zipped when the request says `Accept-Encoding: deflate` and the month is April 2020 or later
//! (older sheets exist only uncompressed).

use std::collections::HashMap;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::{bad_request, parse_month, zip};
use crate::entropy::fnv;
use crate::server::Shared;
use crate::wire::pc_error;
use crate::world::catalog::{self, meter_count};
use crate::world::seat_terms::SeatTerm;
use crate::world::tenancy::meter_guid;
use crate::world::{Currency, Month};

/// Header of the Azure plan consumption sheet (the "Response example" of the price sheet page).
pub const CONSUMPTION_HEADER: [&str; 18] = [
    "ProductTitle",
    "ProductId",
    "SkuId",
    "SkuTitle",
    "Publisher",
    "SkuDescription",
    "UnitOfMeasure",
    "TermDuration",
    "Market",
    "Currency",
    "UnitPrice",
    "PricingTierRangeMin",
    "PricingTierRangeMax",
    "EffectiveStartDate",
    "EffectiveEndDate",
    "MeterIds",
    "MeterType",
    "Tags",
];

/// Header of the new-commerce licence sheet ("Response example for new commerce").
pub const LICENCE_HEADER: [&str; 18] = [
    "ProductTitle",
    "ProductId",
    "SkuId",
    "SkuTitle",
    "Publisher",
    "SkuDescription",
    "UnitOfMeasure",
    "TermDuration",
    "BillingPlan",
    "Market",
    "Currency",
    "UnitPrice",
    "PricingTierRangeMin",
    "PricingTierRangeMax",
    "EffectiveStartDate",
    "EffectiveEndDate",
    "Tags",
    "ERP Price",
];

/// The first month Microsoft serves compressed sheets for.
const FIRST_ZIPPED: Month = Month {
    year: 2020,
    month: 4,
};

/// Azure regions of the generated customers' resources, and the Stack's.
const AZURE_REGIONS: [&str; 3] = ["US East", "EU West", "UK South"];
const STACK_REGION: &str = "Azure Stack";

/// One CSV line, every cell quoted, CRLF.
pub(crate) fn csv_line(cells: &[&str]) -> String {
    let mut line = String::with_capacity(cells.len() * 16);
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push('"');
        line.push_str(&cell.replace('"', "\"\""));
        line.push('"');
    }
    line.push_str("\r\n");
    line
}

/// 200 `application/octet-stream`, an attachment named `filename`.
pub(crate) fn octet_stream(body: Vec<u8>, filename: &str) -> Response {
    let mut res = (StatusCode::OK, body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename={filename}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    res
}

/// `M/D/YYYY 12:00:00 AM` (start of `day`) or `M/D/YYYY 11:59:59 PM` (its end).
fn us_date(day: NaiveDate, end_of_day: bool) -> String {
    let time = if end_of_day {
        "11:59:59 PM"
    } else {
        "12:00:00 AM"
    };
    format!("{} {time}", day.format("%-m/%-d/%Y"))
}

/// Answers one price sheet request.
pub(crate) fn serve(
    s: &Shared,
    args: &HashMap<String, String>,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    today: Month,
) -> Response {
    let market = args.get("market").map(|m| m.to_ascii_uppercase());
    let Some(market) =
        market.filter(|m| m.len() == 2 && m.bytes().all(|b| b.is_ascii_alphabetic()))
    else {
        return bad_request("Market must be a two-letter country code.");
    };
    let query: HashMap<String, &str> = query
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str()))
        .collect();
    let month = match query
        .get("timeline")
        .map(|t| t.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("current") => today,
        Some("history") => match query.get("month").map(|m| parse_month(m)) {
            Some(Some(m)) if m <= today => m,
            Some(Some(_)) => return bad_request("month must not be after the current month."),
            _ => return bad_request("month (YYYYMM) is required with timeline=history."),
        },
        Some(other) => {
            return bad_request(&format!(
                "timeline {other} is not served: use current or history."
            ))
        }
    };
    let view = args.get("pricesheetview").map(|v| v.to_ascii_lowercase());
    let (csv, filename) = match view.as_deref() {
        Some("azure_consumption") => (consumption(s, &market, month), "pricesheet"),
        Some("updatedlicensebased") => (licence(s, &market, month), "sheets.csv"),
        Some("azure_reservations") => {
            return pc_error(
                StatusCode::NOT_FOUND,
                "404",
                "No reservation price sheet is available for this market and month.",
            )
        }
        _ => return bad_request(
            "PricesheetView must be azure_consumption, azure_reservations or updatedlicensebased.",
        ),
    };
    let zipped = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("deflate"));
    if zipped && month >= FIRST_ZIPPED {
        let entry = format!("{}.csv", filename.trim_end_matches(".csv"));
        octet_stream(zip::single_entry(&entry, csv.as_bytes(), month), filename)
    } else {
        octet_stream(csv.into_bytes(), filename)
    }
}

/// The Azure plan consumption sheet of `month`.
fn consumption(s: &Shared, market: &str, month: Month) -> String {
    let tiers = s.world.month_tiers(month);
    let (start, end) = (
        us_date(month.first_day(), false),
        us_date(month.last_day(), true),
    );
    let mut out = csv_line(&CONSUMPTION_HEADER);
    for (meter, (table, included)) in tiers.iter().enumerate().take(meter_count()) {
        let m = catalog::meter(meter);
        let regions: &[&str] = if m.stack {
            &[STACK_REGION]
        } else {
            &AZURE_REGIONS
        };
        // (first unit counted from 0, last, USD price); free units first.
        let mut ranges: Vec<(String, String, String)> = Vec::new();
        if !included.is_zero() {
            ranges.push(("0".into(), included.normalize().to_string(), "0".into()));
        }
        for (i, (threshold, price)) in table.iter().enumerate() {
            let upper = table
                .get(i + 1)
                .map(|next| (next.0 + included).normalize().to_string())
                .unwrap_or_default();
            ranges.push((
                (*threshold + included).normalize().to_string(),
                upper,
                price.normalize().to_string(),
            ));
        }
        if ranges.len() == 1 {
            // An untiered meter: both range columns empty, as in Microsoft's sample.
            ranges[0].0.clear();
            ranges[0].1.clear();
        }
        let publisher = if m.third_party {
            m.category
        } else {
            "Microsoft"
        };
        let product_title = if m.subcategory.is_empty() {
            m.category.to_string()
        } else {
            format!("{} - {}", m.category, m.subcategory)
        };
        for region in regions {
            let sku_id = format!("{:04X}", (fnv(m.code) ^ fnv(region)) & 0xFFFF);
            let sku_title = format!("{} - {} - {region}", m.category, m.name);
            let meter_id = meter_guid(meter, region);
            for (min, max, price) in &ranges {
                out.push_str(&csv_line(&[
                    &product_title,
                    m.product_id,
                    &sku_id,
                    &sku_title,
                    publisher,
                    &sku_title,
                    m.unit,
                    "payG-1",
                    market,
                    "USD",
                    price,
                    min,
                    max,
                    &start,
                    &end,
                    &meter_id,
                    m.unit,
                    "Azure",
                ]));
            }
        }
    }
    out
}

/// The new-commerce licence sheet of `month` in `market`'s currency: the seat licence the
/// emulator's customers buy (line_product.rs names it the same), on a monthly and an annual
/// term (both billed monthly), at the month's prices (`World::seat_list_price`).
fn licence(s: &Shared, market: &str, month: Month) -> String {
    let currency = match market {
        "DE" | "FR" | "NL" => Currency::Eur,
        "GB" => Currency::Gbp,
        _ => Currency::Usd,
    };
    let mut out = csv_line(&LICENCE_HEADER);
    for term in [SeatTerm::Monthly, SeatTerm::Annual] {
        let price = s.world.seat_list_price(currency, month, term);
        // The sample's ERP is the partner price plus a quarter (115.2 -> 144).
        let erp = (price * rust_decimal::Decimal::new(125, 2)).round_dp(2);
        out.push_str(&csv_line(&[
            "Microsoft 365 Business Basic",
            "CFQ7TTC0LH18",
            "0001",
            "Microsoft 365 Business Basic",
            "Microsoft Corporation",
            "Microsoft 365 Business Basic",
            "",
            term.duration(),
            "Monthly",
            market,
            currency.code(),
            &price.normalize().to_string(),
            "",
            "",
            &us_date(month.first_day(), false),
            &us_date(month.last_day(), true),
            "License",
            &erp.normalize().to_string(),
        ]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture_header(file: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/microsoft/pricing/{file}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        text.lines().next().unwrap_or_default().to_string()
    }

    #[test]
    fn the_headers_are_microsofts_samples() {
        assert_eq!(
            csv_line(&CONSUMPTION_HEADER).trim_end(),
            fixture_header("azure-consumption.csv")
        );
        assert_eq!(
            csv_line(&LICENCE_HEADER).trim_end(),
            fixture_header("updatedlicensebased.csv")
        );
    }

    #[test]
    fn dates_are_written_as_the_samples_write_them() {
        let day = NaiveDate::from_ymd_opt(2018, 3, 1).unwrap();
        assert_eq!(us_date(day, false), "3/1/2018 12:00:00 AM");
        let last = NaiveDate::from_ymd_opt(9999, 11, 30).unwrap();
        assert_eq!(us_date(last, true), "11/30/9999 11:59:59 PM");
    }
}
