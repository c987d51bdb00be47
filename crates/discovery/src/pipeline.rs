//! The one import pipeline every pull from Microsoft goes through (Discovery, Cost
//! Management exports, Azure Stack usage, and the Graph billing exports next). Each kind
//! plans in a pure function what to read (table-tested beside it), then applies the plan
//! step by step in transactions through a [`Run`]:
//!
//! - [`Run::start`] takes the (kind, account, source) lock beside the database (one run per
//!   key across processes; a second is refused with `AlreadyRunning`), closes a run of the
//!   key left InProgress by a dead process as Stopped, records the new run InProgress and
//!   tells the [`ProgressSink`];
//! - while applying, the kind counts requests and pages in [`Run::tally`], names its
//!   [`Phase`], and calls [`Run::tick`] between pages or batches, which reports progress a
//!   few times a second and saves a heartbeat; it checks [`Run::stop_requested`] at the same
//!   points and stops there, leaving only whole transactions behind;
//! - [`Run::finish`] records Completed, Stopped (Stop was asked) or Error with the failure in
//!   words, and tells the sink.
//!
//! Discovery's runner (many steps in flight) predates this handle and does the same with
//! the same store calls, lock and sink; cost exports and Stack usage (one step at a time)
//! use the handle.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cspdesk_store::import_runs::{self, RunFailure, RunKey, RunRecord};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::apply::Clock;
use crate::lock::{self, RunLock};
use crate::progress::{Phase, Progress, ProgressSink, Tally};
use crate::run::Trigger;
use crate::StartError;

/// How often a running import saves its heartbeat and counters.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// One import run in progress: its lock, record, counters, sink and Stop.
pub struct Run {
    record: RunRecord,
    tally: Arc<Tally>,
    sink: Arc<dyn ProgressSink>,
    stop: CancellationToken,
    clock: Clock,
    phase: Phase,
    wall: Instant,
    last_beat: Instant,
    last_report: Option<Instant>,
    report_every: Duration,
    _lock: RunLock,
}

impl Run {
    /// Starts a run of `key` on `db` (see the module's contract). `source_label` is the
    /// source's name as the history shows it.
    pub fn start(
        db: &mut Database,
        key: &RunKey,
        source_label: Option<&str>,
        trigger: Trigger,
        sink: Arc<dyn ProgressSink>,
        stop: CancellationToken,
        clock: Clock,
    ) -> Result<Run, StartError> {
        let held = lock::acquire_key(db.path(), key)?.ok_or(StartError::AlreadyRunning)?;
        let trigger = match trigger {
            Trigger::Manual => "manual",
            Trigger::Scheduled => "scheduled",
        };
        let record = import_runs::start(db, key, source_label, trigger, clock())?;
        sink.started(&record);
        let now = Instant::now();
        Ok(Run {
            record,
            tally: Arc::new(Tally::default()),
            sink,
            stop,
            clock,
            phase: Phase::Finishing,
            wall: now,
            last_beat: now,
            last_report: None,
            report_every: Duration::from_millis(250),
            _lock: held,
        })
    }

    /// The run as recorded when it started.
    pub fn record(&self) -> &RunRecord {
        &self.record
    }

    /// The counters (shared with request observers).
    pub fn tally(&self) -> &Arc<Tally> {
        &self.tally
    }

    /// Whether Stop was asked: the kind stops at this page or batch boundary.
    pub fn stop_requested(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// The Stop token (for waits that Stop must cut short).
    pub fn stop_token(&self) -> &CancellationToken {
        &self.stop
    }

    /// The clock the run reads.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        (self.clock)()
    }

    /// What the run is doing from now on; reported at once.
    pub fn phase(&mut self, phase: Phase) {
        self.phase = phase;
        self.report();
    }

    /// The plan is made: `steps` to apply and, when the plan knows it, the rows they hold.
    pub fn planned(&mut self, steps: u64, rows: Option<u64>) {
        self.tally.steps_planned.store(steps, Ordering::Relaxed);
        self.tally
            .rows_expected
            .store(rows.unwrap_or(0), Ordering::Relaxed);
        self.report();
    }

    /// A page (or batch) of `entity` was written with `rows` rows.
    pub fn page(&self, entity: &'static str, rows: u64) {
        self.tally.page(entity, rows);
    }

    /// [`Run::page`] of an entity named at run time.
    pub fn page_named(&self, entity: std::borrow::Cow<'static, str>, rows: u64) {
        self.tally.page_named(entity, rows);
    }

    /// A step of the plan is applied.
    pub fn step_done(&self) {
        self.tally.steps_done.fetch_add(1, Ordering::Relaxed);
    }

    /// Between pages or batches: progress when due, a heartbeat every few seconds.
    pub fn tick(&mut self, db: &Database) {
        if self
            .last_report
            .is_none_or(|at| at.elapsed() >= self.report_every)
        {
            self.report();
        }
        if self.last_beat.elapsed() >= HEARTBEAT_EVERY {
            self.last_beat = Instant::now();
            let _ = import_runs::heartbeat(db, self.record.id, &self.tally.counts(), self.now());
        }
    }

    /// Inside a write transaction (no heartbeat then): progress when due.
    pub fn tick_progress(&mut self) {
        if self
            .last_report
            .is_none_or(|at| at.elapsed() >= self.report_every)
        {
            self.report();
        }
    }

    /// The progress now.
    pub fn snapshot(&self) -> Progress {
        let done = self.tally.steps_done.load(Ordering::Relaxed);
        let planned = self.tally.steps_planned.load(Ordering::Relaxed);
        self.tally.snapshot_of(
            (
                self.record.id,
                self.record.kind,
                &self.record.account_id,
                self.record.source.as_deref(),
            ),
            self.phase,
            planned.saturating_sub(done),
            self.wall.elapsed(),
        )
    }

