//! What the Discovery panel and `cspdesk discover --json` receive: run states, progress
//! events and the run history. Counts are `u32` (a run never writes four billion rows) so
//! TypeScript gets plain numbers; times are RFC 3339 UTC strings.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use crate::rating::dto::PricesProgressDto;
use crate::ErrorCode;

/// A run's state, one badge each on the Discovery panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum RunStateDto {
    /// No run has ever started for the account.
    NotStarted,
    /// A run is fetching.
    InProgress,
    /// Stopped by the user (or the app closed mid-run); the next run resumes.
    Stopped,
    /// Ended on an error; `error` says what to do.
    Error,
    /// Everything planned was fetched.
    Completed,
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TriggerDto {
    /// The Start button or `cspdesk discover`.
    Manual,
    /// The twice-daily schedule or the start-up catch-up.
    Scheduled,
}

/// What a run is mostly doing right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PhaseDto {
    /// Planning or reading the customer list.
    Customers,
    /// Reading subscriptions and Azure entitlements.
    Subscriptions,
    /// Reading legacy Azure utilization.
    Usage,
    /// Reading rate cards.
    Prices,
    /// Reading invoices and their line items.
    Invoices,
    /// Reading unbilled usage of the open periods.
    Unbilled,
    /// Writing the run summary.
    Finishing,
    /// Reading Microsoft's prices (Pricing API sheets and FX rates) after the run, as their
    /// own import run; `prices` says which file.
    MicrosoftPrices,
    /// Rating the usage the run read (after the run is recorded).
    Rating,
}

/// Pages and rows read for one kind of data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntityCountDto {
    /// `customers`, `subscriptions`, `entitlements`, `utilization`, `rateCards`, `invoices`,
    /// `billingLineItems`, `legacyLineItems`, `dailyUsage`.
    pub entity: String,
    /// Pages (responses) read.
    pub pages: u32,
    /// Rows written (inserted or changed).
    pub rows: u32,
}

/// Why a run ended in Error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunErrorDto {
    /// The kind of failure (`consentExpired` means "sign in again").
    pub code: ErrorCode,
    /// The Partner Center endpoint that failed, when one did.
    pub endpoint: Option<String>,
    /// What happened and what to do.
    pub message: String,
}

/// One run, as the run history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RunDto {
    /// Run id (a number, as text).
    pub id: String,
    /// The account it ran for.
    pub account_id: String,
    /// What started it.
    pub trigger: TriggerDto,
    /// Its state.
    pub state: RunStateDto,
    /// When it started.
    pub started_at: String,
    /// When it ended (None while in progress).
    pub ended_at: Option<String>,
    /// Wall time so far or in all, in milliseconds.
    pub duration_ms: u32,
    /// HTTP requests sent to Microsoft, retries included.
    pub requests: u32,
    /// Throttled (429) or not-ready (204) answers waited out.
    pub throttled: u32,
    /// Time spent waiting on those, in milliseconds.
    pub throttled_wait_ms: u32,
    /// Rows inserted or changed.
    pub rows_written: u32,
    /// Items set aside (read everything else): the run's details list them.
    pub warnings: u32,
    /// Per kind of data.
    pub entities: Vec<EntityCountDto>,
    /// For Error: what failed.
    pub error: Option<RunErrorDto>,
}

/// The live state of a run in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProgressDto {
    /// The account.
    pub account_id: String,
    /// The run.
    pub run_id: String,
    /// What it is mostly doing.
    pub phase: PhaseDto,
    /// Steps (a list, a usage window, an invoice's lines...) finished.
    pub steps_done: u32,
    /// Steps known so far (grows as customers and invoices are found).
    pub steps_known: u32,
    /// Estimated share done, 0 to 1 (never goes back).
    pub fraction: f64,
    /// HTTP requests so far.
    pub requests: u32,
    /// Throttled answers waited out so far.
    pub throttled: u32,
    /// Rows written so far.
    pub rows_written: u32,
    /// Rows written per second over the run.
    pub rows_per_second: u32,
    /// Time since the run started.
    pub elapsed_ms: u32,
    /// Estimated time left, once there is enough to estimate from.
    pub eta_ms: Option<u32>,
    /// Per kind of data.
    pub entities: Vec<EntityCountDto>,
    /// Each Microsoft Graph billing export of the run and where it stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub exports: Option<Vec<ExportProgressDto>>,
    /// While Microsoft's prices are read after the run (phase `microsoftPrices`): which file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub prices: Option<PricesProgressDto>,
}

