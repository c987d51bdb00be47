//! A Graph export's rows: staged rows stay out of sight until the one transaction that swaps
//! them in with the export's data version; a version read again replaces, never doubles.

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::accounts;
use crate::discovered::{DailyUsageRow, GraphDataset, GraphExportVersion};
use crate::Database;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, hour, 0, 0).unwrap()
}

fn row(quantity: i64) -> DailyUsageRow {
    DailyUsageRow {
        customer_id: "c1".into(),
        invoice_number: Some(String::new()),
        subscription_id: "s1".into(),
        entitlement_id: "e1".into(),
        usage_date: at(0),
        meter_id: "m1".into(),
        meter_name: None,
        meter_category: None,
        meter_region: None,
        resource_uri: None,
        unit_of_measure: None,
        charge_type: None,
        quantity: Decimal::new(quantity, 0),
        unit_price: None,
        effective_unit_price: Decimal::ONE,
        billing_pre_tax_total: Decimal::new(quantity, 0),
        billing_currency: "USD".into(),
        pricing_pre_tax_total: None,
        pricing_currency: None,
        pc_to_bc_exchange_rate: None,
        partner_earned_credit_rate: Decimal::ZERO,
    }
}

fn usage(db: &Database) -> (i64, i64) {
    db.conn()
        .query_row(
            "SELECT count(*), coalesce(sum(CAST(quantity AS INTEGER)), 0) FROM daily_usage WHERE source = 'unbilled:2026-12:USD'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
}

fn version(e_tag: &str, hour: u32) -> GraphExportVersion {
    GraphExportVersion {
        dataset: GraphDataset::UnbilledUsage,
        scope: "2026-12:USD".into(),
        e_tag: Some(e_tag.into()),
        manifest_created_at: None,
        read_at: at(hour),
        blobs: 1,
        set_aside: 0,
    }
}

#[test]
fn staged_rows_are_swapped_in_whole_and_a_new_version_replaces_the_old() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("g.sqlite3")).unwrap();
    let account = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", at(1))
        .unwrap()
        .id;
    let key = GraphDataset::UnbilledUsage.key("2026-12:USD");
    for (e_tag, quantities) in [("e1", vec![1, 2]), ("e2", vec![5, 6, 7])] {
        let mut w = db.ingest(&account).unwrap();
        w.clear_staged(&key).unwrap();
        w.stage_usage(&key, &[row(quantities[0])]).unwrap();
        w.commit().unwrap();
        let mut w = db.ingest(&account).unwrap();
        w.stage_usage(
            &key,
            &quantities[1..].iter().map(|q| row(*q)).collect::<Vec<_>>(),
        )
        .unwrap();
        w.commit().unwrap();
        let before = usage(&db);
        assert!(
            e_tag == "e1" && before == (0, 0) || e_tag == "e2" && before == (2, 3),
            "staged rows are not seen before the swap: {before:?}"
        );
        let mut w = db.ingest(&account).unwrap();
        let moved = w.commit_graph_export(&version(e_tag, 2)).unwrap();
        w.commit().unwrap();
        assert_eq!(moved, quantities.len() as u64);
        assert_eq!(
            usage(&db),
            (quantities.len() as i64, quantities.iter().sum::<i64>()),
            "the period holds exactly this version's rows"
        );
    }
    let staged: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM daily_usage_facts f JOIN usage_sources s ON s.id = f.source_id
             WHERE s.staged = 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(staged, 0, "nothing stays staged");
    let (e_tag, rows): (String, i64) = db
        .conn()
        .query_row("SELECT e_tag, rows FROM graph_exports", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (e_tag.as_str(), rows),
        ("e2", 3),
        "the version stored is the one swapped in"
    );

    // A download that stops half-way: its staged rows are dropped by the next read, and the
    // stored version is untouched meanwhile.
    let mut w = db.ingest(&account).unwrap();
    w.stage_usage(&key, &[row(100)]).unwrap();
    w.commit().unwrap();
    assert_eq!(usage(&db), (3, 18), "the previous version stays whole");
    let mut w = db.ingest(&account).unwrap();
    w.clear_staged(&key).unwrap();
    w.graph_export_unchanged(GraphDataset::UnbilledUsage, "2026-12:USD", at(5))
        .unwrap();
    w.commit().unwrap();
    assert_eq!(usage(&db), (3, 18));
    let facts: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM daily_usage_facts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(facts, 3, "the stopped download's staged row is gone");
}
