use chrono::{TimeZone, Utc};
use rust_decimal_macros::dec;

use super::*;
use crate::discovered::{DailyUsageRow, InvoiceRow};
use crate::{accounts, Database, Money};

pub(super) fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap()
}

pub(super) fn usage(day: &str, quantity: rust_decimal::Decimal, resource: &str) -> DailyUsageRow {
    DailyUsageRow {
        customer_id: "c1".into(),
        invoice_number: None,
        subscription_id: "PLAN".into(),
        entitlement_id: "e1".into(),
        usage_date: Utc.from_utc_datetime(&format!("{day}T00:00:00").parse().unwrap()),
        meter_id: "M1".into(),
        meter_name: Some("Meter".into()),
        meter_category: Some("Storage".into()),
        meter_region: None,
        resource_uri: Some(resource.into()),
        unit_of_measure: None,
        charge_type: Some("new".into()),
        quantity,
        unit_price: Some(dec!(1)),
        effective_unit_price: dec!(0.85),
        billing_pre_tax_total: quantity * dec!(0.85),
        billing_currency: "USD".into(),
        pricing_pre_tax_total: None,
        pricing_currency: Some("USD".into()),
        pc_to_bc_exchange_rate: Some(dec!(1)),
        partner_earned_credit_rate: dec!(0.15),
    }
}

/// One account; October billed on invoice G1 (with a stale unbilled copy that must not
/// count), November unbilled.
fn fixture() -> (tempfile::TempDir, Database, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("r.sqlite3")).unwrap();
    let account = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .invoices(
            &[InvoiceRow {
                id: "G1".into(),
                invoice_date: Some("2026-11-08T00:00:00Z".into()),
                billing_period_start: Some("2026-10-01T00:00:00Z".into()),
                billing_period_end: Some("2026-10-31T00:00:00Z".into()),
                total_charges: dec!(0),
                paid_amount: None,
                currency: "USD".into(),
                invoice_type: Some("OneTime".into()),
                document_type: Some("invoice".into()),
                amends_of: None,
                streams: vec![],
            }],
            now(),
        )
        .unwrap();
    ingest
        .daily_usage(
            "G1",
            &[
                usage("2026-10-01", dec!(2), "r1"),
                usage("2026-10-01", dec!(3), "r2"),
                usage("2026-10-02", dec!(4), "r1"),
            ],
        )
        .unwrap();
    ingest
        .daily_usage(
            "unbilled:2026-10:USD",
            &[usage("2026-10-01", dec!(99), "r1")],
        )
        .unwrap();
    ingest
        .daily_usage(
            "unbilled:2026-11:USD",
            &[usage("2026-11-01", dec!(5), "r1")],
        )
        .unwrap();
    ingest.commit().unwrap();
    (dir, db, account)
}

#[test]
fn inputs_count_billed_usage_once_and_fingerprint_what_is_read() {
    let (_dir, db, account) = fixture();
    let inputs = period_inputs(&db, &account, None).unwrap();
    let periods: Vec<(&str, u64)> = inputs
        .iter()
        .map(|p| (p.period.as_str(), p.azure_plan.records))
        .collect();
    assert_eq!(
        periods,
        vec![("2026-10", 3), ("2026-11", 1)],
        "October's stale unbilled copy is ignored once billed rows exist"
    );
    let (rows, read) = azure_plan_usage(&db, &account, "c1", "2026-10").unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        read, inputs[0].azure_plan,
        "the scan and the read of one period fingerprint the same rows alike"
    );
    assert_eq!(
        rows.iter().map(|r| r.quantity).collect::<Vec<_>>(),
        vec![dec!(2), dec!(3), dec!(4)],
        "by day, then as stored"
    );
    let only_nov = period_inputs(&db, &account, Some("2026-11")).unwrap();
    assert_eq!(only_nov.len(), 1);
    assert_eq!(only_nov[0].azure_plan, inputs[1].azure_plan);

    let invoice = invoice_usage(&db, &account, "2026-10").unwrap();
    assert_eq!(
        invoice.len(),
        3,
        "the invoice's rows, not the unbilled copy"
    );
    assert!(invoice.iter().all(|l| l.billed));
    let open = invoice_usage(&db, &account, "2026-11").unwrap();
    assert_eq!(open.len(), 1);
    assert!(!open[0].billed);
    assert!(period_inputs(&db, &account, Some("2026-13")).is_err());

    assert!(
        rows.iter()
            .all(|r| r.partner_earned_credit_rate == dec!(0.15))
            && invoice
                .iter()
                .all(|l| l.partner_earned_credit_rate == dec!(0.15)),
        "the stored credit rate reaches rating and reconciliation"
    );
    let dumped = crate::discovered::dump_tables(&db, &["daily_usage"], &[]).unwrap();
    let usage_rows: Vec<&str> = dumped.lines().skip(1).collect();
    assert!(
        !usage_rows.is_empty() && usage_rows.iter().all(|r| r.ends_with("|Text(\"0.15\")")),
        "the canonical dump carries each row's rate: {dumped}"
    );
}

