//! Discovery as the shells use it: start a run for an account (resolving its sign-in), stop
//! it, watch every run's events, read the run history and the schedule. The app keeps one
//! [`Hub`] for its lifetime; the CLI uses one for its single run.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Local, SecondsFormat, Utc};
use cspdesk_discovery::progress::{Progress, ProgressSink};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{lock as run_lock, schedule as timing, Clock, RunOptions, StartError};
use cspdesk_partner_api::Session;
use cspdesk_store::discovered::runs::{self, RunRecord};
use cspdesk_store::discovered::schedule;
use cspdesk_store::{accounts, Database};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::after_run::rate_after_run;
pub use super::progress::progress_dto;
use crate::accounts::login::resume;
use crate::discovery::dto::*;
use crate::{lock, ApiError, ErrorCode};

/// Who hears about runs (the app's window, through a Tauri channel).
pub type Watcher = crate::shared::watchers::Watcher<DiscoveryEvent>;

/// The runs of this process and who watches them.
#[derive(Default)]
pub struct Hub {
    live: Mutex<HashMap<String, Live>>,
    watchers: crate::shared::watchers::Watchers<DiscoveryEvent>,
}

pub(super) struct Live {
    stop: CancellationToken,
    pub(super) progress: Option<ProgressDto>,
}

impl Hub {
    /// A hub shared by the app's commands and its scheduler.
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub::default())
    }

    /// Sets the watcher called `name` (a window: a reloaded window replaces its old one).
    pub fn watch(&self, name: &str, watcher: Watcher) {
        self.watchers.set(name, watcher);
    }

    pub(super) fn emit(&self, event: &DiscoveryEvent) {
        self.watchers.emit(event);
    }

    pub(super) fn live(&self) -> std::sync::MutexGuard<'_, HashMap<String, Live>> {
        self.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether this process runs Discovery for `account_id` now.
    pub fn is_running(&self, account_id: &str) -> bool {
        self.live().contains_key(account_id)
    }
}

/// A run ready to start: the account's sign-in resolved.
pub struct Prepared {
    account_id: String,
    db_path: PathBuf,
    session: Arc<Session>,
}

impl Prepared {
    /// The account's id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }
}

/// Resolves the account (name or id) and its stored sign-in.
pub async fn prepare(
    db: &Mutex<Database>,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<Prepared, ApiError> {
    let (account, session) = resume(db, name_or_id, now, "start Discovery").await?;
    let db_path = lock(db).path().to_path_buf();
    Ok(Prepared {
        account_id: account.id,
        db_path,
        session: Arc::new(session),
    })
}

struct HubSink {
    hub: Arc<Hub>,
    account: String,
    clock: Clock,
    started: Mutex<Option<oneshot::Sender<RunDto>>>,
    extra: Option<Arc<dyn ProgressSink>>,
}

impl ProgressSink for HubSink {
    fn started(&self, run: &RunRecord) {
        let dto = run_dto(run, (self.clock)());
        if let Some(tx) = self
            .started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            let _ = tx.send(dto.clone());
        }
        self.hub.emit(&DiscoveryEvent::Started { run: dto });
        if let Some(extra) = &self.extra {
            extra.started(run);
        }
    }

    fn progress(&self, progress: &Progress) {
        let dto = progress_dto(progress);
        if let Some(live) = self.hub.live().get_mut(&self.account) {
            live.progress = Some(dto.clone());
        }
        self.hub.emit(&DiscoveryEvent::Progress { progress: dto });
        if let Some(extra) = &self.extra {
            extra.progress(progress);
        }
    }

    /// The window hears of the end only after rating ([`run_with`]): the run stays live
    /// until then, so Stop, sign-out and delete wait for rating too.
    fn finished(&self, run: &RunRecord) {
        if let Some(extra) = &self.extra {
            extra.finished(run);
        }
    }
}

fn start_error(e: StartError) -> ApiError {
    match e {
        StartError::AlreadyRunning => ApiError::new(
            ErrorCode::AlreadyRunning,
            "Discovery is already running for this account (maybe from `cspdesk discover`): wait for it to finish, or stop it",
            None,
        ),
        StartError::Store(e) => e.into(),
        StartError::Client(e) => e.into(),
        StartError::Lock(e) => ApiError::new(
            ErrorCode::Storage,
            format!("Could not take the Discovery lock beside the database: {e}. Check that its folder is writable."),
            None,
        ),
    }
}

/// Runs Discovery to its end with `concurrency` requests in flight (the CLI; the app uses
/// [`start`]). `extra` hears the events too.
pub async fn run(
    hub: &Arc<Hub>,
    prepared: Prepared,
    trigger: Trigger,
    clock: Clock,
    concurrency: usize,
    stop: CancellationToken,
    extra: Option<Arc<dyn ProgressSink>>,
) -> Result<RunDto, ApiError> {
    let (tx, _rx) = oneshot::channel();
    let mut options = RunOptions::new(prepared.account_id.clone(), trigger, clock);
    options.concurrency = concurrency.clamp(1, 32);
    options.max_requests = options.concurrency;
    run_with(hub, prepared, options, stop, extra, tx).await
}

