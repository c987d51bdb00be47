//! Month-true rating with Microsoft's Pricing API sheets, by hand: one customer, one tiered
//! meter (0 @ 1.00 then 100 @ 0.80 in September; 0 @ 1.10 then 100 @ 0.90 in October),
//! billed in EUR at each month's FX (USDPerUnit 1.25 → 0.8; 1.6 → 0.625), 15 % partner
//! earned credit, 60 units then 50 units crossing the tier boundary. The invoices are
//! computed by hand with each month's sheet, so rating with the latest prices would not match.

use std::path::Path;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use cspdesk_api::billing::rated_lines::rated_lines;
use cspdesk_api::customers::dto::{CustomerRef, MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::{markup_preview, markups};
use cspdesk_api::rating::price_sheets::{self, PriceFileKind};
use cspdesk_api::rating::pricing_import::{import_fx, import_sheet, SheetView};
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_store::discovered::{CustomerRow, DailyUsageRow, InvoiceRow};
use cspdesk_store::import_runs::{self, RunFilter, RunKind};
use cspdesk_store::{accounts, rated, Database};
use rust_decimal::Decimal;

const METER: &str = "cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff";
const HEADER: &str = "\"ProductTitle\",\"ProductId\",\"SkuId\",\"SkuTitle\",\"Publisher\",\"SkuDescription\",\"UnitOfMeasure\",\"TermDuration\",\"Market\",\"Currency\",\"UnitPrice\",\"PricingTierRangeMin\",\"PricingTierRangeMax\",\"EffectiveStartDate\",\"EffectiveEndDate\",\"MeterIds\",\"MeterType\",\"Tags\"";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
}

fn dec(t: &str) -> Decimal {
    t.parse().unwrap()
}

/// A consumption sheet of two tiers, as Microsoft writes it (`M/D/YYYY` dates, an empty
/// first tier minimum), and one reservation row the reader sets aside.
fn sheet(first: &str, second: &str) -> String {
    let row = |min: &str, max: &str, price: &str, kind: &str| {
        format!("\"Storage\",\"DZH318Z0C16V\",\"001J\",\"Hot LRS\",\"Microsoft\",\"Hot LRS\",\"1 GB/Month\",\"payG-1\",\"US\",\"USD\",\"{price}\",\"{min}\",\"{max}\",\"3/1/2018 12:00:00 AM\",\"11/30/9999 11:59:59 PM\",\"{METER}\",\"{kind}\",\"Azure\"")
    };
    [
        HEADER.to_string(),
        row("", "100", first, "1 GB/Month"),
        row("100", "", second, "1 GB/Month"),
        row("", "", "0.5", "Reservation"),
    ]
    .join("\n")
        + "\n"
}

fn usage(day: &str, q: &str, eup: &str, total: &str, unit: &str, fx: &str) -> DailyUsageRow {
    DailyUsageRow {
        customer_id: "c1".into(),
        invoice_number: None,
        subscription_id: "PLAN".into(),
        entitlement_id: "e1".into(),
        usage_date: Utc.from_utc_datetime(&format!("{day}T00:00:00").parse().unwrap()),
        meter_id: METER.to_ascii_uppercase(),
        meter_name: Some("Hot LRS".into()),
        meter_category: Some("Storage".into()),
        meter_region: None,
        resource_uri: Some("r1".into()),
        unit_of_measure: None,
        charge_type: Some("new".into()),
        quantity: dec(q),
        unit_price: Some(dec(unit)),
        effective_unit_price: dec(eup),
        billing_pre_tax_total: dec(total),
        billing_currency: "EUR".into(),
        pricing_pre_tax_total: None,
        pricing_currency: Some("USD".into()),
        pc_to_bc_exchange_rate: Some(dec(fx)),
        partner_earned_credit_rate: dec("0.15"),
    }
}

fn invoice(id: &str, month: &str) -> InvoiceRow {
    InvoiceRow {
        id: id.into(),
        invoice_date: Some(format!("{month}-28T00:00:00Z")),
        billing_period_start: Some(format!("{month}-01T00:00:00Z")),
        billing_period_end: Some(format!("{month}-28T00:00:00Z")),
        total_charges: Decimal::ZERO,
        paid_amount: None,
        currency: "EUR".into(),
        invoice_type: Some("OneTime".into()),
        document_type: Some("invoice".into()),
        amends_of: None,
        streams: vec![],
    }
}

