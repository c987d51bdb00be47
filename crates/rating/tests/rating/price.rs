//! Price files and the price book: every reader yields the same tier table for the same
//! prices, rejects a bad row naming file, line and column, and the book honours effective
//! dates and source precedence.

use chrono::NaiveDate;
use cspdesk_rating::price::{
    parse_partner_price_sheet, parse_price_list, parse_rate_card, parse_retail_prices,
    retail_entries, PriceBook, PriceBookError, PriceEntry, PriceLookup, PriceOrigin,
    PriceSheetError, RateCard, RateCardMeter, SheetErrorKind,
};
use cspdesk_rating::tiers::{Tier, TierTable};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::june;

const METER: &str = "9995d93a-7d35-4d3f-9c69-7a7fea447ef4";

fn two_tiers() -> TierTable {
    TierTable::new(
        vec![
            Tier::new(dec!(0), dec!(1.00)),
            Tier::new(dec!(100), dec!(0.80)),
        ],
        Decimal::ZERO,
    )
    .unwrap()
}

fn only(entries: Vec<PriceEntry>) -> PriceEntry {
    assert_eq!(entries.len(), 1, "expected one entry: {entries:#?}");
    entries.into_iter().next().unwrap()
}

fn at(e: &PriceSheetError) -> (&str, u64, &str, SheetErrorKind) {
    (e.file.as_str(), e.line, e.column.as_str(), e.kind)
}

// ---- partner price sheet ---------------------------------------------------------------

#[test]
fn partner_sheet_reads_tiers_in_the_rate_card_convention() {
    let csv = format!(
        "\u{feff}MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n\
         {m},100,0.80,usd,2024-06-01\n\
         {M},0,1.00,USD,2024-06-01\n",
        m = METER,
        M = METER.to_uppercase()
    );
    let e = only(parse_partner_price_sheet("sheet.csv", csv.as_bytes()).unwrap());
    assert_eq!(e.origin, PriceOrigin::PartnerSheet);
    assert_eq!((e.meter_id.as_str(), e.currency.as_str()), (METER, "USD"));
    assert_eq!(e.effective_from, june(1));
    assert_eq!(
        e.price.tiers,
        two_tiers(),
        "rows in any order, ids in any case"
    );
    assert_eq!(e.price.tiers.cost(dec!(101)), dec!(100.80));
}

#[test]
fn partner_sheet_columns_in_any_order_and_case_extra_ignored() {
    let csv = format!(
        "currency, effectivefrom ,Note,UNITPRICE,meterid,tierstart\nEUR,2024-06-01,hello,0.5,{METER},0\n"
    );
    let e = only(parse_partner_price_sheet("s.csv", csv.as_bytes()).unwrap());
    assert_eq!(e.price.tiers.tiers(), &[Tier::new(dec!(0), dec!(0.5))]);
}

#[test]
fn partner_sheet_names_the_bad_cell() {
    let header = "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n";
    let cases = [
        (
            format!("{METER},0,1.0e2,USD,2024-06-01\n"),
            "UnitPrice",
            SheetErrorKind::Decimal,
        ),
        (
            format!("{METER},0,\"1,00\",USD,2024-06-01\n"),
            "UnitPrice",
            SheetErrorKind::Decimal,
        ),
        (
            format!("{METER},0,1.00,US,2024-06-01\n"),
            "Currency",
            SheetErrorKind::Currency,
        ),
        (
            format!("{METER},0,1.00,USD,01/06/2024\n"),
            "EffectiveFrom",
            SheetErrorKind::Date,
        ),
        (
            ",0,1.00,USD,2024-06-01\n".to_string(),
            "MeterId",
            SheetErrorKind::Empty,
        ),
        (
            format!("{METER},,1.00,USD,2024-06-01\n"),
            "TierStart",
            SheetErrorKind::Empty,
        ),
        (
            format!("{METER},0,-1.00,USD,2024-06-01\n"),
            "UnitPrice",
            SheetErrorKind::Tier,
        ),
    ];
    for (row, column, kind) in cases {
        let text = format!("{header}{METER},0,1.00,USD,2024-05-01\n{row}");
        let err = parse_partner_price_sheet("prices/partner.csv", text.as_bytes()).unwrap_err();
        assert_eq!(
            at(&err),
            ("prices/partner.csv", 3, column, kind),
            "row {row:?}: {err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("prices/partner.csv, line 3, column {column}: ")),
            "the message names file, line and column: {err}"
        );
    }
}

