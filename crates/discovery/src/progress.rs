//! How an import run (Discovery, cost exports, Stack usage) reports where it stands:
//! counters the fetching steps bump, a snapshot of them with rate and time-left estimates,
//! and the sink the snapshots go to. One contract for every kind; only the phases differ.
//! The core never draws anything: the app forwards snapshots over a Tauri channel, the CLI
//! draws a bar or prints JSON lines.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use cspdesk_store::import_runs::{EntityCount, RunCounts, RunKind, RunRecord};
use serde::Serialize;

/// What a run is mostly doing; each kind has its own phases, and every kind ends in
/// [`Phase::Finishing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Phase {
    /// The customer list.
    Customers,
    /// Subscriptions and Azure entitlements.
    Subscriptions,
    /// Legacy utilization.
    Usage,
    /// Rate cards.
    Prices,
    /// Invoices and their line items.
    Invoices,
    /// Unbilled usage.
    Unbilled,
    /// Cost exports: listing the container and reading the new runs' manifests.
    Manifests,
    /// Cost exports: reading export runs' CSV parts into the database.
    CostRows,
    /// Stack usage: the Stack's user subscriptions.
    StackSubscriptions,
    /// Stack usage: usage aggregates, day by day.
    StackUsage,
    /// Microsoft's prices (Pricing API sheets and FX rates), file by file.
    MicrosoftPrices,
    /// Recording the run's end.
    Finishing,
}

/// A run's progress at one moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// The run.
    pub run_id: i64,
    /// What it imports.
    pub kind: RunKind,
    /// The account.
    pub account_id: String,
    /// The source within the account (None for Discovery).
    pub source: Option<String>,
    /// What it is mostly doing.
    pub phase: Phase,
    /// Steps finished.
    pub steps_done: u64,
    /// Steps known (finished, running and planned).
    pub steps_known: u64,
    /// Estimated share done, 0..=1, never decreasing within a run.
    pub fraction: f64,
    /// Requests, throttling and rows so far.
    pub requests: u64,
    /// Throttled or not-ready answers waited out.
    pub throttled: u64,
    /// Rows inserted or changed.
    pub rows_written: u64,
    /// Rows the plan announces, when it knows (cost exports: their manifests' row counts).
    pub rows_expected: Option<u64>,
    /// Rows written per second since the start.
    pub rows_per_second: u64,
    /// Items set aside so far (the run goes on without them).
    pub warnings: u64,
    /// Since the start.
    pub elapsed: Duration,
    /// Estimated time left, once at least 5% is done.
    pub eta: Option<Duration>,
    /// Per kind of data.
    pub entities: Vec<EntityCount>,
    /// Each Microsoft Graph billing export of the run and where it stands.
    #[serde(default)]
    pub exports: Vec<ExportProgress>,
}

/// Where one Graph billing export stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgress {
    /// `graph/{dataset}/{scope}`.
    pub key: String,
    /// The export in words.
    pub export: String,
    /// Its stage.
    pub stage: ExportStage,
    /// Lines read from its blobs so far.
    pub rows: u64,
}

/// The stages of a Graph billing export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "stage")]
pub enum ExportStage {
    /// Asked for.
    Requested,
    /// Microsoft is preparing it.
    Preparing,
    /// Prepared; waiting for one of the run's download slots ([`GRAPH_DOWNLOADS`]).
    ///
    /// [`GRAPH_DOWNLOADS`]: crate::GRAPH_DOWNLOADS
    Queued,
    /// Reading blob `blob` of `blobs`.
    Downloading {
        /// From 1.
        blob: u64,
        /// The manifest's blob count.
        blobs: u64,
    },
    /// Replacing the stored rows.
    Writing,
    /// Its data version was the one stored: nothing downloaded.
    Unchanged,
    /// Microsoft has no data for it (failed operation, code 5000): none stored.
    NoData,
    /// Stored.
    Done,
    /// Stopped before it was stored (the previous version stays).
    Stopped,
    /// Failed (the previous version stays).
    Failed,
}

/// Where a run's news goes. Called from the run's task: implementations must not block.
pub trait ProgressSink: Send + Sync {
    /// The run started (its record is InProgress).
    fn started(&self, run: &RunRecord);
    /// A few times a second while it runs.
    fn progress(&self, progress: &Progress);
    /// The run ended; the record is final.
    fn finished(&self, run: &RunRecord);
}

