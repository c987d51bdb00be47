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

    // States recorded before 0021 carry no versions: the first rate reads each one's rows
    // once, rates again only the one whose rows differ from what it recorded, and records
    // the versions of all.
    let conn = rusqlite::Connection::open(&d.db).unwrap();
    conn.execute_batch(
        "UPDATE rating_state SET input_versions = NULL;
         UPDATE rating_state SET usage_fingerprint = 'older rows'
         WHERE rowid = (SELECT min(rowid) FROM rating_state WHERE refused IS NULL);",
    )
    .unwrap();
    let upgraded = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(
        (upgraded.rated, upgraded.unchanged),
        (1, first.rated + first.refused - 1),
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
