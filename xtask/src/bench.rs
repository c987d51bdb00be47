//! `cargo xtask bench <name> [OPTIONS]`: runs a benchmark in release and says where its
//! report is. Benchmarks measure performance as ratios against a baseline taken in the same
//! run; tests never time anything.

use anyhow::{bail, Result};

use crate::{process, workspace};

/// Benchmarks: name, package, what it measures.
const BENCHES: &[(&str, &str, &str)] = &[
    (
        "discovery",
        "cspdesk-discovery",
        "Discovery of presets M and L against the emulator (latency, documented rate limits), \
         billing data through Microsoft Graph's exports: first and incremental run, wall time vs \
         the rate-limit and Graph floors, ingest vs a plain insert, the v1 paging path on the \
         same data, peak RSS of Discovery as an export grows 1x -> 4x",
    ),
    (
        "rating",
        "cspdesk-rating",
        "preset L's usage (>= 10M rows) rated month by month (each month's prices and FX) by \
         cspdesk-rating vs the same month-true tiered rating as a DuckDB SQL window query (Python duckdb, venv made on first use): rows/s ratio, totals \
         equal to the cent",
    ),
    (
        "pricing-sheet",
        "cspdesk-api",
        "a 500,000-row Pricing API consumption sheet imported as CSP Desk does (parsed, checked, \
         stored in one transaction through the import pipeline) vs a plain batched insert of the \
         same rows: rows/s ratio (goal >= 0.5)",
    ),
    (
        "storage",
        "cspdesk-api",
        "a preset's daily rated usage discovered through Graph (default M; L needs 25 GB free; \
         --months 12 a year): bytes per row (tables + indexes) in the compact layout vs the \
         layout before it, DuckDB and zstd Parquet in the same run; ingest rows/s vs a plain \
         batched insert (goal >= 0.5); Reconciliation, Dashboard, Customers, an invoice's \
         customers and rate with nothing changed: p50/p95 and peak RSS (goal < 1 s, < 300 MB); \
         --keep-db PATH keeps the database, --db PATH re-times a kept one",
    ),
    (
        "billing",
        "cspdesk-cli",
        "a 1,000,000-line invoice: first screen of each Billing level (p50/p95), the large \
         customer's lines sorted by cost and searched (first request, first and deep page), \
         CSV export rows/s vs sqlite3 -csv on the same rows, peak RSS of 1,000,000 vs 1,000 \
         exported lines",
    ),
];

/// Runs the benchmark `args[0]` (all of them when none is named) with the rest as its options.
pub fn run(args: &[String]) -> Result<()> {
    let (selected, options): (Vec<_>, &[String]) = match args.first() {
        None => (BENCHES.iter().collect(), &[]),
        Some(name) if name.starts_with('-') => (BENCHES.iter().collect(), args),
        Some(name) => match BENCHES.iter().find(|(n, ..)| n == name) {
            Some(b) => (vec![b], &args[1..]),
            None => bail!(
                "unknown benchmark {name:?}; there is: {}",
                BENCHES
                    .iter()
                    .map(|(n, _, what)| format!("\n  {n}: {what}"))
                    .collect::<String>()
            ),
        },
    };
    let root = workspace::root();
    for (name, package, what) in selected {
        process::step(&format!("benchmark {name}: {what}"));
        let mut cargo_args = vec!["bench", "--package", package, "--bench", name, "--"];
        cargo_args.extend(options.iter().map(String::as_str));
        process::cargo(&cargo_args, &root)?;
    }
    Ok(())
}
