//! Reading a JSON price file without ever holding a number as `f64`: values are borrowed as
//! raw JSON text (`serde_json::value::RawValue`) and parsed as decimals, and because a
//! borrowed raw value is a slice of the file, its offset gives the line to name in an error.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::cell::{self, CellError};
use super::error::{PriceSheetError, RowAt, SheetErrorKind};

/// A JSON price file's text and name, with where its lines start.
pub(crate) struct JsonFile<'a> {
    file: &'a str,
    text: &'a str,
    /// Byte offset of every `\n`, to turn an offset into a line by binary search.
    newlines: Vec<usize>,
}

impl<'a> JsonFile<'a> {
    pub fn new(file: &'a str, text: &'a str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Self {
            file,
            text,
            newlines,
        }
    }

    /// The whole text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Deserializes `part` (the whole text or a raw value of it), reporting syntax and shape
    /// errors at their line in the file.
    pub fn parse<T: Deserialize<'a>>(
        &self,
        part: &'a str,
        what: &str,
    ) -> Result<T, PriceSheetError> {
        serde_json::from_str(part).map_err(|e| {
            let first = self.line_of(part);
            PriceSheetError {
                file: self.file.to_string(),
                line: first + e.line() as u64 - 1,
                column: String::new(),
                kind: SheetErrorKind::Malformed,
                message: format!("{what} is not what the format expects: {e}"),
            }
        })
    }

    /// 1-based line where `part` (a slice of the text) starts; 0 if it is not a slice of it.
    pub fn line_of(&self, part: &str) -> u64 {
        let start = self.text.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        if at < start || at > start + self.text.len() {
            return 0;
        }
        let offset = at - start;
        self.newlines.partition_point(|nl| *nl < offset) as u64 + 1
    }

    /// The row a raw value starts on.
    pub fn at(&self, raw: &RawValue) -> RowAt {
        RowAt {
            file: self.file.to_string(),
            line: self.line_of(raw.get()),
        }
    }

    /// Field `column` of the object at `object`, which must be present.
    pub fn required<'r>(
        &self,
        object: &RawValue,
        value: Option<&'r RawValue>,
        column: &str,
    ) -> Result<&'r RawValue, PriceSheetError> {
        match value {
            Some(v) if v.get().trim() != "null" => Ok(v),
            _ => Err(self.at(object).error(
                column,
                SheetErrorKind::Empty,
                format!("the field {column} is required"),
            )),
        }
    }

    fn cell<T>(
        &self,
        raw: &RawValue,
        column: &str,
        parse: impl Fn(&str) -> Result<T, CellError>,
    ) -> Result<T, PriceSheetError> {
        parse(raw.get()).map_err(|(kind, message)| self.at(raw).error(column, kind, message))
    }

    /// A decimal from a JSON number or a JSON string holding a plain decimal.
    pub fn decimal(&self, raw: &RawValue, column: &str) -> Result<Decimal, PriceSheetError> {
        self.cell(raw, column, cell::json_decimal)
    }

    /// A JSON string.
    pub fn string(&self, raw: &RawValue, column: &str) -> Result<String, PriceSheetError> {
        self.cell(raw, column, |text| {
            serde_json::from_str::<String>(text)
                .map_err(|_| (SheetErrorKind::Malformed, format!("{text} is not a string")))
        })
    }

    /// A JSON string holding a date (`YYYY-MM-DD[T…]`).
    pub fn date(&self, raw: &RawValue, column: &str) -> Result<NaiveDate, PriceSheetError> {
        let text = self.string(raw, column)?;
        cell::date(&text).map_err(|(kind, message)| self.at(raw).error(column, kind, message))
    }

    /// A JSON string holding a currency code.
    pub fn currency(&self, raw: &RawValue, column: &str) -> Result<String, PriceSheetError> {
        let text = self.string(raw, column)?;
        cell::currency(&text).map_err(|(kind, message)| self.at(raw).error(column, kind, message))
    }

    /// A JSON string holding a meter id.
    pub fn meter_id(&self, raw: &RawValue, column: &str) -> Result<String, PriceSheetError> {
        let text = self.string(raw, column)?;
        cell::meter_id(&text).map_err(|(kind, message)| self.at(raw).error(column, kind, message))
    }

    /// An optional value: absent or `null` is `None`.
    pub fn optional<T>(
        &self,
        raw: Option<&RawValue>,
        read: impl Fn(&RawValue) -> Result<T, PriceSheetError>,
    ) -> Result<Option<T>, PriceSheetError> {
        match raw {
            Some(v) if v.get().trim() != "null" => read(v).map(Some),
            _ => Ok(None),
        }
    }
}
