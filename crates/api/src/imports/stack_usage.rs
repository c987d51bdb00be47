//! Importing a window of Azure Stack Hub usage as one run of the import pipeline
//! (`cspdesk_discovery::pipeline`): one run per (account, registration) at a time across
//! processes, a run record in the history, progress day by day, and Stop between days.
//! The plan is pure ([`plan`]): the window's days, each read from the Stack with all its
//! pages. Nothing is written until every day is read; then the window is replaced in one
//! transaction (`store::stack_usage::replace_window`). So a Stop or a failure leaves the
//! window as the previous import left it, whole, and importing a window again replaces it,
//! never doubling a quantity.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use cspdesk_discovery::pipeline::Run;
use cspdesk_discovery::progress::{Phase, ProgressSink};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::StartError;
use cspdesk_partner_api::{Arm, Granularity, StackAdmin, UsageWindow};
use cspdesk_store::azure_stack::RegistrationKey;
use cspdesk_store::import_runs::{RunFailure, RunKey, RunKind, RunRecord};
use cspdesk_store::stack_usage as store;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use super::dto::ImportRunDto;
use super::runs::{started, Imports};
use crate::accounts::login::resume;
use crate::azure_stack::dto::{ImportStackUsageDto, StackUsageImportDto};
use crate::azure_stack::usage::{day, midnight};
use crate::{lock, ApiError, ErrorCode};

/// What a Stack usage import reads: whole UTC days, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackPlan {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Each day of the window, read one after the other.
    pub days: Vec<NaiveDate>,
}

/// The plan of a window: `from` defaults to the first day of yesterday's month and `to` to
/// yesterday (the Stack reports only finished periods). An empty window plans no day; the
/// window itself is checked against the Stack's rules before (see [`window`]).
pub fn plan(from: Option<NaiveDate>, to: Option<NaiveDate>, now: DateTime<Utc>) -> StackPlan {
    let yesterday = now.date_naive() - Duration::days(1);
    let from = from.unwrap_or_else(|| yesterday.with_day(1).unwrap_or(yesterday));
    let to = to.unwrap_or(yesterday);
    let days = from
        .iter_days()
        .take_while(|d| *d <= to)
        .collect::<Vec<_>>();
    StackPlan { from, to, days }
}

/// The Stack's window of `days` (midnight to midnight), checked as the Stack checks it.
fn window(first: NaiveDate, last: NaiveDate, now: DateTime<Utc>) -> Result<UsageWindow, ApiError> {
    let start = midnight(first);
    let end = midnight(last + Duration::days(1));
    UsageWindow::new(start, end, Granularity::Daily, now).map_err(|e| {
        let mut e = ApiError::from(e);
        e.field = Some(if start >= end { "from" } else { "to" }.to_string());
        e
    })
}

/// The history's name of a registration as an import source.
pub fn source_of(key: &RegistrationKey) -> String {
    format!(
        "{}/{}/{}",
        key.subscription_id, key.resource_group, key.name
    )
}

/// What one run did.
#[derive(Debug)]
pub struct StackRunOutcome {
    /// The run as recorded: Completed, Stopped or Error.
    pub record: RunRecord,
    /// What was imported (Completed only).
    pub imported: Option<StackUsageImportDto>,
    /// Why it ended in Error.
    pub error: Option<ApiError>,
}

/// The failure of a run as the history keeps it.
pub(crate) fn failure(e: &ApiError) -> RunFailure {
    RunFailure {
        code: format!("{:?}", e.code),
        endpoint: None,
        message: e.message.clone(),
    }
}

