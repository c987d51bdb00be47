//! Microsoft's Pricing API files as Microsoft publishes them (tests/fixtures/microsoft/pricing,
//! SOURCES.md there): the documented Azure plan row gives the documented price, a sheet without
//! `UnitPrice` is refused naming it, an odd row is set aside while the rest stands.

use std::path::PathBuf;

use chrono::NaiveDate;
use cspdesk_rating::price::{
    parse_consumption_sheet, parse_fx_rates, parse_licence_sheet, PriceOrigin, SheetErrorKind,
};
use rust_decimal_macros::dec;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/microsoft/pricing")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const DOCUMENTED_METER: &str = "cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff";

#[test]
fn the_documented_consumption_row_gives_the_documented_price() {
    let sheet = parse_consumption_sheet(
        "azure-consumption.csv",
        fixture("azure-consumption.csv").as_bytes(),
    )
    .unwrap();
    assert!(sheet.set_aside.is_empty(), "{:?}", sheet.set_aside);
    let [e] = sheet.entries.as_slice() else {
        panic!("one meter: {:?}", sheet.entries)
    };
    assert_eq!(e.meter_id, DOCUMENTED_METER);
    assert_eq!(e.origin, PriceOrigin::PriceList);
    assert_eq!(e.currency, "USD");
    assert_eq!(e.effective_from, day(2018, 3, 1), "3/1/2018 12:00:00 AM");
    assert_eq!(
        e.effective_to,
        Some(day(9999, 11, 30)),
        "11/30/9999 11:59:59 PM"
    );
    // `MeterType` holds `1 Node/Month` and the tier minimum is empty: one flat tier at 15.
    assert_eq!(e.price.tiers.tiers().len(), 1);
    assert_eq!(e.price.tiers.cost(dec!(1)), dec!(15));
    assert_eq!(e.price.tiers.cost(dec!(2.5)), dec!(37.5));
}

#[test]
fn a_sheet_without_unit_price_is_refused_naming_it() {
    let text = fixture("azure-consumption.csv")
        .replace("\"UnitPrice\",", "")
        .replace("\"USD\",\"15\",", "\"USD\",");
    let err = parse_consumption_sheet("no-price.csv", text.as_bytes()).unwrap_err();
    assert_eq!(err.kind, SheetErrorKind::MissingColumn);
    assert_eq!(err.column, "UnitPrice");
    assert_eq!(err.line, 1);
    assert!(err.to_string().contains("UnitPrice"), "{err}");

    let text = fixture("updatedlicensebased.csv").replace("\"UnitPrice\",", "");
    let err = parse_licence_sheet("no-price.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        (err.column.as_str(), err.kind),
        ("UnitPrice", SheetErrorKind::MissingColumn)
    );

    let err = parse_fx_rates(
        "fx.csv",
        "201909",
        "\"CurrencyCode\",\"Month\"\n".as_bytes(),
    )
    .unwrap_err();
    assert_eq!(err.column, "USDPerUnit");
}

#[test]
fn an_odd_row_is_set_aside_and_the_sheet_stands() {
    let documented = fixture("azure-consumption.csv");
    let row = documented.lines().nth(1).unwrap();
    let other = "0c0c0c0c-0000-0000-0000-000000000001";
    let text = format!(
        "{documented}{}\n{}\n{}\n",
        row.replace("\"15\"", "\"fifteen\"").replace(DOCUMENTED_METER, other),
        row.replace("\"1 Node/Month\",\"Azure\"", "\"Reservation\",\"Azure\"")
            .replace(DOCUMENTED_METER, other),
        // Two tiers of a third meter, 1-based as the portal writes them.
        "\"x\",\"p\",\"s\",\"t\",\"Microsoft\",\"d\",\"1 GB\",\"payG-1\",\"US\",\"USD\",\"0.80\",\"101\",\"\",\"2019-09-01\",\"\",\"0c0c0c0c-0000-0000-0000-000000000002\",\"Consumption\",\"Azure\"\n\
         \"x\",\"p\",\"s\",\"t\",\"Microsoft\",\"d\",\"1 GB\",\"payG-1\",\"US\",\"USD\",\"1.00\",\"1\",\"100\",\"2019-09-01\",\"\",\"0c0c0c0c-0000-0000-0000-000000000002\",\"Consumption\",\"Azure\"",
    );
    let sheet = parse_consumption_sheet("odd.csv", text.as_bytes()).unwrap();
    let lines: Vec<(u64, &str)> = sheet
        .set_aside
        .iter()
        .map(|s| (s.line, s.column.as_str()))
        .collect();
    assert_eq!(lines, [(3, "UnitPrice"), (4, "MeterType")]);
    assert!(
        sheet.set_aside[0].reason.contains("fifteen"),
        "{:?}",
        sheet.set_aside
    );
    assert_eq!(
        sheet.entries.len(),
        2,
        "the documented meter and the tiered one"
    );
    let tiered = sheet
        .entries
        .iter()
        .find(|e| e.meter_id.ends_with("0002"))
        .unwrap();
    assert_eq!(
        tiered.price.tiers.cost(dec!(101)),
        dec!(100.80),
        "1–100 at 1.00, then 0.80"
    );
}