/// A sink that drops everything (tests, and callers that only want the final record).
pub struct Silent;

impl ProgressSink for Silent {
    fn started(&self, _: &RunRecord) {}
    fn progress(&self, _: &Progress) {}
    fn finished(&self, _: &RunRecord) {}
}

/// The counters a run's steps bump concurrently.
#[derive(Debug, Default)]
pub struct Tally {
    /// Requests sent, retries included.
    pub requests: AtomicU64,
    /// Throttled or not-ready answers waited out.
    pub throttled: AtomicU64,
    /// Milliseconds spent waiting on them.
    pub throttled_wait_ms: AtomicU64,
    /// Rows inserted or changed.
    pub rows: AtomicU64,
    /// Microseconds spent in write transactions.
    pub write_us: AtomicU64,
    /// Steps finished.
    pub steps_done: AtomicU64,
    /// Steps the plan holds (for kinds that plan once; Discovery counts what is pending).
    pub steps_planned: AtomicU64,
    /// Rows the plan announces (0: unknown).
    pub rows_expected: AtomicU64,
    /// Items set aside (read everything else; see `cspdesk_store::set_aside`).
    pub warnings: AtomicU64,
    entities: Mutex<BTreeMap<Cow<'static, str>, (u64, u64)>>,
    exports: Mutex<BTreeMap<String, ExportProgress>>,
    best_fraction: Mutex<f64>,
}

impl Tally {
    /// A page of `entity` was written with `rows` rows changed.
    pub fn page(&self, entity: &'static str, rows: u64) {
        self.page_named(Cow::Borrowed(entity), rows);
    }

    /// [`Tally::page`] of an entity named at run time (one file of a run that reads several,
    /// so the history names each).
    pub fn page_named(&self, entity: Cow<'static, str>, rows: u64) {
        self.rows.fetch_add(rows, Ordering::Relaxed);
        let mut map = self.entities.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.entry(entity).or_default();
        e.0 += 1;
        e.1 += rows;
    }

    /// Rows of `entity` so far.
    pub fn rows_of(&self, entity: &str) -> u64 {
        let map = self.entities.lock().unwrap_or_else(|p| p.into_inner());
        map.get(entity).map(|e| e.1).unwrap_or(0)
    }

