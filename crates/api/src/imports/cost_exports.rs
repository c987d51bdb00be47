//! Importing one Cost Management export source as a run of the import pipeline, in the
//! background (the app): the run is recorded, shows in the one run history with its
//! progress, and stops by id (`imports::runs::stop`). The engine is
//! `cspdesk_cost_exports::run`; `cost_exports::import::import` runs the same to the end (the CLI).

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use cspdesk_cost_exports::{self as exports, ContainerSas};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::Clock;
use cspdesk_partner_api::{KeyringSecrets, SecretStore};
use cspdesk_store::cost_exports::sources::{self, Source};
use cspdesk_store::{accounts, Database};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::dto::ImportRunDto;
use super::runs::{started, Imports};
use crate::cost_exports::sources::{api_error, secret_key};
use crate::{ApiError, ErrorCode};

/// The SAS of `source` from `secrets`, checked at `now`.
pub(crate) fn sas_of(
    secrets: &dyn SecretStore,
    source: &Source,
    now: DateTime<Utc>,
) -> Result<ContainerSas, ApiError> {
    let secret = secrets.load(&secret_key(&source.id))?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!(
                "the SAS URL of source {:?} is not in this machine's keyring: renew the source with its container's SAS URL",
                source.name
            ),
            Some("sasUrl"),
        )
    })?;
    ContainerSas::from_secret(&secret, now).map_err(api_error)
}

/// Starts importing `source` of `account` (names or ids) in the background, on a blocking
/// thread with its own connection; returns the run once it is recorded InProgress, or why
/// it could not start (another import of the source, no SAS, read-only database...).
pub async fn start(
    imports: &Arc<Imports>,
    db_path: PathBuf,
    account: String,
    source: String,
) -> Result<ImportRunDto, ApiError> {
    start_with(
        imports,
        db_path,
        account,
        source,
        Arc::new(Utc::now),
        Arc::new(KeyringSecrets::new()),
    )
    .await
}

/// [`start`] with another clock (what "now" is for the SAS and the run's times) and
/// secret store.
pub async fn start_with(
    imports: &Arc<Imports>,
    db_path: PathBuf,
    account: String,
    source: String,
    clock: Clock,
    secrets: Arc<dyn SecretStore>,
) -> Result<ImportRunDto, ApiError> {
    let (tx, rx) = oneshot::channel();
    let stop = CancellationToken::new();
    let sink = imports.sink(stop.clone(), Some(tx));
    let task = tokio::task::spawn_blocking(move || -> Result<(), ApiError> {
        let mut db = Database::open(&db_path)?;
        if db.is_read_only() {
            return Err(ApiError::new(
                ErrorCode::Forbidden,
                "This database is open read-only: importing cost exports needs CSP Desk started without --read-only.",
                None,
            ));
        }
        let account = accounts::find(&db, &account)?;
        let found = sources::find(&db, &account.id, &source)?;
        let sas = sas_of(secrets.as_ref(), &found, clock())?;
        exports::run(
            &mut db,
            &found,
            &sas,
            Trigger::Manual,
            clock,
            sink,
            stop,
            &mut |_| {},
        )
        .map_err(api_error)?;
        Ok(())
    });
    started(rx, task, "The import of cost exports").await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The history keeps a failed run's code by name; it must be the code the same error
    /// has when it crosses to the UI directly.
    #[test]
    fn a_failed_runs_code_is_the_code_its_error_crosses_with() {
        let container = || "https://a.blob.core.windows.net/c".to_string();
        let errors = [
            exports::Error::SasExpired {
                container: container(),
                expired_at: Utc::now(),
            },
            exports::Error::SasRejected {
                container: container(),
                code: "AuthenticationFailed".into(),
            },
            exports::Error::Network {
                container: container(),
                what: "the blob listing".into(),
                detail: "refused".into(),
            },
            exports::Error::RowCount {
                blob: "part_0.csv".into(),
                expected: 2,
                found: 1,
            },
            exports::Error::NotFound {
                container: container(),
                what: "the container".into(),
                code: "ContainerNotFound".into(),
            },
            exports::Error::AlreadyRunning {
                source_name: "MCA".into(),
            },
        ];
        for e in errors {
            let stored = exports::failure(&e).code;
            let crossing = api_error(e).code;
            assert_eq!(
                serde_json::to_value(crossing).unwrap(),
                serde_json::Value::String(stored.clone()),
                "{stored}"
            );
        }
    }
}
