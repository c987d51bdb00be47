//! Importing a source's new export runs, with progress; needs no admin access.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cspdesk_cost_exports::{self as exports, ContainerSas, SkipReason};
use cspdesk_discovery::progress::{ProgressSink, Silent};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::Clock;
use cspdesk_partner_api::{KeyringSecrets, SecretStore};
use cspdesk_store::cost_exports::sources::{self};
use cspdesk_store::{accounts, Database};
use tokio_util::sync::CancellationToken;

use super::dto::*;
use super::sources::*;
use crate::{ApiError, ErrorCode};

/// How each source's run of an import is watched: the clock its record keeps time by, and a
/// progress sink and Stop token per run. The CLI runs unwatched; the app registers every run
/// with its `Imports` (`imports::runs::watched`), so the one run history shows it and can
/// stop it.
pub struct RunWatch {
    /// The run record's clock.
    pub clock: Clock,
    /// A new run's sink and Stop token.
    pub new_run: Box<dyn FnMut() -> (Arc<dyn ProgressSink>, CancellationToken) + Send>,
}

impl RunWatch {
    /// Nobody watches; the record keeps `now` as its time.
    pub fn unwatched(now: DateTime<Utc>) -> Self {
        Self {
            clock: Arc::new(move || now),
            new_run: Box::new(|| (Arc::new(Silent), CancellationToken::new())),
        }
    }
}

/// Imports the new export runs of the sources of `account` (only `source`, when given), one
/// source after the other, reporting progress to `progress`. The first failure stops the
/// import with its error; runs committed before it stay (each run is whole).
pub fn import(
    db: &mut Database,
    account: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(CostImportEvent),
) -> Result<Vec<CostImportDto>, ApiError> {
    import_with(db, account, source, now, progress, &KeyringSecrets::new())
}

/// [`import`] for async callers (the app): on a blocking thread, since the storage client
/// blocks and tokio's workers must not, through a connection of its own, so a run's batches
/// commit while the rest of the app keeps reading.
pub async fn import_in_background(
    db_path: std::path::PathBuf,
    account: String,
    source: Option<String>,
    now: DateTime<Utc>,
    mut progress: impl FnMut(CostImportEvent) + Send + 'static,
    watch: RunWatch,
) -> Result<Vec<CostImportDto>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut db = Database::open(&db_path)?;
        import_watched(
            &mut db,
            &account,
            source.as_deref(),
            now,
            &mut progress,
            &KeyringSecrets::new(),
            watch,
        )
    })
    .await
    .map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!(
                "the import of cost exports stopped unexpectedly ({e}): import again, and report it if it repeats"
            ),
            None,
        )
    })?
}

/// [`import`] with another secret store.
pub fn import_with(
    db: &mut Database,
    account: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(CostImportEvent),
    secrets: &dyn SecretStore,
) -> Result<Vec<CostImportDto>, ApiError> {
    import_watched(
        db,
        account,
        source,
        now,
        progress,
        secrets,
        RunWatch::unwatched(now),
    )
}

/// [`import_with`], each source's run watched by `watch`. A run stopped from the run history
/// ends the import there: its export run in progress is rolled back whole, the sources after
/// it are left for the next import, and what was imported before it is reported.
pub fn import_watched(
    db: &mut Database,
    account: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(CostImportEvent),
    secrets: &dyn SecretStore,
    mut watch: RunWatch,
) -> Result<Vec<CostImportDto>, ApiError> {
    if db.is_read_only() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "This database is open read-only: importing cost exports needs CSP Desk started without --read-only.",
            None,
        ));
    }
    let account = accounts::find(db, account)?;
    let chosen = match source {
        Some(s) => vec![sources::find(db, &account.id, s)?],
        None => sources::list(db, Some(&account.id))?,
    };
    if chosen.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!(
                "Account {:?} has no cost export source: add one with its container's SAS URL first",
                account.name
            ),
            None,
        ));
    }
    let mut out = Vec::new();
    for s in chosen {
        let secret = secrets.load(&secret_key(&s.id))?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "the SAS URL of source {:?} is not in this machine's keyring: renew the source with its container's SAS URL",
                    s.name
                ),
                Some("sasUrl"),
            )
        })?;
        let sas = ContainerSas::from_secret(&secret, now).map_err(api_error)?;
        let name = s.name.clone();
        let (sink, stop) = (watch.new_run)();
        let outcome = exports::run(
            db,
            &s,
            &sas,
            Trigger::Manual,
            watch.clock.clone(),
            sink,
            stop,
            &mut |p| {
                let event = match p {
                    exports::Progress::Listed { manifests } => CostImportEvent::Listed {
                        source_name: name.clone(),
                        manifests: u32::try_from(manifests).unwrap_or(u32::MAX),
                    },
                    exports::Progress::Planned { runs, rows, .. } => CostImportEvent::Planned {
                        source_name: name.clone(),
                        runs: u32::try_from(runs).unwrap_or(u32::MAX),
                        rows,
                    },
                    exports::Progress::Rows {
                        run_id,
                        done,
                        total,
                    } => CostImportEvent::Rows {
                        run_id,
                        done,
                        total,
                    },
                    exports::Progress::RunImported(r) => {
                        CostImportEvent::RunImported { run: r.into() }
                    }
                    exports::Progress::RunStarted { .. } => return,
                };
                progress(event);
            },
        )
        .map_err(api_error)?;
        if let Some(e) = outcome.error {
            return Err(api_error(e));
        }
        let stopped = outcome.record.state == "stopped";
        let summary = outcome.summary;
        out.push(CostImportDto {
            source_id: s.id,
            source_name: s.name,
            runs_found: u32::try_from(summary.runs_found).unwrap_or(u32::MAX),
            imported: summary.imported.into_iter().map(Into::into).collect(),
            skipped: summary
                .skipped
                .into_iter()
                .map(|k| CostSkipDto {
                    already_imported: k.reason == SkipReason::AlreadyImported,
                    reason: k.reason.to_string(),
                    run_id: k.run_id,
                    manifest_path: k.manifest_path,
                })
                .collect(),
            rows: summary.rows,
            duration_ms: u64::try_from(summary.elapsed.as_millis()).unwrap_or(u64::MAX),
        });
        if stopped {
            break;
        }
    }
    Ok(out)
}
