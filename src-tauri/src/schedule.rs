//! The app's Discovery schedule: a loop that, every half minute, asks the core which
//! accounts are due (start-up catch-up, then the configured local times) and starts their
//! runs. The decisions live in `cspdesk_api::discovery::scheduled`; this only keeps time.

use std::sync::Arc;
use std::time::Duration;

use cspdesk_api::{discovery::runs as discovery, discovery::scheduled, lock};
use cspdesk_discovery::run::Trigger;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;

const TICK: Duration = Duration::from_secs(30);

/// Runs for the life of the app.
pub async fn keep<R: Runtime>(app: AppHandle<R>) {
    let mut previous = None;
    loop {
        let now = chrono::Utc::now();
        let state = app.state::<AppState>();
        let mut checked = false;
        if let Ok(db) = state.shared() {
            let due = scheduled::due(&lock(db), &state.discovery, previous, now, &chrono::Local);
            match due {
                Ok(accounts) => {
                    checked = true;
                    for account in accounts {
                        let started = match discovery::prepare(db, &account, now).await {
                            Ok(prepared) => {
                                discovery::start(
                                    &state.discovery,
                                    prepared,
                                    Trigger::Scheduled,
                                    Arc::new(chrono::Utc::now),
                                )
                                .await
                            }
                            Err(e) => Err(e),
                        };
                        if let Err(e) = started {
                            tracing::warn!(account, error = %e.message, "scheduled Discovery did not start");
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e.message, "the Discovery schedule could not be read")
                }
            }
        }
        // A check that failed is not a check: the start-up catch-up happens on the next one.
        if checked {
            previous = Some(now);
        }
        tokio::time::sleep(TICK).await;
    }
}