    fn report(&mut self) {
        self.last_report = Some(Instant::now());
        self.sink.progress(&self.snapshot());
    }

    /// Ends the run: Error with `failure`, else Stopped when Stop was asked, else Completed.
    /// The lock is released once the record is final.
    pub fn finish(
        mut self,
        db: &Database,
        failure: Option<RunFailure>,
    ) -> cspdesk_store::Result<RunRecord> {
        let state = match &failure {
            Some(_) => "error",
            None if self.stop.is_cancelled() => "stopped",
            None => "completed",
        };
        self.phase = Phase::Finishing;
        self.report();
        let end = import_runs::finish(
            db,
            self.record.id,
            state,
            &self.tally.counts(),
            failure.as_ref(),
            self.now(),
        )?;
        self.sink.finished(&end);
        Ok(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;
    use cspdesk_store::import_runs::RunKind;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Heard(Mutex<Vec<String>>);

    impl ProgressSink for Heard {
        fn started(&self, run: &RunRecord) {
            self.0
                .lock()
                .unwrap()
                .push(format!("started {}", run.state));
        }
        fn progress(&self, p: &Progress) {
            self.0.lock().unwrap().push(format!(
                "{:?} {}/{} rows {} of {:?}",
                p.phase, p.steps_done, p.steps_known, p.rows_written, p.rows_expected
            ));
        }
        fn finished(&self, run: &RunRecord) {
            self.0
                .lock()
                .unwrap()
                .push(format!("finished {}", run.state));
        }
    }

    fn database() -> (tempfile::TempDir, Database, String) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("runs.sqlite3")).unwrap();
        let account = cspdesk_store::accounts::add(
            &db,
            "CSP",
            "0a1b2c3d-0000-4000-8000-000000000001",
            chrono::Utc::now(),
        )
        .unwrap()
        .id;
        (dir, db, account)
    }

    fn clock() -> Clock {
        Arc::new(chrono::Utc::now)
    }

    /// (what the kind does, failure, Stop asked) -> the state recorded.
    #[test]
    fn a_run_ends_in_the_state_its_outcome_and_stop_decide() {
        let cases: [(Option<&str>, bool, &str); 4] = [
            (None, false, "completed"),
            (None, true, "stopped"),
            (Some("Unavailable"), false, "error"),
            (Some("Unavailable"), true, "error"),
        ];
        for (failure, stop_asked, expected) in cases {
            let (_dir, mut db, account) = database();
            let key = RunKey::of(RunKind::CostExports, &account, "src");
            let stop = CancellationToken::new();
            let heard = Arc::new(Heard::default());
            let mut run = Run::start(
                &mut db,
                &key,
                Some("MCA"),
                Trigger::Manual,
                heard.clone(),
                stop.clone(),
                clock(),
            )
            .unwrap();
            run.phase(Phase::CostRows);
            run.planned(2, Some(10));
            run.page("costRows", 6);
            run.step_done();
            if stop_asked {
                stop.cancel();
            }
            assert_eq!(run.stop_requested(), stop_asked);
            let failure = failure.map(|code| RunFailure {
                code: code.into(),
                endpoint: None,
                message: "Azure Storage answered 503; try again later".into(),
            });
            let end = run.finish(&db, failure.clone()).unwrap();
            assert_eq!(end.state, expected, "{failure:?} stop {stop_asked}");
            assert_eq!(end.failure, failure, "the failure is kept in words");
            assert_eq!(
                (end.kind, end.source.as_deref(), end.source_label.as_deref()),
                (RunKind::CostExports, Some("src"), Some("MCA"))
            );
            assert_eq!(end.counts.rows_written, 6);
            let heard = heard.0.lock().unwrap().clone();
            assert_eq!(
                heard.first().map(String::as_str),
                Some("started inProgress")
            );
            assert!(
                heard.contains(&"CostRows 0/2 rows 0 of Some(10)".to_string()),
                "{heard:?}"
            );
            assert_eq!(
                heard.last().map(String::as_str),
                Some(format!("finished {expected}").as_str())
            );
        }
    }

    #[test]
    fn a_second_run_of_a_key_is_refused_while_other_keys_run() {
        let (_dir, mut db, account) = database();
        let key = RunKey::of(RunKind::StackUsage, &account, "sub/rg/reg");
        let start = |db: &mut Database, key: &RunKey| {
            Run::start(
                db,
                key,
                None,
                Trigger::Manual,
                Arc::new(Silent),
                CancellationToken::new(),
                clock(),
            )
        };
        let first = start(&mut db, &key).unwrap();
        assert!(matches!(
            start(&mut db, &key),
            Err(StartError::AlreadyRunning)
        ));
        let other = start(&mut db, &RunKey::discovery(&account)).unwrap();
        other.finish(&db, None).unwrap();
        first.finish(&db, None).unwrap();
        let again = start(&mut db, &key).unwrap();
        assert_eq!(again.finish(&db, None).unwrap().state, "completed");
    }

    #[test]
    fn a_run_left_in_progress_by_a_dead_process_is_closed_as_stopped() {
        let (_dir, mut db, account) = database();
        let key = RunKey::of(RunKind::CostExports, &account, "src");
        // A process that died mid-run: its record stays InProgress, its lock is gone.
        let dead = import_runs::start(&mut db, &key, None, "manual", chrono::Utc::now()).unwrap();
        let run = Run::start(
            &mut db,
            &key,
            None,
            Trigger::Manual,
            Arc::new(Silent),
            CancellationToken::new(),
            clock(),
        )
        .unwrap();
        assert_eq!(import_runs::get(&db, dead.id).unwrap().state, "stopped");
        run.finish(&db, None).unwrap();
    }
}
