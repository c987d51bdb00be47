//! After a Discovery run, before rating: the Pricing API's Azure plan consumption sheet and the
//! FX rates of every month the account has usage in, so rating prices each month with its own
//! sheet and rate (reference §6.3) instead of the latest rate card.
//!
//! # What is fetched
//! - A past month's sheet (`timeline=history`) once: [`store::pricing::holds_history`]; a
//!   month that was current when read is read again as history once it has ended.
//! - The current month's sheet (the month so far) on every run: its prices may still change.
//! - A month's FX rates once (one rate per currency for the whole month).
//!
//! Each file goes through the same path as `cspdesk prices import` (one pricing run of the
//! one import pipeline: header checked, rows set aside with their line, one transaction).
//!
//! # Market
//! Azure plan consumption prices are USD for every market (reference §6.3); the `US` sheet is
//! read. A partner whose sheet differs by market would import it with `--market`.
//!
//! # A failure never fails the run
//! Discovery's data is written already. A refused download (no Pricing consent, a user
//! without the Admin agent or Sales agent role) or a refused file is reported with the
//! Discovery run's rating outcome; rating then keeps the rate card for the months without a
//! sheet, as it did before.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use cspdesk_partner_api::pricing::{Pricing, SheetView as WireView, Timeline};
use cspdesk_partner_api::Session;
use cspdesk_store::pricing::{self, SheetKey};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use super::pricing_import::{write_fx_from, write_sheet_from, SheetView};
use crate::ApiError;

/// The market whose consumption sheet is read.
const MARKET: &str = "US";

/// What one fetch read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PricesFetched {
    /// Sheets downloaded and written.
    pub sheets: u32,
    /// Months of FX rates downloaded and written.
    pub fx_months: u32,
    /// Sheet rows written.
    pub rows: u64,
}

/// The first day of `YYYY-MM`.
fn first_day(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

/// Fetches the consumption sheets and FX rates `account_id` lacks (see the module header)
/// into the database at `db_path`. Stops between files when `stop` is cancelled.
pub async fn fetch_month_prices(
    db_path: &Path,
    session: Arc<Session>,
    account_id: &str,
    now: DateTime<Utc>,
    stop: &CancellationToken,
) -> Result<PricesFetched, ApiError> {
    let client = Pricing::new(session)?;
    let this_month = format!("{:04}-{:02}", now.year(), now.month());
    let (months, held_fx) = {
        let path = db_path.to_path_buf();
        let account = account_id.to_string();
        let this_month = this_month.clone();
        tokio::task::spawn_blocking(move || -> Result<_, ApiError> {
            let db = Database::open(&path)?;
            let mut months = pricing::usage_months(&db, &account)?;
            months.retain(|m| m.as_str() <= this_month.as_str());
            let mut wanted = Vec::new();
            for month in months {
                let key = SheetKey {
                    account_id: account.clone(),
                    view: SheetView::AzureConsumption.as_str().to_string(),
                    market: MARKET.into(),
                    month: month.clone(),
                };
                let sheet_needed = month == this_month || !pricing::holds_history(&db, &key)?;
                wanted.push((month, sheet_needed));
            }
            let held = pricing::fx_rates(&db, &account, &[])?;
            Ok((wanted, held))
        })
        .await
        .map_err(joined)??
    };
    let mut fetched = PricesFetched::default();
    for (month, sheet_needed) in months {
        if stop.is_cancelled() {
            break;
        }
        let Some(day) = first_day(&month) else {
            continue;
        };
        if sheet_needed {
            let timeline = if month == this_month {
                Timeline::Current
            } else {
                Timeline::History(day)
            };
            let download = client
                .price_sheet(MARKET, WireView::AzureConsumption, timeline)
                .await?;
            let written = write_blocking(db_path, account_id, &month, now, move |db, a, m, n| {
                let file = format!("azure_consumption {MARKET} {m}");
                write_sheet_from(
                    db,
                    a,
                    SheetView::AzureConsumption,
                    m,
                    MARKET,
                    &file,
                    download,
                    n,
                )
            })
            .await?;
            fetched.sheets += 1;
            fetched.rows += written.rows;
        }
        if !held_fx.contains_key(&month) {
            let download = client.fx_rates(day).await?;
            write_blocking(db_path, account_id, &month, now, move |db, a, m, n| {
                write_fx_from(db, a, m, &format!("fxrates {m}"), download, n)
            })
            .await?;
            fetched.fx_months += 1;
        }
    }
    Ok(fetched)
}

/// Runs one store write off the async runtime, on its own connection.
async fn write_blocking<T: Send + 'static>(
    db_path: &Path,
    account_id: &str,
    month: &str,
    now: DateTime<Utc>,
    write: impl FnOnce(&mut Database, &str, &str, DateTime<Utc>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let path = db_path.to_path_buf();
    let account = account_id.to_string();
    let month = month.to_string();
    tokio::task::spawn_blocking(move || {
        let mut db = Database::open(&path)?;
        write(&mut db, &account, &month, now)
    })
    .await
    .map_err(joined)?
}

fn joined(e: tokio::task::JoinError) -> ApiError {
    ApiError::new(
        crate::ErrorCode::Internal,
        format!("reading prices stopped unexpectedly ({e})"),
        None,
    )
}