fn line(kind: UsageKind, meter: &str, day: u32, total: rust_decimal::Decimal) -> RatedLineRow {
    RatedLineRow {
        subscription_id: "S".into(),
        entitlement_id: "e1".into(),
        meter_id: meter.into(),
        usage_date: chrono::NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
        usage_kind: kind,
        meter_name: None,
        meter_category: None,
        records: 1,
        quantity: dec!(1),
        unit_price: total,
        effective_unit_price: total,
        credit_rate: dec!(0),
        discount: dec!(0),
        fx_rate: dec!(1),
        pricing_currency: "USD".into(),
        pricing_total: Money::new(total),
        billing_pre_tax_total: Money::new(total),
        billing_currency: "USD".into(),
        price_origin: "rateCard".into(),
        list_cost: Money::new(total),
        effective_cost: Money::new(total),
    }
}

fn state(customer: &str, lines: u32) -> RatingStateRow {
    RatingStateRow {
        customer_id: customer.into(),
        period: "2026-10".into(),
        usage_records: 3,
        usage_fingerprint: "f".into(),
        price_cards: "USD".into(),
        prices_fingerprint: "p".into(),
        rules: 1,
        lines,
        refused: None,
        rated_at: now(),
        input_versions: None,
    }
}

#[test]
fn a_period_is_replaced_whole_and_legacy_totals_floor_per_meter_and_month() {
    let (_dir, mut db, account) = fixture();
    let first = vec![line(UsageKind::AzurePlan, "m1", 1, dec!(9))];
    replace(&mut db, &account, &state("c1", 1), &first).unwrap();
    let second = vec![
        line(UsageKind::AzurePlan, "m1", 1, dec!(1.01)),
        line(UsageKind::AzurePlan, "m1", 2, dec!(2.02)),
        // Legacy days keep full precision and the month is floored once per subscription and
        // meter: 0.335 × 3 = 1.005 -> 1.00, where three floored days would make 0.99.
        line(UsageKind::Legacy, "m2", 1, dec!(0.335)),
        line(UsageKind::Legacy, "m2", 2, dec!(0.335)),
        line(UsageKind::Legacy, "m2", 3, dec!(0.335)),
    ];
    assert_eq!(
        replace(&mut db, &account, &state("c1", 5), &second).unwrap(),
        5
    );
    let stored = lines(&db, &account, "2026-10", Some("c1")).unwrap();
    assert_eq!(stored.len(), 5, "the earlier line is gone");
    assert_eq!(stored[0].billing_pre_tax_total, Money::new(dec!(1.01)));
    let t = totals(&db, Some(&account), "2026-10").unwrap();
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].azure_plan, Money::new(dec!(3.03)));
    assert_eq!(t[0].legacy, Money::new(dec!(1.00)));
    assert_eq!(t[0].total, Money::new(dec!(4.03)));
    assert_eq!(t[0].lines, 5);
    let s = states(&db, &account, Some("2026-10")).unwrap();
    assert_eq!((s.len(), s[0].lines), (1, 5));

    clear(&mut db, &account, "c1", "2026-10", None).unwrap();
    assert!(lines(&db, &account, "2026-10", None).unwrap().is_empty());
    assert!(states(&db, &account, None).unwrap().is_empty());
}

#[test]
fn removing_the_account_removes_its_rating() {
    let (_dir, mut db, account) = fixture();
    replace(
        &mut db,
        &account,
        &state("c1", 1),
        &[line(UsageKind::AzurePlan, "m1", 1, dec!(1))],
    )
    .unwrap();
    accounts::remove(&db, &account).unwrap();
    assert!(totals(&db, None, "2026-10").unwrap().is_empty());
    assert!(states(&db, &account, None).unwrap().is_empty());
}

