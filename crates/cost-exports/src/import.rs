//! Importing a source's export runs, plan then apply. The plan is pure: from the manifests
//! found in the container and the runs already imported it decides, per export, dataset and
//! month folder, which one run counts (the newest submitted) and whether it must be imported
//! (replacing the older one) or is already there. Applying a run streams its parts into one
//! write transaction, checks every part's row count against the manifest, and commits; any
//! failure rolls that run back, so a month always holds one whole run. Importing the same
//! runs again reads only the listing and writes nothing.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use cspdesk_discovery::pipeline::Run;
use cspdesk_discovery::progress::{Phase, ProgressSink, Silent};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{Clock, StartError};
use cspdesk_store::cost_exports::runs::{self, ImportedRun, RunHeader};
use cspdesk_store::cost_exports::sources::{Scope, Source};
use cspdesk_store::cost_exports::Dataset;
use cspdesk_store::import_runs::{RunFailure, RunKey, RunKind, RunRecord};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::blobs::Container;
use crate::error::{Error, Result};
use crate::manifest::{ExportedScope, Manifest, PartFormat};
use crate::parts;
use crate::sas::ContainerSas;

/// How often (in rows) a running import reports progress.
const PROGRESS_EVERY: u64 = 10_000;

/// A run found in the container, with its manifest read.
#[derive(Debug, Clone)]
pub struct FoundRun {
    /// Path of its manifest.json.
    pub manifest_path: String,
    /// The manifest.
    pub manifest: Manifest,
}

/// Why a run found is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// This very run is in the database already.
    AlreadyImported,
    /// A newer run of the same export, dataset and month counts instead.
    Superseded {
        /// The run that counts.
        by: String,
    },
    /// Not an actual or amortized cost dataset (FOCUS, price sheet, reservations...).
    NotCostDetails {
        /// exportConfig.type.
        kind: String,
    },
    /// Not CSV (plain or gzip).
    UnsupportedFormat {
        /// fileFormat / compressionMode.
        format: String,
    },
    /// Defined at another scope than the source's.
    OtherScope {
        /// exportConfig.resourceId.
        resource_id: String,
    },
    /// Neither the delivery path nor runInfo.startDate tells its month.
    NoMonth,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::AlreadyImported => f.write_str("already imported"),
            SkipReason::Superseded { by } => write!(f, "superseded by the newer run {by}"),
            SkipReason::NotCostDetails { kind } => {
                write!(f, "a {kind} export, not actual or amortized cost details")
            }
            SkipReason::UnsupportedFormat { format } => {
                write!(f, "delivered as {format}; only CSV (plain or gzip) is read")
            }
            SkipReason::OtherScope { resource_id } => write!(
                f,
                "defined at another scope than the source's ({resource_id})"
            ),
            SkipReason::NoMonth => f.write_str("its month cannot be told from its folder"),
        }
    }
}

/// A run not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRun {
    /// Run id.
    pub run_id: String,
    /// Path of its manifest.
    pub manifest_path: String,
    /// Why.
    pub reason: SkipReason,
}

/// A run to import.
#[derive(Debug, Clone)]
pub struct PlannedRun {
    /// What was found.
    pub found: FoundRun,
    /// Its dataset.
    pub dataset: Dataset,
    /// Its parts' format.
    pub format: PartFormat,
    /// `YYYYMMDD-YYYYMMDD`.
    pub month_folder: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The imported run it replaces.
    pub replaces: Option<String>,
}

/// What an import will do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Runs to import, by month folder, export and dataset.
    pub imports: Vec<PlannedRun>,
    /// Runs left as they are.
    pub skipped: Vec<SkippedRun>,
}

fn scope_matches(source: &Scope, run: &ExportedScope) -> bool {
    match (source, run) {
        // A manifest that names no billing scope cannot be checked; it is the source's.
        (_, ExportedScope::Unknown) => true,
        (Scope::BillingAccount(id), ExportedScope::BillingAccount(a)) => {
            id.as_deref().is_none_or(|id| id.eq_ignore_ascii_case(a))
        }
        (Scope::BillingProfile(id), ExportedScope::BillingProfile(p)) => {
            id.as_deref().is_none_or(|id| id.eq_ignore_ascii_case(p))
        }
        (Scope::Customer(id), ExportedScope::Customer(c)) => id.eq_ignore_ascii_case(c),
        _ => false,
    }
}

