//! List, effective, billed and resale by hand (issue 16, acceptance 4): two customers' rated
//! lines of November 2026 written as rating writes them, Contoso in EUR with a 10 % markup and
//! Fabrikam in USD without one. Every figure below is worked out in the comments; the
//! Billing view, its totals, its CSV, Customers and the Dashboard must all say the same.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use cspdesk_api::billing::rated_lines::{export_rated_lines, line_key, rated_usage};
use cspdesk_api::customers::dto::{CustomerRef, MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::{markups, overview};
use cspdesk_api::dashboard::figures::dashboard;
use cspdesk_store::discovered::CustomerRow;
use cspdesk_store::rated::{self, RatedLineRow, RatingStateRow, UsageKind};
use cspdesk_store::{accounts, Database, Money};
use rust_decimal::Decimal;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
}

fn dec(t: &str) -> Decimal {
    t.parse().unwrap()
}

/// A line of one unit on `day` of November: its list, effective and billed cost as given.
fn line(
    day: u32,
    category: &str,
    currency: &str,
    list: &str,
    effective: &str,
    billed: &str,
) -> RatedLineRow {
    RatedLineRow {
        subscription_id: "plan".into(),
        entitlement_id: "azure-sub".into(),
        meter_id: format!("m-{}", category.to_lowercase()),
        usage_date: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
        usage_kind: UsageKind::AzurePlan,
        meter_name: Some(format!("{category} meter")),
        meter_category: Some(category.into()),
        records: 1,
        quantity: Decimal::ONE,
        unit_price: dec(list),
        effective_unit_price: dec(effective),
        credit_rate: dec("0.15"),
        discount: Decimal::ZERO,
        fx_rate: Decimal::ONE,
        pricing_currency: currency.into(),
        pricing_total: Money::new(dec(effective)),
        billing_pre_tax_total: Money::new(dec(billed)),
        billing_currency: currency.into(),
        price_origin: "priceList".into(),
        list_cost: Money::new(dec(list)),
        effective_cost: Money::new(dec(effective)),
    }
}

fn customer(id: &str, name: &str) -> CustomerRow {
    CustomerRow {
        id: id.into(),
        company_name: name.into(),
        domain: format!("{id}.example"),
        tenant_id: None,
        commerce_id: None,
        relationship: None,
    }
}

fn rate(db: &mut Database, account: &str, customer_id: &str, lines: &[RatedLineRow]) {
    rated::replace(
        db,
        account,
        &RatingStateRow {
            customer_id: customer_id.into(),
            period: "2026-11".into(),
            usage_records: lines.len() as u64,
            usage_fingerprint: "f".into(),
            price_cards: "sheet".into(),
            prices_fingerprint: "p".into(),
            rules: 0,
            lines: lines.len() as u32,
            refused: None,
            rated_at: now(),
            input_versions: None,
        },
        lines,
    )
    .unwrap();
}

fn fixture(dir: &std::path::Path) -> (Database, String) {
    let mut db = Database::open(&dir.join("db.sqlite3")).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let mut w = db.ingest(&account).unwrap();
    w.customers(
        &[customer("c1", "Contoso"), customer("c2", "Fabrikam")],
        now(),
    )
    .unwrap();
    w.commit().unwrap();
    rate(
        &mut db,
        &account,
        "c1",
        &[
            // 15 % credit on 41.25: 35.0625, floored by Microsoft to 35.06.
            line(3, "Storage", "EUR", "41.25", "35.0625", "35.06"),
            // A tier and the credit: 100.00 down to 80.005, billed 80.00.
            line(4, "Compute", "EUR", "100.00", "80.005", "80.00"),
            // No credit on this meter: list = effective = billed.
            line(5, "Networking", "EUR", "10.10", "10.10", "10.10"),
        ],
    );
    rate(
        &mut db,
        &account,
        "c2",
        &[line(6, "Storage", "USD", "20.00", "17.00", "17.00")],
    );
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
    (db, account)
}