async fn run_with(
    hub: &Arc<Hub>,
    prepared: Prepared,
    options: RunOptions,
    stop: CancellationToken,
    extra: Option<Arc<dyn ProgressSink>>,
    started: oneshot::Sender<RunDto>,
) -> Result<RunDto, ApiError> {
    let account = prepared.account_id.clone();
    {
        let mut live = hub.live();
        if live.contains_key(&account) {
            return Err(start_error(StartError::AlreadyRunning));
        }
        live.insert(
            account.clone(),
            Live {
                stop: stop.clone(),
                progress: None,
            },
        );
    }
    let sink = Arc::new(HubSink {
        hub: hub.clone(),
        account: account.clone(),
        clock: options.clock.clone(),
        started: Mutex::new(Some(started)),
        extra,
    });
    let clock = options.clock.clone();
    let session = prepared.session.clone();
    let result = cspdesk_discovery::run(
        &prepared.db_path,
        prepared.session,
        options,
        sink,
        stop.clone(),
    )
    .await;
    let record = match result {
        Ok(record) => record,
        Err(e) => {
            hub.live().remove(&account);
            return Err(start_error(e));
        }
    };
    let rating = if state(&record.state) == RunStateDto::Error {
        None
    } else {
        Some(
            rate_after_run(
                hub,
                &prepared.db_path,
                &record,
                session,
                clock.clone(),
                stop,
            )
            .await,
        )
    };
    hub.live().remove(&account);
    let run = run_dto(&record, clock());
    hub.emit(&DiscoveryEvent::Finished {
        run: run.clone(),
        rating,
    });
    Ok(run)
}

/// Starts Discovery in the background and returns once the run is recorded (or refused).
pub async fn start(
    hub: &Arc<Hub>,
    prepared: Prepared,
    trigger: Trigger,
    clock: Clock,
) -> Result<RunDto, ApiError> {
    let (tx, rx) = oneshot::channel();
    let hub2 = hub.clone();
    let options = RunOptions::new(prepared.account_id.clone(), trigger, clock);
    let task = tokio::spawn(async move {
        run_with(&hub2, prepared, options, CancellationToken::new(), None, tx).await
    });
    match rx.await {
        Ok(run) => Ok(run),
        // The run ended before it started: its error says why.
        Err(_) => match task.await {
            Ok(Ok(run)) => Ok(run),
            Ok(Err(e)) => Err(e),
            Err(e) => Err(ApiError::new(
                ErrorCode::Internal,
                format!("Discovery failed to start ({e}); try again"),
                None,
            )),
        },
    }
}

/// Asks the account's run in this process to stop after its current pages.
pub fn stop(hub: &Hub, db_path: &std::path::Path, account_id: &str) -> Result<(), ApiError> {
    if let Some(live) = hub.live().get(account_id) {
        live.stop.cancel();
        return Ok(());
    }
    if run_lock::is_running(db_path, account_id) {
        return Err(ApiError::new(
            ErrorCode::AlreadyRunning,
            "This run was started by another CSP Desk process (e.g. `cspdesk discover` from cron): stop it there (Ctrl-C)",
            None,
        ));
    }
    Err(ApiError::new(
        ErrorCode::NotFound,
        "Discovery is not running for this account",
        None,
    ))
}

/// A run marked InProgress whose process is gone (killed) shows as Stopped: the next run
/// records it so, and resumes from its cursors.
fn settle(hub: &Hub, db: &Database, account_id: &str, mut run: RunDto) -> RunDto {
    if run.state == RunStateDto::InProgress
        && !hub.is_running(account_id)
        && !run_lock::is_running(db.path(), account_id)
    {
        run.state = RunStateDto::Stopped;
    }
    run
}