#[test]
fn a_meter_whose_tiers_do_not_start_at_the_first_unit_is_set_aside_whole() {
    let documented = fixture("azure-consumption.csv");
    let row = documented.lines().nth(1).unwrap();
    let text = format!(
        "{documented}{}\n",
        row.replace("\"15\",\"\",\"\"", "\"3\",\"50\",\"\"")
            .replace(DOCUMENTED_METER, "0c0c0c0c-0000-0000-0000-000000000003")
    );
    let sheet = parse_consumption_sheet("gap.csv", text.as_bytes()).unwrap();
    assert_eq!(sheet.entries.len(), 1);
    assert_eq!(sheet.set_aside.len(), 1);
    assert_eq!(sheet.set_aside[0].line, 3);
    assert_eq!(sheet.set_aside[0].column, "PricingTierRangeMin");
}

#[test]
fn the_documented_licence_row_reads_as_published() {
    let sheet = parse_licence_sheet(
        "updatedlicensebased.csv",
        fixture("updatedlicensebased.csv").as_bytes(),
    )
    .unwrap();
    assert!(sheet.set_aside.is_empty());
    let [p] = sheet.prices.as_slice() else {
        panic!("{:?}", sheet.prices)
    };
    assert_eq!(
        (p.product_id.as_str(), p.sku_id.as_str()),
        ("CFQ7TTC0HDK0", "0001")
    );
    assert_eq!(
        (p.term.as_str(), p.billing_plan.as_str()),
        ("P1Y", "Annual")
    );
    assert_eq!(p.currency, "USD");
    assert_eq!(p.unit_price, dec!(115.2));
    assert_eq!(p.erp_price, Some(dec!(144)));
    assert_eq!(p.effective_from, day(2019, 2, 1));
    assert_eq!(p.effective_to, Some(day(2021, 2, 4)), "2/4/2021 8:35:31 PM");
}

#[test]
fn the_documented_fx_rate_converts_usd() {
    let rates = parse_fx_rates("fxrates.csv", "201909", fixture("fxrates.csv").as_bytes()).unwrap();
    assert!(
        rates.set_aside.is_empty(),
        "the sample's Month `2019` is tolerated"
    );
    assert_eq!(rates.usd_per_unit["AED"], dec!(0.27224589249009701));
    // 1 / 0.27224589249009701 = 3.6731500000000006160…, half away from zero to 12 decimals.
    let fx = rates.usd_to("aed").unwrap().unwrap();
    assert_eq!(fx.rate, dec!(3.673150000000));
    assert_eq!(
        (fx.pricing_currency.as_str(), fx.billing_currency.as_str()),
        ("USD", "AED")
    );
    assert_eq!(rates.usd_to("USD").unwrap().unwrap().rate, dec!(1));
    assert!(rates.usd_to("EUR").is_none(), "no rate, no guess");

    let other_month = "\"CurrencyCode\",\"USDPerUnit\",\"Month\"\n\"EUR\",\"1.0832\",\"201910\"\n\"GBP\",\"x\",\"201909\"\n";
    let rates = parse_fx_rates("fx.csv", "201909", other_month.as_bytes()).unwrap();
    assert!(rates.usd_per_unit.is_empty());
    let why: Vec<(u64, &str)> = rates
        .set_aside
        .iter()
        .map(|s| (s.line, s.column.as_str()))
        .collect();
    assert_eq!(why, [(2, "Month"), (3, "USDPerUnit")]);
}
