//! After a Discovery run, before rating: Microsoft's prices the account lacks, read as ONE
//! import run (kind pricing, source [`SOURCE`], named "Microsoft prices" in the history, with
//! the Discovery run's trigger): the Azure plan consumption sheet and the FX rates of every
//! month the account has usage in, so rating prices each month with its own sheet and rate
//! (reference §6.3) instead of the latest rate card, and the new-commerce licence sheet of
//! every month a licence held was ordered in, so each licence charge is checked against the
//! price locked for its term ([`crate::rating::licence_check`]).
//!
//! # What is fetched
//! - A past month's sheet (`timeline=history`) once: [`store::pricing::holds_history`]; a
//!   month that was current when read is read again as history once it has ended.
//! - The current month's sheet (the month so far) on every run: its prices may still change.
//! - A month's FX rates once (one rate per currency for the whole month).
//!
//! The files are planned first (so progress says "file k of n"), then read one by one, each
//! written through the same path as `cspdesk prices import` (header checked, rows set aside
//! with their line, one transaction per file) and named in the run's entities
//! (`sheet:{view}/{market}/{month}`, `fx:{month}`), so the history's details list every file
//! with its rows. The Pricing API requests are counted in the run. Stop (Discovery's) ends the
//! run between files, or between pages of 10,000 rows inside a sheet, whose transaction then
//! rolls back: every file written is whole.
//!
//! # Market
//! Azure plan consumption prices are USD for every market (reference §6.3); the `US` sheet is
//! read. A licence sheet is read in the market of the licence charges' currency
//! ([`store::pricing::licence_order_months`] says which).
//!
//! # A failure never fails Discovery
//! Discovery's data is written already. A refused download (no Pricing consent, a user without
//! the Admin agent or Sales agent role) or a refused file ends the prices run in Error (kept
//! in the history) and is reported with the Discovery run's rating outcome; rating then keeps
//! the rate card for the months without a sheet, as it did before.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use cspdesk_discovery::pipeline::Run;
use cspdesk_discovery::progress::{Phase, Progress, ProgressSink};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::Clock;
use cspdesk_partner_api::pricing::{Pricing, SheetView as WireView, Timeline};
use cspdesk_partner_api::{CallEvent, CallObserver, Session};
use cspdesk_store::import_runs::{RunKey, RunKind, RunRecord};
use cspdesk_store::pricing::{self, SheetKey};
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use super::dto::PricesProgressDto;
use super::pricing_import::{
    failure, fx_entity, start_refused, write_fx_in, write_sheet_in, SheetFile, SheetView,
};
use crate::{ApiError, ErrorCode};

/// The market whose consumption sheet is read.
const MARKET: &str = "US";

/// The source of the prices run after Discovery (one at a time per account).
pub const SOURCE: &str = "afterDiscovery";

/// Its name in the history.
pub const LABEL: &str = "Microsoft prices";

/// Who hears where the run stands (the Discovery panel, through the hub).
pub type PricesWatch = Arc<dyn Fn(&PricesProgressDto) + Send + Sync>;

/// What one fetch read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PricesFetched {
    /// The import run that read them (None when nothing was missing).
    pub run_id: Option<i64>,
    /// Every file read, in order (`azure_consumption US 2026-10`, `fxrates 2026-10`...).
    pub files: Vec<String>,
    /// Consumption sheets downloaded and written.
    pub sheets: u32,
    /// Licence sheets downloaded and written.
    pub licence_sheets: u32,
    /// Months of FX rates downloaded and written.
    pub fx_months: u32,
    /// Sheet rows written.
    pub rows: u64,
    /// Pricing API requests sent.
    pub requests: u64,
    /// Whether Stop ended it before its last file.
    pub stopped: bool,
}

/// One file of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PlannedFile {
    /// None: the month's FX rates.
    sheet: Option<(SheetView, String)>,
    /// `YYYY-MM`.
    month: String,
}

impl PlannedFile {
    fn name(&self) -> String {
        match &self.sheet {
            Some((view, market)) => format!("{} {market} {}", view.as_str(), self.month),
            None => format!("fxrates {}", self.month),
        }
    }

