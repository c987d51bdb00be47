//! Microsoft's Pricing API files loaded from disk (`cspdesk prices import --kind
//! pricing-sheet | fx-rates`), so month-true rating works before Discovery fetches them. Each
//! file is one run of the one import pipeline (kind `pricing`, source
//! `view/market/month` or `fx/month`), written through the same store API Discovery uses:
//! the sheet streamed row by row into one transaction (`store::pricing::write_sheet`); a
//! header refused writes nothing and ends the run Error naming the column; rows set aside
//! are kept with their line and reason and counted as the run's warnings.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Utc};
use cspdesk_discovery::pipeline::Run;
use cspdesk_discovery::progress::Silent;
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::StartError;
use cspdesk_rating::price::{parse_fx_rates, read_sheet_rows, PriceSheetError, ReadStop, SheetRow};
use cspdesk_store::import_runs::{RunFailure, RunKey, RunKind};
use cspdesk_store::pricing::{self, SheetKey, SheetWriter, StoredSheetRow, Timeline};
use cspdesk_store::{accounts, Database};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::shared::periods::{parse_period, period_text};

use crate::{ApiError, ErrorCode};
pub use cspdesk_rating::price::SheetView;

/// Rows set aside listed in the outcome (all are stored).
const LISTED_SET_ASIDE: usize = 20;

/// A row set aside, as the outcome lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SetAsideRowDto {
    /// 1-based line in the file.
    pub line: u64,
    /// The column at fault.
    pub column: String,
    /// Why.
    pub reason: String,
}

/// What an import of a Pricing API file wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PricingImportDto {
    /// The import run that recorded it.
    pub run_id: i64,
    /// `azure_consumption`, `updatedlicensebased` or `fxRates`.
    pub view: String,
    /// Market (none for FX rates).
    pub market: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// `history` (a past month) or `current` (the month so far).
    pub timeline: String,
    /// Rows (or rates) written.
    pub rows: u64,
    /// Rows set aside (not read), all stored with the sheet.
    pub set_aside: u64,
    /// The first of them.
    pub set_aside_rows: Vec<SetAsideRowDto>,
    /// Whether it replaced what was held for the month.
    pub replaced: bool,
}

fn bad_file(message: String) -> ApiError {
    ApiError::new(ErrorCode::Validation, message, Some("file"))
}

pub(crate) fn failure(e: &ApiError) -> RunFailure {
    RunFailure {
        code: format!("{:?}", e.code),
        endpoint: None,
        message: e.message.clone(),
    }
}

fn open(path: &Path) -> Result<(String, BufReader<File>), ApiError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let file = File::open(path).map_err(|e| {
        bad_file(format!(
            "could not read {}: {e}. Check the path.",
            path.display()
        ))
    })?;
    Ok((name, BufReader::new(file)))
}

/// `month` (`YYYY-MM`) against `now`: a past month is history, this month current, a later
/// one refused.
fn timeline(month: &str, now: DateTime<Utc>) -> Result<(String, Timeline), ApiError> {
    let period = parse_period(month)?;
    let this = (now.year(), now.month());
    let asked = (period.start().year(), period.start().month());
    let text = period_text(&period);
    if asked > this {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!(
                "{text} has not begun: Microsoft publishes a month's prices from its first day"
            ),
            Some("month"),
        ));
    }
    Ok((
        text,
        if asked < this {
            Timeline::History
        } else {
            Timeline::Current
        },
    ))
}

fn start_run(
    db: &mut Database,
    account_id: &str,
    source: &str,
    label: &str,
    now: DateTime<Utc>,
) -> Result<Run, ApiError> {
    let key = RunKey::of(RunKind::Pricing, account_id, source);
    Run::start(
        db,
        &key,
        Some(label),
        Trigger::Manual,
        Arc::new(Silent),
        CancellationToken::new(),
        Arc::new(move || now),
    )
    .map_err(|e| start_refused(e, label))
}

