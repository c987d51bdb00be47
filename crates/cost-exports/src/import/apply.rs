//! Applying the plan: each planned export run streamed into one write transaction as a run
//! of the import pipeline (its record, lock, progress and Stop), the summary of what an
//! import did, and the words a failed run is recorded with.

use super::{plan, FoundRun, PlannedRun, SkipReason, SkippedRun, PROGRESS_EVERY};
use std::collections::HashSet;
use std::io::Read;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cspdesk_discovery::pipeline::Run;
use cspdesk_discovery::progress::{Phase, ProgressSink, Silent};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{Clock, StartError};
use cspdesk_store::cost_exports::runs::{self, RunHeader};
use cspdesk_store::cost_exports::sources::Source;
use cspdesk_store::cost_exports::Dataset;
use cspdesk_store::import_runs::{RunFailure, RunKey, RunKind, RunRecord};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::blobs::Container;
use crate::error::{Error, Result};
use crate::manifest::{Manifest, PartFormat};
use crate::parts;
use crate::sas::ContainerSas;

/// What an import reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// The container was listed.
    Listed {
        /// manifest.json files found.
        manifests: usize,
    },
    /// The plan is made.
    Planned {
        /// Runs to import.
        runs: usize,
        /// Their rows, by their manifests.
        rows: u64,
        /// Runs left as they are.
        skipped: usize,
    },
    /// A run starts.
    RunStarted {
        /// Run id.
        run_id: String,
        /// Export name.
        export_name: String,
        /// Month folder.
        month_folder: String,
        /// Dataset.
        dataset: Dataset,
        /// Its rows.
        rows: u64,
    },
    /// Rows of the current run read so far.
    Rows {
        /// Run id.
        run_id: String,
        /// Rows read.
        done: u64,
        /// Rows in the run.
        total: u64,
    },
    /// A run was committed.
    RunImported(RunResult),
}

/// A run imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunResult {
    /// Run id.
    pub run_id: String,
    /// Export name.
    pub export_name: String,
    /// Dataset.
    pub dataset: Dataset,
    /// `YYYYMMDD-YYYYMMDD`.
    pub month_folder: String,
    /// Rows written.
    pub rows: u64,
    /// The run it replaced.
    pub replaced: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// manifest.json files found.
    pub runs_found: usize,
    /// Runs imported, in order.
    pub imported: Vec<RunResult>,
    /// Runs not imported, and why.
    pub skipped: Vec<SkippedRun>,
    /// Rows written.
    pub rows: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// The run id of a manifest path `.../{runId}/manifest.json` (its folder).
pub(super) fn folder_run_id(manifest_path: &str) -> Option<&str> {
    let mut parts = manifest_path.rsplit('/');
    parts.next();
    parts.next()
}

