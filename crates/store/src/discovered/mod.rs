//! Everything Discovery imports from Partner Center, the cursors that make the next run
//! incremental, the run history and the schedule. Writes go through [`Ingest`], one
//! transaction per page: the page's rows and the cursor that says they are there commit
//! together, so a run stopped, failed or killed at any point leaves data its next run can
//! resume from without losing or duplicating a row.

mod browse;
mod cursors;
mod dump;
mod ingest;
mod rows;
pub mod runs;
pub mod schedule;

pub use browse::{
    customer_name, customer_organization, customers, subscriptions, CustomerListRow,
    EntitlementRow, SubscriptionListRow,
};
pub use cursors::{
    load_cursors, Cursors, CustomerCursor, GraphExportRead, InvoiceCursor, LineStream,
    SubscriptionCursor, SubscriptionKind, UnbilledRead,
};
pub use dump::{dump, dump_tables, table_counts, VOLATILE_COLUMNS};
pub(crate) use ingest::day_number;
#[cfg(test)]
pub(crate) use ingest::tests as ingest_tests;
pub use ingest::{GraphDataset, GraphExportVersion, Ingest};
pub use rows::{
    BillingLineRow, CustomerRow, DailyUsageRow, EntitlementIn, InvoiceRow, LegacyLineRow, LineTerm,
    MeterRow, RateCardRow, SubscriptionRow, UtilizationRow,
};

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Stored form of an instant: RFC 3339 UTC with milliseconds, which sorts as text.
pub(crate) fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads an instant written by [`instant`]; a value another tool mangled reads as absent,
/// which only makes the next run re-read what it covered.
pub(crate) fn parse_instant(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Reads a `YYYY-MM-DD` date (or the date part of a timestamp).
pub(crate) fn parse_date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
}
