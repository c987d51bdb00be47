//! Azure MCA partner billing read from Cost Management exports, as stored: the sources a
//! partner account reads exports from ([`sources`]), the runs imported with their cost rows
//! ([`runs`]: one write transaction per run, replacing an older run of the same month), and the
//! split of costs per customer, organization and pricing model ([`totals`]). The SAS that opens
//! a source's container is not here: it lives in the OS keyring, keyed by the source id.

pub mod runs;
pub mod sources;
pub mod totals;

use std::fmt;

/// Which Cost Management dataset a run holds (the manifest's `exportConfig.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dataset {
    /// `ActualCost`: what is invoiced; commitments appear as Purchase rows.
    Actual,
    /// `AmortizedCost`: commitments spread over the days they cover, with
    /// `UnusedReservation` / `UnusedSavingsPlan` rows for what no usage consumed.
    Amortized,
}

impl Dataset {
    /// Both, actual first.
    pub const ALL: [Dataset; 2] = [Dataset::Actual, Dataset::Amortized];

    /// The stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            Dataset::Actual => "actual",
            Dataset::Amortized => "amortized",
        }
    }

    /// Reads the stored text back.
    pub fn from_stored(text: &str) -> Option<Dataset> {
        match text {
            "actual" => Some(Dataset::Actual),
            "amortized" => Some(Dataset::Amortized),
            _ => None,
        }
    }
}

impl fmt::Display for Dataset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub(crate) fn bad_text(column: usize, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {text:?}").into(),
    )
}

/// A canonical text dump of the cost tables (sorted rows), so two imports can be compared
/// whole: equal dumps, equal data.
pub fn dump(db: &crate::Database) -> crate::Result<String> {
    crate::discovered::dump_tables(
        db,
        &[
            "cost_sources",
            "cost_export_runs",
            "cost_rows",
            "cost_run_totals",
        ],
        &[],
    )
}

#[cfg(test)]
mod tests;
