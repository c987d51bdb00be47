use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal_macros::dec;

use super::*;
use crate::{accounts, Database, Error};

fn db_with_account() -> (tempfile::TempDir, Database, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
    let acc = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", Utc::now()).unwrap();
    (dir, db, acc.id)
}

fn key(account: &str, month: &str) -> SheetKey {
    SheetKey {
        account_id: account.into(),
        view: "azure_consumption".into(),
        market: "US".into(),
        month: month.into(),
    }
}

fn row(
    line: u64,
    meter: &str,
    min: rust_decimal::Decimal,
    price: rust_decimal::Decimal,
) -> StoredSheetRow {
    StoredSheetRow {
        line,
        meter_id: Some(meter.into()),
        product_id: "DZH318Z0C16V".into(),
        sku_id: "001J".into(),
        product_title: "Advanced Data Security".into(),
        sku_title: "Standard".into(),
        unit: "1 Node/Month".into(),
        meter_type: "1 Node/Month".into(),
        currency: "USD".into(),
        unit_price: price,
        tier_min: min,
        tier_max: None,
        effective_start: NaiveDate::from_ymd_opt(2018, 3, 1).unwrap(),
        effective_end: Some(NaiveDate::from_ymd_opt(9999, 11, 30).unwrap()),
        term: "payG-1".into(),
        billing_plan: String::new(),
        erp_price: None,
    }
}

#[test]
fn a_sheet_is_written_whole_with_its_set_aside_rows_and_read_back() {
    let (_dir, mut db, acc) = db_with_account();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    let k = key(&acc, "2026-10");
    assert!(!holds_history(&db, &k).unwrap());
    let rows = vec![
        row(2, "m1", dec!(0), dec!(1.00)),
        row(3, "m1", dec!(100), dec!(0.80)),
    ];
    let written = write_sheet::<Error>(
        &mut db,
        &k,
        Timeline::History,
        Some("oct.csv"),
        None,
        now,
        |w| {
            for r in &rows {
                w.row(r)?;
            }
            w.set_aside(4, "UnitPrice", "\"x\" is not a number")
        },
    )
    .unwrap();
    assert_eq!(
        (
            written.sheet.rows,
            written.sheet.set_aside,
            written.replaced
        ),
        (2, 1, false)
    );
    assert!(holds_history(&db, &k).unwrap());
    assert!(!holds_history(&db, &key(&acc, "2026-09")).unwrap());
    assert_eq!(sheet_rows(&db, written.sheet.id).unwrap(), rows);
    assert_eq!(
        sheets(&db, &acc, Some("azure_consumption")).unwrap(),
        vec![written.sheet.clone()]
    );
    assert!(sheets(&db, &acc, Some("updatedlicensebased"))
        .unwrap()
        .is_empty());

    // Read again with another price: replaced, with another fingerprint.
    let again = write_sheet::<Error>(&mut db, &k, Timeline::History, None, None, now, |w| {
        w.row(&row(2, "m1", dec!(0), dec!(1.10)))
    })
    .unwrap();
    assert!(again.replaced);
    assert_ne!(again.sheet.fingerprint, written.sheet.fingerprint);
    assert_eq!(sheets(&db, &acc, None).unwrap().len(), 1);
}

#[test]
fn a_reading_that_fails_writes_nothing_and_keeps_what_was_held() {
    let (_dir, mut db, acc) = db_with_account();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    let k = key(&acc, "2026-11");
    let held = write_sheet::<Error>(&mut db, &k, Timeline::Current, None, None, now, |w| {
        w.row(&row(2, "m1", dec!(0), dec!(1)))
    })
    .unwrap();
    let failed = write_sheet::<Error>(&mut db, &k, Timeline::Current, None, None, now, |w| {
        w.row(&row(2, "m2", dec!(0), dec!(2)))?;
        Err(Error::Invalid {
            field: "file",
            message: "the header has no UnitPrice column".into(),
        })
    });
    assert!(failed.unwrap_err().to_string().contains("UnitPrice"));
    assert_eq!(sheets(&db, &acc, None).unwrap(), vec![held.sheet.clone()]);
    assert_eq!(
        sheet_rows(&db, held.sheet.id).unwrap()[0]
            .meter_id
            .as_deref(),
        Some("m1")
    );
    assert!(
        !holds_history(&db, &k).unwrap(),
        "the current month is not history"
    );
}

#[test]
fn a_months_fx_rates_replace_that_month_only() {
    let (_dir, mut db, acc) = db_with_account();
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    let oct = BTreeMap::from([
        ("EUR".to_string(), dec!(1.08)),
        ("GBP".to_string(), dec!(1.27)),
    ]);
    let nov = BTreeMap::from([("EUR".to_string(), dec!(1.10))]);
    assert_eq!(
        write_fx(&mut db, &acc, "2026-10", &oct, None, now).unwrap(),
        0
    );
    write_fx(&mut db, &acc, "2026-11", &nov, None, now).unwrap();
    let fewer = BTreeMap::from([("EUR".to_string(), dec!(1.09))]);
    assert_eq!(
        write_fx(&mut db, &acc, "2026-10", &fewer, None, now).unwrap(),
        2
    );
    let all = fx_rates(&db, &acc, &[]).unwrap();
    assert_eq!(all["2026-10"].usd_per_unit, fewer);
    assert_eq!(all["2026-11"].usd_per_unit, nov);
    let one = fx_rates(&db, &acc, &["2026-11".to_string()]).unwrap();
    assert_eq!(one.keys().collect::<Vec<_>>(), vec!["2026-11"]);
}

#[test]
fn the_migration_keeps_runs_and_their_set_aside_items_and_learns_pricing_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        crate::migration::migrate_to(&mut conn, 16).unwrap();
        conn.execute_batch(
            "INSERT INTO partner_accounts (id, name, tenant_id, created_at)
             VALUES ('a1', 'CSP', '0a1b2c3d-0000-4000-8000-000000000001', '2026-03-01T00:00:00Z');
             INSERT INTO import_runs (id, account_id, trigger, state, started_at, heartbeat_at, kind, source, warnings)
             VALUES (7, 'a1', 'manual', 'completed', '2026-03-02T01:00:00Z', '2026-03-02T01:00:00Z', 'stackUsage', 's/r/g', 1);
             INSERT INTO set_aside_items (account_id, run_id, collection, endpoint, page, item_index, field, reason, raw)
             VALUES ('a1', 7, 'usage', '/e', 1, 0, '$.id', 'missing', '{}');",
        )
        .unwrap();
    }
    let db = Database::open(&path).unwrap();
    let kept: (i64, String, i64) = db
        .conn()
        .query_row(
            "SELECT r.id, r.kind, r.warnings FROM set_aside_items s JOIN import_runs r ON r.id = s.run_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(kept, (7, "stackUsage".to_string(), 1));
    db.conn()
        .execute(
            "INSERT INTO import_runs (account_id, trigger, state, started_at, heartbeat_at, kind)
             VALUES ('a1', 'manual', 'inProgress', 'x', 'x', 'pricing')",
            [],
        )
        .unwrap();
    assert!(db
        .conn()
        .execute(
            "INSERT INTO import_runs (account_id, trigger, state, started_at, heartbeat_at, kind)
             VALUES ('a1', 'manual', 'inProgress', 'x', 'x', 'other')",
            [],
        )
        .is_err());
    db.conn()
        .execute("DELETE FROM import_runs WHERE id = 7", [])
        .unwrap();
    let left: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM set_aside_items", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "the cascade still holds after the rebuild");
}