#[test]
fn partner_sheet_missing_column_and_first_tier_not_zero() {
    let err =
        parse_partner_price_sheet("p.csv", "MeterId,TierStart,UnitPrice,Currency\n".as_bytes())
            .unwrap_err();
    assert_eq!(
        at(&err),
        ("p.csv", 1, "EffectiveFrom", SheetErrorKind::MissingColumn)
    );

    let text = format!(
        "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n{METER},10,1,USD,2024-06-01\n"
    );
    let err = parse_partner_price_sheet("p.csv", text.as_bytes()).unwrap_err();
    assert_eq!(at(&err), ("p.csv", 2, "TierStart", SheetErrorKind::Tier));
}

#[test]
fn partner_sheet_conflicting_duplicate_names_the_later_line() {
    let text = format!(
        "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n\
         {METER},0,1.00,USD,2024-06-01\n\
         {METER},0,1.00,USD,2024-06-01\n\
         {METER},0,1.10,USD,2024-06-01\n"
    );
    let err = parse_partner_price_sheet("p.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        at(&err),
        ("p.csv", 4, "UnitPrice", SheetErrorKind::Conflict),
        "{err}"
    );
}

#[test]
fn a_quoted_multiline_cell_keeps_line_numbers_right() {
    let text = format!(
        "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom,Note\n\
         {METER},0,1.00,USD,2024-06-01,\"two\nlines\"\n\
         {METER},100,x,USD,2024-06-01,\n"
    );
    let err = parse_partner_price_sheet("p.csv", text.as_bytes()).unwrap_err();
    assert_eq!(at(&err), ("p.csv", 4, "UnitPrice", SheetErrorKind::Decimal));
}

#[test]
fn ragged_csv_is_malformed_with_its_line() {
    let text = format!("MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n{METER},0,1.00,USD\n");
    let err = parse_partner_price_sheet("p.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        (err.line, err.kind),
        (2, SheetErrorKind::Malformed),
        "{err}"
    );
}

// ---- Azure plan price list --------------------------------------------------------------

const PRICE_LIST_HEADER: &str = "ProductTitle,ProductId,SkuId,SkuTitle,Publisher,SkuDescription,UnitOfMeasure,TermDuration,Market,Currency,UnitPrice,PricingTierRangeMin,PricingTierRangeMax,EffectiveStartDate,EffectiveEndDate,MeterIds,MeterType,Tags";

fn price_list_row(min: &str, max: &str, price: &str, meters: &str, kind: &str) -> String {
    format!("Storage,DZH318Z0BNVX,003R,Hot LRS,Microsoft,,1 GB,,US,USD,{price},{min},{max},2024-06-01T00:00:00Z,2024-06-30T23:59:59Z,\"{meters}\",{kind},\n")
}

#[test]
fn price_list_one_based_ranges_become_thresholds() {
    let text = format!(
        "{PRICE_LIST_HEADER}\n{}{}{}",
        price_list_row("1", "100", "1.00", METER, "Consumption"),
        price_list_row("101", "100000", "0.80", METER, "Consumption"),
        price_list_row("100001", "", "0.50", METER, "Consumption"),
    );
    let e = only(parse_price_list("pricelist.csv", text.as_bytes()).unwrap());
    assert_eq!(e.origin, PriceOrigin::PriceList);
    assert_eq!(e.effective_to, Some(june(30)), "inclusive last day");
    assert_eq!(
        e.price.tiers,
        crate::support::documented_tiers(),
        "1–100, 101–100000, ≥100001"
    );
    assert_eq!(e.price.tiers.cost(dec!(101)), dec!(100.80));
}