/// Decides which runs to import: per (export, dataset, month folder) the newest submitted
/// run counts; it is imported unless it is the one already imported.
pub fn plan(found: Vec<FoundRun>, imported: &[ImportedRun], scope: &Scope) -> Plan {
    let mut out = Plan::default();
    let imported_ids: HashSet<&str> = imported.iter().map(|r| r.run_id.as_str()).collect();
    // (month folder, dataset, export) -> its runs: (submitted, run id, the run when found
    // here, None for the one imported before).
    type Key = (String, Dataset, String);
    type Candidate = (DateTime<Utc>, String, Option<PlannedRun>);
    let mut groups: BTreeMap<Key, Vec<Candidate>> = BTreeMap::new();
    for r in imported {
        groups
            .entry((r.month_folder.clone(), r.dataset, r.export_name.clone()))
            .or_default()
            .push((r.submitted_at, r.run_id.clone(), None));
    }
    for f in found {
        let run_id = f.manifest.run_info.run_id.clone();
        let skip = |reason| SkippedRun {
            run_id: run_id.clone(),
            manifest_path: f.manifest_path.clone(),
            reason,
        };
        if imported_ids.contains(run_id.as_str()) {
            out.skipped.push(skip(SkipReason::AlreadyImported));
            continue;
        }
        let Some(dataset) = f.manifest.dataset() else {
            out.skipped.push(skip(SkipReason::NotCostDetails {
                kind: f.manifest.export_config.kind.clone(),
            }));
            continue;
        };
        let Some(format) = f.manifest.part_format() else {
            let d = &f.manifest.delivery_config;
            out.skipped.push(skip(SkipReason::UnsupportedFormat {
                format: format!("{} / {}", d.file_format, d.compression_mode),
            }));
            continue;
        };
        if !scope_matches(scope, &f.manifest.scope()) {
            out.skipped.push(skip(SkipReason::OtherScope {
                resource_id: f.manifest.export_config.resource_id.clone(),
            }));
            continue;
        }
        let Some(month_folder) = f.manifest.month_folder(&f.manifest_path) else {
            out.skipped.push(skip(SkipReason::NoMonth));
            continue;
        };
        let submitted_at = f.manifest.submitted().expect("checked when parsed");
        let key = (
            month_folder.clone(),
            dataset,
            f.manifest.export_config.export_name.clone(),
        );
        groups.entry(key).or_default().push((
            submitted_at,
            run_id,
            Some(PlannedRun {
                found: f,
                dataset,
                format,
                month_folder,
                submitted_at,
                replaces: None,
            }),
        ));
    }
    for (_, mut candidates) in groups {
        candidates.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let (_, newest_id, _) = candidates.last().expect("a group is never empty");
        let newest_id = newest_id.clone();
        let replaced = candidates
            .iter()
            .find(|c| c.2.is_none())
            .map(|c| c.1.clone());
        for (_, run_id, planned) in candidates {
            let Some(mut planned) = planned else {
                continue;
            };
            if run_id == newest_id {
                planned.replaces = replaced.clone();
                out.imports.push(planned);
            } else {
                out.skipped.push(SkippedRun {
                    run_id,
                    manifest_path: planned.found.manifest_path,
                    reason: SkipReason::Superseded {
                        by: newest_id.clone(),
                    },
                });
            }
        }
    }
    out
}

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
fn folder_run_id(manifest_path: &str) -> Option<&str> {
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
fn checkpoint(run: &Run) -> Result<()> {
    if run.stop_requested() {
        Err(Error::Stopped)
    } else {
        Ok(())
    }
}

fn apply(
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

fn import_run(
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn manifest(run: &str, export: &str, kind: &str, submitted: &str) -> FoundRun {
        let path = format!("p/{export}/20260201-20260228/{run}/manifest.json");
        let text = format!(
            r#"{{"blobCount":0,"dataRowCount":0,"blobs":[],
               "exportConfig":{{"exportName":"{export}","type":"{kind}","resourceId":"/providers/Microsoft.Billing/billingAccounts/A/providers/Microsoft.CostManagement/exports/{export}"}},
               "runInfo":{{"runId":"{run}","submittedTime":"{submitted}"}}}}"#
        );
        FoundRun {
            manifest: Manifest::parse(&path, text.as_bytes()).unwrap(),
            manifest_path: path,
        }
    }

    fn imported(run: &str, submitted: DateTime<Utc>) -> ImportedRun {
        ImportedRun {
            run_id: run.into(),
            export_name: "daily".into(),
            dataset: Dataset::Actual,
            month_folder: "20260201-20260228".into(),
            submitted_at: submitted,
            row_count: 0,
            imported_at: submitted,
        }
    }

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
    }

    fn ids(p: &Plan) -> (Vec<&str>, Vec<(&str, &SkipReason)>) {
        (
            p.imports
                .iter()
                .map(|r| r.found.manifest.run_info.run_id.as_str())
                .collect(),
            p.skipped
                .iter()
                .map(|s| (s.run_id.as_str(), &s.reason))
                .collect(),
        )
    }

    const ACCOUNT: Scope = Scope::BillingAccount(None);

    #[test]
    fn the_newest_run_of_a_month_counts_and_replaces_the_imported_one() {
        let found = vec![
            manifest("r1", "daily", "ActualCost", "2026-03-02T01:00:00Z"),
            manifest("r3", "daily", "ActualCost", "2026-03-02T03:00:00Z"),
            manifest("a1", "daily", "AmortizedCost", "2026-03-02T01:00:00Z"),
        ];
        let p = plan(found, &[imported("r2", t(2))], &ACCOUNT);
        let (imports, skipped) = ids(&p);
        assert_eq!(imports, ["r3", "a1"], "per dataset, the newest run");
        assert_eq!(p.imports[0].replaces.as_deref(), Some("r2"));
        assert_eq!(p.imports[1].replaces, None, "amortized is its own month");
        assert_eq!(
            skipped,
            [("r1", &SkipReason::Superseded { by: "r3".into() })]
        );
    }

    #[test]
    fn an_imported_run_newer_than_what_is_found_stays() {
        let found = vec![manifest(
            "r1",
            "daily",
            "ActualCost",
            "2026-03-02T01:00:00Z",
        )];
        let p = plan(found, &[imported("r2", t(2))], &ACCOUNT);
        assert!(
            p.imports.is_empty(),
            "an older run never replaces a newer one"
        );
        assert_eq!(
            ids(&p).1,
            [("r1", &SkipReason::Superseded { by: "r2".into() })]
        );
        let again = plan(
            vec![manifest(
                "r2",
                "daily",
                "ActualCost",
                "2026-03-02T02:00:00Z",
            )],
            &[imported("r2", t(2))],
            &ACCOUNT,
        );
        assert_eq!(
            ids(&again),
            (vec![], vec![("r2", &SkipReason::AlreadyImported)])
        );
    }

    #[test]
    fn other_datasets_formats_and_scopes_are_skipped_with_their_reason() {
        let mut parquet = manifest("pq", "daily", "ActualCost", "2026-03-02T01:00:00Z");
        parquet.manifest.delivery_config.file_format = "Parquet".into();
        let found = vec![
            manifest("f1", "focus", "FocusCost", "2026-03-02T01:00:00Z"),
            parquet,
            manifest("ok", "daily", "ActualCost", "2026-03-02T01:00:00Z"),
        ];
        let p = plan(found.clone(), &[], &ACCOUNT);
        let (imports, skipped) = ids(&p);
        assert_eq!(imports, ["ok"]);
        assert!(matches!(skipped[0].1, SkipReason::NotCostDetails { .. }));
        assert!(matches!(skipped[1].1, SkipReason::UnsupportedFormat { .. }));
        let customer = Scope::Customer("0a1b2c3d-0000-4000-8000-000000000001".into());
        let p = plan(found, &[], &customer);
        assert!(
            p.imports.is_empty(),
            "billing-account runs are not one customer's"
        );
        assert!(p
            .skipped
            .iter()
            .any(|s| matches!(s.reason, SkipReason::OtherScope { .. })));
        let other_account = Scope::BillingAccount(Some("B".into()));
        assert!(plan(
            vec![manifest(
                "ok",
                "daily",
                "ActualCost",
                "2026-03-02T01:00:00Z"
            )],
            &[],
            &other_account
        )
        .imports
        .is_empty());
    }

    #[test]
    fn the_run_folder_names_the_run() {
        assert_eq!(
            folder_run_id("p/daily/20260201-20260228/r1/manifest.json"),
            Some("r1")
        );
        assert_eq!(folder_run_id("manifest.json"), None);
    }
}
