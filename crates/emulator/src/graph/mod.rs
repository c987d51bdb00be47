//! Microsoft Graph's partner-billing exports (reference §7.3), the only source of new-commerce
//! billing data for current periods: the four export actions answer 202 with the operation's
//! `Location`, the operation runs for a preparation time and then points at a manifest, and the
//! manifest's directory SAS opens gzip JSON Lines blobs on the emulator's blob host.
//!
//! Served under Graph's own path base ([`BASE`]), so a client whose Graph base is
//! `{emulator}/v1.0` calls the same paths it calls on `https://graph.microsoft.com/v1.0`.
//! `admission` checks Graph tokens and answers Graph's error bodies, `exports` reads the four
//! requests, `operations` serves the long-running operation and the manifest, `files` writes a
//! data version's blobs, `rows` writes each row with Microsoft's PascalCase attribute names.

mod admission;
mod exports;
mod files;
mod operations;
pub mod rows;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};

use crate::server::AppState;
use crate::world::Month;

pub(crate) use admission::{graph_error, graph_throttled};
pub use rows::AttributeSet;

/// Path base of Graph v1.0's partner-billing reports on the emulator's origin.
pub const BASE: &str = "/v1.0/reports/partners/billing";
/// The delegated (or application) permission every partner-billing call needs.
pub const SCOPE: &str = "PartnerBilling.Read.All";
/// Storage account (first path segment under `/blobs`) holding the exports' blobs.
pub const ACCOUNT: &str = "adlsreconemulator";
/// The first billing month whose new-commerce line items only Graph serves (billing periods
/// after March 2025, reference §0); the v1 cut-over knob empties v1 from this month on.
pub const CUTOVER: Month = Month {
    year: 2025,
    month: 4,
};

/// Which of the four exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dataset {
    /// `usage/billed/export`: an invoice's daily rated usage.
    BilledUsage,
    /// `usage/unbilled/export`: the open or last period's daily rated usage.
    UnbilledUsage,
    /// `reconciliation/billed/export`: an invoice's reconciliation lines.
    BilledReconciliation,
    /// `reconciliation/unbilled/export`: what the open or last period will bill.
    UnbilledReconciliation,
}

impl Dataset {
    fn is_usage(self) -> bool {
        matches!(self, Dataset::BilledUsage | Dataset::UnbilledUsage)
    }

    /// Blob container of the dataset (Microsoft's sample names `billedusagefastpath`).
    fn container(self) -> &'static str {
        match self {
            Dataset::BilledUsage => "billedusagefastpath",
            Dataset::UnbilledUsage => "unbilledusagefastpath",
            Dataset::BilledReconciliation => "billedreconfastpath",
            Dataset::UnbilledReconciliation => "unbilledreconfastpath",
        }
    }
}

/// How an operation ended (or `None` while its blobs are still being written).
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// The data version's blobs are written.
    Ready(Arc<files::Version>),
    /// A failed operation with Microsoft's error code and message.
    Failed { code: String, message: String },
}

/// One long-running export operation.
#[derive(Clone, Debug)]
pub(crate) struct Operation {
    created: DateTime<Utc>,
    ready_at: DateTime<Utc>,
    manifest_id: String,
    outcome: Arc<Mutex<Option<Outcome>>>,
}

/// Operations and the data versions they share, for the life of the emulator.
#[derive(Debug, Default)]
pub(crate) struct GraphStore {
    operations: HashMap<String, Operation>,
    /// Manifest id -> operation id.
    manifests: HashMap<String, String>,
    /// Data version key -> its generation, shared by every export asking for the same data,
    /// so a repeated export neither rewrites blobs nor changes the eTag.
    versions: HashMap<String, Arc<Mutex<Option<Outcome>>>>,
}

/// Marker a fault rule puts on an export request: its operation fails (code 5000).
#[derive(Clone, Copy, Debug)]
pub(crate) struct InjectedFailure;

/// The action's two path forms: the docs' `…/export` and the namespace-qualified OData form
/// Microsoft's generated SDKs call (`…/microsoft.graph.partners.billing.export`).
const ACTION_NAMES: [&str; 2] = ["export", "microsoft.graph.partners.billing.export"];

pub(crate) fn routes() -> Router<AppState> {
    let mut router = Router::new()
        .route(
            &format!("{BASE}/operations/{{id}}"),
            get(operations::operation),
        )
        .route(
            &format!("{BASE}/manifests/{{id}}"),
            get(operations::manifest),
        );
    for action in ACTION_NAMES {
        router = router
            .route(
                &format!("{BASE}/usage/billed/{action}"),
                post(exports::billed_usage),
            )
            .route(
                &format!("{BASE}/usage/unbilled/{action}"),
                post(exports::unbilled_usage),
            )
            .route(
                &format!("{BASE}/reconciliation/billed/{action}"),
                post(exports::billed_reconciliation),
            )
            .route(
                &format!("{BASE}/reconciliation/unbilled/{action}"),
                post(exports::unbilled_reconciliation),
            );
    }
    router
}