/// Imports the new runs of `source` through `sas` at `now` as one run of the import
/// pipeline with nobody watching, and returns what it imported or why it failed. See
/// [`run`].
pub fn import(
    db: &mut Database,
    source: &Source,
    sas: &ContainerSas,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportSummary> {
    let outcome = run(
        db,
        source,
        sas,
        Trigger::Manual,
        std::sync::Arc::new(move || now),
        std::sync::Arc::new(Silent),
        CancellationToken::new(),
        progress,
    )?;
    match outcome.error {
        Some(e) => Err(e),
        None => Ok(outcome.summary),
    }
}

/// What one run of a source did.
#[derive(Debug)]
pub struct RunOutcome {
    /// The run as recorded: Completed, Stopped or Error.
    pub record: RunRecord,
    /// The export runs imported before it ended (all of them when Completed).
    pub summary: ImportSummary,
    /// Why it ended in Error (its words are in the record too).
    pub error: Option<Error>,
}

/// The failure of a run as the history keeps it: the API error code's name and the message.
pub fn failure(e: &Error) -> RunFailure {
    let code = match e {
        Error::NotAUrl { .. }
        | Error::NotASas { .. }
        | Error::Insecure { .. }
        | Error::NotAContainer { .. }
        | Error::NoExpiry { .. }
        | Error::BadSasField { .. }
        | Error::SasNotYetValid { .. }
        | Error::SasPermission { .. } => "Validation",
        Error::SasExpired { .. } | Error::SasRejected { .. } => "SasExpired",
        Error::NotFound { .. } => "NotFound",
        Error::AlreadyRunning { .. } => "AlreadyRunning",
        Error::Lock { .. } | Error::Store(_) => "Storage",
        Error::Storage { .. } | Error::Network { .. } => "Unavailable",
        Error::BadListing { .. }
        | Error::Manifest { .. }
        | Error::MissingColumn { .. }
        | Error::BadValue { .. }
        | Error::BadCsv { .. }
        | Error::RowCount { .. } => "BadResponse",
        Error::Stopped => "Internal",
    };
    let endpoint = match e {
        Error::SasRejected { container, .. }
        | Error::NotFound { container, .. }
        | Error::Storage { container, .. }
        | Error::Network { container, .. }
        | Error::BadListing { container, .. } => Some(container.clone()),
        _ => None,
    };
    RunFailure {
        code: code.to_string(),
        endpoint,
        message: e.to_string(),
    }
}

/// Imports the new runs of `source` through `sas` as one run of the import pipeline
/// (`cspdesk_discovery::pipeline`): the source's lock (one import per source across
/// processes), a run record, progress to `sink` and `events`, Stop between export runs,
/// parts and every 10,000 rows. Manifests are all read and checked before anything is
/// written, so a malformed one leaves the database as it was; each export run is then one
/// store run (pending -> current, the one it replaces superseded), so Stop or a failure
/// mid-run leaves its month as it was. Fails only when the run cannot start.
#[allow(clippy::too_many_arguments)] // the pipeline's run, plus this kind's source and SAS
pub fn run(
    db: &mut Database,
    source: &Source,
    sas: &ContainerSas,
    trigger: Trigger,
    clock: Clock,
    sink: std::sync::Arc<dyn ProgressSink>,
    stop: CancellationToken,
    events: &mut dyn FnMut(Progress),
) -> Result<RunOutcome> {
    let started = Instant::now();
    let key = RunKey::of(RunKind::CostExports, &source.account_id, &source.id);
    let mut run = Run::start(db, &key, Some(&source.name), trigger, sink, stop, clock).map_err(
        |e| match e {
            StartError::AlreadyRunning => Error::AlreadyRunning {
                source_name: source.name.clone(),
            },
            StartError::Lock(e) => Error::Lock {
                path: cspdesk_discovery::lock::key_path(db.path(), &key)
                    .display()
                    .to_string(),
                detail: e.to_string(),
            },
            StartError::Store(e) => Error::Store(e),
            StartError::Client(e) => Error::Lock {
                path: String::new(),
                detail: e.to_string(),
            },
        },
    )?;
    let mut summary = ImportSummary {
        runs_found: 0,
        imported: Vec::new(),
        skipped: Vec::new(),
        rows: 0,
        elapsed: Duration::ZERO,
    };
    let result = apply(db, source, sas, &mut run, &mut summary, events);
    summary.elapsed = started.elapsed();
    let error = match result {
        Ok(()) | Err(Error::Stopped) => None,
        Err(e) => Some(e),
    };
    let record = run.finish(db, error.as_ref().map(failure))?;
    Ok(RunOutcome {
        record,
        summary,
        error,
    })
}

/// Stops at a page or batch boundary when Stop was asked.
pub(super) fn checkpoint(run: &Run) -> Result<()> {
    if run.stop_requested() {
        Err(Error::Stopped)
    } else {
        Ok(())
    }
}

pub(super) fn apply(
    db: &mut Database,
    source: &Source,
    sas: &ContainerSas,
    run: &mut Run,
    summary: &mut ImportSummary,
    progress: &mut dyn FnMut(Progress),
) -> Result<()> {
    let now = run.now();
    run.phase(Phase::Manifests);
    if sas.expired(now) {
        return Err(Error::SasExpired {
            container: sas.container_url().to_string(),
            expired_at: sas.expires_at(),
        });
    }
    // Rows of a run a crash interrupted are invisible; this is where they go.
    runs::discard_stale(db, &source.id)?;
    let container = Container::new(sas.clone())?.counting(run.tally().clone());
    let prefix = if source.root_folder.is_empty() {
        String::new()
    } else {
        format!("{}/", source.root_folder)
    };
    let manifests: Vec<String> = container
        .list(&prefix)?
        .into_iter()
        .map(|b| b.name)
        .filter(|n| n == "manifest.json" || n.ends_with("/manifest.json"))
        .collect();
    summary.runs_found = manifests.len();
    progress(Progress::Listed {
        manifests: manifests.len(),
    });
    let imported = runs::imported(db, &source.id)?;
    let known: HashSet<&str> = imported.iter().map(|r| r.run_id.as_str()).collect();
    let mut found = Vec::new();
    let mut already = Vec::new();
    for path in &manifests {
        // A run folder already imported is not read again: run ids are never reused.
        if let Some(id) = folder_run_id(path).filter(|id| known.contains(id)) {
            already.push(SkippedRun {
                run_id: id.to_string(),
                manifest_path: path.clone(),
                reason: SkipReason::AlreadyImported,
            });
            continue;
        }
        checkpoint(run)?;
        let bytes = container.get_small(path)?;
        run.page("manifests", 0);
        run.tick(db);
        found.push(FoundRun {
            manifest_path: path.clone(),
            manifest: Manifest::parse(path, &bytes)?,
        });
    }
    let mut planned = plan(found, &imported, &source.scope);
    planned.skipped.splice(0..0, already);
    let rows: u64 = planned
        .imports
        .iter()
        .map(|p| p.found.manifest.data_row_count)
        .sum();
    summary.skipped = planned.skipped.clone();
    progress(Progress::Planned {
        runs: planned.imports.len(),
        rows,
        skipped: planned.skipped.len(),
    });
    run.planned(planned.imports.len() as u64, Some(rows));
    run.phase(Phase::CostRows);
    for planned_run in &planned.imports {
        checkpoint(run)?;
        let before = run.tally().rows.load(Ordering::Relaxed);
        let result = import_run(db, &container, source, planned_run, now, run, progress);
        if result.is_err() {
            // The export run was rolled back: its rows are not in the database.
            let added = run.tally().rows.load(Ordering::Relaxed) - before;
            run.tally().rolled_back("costRows", added);
        }
        let result = result?;
        summary.rows += result.rows;
        run.step_done();
        run.tick(db);
        progress(Progress::RunImported(result.clone()));
        summary.imported.push(result);
    }
    Ok(())
}

pub(super) fn import_run(
    db: &mut Database,
    container: &Container,
    source: &Source,
    run: &PlannedRun,
    now: DateTime<Utc>,
    pipeline: &mut Run,
    progress: &mut dyn FnMut(Progress),
) -> Result<RunResult> {
    let m = &run.found.manifest;
    let run_id = m.run_info.run_id.clone();
    progress(Progress::RunStarted {
        run_id: run_id.clone(),
        export_name: m.export_config.export_name.clone(),
        month_folder: run.month_folder.clone(),
        dataset: run.dataset,
        rows: m.data_row_count,
    });
    let mut writer = runs::begin(
        db,
        &RunHeader {
            source_id: &source.id,
            run_id: &run_id,
            export_name: &m.export_config.export_name,
            dataset: run.dataset,
            month_folder: &run.month_folder,
            manifest_path: &run.found.manifest_path,
            submitted_at: run.submitted_at,
            blob_count: m.blob_count,
            row_count: m.data_row_count,
            byte_count: m.byte_count,
        },
        now,
    )?;
    for (index, blob) in m.blobs.iter().enumerate() {
        // Dropping the writer here rolls the export run back: its month keeps what it had.
        checkpoint(pipeline)?;
        let body = container.get(&blob.blob_name)?;
        let gzip = run.format == PartFormat::CsvGzip || blob.blob_name.ends_with(".gz");
        let input: Box<dyn Read> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(body))
        } else {
            Box::new(body)
        };
        let total = m.data_row_count;
        // Rows already counted as pages of the run's progress.
        let mut paged = writer.rows();
        let read = parts::read_part(input, &blob.blob_name, index as u32, &mut |row| {
            writer.push(&row)?;
            let done = writer.rows();
            if done % PROGRESS_EVERY == 0 {
                pipeline.page("costRows", done - paged);
                paged = done;
                pipeline.tick_progress();
                progress(Progress::Rows {
                    run_id: run_id.clone(),
                    done,
                    total,
                });
                checkpoint(pipeline)?;
            }
            Ok(())
        })?;
        pipeline.page("costRows", writer.rows() - paged);
        if let Some(expected) = blob.data_row_count {
            if read != expected {
                return Err(Error::RowCount {
                    blob: blob.blob_name.clone(),
                    expected,
                    found: read,
                });
            }
        }
    }
    if writer.rows() != m.data_row_count {
        return Err(Error::RowCount {
            blob: run.found.manifest_path.clone(),
            expected: m.data_row_count,
            found: writer.rows(),
        });
    }
    let rows = writer.commit()?;
    Ok(RunResult {
        run_id,
        export_name: m.export_config.export_name.clone(),
        dataset: run.dataset,
        month_folder: run.month_folder.clone(),
        rows,
        replaced: run.replaces.clone(),
    })
}
