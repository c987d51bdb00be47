//! Cost export imports as runs of the one import pipeline, against azurite: each import is a
//! run in the history (Completed with its counts, Stopped by a Stop between export runs or
//! inside one, Error with the reason in words), progress reaches the sink, a second import
//! of the same source is refused while one runs, and stopping then importing again ends
//! with the same database as one whole import.

use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use cspdesk_cost_exports::{run, ContainerSas, Error, Progress as CostProgress, RunOutcome};
use cspdesk_discovery::progress::{Phase, Progress, ProgressSink, Silent};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::Clock;
use cspdesk_emulator::cost_exports::run::Dataset as EmuDataset;
use cspdesk_store::cost_exports::sources::Source;
use cspdesk_store::cost_exports::{dump, runs};
use cspdesk_store::import_runs::{self, RunFilter, RunKey, RunKind, RunRecord};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::import::Setup;

const ACTUAL: &str = "5d0c7c43-0000-4000-8000-0000000000a1";
const AMORTIZED: &str = "5d0c7c43-0000-4000-8000-0000000000b1";

/// What a sink heard.
#[derive(Default)]
struct Heard {
    started: Mutex<Vec<RunRecord>>,
    progress: Mutex<Vec<Progress>>,
    finished: Mutex<Vec<RunRecord>>,
}

impl ProgressSink for Heard {
    fn started(&self, run: &RunRecord) {
        self.started.lock().unwrap().push(run.clone());
    }
    fn progress(&self, p: &Progress) {
        self.progress.lock().unwrap().push(p.clone());
    }
    fn finished(&self, run: &RunRecord) {
        self.finished.lock().unwrap().push(run.clone());
    }
}

fn clock() -> Clock {
    Arc::new(Utc::now)
}

/// An import as a run nobody watches or stops.
fn plain(db: &mut Database, source: &Source, sas: &ContainerSas) -> Result<RunOutcome, Error> {
    run(
        db,
        source,
        sas,
        Trigger::Manual,
        clock(),
        Arc::new(Silent),
        CancellationToken::new(),
        &mut |_| {},
    )
}

/// Two export runs of February (actual and amortized) in azurite; their rows.
fn two_runs(t: &Setup, rows_per_part: usize) -> (u64, u64) {
    let (_a, actual) = t.deliver(EmuDataset::ActualCost, ACTUAL, (1, 28), 3, rows_per_part);
    let (_b, amortized) = t.deliver(
        EmuDataset::AmortizedCost,
        AMORTIZED,
        (1, 28),
        3,
        rows_per_part,
    );
    (actual.data_rows, amortized.data_rows)
}

#[test]
fn an_import_is_a_completed_run_with_its_counts_and_progress_and_a_re_import_writes_nothing() {
    let t = Setup::new();
    let (actual, amortized) = two_runs(&t, 25_000);
    let rows = actual + amortized;
    let sas = t.sas();
    let (_d, mut db, source) = t.database(&sas);
    let heard = Arc::new(Heard::default());
    let outcome = run(
        &mut db,
        &source,
        &sas,
        Trigger::Manual,
        clock(),
        heard.clone(),
        CancellationToken::new(),
        &mut |_| {},
    )
    .unwrap();
    let r = &outcome.record;
    assert_eq!(r.state, "completed", "{r:?}");
    assert_eq!(
        (r.kind, r.source.as_deref(), r.source_label.as_deref()),
        (
            RunKind::CostExports,
            Some(source.id.as_str()),
            Some("MCA exports")
        )
    );
    assert_eq!(r.counts.rows_written, rows, "every row counted");
    assert_eq!(outcome.summary.rows, rows);
    assert!(r.counts.requests >= 5, "listing, 2 manifests, parts: {r:?}");
    assert!(r.ended_at.is_some() && r.failure.is_none());
    assert_eq!(heard.started.lock().unwrap().len(), 1);
    assert_eq!(*heard.finished.lock().unwrap(), vec![r.clone()]);
    let progress = heard.progress.lock().unwrap().clone();
    assert!(
        progress.iter().any(|p| p.phase == Phase::Manifests),
        "the listing is a phase"
    );
    let rows_phase: Vec<&Progress> = progress
        .iter()
        .filter(|p| p.phase == Phase::CostRows)
        .collect();
    assert!(
        rows_phase.iter().all(|p| p.rows_expected == Some(rows)),
        "the plan announces the manifests' rows"
    );
    assert!(
        rows_phase
            .windows(2)
            .all(|w| w[0].fraction <= w[1].fraction),
        "the bar never goes back"
    );
    assert_eq!(progress.last().map(|p| p.phase), Some(Phase::Finishing));
    let once = dump(&db).unwrap();

    let again = plain(&mut db, &source, &sas).unwrap();
    assert_eq!(
        (
            again.record.state.as_str(),
            again.record.counts.rows_written
        ),
        ("completed", 0)
    );
    assert!(dump(&db).unwrap() == once, "a re-import changes nothing");
    let history = import_runs::list(&db, &RunFilter::default(), 10).unwrap();
    assert_eq!(
        history.iter().map(|r| r.id).collect::<Vec<_>>(),
        [again.record.id, r.id],
        "both imports are in the history"
    );
}

