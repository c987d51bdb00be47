//! Issue 19, migration 0025 on a rated database: daily usage's decimals, stored as text
//! before it, become scaled integers, and nothing a partner sees moves: `rate` finds nothing
//! changed, every month reconciles to the cent as before, and the canonical dump is the same.

use cspdesk_api::rating::dto::ReconciliationDto;
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_emulator::Preset;
use cspdesk_store::discovered::dump;
use cspdesk_store::usage_decimal::text_sql;
use cspdesk_store::Database;

use crate::rating::{discover, now, INVOICED};

fn months(db: &Database) -> Vec<Vec<ReconciliationDto>> {
    INVOICED
        .iter()
        .map(|p| reconcile::reconcile(db, p, None).unwrap())
        .collect()
}

fn scaled(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT count(*) FROM daily_usage_facts WHERE typeof(quantity) = 'integer'",
        [],
        |r| r.get(0),
    )
    .unwrap()
}

/// Turns the file back into one written before 0025: the facts' decimals as TEXT columns
/// holding their text, one schema version back (0025 is the newest migration).
fn as_before_0025(path: &std::path::Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let view: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'daily_usage'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let text = |c: &str| text_sql(c);
    conn.execute_batch(&format!(
        "BEGIN;
         CREATE TABLE text_facts (
             source_id INTEGER NOT NULL REFERENCES usage_sources(id) ON DELETE CASCADE,
             subject_id INTEGER NOT NULL, day INTEGER NOT NULL, meter_id INTEGER NOT NULL,
             resource_id INTEGER NOT NULL, ordinal INTEGER NOT NULL, terms_id INTEGER NOT NULL,
             quantity TEXT NOT NULL, unit_price TEXT, effective_unit_price TEXT NOT NULL,
             billing_pre_tax_total TEXT NOT NULL, pricing_pre_tax_total TEXT,
             PRIMARY KEY (source_id, subject_id, day, meter_id, resource_id, ordinal)
         ) STRICT, WITHOUT ROWID;
         INSERT INTO text_facts SELECT source_id, subject_id, day, meter_id, resource_id,
             ordinal, terms_id, {}, {}, {}, {}, {} FROM daily_usage_facts;
         DROP VIEW daily_usage;
         DROP TABLE daily_usage_facts;
         ALTER TABLE text_facts RENAME TO daily_usage_facts;
         {view};
         PRAGMA user_version = {};
         COMMIT;",
        text("quantity"),
        text("unit_price"),
        text("effective_unit_price"),
        text("billing_pre_tax_total"),
        text("pricing_pre_tax_total"),
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .unwrap()
            - 1,
    ))
    .unwrap();
    assert_eq!(scaled(&conn), 0, "every decimal is text again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_migration_rate_finds_nothing_changed_and_months_reconcile_the_same() {
    let d = discover(Preset::S, false, |c| c.monthly_prices = false).await;
    d.emu.shutdown().await;
    let (first, reconciled, dumped) = {
        let mut db = Database::open(&d.db).unwrap();
        let first = rate::rate(&mut db, None, None, now()).unwrap();
        assert!(first.rated > 0, "{first:?}");
        let conn = rusqlite::Connection::open(&d.db).unwrap();
        assert!(scaled(&conn) > 0, "Discovery wrote scaled decimals");
        (first, months(&db), dump(&db, &[]).unwrap())
    };
    assert!(reconciled.iter().all(|m| !m.is_empty()));

    as_before_0025(&d.db);
    let mut db = Database::open(&d.db).unwrap();
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    assert!(scaled(&conn) > 0, "the migration scaled them again");
    assert_eq!(
        dump(&db, &[]).unwrap(),
        dumped,
        "the canonical dump is the same"
    );
    let nothing = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(
        (nothing.rated, nothing.refused, nothing.removed),
        (0, 0, 0),
        "nothing changed: {nothing:?}"
    );
    assert_eq!(nothing.unchanged, first.rated + first.refused);
    assert_eq!(months(&db), reconciled, "kept comparisons unchanged");
    let forgotten = conn.execute("DELETE FROM kept_reconciliation", []).unwrap();
    assert!(forgotten > 0, "comparisons were kept");
    assert_eq!(
        months(&db),
        reconciled,
        "computed afresh: to the cent as before"
    );
}
