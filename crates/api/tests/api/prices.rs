//! The Prices page's reads, by hand, over a real SQLite file: one tiered meter (0 @ 1.00 then
//! 100 @ 0.80 in September; 0 @ 1.10 then 100 @ 0.90 in October, October's first tier 1.05
//! until the 15th), an account billed in EUR and GBP, FX of September (EUR USDPerUnit 1.25 →
//! 0.8 per USD; GBP 1.3 → 0.769230769231) and October (EUR 1.6 → 0.625; no GBP), Azure plan
//! usage in September only.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use cspdesk_api::prices::dto::{SheetColumn, SheetQueryDto};
use cspdesk_api::prices::history::{fx_table, meter_history};
use cspdesk_api::prices::sheet_view::SheetViews;
use cspdesk_api::prices::sheets::{list_sheets, sheet_rows};
use cspdesk_api::ErrorCode;
use cspdesk_store::discovered::{DailyUsageRow, InvoiceRow};
use cspdesk_store::pricing::{write_fx, write_sheet, SheetKey, StoredSheetRow, Timeline};
use cspdesk_store::{accounts, Database, Error};
use rust_decimal::Decimal;

const METER: &str = "cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
}

fn dec(t: &str) -> Decimal {
    t.parse().unwrap()
}

fn day(t: &str) -> NaiveDate {
    t.parse().unwrap()
}

#[allow(clippy::too_many_arguments)]
fn row(
    line: u64,
    meter: &str,
    product: &str,
    min: &str,
    price: &str,
    start: &str,
    end: Option<&str>,
) -> StoredSheetRow {
    StoredSheetRow {
        line,
        meter_id: Some(meter.into()),
        product_id: "DZH318Z0C16V".into(),
        sku_id: "001J".into(),
        product_title: product.into(),
        sku_title: format!("{product} meter"),
        unit: "1 GB/Month".into(),
        meter_type: "1 GB/Month".into(),
        currency: "USD".into(),
        unit_price: dec(price),
        tier_min: dec(min),
        tier_max: None,
        effective_start: day(start),
        effective_end: end.map(day),
        term: "payG-1".into(),
        billing_plan: String::new(),
        erp_price: None,
    }
}

fn sheet(
    db: &mut Database,
    account: &str,
    month: &str,
    file: Option<&str>,
    rows: &[StoredSheetRow],
) -> i64 {
    let key = SheetKey {
        account_id: account.into(),
        view: "azure_consumption".into(),
        market: "US".into(),
        month: month.into(),
    };
    write_sheet::<Error>(db, &key, Timeline::History, file, None, now(), |w| {
        rows.iter().try_for_each(|r| w.row(r))
    })
    .unwrap()
    .sheet
    .id
}

fn invoice(id: &str, currency: &str) -> InvoiceRow {
    InvoiceRow {
        id: id.into(),
        invoice_date: None,
        billing_period_start: None,
        billing_period_end: None,
        total_charges: Decimal::ZERO,
        paid_amount: None,
        currency: currency.into(),
        invoice_type: None,
        document_type: None,
        amends_of: None,
        streams: vec![],
    }
}

