//! One Discovery run from start to end: record it, then plan and apply until the plan is
//! empty, with bounded concurrency, reporting progress and heartbeats, and record how it
//! ended. Between pages every step checks Stop, so whatever ends a run, the database holds
//! whole pages with their cursors.
//!
//! A step that fails on one answer (a malformed page, an endpoint that stays unavailable)
//! does not throw away its siblings' work: no new step starts, the steps in flight finish and
//! are written, and the run ends in Error keeping all of it; the next run resumes from the
//! cursors. A failure that every other step would meet too (consent lapsed, credentials
//! refused, throttling past its budget, the database refusing writes) stops the others at
//! their next page, as Stop does.

use std::collections::{HashSet, VecDeque};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cspdesk_partner_api::graph_billing::PollLimits;
use cspdesk_partner_api::{
    self as pc, CallEvent, CallObserver, ClientOptions, GraphBilling, PartnerCenter, RetryPolicy,
    Session,
};
use cspdesk_store::discovered::load_cursors;
use cspdesk_store::discovered::runs::{self, RunFailure, RunRecord};
use cspdesk_store::Database;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::apply::{self, Clock, Ctx, StepError};
use crate::graph_plan::GRAPH_FROM_MONTH;
use crate::plan::{plan_at, Step};
use crate::progress::{Phase, ProgressSink, Tally};
use crate::run::Trigger;

/// How a run is carried out.
#[derive(Clone)]
pub struct RunOptions {
    /// The partner account.
    pub account_id: String,
    /// What started it.
    pub trigger: Trigger,
    /// Steps in flight at once (each step is one chain of pages).
    pub concurrency: usize,
    /// Requests in flight at once.
    pub max_requests: usize,
    /// The clock every decision reads.
    pub clock: Clock,
    /// How often progress is reported.
    pub progress_every: Duration,
    /// The first billing month (`YYYY-MM`) whose new-commerce data is read from Microsoft
    /// Graph's exports; `None` reads everything through the v1 line items.
    pub graph_from: Option<String>,
    /// How Graph export operations are polled (total wait, pace).
    pub graph_poll: PollLimits,
}

impl RunOptions {
    /// Defaults for `account_id`: 12 steps and 12 requests in flight, progress 4 times a second.
    pub fn new(account_id: impl Into<String>, trigger: Trigger, clock: Clock) -> RunOptions {
        RunOptions {
            account_id: account_id.into(),
            trigger,
            concurrency: 12,
            max_requests: 12,
            clock,
            progress_every: Duration::from_millis(250),
            graph_from: Some(GRAPH_FROM_MONTH.to_string()),
            graph_poll: PollLimits::default(),
        }
    }
}

/// Why a run could not start (a run that starts always ends in a stored record).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another run of the account is in progress (in this process or another).
    #[error(
        "Discovery is already running for this account: wait for it to finish or stop it first"
    )]
    AlreadyRunning,
    /// The run lock beside the database could not be taken.
    #[error("could not take the Discovery lock beside the database: {0}")]
    Lock(#[from] std::io::Error),
    /// The database could not be opened, or another run is in progress for the account.
    #[error(transparent)]
    Store(#[from] cspdesk_store::Error),
    /// The Partner Center client could not be built (settings).
    #[error(transparent)]
    Client(#[from] pc::Error),
}

/// Retries for a long run: Microsoft's 429 storms and brief outages are waited out rather
/// than ending a run that may have been going for many minutes.
fn retry_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 6,
        max_throttle_waits: 40,
        ..RetryPolicy::default()
    }
}

