//! `cargo xtask bench pricing-sheet`: a Pricing API consumption sheet of at least 500,000
//! rows (the documented 18 columns; generated: tiered meters, Microsoft's `M/D/YYYY` dates)
//! imported the way CSP Desk imports it (`rating::pricing_import::import_sheet`: a pipeline
//! run, the header checked, every row read and checked as decimals and dates, written in one
//! transaction with its fingerprint), against a plain batched insert of the same rows (the
//! CSV read with the same `csv` crate, every cell inserted as text through one prepared
//! statement, one transaction, no checks) into a table of the same columns, in the same run.
//! The goal (issue 16): ours at least 50 % of the plain insert's rows/s.
//!
//! Timed on both sides: reading the file and writing the rows (and, ours, the run record and
//! its lock). Not timed: generating the file. Each run writes a fresh database.
//!
//! Options (after `--` with `cargo bench`): `--rows N` (default 500000), `--runs N` (default
//! 3), `--out FILE` (default `<target>/bench/pricing-sheet.md`). `cargo test --bench
//! pricing_sheet -- --rows 2000 --runs 1` checks it works without a release build.

use std::fmt::Write as _;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use chrono::{TimeZone, Utc};
use cspdesk_api::rating::pricing_import::{import_sheet, SheetView};
use cspdesk_store::{accounts, Database};

const USAGE: &str = "usage: cargo xtask bench pricing-sheet [--rows N] [--runs N] [--out FILE]";

const HEADER: &str = "\"ProductTitle\",\"ProductId\",\"SkuId\",\"SkuTitle\",\"Publisher\",\"SkuDescription\",\"UnitOfMeasure\",\"TermDuration\",\"Market\",\"Currency\",\"UnitPrice\",\"PricingTierRangeMin\",\"PricingTierRangeMax\",\"EffectiveStartDate\",\"EffectiveEndDate\",\"MeterIds\",\"MeterType\",\"Tags\"";

struct Args {
    rows: u64,
    runs: usize,
    out: Option<PathBuf>,
}