#[test]
fn late_usage_is_rated_in_the_period_of_its_day_and_shown_on_the_invoice_that_billed_it() {
    let (_dir, mut db, account) = fixture();
    let mut ingest = db.ingest(&account).unwrap();
    // Reported after September closed, billed on October's invoice.
    ingest
        .daily_usage("G1", &[usage("2026-09-30", dec!(7), "r9")])
        .unwrap();
    ingest.commit().unwrap();
    let inputs = period_inputs(&db, &account, None).unwrap();
    let september = inputs.iter().find(|p| p.period == "2026-09").unwrap();
    assert_eq!(september.azure_plan.records, 1);
    let october = inputs.iter().find(|p| p.period == "2026-10").unwrap();
    assert_eq!(
        october.azure_plan.records, 3,
        "October's own usage is unchanged"
    );
    let invoice = invoice_usage(&db, &account, "2026-10").unwrap();
    assert_eq!(
        invoice.len(),
        4,
        "the invoice side of October carries the late line"
    );
    assert_eq!(invoice[0].usage_date.to_string(), "2026-09-30");
}

#[test]
fn a_note_counts_in_the_period_of_the_invoice_it_amends() {
    let (_dir, mut db, account) = fixture();
    let mut ingest = db.ingest(&account).unwrap();
    // Issued on 18 November against October's invoice; Discovery gives it G1's period.
    ingest
        .invoices(
            &[InvoiceRow {
                id: "G2".into(),
                invoice_date: Some("2026-11-18T00:00:00Z".into()),
                billing_period_start: Some("2026-10-01T00:00:00Z".into()),
                billing_period_end: Some("2026-10-31T00:00:00Z".into()),
                total_charges: dec!(-0.85),
                paid_amount: None,
                currency: "USD".into(),
                invoice_type: Some("OneTime".into()),
                document_type: Some("adjustment_note".into()),
                amends_of: Some("G1".into()),
                streams: vec![],
            }],
            now(),
        )
        .unwrap();
    ingest
        .daily_usage("G2", &[usage("2026-10-02", dec!(-1), "r1")])
        .unwrap();
    ingest.commit().unwrap();
    let october = invoice_usage(&db, &account, "2026-10").unwrap();
    assert_eq!(
        october.iter().filter(|u| u.source == "G2").count(),
        1,
        "Reconciliation reads the note's usage with October's invoice"
    );
    assert!(october.iter().all(|u| u.billed));
    assert!(
        invoice_usage(&db, &account, "2026-11")
            .unwrap()
            .iter()
            .all(|u| u.source != "G2"),
        "not in the month it was issued"
    );
}

#[test]
fn input_versions_move_with_the_imports_of_their_customer_period_only() {
    let (_dir, mut db, account) = fixture();
    let versions = |db: &Database| -> Vec<(String, i64)> {
        period_versions(db, &account, None)
            .unwrap()
            .into_iter()
            .map(|v| (v.period, v.usage))
            .collect()
    };
    let start = versions(&db);
    assert_eq!(
        start.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(),
        ["2026-10", "2026-11"]
    );
    let invoice_october = invoice_versions(&db, &account, "2026-10").unwrap()["c1"];

    // Reading moves nothing.
    azure_plan_usage(&db, &account, "c1", "2026-10").unwrap();
    period_inputs(&db, &account, None).unwrap();
    assert_eq!(versions(&db), start);

    // More unbilled November usage: November moves, October does not.
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .daily_usage(
            "unbilled:2026-11:USD",
            &[usage("2026-11-02", dec!(1), "r1")],
        )
        .unwrap();
    ingest.commit().unwrap();
    let more = versions(&db);
    assert_eq!(more[0], start[0]);
    assert!(more[1].1 > start[1].1, "{more:?}");

    // The October invoice's rows go (its read starts again): October's usage and its invoice
    // side move (the stale unbilled copy counts again).
    let mut ingest = db.ingest(&account).unwrap();
    ingest.clear_daily_usage("G1").unwrap();
    ingest.commit().unwrap();
    let cleared = versions(&db);
    assert!(cleared[0].1 > more[0].1, "{cleared:?}");
    assert!(invoice_versions(&db, &account, "2026-10").unwrap()["c1"] > invoice_october);
}
