//! Discovery-level behaviour of a Graph export's blobs (issue 20, acceptance 4): a SAS that
//! expires while an export is being read makes Discovery ask for the export again (a new
//! operation, manifest and SAS); a broken blob (cut short, a line that is not JSON) makes it
//! read the whole export again, never keeping half a version; and once the attempts are used
//! up the run names the export and the blob while the stored version stays whole.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use cspdesk_discovery::progress::ExportStage;
use cspdesk_emulator::world::Month;
use cspdesk_emulator::FaultPlan;
use rusqlite::Connection;
use tokio_util::sync::CancellationToken;

use crate::harness::*;

const MASK: &[&str] = cspdesk_store::discovered::VOLATILE_COLUMNS;

fn scalar(db: &std::path::Path, sql: &str) -> String {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| {
            Ok(match r.get::<_, rusqlite::types::Value>(0)? {
                rusqlite::types::Value::Text(t) => t,
                rusqlite::types::Value::Integer(i) => i.to_string(),
                rusqlite::types::Value::Null => String::new(),
                other => format!("{other:?}"),
            })
        })
        .unwrap()
}

/// The billed Graph rows and their versions: what a failed re-read must leave as it was.
const BILLED: &str = "SELECT group_concat(x, '|') FROM (
    SELECT source || ':' || count(*) || ':' || group_concat(quantity) AS x FROM daily_usage
        WHERE source LIKE 'G%' GROUP BY source
    UNION ALL SELECT invoice_id || ':' || count(*) || ':' || group_concat(subtotal)
        FROM billing_line_items GROUP BY invoice_id
    UNION ALL SELECT dataset || '/' || scope || ':' || coalesce(e_tag, '-') FROM graph_exports
        WHERE dataset LIKE 'billed%' ORDER BY 1)";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sas_that_expires_mid_export_makes_discovery_ask_for_the_export_again() {
    let mut cfg = config();
    cfg.v1_cutover = true;
    cfg.graph_rows_per_blob = 200;
    // The manifests' links last a minute of the (frozen) emulated clock.
    cfg.graph_sas_ttl = std::time::Duration::from_secs(60);
    let emu = emulator(cfg).await;
    let clean = reference(&emu, MASK).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let moved = Arc::new(AtomicBool::new(false));
    let watcher = Arc::new(Watcher::default());
    {
        let (clock, moved) = (emu.clock().clone(), moved.clone());
        *watcher.on_progress.lock().unwrap() = Some(Box::new(move |p| {
            let mid_export = p
                .exports
                .iter()
                .any(|e| matches!(e.stage, ExportStage::Downloading { blob: 2.., .. }));
            if mid_export && !moved.swap(true, Ordering::SeqCst) {
                // Two minutes pass: every link handed out so far has expired.
                clock.advance(chrono::Duration::minutes(2));
            }
        }));
    }
    let mut options = options(&emu, &f);
    options.progress_every = std::time::Duration::from_millis(1);
    let end = cspdesk_discovery::run(&f.db, session, options, watcher, CancellationToken::new())
        .await
        .unwrap();
    assert!(moved.load(Ordering::SeqCst), "the clock moved mid-export");
    assert_eq!(end.state, "completed", "one run is enough: {end:?}");
    let asked_again = scalar(
        &f.db,
        "SELECT count(*) FROM graph_exports WHERE manifest_created_at >= '2026-11-03T10:01'",
    );
    assert_ne!(
        asked_again, "0",
        "an export whose link expired was asked for again: its manifest is a new one"
    );
    assert_eq!(
        dump(&f.db, MASK),
        clean,
        "the database is a fault-free run's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn broken_blobs_are_read_again_as_whole_exports_and_end_as_a_fault_free_run() {
    let mut cfg = config();
    cfg.v1_cutover = true;
    cfg.graph_rows_per_blob = 1000;
    let emu = emulator(cfg).await;
    let clean = reference(&emu, MASK).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    emu.set_faults(FaultPlan::parse("graphblobs:bad-line@0.1,graphblobs:truncate@0.1").unwrap());
    let end = discover(&emu, &f, session).await;
    emu.set_faults(FaultPlan::default());
    assert_eq!(end.state, "completed", "{end:?}");
    assert_eq!(
        end.counts.warnings, 0,
        "a line that is not JSON is a broken blob, not an odd row: {end:?}"
    );
    assert_eq!(
        scalar(&f.db, "SELECT count(*) FROM set_aside_items"),
        "0",
        "nothing set aside"
    );
    assert_eq!(
        dump(&f.db, MASK),
        clean,
        "every export is whole and once: {:?}",
        counts(&f.db)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_blob_broken_every_time_names_the_export_and_the_blob_and_keeps_the_stored_version() {
    let mut cfg = config();
    cfg.v1_cutover = true;
    cfg.graph_rows_per_blob = 500;
    let emu = emulator(cfg).await;
    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    assert_eq!(discover(&emu, &f, session.clone()).await.state, "completed");
    let before = scalar(&f.db, BILLED);

    // September is restated and re-read a day later, but every blob has a broken line.
    emu.restate_month(Month {
        year: 2026,
        month: 9,
    });
    emu.clock().advance(chrono::Duration::hours(21));
    emu.set_faults(FaultPlan::parse("graphblobs:bad-line@1").unwrap());
    let end = discover(&emu, &f, session.clone()).await;
    emu.set_faults(FaultPlan::default());
    assert_eq!(end.state, "error", "{end:?}");
    let failure = end.failure.clone().unwrap();
    assert_eq!(failure.code, "BadResponse", "{failure:?}");
    assert!(
        failure
            .message
            .starts_with("Microsoft Graph sent a broken blob")
            && failure.message.contains(" export ")
            && failure.message.contains(" blob ")
            && failure.message.contains(".json.gz")
            && failure.message.contains("not JSON"),
        "the error names the export, the blob and the line: {}",
        failure.message
    );
    assert_eq!(
        scalar(&f.db, BILLED),
        before,
        "the stored versions stay whole: no half-read September"
    );
    assert_eq!(
        scalar(&f.db, "SELECT count(*) FROM set_aside_items"),
        "0",
        "no line of a failed attempt is recorded"
    );

    // Microsoft's blobs read again: the new version replaces September's rows.
    let next = discover(&emu, &f, session).await;
    assert_eq!(next.state, "completed", "{next:?}");
    assert_ne!(
        scalar(&f.db, BILLED),
        before,
        "September's new version is in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_more_exports_download_at_once_than_the_runs_slots_and_the_others_say_they_wait() {
    let mut cfg = config();
    cfg.v1_cutover = true;
    // Small blobs: every export has several, so downloads overlap long enough to be seen.
    cfg.graph_rows_per_blob = 100;
    let emu = emulator(cfg).await;
    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let watcher = Arc::new(Watcher::default());
    let mut options = options(&emu, &f);
    options.progress_every = std::time::Duration::from_millis(2);
    let end = cspdesk_discovery::run(
        &f.db,
        session,
        options,
        watcher.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(end.state, "completed", "{end:?}");
    let seen = watcher.seen.lock().unwrap();
    let downloading = |p: &cspdesk_discovery::progress::Progress| {
        p.exports
            .iter()
            .filter(|e| matches!(e.stage, ExportStage::Downloading { .. }))
            .count()
    };
    let most = seen.iter().map(downloading).max().unwrap_or(0);
    assert!(most >= 1, "no export was seen downloading");
    assert!(
        most <= cspdesk_discovery::GRAPH_DOWNLOADS,
        "{most} exports downloading at once"
    );
    assert!(
        seen.iter()
            .any(|p| p.exports.iter().any(|e| e.stage == ExportStage::Queued)),
        "no export waited for a download slot"
    );
}
