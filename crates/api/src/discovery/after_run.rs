//! What follows a Discovery run before the window hears it ended: Microsoft's prices read as
//! their own import run (their progress told as the Discovery run's, phase
//! `microsoftPrices`), then rating of what the run changed.

use std::sync::Arc;

use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::Clock;
use cspdesk_partner_api::Session;
use cspdesk_store::discovered::runs::RunRecord;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use super::runs::{clamp, Hub};
use crate::discovery::dto::*;
use crate::{ApiError, ErrorCode};

/// Reads the months' Pricing API sheets and FX rates the account lacks
/// ([`crate::rating::pricing_fetch`]), then rates what the run changed (incrementally: only
/// customer-periods whose usage or prices changed). A stopped run is rated too: what it read
/// is in the database, and the next run's rating corrects any period it left half read. Stop
/// ends rating between customer-periods.
pub(super) async fn rate_after_run(
    hub: &Arc<Hub>,
    db_path: &std::path::Path,
    record: &RunRecord,
    session: Arc<Session>,
    clock: Clock,
    stop: CancellationToken,
) -> RatingOutcomeDto {
    let trigger = if record.trigger == "scheduled" {
        Trigger::Scheduled
    } else {
        Trigger::Manual
    };
    let watch = prices_watch(hub, &record.account_id);
    let fetched = crate::rating::pricing_fetch::fetch_month_prices(
        db_path,
        session,
        &record.account_id,
        trigger,
        clock.clone(),
        &stop,
        Some(watch),
    )
    .await;
    let prices = fetched.as_ref().err().cloned();
    if let Some(e) = &prices {
        tracing::warn!(code = ?e.code, "reading the Pricing API sheets failed: {}", e.message);
    }
    let mut outcome = rate_read(hub, db_path, record, clock, stop).await;
    if let Ok(f) = &fetched {
        outcome.prices_run_id = f.run_id.map(|id| id.to_string());
        outcome.prices_files = f.files.len() as u32;
        outcome.prices_requests = clamp(f.requests);
    }
    outcome.prices_error = prices.as_ref().map(|e| {
        format!(
            "The months' price sheets could not be read: {} Months without their sheet are rated with the rate card.",
            e.message
        )
    });
    outcome.prices_error_code = prices.map(|e| e.code);
    outcome
}

/// Where the prices run stands, told as the Discovery run's progress (phase
/// `microsoftPrices`, the Discovery run's last counters beside the prices run's file, rows
/// and requests), so the panel says what happens while 500,000-row sheets download.
fn prices_watch(hub: &Arc<Hub>, account: &str) -> crate::rating::pricing_fetch::PricesWatch {
    let hub = hub.clone();
    let account = account.to_string();
    Arc::new(move |prices: &PricesProgressDto| {
        let progress = {
            let mut live = hub.live();
            let Some(live) = live.get_mut(&account) else {
                return;
            };
            let Some(mut progress) = live.progress.clone() else {
                return;
            };
            progress.phase = PhaseDto::MicrosoftPrices;
            progress.prices = Some(prices.clone());
            live.progress = Some(progress.clone());
            progress
        };
        hub.emit(&DiscoveryEvent::Progress { progress });
    })
}

async fn rate_read(
    hub: &Hub,
    db_path: &std::path::Path,
    record: &RunRecord,
    clock: Clock,
    stop: CancellationToken,
) -> RatingOutcomeDto {
    let last = hub
        .live()
        .get(&record.account_id)
        .and_then(|l| l.progress.clone());
    if let Some(mut progress) = last {
        progress.phase = PhaseDto::Rating;
        hub.emit(&DiscoveryEvent::Progress { progress });
    }
    let path = db_path.to_path_buf();
    let account = record.account_id.clone();
    let now = clock();
    let outcome = tokio::task::spawn_blocking(move || {
        let mut db = Database::open(&path)?;
        crate::rating::rate::rate_until(&mut db, Some(&account), None, now, &|| stop.is_cancelled())
    })
    .await;
    match outcome {
        Ok(Ok(s)) => RatingOutcomeDto {
            rated: s.rated,
            refused: s.refused,
            unchanged: s.unchanged,
            lines_written: s.lines_written,
            error: None,
            error_code: None,
            prices_error: None,
            prices_error_code: None,
            prices_run_id: None,
            prices_files: 0,
            prices_requests: 0,
        },
        Ok(Err(e)) => rating_failed(e),
        Err(e) => rating_failed(ApiError::new(
            ErrorCode::Internal,
            format!("rating stopped unexpectedly ({e})"),
            None,
        )),
    }
}

fn rating_failed(e: ApiError) -> RatingOutcomeDto {
    tracing::warn!(code = ?e.code, "rating after Discovery failed: {}", e.message);
    RatingOutcomeDto {
        rated: 0,
        refused: 0,
        unchanged: 0,
        lines_written: 0,
        error: Some(format!(
            "Rating the usage failed: {} Costs shown may be out of date; run Discovery again.",
            e.message
        )),
        error_code: Some(e.code),
        prices_error: None,
        prices_error_code: None,
        prices_run_id: None,
        prices_files: 0,
        prices_requests: 0,
    }
}