#[test]
fn stop_between_or_inside_export_runs_keeps_whole_runs_and_the_next_import_resumes() {
    let t = Setup::new();
    let (actual, amortized) = two_runs(&t, 4_000);
    assert!(
        actual.min(amortized) > 10_000,
        "each run spans several batches: {actual} and {amortized} rows"
    );
    let sas = t.sas();

    // A whole import, to compare with.
    let (_w, mut whole_db, whole_source) = t.database(&sas);
    let whole = plain(&mut whole_db, &whole_source, &sas).unwrap();
    assert_eq!(whole.record.state, "completed");

    // Stop once the first export run is committed: it stays, the second is not begun.
    let (_d, mut db, source) = t.database(&sas);
    let stop = CancellationToken::new();
    let asked = stop.clone();
    let first = run(
        &mut db,
        &source,
        &sas,
        Trigger::Manual,
        clock(),
        Arc::new(Silent),
        stop,
        &mut |e| {
            if matches!(e, CostProgress::RunImported(_)) {
                asked.cancel();
            }
        },
    )
    .unwrap();
    assert_eq!(first.record.state, "stopped", "{:?}", first.record);
    assert!(first.error.is_none() && first.record.failure.is_none());
    assert_eq!(first.summary.imported.len(), 1, "{:?}", first.summary);
    assert_eq!(runs::imported(&db, &source.id).unwrap().len(), 1);
    let after_first = dump(&db).unwrap();

    // Stop inside the second run, after its first batch: it is rolled back whole.
    let stop = CancellationToken::new();
    let asked = stop.clone();
    let second = run(
        &mut db,
        &source,
        &sas,
        Trigger::Manual,
        clock(),
        Arc::new(Silent),
        stop,
        &mut |e| {
            if matches!(e, CostProgress::Rows { .. }) {
                asked.cancel();
            }
        },
    )
    .unwrap();
    assert_eq!(second.record.state, "stopped");
    assert!(second.summary.imported.is_empty());
    assert_eq!(
        second.record.counts.rows_written, 0,
        "rows of a rolled-back run are not counted as written"
    );
    assert_eq!(
        runs::imported(&db, &source.id).unwrap().len(),
        1,
        "the stopped run's month keeps what it had"
    );
    assert!(
        dump(&db).unwrap() == after_first,
        "no half run is left behind: the cost tables are as the first stop left them"
    );

    // Importing again reads what is missing, and the data equals one whole import's.
    let third = plain(&mut db, &source, &sas).unwrap();
    assert_eq!(third.record.state, "completed");
    assert_eq!(third.summary.imported.len(), 1);
    let masked = |text: String, id: &str| text.replace(id, "SOURCE");
    let fields = |db: &cspdesk_store::Database, id: &str| {
        masked(
            cspdesk_store::discovered::dump_tables(
                db,
                &["cost_rows", "cost_run_totals"],
                &["imported_at"],
            )
            .unwrap(),
            id,
        )
    };
    assert!(
        fields(&db, &source.id) == fields(&whole_db, &whole_source.id),
        "stopped twice then resumed holds exactly what one import holds"
    );
}

#[test]
fn a_failed_import_is_an_error_run_in_words_and_a_running_source_refuses_a_second() {
    let t = Setup::new();
    two_runs(&t, 25_000);
    let sas = t.sas();
    let (_d, mut db, source) = t.database(&sas);

    // The SAS expires before the import runs: an Error run saying so.
    let later: Clock = {
        let at = sas.expires_at() + Duration::hours(1);
        Arc::new(move || at)
    };
    let failed = run(
        &mut db,
        &source,
        &sas,
        Trigger::Manual,
        later,
        Arc::new(Silent),
        CancellationToken::new(),
        &mut |_| {},
    )
    .unwrap();
    assert!(matches!(failed.error, Some(Error::SasExpired { .. })));
    let f = failed.record.failure.as_ref().expect("the failure is kept");
    assert_eq!(
        (failed.record.state.as_str(), f.code.as_str()),
        ("error", "SasExpired")
    );
    assert!(
        f.message.contains("expired") && f.message.contains("renew the source"),
        "in words, with what to do: {}",
        f.message
    );
    assert!(!f.message.contains("sig="), "never the SAS");

    // Another process holds the source's lock: refused, no run recorded.
    let key = RunKey::of(RunKind::CostExports, &source.account_id, &source.id);
    let held = cspdesk_discovery::lock::try_lock_key(db.path(), &key)
        .unwrap()
        .unwrap();
    let before = import_runs::list(&db, &RunFilter::default(), 10)
        .unwrap()
        .len();
    match plain(&mut db, &source, &sas) {
        Err(Error::AlreadyRunning { source_name }) => assert_eq!(source_name, "MCA exports"),
        other => panic!("expected AlreadyRunning, got {other:?}"),
    }
    assert_eq!(
        import_runs::list(&db, &RunFilter::default(), 10)
            .unwrap()
            .len(),
        before
    );
    drop(held);
    let sas_now = ContainerSas::parse(
        &t.azurite
            .container_sas_url(crate::import::CONTAINER, Utc::now() + Duration::days(1)),
        Utc::now(),
    )
    .unwrap();
    let ok = run(
        &mut db,
        &source,
        &sas_now,
        Trigger::Manual,
        clock(),
        Arc::new(Silent),
        CancellationToken::new(),
        &mut |_| {},
    )
    .unwrap();
    assert_eq!(ok.record.state, "completed", "once released it goes ahead");
}
