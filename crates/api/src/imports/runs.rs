//! Every import from Microsoft as the shells see it, whatever its kind (Discovery, cost
//! exports, Azure Stack usage): one run history, one Stop by run id, one stream of events.
//! The app keeps one [`Imports`] for its lifetime beside the Discovery [`Hub`] (Discovery
//! keeps its own panel and rating-after-run; its runs are in the same history and stop
//! through the same call). Starting a run is each kind's: the app waits for its imports with
//! each run registered here through [`watched`] (`cost_exports::import::import_in_background`,
//! `imports::stack_usage::import_usage_with`); the CLI runs them unwatched
//! (`cost_exports::import::import`, `imports::stack_usage::import_usage`); `start` in
//! `imports::cost_exports` and `imports::stack_usage` runs one in the background and returns
//! once it is recorded; Discovery has `discovery::runs::start` / `run`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use cspdesk_discovery::lock as run_lock;
use cspdesk_discovery::progress::{Phase, Progress, ProgressSink};
use cspdesk_store::import_runs::{self, RunFilter, RunKey, RunKind, RunRecord};
use cspdesk_store::{accounts, Database};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::dto::{ImportEvent, ImportPhaseDto, ImportProgressDto, ImportRunDto};
use crate::discovery::dto::{EntityCountDto, RunStateDto};
use crate::discovery::runs::{run_dto, Hub};
use crate::{ApiError, ErrorCode};

/// Who hears about import runs (the app's window).
pub type ImportWatcher = crate::shared::watchers::Watcher<ImportEvent>;

/// The import runs of this process other than Discovery's (which its [`Hub`] keeps), and
/// who watches them.
#[derive(Default)]
pub struct Imports {
    live: Mutex<HashMap<i64, LiveImport>>,
    watchers: crate::shared::watchers::Watchers<ImportEvent>,
}

struct LiveImport {
    key: RunKey,
    stop: CancellationToken,
    progress: Option<ImportProgressDto>,
}

impl Imports {
    /// The registry shared by the app's commands.
    pub fn new() -> Arc<Imports> {
        Arc::new(Imports::default())
    }

    /// Sets the watcher called `name` (a reloaded window replaces its old one).
    pub fn watch(&self, name: &str, watcher: ImportWatcher) {
        self.watchers.set(name, watcher);
    }

    fn emit(&self, event: &ImportEvent) {
        self.watchers.emit(event);
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<i64, LiveImport>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether this process runs an import of `key` now.
    pub fn is_running(&self, key: &RunKey) -> bool {
        self.live().values().any(|l| l.key == *key)
    }

    /// The last progress of every import running in this process.
    pub fn progress(&self) -> Vec<ImportProgressDto> {
        self.live()
            .values()
            .filter_map(|l| l.progress.clone())
            .collect()
    }

    /// A sink that registers the run it reports on (so Stop reaches it by id), forwards
    /// its events to the watchers, and hands its record to `started` once it starts.
    pub fn sink(
        self: &Arc<Self>,
        stop: CancellationToken,
        started: Option<oneshot::Sender<ImportRunDto>>,
    ) -> Arc<dyn ProgressSink> {
        Arc::new(ImportsSink {
            imports: self.clone(),
            stop,
            started: Mutex::new(started),
        })
    }
}

struct ImportsSink {
    imports: Arc<Imports>,
    stop: CancellationToken,
    started: Mutex<Option<oneshot::Sender<ImportRunDto>>>,
}

impl ProgressSink for ImportsSink {
    fn started(&self, run: &RunRecord) {
        self.imports.live().insert(
            run.id,
            LiveImport {
                key: key_of(run),
                stop: self.stop.clone(),
                progress: None,
            },
        );
        let dto = import_run_dto(run, Utc::now());
        if let Some(tx) = self
            .started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let _ = tx.send(dto.clone());
        }
        self.imports.emit(&ImportEvent::Started { run: dto });
    }

    fn progress(&self, progress: &Progress) {
        let dto = import_progress_dto(progress);
        if let Some(live) = self.imports.live().get_mut(&progress.run_id) {
            live.progress = Some(dto.clone());
        }
        self.imports.emit(&ImportEvent::Progress { progress: dto });
    }

    fn finished(&self, run: &RunRecord) {
        self.imports.live().remove(&run.id);
        self.imports.emit(&ImportEvent::Finished {
            run: import_run_dto(run, Utc::now()),
        });
    }
}

fn key_of(run: &RunRecord) -> RunKey {
    RunKey {
        kind: run.kind,
        account_id: run.account_id.clone(),
        source: run.source.clone(),
    }
}

/// Waits for a background run to start: its record once it is InProgress, else the error
/// that ended it before (refused, or failed to start). `what` names the import.
pub(crate) async fn started<T>(
    rx: oneshot::Receiver<ImportRunDto>,
    task: tokio::task::JoinHandle<Result<T, ApiError>>,
    what: &str,
) -> Result<ImportRunDto, ApiError> {
    match rx.await {
        Ok(run) => Ok(run),
        Err(_) => match task.await {
            Ok(Err(e)) => Err(e),
            Ok(Ok(_)) => Err(ApiError::new(
                ErrorCode::Internal,
                format!("{what} ended without starting a run; try again"),
                None,
            )),
            Err(e) => Err(ApiError::new(
                ErrorCode::Internal,
                format!("{what} failed to start ({e}); try again"),
                None,
            )),
        },
    }
}