#[test]
fn price_list_zero_based_ranges_are_thresholds_and_reservations_are_skipped() {
    let other = "0c0c0c0c-0000-0000-0000-000000000001";
    let text = format!(
        "{PRICE_LIST_HEADER}\n{}{}{}",
        price_list_row(
            "0",
            "100",
            "1.00",
            &format!("{METER}, {other}"),
            "Consumption"
        ),
        price_list_row("100", "", "0.80", &format!("{METER};{other}"), ""),
        price_list_row("0", "", "999", METER, "Reservation"),
    );
    let entries = parse_price_list("pricelist.csv", text.as_bytes()).unwrap();
    assert_eq!(entries.len(), 2, "one entry per meter id of the row");
    for e in entries {
        assert_eq!(e.price.tiers, two_tiers());
    }
}

#[test]
fn price_list_names_the_bad_cell() {
    let text = format!(
        "{PRICE_LIST_HEADER}\n{}{}",
        price_list_row("1", "100", "1.00", METER, "Consumption"),
        price_list_row("101", "", "\"0,80\"", METER, "Consumption"),
    );
    let err = parse_price_list("pl.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        at(&err),
        ("pl.csv", 3, "UnitPrice", SheetErrorKind::Decimal),
        "{err}"
    );

    let text = format!(
        "{PRICE_LIST_HEADER}\n{}",
        price_list_row("5", "", "1", METER, "Consumption")
    );
    let err = parse_price_list("pl.csv", text.as_bytes()).unwrap_err();
    assert_eq!(
        at(&err),
        ("pl.csv", 2, "PricingTierRangeMin", SheetErrorKind::Tier),
        "{err}"
    );

    let text = format!(
        "{PRICE_LIST_HEADER}\n{}",
        price_list_row("0", "", "1", "", "Consumption")
    );
    let err = parse_price_list("pl.csv", text.as_bytes()).unwrap_err();
    assert_eq!(at(&err), ("pl.csv", 2, "MeterIds", SheetErrorKind::Empty));

    let bad_end = format!(
        "{PRICE_LIST_HEADER}\n{}",
        price_list_row("0", "", "1", METER, "Consumption")
    )
    .replace("2024-06-30T23:59:59Z", "2024-05-01");
    let err = parse_price_list("pl.csv", bad_end.as_bytes()).unwrap_err();
    assert_eq!(
        at(&err),
        ("pl.csv", 2, "EffectiveEndDate", SheetErrorKind::Date),
        "{err}"
    );
}

// ---- Retail Prices API -----------------------------------------------------------------

fn retail_item(min: &str, price: &str, kind: &str, start: &str) -> String {
    format!(
        r#"    {{
      "currencyCode": "USD",
      "tierMinimumUnits": {min},
      "retailPrice": {price},
      "unitPrice": {price},
      "armRegionName": "westeurope",
      "effectiveStartDate": "{start}",
      "meterId": "{METER}",
      "meterName": "Hot LRS Data Stored",
      "serviceName": "Storage",
      "type": "{kind}"
    }}"#
    )
}

fn retail_page(items: &[String], next: &str) -> String {
    format!(
        "{{\n  \"BillingCurrency\": \"USD\",\n  \"CustomerEntityId\": \"Default\",\n  \"CustomerEntityType\": \"Retail\",\n  \"Items\": [\n{}\n  ],\n  \"NextPageLink\": {next},\n  \"Count\": {}\n}}",
        items.join(",\n"),
        items.len()
    )
}

#[test]
fn retail_tiers_split_across_pages_group_into_one_entry() {
    let p1 = retail_page(
        &[retail_item(
            "0.0",
            "1.0",
            "Consumption",
            "2024-06-01T00:00:00Z",
        )],
        "\"https://prices.azure.com/api/retail/prices?$skip=100\"",
    );
    let p2 = retail_page(
        &[
            retail_item("100.0", "8E-01", "Consumption", "2024-06-01T00:00:00Z"),
            retail_item("0.0", "0.0001", "Reservation", "2024-06-01T00:00:00Z"),
            retail_item("0.0", "\"1.0\"", "Consumption", "2024-06-01T00:00:00Z"),
        ],
        "null",
    );
    let page1 = parse_retail_prices("retail-1.json", &p1).unwrap();
    assert_eq!(
        page1.next_page_link.as_deref(),
        Some("https://prices.azure.com/api/retail/prices?$skip=100")
    );
    assert_eq!(page1.billing_currency.as_deref(), Some("USD"));
    let page2 = parse_retail_prices("retail-2.json", &p2).unwrap();
    assert_eq!(page2.next_page_link, None);
    let e = only(retail_entries(page1.rows.into_iter().chain(page2.rows)).unwrap());
    assert_eq!(e.origin, PriceOrigin::RetailPrices);
    assert_eq!(
        e.price.tiers,
        two_tiers(),
        "a repeated identical tier is one tier; reservations ignored"
    );
}

