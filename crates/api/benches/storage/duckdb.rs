//! The same rows in DuckDB (every column as text, as the issue measured) and as a zstd
//! Parquet file written by DuckDB, in the same run: `duckdb_storage.py` loads the CSV and
//! prints the sizes as JSON. Python's `duckdb` comes from the rating benchmark's venv helper.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::duckdb_venv::python;

/// Sizes the script reports.
#[derive(serde::Deserialize)]
pub struct DuckSizes {
    pub rows: u64,
    pub duckdb_bytes: u64,
    pub parquet_bytes: u64,
}

/// Loads `csv` into a DuckDB file and writes it as Parquet, both in `dir`.
pub fn measure(csv: &Path, dir: &Path) -> Result<DuckSizes> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/storage/duckdb_storage.py");
    let out = Command::new(python()?)
        .arg(script)
        .arg(csv)
        .arg(dir.join("usage.duckdb"))
        .arg(dir.join("usage.parquet"))
        .stderr(Stdio::inherit())
        .output()
        .context("running duckdb_storage.py")?;
    if !out.status.success() {
        bail!("duckdb_storage.py failed with {}", out.status);
    }
    serde_json::from_slice(&out.stdout).context("reading duckdb_storage.py's JSON")
}