/// Stops the account's run in this process and waits until it has ended (signing out or
/// deleting the account mid-run). A run of another process (`cspdesk discover`) cannot be
/// stopped from here: refused, naming what to do.
pub async fn stop_and_wait(
    hub: &Hub,
    db_path: &std::path::Path,
    account_id: &str,
    action: &str,
) -> Result<(), ApiError> {
    if let Some(live) = hub.live().get(account_id) {
        live.stop.cancel();
    }
    // Stop cuts through throttling waits, so a run ends after at most its pages in flight.
    for _ in 0..600 {
        if !hub.is_running(account_id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if hub.is_running(account_id) || run_lock::is_running(db_path, account_id) {
        return Err(ApiError::new(
            ErrorCode::AlreadyRunning,
            format!(
                "Discovery is running for this account in another CSP Desk process (e.g. `cspdesk discover`): stop it there, then {action}"
            ),
            None,
        ));
    }
    Ok(())
}

/// The run history of an account, newest first.
pub fn history(
    hub: &Hub,
    db: &Database,
    name_or_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<RunDto>, ApiError> {
    let account = accounts::find(db, name_or_id)?;
    Ok(runs::list(db, &account.id, 100)?
        .iter()
        .map(|r| settle(hub, db, &account.id, run_dto(r, now)))
        .collect())
}

/// The Discovery panel of every account.
pub fn statuses(
    hub: &Hub,
    db: &Database,
    now: DateTime<Utc>,
) -> Result<Vec<DiscoveryStatusDto>, ApiError> {
    let sched = schedule::get(db)?;
    let next = sched
        .enabled
        .then(|| timing::next_run(&sched.times, &now.with_timezone(&Local)))
        .flatten()
        .map(|t| stamp(t.with_timezone(&Utc)));
    let mut out = Vec::new();
    for account in accounts::list(db)? {
        let last = runs::list(db, &account.id, 1)?.into_iter().next();
        let progress = hub.live().get(&account.id).and_then(|l| l.progress.clone());
        let last_run = last
            .as_ref()
            .map(|r| settle(hub, db, &account.id, run_dto(r, now)));
        let state = last_run
            .as_ref()
            .map_or(RunStateDto::NotStarted, |r| r.state);
        out.push(DiscoveryStatusDto {
            account_id: account.id.clone(),
            state,
            progress,
            last_run,
            last_success_at: runs::last_success(db, &account.id)?.map(stamp),
            next_run_at: next.clone(),
        });
    }
    Ok(out)
}

/// The schedule.
pub fn schedule_get(db: &Database) -> Result<ScheduleDto, ApiError> {
    let s = schedule::get(db)?;
    Ok(ScheduleDto {
        enabled: s.enabled,
        times: s
            .times
            .iter()
            .map(|t| t.format("%H:%M").to_string())
            .collect(),
    })
}

/// Changes the schedule.
pub fn schedule_set(db: &Database, input: &ScheduleDto) -> Result<ScheduleDto, ApiError> {
    let times = schedule::parse_times(&input.times)?;
    schedule::set(
        db,
        &schedule::Schedule {
            enabled: input.enabled,
            times,
        },
    )?;
    schedule_get(db)
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(super) fn clamp(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(super) fn millis(d: Duration) -> u32 {
    clamp(d.as_millis() as u64)
}

fn state(text: &str) -> RunStateDto {
    match text {
        "inProgress" => RunStateDto::InProgress,
        "stopped" => RunStateDto::Stopped,
        "error" => RunStateDto::Error,
        "completed" => RunStateDto::Completed,
        _ => RunStateDto::NotStarted,
    }
}

/// The API code of a stored failure (the Partner Center client's code name).
fn code(name: &str) -> ErrorCode {
    match name {
        "NoRelationship" | "GraphConsent" | "PricingRole" | "PricingConsent" => {
            ErrorCode::Forbidden
        }
        "SasExpired" | "ExportFailed" => ErrorCode::Unavailable,
        "Rejected" | "StateMismatch" => ErrorCode::BadResponse,
        "InvalidSettings" => ErrorCode::Validation,
        other => serde_json::from_value(serde_json::Value::String(other.into()))
            .unwrap_or(ErrorCode::Internal),
    }
}

pub(super) fn entities(list: &[runs::EntityCount]) -> Vec<EntityCountDto> {
    list.iter()
        .map(|e| EntityCountDto {
            entity: e.entity.clone(),
            pages: clamp(e.pages),
            rows: clamp(e.rows),
        })
        .collect()
}

/// A stored run as the UI and `--json` see it.
pub fn run_dto(r: &RunRecord, now: DateTime<Utc>) -> RunDto {
    let end = r.ended_at.unwrap_or(now);
    RunDto {
        id: r.id.to_string(),
        account_id: r.account_id.clone(),
        trigger: if r.trigger == "scheduled" {
            TriggerDto::Scheduled
        } else {
            TriggerDto::Manual
        },
        state: state(&r.state),
        started_at: stamp(r.started_at),
        ended_at: r.ended_at.map(stamp),
        duration_ms: clamp((end - r.started_at).num_milliseconds().max(0) as u64),
        requests: clamp(r.counts.requests),
        throttled: clamp(r.counts.throttled),
        throttled_wait_ms: clamp(r.counts.throttled_wait_ms),
        rows_written: clamp(r.counts.rows_written),
        warnings: clamp(r.counts.warnings),
        entities: entities(&r.counts.entities),
        error: r.failure.as_ref().map(|f| RunErrorDto {
            code: code(&f.code),
            endpoint: f.endpoint.clone(),
            message: f.message.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_failure_codes_map_to_codes_the_ui_knows() {
        assert_eq!(code("ConsentExpired"), ErrorCode::ConsentExpired);
        assert_eq!(code("BadResponse"), ErrorCode::BadResponse);
        assert_eq!(code("NoRelationship"), ErrorCode::Forbidden);
        assert_eq!(code("Storage"), ErrorCode::Storage);
        assert_eq!(code("something new"), ErrorCode::Internal);
    }
}
