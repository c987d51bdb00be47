//! The review's findings on data versions (issue 19): each writer whose change moves what a
//! reader of the versions reads must move the version that reader keys on, and a version
//! number once handed out is never handed out again.

use chrono::NaiveDate;
use rust_decimal_macros::dec;

use super::tests::{now, usage};
use super::*;
use crate::discovered::ingest_tests::{customer, legacy_subscription, usage as utilization};
use crate::discovered::InvoiceRow;
use crate::{accounts, Database};

fn account(db: &Database) -> String {
    accounts::add(db, "A", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id
}

fn invoice(id: &str, period_start: &str, currency: &str) -> InvoiceRow {
    InvoiceRow {
        id: id.into(),
        invoice_date: None,
        billing_period_start: Some(format!("{period_start}T00:00:00Z")),
        billing_period_end: None,
        total_charges: dec!(0),
        paid_amount: None,
        currency: currency.into(),
        invoice_type: Some("OneTime".into()),
        document_type: Some("invoice".into()),
        amends_of: None,
        streams: vec![],
    }
}

/// `(usage, invoice)` versions of c1 in `period` (0: none).
fn of_c1(db: &Database, account: &str, period: &str) -> (i64, i64) {
    let usage = period_versions(db, account, Some(period))
        .unwrap()
        .into_iter()
        .find(|v| v.customer_id == "c1")
        .map_or(0, |v| v.usage);
    let invoice = invoice_versions(db, account, period)
        .unwrap()
        .get("c1")
        .copied()
        .unwrap_or(0);
    (usage, invoice)
}

#[test]
fn an_invoice_listed_after_its_billed_usage_moves_its_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("r.sqlite3")).unwrap();
    let account = account(&db);
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .daily_usage(
            "unbilled:2026-10:USD",
            &[usage("2026-10-02", dec!(1), "r1")],
        )
        .unwrap();
    ingest
        .daily_usage("G9", &[usage("2026-10-02", dec!(2), "r1")])
        .unwrap();
    ingest.commit().unwrap();
    let before = of_c1(&db, &account, "2026-10");

    // The invoice row arrives: its rows now are October's invoice side, and October's
    // unbilled copy stops counting for rating.
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(&[invoice("G9", "2026-10-01", "USD")], now())
        .unwrap();
    ingest.commit().unwrap();
    let after = of_c1(&db, &account, "2026-10");
    assert!(after.0 > before.0, "usage: {before:?} -> {after:?}");
    assert!(after.1 > before.1, "invoice side: {before:?} -> {after:?}");

    // Listed again unchanged: nothing moves.
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(&[invoice("G9", "2026-10-01", "USD")], now())
        .unwrap();
    ingest.commit().unwrap();
    assert_eq!(of_c1(&db, &account, "2026-10"), after);
}

#[test]
fn an_invoice_whose_period_or_currency_changes_moves_the_periods_it_left_and_joined() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("r.sqlite3")).unwrap();
    let account = account(&db);
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(&[invoice("G1", "2026-10-01", "USD")], now())
        .unwrap();
    ingest
        .daily_usage(
            "unbilled:2026-10:USD",
            &[usage("2026-10-03", dec!(1), "r1")],
        )
        .unwrap();
    ingest
        .daily_usage("G1", &[usage("2026-10-02", dec!(2), "r1")])
        .unwrap();
    ingest.commit().unwrap();
    let october = of_c1(&db, &account, "2026-10");
    let november = of_c1(&db, &account, "2026-11");

    // Its billing period moves to November: October's invoice side loses its rows (and its
    // unbilled copy counts again), November's gains them.
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(&[invoice("G1", "2026-11-01", "USD")], now())
        .unwrap();
    ingest.commit().unwrap();
    let october_moved = of_c1(&db, &account, "2026-10");
    let november_moved = of_c1(&db, &account, "2026-11");
    assert!(
        october_moved.0 > october.0,
        "{october:?} -> {october_moved:?}"
    );
    assert!(
        october_moved.1 > october.1,
        "{october:?} -> {october_moved:?}"
    );
    assert!(
        november_moved.1 > november.1,
        "{november:?} -> {november_moved:?}"
    );

    // Back in October, now in EUR: the USD unbilled copy still counts (no USD invoice), but
    // the invoice side of October gains the rows again.
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(&[invoice("G1", "2026-10-01", "USD")], now())
        .unwrap();
    ingest.commit().unwrap();
    let usd = of_c1(&db, &account, "2026-10");
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(&[invoice("G1", "2026-10-01", "EUR")], now())
        .unwrap();
    ingest.commit().unwrap();
    let eur = of_c1(&db, &account, "2026-10");
    assert!(
        eur.0 > usd.0,
        "the unbilled copy counts again: {usd:?} -> {eur:?}"
    );
}

#[test]
fn a_forgotten_version_number_is_never_handed_out_again() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("r.sqlite3")).unwrap();
    let account = account(&db);
    let source = "unbilled:2026-11:USD";
    let mut highest = 0;
    for round in 0..3 {
        let mut ingest = db.ingest(&account).unwrap();
        ingest
            .daily_usage(source, &[usage("2026-11-02", dec!(1), "r1")])
            .unwrap();
        ingest.commit().unwrap();
        let (usage, _) = of_c1(&db, &account, "2026-11");
        assert!(usage > highest, "round {round}: {usage} after {highest}");
        highest = usage;

        // Its rows go, and rating forgets the customer-period.
        let mut ingest = db.ingest(&account).unwrap();
        ingest.clear_daily_usage(source).unwrap();
        ingest.commit().unwrap();
        let gone = period_versions(&db, &account, Some("2026-11")).unwrap();
        highest = highest.max(gone[0].usage);
        clear(&mut db, &account, "c1", "2026-11", Some(&gone[0])).unwrap();
        assert!(
            period_versions(&db, &account, Some("2026-11"))
                .unwrap()
                .is_empty(),
            "a forgotten customer-period is not listed for rating"
        );
    }
}

/// The legacy version of `customer` in November (0: none).
fn legacy_of(db: &Database, account: &str, customer: &str) -> i64 {
    period_versions(db, account, Some("2026-11"))
        .unwrap()
        .into_iter()
        .find(|v| v.customer_id == customer)
        .map_or(0, |v| v.legacy)
}

#[test]
fn a_legacy_subscription_moved_to_another_customer_moves_both_customers() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("r.sqlite3")).unwrap();
    let account = account(&db);
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .customers(&[customer("a"), customer("b")], now())
        .unwrap();
    ingest
        .subscriptions("a", &[legacy_subscription("s1")], now())
        .unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 11, 12).unwrap();
    ingest.utilization("s1", from, &[utilization(12)]).unwrap();
    ingest.commit().unwrap();
    let a = legacy_of(&db, &account, "a");
    assert!(a > 0);
    assert_eq!(legacy_of(&db, &account, "b"), 0);

    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .subscriptions("b", &[legacy_subscription("s1")], now())
        .unwrap();
    ingest.commit().unwrap();
    assert!(legacy_of(&db, &account, "a") > a, "the customer it left");
    let b = legacy_of(&db, &account, "b");
    assert!(b > 0, "the customer it joined");

    // Listed again under the same customer: nothing moves.
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .subscriptions("b", &[legacy_subscription("s1")], now())
        .unwrap();
    ingest.commit().unwrap();
    assert_eq!(legacy_of(&db, &account, "b"), b);
}