#[test]
fn a_customers_rated_lines_show_list_effective_billed_resale_and_savings_adding_up() {
    let dir = tempfile::tempdir().unwrap();
    let (db, account) = fixture(dir.path());
    let usage = rated_usage(&db, &account, "c1", "2026-11").unwrap();
    assert_eq!(usage.period, "2026-11");
    let figures: Vec<_> = usage
        .lines
        .iter()
        .map(|l| {
            (
                l.usage_date.as_str(),
                l.list.as_str(),
                l.effective.as_str(),
                l.billed.as_str(),
                l.resale.as_str(),
                l.savings.as_str(),
            )
        })
        .collect();
    assert_eq!(
        figures,
        vec![
            // Resale 35.06 × 1.10 = 38.566 → 38.57; savings 41.25 − 35.0625 = 6.1875.
            ("2026-11-04", "100.00", "80.005", "80.00", "88.00", "19.995"),
            ("2026-11-05", "10.10", "10.10", "10.10", "11.11", "0.00"),
            ("2026-11-03", "41.25", "35.0625", "35.06", "38.57", "6.1875"),
        ],
        "by meter (m-compute, m-networking, m-storage), then day; 100.00 − 80.005 = 19.995; \
         10.10 × 1.10 = 11.11"
    );
    assert_eq!(usage.totals.len(), 1, "one currency: {:?}", usage.totals);
    let t = &usage.totals[0];
    // list 41.25 + 100.00 + 10.10 = 151.35; effective 35.0625 + 80.005 + 10.10 = 125.1675;
    // billed 35.06 + 80.00 + 10.10 = 125.16; resale 38.57 + 88.00 + 11.11 = 137.68.
    assert_eq!(
        (
            t.currency.as_str(),
            t.lines,
            t.list.as_str(),
            t.effective.as_str(),
            t.billed.as_str(),
            t.resale.as_str(),
            t.savings.as_str(),
            t.markup.as_str(),
        ),
        ("EUR", 3, "151.35", "125.1675", "125.16", "137.68", "26.1825", "12.52"),
        "savings 151.35 − 125.1675 = 26.1825; markup 137.68 − 125.16 = 12.52"
    );
    assert_eq!(dec(&t.list) - dec(&t.savings), dec(&t.effective));
    assert_eq!(dec(&t.billed) + dec(&t.markup), dec(&t.resale));

    // Fabrikam, in USD, has no markup: resold at cost.
    let usd = rated_usage(&db, &account, "c2", "2026-11").unwrap();
    let u = &usd.totals[0];
    assert_eq!(
        (
            u.currency.as_str(),
            u.list.as_str(),
            u.savings.as_str(),
            u.resale.as_str(),
            u.markup.as_str()
        ),
        ("USD", "20.00", "3.00", "17.00", "0.00")
    );
    // A month with nothing rated is empty, not an error.
    assert!(rated_usage(&db, &account, "c1", "2026-10")
        .unwrap()
        .lines
        .is_empty());
}

#[test]
fn the_csv_holds_the_lines_in_view_in_view_order_with_the_same_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (db, account) = fixture(dir.path());
    let usage = rated_usage(&db, &account, "c1", "2026-11").unwrap();
    let all = dir.path().join("all.csv");
    let done = export_rated_lines(
        &db,
        &account,
        "c1",
        "2026-11",
        None,
        &all,
        Default::default(),
    )
    .unwrap();
    assert_eq!(done.rows, 3);
    let text = std::fs::read_to_string(&all).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "UsageDate,SubscriptionId,EntitlementId,MeterId,MeterName,MeterCategory,Quantity,Currency,PriceOrigin,ListCost,EffectiveCost,BilledCost,Resale,Savings"
    );
    assert_eq!(
        rows[1],
        "2026-11-04,plan,azure-sub,m-compute,Compute meter,Compute,1,EUR,priceList,100.00,80.005,80.00,88.00,19.995"
    );
    // The CSV adds up to the view's totals, column by column.
    let column = |i: usize| -> Decimal {
        rows[1..]
            .iter()
            .map(|r| dec(r.split(',').nth(i).unwrap()))
            .sum()
    };
    let t = &usage.totals[0];
    assert_eq!(
        [column(9), column(10), column(11), column(12), column(13)],
        [
            dec(&t.list),
            dec(&t.effective),
            dec(&t.billed),
            dec(&t.resale),
            dec(&t.savings)
        ]
    );

    // Sorted by savings, largest first, and searched down to two lines: exactly those, so.
    let keys: Vec<String> = [&usage.lines[0], &usage.lines[2]]
        .iter()
        .map(|l| line_key(l))
        .collect();
    assert_eq!(keys[1], "plan/azure-sub/m-storage/2026-11-03");
    let seen = dir.path().join("seen.csv");
    let done = export_rated_lines(
        &db,
        &account,
        "c1",
        "2026-11",
        Some(&keys),
        &seen,
        Default::default(),
    )
    .unwrap();
    assert_eq!(done.rows, 2);
    let text = std::fs::read_to_string(&seen).unwrap();
    let days: Vec<&str> = text.lines().skip(1).map(|r| &r[..10]).collect();
    assert_eq!(days, vec!["2026-11-04", "2026-11-03"]);
}