/// Why a pricing run of `label` could not start, in words.
pub(crate) fn start_refused(e: StartError, label: &str) -> ApiError {
    match e {
        StartError::AlreadyRunning => ApiError::new(
            ErrorCode::AlreadyRunning,
            format!("{label} is being imported already (by the app or another cspdesk): wait for it to finish"),
            None,
        ),
        StartError::Store(e) => e.into(),
        StartError::Client(e) => e.into(),
        StartError::Lock(e) => ApiError::new(
            ErrorCode::Storage,
            format!("Could not take the import lock beside the database: {e}. Check that its folder is writable."),
            None,
        ),
    }
}

/// The market the sheet's first row names (`Market`), upper case.
fn market_of(file: &str, view: SheetView, path: &Path) -> Result<String, ApiError> {
    let (_, reader) = open(path)?;
    let mut market = None;
    let read = read_sheet_rows(file, view, reader, |item| {
        market = item.ok().map(|r| r.market).filter(|m| !m.is_empty());
        Err(())
    });
    if let Err(ReadStop::Sheet(e)) = read {
        return Err(bad_file(format!("{e}. Nothing was imported.")));
    }
    market.map(|m| m.to_ascii_uppercase()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::Validation,
            format!("{file}'s first row names no Market: say which with --market"),
            Some("market"),
        )
    })
}

/// Why writing a sheet stopped.
enum Stop {
    Store(cspdesk_store::Error),
    Sheet(PriceSheetError),
    Stopped,
}

impl From<cspdesk_store::Error> for Stop {
    fn from(e: cspdesk_store::Error) -> Self {
        Stop::Store(e)
    }
}

/// The store's rows of one sheet row (one per meter id; a licence row is one row).
fn stored_rows(r: SheetRow) -> Vec<StoredSheetRow> {
    let meters: Vec<Option<String>> = if r.meter_ids.is_empty() {
        vec![None]
    } else {
        r.meter_ids.iter().cloned().map(Some).collect()
    };
    meters
        .into_iter()
        .map(|meter_id| StoredSheetRow {
            line: r.line,
            meter_id,
            product_id: r.product_id.clone(),
            sku_id: r.sku_id.clone(),
            product_title: r.product_title.clone(),
            sku_title: r.sku_title.clone(),
            unit: r.unit.clone(),
            meter_type: r.meter_type.clone(),
            currency: r.currency.clone(),
            unit_price: r.unit_price,
            tier_min: r.tier_min,
            tier_max: r.tier_max,
            effective_start: r.effective_start,
            effective_end: r.effective_end,
            term: r.term.clone(),
            billing_plan: r.billing_plan.clone(),
            erp_price: r.erp_price,
        })
        .collect()
}

/// Imports the price sheet of `view` for `month` (`YYYY-MM`) at `path` for `account` (name
/// or id); `market` defaults to the one the sheet's first row names. What the month held
/// for the view and market is replaced.
pub fn import_sheet(
    db: &mut Database,
    account: &str,
    view: SheetView,
    month: &str,
    market: Option<&str>,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PricingImportDto, ApiError> {
    let account = accounts::find(db, account)?;
    let (file, reader) = open(path)?;
    let market = match market {
        Some(m) => m.trim().to_ascii_uppercase(),
        None => market_of(&file, view, path)?,
    };
    write_sheet_from(db, &account.id, view, month, &market, &file, reader, now)
}

/// Writes the `view` sheet of `market` for `month` (`YYYY-MM`) read from `reader` (named
/// `file` in errors) as one pricing run of `account_id` (a file import).
#[allow(clippy::too_many_arguments)]
fn write_sheet_from(
    db: &mut Database,
    account_id: &str,
    view: SheetView,
    month: &str,
    market: &str,
    file: &str,
    reader: impl std::io::Read,
    now: DateTime<Utc>,
) -> Result<PricingImportDto, ApiError> {
    let (month, _) = timeline(month, now)?;
    let account = accounts::find(db, account_id)?;
    let source = format!("{}/{market}/{month}", view.as_str());
    let label = format!("Price sheet {} {market} {month}", view.as_str());
    let mut run = start_run(db, &account.id, &source, &label, now)?;
    let outcome = write_sheet_in(
        &mut run,
        db,
        &SheetFile {
            account_id: &account.id,
            view,
            month: &month,
            market,
            file,
            imported: true,
        },
        reader,
    )
    .and_then(|written| {
        written
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the import stopped half-way", None))
    });
    run.finish(db, outcome.as_ref().err().map(failure))?;
    outcome
}

/// One sheet file to write: whose, which view, month and market, and its name in errors.
pub(crate) struct SheetFile<'a> {
    /// The partner account.
    pub account_id: &'a str,
    /// Its view.
    pub view: SheetView,
    /// `YYYY-MM`.
    pub month: &'a str,
    /// Upper-case market.
    pub market: &'a str,
    /// The file's name in errors.
    pub file: &'a str,
    /// Whether the partner imported the file (its name is kept with the sheet, and the Prices
    /// page shows it) or Discovery read it from the Pricing API (no file name kept).
    pub imported: bool,
}

