//! Migration 0025 on a database written before it: every value reads back as the same text
//! (the canonical dump is byte-identical), canonical values become scaled integers, the
//! rest stays text, and a killed migration leaves the file as it was.

use rusqlite::Connection;

use crate::discovered::dump;
use crate::migration::{migrate_to, sql_of, version_before, LATEST};
use crate::rated::period_inputs;
use crate::Database;

/// A file at the version before 0025 with usage facts stored as text, as 0019 wrote them:
/// canonical values, other spellings Microsoft could send, huge ones and NULLs.
fn old_file(path: &std::path::Path) -> usize {
    let before = version_before("usage_decimal_stored(quantity)");
    let mut conn = Connection::open(path).unwrap();
    migrate_to(&mut conn, before).unwrap();
    conn.execute_batch(
        "INSERT INTO partner_accounts (id, name, tenant_id, created_at)
             VALUES ('a1', 'Contoso', '0a1b2c3d-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z');
         INSERT INTO usage_sources (id, account_id, source, next_ordinal) VALUES
             (1, 'a1', 'G1', 6), (2, 'a1', 'unbilled:2026-11:EUR', 1);
         INSERT INTO usage_subjects (id, account_id, customer_id, subscription_id, entitlement_id)
             VALUES (1, 'a1', 'c1', 'p1', 'e1'), (2, 'a1', 'c2', 'p2', 'e2');
         INSERT INTO usage_meters (id, meter_id, meter_name) VALUES (1, 'm1', 'Disk'), (2, 'm2', NULL);
         INSERT INTO usage_terms (id, invoice_number, charge_type, billing_currency,
                 partner_earned_credit_rate) VALUES (1, 'G1', 'new', 'EUR', '0.150');
         INSERT INTO daily_usage_facts (source_id, subject_id, day, meter_id, resource_id,
                 ordinal, terms_id, quantity, unit_price, effective_unit_price,
                 billing_pre_tax_total, pricing_pre_tax_total) VALUES
             (1, 1, 20727, 1, 0, 0, 1, '24', '0.0960', '0.0816', '1.9584', NULL),
             (1, 1, 20727, 1, 0, 1, 1, '-2.50', NULL, '0.0816', '-0.2040', '-0.20'),
             (1, 1, 20727, 2, 0, 2, 1, '1e-5', ' 1', '+0.5', '01.50', '-0.00'),
             (1, 2, 20728, 1, 0, 3, 1, '0.0000000000000000000000000001', '0', '0.00',
                 '123456789012345678901234', '99999999999999999'),
             (1, 2, 20729, 2, 0, 4, 1, '100000000000000000', '1.', '.5', '0', '0'),
             (1, 2, 20729, 2, 0, 5, 1, '3.1618', '0.00001234', '12.3456789012', '-1234.56', '7'),
             (2, 1, 20758, 1, 0, 0, 1, '9', '1', '1', '9', NULL);",
    )
    .unwrap();
    before
}

fn types(db: &Database) -> Vec<String> {
    db.conn()
        .prepare(
            "SELECT typeof(quantity) || ' ' || typeof(unit_price) || ' '
                 || typeof(effective_unit_price) || ' ' || typeof(billing_pre_tax_total) || ' '
                 || typeof(pricing_pre_tax_total)
             FROM daily_usage_facts ORDER BY source_id, ordinal",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn stored_text_converts_in_place_and_reads_back_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite3");
    let before_version = old_file(&path);
    let (dump_before, inputs_before) = {
        let db = Database::open_read_only(&path).unwrap();
        (
            dump(&db, &[]).unwrap(),
            period_inputs(&db, "a1", None).unwrap(),
        )
    };
    assert!(
        dump_before.contains("## daily_usage (7 rows)"),
        "{dump_before}"
    );
    assert!(dump_before.contains("1e-5"), "{dump_before}");

    // Killed half-way: the transaction never commits; the file is still the old one.
    {
        let mut conn = Connection::open(&path).unwrap();
        crate::usage_decimal::register(&conn).unwrap();
        let tx = conn.transaction().unwrap();
        tx.execute_batch(sql_of(before_version + 1)).unwrap();
        drop(tx);
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, before_version as i64);
    }
    assert_eq!(
        dump(&Database::open_read_only(&path).unwrap(), &[]).unwrap(),
        dump_before
    );

    let db = Database::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), LATEST);
    assert_eq!(
        dump(&db, &[]).unwrap(),
        dump_before,
        "the dump is byte-identical"
    );
    assert_eq!(
        period_inputs(&db, "a1", None).unwrap(),
        inputs_before,
        "rating's fingerprints do not move"
    );
    assert_eq!(
        types(&db),
        [
            "integer integer integer integer null",
            "integer null integer integer integer",
            "text text text text text",
            "integer integer integer text integer",
            "text text text integer integer",
            "integer integer integer integer integer",
            "integer integer integer integer null",
        ],
        "canonical small values are scaled, every other text kept"
    );
}
