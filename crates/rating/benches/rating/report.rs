//! The figures of one run, the ratio the benchmark is stated in, and how they are printed:
//! an aligned table on stdout and a markdown file.

use std::fmt::Write as _;
use std::time::Duration;

use chrono::NaiveDate;

use crate::totals::Totals;

/// One timed run of one side.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub wall: Duration,
    /// User + system CPU time of the side's process, all threads (n/a without `/proc`).
    pub cpu: Option<Duration>,
}

/// Everything one run measured.
pub struct Report {
    pub preset: String,
    pub seed: u64,
    pub today: NaiveDate,
    pub rows: u64,
    pub series: usize,
    pub customer_months: usize,
    pub threads: usize,
    /// Enumerating the rows, building the series and writing the CSV (untimed for the ratio).
    pub generate: Duration,
    pub ours: Vec<Timing>,
    pub duckdb: Vec<Timing>,
    pub duckdb_version: String,
    pub duckdb_threads: i64,
    /// Loading the CSVs into DuckDB's in-memory tables (untimed for the ratio).
    pub duckdb_load: Duration,
    /// Each side's totals (equal on every customer month, or the run failed before this).
    pub ours_totals: Totals,
    pub duckdb_totals: Totals,
    /// This process's RSS once the series were in memory, before rating.
    pub rss_data_kib: Option<u64>,
    /// This process's peak RSS (data + rating).
    pub rss_peak_kib: Option<u64>,
    /// The Python process's peak RSS (DuckDB with the loaded tables + the query).
    pub duckdb_peak_kib: u64,
    /// The machine's 1-minute load average when the benchmark started.
    pub load_before: Option<f64>,
}

/// The middle of the (sorted) runs; the mean of the two middle ones for an even count.
pub fn median(runs: &[Duration]) -> Duration {
    let mut sorted = runs.to_vec();
    sorted.sort();
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

fn median_wall(runs: &[Timing]) -> Duration {
    median(&runs.iter().map(|t| t.wall).collect::<Vec<_>>())
}

/// The median CPU time, when every run has one.
fn median_cpu(runs: &[Timing]) -> Option<Duration> {
    let cpu: Option<Vec<Duration>> = runs.iter().map(|t| t.cpu).collect();
    cpu.map(|c| median(&c))
}

impl Report {
    pub fn ours_rows_per_second(&self) -> f64 {
        self.rows as f64 / median_wall(&self.ours).as_secs_f64().max(1e-9)
    }

    pub fn duckdb_rows_per_second(&self) -> f64 {
        self.rows as f64 / median_wall(&self.duckdb).as_secs_f64().max(1e-9)
    }

    /// Our rows/s over DuckDB's: above 1 we are faster.
    pub fn ratio(&self) -> f64 {
        self.ours_rows_per_second() / self.duckdb_rows_per_second()
    }

    /// Label, ours, DuckDB.
    fn rows(&self) -> Vec<[String; 3]> {
        let runs = |r: &[Timing]| {
            r.iter()
                .map(|t| format!("{:.2}", t.wall.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(" / ")
                + " s"
        };
        let cpu = |r: &[Timing]| {
            median_cpu(r).map_or("n/a".into(), |c| {
                format!(
                    "{:.2} s ({:.0} rows per CPU-second)",
                    c.as_secs_f64(),
                    self.rows as f64 / c.as_secs_f64().max(1e-9)
                )
            })
        };
        let mib = |k: Option<u64>| k.map_or("n/a".into(), |k| format!("{} MiB", k / 1024));
        let billing = |t: &Totals| {
            t.billing()
                .iter()
                .map(|(c, v)| format!("{c} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        vec![
            [
                "threads".into(),
                self.threads.to_string(),
                self.duckdb_threads.to_string(),
            ],
            [
                "rating runs (timed)".into(),
                runs(&self.ours),
                runs(&self.duckdb),
            ],
            [
                "median".into(),
                format!("{:.2} s", median_wall(&self.ours).as_secs_f64()),
                format!("{:.2} s", median_wall(&self.duckdb).as_secs_f64()),
            ],
            [
                "rows/s (rows / median)".into(),
                format!("{:.0}", self.ours_rows_per_second()),
                format!("{:.0}", self.duckdb_rows_per_second()),
            ],
            [
                "CPU time (median)".into(),
                cpu(&self.ours),
                cpu(&self.duckdb),
            ],
            [
                "total USD (Σ pricingPreTaxTotal)".into(),
                self.ours_totals.pricing().to_string(),
                self.duckdb_totals.pricing().to_string(),
            ],
            [
                "total billed (Σ billingPreTaxTotal)".into(),
                billing(&self.ours_totals),
                billing(&self.duckdb_totals),
            ],
            [
                "customer-month checksum".into(),
                self.ours_totals.checksum().to_string(),
                self.duckdb_totals.checksum().to_string(),
            ],
            [
                "data in memory before rating (RSS)".into(),
                mib(self.rss_data_kib),
                "-".into(),
            ],
            [
                "peak RSS of the process".into(),
                mib(self.rss_peak_kib),
                mib(Some(self.duckdb_peak_kib)),
            ],
            [
                "preparation (untimed)".into(),
                format!(
                    "{:.1} s generate + series + CSV",
                    self.generate.as_secs_f64()
                ),
                format!("{:.1} s CSV load", self.duckdb_load.as_secs_f64()),
            ],
        ]
    }

    fn headline(&self) -> String {
        format!(
            "{} rows, {} series, {} customer months (preset {}, seed {}, usage before {}), each \
             month rated with its own month's prices and FX. Ours / DuckDB = {:.2}x rows/s. \
             Totals agree to the cent on every customer month.",
            self.rows,
            self.series,
            self.customer_months,
            self.preset,
            self.seed,
            self.today,
            self.ratio()
        )
    }

    /// The aligned table for stdout.
    pub fn text(&self) -> String {
        let rows = self.rows();
        let w0 = rows.iter().map(|r| r[0].len()).max().unwrap_or(0);
        let w1 = rows.iter().map(|r| r[1].len()).max().unwrap_or(0);
        let w2 = rows.iter().map(|r| r[2].len()).max().unwrap_or(0);
        let mut s = format!("\n{}\n", self.headline());
        let _ = writeln!(
            s,
            "{:w0$}  {:>w1$}  {:>w2$}",
            "", "cspdesk-rating", "DuckDB"
        );
        for [label, ours, duckdb] in &rows {
            let _ = writeln!(s, "{label:w0$}  {ours:>w1$}  {duckdb:>w2$}");
        }
        s
    }

    /// The markdown section.
    pub fn markdown(&self) -> String {
        let mut s = format!("## Result\n\n{}\n\n", self.headline());
        let _ = writeln!(
            s,
            "| | cspdesk-rating | DuckDB {} |\n|---|---:|---:|",
            self.duckdb_version
        );
        for [label, ours, duckdb] in self.rows() {
            let _ = writeln!(s, "| {label} | {ours} | {duckdb} |");
        }
        let _ = writeln!(
            s,
            "\nLoad average (1 min) when the benchmark started: {}.",
            self.load_before.map_or("n/a".into(), |l| format!("{l:.2}"))
        );
        s
    }
}