impl SheetFile<'_> {
    /// The run's entity naming this file (the history lists each file a run read).
    pub(crate) fn entity(&self) -> String {
        format!(
            "sheet:{}/{}/{}",
            self.view.as_str(),
            self.market,
            self.month
        )
    }
}

/// Rows between two progress counts (and Stop checks) inside a sheet.
const ROWS_PER_PAGE: u64 = 10_000;

/// Writes one sheet read from `reader` inside `run` (a file import's own run, or the one run
/// of the prices Discovery reads): streamed into one transaction, so a refused header, a
/// failure or a Stop between rows (None) leaves what the month held whole.
pub(crate) fn write_sheet_in(
    run: &mut Run,
    db: &mut Database,
    f: &SheetFile<'_>,
    reader: impl std::io::Read,
) -> Result<Option<PricingImportDto>, ApiError> {
    let now = run.now();
    let (month, timeline) = timeline(f.month, now)?;
    let file = f.file.to_string();
    let market = f.market.to_string();
    let view = f.view;
    let key = SheetKey {
        account_id: f.account_id.to_string(),
        view: view.as_str().to_string(),
        market: market.clone(),
        month: month.clone(),
    };
    let entity = f.entity();
    let run_id = run.record().id;
    let mut listed = Vec::new();
    let mut counted = 0u64;
    let written = pricing::write_sheet(
        db,
        &key,
        timeline,
        f.imported.then_some(file.as_str()),
        Some(run_id),
        now,
        |w: &mut SheetWriter<'_>| {
            let read = read_sheet_rows(&file, view, reader, |item| {
                match item {
                    Ok(row) => {
                        for r in stored_rows(row) {
                            w.row(&r)?;
                        }
                        if w.rows() - counted >= ROWS_PER_PAGE {
                            run.page_named(entity.clone().into(), w.rows() - counted);
                            counted = w.rows();
                            run.tick_progress();
                            if run.stop_requested() {
                                return Err(Stop::Stopped);
                            }
                        }
                    }
                    Err(aside) => {
                        w.set_aside(aside.line, &aside.column, &aside.reason)?;
                        if listed.len() < LISTED_SET_ASIDE {
                            listed.push(SetAsideRowDto {
                                line: aside.line,
                                column: aside.column,
                                reason: aside.reason,
                            });
                        }
                    }
                }
                Ok::<(), Stop>(())
            });
            read.map_err(|stop| match stop {
                ReadStop::Sheet(e) => Stop::Sheet(e),
                ReadStop::Caller(e) => e,
            })
        },
    );
    match written {
        Ok(w) => {
            run.tally()
                .warnings
                .fetch_add(w.sheet.set_aside, Ordering::Relaxed);
            run.page_named(entity.into(), w.sheet.rows - counted);
            Ok(Some(PricingImportDto {
                run_id,
                view: view.as_str().to_string(),
                market: Some(market),
                month,
                timeline: timeline_text(timeline),
                rows: w.sheet.rows,
                set_aside: w.sheet.set_aside,
                set_aside_rows: listed,
                replaced: w.replaced,
            }))
        }
        Err(stop) => {
            // The transaction rolled back: the rows counted so far were not written.
            run.tally().rolled_back(&entity, counted);
            match stop {
                Stop::Sheet(e) => Err(bad_file(format!("{e}. Nothing was imported."))),
                Stop::Store(e) => Err(e.into()),
                Stop::Stopped => Ok(None),
            }
        }
    }
}