/// September and October invoiced, each computed with its own month's sheet and FX.
fn fixture(dir: &Path) -> (Database, String) {
    let mut db = Database::open(&dir.join("db.sqlite3")).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let mut w = db.ingest(&account).unwrap();
    w.customers(
        &[CustomerRow {
            id: "c1".into(),
            company_name: "Contoso".into(),
            domain: "contoso.example".into(),
            tenant_id: None,
            commerce_id: None,
            relationship: None,
        }],
        now(),
    )
    .unwrap();
    w.invoices(
        &[invoice("G9", "2026-09"), invoice("G10", "2026-10")],
        now(),
    )
    .unwrap();
    // September: 60 @ 1.00 → EUP 0.85, 51.00 × 0.8 = 40.80; then 40 @ 1.00 + 10 @ 0.80 = 48
    // → EUP 48 × 0.85 / 50 = 0.816, 40.80 × 0.8 = 32.64.
    w.daily_usage(
        "G9",
        &[
            usage("2026-09-01", "60", "0.85", "40.80", "1.00", "0.8"),
            usage("2026-09-02", "50", "0.816", "32.64", "0.96", "0.8"),
        ],
    )
    .unwrap();
    // October: 60 @ 1.10 = 66 → EUP 0.935, 56.10 × 0.625 = 35.0625 → 35.06; then 40 @ 1.10
    // + 10 @ 0.90 = 53 → EUP 0.901, 45.05 × 0.625 = 28.15625 → 28.15.
    w.daily_usage(
        "G10",
        &[
            usage("2026-10-01", "60", "0.935", "35.06", "1.10", "0.625"),
            usage("2026-10-02", "50", "0.901", "28.15", "1.06", "0.625"),
        ],
    )
    .unwrap();
    w.commit().unwrap();
    (db, account)
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn load_prices(db: &mut Database, account: &str, dir: &Path) {
    let sept = write(dir, "sept.csv", &sheet("1.00", "0.80"));
    let oct = write(dir, "oct.csv", &sheet("1.10", "0.90"));
    let done = import_sheet(
        db,
        account,
        SheetView::AzureConsumption,
        "2026-09",
        None,
        &sept,
        now(),
    )
    .unwrap();
    assert_eq!(
        (
            done.market.as_deref(),
            done.timeline.as_str(),
            done.rows,
            done.set_aside
        ),
        (Some("US"), "history", 2, 1),
        "the market from the first row, a past month, the reservation row set aside: {done:?}"
    );
    import_sheet(
        db,
        account,
        SheetView::AzureConsumption,
        "2026-10",
        Some("us"),
        &oct,
        now(),
    )
    .unwrap();
    let fx = "\"CurrencyCode\",\"USDPerUnit\",\"Month\"\n";
    import_fx(
        db,
        account,
        "2026-09",
        &write(
            dir,
            "fx9.csv",
            &format!("{fx}\"EUR\",\"1.25\",\"202609\"\n"),
        ),
        now(),
    )
    .unwrap();
    import_fx(
        db,
        account,
        "2026-10",
        &write(
            dir,
            "fx10.csv",
            &format!("{fx}\"EUR\",\"1.6\",\"202610\"\n\"GBP\",\"1.3\",\"202609\"\n"),
        ),
        now(),
    )
    .unwrap();
}

#[test]
fn each_month_is_rated_with_its_own_sheet_and_fx_and_reconciles_without_a_price_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let (mut db, account) = fixture(dir.path());
    // Before any sheet: today's behaviour, the rate card (none here), so the month is refused.
    let before = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(before.refused, 2, "{before:?}");

    load_prices(&mut db, &account, dir.path());
    let runs = import_runs::list(&db, &RunFilter::default(), 10).unwrap();
    assert_eq!(
        runs.iter().filter(|r| r.kind == RunKind::Pricing).count(),
        4
    );
    assert!(runs.iter().all(|r| r.state == "completed"), "{runs:?}");

    let after = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!((after.rated, after.refused), (2, 0), "{after:?}");
    for period in ["2026-09", "2026-10"] {
        let rows = reconcile::reconcile(&db, period, None).unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.refused, None, "{r:?}");
        assert_eq!(r.difference.as_deref(), Some("0.00"), "{period}: {r:?}");
        assert_eq!(r.unexplained.as_deref(), Some("0.00"));
        assert!(
            !r.causes.contains_key("priceMismatch"),
            "{period}: {:?}",
            r.causes
        );
    }
    // October's lines: list = 110 × 1.10 × 0.625, effective before the floor, billed floored.
    // Without a markup the customer is resold at cost.
    let at_cost = rated_lines(&db, &account, "c1", "2026-10").unwrap();
    assert_eq!(at_cost[0].resale, at_cost[0].billed);
    markups::set(
        &mut db,
        &MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account.clone(),
                customer_id: "c1".into(),
            },
        },
        &[MarkupTermDto::Percent {
            percent: "10".into(),
        }],
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        now(),
    )
    .unwrap();
    let lines = rated_lines(&db, &account, "c1", "2026-10").unwrap();
    let figures: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l.usage_date.as_str(),
                l.list.as_str(),
                l.effective.as_str(),
                l.billed.as_str(),
                l.resale.as_str(),
                l.savings.as_str(),
                l.price_origin.as_str(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        vec![
            // 60 × 1.10 × 0.625 = 41.25; 0.935 × 60 × 0.625 = 35.0625; resale 35.06 × 1.1 = 38.566 → 38.57.
            (
                "2026-10-01",
                "41.25",
                "35.0625",
                "35.06",
                "38.57",
                "6.1875",
                "priceList"
            ),
            // 50 × 1.10 × 0.625 = 34.375; 0.901 × 50 × 0.625 = 28.15625; 28.15 × 1.1 = 30.965 → 30.97.
            (
                "2026-10-02",
                "34.375",
                "28.15625",
                "28.15",
                "30.97",
                "6.21875",
                "priceList"
            ),
        ]
    );
    let sum = |f: fn(&cspdesk_api::billing::rated_lines::RatedLineDto) -> &str| -> Decimal {
        lines.iter().map(|l| dec(f(l))).sum()
    };
    assert_eq!(sum(|l| &l.list), dec("75.625"));
    assert_eq!(sum(|l| &l.effective), dec("63.21875"));
    assert_eq!(sum(|l| &l.billed), dec("63.21"), "what the invoice bills");
    assert_eq!(
        sum(|l| &l.savings),
        sum(|l| &l.list) - sum(|l| &l.effective)
    );
    // "List + 10 %" from the same day: resold on the list cost, previewed first.
    let target = MarkupTargetDto::Customer {
        customer: CustomerRef {
            account_id: account.clone(),
            customer_id: "c1".into(),
        },
    };
    let on_list = [MarkupTermDto::ListPercent {
        percent: "10".into(),
    }];
    let from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let preview = markup_preview::preview(&db, &target, &on_list, from, now()).unwrap();
    let october = preview
        .months
        .iter()
        .find(|m| m.period == "2026-10")
        .expect("October previewed");
    // 41.25 × 1.1 = 45.375 → 45.38; 34.375 × 1.1 = 37.8125 → 37.81.
    assert_eq!(
        (
            october.resale_before.as_str(),
            october.resale_after.as_str()
        ),
        ("69.54", "83.19"),
        "{october:?}"
    );
    markups::set(&mut db, &target, &on_list, from, now()).unwrap();
    let on_list: Vec<String> = rated_lines(&db, &account, "c1", "2026-10")
        .unwrap()
        .into_iter()
        .map(|l| l.resale)
        .collect();
    assert_eq!(on_list, vec!["45.38", "37.81"]);
    let csv = dir.path().join("rated.csv");
    cspdesk_api::billing::rated_lines::export_rated_lines(
        &db,
        &account,
        "c1",
        "2026-10",
        None,
        &csv,
        Default::default(),
    )
    .unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.contains("ListCost,EffectiveCost,BilledCost,Resale,Savings"),
        "{text}"
    );
    assert!(text.contains("41.25,35.0625,35.06,45.38,6.1875"), "{text}");
}