    /// `rows` of `entity` counted by [`Tally::page`] were rolled back (a batch stopped or
    /// failed before its commit): they no longer count as written; their pages still do.
    pub fn rolled_back(&self, entity: &str, rows: u64) {
        let _ = self
            .rows
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                Some(r.saturating_sub(rows))
            });
        let mut map = self.entities.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = map.get_mut(entity) {
            e.1 = e.1.saturating_sub(rows);
        }
    }

    /// Graph export `key` (`what` in words) reached `stage`.
    pub fn export_stage(&self, key: &str, what: &str, stage: ExportStage) {
        let mut map = self.exports.lock().unwrap_or_else(|p| p.into_inner());
        let e = map
            .entry(key.to_string())
            .or_insert_with(|| ExportProgress {
                key: key.to_string(),
                export: what.to_string(),
                stage,
                rows: 0,
            });
        if stage == ExportStage::Requested {
            e.rows = 0;
        }
        e.stage = stage;
    }

    /// Graph export `key` read `lines` more lines.
    pub fn export_rows(&self, key: &str, lines: u64) {
        let mut map = self.exports.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = map.get_mut(key) {
            e.rows += lines;
        }
    }

    /// The counters as stored in the run history.
    pub fn counts(&self) -> RunCounts {
        let map = self.entities.lock().unwrap_or_else(|p| p.into_inner());
        RunCounts {
            requests: self.requests.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            throttled_wait_ms: self.throttled_wait_ms.load(Ordering::Relaxed),
            rows_written: self.rows.load(Ordering::Relaxed),
            write_ms: self.write_us.load(Ordering::Relaxed) / 1000,
            entities: map
                .iter()
                .map(|(entity, (pages, rows))| EntityCount {
                    entity: entity.to_string(),
                    pages: *pages,
                    rows: *rows,
                })
                .collect(),
            warnings: self.warnings.load(Ordering::Relaxed),
        }
    }

    /// A Discovery snapshot with estimates; `steps_left` are running or planned.
    pub fn snapshot(
        &self,
        run_id: i64,
        account_id: &str,
        phase: Phase,
        steps_left: u64,
        elapsed: Duration,
    ) -> Progress {
        self.snapshot_of(
            (run_id, RunKind::Discovery, account_id, None),
            phase,
            steps_left,
            elapsed,
        )
    }

    /// A snapshot of run `(id, kind, account, source)` with estimates; `steps_left` are
    /// running or planned. With the rows expected known the share done is counted in rows,
    /// else in steps.
    pub fn snapshot_of(
        &self,
        (run_id, kind, account_id, source): (i64, RunKind, &str, Option<&str>),
        phase: Phase,
        steps_left: u64,
        elapsed: Duration,
    ) -> Progress {
        let counts = self.counts();
        let done = self.steps_done.load(Ordering::Relaxed);
        let known = done + steps_left;
        let expected = self.rows_expected.load(Ordering::Relaxed);
        // Steps appear as lists are read (a customer list brings a step per customer), so
        // done/known can dip; the bar never goes back.
        let raw = if expected > 0 {
            counts.rows_written as f64 / expected as f64
        } else if known == 0 {
            0.0
        } else {
            done as f64 / known as f64
        };
        let fraction = {
            let mut best = self.best_fraction.lock().unwrap_or_else(|p| p.into_inner());
            if raw > *best {
                *best = raw.min(1.0);
            }
            *best
        };
        let secs = elapsed.as_secs_f64();
        let eta = (0.05..1.0)
            .contains(&fraction)
            .then(|| Duration::from_secs_f64(secs * (1.0 - fraction) / fraction));
        Progress {
            run_id,
            kind,
            account_id: account_id.to_string(),
            source: source.map(str::to_string),
            phase,
            steps_done: done,
            steps_known: known,
            fraction,
            requests: counts.requests,
            throttled: counts.throttled,
            rows_written: counts.rows_written,
            rows_expected: (expected > 0).then_some(expected),
            rows_per_second: if secs > 0.0 {
                (counts.rows_written as f64 / secs) as u64
            } else {
                0
            },
            warnings: counts.warnings,
            elapsed,
            eta,
            entities: counts.entities,
            exports: self
                .exports
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .values()
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fraction_never_goes_back_when_new_steps_appear() {
        let t = Tally::default();
        t.steps_done.store(1, Ordering::Relaxed);
        let first = t.snapshot(1, "a", Phase::Customers, 1, Duration::from_secs(2));
        assert_eq!(first.fraction, 0.5);
        assert_eq!(
            first.eta,
            Some(Duration::from_secs(2)),
            "half done in 2 s leaves about 2 s"
        );
        t.steps_done.store(2, Ordering::Relaxed);
        let later = t.snapshot(1, "a", Phase::Subscriptions, 998, Duration::from_secs(3));
        assert_eq!(
            later.fraction, 0.5,
            "a thousand new steps must not move the bar backwards"
        );
    }

    #[test]
    fn rolled_back_rows_no_longer_count_and_rows_expected_drive_the_fraction() {
        let t = Tally::default();
        t.page("costRows", 10_000);
        t.page("costRows", 5_000);
        t.rolled_back("costRows", 5_000);
        let c = t.counts();
        assert_eq!(
            (c.rows_written, c.entities[0].rows, c.entities[0].pages),
            (10_000, 10_000, 2)
        );
        t.rows_expected.store(40_000, Ordering::Relaxed);
        let p = t.snapshot(1, "a", Phase::CostRows, 3, Duration::from_secs(1));
        assert_eq!(
            (p.fraction, p.rows_expected),
            (0.25, Some(40_000)),
            "counted in rows"
        );
    }

    #[test]
    fn pages_add_up_per_entity_and_in_total() {
        let t = Tally::default();
        t.page("customers", 500);
        t.page("customers", 20);
        t.page("dailyUsage", 2000);
        let c = t.counts();
        assert_eq!(c.rows_written, 2520);
        assert_eq!(
            c.entities,
            vec![
                EntityCount {
                    entity: "customers".into(),
                    pages: 2,
                    rows: 520
                },
                EntityCount {
                    entity: "dailyUsage".into(),
                    pages: 1,
                    rows: 2000
                },
            ]
        );
    }
}