#[test]
fn customers_and_the_dashboard_split_the_gain_into_savings_and_markup() {
    let dir = tempfile::tempdir().unwrap();
    let (db, account) = fixture(dir.path());
    let customers = overview::list(&db, now()).unwrap();
    let figures = |id: &str| {
        let c = customers
            .iter()
            .find(|c| c.id == id && c.account_id == account)
            .unwrap();
        (
            c.currency.clone().unwrap(),
            c.month_to_date_cost.clone().unwrap(),
            c.month_to_date_resale.clone().unwrap(),
            c.month_to_date_margin.clone().unwrap(),
            c.month_to_date_list.clone().unwrap(),
            c.month_to_date_savings.clone().unwrap(),
        )
    };
    let contoso = figures("c1");
    assert_eq!(
        (
            contoso.0.as_str(),
            dec(&contoso.1),
            dec(&contoso.2),
            dec(&contoso.3)
        ),
        ("EUR", dec("125.16"), dec("137.68"), dec("12.52")),
        "cost, resale and margin (the markup) as Billing's rated usage adds them up"
    );
    assert_eq!(
        (contoso.4.as_str(), contoso.5.as_str()),
        ("151.35", "26.1825"),
        "list and savings (credit and discounts) of the month so far"
    );
    let fabrikam = figures("c2");
    assert_eq!(
        (
            fabrikam.0.as_str(),
            fabrikam.4.as_str(),
            fabrikam.5.as_str()
        ),
        ("USD", "20.00", "3.00")
    );

    // The Customers export carries the same list and savings beside cost, resale and margin.
    let csv = dir.path().join("customers.csv");
    cspdesk_api::billing::export::customers(&db, now(), None, &csv, Default::default()).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = text.lines();
    assert!(
        rows.next()
            .unwrap()
            .ends_with("MarginMonthToDate,ListMonthToDate,SavingsMonthToDate,Currency"),
        "{text}"
    );
    let contoso = rows.find(|r| r.contains("Contoso")).unwrap();
    assert!(
        contoso.ends_with(",125.16,137.68,12.52,151.35,26.1825,EUR"),
        "{contoso}"
    );

    let board = dashboard(&db, now()).unwrap();
    let gain = |currency: &str| {
        board
            .currencies
            .iter()
            .find(|c| c.currency == currency)
            .and_then(|c| c.month_to_date_gain.clone())
            .unwrap_or_else(|| panic!("{currency} has the month's gain: {board:?}"))
    };
    let eur = gain("EUR");
    assert_eq!(
        (
            eur.period.as_str(),
            eur.list.as_str(),
            eur.effective.as_str(),
            eur.savings.as_str(),
            eur.cost.as_str(),
            eur.resale.as_str(),
            eur.markup.as_str(),
        ),
        ("2026-11", "151.35", "125.1675", "26.1825", "125.16", "137.68", "12.52")
    );
    let usd = gain("USD");
    assert_eq!(
        (usd.savings.as_str(), usd.cost.as_str(), usd.markup.as_str()),
        ("3.00", "17.00", "0.00"),
        "USD apart from EUR, never added to it"
    );
}
