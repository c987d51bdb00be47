//! Rating's share of the database: the usage and prices rating reads (as plain rows; the
//! rating itself is `cspdesk_rating`, a pure crate this one does not depend on), the rated
//! lines it writes, what each customer-period was rated from, and the queries that compare
//! our figures with the invoice and total them for the pages.
//!
//! # Which usage is rated
//! - Azure plan: `daily_usage`, every billed row, and an open period's unbilled rows
//!   (`unbilled:YYYY-MM:CUR`) only while no billed row of that period and currency is stored
//!   (an invoice being read replaces its unbilled copy, so usage is never counted twice).
//! - Legacy (0145P): `utilization_records`, joined to their subscription for the customer.
//!
//! Usage belongs to the period (calendar month) of its usage day, whichever invoice or
//! window brought it: late usage changes only its own period.
//!
//! # Incremental rating
//! Every writer of the rows above bumps, in the rows' transaction, the data version of each
//! customer-period they touch ([`versions`], `input_versions`); [`period_versions`] lists
//! them, [`states`] returns the versions each customer-period was last rated from. A caller
//! rates again only where the two differ, reads that customer-period's rows with
//! [`azure_plan_usage`] / [`legacy_usage`] (which also return the fingerprint of exactly
//! the rows they read) and writes the result with [`replace`], one transaction per
//! customer-period that replaces its lines and its state together. Versions are read before
//! the rows: if Discovery changes rows in between, the versions recorded are older than the
//! rows and the next rating reads them again. A state recorded before 0021 has no versions
//! and older rules (`RATING_RULES` was raised with 0021): it is rated again, once.
//! [`period_inputs`] (every customer-period's fingerprint in one scan) is not rating's
//! path any more.
//!
//! Reconciliation keeps each customer's comparison of a period ([`kept`], [`keep`]) with
//! what it was computed from, so a month is answered without reading its lines.

pub(crate) mod fingerprint;
mod inputs;
mod kept;
mod queries;
mod savings;
pub(crate) mod versions;
mod write;

use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};
use rust_decimal::Decimal;

pub use inputs::{
    azure_plan_usage, legacy_usage, period_inputs, rate_cards, AzurePlanUsage, LegacyUsage,
    PeriodInputs, StoredMeter, StoredOfferTerm, StoredRateCard, UsageRead,
};
pub use kept::{keep, kept, Kept};
pub use queries::{
    invoice_usage, invoice_usage_of, lines, periods, states, totals, InvoiceUsage, KnownPeriod,
    PeriodTotal, RatingState, StoredRatedLine,
};
pub use savings::{savings, PeriodSavings};
pub use versions::{invoice_versions, period_versions, PeriodVersions};
pub use write::{clear, replace, RatedLineRow, RatingStateRow};

/// Where a rated line's usage came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UsageKind {
    /// Azure plan daily rated usage.
    AzurePlan,
    /// Legacy (0145P) utilization.
    Legacy,
}

impl UsageKind {
    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            UsageKind::AzurePlan => "azurePlan",
            UsageKind::Legacy => "legacy",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "azurePlan" => Some(UsageKind::AzurePlan),
            "legacy" => Some(UsageKind::Legacy),
            _ => None,
        }
    }
}

/// A decimal stored as TEXT (quantity, price, rate), read exactly.
struct Dec(Decimal);

impl FromSql for Dec {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(bytes) => {
                let text =
                    std::str::from_utf8(bytes).map_err(|e| FromSqlError::Other(Box::new(e)))?;
                Decimal::from_str(text.trim())
                    .map(Dec)
                    .map_err(|e| FromSqlError::Other(Box::new(e)))
            }
            // Written as TEXT by Discovery; a number another tool wrote is read through its text.
            ValueRef::Integer(i) => Ok(Dec(Decimal::from(i))),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

fn dec_opt(d: Option<Dec>) -> Option<Decimal> {
    d.map(|d| d.0)
}

/// The first and last day of calendar month `period` (`YYYY-MM`), as stored dates.
fn month_bounds(period: &str) -> crate::Result<(String, String)> {
    let start =
        chrono::NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d").map_err(|_| {
            crate::Error::Invalid {
                field: "period",
                message: format!("{period:?} is not a month: write it as YYYY-MM, e.g. 2026-10"),
            }
        })?;
    let next = start
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(|| crate::Error::Invalid {
            field: "period",
            message: format!("{period:?} is too far in the future"),
        })?;
    Ok((start.to_string(), next.to_string()))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod clustered_tests;
#[cfg(test)]
mod versions_tests;