/// The stage of one Microsoft Graph billing export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ExportStageDto {
    /// Asked for; Microsoft has not answered with an operation yet.
    Requested,
    /// Microsoft is preparing it (the operation answers running).
    Preparing,
    /// Prepared; waiting until fewer exports are downloading.
    Queued,
    /// Its blobs are being read.
    Downloading,
    /// Its rows are being swapped in.
    Writing,
    /// Same data version as the one kept: nothing downloaded.
    Unchanged,
    /// Microsoft has no data for it (yet).
    NoData,
    /// Read and written.
    Done,
    /// The run was stopped while it was under way.
    Stopped,
    /// It failed; the run's error says why.
    Failed,
}

/// Where one Microsoft Graph billing export of a run stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgressDto {
    /// The export in words (`the billed usage export of G000000001`).
    pub export: String,
    /// Where it stands.
    pub stage: ExportStageDto,
    /// While downloading: blob `blob` of `blobs`.
    pub blob: Option<u32>,
    /// The manifest's blob count, once known.
    pub blobs: Option<u32>,
    /// Lines read so far.
    pub rows: u32,
}

/// What a Discovery run tells whoever watches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum DiscoveryEvent {
    /// A run started.
    Started {
        /// The run.
        run: RunDto,
    },
    /// Progress of a running run (a few times per second at most).
    Progress {
        /// Where it stands.
        progress: ProgressDto,
    },
    /// A run ended (Stopped, Error or Completed), and the usage it read is rated.
    Finished {
        /// The run as recorded.
        run: RunDto,
        /// What rating the account's usage did after the run (absent after an Error run,
        /// which leaves the usage as it was).
        rating: Option<RatingOutcomeDto>,
    },
}

/// What rating did after a Discovery run: Customers, Subscriptions and Billing show rated
/// cost only once it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatingOutcomeDto {
    /// Customer-periods rated.
    pub rated: u32,
    /// Customer-periods that could not be rated (Reconciliation says why).
    pub refused: u32,
    /// Customer-periods left as they were.
    pub unchanged: u32,
    /// Rated lines written.
    #[ts(type = "number")]
    pub lines_written: u64,
    /// Why rating failed as a whole (the database could not be read or written).
    pub error: Option<String>,
    /// Its code.
    pub error_code: Option<ErrorCode>,
    /// Why the months' Pricing API sheets or FX rates could not be read (rating then kept the
    /// rate card for months without a sheet).
    pub prices_error: Option<String>,
    /// Its code.
    pub prices_error_code: Option<ErrorCode>,
    /// The import run that read the prices (none when it could not start).
    pub prices_run_id: Option<String>,
    /// Files it read.
    pub prices_files: u32,
    /// Pricing API requests it sent.
    pub prices_requests: u32,
}

/// The Discovery panel of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiscoveryStatusDto {
    /// The account.
    pub account_id: String,
    /// The state badge: the running run, or the last run's end, or NotStarted.
    pub state: RunStateDto,
    /// The last progress of the running run.
    pub progress: Option<ProgressDto>,
    /// The newest run.
    pub last_run: Option<RunDto>,
    /// When the last Completed run ended.
    pub last_success_at: Option<String>,
    /// When the schedule starts the next run (None when the schedule is off).
    pub next_run_at: Option<String>,
}

/// When scheduled runs start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleDto {
    /// Whether runs start by themselves while the app runs.
    pub enabled: bool,
    /// Local wall-clock times, `HH:MM`, sorted (default 06:00 and 18:00).
    pub times: Vec<String>,
}
