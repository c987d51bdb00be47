//! `cargo xtask bench rating`: preset L's Azure plan usage (over 10M daily rows from the
//! emulator's world) rated by this crate month by month (each month's prices and FX: the
//! prices move from month to month as the Pricing API's sheets do), against the same
//! month-true tiered rating written as one DuckDB SQL window query over the same rows, in the
//! same run. Reports rows/s of both
//! (median of the runs) as a ratio, because absolute numbers depend on the machine, and
//! fails unless both sides agree to the cent on every customer month.
//!
//! Timed on our side: `rate::rate` over every series already in memory, plus summing the
//! lines per customer month. On DuckDB's: the one query (window, tier joins, rounding, the
//! same sums) over tables already loaded. Not timed: generating the rows, building the
//! series, writing and loading the CSVs.
//!
//! Options (after `--` with `cargo bench`): `--preset S|M|L` (default L; S and M only to check
//! the benchmark works, e.g. `cargo test --bench rating -- --preset S --runs 1`), `--seed N` (default 7), `--today YYYY-MM-DD`
//! (usage before that day; default 2026-11-03, as the Discovery benchmark), `--threads N`
//! (both sides; default the machine's cores), `--runs N` (default 3), `--out FILE` (default
//! `<target>/bench/rating.md`).

#[path = "rating/duckdb.rs"]
mod duckdb;
#[path = "rating/duckdb_venv.rs"]
mod duckdb_venv;
#[path = "rating/machine.rs"]
mod machine;
#[path = "rating/ours.rs"]
mod ours;
#[path = "rating/prices.rs"]
mod prices;
#[path = "rating/report.rs"]
mod report;
#[path = "rating/totals.rs"]
mod totals;
#[path = "rating/usage.rs"]
mod usage;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use chrono::NaiveDate;
use cspdesk_emulator::world::World;
use cspdesk_emulator::Preset;
use cspdesk_rating::rate::PARTNER_EARNED_CREDIT_RATE;

const USAGE: &str = "\
usage: cargo xtask bench rating [--preset S|M|L] [--seed N] [--today YYYY-MM-DD] [--threads N] [--runs N]
                                [--out FILE]";

struct Args {
    preset: Preset,
    seed: u64,
    today: NaiveDate,
    threads: usize,
    runs: usize,
    out: Option<PathBuf>,
}

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Args> {
        let mut out = Args {
            preset: Preset::L,
            seed: 7,
            today: NaiveDate::from_ymd_opt(2026, 11, 3).context("a valid date")?,
            threads: machine::cores(),
            runs: 3,
            out: None,
        };
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .with_context(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                // `cargo bench` passes `--bench` to every bench binary.
                "--bench" => {}
                "--seed" => out.seed = value("--seed")?.parse()?,
                "--preset" => {
                    out.preset = match value("--preset")?.as_str() {
                        "S" | "s" => Preset::S,
                        "M" | "m" => Preset::M,
                        "L" | "l" => Preset::L,
                        other => bail!("--preset {other:?}: S, M or L"),
                    }
                }
                "--today" => out.today = value("--today")?.parse()?,
                "--threads" => out.threads = value("--threads")?.parse()?,
                "--runs" => out.runs = value("--runs")?.parse()?,
                "--out" => out.out = Some(PathBuf::from(value("--out")?)),
                other => bail!("unknown option {other:?}\n{USAGE}"),
            }
        }
        ensure!(
            out.threads >= 1 && out.runs >= 1,
            "--threads and --runs start at 1"
        );
        Ok(out)
    }
}

/// `<target>/bench/`: the bench binary lives in `<target>/release/deps/`.
fn bench_dir() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .nth(3)
        .context("the bench binary is not inside a cargo target directory")?;
    Ok(target.join("bench"))
}

fn method(args: &Args) -> String {
    format!(
        "\
## Method

- Rows: the emulator's world for preset L (seed {seed}), every Azure plan customer's daily
  rated usage from the first history day through {last}, enumerated as the emulator's
  invoices list it (customer, month, day, Azure subscription, resource): customer, Azure
  plan, meter, day, quantity (6 decimals), PEC flag. The emulator's own costs are not used.
- Prices: the emulator's meter catalog (USD tier tables, included quantities) as one Azure
  plan price list entry per meter id in a `PriceBook`; the same tiers as a DuckDB table.
  FX: the world's monthly USD rate to each customer's currency (1 for USD).
- Ours: one `UsageSeries` per (customer, Azure plan, meter, month), `RatingTerms` calendar
  month + FX, `cspdesk_rating::rate::rate` per series, the lines' `pricingPreTaxTotal` and
  `billingPreTaxTotal` summed per customer month. {threads} thread(s): the series split
  into contiguous chunks of equal row counts, one per `std::thread::scope` thread.
- DuckDB: the rows written once to CSV (untimed), loaded into in-memory tables (untimed,
  integer keys for customer, plan and meter), then `benches/rating/tiered_rating.sql`:
  `SUM(quantity) OVER (PARTITION BY customer, plan, meter, month ORDER BY day, row)`,
  cost(through) - cost(before) by joining each position to its tier in the tier table,
  15% PEC, the effective unit price rounded half away from zero to 6 decimals (on 128-bit
  integers: DuckDB divides DECIMALs in DOUBLE), `FLOOR(.., 2)` per line, the same sums.
  DECIMAL throughout, `SET threads = {threads}`.
- Timed: only the rating (ours) and the query (DuckDB), {runs} runs each, the sides
  alternating run by run (DuckDB in a Python child that keeps its tables loaded and waits
  while we rate), median wall time compared. CPU time (user + system, all threads) is shown
  too: it moves less than wall time when something else runs on the machine.
- Every run, both sides' totals must be equal on every customer month, or the run fails.
",
        seed = args.seed,
        last = args.today.pred_opt().unwrap_or(args.today),
        threads = args.threads,
        runs = args.runs,
    )
}