fn usage() -> DailyUsageRow {
    DailyUsageRow {
        customer_id: "c1".into(),
        invoice_number: None,
        subscription_id: "PLAN".into(),
        entitlement_id: "e1".into(),
        usage_date: Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap(),
        meter_id: METER.to_ascii_uppercase(),
        meter_name: None,
        meter_category: None,
        meter_region: None,
        resource_uri: None,
        unit_of_measure: None,
        charge_type: None,
        quantity: dec("1"),
        unit_price: None,
        effective_unit_price: dec("0.85"),
        billing_pre_tax_total: dec("0.68"),
        billing_currency: "EUR".into(),
        pricing_pre_tax_total: None,
        pricing_currency: None,
        pc_to_bc_exchange_rate: None,
        partner_earned_credit_rate: dec("0.15"),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: Database,
    account: String,
    september: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let mut w = db.ingest(&account).unwrap();
    w.invoices(&[invoice("G9", "EUR"), invoice("G8", "GBP")], now())
        .unwrap();
    w.daily_usage("G9", &[usage()]).unwrap();
    w.commit().unwrap();
    let open = "2018-03-01";
    let september = sheet(
        &mut db,
        &account,
        "2026-09",
        None,
        &[
            row(2, METER, "Storage", "0", "1.00", open, None),
            row(3, METER, "Storage", "100", "0.80", open, None),
            row(4, "m-vm", "Virtual Machines", "0", "0.096", open, None),
            row(5, "m-net", "bandwidth", "0", "0.087", open, None),
        ],
    );
    sheet(
        &mut db,
        &account,
        "2026-10",
        Some("oct.csv"),
        &[
            row(2, METER, "Storage", "100", "0.90", open, None),
            row(3, METER, "Storage", "0", "1.05", open, Some("2026-10-15")),
            row(4, METER, "Storage", "0", "1.10", "2026-10-16", None),
        ],
    );
    let rates = |pairs: &[(&str, &str)]| -> BTreeMap<String, Decimal> {
        pairs.iter().map(|(c, r)| (c.to_string(), dec(r))).collect()
    };
    write_fx(
        &mut db,
        &account,
        "2026-09",
        &rates(&[("EUR", "1.25"), ("GBP", "1.3")]),
        None,
        now(),
    )
    .unwrap();
    write_fx(
        &mut db,
        &account,
        "2026-10",
        &rates(&[("EUR", "1.6")]),
        None,
        now(),
    )
    .unwrap();
    Fixture {
        _dir: dir,
        db,
        account,
        september,
    }
}

#[test]
fn the_sheets_are_listed_newest_month_first_with_where_they_came_from() {
    let f = fixture();
    let sheets = list_sheets(&f.db, "CSP").unwrap();
    let seen: Vec<(&str, u64, Option<&str>, &str)> = sheets
        .iter()
        .map(|s| {
            (
                s.month.as_str(),
                s.rows,
                s.file_name.as_deref(),
                s.timeline.as_str(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("2026-10", 3, Some("oct.csv"), "history"),
            ("2026-09", 4, None, "history"),
        ],
        "October (imported from a file) before September (read from the Pricing API)"
    );
    assert_eq!(
        list_sheets(&f.db, "nobody").unwrap_err().code,
        ErrorCode::NotFound
    );
}

#[test]
fn a_sheet_is_paged_searched_and_sorted_exactly_by_price() {
    let f = fixture();
    let views = SheetViews::default();
    let query = |sort, descending, search: &str| SheetQueryDto {
        sort,
        descending,
        search: search.into(),
    };
    let page = |q: &SheetQueryDto, offset, limit| {
        sheet_rows(&f.db, &views, &f.account, f.september, q, offset, limit).unwrap()
    };
    let prices = |q: &SheetQueryDto| -> Vec<String> {
        page(q, 0, 100)
            .rows
            .into_iter()
            .map(|r| r.unit_price)
            .collect()
    };
    // Compared as decimals, not as text or floating point.
    assert_eq!(
        prices(&query(SheetColumn::UnitPrice, true, "")),
        vec!["1.00", "0.80", "0.096", "0.087"]
    );
    assert_eq!(
        prices(&query(SheetColumn::Product, false, "")),
        vec!["0.087", "1.00", "0.80", "0.096"],
        "case ignored (bandwidth before Storage), ties in file order"
    );
    let storage = page(&query(SheetColumn::Line, false, "  STOR "), 0, 100);
    assert_eq!((storage.total, storage.all), (2, 4), "2 of 4 rows match");
    let by_meter = page(&query(SheetColumn::Line, false, "M-VM"), 0, 100);
    assert_eq!(by_meter.rows[0].meter_id.as_deref(), Some("m-vm"));

    // Pages are slices of the one view: offset 1, two rows.
    let q = query(SheetColumn::UnitPrice, false, "");
    let second = page(&q, 1, 2);
    assert_eq!((second.offset, second.total, second.rows.len()), (1, 4, 2));
    assert_eq!(second.rows[0].unit_price, "0.096");
    assert_eq!(second.rows[1].tier_min, "100");
    assert_eq!(page(&q, 10, 2).rows.len(), 0, "past the end: no rows");
    assert!(
        views.kept().0 <= cspdesk_api::prices::sheet_view::KEEP_VIEWS,
        "views are bounded"
    );
    let missing = sheet_rows(&f.db, &views, &f.account, 999, &q, 0, 10).unwrap_err();
    assert_eq!(missing.code, ErrorCode::NotFound);
}

#[test]
fn a_meters_history_is_per_tier_month_true_and_converted_at_each_months_rate() {
    let f = fixture();
    let h = meter_history(&f.db, "CSP", None, &METER.to_ascii_uppercase()).unwrap();
    assert_eq!(h.meter_id, METER);
    assert_eq!(h.currencies, vec!["EUR", "GBP"]);
    let seen: Vec<(&str, &str, &str, Option<&str>)> = h
        .prices
        .iter()
        .map(|p| {
            (
                p.month.as_str(),
                p.tier_min.as_str(),
                p.unit_price.as_str(),
                p.change_percent.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("2026-09", "0", "1.00", None),
            ("2026-09", "100", "0.80", None),
            // October's first tier ends the month at 1.10 (1.05 stopped on the 15th):
            // (1.10 - 1.00) / 1.00 = +10 %; the second (0.90 - 0.80) / 0.80 = +12.5 %.
            ("2026-10", "0", "1.10", Some("10.00")),
            ("2026-10", "100", "0.90", Some("12.50")),
        ]
    );
    let converted = |i: usize| -> Vec<(String, Option<String>, Option<String>)> {
        h.prices[i]
            .converted
            .iter()
            .map(|c| (c.currency.clone(), c.rate.clone(), c.price.clone()))
            .collect()
    };
    let s = |t: &str| Some(t.to_string());
    // September: EUR 1 / 1.25 = 0.8, 1.00 × 0.8 = 0.8; GBP 1 / 1.3 = 0.769230769230769...
    // → 0.769230769231 (12 decimals), 1.00 × that → 0.769231 (6 decimals).
    assert_eq!(
        converted(0),
        vec![
            ("EUR".into(), s("0.8"), s("0.8")),
            ("GBP".into(), s("0.769230769231"), s("0.769231")),
        ]
    );
    // 0.80 × 0.769230769231 = 0.6153846153848 → 0.615385.
    assert_eq!(converted(1)[1].2, s("0.615385"));
    // October: EUR 1 / 1.6 = 0.625; 1.10 × 0.625 = 0.6875, 0.90 × 0.625 = 0.5625; no GBP rate.
    assert_eq!(
        converted(2),
        vec![
            ("EUR".into(), s("0.625"), s("0.6875")),
            ("GBP".into(), None, None)
        ]
    );
    assert_eq!(converted(3)[0].2, s("0.5625"));

    let unknown = meter_history(&f.db, "CSP", None, "no-such-meter").unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotFound);
}

#[test]
fn the_fx_table_is_newest_first_and_says_which_months_rating_used() {
    let f = fixture();
    let t = fx_table(&f.db, "CSP").unwrap();
    assert_eq!(t.billing, vec!["EUR", "GBP"]);
    assert_eq!(t.currencies, vec!["EUR", "GBP"]);
    let months: Vec<(&str, bool, usize)> = t
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.rated, m.rates.len()))
        .collect();
    assert_eq!(
        months,
        vec![("2026-10", false, 1), ("2026-09", true, 2)],
        "September has usage and its sheet, so rating uses its rates; October has no usage"
    );
    let gbp = &t.months[1].rates[1];
    assert_eq!(
        (
            gbp.currency.as_str(),
            gbp.usd_per_unit.as_str(),
            gbp.per_usd.as_str()
        ),
        ("GBP", "1.3", "0.769230769231")
    );
}