#[test]
fn retail_names_the_bad_field_and_its_line() {
    let items = [
        retail_item("0.0", "1.0", "Consumption", "2024-06-01T00:00:00Z"),
        retail_item("100.0", "true", "Consumption", "2024-06-01T00:00:00Z"),
    ];
    let text = retail_page(&items, "null");
    let err = parse_retail_prices("retail.json", &text).unwrap_err();
    let line = text
        .lines()
        .position(|l| l.contains("\"retailPrice\": true"))
        .unwrap() as u64
        + 1;
    // unitPrice is read first (it wins over retailPrice); both hold `true`.
    assert_eq!(
        at(&err),
        (
            "retail.json",
            line + 1,
            "unitPrice",
            SheetErrorKind::Decimal
        ),
        "{err}"
    );

    let text = retail_page(
        &[retail_item("0.0", "1.0", "Consumption", "June 2024")],
        "null",
    );
    let err = parse_retail_prices("retail.json", &text).unwrap_err();
    let line = text.lines().position(|l| l.contains("June 2024")).unwrap() as u64 + 1;
    assert_eq!(
        at(&err),
        (
            "retail.json",
            line,
            "effectiveStartDate",
            SheetErrorKind::Date
        )
    );

    let text = retail_page(
        &[retail_item("0.0", "1.0", "Consumption", "2024-06-01")
            .replace("\"meterId\"", "\"meterIdX\"")],
        "null",
    );
    let err = parse_retail_prices("retail.json", &text).unwrap_err();
    assert_eq!(
        (err.column.as_str(), err.kind),
        ("meterId", SheetErrorKind::Empty)
    );

    let err = parse_retail_prices("retail.json", "{\n  \"Items\": [\n    {,}\n  ]\n}").unwrap_err();
    assert_eq!(
        (err.line, err.kind),
        (3, SheetErrorKind::Malformed),
        "{err}"
    );
}

#[test]
fn retail_conflicting_duplicate_is_refused() {
    let text = retail_page(
        &[
            retail_item("0.0", "1.0", "Consumption", "2024-06-01"),
            retail_item("0.0", "1.5", "Consumption", "2024-06-01"),
        ],
        "null",
    );
    let rows = parse_retail_prices("retail.json", &text).unwrap().rows;
    let second_line = rows[1].at.line;
    let err = retail_entries(rows).unwrap_err();
    assert_eq!(
        at(&err),
        (
            "retail.json",
            second_line,
            "unitPrice",
            SheetErrorKind::Conflict
        )
    );
}

// ---- rate card ---------------------------------------------------------------------------

fn rate_card(meters: &str, terms: &str) -> String {
    format!(
        "{{\n  \"locale\": \"en-US\",\n  \"currency\": \"EUR\",\n  \"isTaxIncluded\": false,\n  \"meters\": [\n{meters}\n  ],\n  \"offerTerms\": [\n{terms}\n  ],\n  \"attributes\": {{\"objectType\": \"AzureRateCard\"}}\n}}"
    )
}

fn rc_meter(id: &str, rates: &str, tags: &str, included: &str) -> String {
    format!(
        "    {{\n      \"id\": \"{id}\",\n      \"name\": \"Hot LRS\",\n      \"rates\": {rates},\n      \"tags\": [{tags}],\n      \"category\": \"Storage\",\n      \"includedQuantity\": {included},\n      \"effectiveDate\": \"2024-01-01T00:00:00Z\"\n    }}"
    )
}

