//! CSV parts of a run: rows accumulate into a part that repeats the header, and each full part
//! goes to the sink, so a run never holds more than one part in memory.

use super::columns::MPA_COLUMNS;
use crate::error::{EmulatorError, Result};

/// Accumulates rows into parts and hands each finished part to the sink.
pub(super) struct Parts<'s> {
    pub(super) sink: &'s mut dyn FnMut(&str, Vec<u8>) -> Result<()>,
    pub(super) folder: String,
    pub(super) rows_per_part: usize,
    pub(super) current: Option<csv::Writer<Vec<u8>>>,
    pub(super) rows_in_part: usize,
    pub(super) written: Vec<(String, u64, u64)>,
}

impl Parts<'_> {
    pub(super) fn push(&mut self, record: &[String]) -> Result<()> {
        if self.current.is_none() {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(MPA_COLUMNS)
                .map_err(|e| EmulatorError::Export(e.to_string()))?;
            self.current = Some(w);
            self.rows_in_part = 0;
        }
        let w = self.current.as_mut().expect("just set");
        w.write_record(record)
            .map_err(|e| EmulatorError::Export(e.to_string()))?;
        self.rows_in_part += 1;
        if self.rows_in_part >= self.rows_per_part {
            self.flush()?;
        }
        Ok(())
    }

    pub(super) fn flush(&mut self) -> Result<()> {
        let Some(w) = self.current.take() else {
            return Ok(());
        };
        let bytes = w
            .into_inner()
            .map_err(|e| EmulatorError::Export(e.to_string()))?;
        let path = format!("{}/part_0_{:04}.csv", self.folder, self.written.len() + 1);
        self.written
            .push((path.clone(), bytes.len() as u64, self.rows_in_part as u64));
        (self.sink)(&path, bytes)
    }
}
