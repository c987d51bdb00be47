//! Reading a CSV price file: the header names the columns (matched without regard to case
//! or surrounding spaces, in any order; columns we do not use are ignored), and each cell is
//! read with its line and column so a bad one can be named.

use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::cell::{self, CellError};
use super::error::{PriceSheetError, RowAt, SheetErrorKind};

/// An open CSV price file and its header.
pub(crate) struct CsvFile<R: Read> {
    file: String,
    reader: csv::Reader<R>,
    names: Vec<String>,
}

impl<R: Read> CsvFile<R> {
    pub fn open(file: &str, input: R) -> Result<Self, PriceSheetError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(input);
        let names = reader
            .headers()
            .map_err(|e| csv_error(file, &e))?
            .iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        Ok(Self {
            file: file.to_string(),
            reader,
            names,
        })
    }

    /// Index of a column the format requires.
    pub fn required(&self, name: &'static str) -> Result<usize, PriceSheetError> {
        self.optional(name).ok_or_else(|| PriceSheetError {
            file: self.file.clone(),
            line: 1,
            column: name.to_string(),
            kind: SheetErrorKind::MissingColumn,
            message: format!("the header has no {name} column"),
        })
    }

    /// Index of a column the format allows.
    pub fn optional(&self, name: &str) -> Option<usize> {
        let wanted = name.to_ascii_lowercase();
        self.names.iter().position(|n| *n == wanted)
    }

    /// Calls `each` with every data row.
    pub fn rows(
        mut self,
        mut each: impl FnMut(&Row<'_>) -> Result<(), PriceSheetError>,
    ) -> Result<(), PriceSheetError> {
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    let line = record.position().map_or(0, |p| p.line());
                    let row = Row {
                        at: RowAt {
                            file: self.file.clone(),
                            line,
                        },
                        record: &record,
                    };
                    each(&row)?;
                }
                Err(e) => return Err(csv_error(&self.file, &e)),
            }
        }
    }
}

fn csv_error(file: &str, e: &csv::Error) -> PriceSheetError {
    PriceSheetError {
        file: file.to_string(),
        line: e.position().map_or(0, |p| p.line()),
        column: String::new(),
        kind: SheetErrorKind::Malformed,
        message: format!("not readable as CSV: {e}"),
    }
}

/// One data row.
pub(crate) struct Row<'a> {
    pub at: RowAt,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    /// The cell's text ("" when the row is short).
    pub fn text(&self, index: usize) -> &str {
        self.record.get(index).unwrap_or("").trim()
    }

    fn read<T>(
        &self,
        index: usize,
        column: &str,
        parse: impl Fn(&str) -> Result<T, CellError>,
    ) -> Result<T, PriceSheetError> {
        parse(self.text(index)).map_err(|(kind, message)| self.at.error(column, kind, message))
    }

    pub fn decimal(&self, index: usize, column: &str) -> Result<Decimal, PriceSheetError> {
        self.read(index, column, cell::decimal)
    }

    pub fn date(&self, index: usize, column: &str) -> Result<NaiveDate, PriceSheetError> {
        self.read(index, column, cell::date)
    }

    /// An optional date: empty means none.
    pub fn optional_date(
        &self,
        index: Option<usize>,
        column: &str,
    ) -> Result<Option<NaiveDate>, PriceSheetError> {
        match index {
            Some(i) if !self.text(i).is_empty() => self.date(i, column).map(Some),
            _ => Ok(None),
        }
    }

    pub fn currency(&self, index: usize, column: &str) -> Result<String, PriceSheetError> {
        self.read(index, column, cell::currency)
    }

    pub fn meter_id(&self, index: usize, column: &str) -> Result<String, PriceSheetError> {
        self.read(index, column, cell::meter_id)
    }
}