#[test]
fn a_wrong_imported_sheet_is_still_found_as_a_price_mismatch_and_attributed_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut db, account) = fixture(dir.path());
    load_prices(&mut db, &account, dir.path());
    // The partner's own sheet prices the meter at 1.20 from October: it overrides the sheet.
    let wrong = write(
        dir.path(),
        "ours.csv",
        &format!(
            "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n{METER},0,1.20,USD,2026-10-01\n"
        ),
    );
    price_sheets::import(
        &mut db,
        &account,
        PriceFileKind::PartnerSheet,
        &wrong,
        now(),
    )
    .unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();
    let sept = &reconcile::reconcile(&db, "2026-09", None).unwrap()[0];
    assert_eq!(
        sept.difference.as_deref(),
        Some("0.00"),
        "September is not touched: {sept:?}"
    );
    let oct = &reconcile::reconcile(&db, "2026-10", None).unwrap()[0];
    let mismatch = dec(oct.causes.get("priceMismatch").expect("a price mismatch"));
    assert!(
        mismatch < Decimal::ZERO,
        "we charge more than the invoice: {oct:?}"
    );
    assert_eq!(oct.unexplained.as_deref(), Some("0.00"));
    let stored = rated::lines(&db, &account, "2026-10", Some("c1")).unwrap();
    assert!(
        stored.iter().all(|l| l.price_origin == "partnerSheet"),
        "the difference is the imported sheet's: {:?}",
        stored.iter().map(|l| &l.price_origin).collect::<Vec<_>>()
    );
}

#[test]
fn a_sheet_without_unit_price_is_refused_naming_the_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (mut db, account) = fixture(dir.path());
    let text = sheet("1.00", "0.80").replace("\"UnitPrice\",", "\"Price\",");
    let path = write(dir.path(), "bad.csv", &text);
    let err = import_sheet(
        &mut db,
        &account,
        SheetView::AzureConsumption,
        "2026-09",
        Some("US"),
        &path,
        now(),
    )
    .unwrap_err();
    assert!(
        err.message.contains("UnitPrice") && err.message.contains("Nothing was imported"),
        "{}",
        err.message
    );
    assert!(cspdesk_store::pricing::sheets(&db, &account, None)
        .unwrap()
        .is_empty());
    let runs = import_runs::list(&db, &RunFilter::default(), 10).unwrap();
    assert_eq!(runs[0].kind, RunKind::Pricing);
    assert_eq!(
        runs[0].state, "error",
        "the run records the refusal: {:?}",
        runs[0]
    );
    let later = import_sheet(
        &mut db,
        &account,
        SheetView::AzureConsumption,
        "2026-12",
        Some("US"),
        &path,
        now(),
    )
    .unwrap_err();
    assert_eq!(later.field.as_deref(), Some("month"));
}