fn args() -> Result<Args> {
    let mut out = Args {
        rows: 500_000,
        runs: 3,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .with_context(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--rows" => out.rows = value("--rows")?.parse()?,
            "--runs" => out.runs = value("--runs")?.parse()?,
            "--out" => out.out = Some(PathBuf::from(value("--out")?)),
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    ensure!(
        out.rows >= 1 && out.runs >= 1,
        "--rows and --runs start at 1"
    );
    Ok(out)
}

/// Writes `rows` rows: meters of three tiers (first tier minimum empty, as Microsoft writes
/// it), prices that differ per meter, one market.
fn generate(path: &Path, rows: u64) -> Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{HEADER}")?;
    for i in 0..rows {
        let meter = i / 3;
        let (min, max, factor) = match i % 3 {
            0 => ("", "100", 100),
            1 => ("100", "10000", 80),
            _ => ("10000", "", 60),
        };
        let price = format!("{}.{:06}", meter % 7, (meter * 7919 + factor) % 1_000_000);
        writeln!(
            out,
            "\"Storage {meter}\",\"DZH318Z0{:04X}\",\"{:04}\",\"Hot LRS {meter}\",\"Microsoft\",\"Hot LRS\",\"1 GB/Month\",\"payG-1\",\"US\",\"USD\",\"{price}\",\"{min}\",\"{max}\",\"3/1/2018 12:00:00 AM\",\"11/30/9999 11:59:59 PM\",\"{:08x}-0000-4000-8000-{:012x}\",\"1 GB/Month\",\"Azure\"",
            meter % 65536,
            meter % 10000,
            meter,
            meter
        )?;
    }
    out.flush()?;
    Ok(())
}

fn ours(dir: &Path, file: &Path) -> Result<(Duration, u64)> {
    let db_path = dir.join("ours.sqlite3");
    let _ = std::fs::remove_file(&db_path);
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
    let mut db = Database::open(&db_path)?;
    let account = accounts::add(&db, "Bench", "0a1b2c3d-0000-4000-8000-000000000001", now)?.id;
    let start = Instant::now();
    let done = import_sheet(
        &mut db,
        &account,
        SheetView::AzureConsumption,
        "2026-10",
        Some("US"),
        file,
        now,
    )
    .map_err(|e| anyhow::anyhow!("{}", e.message))?;
    Ok((start.elapsed(), done.rows))
}

fn plain(dir: &Path, file: &Path) -> Result<(Duration, u64)> {
    let db_path = dir.join("plain.sqlite3");
    let _ = std::fs::remove_file(&db_path);
    let mut conn = rusqlite::Connection::open(&db_path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE sheet_rows (line INTEGER, product_title TEXT, product_id TEXT, sku_id TEXT,
           sku_title TEXT, publisher TEXT, sku_description TEXT, unit TEXT, term TEXT, market TEXT,
           currency TEXT, unit_price TEXT, tier_min TEXT, tier_max TEXT, effective_start TEXT,
           effective_end TEXT, meter_ids TEXT, meter_type TEXT, tags TEXT) STRICT;",
    )?;
    let start = Instant::now();
    let mut reader = csv::Reader::from_path(file)?;
    let tx = conn.transaction()?;
    let mut n = 0u64;
    {
        let mut insert = tx.prepare(
            "INSERT INTO sheet_rows VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )?;
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record)? {
            n += 1;
            let line = record.position().map_or(0, |p| p.line()) as i64;
            let cell = |i: usize| record.get(i).unwrap_or("");
            insert.execute(rusqlite::params![
                line,
                cell(0),
                cell(1),
                cell(2),
                cell(3),
                cell(4),
                cell(5),
                cell(6),
                cell(7),
                cell(8),
                cell(9),
                cell(10),
                cell(11),
                cell(12),
                cell(13),
                cell(14),
                cell(15),
                cell(16),
                cell(17)
            ])?;
        }
    }
    tx.commit()?;
    Ok((start.elapsed(), n))
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() -> Result<()> {
    let args = args()?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("azure_consumption.csv");
    let gen = Instant::now();
    generate(&file, args.rows)?;
    let generated = gen.elapsed();
    let size = std::fs::metadata(&file)?.len();
    let (mut ours_runs, mut plain_runs) = (Vec::new(), Vec::new());
    for _ in 0..args.runs {
        let (t, n) = plain(dir.path(), &file)?;
        ensure!(
            n == args.rows,
            "the plain insert wrote {n} rows, not {}",
            args.rows
        );
        plain_runs.push(t);
        let (t, n) = ours(dir.path(), &file)?;
        ensure!(
            n == args.rows,
            "the import wrote {n} rows, not {}",
            args.rows
        );
        ours_runs.push(t);
    }
    let (o, p) = (median(ours_runs.clone()), median(plain_runs.clone()));
    let rate = |d: Duration| args.rows as f64 / d.as_secs_f64();
    let ratio = rate(o) / rate(p);
    let mut report = String::new();
    writeln!(
        report,
        "# Pricing API sheet: parsed and stored vs a plain batched insert\n"
    )?;
    writeln!(
        report,
        "{} rows ({:.1} MB, generated in {:.2} s), {} runs, median.\n",
        args.rows,
        size as f64 / 1e6,
        generated.as_secs_f64(),
        args.runs
    )?;
    writeln!(report, "| side | wall (median) | rows/s | runs |")?;
    writeln!(report, "|---|---|---|---|")?;
    for (name, d, runs) in [
        ("CSP Desk import (parse, check, store)", o, &ours_runs),
        ("plain batched insert", p, &plain_runs),
    ] {
        writeln!(
            report,
            "| {name} | {:.2} s | {:.0} | {} |",
            d.as_secs_f64(),
            rate(d),
            runs.iter()
                .map(|r| format!("{:.2}", r.as_secs_f64()))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(
        report,
        "\nRatio (ours / plain, rows/s): **{ratio:.2}x** (goal at least 0.50x)."
    )?;
    print!("{report}");
    let out = args.out.unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| PathBuf::from("target"), PathBuf::from);
        target.join("bench").join("pricing-sheet.md")
    });
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&out, report)?;
    eprintln!("report: {}", out.display());
    Ok(())
}
