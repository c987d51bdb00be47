//! Ingest's own tests: a legacy usage window read again replaces what it wrote.

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::accounts;
use crate::discovered::{CustomerRow, SubscriptionKind, SubscriptionRow, UtilizationRow};
use crate::Database;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 0, 0, 0).unwrap()
}

/// A legacy utilization record of November `day`.
pub(crate) fn usage(day: u32) -> UtilizationRow {
    UtilizationRow {
        usage_start: at(day),
        usage_end: at(day + 1),
        meter_id: "m1".into(),
        meter_name: None,
        category: None,
        subcategory: None,
        region: None,
        resource_uri: None,
        quantity: Decimal::new(15, 1),
        unit: None,
    }
}

/// Customer `id` as listed.
pub(crate) fn customer(id: &str) -> CustomerRow {
    CustomerRow {
        id: id.into(),
        company_name: id.into(),
        domain: format!("{id}.example"),
        tenant_id: None,
        commerce_id: None,
        relationship: None,
    }
}

/// Legacy Azure subscription `id` as listed.
pub(crate) fn legacy_subscription(id: &str) -> SubscriptionRow {
    SubscriptionRow {
        id: id.into(),
        kind: SubscriptionKind::LegacyAzure,
        offer_id: "MS-AZR-0145P".into(),
        offer_name: None,
        friendly_name: None,
        quantity: None,
        unit_type: None,
        status: "active".into(),
        billing_type: None,
        billing_cycle: None,
        creation_date: None,
        commitment_end_date: None,
        term_duration: None,
        entitlement_id: None,
    }
}

fn count(db: &Database) -> i64 {
    db.conn()
        .query_row("SELECT count(*) FROM utilization_records", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_usage_window_read_again_replaces_exactly_what_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
    let account = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", at(1))
        .unwrap()
        .id;
    let mut w = db.ingest(&account).unwrap();
    w.customers(&[customer("c1")], at(1)).unwrap();
    w.subscriptions("c1", &[legacy_subscription("s1")], at(1))
        .unwrap();
    // The window of days reported from the 10th brings usage of the 9th (reported the
    // day after) and a late record of the 2nd.
    let from = at(10).date_naive();
    w.clear_utilization("s1", from).unwrap();
    w.utilization("s1", from, &[usage(9), usage(2)]).unwrap();
    w.commit().unwrap();
    // Interrupted before its last page: the next run reads the window again.
    let mut w = db.ingest(&account).unwrap();
    w.clear_utilization("s1", from).unwrap();
    w.utilization("s1", from, &[usage(9), usage(2), usage(10)])
        .unwrap();
    w.usage_through("s1", at(20).date_naive()).unwrap();
    w.commit().unwrap();
    assert_eq!(
        count(&db),
        3,
        "usage days outside the window's own days are replaced too, never doubled"
    );
}