/// The code stored for a failed run: the Partner Center client's error code name.
fn failure(error: StepError) -> RunFailure {
    match error {
        StepError::Api { error, what } => {
            let endpoint = match &error {
                pc::Error::BadResponse { endpoint, .. }
                | pc::Error::Unavailable { endpoint, .. }
                | pc::Error::Throttled { endpoint, .. }
                | pc::Error::Forbidden { endpoint, .. }
                | pc::Error::NotFound { endpoint, .. }
                | pc::Error::Rejected { endpoint, .. }
                | pc::Error::Unauthorized { endpoint, .. } => Some(endpoint.clone()),
                _ => None,
            };
            let message = match &error {
                pc::Error::ConsentExpired { .. } | pc::Error::NotSignedIn => format!(
                    "Consent lapsed while reading {what}: sign in again (Login with Microsoft), then start Discovery; it resumes where it stopped. ({error})"
                ),
                // A Graph export's blob (`what` names the export and the blob).
                pc::Error::BadResponse { field, .. } if what.contains(" export ") && what.contains(" blob ") => format!(
                    "Microsoft Graph sent a broken blob for {what} ({field}), again after asking for the export anew: {error}. The version stored before is kept; the next run asks for the export again."
                ),
                pc::Error::BadResponse { field, .. } => format!(
                    "Partner Center returned malformed data for {what} (field {field}): {error}. The data read before is kept; the next run retries from here."
                ),
                _ => format!("Reading {what} failed: {error}"),
            };
            RunFailure {
                code: format!("{:?}", error.code()),
                endpoint,
                message,
            }
        }
        StepError::Store(e) => RunFailure {
            code: "Storage".into(),
            endpoint: None,
            message: format!(
                "Writing to the database failed: {e}. If another program holds the database, close it; if the disk is full, free space. Then start Discovery again: it resumes where it stopped."
            ),
        },
        StepError::Internal(detail) => RunFailure {
            code: "Internal".into(),
            endpoint: None,
            message: format!("CSP Desk failed unexpectedly ({detail}); start Discovery again."),
        },
        StepError::Stopped => RunFailure {
            code: "Internal".into(),
            endpoint: None,
            message: "stopped".into(),
        },
    }
}

impl StepError {
    /// Whether every other step would fail the same way: then they stop at once.
    fn ends_every_step(&self) -> bool {
        match self {
            StepError::Api { error, .. } => matches!(
                error,
                pc::Error::NotSignedIn
                    | pc::Error::ConsentExpired { .. }
                    | pc::Error::MfaRequired
                    | pc::Error::Unauthorized { .. }
                    | pc::Error::Throttled { .. }
                    | pc::Error::Keyring { .. }
                    | pc::Error::GraphConsent { .. }
            ),
            StepError::Store(_) | StepError::Internal(_) => true,
            StepError::Stopped => false,
        }
    }
}

