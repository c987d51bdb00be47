//! CSV for finance users' own tools. Every table CSP Desk shows exports through
//! [`CsvExport`]: RFC 4180 (quotes doubled, fields with commas, quotes or line breaks
//! quoted, CRLF line ends), UTF-8 with an optional byte-order mark so Excel opens accents
//! right, and every text cell neutralised against formula injection ([`neutralize`]).
//! Rows are written as they come: memory stays flat however many lines an invoice has.

use std::io::Write;

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Writing the file failed (disk full, permission).
    #[error("could not write the CSV file: {0}")]
    Io(#[from] std::io::Error),
    /// The CSV writer refused a row.
    #[error("could not write the CSV file: {0}")]
    Csv(#[from] csv::Error),
    /// A row does not have the header's number of cells (a bug in the caller).
    #[error("a row has {got} cells, the header has {want}")]
    Width {
        /// Cells in the header.
        want: usize,
        /// Cells in the row.
        got: usize,
    },
}

/// How a cell is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell<'a> {
    /// Text: neutralised if a spreadsheet would read it as a formula.
    Text(&'a str),
    /// A plain decimal (amount, quantity, rate) written as is: `-12.50` stays a number.
    /// Anything that is not a plain decimal is treated as text.
    Number(&'a str),
    /// Nothing.
    Empty,
}

/// Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `text` is a plain decimal: optional minus, digits, optional fraction.
pub fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
}

/// `text` made safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'`, which spreadsheets show as text and do not evaluate.
pub fn neutralize(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(FORMULA_START) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Options of an export.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    /// Start with a UTF-8 byte-order mark (Excel on Windows needs it to read UTF-8).
    pub bom: bool,
}

/// A CSV file being written.
pub struct CsvExport<W: Write> {
    writer: csv::Writer<W>,
    width: usize,
    rows: u64,
}

impl<W: Write> CsvExport<W> {
    /// Starts a file with its header row.
    pub fn new(mut out: W, options: CsvOptions, header: &[&str]) -> Result<Self, ExportError> {
        if options.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .quote_style(csv::QuoteStyle::Necessary)
            .from_writer(out);
        writer.write_record(header.iter().map(|h| neutralize(h).into_owned()))?;
        Ok(Self {
            writer,
            width: header.len(),
            rows: 0,
        })
    }

    /// Writes one row.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        if cells.len() != self.width {
            return Err(ExportError::Width {
                want: self.width,
                got: cells.len(),
            });
        }
        for cell in cells {
            match cell {
                Cell::Number(n) if is_plain_decimal(n) => self.writer.write_field(n)?,
                Cell::Number(t) | Cell::Text(t) => {
                    self.writer.write_field(neutralize(t).as_ref())?
                }
                Cell::Empty => self.writer.write_field("")?,
            }
        }
        self.writer.write_record(None::<&[u8]>)?;
        self.rows += 1;
        Ok(())
    }

    /// Rows written so far (the header not counted).
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes and hands the output back.
    pub fn finish(self) -> Result<(W, u64), ExportError> {
        let rows = self.rows;
        let out = self
            .writer
            .into_inner()
            .map_err(|e| ExportError::Io(e.into_error()))?;
        Ok((out, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn export(bom: bool, header: &[&str], rows: &[Vec<Cell<'_>>]) -> String {
        let mut csv = CsvExport::new(Vec::new(), CsvOptions { bom }, header).unwrap();
        for r in rows {
            csv.row(r).unwrap();
        }
        String::from_utf8(csv.finish().unwrap().0).unwrap()
    }

    #[test]
    fn rfc_4180_quoting_crlf_and_an_optional_bom() {
        let text = export(
            true,
            &["Name", "Amount"],
            &[vec![
                Cell::Text("Contoso, \"Ltd\"\nEMEA"),
                Cell::Number("-12.50"),
            ]],
        );
        assert_eq!(
            text,
            "\u{feff}Name,Amount\r\n\"Contoso, \"\"Ltd\"\"\nEMEA\",-12.50\r\n"
        );
        assert!(!export(false, &["A"], &[]).starts_with('\u{feff}'));
    }

    #[test]
    fn formulas_are_neutralised_but_negative_amounts_stay_numbers() {
        let text = export(
            false,
            &["Name", "Note", "Amount", "Odd"],
            &[vec![
                Cell::Text("=HYPERLINK(\"http://x\",\"click\")"),
                Cell::Text("@SUM(A1)"),
                Cell::Number("-3"),
                Cell::Number("-1+2"),
            ]],
        );
        let row = text.lines().nth(1).unwrap();
        assert_eq!(
            row,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\",'@SUM(A1),-3,'-1+2"
        );
        for bad in ["+1", "-x", "\tcmd", "\rcmd"] {
            assert!(neutralize(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralize("Contoso"), "Contoso");
    }

    #[test]
    fn a_row_of_the_wrong_width_is_refused() {
        let mut csv = CsvExport::new(Vec::new(), CsvOptions::default(), &["A", "B"]).unwrap();
        assert!(matches!(
            csv.row(&[Cell::Empty]),
            Err(ExportError::Width { want: 2, got: 1 })
        ));
    }

    #[test]
    fn plain_decimals() {
        for ok in ["0", "12", "-12.50", "0.000001"] {
            assert!(is_plain_decimal(ok), "{ok}");
        }
        for no in ["", "-", "1.", ".5", "1e5", "1,5", "+1", "--1"] {
            assert!(!is_plain_decimal(no), "{no}");
        }
    }

    proptest! {
        /// Whatever the text, the csv crate reads back exactly what was written (after the
        /// neutralising quote, which is the only change).
        #[test]
        fn any_text_round_trips(cells in proptest::collection::vec(".*", 1..6)) {
            let header: Vec<String> = (0..cells.len()).map(|i| format!("c{i}")).collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let row: Vec<Cell<'_>> = cells.iter().map(|c| Cell::Text(c)).collect();
            let text = export(false, &header, &[row]);
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let got: Vec<String> = reader.records().next().unwrap().unwrap().iter().map(str::to_string).collect();
            let want: Vec<String> = cells.iter().map(|c| neutralize(c).into_owned()).collect();
            prop_assert_eq!(got, want);
        }
    }
}
