//! Issue 19, re-rating at scale: `rate` with nothing changed learns it from the imports' data
//! versions (no customer-period rated again), and a month's reconciliation is answered from
//! the comparisons kept per customer, which equal a fresh computation of every customer and
//! follow a restated month (Graph's late usage: a new data version of the month's export).

use std::sync::Arc;

use cspdesk_api::rating::dto::ReconciliationDto;
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_discovery::progress::Silent;
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::RunOptions;
use cspdesk_emulator::world::Month;
use cspdesk_emulator::Preset;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::rating::{discover, now, INVOICED};

/// Every invoiced period's reconciliation as `reconcile` answers it now.
fn months(db: &Database) -> Vec<Vec<ReconciliationDto>> {
    INVOICED
        .iter()
        .map(|p| reconcile::reconcile(db, p, None).unwrap())
        .collect()
}

/// The same, computed afresh: nothing kept.
fn fresh(path: &std::path::Path, db: &Database) -> Vec<Vec<ReconciliationDto>> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let forgotten = conn.execute("DELETE FROM kept_reconciliation", []).unwrap();
    assert!(forgotten > 0, "comparisons were kept");
    months(db)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_reconciliation_equals_a_fresh_one_and_follows_a_restated_month() {
    let d = discover(Preset::S, false, |c| c.monthly_prices = false).await;
    let mut db = Database::open(&d.db).unwrap();
    let first = rate::rate(&mut db, None, None, now()).unwrap();
    assert!(first.rated > 0, "{first:?}");
    let nothing = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(
        (nothing.rated, nothing.refused, nothing.removed),
        (0, 0, 0),
        "nothing changed: {nothing:?}"
    );
    assert_eq!(nothing.unchanged, first.rated + first.refused);

    // A state without versions (recorded before 0021, whose rules are older anyway) is
    // rated again, and records its versions.
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.execute("UPDATE rating_state SET input_versions = NULL", [])
        .unwrap();
    let upgraded = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(
        (upgraded.rated + upgraded.refused, upgraded.unchanged),
        (first.rated + first.refused, 0),
        "{upgraded:?}"
    );
    let unversioned: i64 = conn
        .query_row(
            "SELECT count(*) FROM rating_state WHERE input_versions IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unversioned, 0);

    let computed = months(&db);
    assert!(computed.iter().all(|m| !m.is_empty()));
    assert_eq!(months(&db), computed, "answered from what was kept");
    assert_eq!(
        fresh(&d.db, &db),
        computed,
        "kept equals a fresh computation"
    );

    // Late usage restates September: a new version of its billed export.
    d.emu.restate_month(Month {
        year: 2026,
        month: 9,
    });
    d.emu.clock().advance(chrono::Duration::hours(21));
    let clock = d.emu.clock().clone();
    let clock: cspdesk_discovery::Clock = Arc::new(move || clock.now());
    let run = cspdesk_discovery::run(
        &d.db,
        d.session.clone(),
        RunOptions::new(d.account.clone(), Trigger::Manual, clock),
        Arc::new(Silent),
        CancellationToken::new(),
    )
    .await
    .expect("the run starts");
    assert_eq!(run.state, "completed", "{run:?}");

    let after = rate::rate(&mut db, None, None, now()).unwrap();
    assert!(
        after.rated > 0,
        "the restated usage is rated again: {after:?}"
    );
    assert!(
        after.unchanged > 0,
        "customer-periods whose usage did not move are not read: {after:?}"
    );
    let restated = months(&db);
    assert_ne!(restated, computed, "the restated month's comparison moved");
    assert_eq!(
        fresh(&d.db, &db),
        restated,
        "kept equals a fresh computation after the restatement"
    );
    d.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_reconciles_again_only_the_periods_it_rated() {
    let d = discover(Preset::S, false, |c| c.monthly_prices = false).await;
    let mut db = Database::open(&d.db).unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    let count = |period: &str, stale: bool| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM kept_reconciliation
             WHERE period = ?1 AND (?2 = 0 OR inputs = 'stale')",
            rusqlite::params![period, stale],
            |r| r.get(0),
        )
        .unwrap()
    };
    // Every kept comparison marked stale; one Azure plan customer's September usage moves.
    conn.execute_batch(
        "UPDATE kept_reconciliation SET inputs = 'stale';
         UPDATE input_versions SET version = version + 1
         WHERE kind = 'usage' AND period = '2026-09' AND customer_id = (
            SELECT min(customer_id) FROM input_versions
            WHERE kind = 'usage' AND period = '2026-09' AND version > 0);",
    )
    .unwrap();
    let again = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(again.rated + again.refused, 1, "{again:?}");
    assert!(count("2026-09", false) > 0);
    assert_eq!(count("2026-09", true), 0, "the period rated is kept afresh");
    for period in ["2026-08", "2026-10"] {
        let kept = count(period, false);
        assert!(kept > 0, "{period}");
        assert_eq!(
            count(period, true),
            kept,
            "{period} had nothing rated: not reconciled again"
        );
    }
    d.emu.shutdown().await;
}