/// Runs Discovery for one account against the database at `db_path` until the plan is
/// empty, Stop is asked (`stop`), or a step fails. Returns the stored run record.
pub async fn run(
    db_path: &Path,
    session: Arc<Session>,
    options: RunOptions,
    sink: Arc<dyn ProgressSink>,
    stop: CancellationToken,
) -> Result<RunRecord, StartError> {
    let clock = options.clock.clone();
    let _lock =
        crate::lock::acquire(db_path, &options.account_id)?.ok_or(StartError::AlreadyRunning)?;
    let mut db = Database::open(db_path)?;
    let trigger = match options.trigger {
        Trigger::Manual => "manual",
        Trigger::Scheduled => "scheduled",
    };
    let record = runs::start(&mut db, &options.account_id, trigger, clock())?;
    let db = Arc::new(Mutex::new(db));
    let tally = Arc::new(Tally::default());
    let observer_tally = tally.clone();
    // Partner Center's requests and Graph's (exports, operations, manifests, blobs) count alike.
    let observer: CallObserver = Arc::new(move |e: &CallEvent| {
        observer_tally.requests.fetch_add(1, Ordering::Relaxed);
        if matches!(e.status, Some(429) | Some(204)) {
            observer_tally.throttled.fetch_add(1, Ordering::Relaxed);
            let wait = e.retry_after.unwrap_or_default().as_millis() as u64;
            observer_tally
                .throttled_wait_ms
                .fetch_add(wait, Ordering::Relaxed);
        }
    });
    let graph = GraphBilling::new(session.clone())
        .ok()
        .map(|g| g.with_retry(retry_policy()).with_observer(observer.clone()));
    let client = PartnerCenter::new(
        session,
        ClientOptions {
            max_concurrency: options.max_requests.max(1),
            retry: retry_policy(),
            observer: Some(observer),
            ..ClientOptions::default()
        },
    );
    let client = match client {
        Ok(c) => c,
        Err(e) => {
            let f = failure(StepError::Api {
                error: e,
                what: "the account settings".into(),
            });
            let end = runs::finish(
                &lock(&db),
                record.id,
                "error",
                &tally.counts(),
                Some(&f),
                clock(),
            )?;
            sink.finished(&end);
            return Ok(end);
        }
    };
    sink.started(&record);

    // Steps stop on the user's Stop or on a failure every step would meet; after any other
    // failure no new step starts (`draining`) and the steps in flight finish.
    let halt = stop.child_token();
    let mut draining = false;
    let ctx = Ctx {
        client,
        graph,
        poll: options.graph_poll.clone(),
        downloads: Arc::new(tokio::sync::Semaphore::new(crate::GRAPH_DOWNLOADS)),
        db: db.clone(),
        account: options.account_id.clone(),
        run_id: record.id,
        tally: tally.clone(),
        stop: halt.clone(),
        clock: clock.clone(),
        writing: Arc::default(),
        set_aside: Arc::default(),
    };
    let started = record.started_at;
    let wall = Instant::now();
    let mut set: JoinSet<(String, Result<(), StepError>)> = JoinSet::new();
    let mut in_flight: HashSet<String> = HashSet::new();
    let mut finished: HashSet<String> = HashSet::new();
    let mut pending: VecDeque<Step> = VecDeque::new();
    let mut phase = Phase::Customers;
    let mut first_failure: Option<StepError> = None;
    let mut ticker = tokio::time::interval(options.progress_every);
    let mut last_beat = Instant::now();

    loop {
        if !halt.is_cancelled() && !draining {
            if pending.is_empty() {
                let cursors = {
                    let db = db.clone();
                    let account = options.account_id.clone();
                    tokio::task::spawn_blocking(move || load_cursors(&lock(&db), &account))
                        .await
                        .map_err(|e| StepError::Internal(e.to_string()))
                        .and_then(|r| r.map_err(StepError::Store))
                };
                match cursors {
                    Ok(cursors) => {
                        let mut steps: Vec<Step> =
                            plan_at(&cursors, started, clock(), options.graph_from.as_deref())
                                .into_iter()
                                .filter(|s| {
                                    let k = s.key();
                                    !in_flight.contains(&k) && !finished.contains(&k)
                                })
                                .collect();
                        steps.sort_by_key(Step::priority);
                        pending.extend(steps);
                    }
                    Err(e) => {
                        first_failure.get_or_insert(e);
                        halt.cancel();
                    }
                }
            }
            while in_flight.len() < options.concurrency.max(1) && !halt.is_cancelled() && !draining
            {
                let Some(step) = pending.pop_front() else {
                    break;
                };
                let key = step.key();
                if in_flight.contains(&key) || finished.contains(&key) {
                    continue;
                }
                phase = step.phase();
                in_flight.insert(key.clone());
                let ctx = ctx.clone();
                set.spawn(async move { (key, apply::execute(&ctx, step).await) });
            }
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            joined = set.join_next() => {
                let Some(joined) = joined else { break };
                match joined {
                    Ok((key, outcome)) => {
                        in_flight.remove(&key);
                        match outcome {
                            Ok(()) => {
                                tally.steps_done.fetch_add(1, Ordering::Relaxed);
                                finished.insert(key);
                            }
                            Err(StepError::Stopped) => {}
                            Err(e) => {
                                tracing::warn!(step = %key, error = ?e, "Discovery step failed");
                                if e.ends_every_step() {
                                    halt.cancel();
                                }
                                draining = true;
                                first_failure.get_or_insert(e);
                            }
                        }
                    }
                    Err(e) => {
                        // A step task panicked: nothing it wrote is half-done (transactions),
                        // but its key is lost. The others stop at their next page and are
                        // waited for, so no write lands after the run is recorded as ended.
                        first_failure.get_or_insert(StepError::Internal(format!("a Discovery step failed: {e}")));
                        halt.cancel();
                        while set.join_next().await.is_some() {}
                        in_flight.clear();
                    }
                }
            }
            _ = ticker.tick() => {
                let left = (in_flight.len() + pending.len()) as u64;
                sink.progress(&tally.snapshot(record.id, &options.account_id, phase, left, wall.elapsed()));
                if last_beat.elapsed() >= Duration::from_secs(5) {
                    last_beat = Instant::now();
                    let (db, counts, id, now) = (db.clone(), tally.counts(), record.id, clock());
                    let _ = tokio::task::spawn_blocking(move || runs::heartbeat(&lock(&db), id, &counts, now)).await;
                }
            }
        }
    }

    let (state, failed) = match first_failure {
        Some(e) => ("error", Some(failure(e))),
        None if stop.is_cancelled() => ("stopped", None),
        None => ("completed", None),
    };
    sink.progress(&tally.snapshot(
        record.id,
        &options.account_id,
        Phase::Finishing,
        0,
        wall.elapsed(),
    ));
    let end = runs::finish(
        &lock(&db),
        record.id,
        state,
        &tally.counts(),
        failed.as_ref(),
        clock(),
    )?;
    sink.finished(&end);
    Ok(end)
}

fn lock(db: &Mutex<Database>) -> std::sync::MutexGuard<'_, Database> {
    db.lock().unwrap_or_else(|p| p.into_inner())
}