/// Imports the window of `input` as one run reporting to `sink` and honouring `stop`.
/// Refused before a run starts (an error, no record): a window the Stack would refuse, an
/// unknown account or registration, no admin endpoint, not signed in, or another import
/// of the registration running. Anything after is recorded in the run.
pub async fn run(
    db: &Mutex<Database>,
    account: &str,
    input: &ImportStackUsageDto,
    now: DateTime<Utc>,
    sink: Arc<dyn ProgressSink>,
    stop: CancellationToken,
) -> Result<StackRunOutcome, ApiError> {
    let key: RegistrationKey = (&input.registration).into();
    let planned = plan(
        day(input.from.as_deref(), "from")?,
        day(input.to.as_deref(), "to")?,
        now,
    );
    let whole = window(planned.from, planned.to, now)?;
    let account_id = cspdesk_store::accounts::find(&lock(db), account)?.id;
    // The sandbox's emulator listens on a new port in every process: point its Stack there.
    crate::accounts::endpoints::stack_admin_defaults(db, &account_id, now).await?;
    let endpoint = store::admin_endpoints(&lock(db), &account_id)?
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, e)| e)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::Validation,
                format!("Registration {} has no Azure Stack Hub admin endpoint: set it first (`cspdesk stack registration endpoint`), e.g. https://adminmanagement.<region>.<fqdn>, with the Stack's Default Provider Subscription.", key.name),
                Some("registration"),
            )
        })?;
    let (_, session) = resume(db, account, now, "try again").await?;
    let run_key = RunKey::of(RunKind::StackUsage, &account_id, &source_of(&key));
    let mut run = Run::start(
        &mut lock(db),
        &run_key,
        Some(&key.name),
        Trigger::Manual,
        sink,
        stop,
        Arc::new(Utc::now),
    )
    .map_err(|e| match e {
        StartError::AlreadyRunning => ApiError::new(
            ErrorCode::AlreadyRunning,
            format!("Usage of registration {} is being imported already (by the app or another cspdesk): wait for it to finish, or stop it", key.name),
            None,
        ),
        StartError::Store(e) => e.into(),
        StartError::Client(e) => e.into(),
        StartError::Lock(e) => ApiError::new(
            ErrorCode::Storage,
            format!("Could not take the import lock beside the database: {e}. Check that its folder is writable."),
            None,
        ),
    })?;
    let applied = apply(
        db,
        &account_id,
        &key,
        &planned,
        whole,
        &endpoint,
        session,
        &mut run,
        now,
    )
    .await;
    let (imported, error) = match applied {
        Ok(Some(counts)) => (
            Some(StackUsageImportDto {
                registration: input.registration.clone(),
                from: planned.from.to_string(),
                to: planned.to.to_string(),
                user_subscriptions: counts.0,
                records: counts.1.written as u32,
                replaced: counts.1.replaced as u32,
            }),
            None,
        ),
        Ok(None) => (None, None),
        Err(e) => (None, Some(e)),
    };
    let record = run.finish(&lock(db), error.as_ref().map(failure))?;
    Ok(StackRunOutcome {
        record,
        imported,
        error,
    })
}

/// Reads the user subscriptions then each day, and replaces the window; None when stopped.
#[allow(clippy::too_many_arguments)]
async fn apply(
    db: &Mutex<Database>,
    account_id: &str,
    key: &RegistrationKey,
    planned: &StackPlan,
    whole: UsageWindow,
    endpoint: &store::AdminEndpoint,
    session: cspdesk_partner_api::Session,
    run: &mut Run,
    now: DateTime<Utc>,
) -> Result<Option<(u32, store::ImportCounts)>, ApiError> {
    let requests = run.tally().clone();
    let count = || {
        requests
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    };
    run.planned(planned.days.len() as u64 + 1, None);
    run.phase(Phase::StackSubscriptions);
    let stack = StackAdmin::new(Arm::stack_admin(Arc::new(session), &endpoint.endpoint).await?);
    count();
    let subs = stack
        .user_subscriptions(&endpoint.provider_subscription_id)
        .await?;
    run.page("stackSubscriptions", 0);
    run.step_done();
    run.phase(Phase::StackUsage);
    let mut rows: Vec<store::UsageRow> = Vec::new();
    for day in &planned.days {
        if run.stop_requested() {
            return Ok(None);
        }
        count();
        let usage = stack
            .usage(
                &endpoint.provider_subscription_id,
                &window(*day, *day, now)?,
                None,
            )
            .await?;
        run.page("stackUsageDays", 0);
        rows.extend(usage.into_iter().map(|u| store::UsageRow {
            user_subscription_id: u.subscription_id,
            meter_id: u.meter_id,
            resource_uri: u.resource_uri,
            usage_start: u.usage_start,
            usage_end: u.usage_end,
            quantity: u.quantity,
        }));
        run.step_done();
        run.tick(&lock(db));
    }
    if run.stop_requested() {
        return Ok(None);
    }
    let subs: Vec<store::UserSubscription> = subs
        .into_iter()
        .map(|s| store::UserSubscription {
            id: s.subscription_id,
            tenant_id: s.tenant_id,
            owner: s.owner,
            display_name: s.display_name,
            offer_id: s.offer_id,
            state: s.state,
        })
        .collect();
    let counts = store::replace_window(
        &mut lock(db),
        account_id,
        key,
        whole.start(),
        whole.end(),
        &subs,
        &rows,
        now,
    )?;
    run.page("stackSubscriptions", subs.len() as u64);
    run.page("stackUsage", counts.written);
    Ok(Some((subs.len() as u32, counts)))
}