fn timeline_text(t: Timeline) -> String {
    match t {
        Timeline::History => "history",
        Timeline::Current => "current",
    }
    .to_string()
}

/// Imports the FX rates of `month` (`YYYY-MM`) at `path` for `account`: the month's rates
/// are replaced whole. A row of another month, or unreadable, is set aside.
pub fn import_fx(
    db: &mut Database,
    account: &str,
    month: &str,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PricingImportDto, ApiError> {
    let account = accounts::find(db, account)?;
    let (file, reader) = open(path)?;
    write_fx_from(db, &account.id, month, &file, reader, now)
}

/// Writes the FX rates of `month` read from `reader` (named `file` in errors) as one pricing
/// run of `account_id` (a file import).
fn write_fx_from(
    db: &mut Database,
    account_id: &str,
    month: &str,
    file: &str,
    reader: impl std::io::Read,
    now: DateTime<Utc>,
) -> Result<PricingImportDto, ApiError> {
    let (month, _) = timeline(month, now)?;
    let account = accounts::find(db, account_id)?;
    let source = format!("fx/{month}");
    let label = format!("FX rates {month}");
    let run = start_run(db, &account.id, &source, &label, now)?;
    let outcome = write_fx_in(&run, db, &account.id, &month, file, reader);
    run.finish(db, outcome.as_ref().err().map(failure))?;
    outcome
}

/// The run's entity naming the FX file of `month`.
pub(crate) fn fx_entity(month: &str) -> String {
    format!("fx:{month}")
}

/// Writes the FX rates of `month` read from `reader` inside `run`: the month's rates are
/// replaced whole, in one transaction.
pub(crate) fn write_fx_in(
    run: &Run,
    db: &mut Database,
    account_id: &str,
    month: &str,
    file: &str,
    reader: impl std::io::Read,
) -> Result<PricingImportDto, ApiError> {
    let (month, timeline) = timeline(month, run.now())?;
    let file = file.to_string();
    let run_id = run.record().id;
    let now = run.now();
    let rates = parse_fx_rates(&file, &month.replace('-', ""), reader)
        .map_err(|e| bad_file(format!("{e}. Nothing was imported.")))?;
    if rates.usd_per_unit.is_empty() {
        return Err(bad_file(format!(
            "{file} holds no rate of {month}. Nothing was imported."
        )));
    }
    let before = pricing::write_fx(
        db,
        account_id,
        &month,
        &rates.usd_per_unit,
        Some(run_id),
        now,
    )?;
    let n = rates.usd_per_unit.len() as u64;
    run.page_named(fx_entity(&month).into(), n);
    run.tally()
        .warnings
        .fetch_add(rates.set_aside.len() as u64, Ordering::Relaxed);
    Ok(PricingImportDto {
        run_id,
        view: "fxRates".into(),
        market: None,
        month: month.clone(),
        timeline: timeline_text(timeline),
        rows: n,
        set_aside: rates.set_aside.len() as u64,
        set_aside_rows: rates
            .set_aside
            .iter()
            .take(LISTED_SET_ASIDE)
            .map(|s| SetAsideRowDto {
                line: s.line,
                column: s.column.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
        replaced: before > 0,
    })
}