    fn entity(&self) -> String {
        match &self.sheet {
            Some((view, market)) => format!("sheet:{}/{market}/{}", view.as_str(), self.month),
            None => fx_entity(&self.month),
        }
    }
}

/// The first day of `YYYY-MM`.
fn first_day(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

fn this_month(now: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", now.year(), now.month())
}

/// The files `account` lacks (see the module header), month by month.
fn plan(db: &Database, account: &str, this_month: &str) -> Result<Vec<PlannedFile>, ApiError> {
    let needed = |view: SheetView, market: &str, month: &str| -> Result<bool, ApiError> {
        let key = SheetKey {
            account_id: account.to_string(),
            view: view.as_str().to_string(),
            market: market.to_string(),
            month: month.to_string(),
        };
        Ok(month == this_month || !pricing::holds_history(db, &key)?)
    };
    let held_fx = pricing::fx_rates(db, account, &[])?;
    let mut files = Vec::new();
    for month in pricing::usage_months(db, account)? {
        if month.as_str() > this_month {
            continue;
        }
        if needed(SheetView::AzureConsumption, MARKET, &month)? {
            files.push(PlannedFile {
                sheet: Some((SheetView::AzureConsumption, MARKET.into())),
                month: month.clone(),
            });
        }
        if !held_fx.contains_key(&month) {
            files.push(PlannedFile { sheet: None, month });
        }
    }
    for (market, month) in pricing::licence_order_months(db, account)? {
        if month.as_str() <= this_month && needed(SheetView::Licence, &market, &month)? {
            files.push(PlannedFile {
                sheet: Some((SheetView::Licence, market)),
                month,
            });
        }
    }
    Ok(files)
}

/// The run's sink: each progress snapshot told to the watch with the file being read.
struct FileSink {
    watch: Option<PricesWatch>,
    files: u32,
    at: Mutex<Option<(u32, PlannedFile)>>,
}

impl ProgressSink for FileSink {
    fn started(&self, _: &RunRecord) {}

    fn progress(&self, p: &Progress) {
        let (Some(watch), Some((k, file))) = (
            &self.watch,
            self.at.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        ) else {
            return;
        };
        let entity = file.entity();
        let rows = p
            .entities
            .iter()
            .find(|e| e.entity == entity)
            .map_or(0, |e| e.rows);
        watch(&PricesProgressDto {
            run_id: p.run_id.to_string(),
            file: k,
            files: self.files,
            view: match &file.sheet {
                Some((view, _)) => view.as_str().to_string(),
                None => "fxRates".into(),
            },
            market: file.sheet.as_ref().map(|(_, m)| m.clone()),
            month: file.month.clone(),
            rows: clamp(rows),
            rows_written: clamp(p.rows_written),
            requests: clamp(p.requests),
        });
    }

    fn finished(&self, _: &RunRecord) {}
}

fn clamp(n: u64) -> u32 {
    n.min(u32::MAX as u64) as u32
}

/// Fetches the sheets and FX rates `account_id` lacks (see the module header) into the
/// database at `db_path` as one import run started by `trigger`; `watch` hears each file's
/// progress. Stops between files (or pages of rows) when `stop` is cancelled.
pub async fn fetch_month_prices(
    db_path: &Path,
    session: Arc<Session>,
    account_id: &str,
    trigger: Trigger,
    clock: Clock,
    stop: &CancellationToken,
    watch: Option<PricesWatch>,
) -> Result<PricesFetched, ApiError> {
    let client = Pricing::new(session)?;
    let now = clock();
    let this_month = this_month(now);
    let files = {
        let (path, account, this_month) = (
            db_path.to_path_buf(),
            account_id.to_string(),
            this_month.clone(),
        );
        blocking(move || plan(&Database::open(&path)?, &account, &this_month)).await?
    };
    if files.is_empty() {
        return Ok(PricesFetched::default());
    }
    // Discovery was stopped: no prices run is started (an empty Stopped run in the history
    // would say nothing).
    if stop.is_cancelled() {
        return Ok(PricesFetched {
            stopped: true,
            ..PricesFetched::default()
        });
    }
    let sink = Arc::new(FileSink {
        watch,
        files: files.len() as u32,
        at: Mutex::new(None),
    });
    let (run, db) = {
        let (path, account, sink, stop) = (
            db_path.to_path_buf(),
            account_id.to_string(),
            sink.clone(),
            stop.clone(),
        );
        blocking(move || start(&path, &account, trigger, sink, stop, clock)).await?
    };
    let tally = run.tally().clone();
    let observer: CallObserver = Arc::new(move |e: &CallEvent| {
        tally.requests.fetch_add(1, Ordering::Relaxed);
        if e.status == Some(429) {
            tally.throttled.fetch_add(1, Ordering::Relaxed);
            let wait = e.retry_after.unwrap_or_default().as_millis() as u64;
            tally.throttled_wait_ms.fetch_add(wait, Ordering::Relaxed);
        }
    });
    let client = client.with_observer(observer);
    let mut fetched = PricesFetched {
        run_id: Some(run.record().id),
        ..PricesFetched::default()
    };
    let (mut run, mut db, mut failed) = (run, db, None);
    for (k, file) in files.into_iter().enumerate() {
        if stop.is_cancelled() {
            fetched.stopped = true;
            break;
        }
        *sink.at.lock().unwrap_or_else(|e| e.into_inner()) = Some((k as u32 + 1, file.clone()));
        run.phase(Phase::MicrosoftPrices);
        // Stop asked while the file was announced: it is not downloaded.
        if stop.is_cancelled() {
            fetched.stopped = true;
            break;
        }
        let Some(day) = first_day(&file.month) else {
            continue;
        };
        let timeline = if file.month == this_month {
            Timeline::Current
        } else {
            Timeline::History(day)
        };
        let download = match &file.sheet {
            Some((view, market)) => client.price_sheet(market, wire(*view), timeline).await,
            None => client.fx_rates(day).await,
        };
        let download = match download {
            Ok(d) => d,
            Err(e) => {
                failed = Some(ApiError::from(e));
                break;
            }
        };
        let account = account_id.to_string();
        let what = file.clone();
        let (back_run, back_db, written) = tokio::task::spawn_blocking(move || {
            let name = what.name();
            let written = match &what.sheet {
                Some((view, market)) => write_sheet_in(
                    &mut run,
                    &mut db,
                    &SheetFile {
                        account_id: &account,
                        view: *view,
                        month: &what.month,
                        market,
                        file: &name,
                        imported: false,
                    },
                    download,
                ),
                None => {
                    write_fx_in(&run, &mut db, &account, &what.month, &name, download).map(Some)
                }
            };
            run.tick(&db);
            (run, db, written)
        })
        .await
        .map_err(joined)?;
        (run, db) = (back_run, back_db);
        match written {
            Ok(Some(dto)) => {
                fetched.files.push(file.name());
                match &file.sheet {
                    Some((SheetView::Licence, _)) => fetched.licence_sheets += 1,
                    Some(_) => fetched.sheets += 1,
                    None => fetched.fx_months += 1,
                }
                if file.sheet.is_some() {
                    fetched.rows += dto.rows;
                }
            }
            Ok(None) => {
                fetched.stopped = true;
                break;
            }
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    fetched.requests = run.tally().requests.load(Ordering::Relaxed);
    let reason = failed.as_ref().map(failure);
    blocking(move || run.finish(&db, reason).map_err(ApiError::from)).await?;
    match failed {
        Some(e) => Err(e),
        None => Ok(fetched),
    }
}

fn wire(view: SheetView) -> WireView {
    match view {
        SheetView::AzureConsumption => WireView::AzureConsumption,
        SheetView::Licence => WireView::UpdatedLicenseBased,
    }
}

/// Starts the prices run of `account` on its own connection.
fn start(
    path: &Path,
    account: &str,
    trigger: Trigger,
    sink: Arc<FileSink>,
    stop: CancellationToken,
    clock: Clock,
) -> Result<(Run, Database), ApiError> {
    let mut db = Database::open(path)?;
    let key = RunKey::of(RunKind::Pricing, account, SOURCE);
    let run = Run::start(&mut db, &key, Some(LABEL), trigger, sink, stop, clock)
        .map_err(|e| start_refused(e, LABEL))?;
    Ok((run, db))
}

/// Runs store work off the async runtime.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work).await.map_err(joined)?
}

fn joined(e: tokio::task::JoinError) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("reading prices stopped unexpectedly ({e})"),
        None,
    )
}