/// Starts importing the window of `input` in the background (the app), with a connection
/// of its own; returns the run once it is recorded InProgress, or why it could not start.
pub async fn start(
    imports: &Arc<Imports>,
    db_path: std::path::PathBuf,
    account: String,
    input: ImportStackUsageDto,
    now: DateTime<Utc>,
) -> Result<ImportRunDto, ApiError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let stop = CancellationToken::new();
    let sink = imports.sink(stop.clone(), Some(tx));
    let task = tokio::spawn(async move {
        let db = Mutex::new(Database::open(&db_path)?);
        run(&db, &account, &input, now, sink, stop).await
    });
    started(rx, task, "The Azure Stack usage import").await
}

/// Imports a window of daily usage from the registration's Stack, replacing what that
/// window held: one run of the pipeline with nobody watching (the CLI). The window is checked
/// before any call; `now` decides "yesterday".
pub async fn import_usage(
    db: &Mutex<Database>,
    account: &str,
    input: &ImportStackUsageDto,
    now: DateTime<Utc>,
) -> Result<StackUsageImportDto, ApiError> {
    import_usage_with(
        db,
        account,
        input,
        now,
        (
            Arc::new(cspdesk_discovery::progress::Silent),
            CancellationToken::new(),
        ),
    )
    .await
}

/// [`import_usage`] with the run's sink and Stop token (the app's, from
/// `imports::runs::watched`, so the run history shows the run and can stop it). A stopped
/// run keeps the window as it was and says so.
pub async fn import_usage_with(
    db: &Mutex<Database>,
    account: &str,
    input: &ImportStackUsageDto,
    now: DateTime<Utc>,
    (sink, stop): (Arc<dyn ProgressSink>, CancellationToken),
) -> Result<StackUsageImportDto, ApiError> {
    let outcome = run(db, account, input, now, sink, stop).await?;
    match (outcome.error, outcome.imported) {
        (Some(e), _) => Err(e),
        (None, Some(imported)) => Ok(imported),
        (None, None) => Err(ApiError::new(
            ErrorCode::Internal,
            "The Azure Stack usage import was stopped before it ended; the window keeps what it held. Import the window again.",
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn the_plan_reads_each_day_of_the_window() {
        let now = Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
        // (from, to) -> (first, last, days)
        let cases = [
            ((None, None), (d(3, 1), d(3, 19), 19)),
            ((Some(d(2, 27)), Some(d(3, 2))), (d(2, 27), d(3, 2), 4)),
            ((Some(d(3, 5)), Some(d(3, 5))), (d(3, 5), d(3, 5), 1)),
            ((Some(d(3, 6)), Some(d(3, 5))), (d(3, 6), d(3, 5), 0)),
        ];
        for ((from, to), (first, last, days)) in cases {
            let p = plan(from, to, now);
            assert_eq!(
                (p.from, p.to, p.days.len()),
                (first, last, days),
                "{from:?}..{to:?}"
            );
            assert_eq!(p.days.first().copied(), (days > 0).then_some(first));
            assert_eq!(p.days.last().copied(), (days > 0).then_some(last));
        }
        let first_of_month = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        assert_eq!(
            plan(None, None, first_of_month).days,
            (1..=28).map(|day| d(2, day)).collect::<Vec<_>>(),
            "on the 1st the default is the whole previous month"
        );
    }

    #[test]
    fn a_window_the_stack_would_refuse_names_its_field() {
        let now = Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap();
        assert!(window(d(3, 1), d(3, 19), now).is_ok());
        assert_eq!(
            window(d(3, 6), d(3, 5), now).unwrap_err().field.as_deref(),
            Some("from")
        );
        assert_eq!(
            window(d(3, 1), d(3, 20), now).unwrap_err().field.as_deref(),
            Some("to"),
            "today has not ended"
        );
    }
}