#[test]
fn rate_card_thresholds_included_quantity_and_offer_terms() {
    let third = "0c0c0c0c-0000-0000-0000-000000000003";
    let excluded = "0c0c0c0c-0000-0000-0000-000000000004";
    let meters = [
        rc_meter(METER, r#"{"100": 0.80, "0": 1.00}"#, "", "5"),
        rc_meter(third, r#"{"0": 2}"#, "\"Third Party\"", "0"),
        rc_meter(excluded, r#"{"0": "3"}"#, "", "0"),
    ]
    .join(",\n");
    let terms = format!(
        "    {{\"name\": \"Overage discount\", \"discount\": 0.15, \"excludedMeterIds\": [\"{}\"], \"effectiveDate\": \"2024-03-01T00:00:00Z\"}}",
        excluded.to_uppercase()
    );
    let entries = parse_rate_card("ratecard.json", &rate_card(&meters, &terms)).unwrap();
    let book = PriceBook::from_entries(entries).unwrap();
    let feb = NaiveDate::from_ymd_opt(2024, 2, 10).unwrap();
    let main_feb = book.price_on(METER, feb, "eur").unwrap();
    assert_eq!(main_feb.discount, Decimal::ZERO, "the term starts in March");
    assert_eq!(main_feb.tiers.included_quantity(), dec!(5));
    assert_eq!(
        main_feb.tiers.cost(dec!(106)),
        dec!(100.80),
        "5 free, then 0/100 thresholds"
    );
    assert_eq!(
        book.price_on(METER, june(1), "EUR").unwrap().discount,
        dec!(0.15)
    );
    assert_eq!(
        book.price_on(third, june(1), "EUR").unwrap().discount,
        Decimal::ZERO,
        "third party: no discount"
    );
    assert_eq!(
        book.price_on(excluded, june(1), "EUR").unwrap().discount,
        Decimal::ZERO,
        "excluded meter"
    );
    assert!(
        book.price_on(METER, june(1), "USD").is_none(),
        "the card is in EUR"
    );
    assert!(book
        .price_on(METER, NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(), "EUR")
        .is_none());
}

#[test]
fn rate_card_names_the_bad_value() {
    let text = rate_card(&rc_meter(METER, r#"{"0": 1.0, "abc": 0.5}"#, "", "0"), "");
    let err = parse_rate_card("rc.json", &text).unwrap_err();
    let line = text.lines().position(|l| l.contains("\"abc\"")).unwrap() as u64 + 1;
    assert_eq!(
        at(&err),
        ("rc.json", line, "rates", SheetErrorKind::Decimal),
        "{err}"
    );

    let text = rate_card(&rc_meter(METER, r#"{"50": 1.0}"#, "", "0"), "");
    let err = parse_rate_card("rc.json", &text).unwrap_err();
    assert_eq!(
        (err.column.as_str(), err.kind),
        ("rates", SheetErrorKind::Tier),
        "{err}"
    );
    let id_line = text.lines().position(|l| l.contains("\"id\"")).unwrap() as u64 + 1;
    assert_eq!(
        err.line,
        id_line - 1,
        "the line the meter's object starts on"
    );

    let text = rate_card(
        &rc_meter(METER, r#"{"0": 1.0}"#, "", "0"),
        "    {\"name\": \"x\", \"discount\": 1.5}",
    );
    let err = parse_rate_card("rc.json", &text).unwrap_err();
    assert_eq!(
        (err.column.as_str(), err.kind),
        ("discount", SheetErrorKind::Decimal),
        "{err}"
    );

    let text = rate_card(&rc_meter(METER, r#"{"0": 1.0}"#, "", "-1"), "");
    let err = parse_rate_card("rc.json", &text).unwrap_err();
    assert_eq!(
        err.kind,
        SheetErrorKind::Tier,
        "negative included quantity: {err}"
    );
}

#[test]
fn rate_card_as_plain_data() {
    let card = RateCard {
        currency: "usd".into(),
        meters: vec![RateCardMeter {
            id: METER.to_uppercase(),
            rates: vec![Tier::new(dec!(0), dec!(1))],
            tags: vec![],
            included_quantity: Decimal::ZERO,
            effective_date: None,
        }],
        offer_terms: vec![],
    };
    let e = only(card.entries().unwrap());
    assert_eq!((e.meter_id.as_str(), e.currency.as_str()), (METER, "USD"));
    assert_eq!(
        e.effective_from,
        NaiveDate::MIN,
        "no date: in effect since forever"
    );
}

// ---- the price book ------------------------------------------------------------------------

fn entry(
    origin: PriceOrigin,
    from: NaiveDate,
    to: Option<NaiveDate>,
    price: Decimal,
) -> PriceEntry {
    PriceEntry {
        origin,
        meter_id: METER.into(),
        currency: "USD".into(),
        effective_from: from,
        effective_to: to,
        price: cspdesk_rating::price::Price::new(TierTable::flat(price).unwrap()),
    }
}

fn unit_price(book: &PriceBook, date: NaiveDate) -> Option<Decimal> {
    book.tiers(METER, date, "USD")
        .map(|t| t.tiers()[0].unit_price)
}

#[test]
fn the_book_honours_effective_dates_and_precedence() {
    let may = |d| NaiveDate::from_ymd_opt(2024, 5, d).unwrap();
    let book = PriceBook::from_entries([
        entry(PriceOrigin::RetailPrices, may(1), None, dec!(3)),
        entry(PriceOrigin::PriceList, may(1), None, dec!(2)),
        entry(PriceOrigin::PriceList, june(15), None, dec!(2.5)),
        entry(PriceOrigin::PartnerSheet, june(10), Some(june(12)), dec!(1)),
    ])
    .unwrap();
    assert_eq!(
        unit_price(&book, NaiveDate::from_ymd_opt(2024, 4, 30).unwrap()),
        None
    );
    assert_eq!(
        unit_price(&book, may(1)),
        Some(dec!(2)),
        "the price list beats retail"
    );
    assert_eq!(
        unit_price(&book, june(10)),
        Some(dec!(1)),
        "the partner sheet beats both"
    );
    assert_eq!(
        unit_price(&book, june(12)),
        Some(dec!(1)),
        "end day inclusive"
    );
    assert_eq!(
        unit_price(&book, june(13)),
        Some(dec!(2)),
        "after the sheet's end"
    );
    assert_eq!(
        unit_price(&book, june(15)),
        Some(dec!(2.5)),
        "a newer price supersedes"
    );
    assert_eq!(book.len(), 4);
}

#[test]
fn the_book_refuses_a_conflicting_entry_and_ignores_a_repeat() {
    let mut book = PriceBook::new();
    book.add([entry(PriceOrigin::PriceList, june(1), None, dec!(1))])
        .unwrap();
    book.add([entry(PriceOrigin::PriceList, june(1), None, dec!(1))])
        .unwrap();
    assert_eq!(book.len(), 1);
    assert!(matches!(
        book.add([entry(PriceOrigin::PriceList, june(1), None, dec!(2))]),
        Err(PriceBookError::Conflict { .. })
    ));
}

#[test]
fn every_reader_agrees_on_the_documented_tiers() {
    let sheet = format!(
        "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n{METER},0,1.00,USD,2024-06-01\n{METER},100,0.80,USD,2024-06-01\n"
    );
    let list = format!(
        "{PRICE_LIST_HEADER}\n{}{}",
        price_list_row("1", "100", "1.00", METER, "Consumption"),
        price_list_row("101", "", "0.80", METER, "Consumption"),
    );
    let retail = retail_page(
        &[
            retail_item("0", "1.00", "Consumption", "2024-06-01"),
            retail_item("100", "0.80", "Consumption", "2024-06-01"),
        ],
        "null",
    );
    let card = rate_card(&rc_meter(METER, r#"{"0": 1.00, "100": 0.80}"#, "", "0"), "");
    let tables = [
        only(parse_partner_price_sheet("s.csv", sheet.as_bytes()).unwrap())
            .price
            .tiers,
        only(parse_price_list("l.csv", list.as_bytes()).unwrap())
            .price
            .tiers,
        only(retail_entries(parse_retail_prices("r.json", &retail).unwrap().rows).unwrap())
            .price
            .tiers,
        only(parse_rate_card("c.json", &card).unwrap()).price.tiers,
    ];
    for t in &tables {
        assert_eq!(t.cost(dec!(101)), dec!(100.80));
        assert_eq!(t.tiers(), two_tiers().tiers());
    }
}
