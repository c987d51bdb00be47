//! Migration 0024 clusters `rated_lines` by (account, period, customer, ...) WITHOUT ROWID:
//! the lines read back exactly as before, a killed conversion leaves the file as it was,
//! the primary key's separate index and the period index are gone, and the readers find a
//! period by the key's prefix.

use rusqlite::Connection;

use crate::migration::{migrate_to, LATEST, MIGRATIONS};
use crate::Database;

fn dump(db: &Database) -> String {
    crate::discovered::dump_tables(db, &["rated_lines"], &[]).unwrap()
}

#[test]
fn rated_lines_are_clustered_in_place_and_read_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("before-0024.sqlite3");
    let clustered = MIGRATIONS
        .iter()
        .position(|m| m.contains("CREATE TABLE rated_lines_clustered"))
        .unwrap();
    let mut conn = Connection::open(&path).unwrap();
    migrate_to(&mut conn, clustered).unwrap();
    // Two accounts, two periods, a legacy line without a meter name, one rated before list
    // costs were kept (their defaults).
    conn.execute_batch(
        "INSERT INTO partner_accounts (id, name, tenant_id, created_at) VALUES
             ('a1', 'Contoso', '0a1b2c3d-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z'),
             ('a2', 'Fabrikam', '0a1b2c3d-0000-4000-8000-000000000002', '2026-01-01T00:00:00Z');
         INSERT INTO rated_lines (account_id, customer_id, period, subscription_id, entitlement_id,
             meter_id, usage_date, usage_kind, meter_name, meter_category, records, quantity,
             unit_price, effective_unit_price, credit_rate, discount, fx_rate, pricing_currency,
             pricing_total, billing_pre_tax_total, billing_currency, price_origin, rated_at,
             list_cost, effective_cost) VALUES
             ('a1', 'c2', '2026-10', 'p1', 'e1', 'm1', '2026-10-02', 'azurePlan', 'D2s v3',
              'Virtual Machines', 3, '24', '0.096', '0.0816', '0.15', '0', '0.91', 'USD',
              '1.9584', '1.782144', 'EUR', 'priceList', '2026-11-03T10:00:00.000Z', '2.304', '1.9584'),
             ('a1', 'c1', '2026-10', 'p1', 'e1', 'm1', '2026-10-01', 'azurePlan', 'D2s v3',
              'Virtual Machines', 1, '1.50', '0.096', '0.0816', '0.15', '0', '0.91', 'USD',
              '0.1224', '0.111384', 'EUR', 'priceList', '2026-11-03T10:00:00.000Z', '0.144', '0.1224'),
             ('a1', 'c1', '2026-09', 'L1', 'L1', 'm2', '2026-09-30', 'legacy', NULL, NULL, 2,
              '0.000001', '0.376', '0.3196', '0', '0.15', '1', 'USD', '0.0000003196',
              '0.0000003196', 'USD', 'rateCard', '2026-10-03T10:00:00.000Z', '0.000000376',
              '0.0000003196');
         INSERT INTO rated_lines (account_id, customer_id, period, subscription_id, entitlement_id,
             meter_id, usage_date, usage_kind, meter_name, meter_category, records, quantity,
             unit_price, effective_unit_price, credit_rate, discount, fx_rate, pricing_currency,
             pricing_total, billing_pre_tax_total, billing_currency, price_origin, rated_at)
         VALUES ('a2', 'c9', '2026-10', 'p9', 'e9', 'm1', '2026-10-05', 'azurePlan', 'D2s v3',
              'Virtual Machines', 1, '2', '0.1', '0.1', '0', '0', '1', 'USD', '0.2', '0.2', 'USD',
              'retailPrices', '2026-11-03T10:00:00.000Z');",
    )
    .unwrap();
    drop(conn);
    let before = dump(&Database::open_read_only(&path).unwrap());
    assert!(before.contains("## rated_lines (4 rows)"), "{before}");

    // Killed half-way: the transaction never commits, the file stays at the version before.
    {
        let mut conn = Connection::open(&path).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(MIGRATIONS[clustered]).unwrap();
        drop(tx);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, clustered as i64);
    }
    assert_eq!(dump(&Database::open_read_only(&path).unwrap()), before);

    let db = Database::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), LATEST);
    assert_eq!(dump(&db), before, "every line reads back as stored before");
    let (sql, indexes): (String, i64) = db
        .conn()
        .query_row(
            "SELECT (SELECT sql FROM sqlite_master WHERE name = 'rated_lines'),
                    (SELECT count(*) FROM sqlite_master WHERE type = 'index'
                       AND tbl_name = 'rated_lines')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(sql.contains("WITHOUT ROWID"), "{sql}");
    assert_eq!(indexes, 0, "the key is the table; no other index");

    // A period is the key's prefix: no scan, no sort for the listing order.
    let plan: Vec<String> = db
        .conn()
        .prepare(
            "EXPLAIN QUERY PLAN SELECT customer_id FROM rated_lines
             WHERE account_id = 'a1' AND period = '2026-10'
             ORDER BY customer_id, subscription_id, entitlement_id, meter_id, usage_date",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        plan,
        ["SEARCH rated_lines USING PRIMARY KEY (account_id=? AND period=?)"],
        "{plan:?}"
    );
    let lines = crate::rated::lines(&db, "a1", "2026-10", None).unwrap();
    let customers: Vec<&str> = lines.iter().map(|l| l.customer_id.as_str()).collect();
    assert_eq!(customers, ["c1", "c2"]);
}
