//! Daily usage in the compact layout: rows Microsoft lists with the same subscription, day,
//! meter and resource stay apart and read back as sent, in order; clearing a source leaves
//! no fact behind; the months with usage are found by seeks, gaps included.

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::accounts;
use crate::discovered::DailyUsageRow;
use crate::usage_decimal::text_sql;
use crate::Database;

fn day(month: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, d, 0, 0, 0).unwrap()
}

fn row(usage_date: DateTime<Utc>, charge_type: &str, quantity: Decimal) -> DailyUsageRow {
    DailyUsageRow {
        customer_id: "c1".into(),
        invoice_number: Some("G1".into()),
        subscription_id: "p1".into(),
        entitlement_id: "e1".into(),
        usage_date,
        meter_id: "m1".into(),
        meter_name: Some("D2s v3".into()),
        meter_category: Some("Virtual Machines".into()),
        meter_region: None,
        resource_uri: Some("/r/vm1".into()),
        unit_of_measure: Some("1 Hour".into()),
        charge_type: Some(charge_type.into()),
        quantity,
        unit_price: Some(dec!(0.0960)),
        effective_unit_price: dec!(0.0816),
        billing_pre_tax_total: dec!(1.95),
        billing_currency: "EUR".into(),
        pricing_pre_tax_total: None,
        pricing_currency: Some("USD".into()),
        pc_to_bc_exchange_rate: Some(dec!(0.91)),
        partner_earned_credit_rate: dec!(0.150),
    }
}

fn read(db: &Database) -> Vec<String> {
    // Quantities and prices are stored scaled (0025): read as their text.
    let (quantity, unit_price) = (text_sql("f.quantity"), text_sql("f.unit_price"));
    db.conn()
        .prepare(&format!(
            "SELECT s.source || '|' || date(f.day + 2440587.5) || '|' || t.charge_type || '|'
                    || ({quantity}) || '|' || ({unit_price}) || '|' || t.partner_earned_credit_rate
                    || '|' || coalesce(m.meter_region, 'NULL')
             FROM daily_usage_facts f JOIN usage_sources s ON s.id = f.source_id
             JOIN usage_terms t ON t.id = f.terms_id JOIN usage_meters m ON m.id = f.meter_id
             ORDER BY s.source, f.ordinal"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<Vec<String>>>()
        .unwrap()
}

#[test]
fn rows_with_one_natural_key_stay_apart_and_read_back_as_sent_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("u.sqlite3")).unwrap();
    let account = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", day(1, 1))
        .unwrap()
        .id;
    // Two pages of one invoice: the same subject, day, meter and resource three times.
    let mut w = db.ingest(&account).unwrap();
    w.daily_usage(
        "G1",
        &[
            row(day(10, 1), "new", dec!(24)),
            row(day(10, 1), "refund", dec!(-2.50)),
        ],
    )
    .unwrap();
    w.commit().unwrap();
    let mut w = db.ingest(&account).unwrap();
    w.daily_usage("G1", &[row(day(10, 1), "new", dec!(24))])
        .unwrap();
    w.daily_usage("G2", &[row(day(12, 3), "new", dec!(1))])
        .unwrap();
    w.commit().unwrap();

    assert_eq!(
        read(&db),
        [
            "G1|2026-10-01|new|24|0.0960|0.150|NULL",
            "G1|2026-10-01|refund|-2.50|0.0960|0.150|NULL",
            "G1|2026-10-01|new|24|0.0960|0.150|NULL",
            "G2|2026-12-03|new|1|0.0960|0.150|NULL",
        ],
        "every row kept, in Microsoft's order, decimals with the scale sent"
    );
    let (meters, terms): (i64, i64) = db
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM usage_meters), (SELECT count(*) FROM usage_terms)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((meters, terms), (1, 2), "what repeats is stored once");
    assert_eq!(
        crate::pricing::usage_months(&db, &account).unwrap(),
        ["2026-10", "2026-12"],
        "months with usage, a month without none"
    );

    let mut w = db.ingest(&account).unwrap();
    w.clear_daily_usage("G1").unwrap();
    w.commit().unwrap();
    assert_eq!(read(&db), ["G2|2026-12-03|new|1|0.0960|0.150|NULL"]);
    let in_view: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM daily_usage WHERE source = 'G2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_view, 1);
    let facts: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM daily_usage_facts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(facts, 1, "a cleared source's facts go with it");
}