fn main() -> Result<()> {
    let args = Args::parse(std::env::args().skip(1))?;
    // Before any work of ours: what else the machine was doing.
    let load_before = machine::load_average();
    let python = duckdb::python()?;
    let dir = bench_dir()?.join("rating");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;

    eprintln!(
        "==> preset {:?}, seed {}: generating usage before {}",
        args.preset, args.seed, args.today
    );
    let began = Instant::now();
    let world = World::new(args.preset, args.seed, args.today);
    let usage = usage::generate(&world, args.today, &dir.join("usage.csv"))?;
    let months: Vec<NaiveDate> = usage
        .fx
        .keys()
        .map(|(_, month)| *month)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    prices::write_tiers(&dir.join("tiers.csv"), &months)?;
    duckdb::write_fx(&usage, &dir.join("fx.csv"))?;
    let book = prices::monthly(&usage.meters, &months)?;
    let generate = began.elapsed();
    ensure!(
        args.preset != Preset::L || usage.rows >= 10_000_000,
        "only {} rows; the benchmark is meant for at least 10M (a later --today adds days)",
        usage.rows
    );
    let rss_data_kib = machine::memory_kib("VmRSS");
    eprintln!(
        "    {} rows, {} series in {:.1} s",
        usage.rows,
        usage.series.len(),
        generate.as_secs_f64()
    );

    eprintln!("==> DuckDB: loading the CSVs");
    let (mut duckdb, loaded) =
        duckdb::DuckDb::start(&python, &dir, args.threads, PARTNER_EARNED_CREDIT_RATE)?;
    ensure!(
        loaded.rows == usage.rows,
        "DuckDB loaded {} rows, we wrote {}",
        loaded.rows,
        usage.rows
    );

    // The sides alternate run by run, so load from elsewhere on the machine hits both alike.
    eprintln!(
        "==> rating: cspdesk-rating and DuckDB, alternately, {} runs each",
        args.runs
    );
    let (mut ours_runs, mut duckdb_runs) = (Vec::new(), Vec::new());
    let mut agreed: Option<(totals::Totals, totals::Totals)> = None;
    for i in 0..args.runs {
        let cpu_before = machine::cpu_time();
        let (elapsed, ours_totals) = ours::rate_all(&usage, &book, args.threads)?;
        let cpu = machine::cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        eprintln!(
            "  run {}: cspdesk-rating {:.2} s",
            i + 1,
            elapsed.as_secs_f64()
        );
        ours_runs.push(report::Timing { wall: elapsed, cpu });
        let run = duckdb.run()?;
        eprintln!("  run {}: DuckDB {:.2} s", i + 1, run.seconds);
        duckdb_runs.push(report::Timing {
            wall: Duration::from_secs_f64(run.seconds),
            cpu: Some(Duration::from_secs_f64(run.cpu_seconds)),
        });
        let duckdb_totals = run.totals(&usage)?;
        totals::compare(&ours_totals, &duckdb_totals)?;
        ensure!(
            agreed.as_ref().is_none_or(|(t, _)| *t == ours_totals),
            "the totals differ between runs"
        );
        agreed = Some((ours_totals, duckdb_totals));
    }
    let (ours_totals, duckdb_totals) = agreed.context("at least one run")?;
    let rss_peak_kib = machine::memory_kib("VmHWM");
    let duckdb_peak_kib = duckdb.finish()?;

    let report = report::Report {
        preset: format!("{:?}", args.preset),
        seed: args.seed,
        today: args.today,
        rows: usage.rows,
        series: usage.series.len(),
        customer_months: usage.customer_months.len(),
        threads: args.threads,
        generate,
        ours: ours_runs,
        duckdb: duckdb_runs,
        duckdb_version: loaded.duckdb,
        duckdb_threads: loaded.threads,
        duckdb_load: Duration::from_secs_f64(loaded.load_seconds),
        ours_totals,
        duckdb_totals,
        rss_data_kib,
        rss_peak_kib,
        duckdb_peak_kib,
        load_before,
    };
    println!("{}", report.text());

    let md = format!(
        "# Rating benchmark\n\nDate: {}. Machine: {} cores, {}. Code: {}.\n\nCommand: `cargo xtask bench rating{}`.\n\n{}\n{}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine::cores(),
        machine::describe(),
        machine::code_version(),
        std::env::args()
            .skip(1)
            .filter(|a| a != "--bench")
            .map(|a| format!(" {a}"))
            .collect::<String>(),
        method(&args),
        report.markdown()
    );
    let out = match &args.out {
        Some(p) => p.clone(),
        None => bench_dir()?.join("rating.md"),
    };
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&out, md).with_context(|| format!("writing {}", out.display()))?;
    println!("report written to {}", out.display());
    Ok(())
}
