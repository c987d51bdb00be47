//! The one error every price file reader returns: which file, which line, which column and
//! what is wrong there, so a partner can open the file and fix the cell.

use std::fmt;

/// What is wrong with a cell or row of a price file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SheetErrorKind {
    /// A required column is not in the header.
    MissingColumn,
    /// A required value is empty.
    Empty,
    /// Not a plain decimal number.
    Decimal,
    /// Not a date.
    Date,
    /// Not a three-letter currency code.
    Currency,
    /// The row's tiers do not form a valid tier table (first at 0, increasing, no negative price).
    Tier,
    /// Two rows say different things about the same meter, tier and date.
    Conflict,
    /// The file's structure is not what the format expects (CSV or JSON syntax, a missing field).
    Malformed,
}

/// A rejected price file: `file`, 1-based `line` (0 when the file could not be read at all),
/// the `column` (CSV header or JSON field) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct PriceSheetError {
    /// The file's name as given by the caller.
    pub file: String,
    /// 1-based line of the offending row or value.
    pub line: u64,
    /// Column header (CSV) or field name (JSON); empty when the whole row is at fault.
    pub column: String,
    /// Kind of problem.
    pub kind: SheetErrorKind,
    /// What is wrong and what to write instead.
    pub message: String,
}

impl fmt::Display for PriceSheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.column.is_empty() {
            write!(f, "{}, line {}: {}", self.file, self.line, self.message)
        } else {
            write!(
                f,
                "{}, line {}, column {}: {}",
                self.file, self.line, self.column, self.message
            )
        }
    }
}

/// Where a row came from, kept so later checks (tiers, conflicts) can still name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowAt {
    /// The file's name.
    pub file: String,
    /// 1-based line.
    pub line: u64,
}

impl RowAt {
    /// An error at this row in `column`.
    pub fn error(
        &self,
        column: &str,
        kind: SheetErrorKind,
        message: impl Into<String>,
    ) -> PriceSheetError {
        PriceSheetError {
            file: self.file.clone(),
            line: self.line,
            column: column.to_string(),
            kind,
            message: message.into(),
        }
    }
}
