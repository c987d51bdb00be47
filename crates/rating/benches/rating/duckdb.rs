//! The baseline: the same tiered rating as one DuckDB SQL query (`tiered_rating.sql`), run by
//! `duckdb_rating.py` in a `python3` child over the CSVs written under the target directory.
//! The child loads the tables once and runs the query whenever asked, so the bench can
//! alternate the two sides run by run. Python's `duckdb` comes from the system when it
//! imports, else from a venv at `~/.cache/cspdesk/bench-venv` made (with pip) on first use.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

pub use crate::duckdb_venv::python;
use crate::totals::{Amounts, Totals};
use crate::usage::{CustomerMonth, Usage};

/// What the child says once its tables are loaded.
#[derive(Deserialize)]
pub struct Loaded {
    pub duckdb: String,
    pub threads: i64,
    pub rows: u64,
    pub load_seconds: f64,
}

/// One run of the query.
#[derive(Deserialize)]
pub struct Run {
    pub seconds: f64,
    pub cpu_seconds: f64,
    totals: Vec<(u32, String, String, String, String)>,
}

#[derive(Deserialize)]
struct Done {
    peak_rss_kib: u64,
}

impl Run {
    /// The query's per customer-month totals, in our terms.
    pub fn totals(&self, usage: &Usage) -> Result<Totals> {
        let currencies: BTreeMap<CustomerMonth, &'static str> = usage
            .customer_months
            .iter()
            .copied()
            .zip(usage.currencies.iter().copied())
            .collect();
        let mut out = Totals::default();
        for (customer, month, currency, pricing, billing) in &self.totals {
            let key = CustomerMonth {
                customer: *customer,
                month: NaiveDate::parse_from_str(month, "%Y-%m-%d")
                    .with_context(|| format!("DuckDB's month {month:?}"))?,
            };
            let Some(ours) = currencies.get(&key) else {
                bail!("DuckDB rated customer {customer} in {month}, which has no usage here");
            };
            if ours != currency {
                bail!("DuckDB billed customer {customer} in {currency}, not {ours}");
            }
            let amounts = Amounts {
                pricing: pricing.parse().context("DuckDB's pricing total")?,
                billing: billing.parse().context("DuckDB's billing total")?,
            };
            out.by_customer_month.insert(key, (*ours, amounts));
        }
        Ok(out)
    }
}

/// The running child, its tables loaded.
pub struct DuckDb {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl DuckDb {
    /// Starts the child on `threads` threads and waits until it has loaded the CSVs in `dir`.
    pub fn start(
        python: &Path,
        dir: &Path,
        threads: usize,
        pec_rate: Decimal,
    ) -> Result<(DuckDb, Loaded)> {
        let mut child = Command::new(python)
            .arg(source("duckdb_rating.py"))
            .arg("--usage")
            .arg(dir.join("usage.csv"))
            .arg("--tiers")
            .arg(dir.join("tiers.csv"))
            .arg("--fx")
            .arg(dir.join("fx.csv"))
            .arg("--sql")
            .arg(source("tiered_rating.sql"))
            .args(["--threads", &threads.to_string()])
            .args(["--pec-rate", &pec_rate.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting the DuckDB side")?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            bail!("the DuckDB side has no pipes");
        };
        let mut duckdb = DuckDb {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        };
        let loaded = duckdb.read("loading the CSVs")?;
        Ok((duckdb, loaded))
    }

    fn read<T: serde::de::DeserializeOwned>(&mut self, doing: &str) -> Result<T> {
        let mut line = String::new();
        self.stdout
            .read_line(&mut line)
            .with_context(|| format!("reading the DuckDB side ({doing})"))?;
        if line.is_empty() {
            let status = self.child.wait()?;
            bail!("the DuckDB side ended with {status} while {doing}");
        }
        serde_json::from_str(&line).with_context(|| format!("the DuckDB side's answer: {line}"))
    }

    /// Runs the query once.
    pub fn run(&mut self) -> Result<Run> {
        writeln!(self.stdin, "run")?;
        self.stdin.flush()?;
        self.read("running the query")
    }

    /// Stops the child; returns its peak RSS in KiB.
    pub fn finish(mut self) -> Result<u64> {
        drop(self.stdin);
        let mut line = String::new();
        self.stdout.read_line(&mut line)?;
        let done: Done = serde_json::from_str(&line)
            .with_context(|| format!("the DuckDB side's end: {line}"))?;
        let status = self.child.wait()?;
        if !status.success() {
            bail!("the DuckDB side failed with {status}");
        }
        Ok(done.peak_rss_kib)
    }
}

fn source(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/rating")
        .join(name)
}

/// Writes the FX table (currency, month, rate) the query joins.
pub fn write_fx(usage: &Usage, path: &Path) -> Result<()> {
    let mut text = String::from("currency,month,rate\n");
    for ((currency, month), rate) in &usage.fx {
        text.push_str(&format!("{currency},{month},{rate}\n"));
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
