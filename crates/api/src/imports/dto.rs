//! The DTOs of the one run history: a run of any kind (Discovery, cost exports, Azure Stack
//! usage), its live progress and the events the window hears.

use cspdesk_store::import_runs::RunKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::discovery::dto::{EntityCountDto, RunDto};

/// What an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportKindDto {
    /// Partner Center Discovery.
    Discovery,
    /// A Cost Management export source.
    CostExports,
    /// An Azure Stack Hub registration's usage.
    StackUsage,
    /// A Pricing API price sheet or a month's FX rates.
    Pricing,
}

impl From<RunKind> for ImportKindDto {
    fn from(k: RunKind) -> Self {
        match k {
            RunKind::Discovery => ImportKindDto::Discovery,
            RunKind::CostExports => ImportKindDto::CostExports,
            RunKind::StackUsage => ImportKindDto::StackUsage,
            RunKind::Pricing => ImportKindDto::Pricing,
        }
    }
}

/// One run of any kind, as the run history lists it: the Discovery run's fields plus what
/// it imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportRunDto {
    /// Its kind.
    pub kind: ImportKindDto,
    /// The source within the account: None for Discovery, the cost source id, or
    /// `subscription/resourceGroup/registration`.
    pub source: Option<String>,
    /// The source's name when the run started.
    pub source_name: Option<String>,
    /// State, times, counts and error, as for Discovery.
    #[serde(flatten)]
    #[ts(flatten)]
    pub run: RunDto,
}

/// What a run is mostly doing right now (each kind has its own phases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ImportPhaseDto {
    /// Discovery: the customer list.
    Customers,
    /// Discovery: subscriptions and Azure entitlements.
    Subscriptions,
    /// Discovery: legacy utilization.
    Usage,
    /// Discovery: rate cards.
    Prices,
    /// Discovery: invoices and their line items.
    Invoices,
    /// Discovery: unbilled usage.
    Unbilled,
    /// Cost exports: listing the container, reading new manifests.
    Manifests,
    /// Cost exports: reading export runs' rows.
    CostRows,
    /// Stack usage: the Stack's user subscriptions.
    StackSubscriptions,
    /// Stack usage: usage, day by day.
    StackUsage,
    /// Microsoft's prices: price sheets and FX rates, file by file.
    MicrosoftPrices,
    /// Writing the run's end.
    Finishing,
}

/// The live state of a run of any kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgressDto {
    /// Its kind.
    pub kind: ImportKindDto,
    /// The account.
    pub account_id: String,
    /// The source within the account.
    pub source: Option<String>,
    /// The run.
    pub run_id: String,
    /// What it is mostly doing.
    pub phase: ImportPhaseDto,
    /// Steps finished (lists, days, export runs...).
    pub steps_done: u32,
    /// Steps known so far.
    pub steps_known: u32,
    /// Estimated share done, 0 to 1 (never goes back).
    pub fraction: f64,
    /// HTTP requests so far.
    pub requests: u32,
    /// Throttled answers waited out so far.
    pub throttled: u32,
    /// Rows written so far.
    pub rows_written: u32,
    /// Rows the plan announces, when it knows.
    pub rows_expected: Option<u32>,
    /// Rows written per second over the run.
    pub rows_per_second: u32,
    /// Time since the run started.
    pub elapsed_ms: u32,
    /// Estimated time left, once there is enough to estimate from.
    pub eta_ms: Option<u32>,
    /// Per kind of data.
    pub entities: Vec<EntityCountDto>,
}

/// What an import run (cost exports, Stack usage) tells whoever watches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ImportEvent {
    /// A run started.
    Started {
        /// The run.
        run: ImportRunDto,
    },
    /// Progress of a running run (a few times per second at most).
    Progress {
        /// Where it stands.
        progress: ImportProgressDto,
    },
    /// A run ended (Stopped, Error or Completed).
    Finished {
        /// The run as recorded.
        run: ImportRunDto,
    },
}

/// An item Microsoft sent that a run could not read (an essential field missing or
/// unreadable), kept as sent with where it was and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetAsideItemDto {
    /// The run that read it.
    pub run_id: String,
    /// The path called.
    pub endpoint: String,
    /// The invoice a line belongs to (or `unbilled:YYYY-MM:CUR` for an open period).
    pub invoice_id: Option<String>,
    /// The customer the item names, if any.
    pub customer_id: Option<String>,
    /// Page of the read, from 1.
    pub page: u32,
    /// Index in the page's items, from 0.
    pub index: u32,
    /// The field inside the item (JSON path).
    pub field: String,
    /// What was wrong.
    pub reason: String,
    /// Its collection has not been read again since (Reconciliation counts it).
    pub current: bool,
    /// The item's JSON as Microsoft sent it.
    pub raw: String,
}