/// A stored run as the history shows it.
pub fn import_run_dto(r: &RunRecord, now: DateTime<Utc>) -> ImportRunDto {
    ImportRunDto {
        kind: r.kind.into(),
        source: r.source.clone(),
        source_name: r.source_label.clone(),
        run: run_dto(r, now),
    }
}

fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn millis(d: Duration) -> u32 {
    clamp(d.as_millis() as u64)
}

/// A progress snapshot of any kind as the UI sees it.
pub fn import_progress_dto(p: &Progress) -> ImportProgressDto {
    ImportProgressDto {
        kind: p.kind.into(),
        account_id: p.account_id.clone(),
        source: p.source.clone(),
        run_id: p.run_id.to_string(),
        phase: match p.phase {
            Phase::Customers => ImportPhaseDto::Customers,
            Phase::Subscriptions => ImportPhaseDto::Subscriptions,
            Phase::Usage => ImportPhaseDto::Usage,
            Phase::Prices => ImportPhaseDto::Prices,
            Phase::Invoices => ImportPhaseDto::Invoices,
            Phase::Unbilled => ImportPhaseDto::Unbilled,
            Phase::Manifests => ImportPhaseDto::Manifests,
            Phase::CostRows => ImportPhaseDto::CostRows,
            Phase::StackSubscriptions => ImportPhaseDto::StackSubscriptions,
            Phase::StackUsage => ImportPhaseDto::StackUsage,
            Phase::MicrosoftPrices => ImportPhaseDto::MicrosoftPrices,
            Phase::Finishing => ImportPhaseDto::Finishing,
        },
        steps_done: clamp(p.steps_done),
        steps_known: clamp(p.steps_known),
        fraction: p.fraction,
        requests: clamp(p.requests),
        throttled: clamp(p.throttled),
        rows_written: clamp(p.rows_written),
        rows_expected: p.rows_expected.map(clamp),
        rows_per_second: clamp(p.rows_per_second),
        elapsed_ms: millis(p.elapsed),
        eta_ms: p.eta.map(millis),
        entities: p
            .entities
            .iter()
            .map(|e| EntityCountDto {
                entity: e.entity.clone(),
                pages: clamp(e.pages),
                rows: clamp(e.rows),
            })
            .collect(),
    }
}

/// Whether a run of `key` is going on in this process or another.
fn running(hub: &Hub, imports: &Imports, db: &Database, key: &RunKey) -> bool {
    let here = match key.kind {
        RunKind::Discovery => hub.is_running(&key.account_id),
        _ => imports.is_running(key),
    };
    here || run_lock::is_key_running(db.path(), key)
}

/// The run history of every kind, newest first: of one account (name or id) or of all.
/// A run marked InProgress whose process is gone (killed) shows as Stopped: the next run
/// of its key records it so.
pub fn history(
    hub: &Hub,
    imports: &Imports,
    db: &Database,
    account: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<ImportRunDto>, ApiError> {
    let account_id = account
        .map(|a| accounts::find(db, a))
        .transpose()?
        .map(|a| a.id);
    let filter = RunFilter {
        account_id: account_id.as_deref(),
        ..RunFilter::default()
    };
    Ok(import_runs::list(db, &filter, 200)?
        .iter()
        .map(|r| {
            let mut dto = import_run_dto(r, now);
            if dto.run.state == RunStateDto::InProgress && !running(hub, imports, db, &key_of(r)) {
                dto.run.state = RunStateDto::Stopped;
            }
            dto
        })
        .collect())
}

/// A run id as the UI sends it (the number, as text).
pub(crate) fn parse_run_id(run_id: &str) -> Result<i64, ApiError> {
    run_id.trim().parse().map_err(|_| {
        ApiError::new(
            ErrorCode::Validation,
            format!("{run_id:?} is not a run id (a number from the run history)"),
            Some("runId"),
        )
    })
}

/// Asks run `run_id` (any kind) to stop after its current page or batch; the data it
/// leaves is consistent (each kind says how in its module).
pub fn stop(hub: &Hub, imports: &Imports, db: &Database, run_id: &str) -> Result<(), ApiError> {
    let id = parse_run_id(run_id)?;
    let record = import_runs::get(db, id)?;
    let key = key_of(&record);
    if record.state != "inProgress" || !running(hub, imports, db, &key) {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("Run {id} is not running: there is nothing to stop"),
            None,
        ));
    }
    // The prices read after a Discovery run stop with it (they share its Stop).
    let after_discovery = record.kind == RunKind::Pricing
        && record.source.as_deref() == Some(crate::rating::pricing_fetch::SOURCE);
    if record.kind == RunKind::Discovery || (after_discovery && hub.is_running(&record.account_id))
    {
        return crate::discovery::runs::stop(hub, db.path(), &record.account_id);
    }
    if let Some(live) = imports.live().get(&id) {
        live.stop.cancel();
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::AlreadyRunning,
        format!("Run {id} was started by another CSP Desk process (e.g. `cspdesk costs import` or `cspdesk stack usage import` from cron): stop it there (Ctrl-C)"),
        None,
    ))
}

/// A new run's sink and Stop token, registered with `imports` so the run history can stop
/// it: what a shell hands an import it waits for (the Costs and Azure Stack pages).
pub fn watched(imports: &Arc<Imports>) -> (Arc<dyn ProgressSink>, CancellationToken) {
    let stop = CancellationToken::new();
    (imports.sink(stop.clone(), None), stop)
}
