//! `cargo xtask bench storage`: how compactly daily rated usage is stored (issue 19). A
//! preset's world is discovered through the real pipeline (Discovery against the emulator,
//! new-commerce usage through Microsoft Graph's exports, no latency or rate limits: only
//! the data matters here), then the report gives, measured in the same run:
//! - bytes per daily usage row, tables and indexes (`dbstat`), and the database file;
//! - the same rows in the layout before migration 0019 (the wide text table and its two
//!   indexes), in DuckDB (every column as text) and as zstd Parquet written by DuckDB;
//! - ingest rows/s: the same rows through CSP Desk's ingest (Graph staging, then the swap)
//!   against a plain batched insert into the old wide table, batch for batch;
//! - the pages (`pages`): Reconciliation of a month, the Dashboard, Customers, an invoice's
//!   customers and `rate` with nothing changed, each timed and its peak memory taken in a
//!   child process on the discovered database.
//!
//! Options (after `--` with `cargo bench`): `--preset S|M|L` (default M; L needs ~25 GB
//! free), `--months N` (calendar months of usage history before the start month, default 3;
//! 12 discovers a year), `--seed N` (default 7), `--runs N` (timed calls of each page after
//! the first, default 5), `--keep-db PATH` (keep the discovered database there),
//! `--db PATH` (time the pages of an existing database, no Discovery), `--layouts
//! all|no-old|none` (which other layouts are measured beside ours, default `all`: `no-old`
//! leaves out the layout before 0019 with the plain insert and the migration and writes the
//! CSV gzipped, for a year of preset L, whose old layout alone takes about 27 GB; `none`
//! measures ours and the pages only), `--out FILE` (default `<target>/bench/storage.md`).

#[path = "storage/copy.rs"]
mod copy;
#[path = "storage/duckdb.rs"]
mod duckdb;
#[path = "../../rating/benches/rating/duckdb_venv.rs"]
mod duckdb_venv;
// Shared with the discovery benchmark; not every helper is used here.
#[allow(dead_code)]
#[path = "../../discovery/benches/discovery/fixture.rs"]
mod fixture;
#[path = "storage/pages.rs"]
mod pages;
#[path = "storage/sizes.rs"]
mod sizes;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use cspdesk_discovery::progress::Silent;
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{run, RunOptions};
use cspdesk_emulator::{Preset, RateLimits};
use tokio_util::sync::CancellationToken;

const USAGE: &str = "usage: cargo xtask bench storage [--preset S|M|L] [--months N] [--seed N] \
                     [--runs N] [--keep-db PATH | --db PATH] [--layouts all|no-old|none] \
                     [--out FILE]\n\
                     --db PATH times the pages on that database IN PLACE: it is migrated, rated \
                     and gains kept sums. Give it a copy, never a database you use.";

/// Free space an L run needs (Discovery's database, the two copies, the CSV and DuckDB).
const L_FREE_BYTES: u64 = 25 << 30;

/// Which layouts are measured beside ours.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layouts {
    /// The old layout (with the plain insert and migration 0019), DuckDB and Parquet.
    All,
    /// DuckDB and Parquet (from a gzipped CSV), and the ingest copy; not the old layout.
    NoOld,
    /// Ours only.
    None,
}

struct Args {
    preset: (String, Preset),
    months: u32,
    seed: u64,
    runs: usize,
    keep_db: Option<PathBuf>,
    db: Option<PathBuf>,
    out: Option<PathBuf>,
    layouts: Layouts,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args> {
    let mut out = Args {
        preset: ("M".into(), Preset::M),
        months: cspdesk_emulator::world::HISTORY_MONTHS,
        seed: 7,
        runs: 5,
        keep_db: None,
        db: None,
        out: None,
        layouts: Layouts::All,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .with_context(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--preset" => {
                let name = value("--preset")?.to_ascii_uppercase();
                let preset = name
                    .parse()
                    .map_err(|_| anyhow::anyhow!("unknown preset {name:?}: S, M or L"))?;
                out.preset = (name, preset);
            }
            "--seed" => out.seed = value("--seed")?.parse()?,
            "--months" => out.months = value("--months")?.parse()?,
            "--runs" => out.runs = value("--runs")?.parse()?,
            "--keep-db" => out.keep_db = Some(PathBuf::from(value("--keep-db")?)),
            "--db" => out.db = Some(PathBuf::from(value("--db")?)),
            "--out" => out.out = Some(PathBuf::from(value("--out")?)),
            "--layouts" => {
                out.layouts = match value("--layouts")?.as_str() {
                    "all" => Layouts::All,
                    "no-old" => Layouts::NoOld,
                    "none" => Layouts::None,
                    other => bail!("unknown --layouts {other:?}: all, no-old or none\n{USAGE}"),
                }
            }
            other => bail!("unknown option {other:?}\n{USAGE}"),
        }
    }
    if out.months == 0 {
        bail!("--months needs at least 1\n{USAGE}");
    }
    if out.db.is_some() && out.keep_db.is_some() {
        bail!("--db times an existing database; --keep-db keeps a discovered one\n{USAGE}");
    }
    Ok(out)
}

/// The preset's name in the report: `M`, or `M, 12 months`.
fn preset_label(name: &str, months: u32) -> String {
    if months == cspdesk_emulator::world::HISTORY_MONTHS {
        name.to_string()
    } else {
        format!("{name}, {months} months")
    }
}

/// The commit measured, for the report.
fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// Where the report goes: `--out`, else `<target>/bench/storage.md`.
fn write_report(out: &Option<PathBuf>, md: &str) -> Result<()> {
    let out = match out {
        Some(p) => p.clone(),
        None => {
            let exe = std::env::current_exe()?;
            let target = exe
                .ancestors()
                .nth(3)
                .context("not inside a cargo target directory")?;
            target.join("bench").join("storage.md")
        }
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, md).with_context(|| format!("writing {}", out.display()))?;
    println!("report written to {}", out.display());
    Ok(())
}

/// `--db`: the pages of an existing database, and its daily usage bytes per row.
fn pages_only(args: &Args, db: &std::path::Path) -> Result<()> {
    let upgrade = upgrade(db)?;
    let rows = usage_rows(db)?;
    let sizes = sizes::measure(db, sizes::COMPACT_TABLES)?;
    let timed = pages::measure(db, args.runs, fixture::start_instant())?;
    let mut md = format!(
        "# Storage benchmark: pages of an existing database\n\nDate: {date}. Machine: {cores} \
         cores. Command: `cargo xtask bench storage --db {path}`.\n\n{rows} daily rated usage \
         rows; daily usage objects {} ({} bytes/row); database file {}.\n\n",
        mb(sizes.usage_bytes()),
        per_row(sizes.usage_bytes(), rows),
        mb(sizes.file),
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        cores = std::thread::available_parallelism().map_or(1, |n| n.get()),
        path = db.display(),
    );
    md.push_str(&upgrade);
    md.push_str(&pages::markdown("as given", &commit(), args.runs, &timed));
    md.push_str(&after_rating(db)?);
    print!("{md}");
    write_report(&args.out, &md)
}

/// Upgrades `db` when an older CSP Desk wrote it, timing each migration as the window runs
/// them (`Database::open_reporting`): the report's "Upgrade" section, empty when none ran.
fn upgrade(db: &std::path::Path) -> Result<String> {
    use std::sync::{Arc, Mutex};
    let Some(from) = cspdesk_store::Database::pending_upgrade(db)? else {
        return Ok(String::new());
    };
    eprintln!("==> upgrading the database from schema {from}");
    let began = Instant::now();
    // (step, what, when it started)
    let steps: Arc<Mutex<Vec<(usize, String, Instant)>>> = Arc::default();
    let seen = Arc::clone(&steps);
    let report: cspdesk_store::UpgradeReport = Arc::new(move |s| {
        let mut steps = seen.lock().unwrap_or_else(|e| e.into_inner());
        if steps.last().map(|l| l.0) != Some(s.step) {
            eprintln!("==> step {} of {}: {}", s.step, s.steps, s.what);
            steps.push((s.step, s.what.clone(), Instant::now()));
        }
    });
    drop(cspdesk_store::Database::open_reporting(db, report)?);
    let ended = Instant::now();
    let steps = steps.lock().unwrap_or_else(|e| e.into_inner()).clone();
    let mut md = format!(
        "## Upgrade\n\nThe file was at schema {from}; opening it for writing ran {} \
         migrations in {:.1} s, each in its own transaction:\n\n| step | seconds |\n|---|---:|\n",
        steps.len(),
        ended.duration_since(began).as_secs_f64()
    );
    for (i, (_, what, start)) in steps.iter().enumerate() {
        let end = steps.get(i + 1).map_or(ended, |next| next.2);
        md.push_str(&format!(
            "| {what} | {:.1} |\n",
            end.duration_since(*start).as_secs_f64()
        ));
    }
    md.push('\n');
    Ok(md)
}

/// Where the file's bytes go once the pages ran (everything rated, the kept sums made):
/// the largest tables with their indexes, per row.
fn after_rating(db: &std::path::Path) -> Result<String> {
    let (tables, file) = sizes::largest(db, 8)?;
    let mut md = format!(
        "\n## The database after rating\n\nFile (checkpointed): {}. Largest tables, each \
         with its indexes:\n\n| table | bytes | rows | bytes/row |\n|---|---:|---:|---:|\n",
        mb(file)
    );
    for t in tables {
        md.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            t.table,
            mb(t.bytes),
            t.rows,
            per_row(t.bytes, t.rows)
        ));
    }
    Ok(md)
}

/// Moves the discovered database (and its WAL, if any) to `to`.
fn keep(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    rusqlite::Connection::open(from)?.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    if std::fs::rename(from, to).is_err() {
        std::fs::copy(from, to)
            .with_context(|| format!("keeping the database at {}", to.display()))?;
    }
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", from.display()));
    }
    eprintln!("==> database kept at {}", to.display());
    Ok(())
}

/// Discovery's first run, as the app would do it.
struct Discovered {
    wall: Duration,
    write: Duration,
    rows_written: u64,
}

fn usage_rows(db: &std::path::Path) -> Result<u64> {
    let conn = rusqlite::Connection::open(db)?;
    Ok(conn.query_row(
        "SELECT count(*) FROM daily_usage_facts f JOIN usage_sources s ON s.id = f.source_id
         WHERE s.staged = 0",
        [],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn per_row(bytes: u64, rows: u64) -> String {
    format!("{:.1}", bytes as f64 / rows.max(1) as f64)
}

fn main() -> Result<()> {
    let mut argv = std::env::args().skip(1);
    if let Some(first) = std::env::args().nth(1) {
        if first == "--page" {
            argv.next();
            return pages::child(&argv.next().context("--page needs its job")?);
        }
    }
    let args = parse(argv)?;
    if let Some(db) = &args.db {
        return pages_only(&args, db);
    }
    let (short, preset) = args.preset.clone();
    let name = preset_label(&short, args.months);
    let tmp = std::env::temp_dir();
    if short == "L"
        && args.layouts == Layouts::All
        && fixture::free_bytes(&tmp).is_some_and(|free| free < L_FREE_BYTES)
    {
        bail!(
            "a preset L run needs {} GB free under {}",
            L_FREE_BYTES >> 30,
            tmp.display()
        );
    }
    eprintln!("==> preset {name}: Discovery into an empty database (Graph exports)");
    let emu_rt = fixture::runtime(fixture::EMULATOR_THREADS, 2)?;
    let rt = fixture::runtime("discovery-rt", 2)?;
    let blobs = tempfile::Builder::new()
        .prefix("cspdesk-bench-blobs-")
        .tempdir()?;
    let emu = fixture::start_emulator(&emu_rt, preset, args.seed, Duration::ZERO, |c| {
        c.export_dir = Some(blobs.path().to_path_buf());
        c.rate_limits = RateLimits::none();
        c.history_months = args.months;
    })?;
    let f = fixture::fixture(&emu)?;
    let session = rt.block_on(fixture::sign_in(&emu, &f))?;
    let options = RunOptions::new(f.account.clone(), Trigger::Manual, fixture::clock(&emu));
    let began = Instant::now();
    let record = rt.block_on(run(
        &f.db,
        session,
        options,
        std::sync::Arc::new(Silent),
        CancellationToken::new(),
    ))?;
    if let Some(failure) = &record.failure {
        bail!("the Discovery run ended in {}: {failure:?}", record.state);
    }
    let discovered = Discovered {
        wall: began.elapsed(),
        write: Duration::from_millis(record.counts.write_ms),
        rows_written: record.counts.rows_written,
    };
    emu_rt.block_on(emu.shutdown());
    drop(blobs);

    let rows = usage_rows(&f.db)?;
    let in_app = sizes::measure(&f.db, sizes::COMPACT_TABLES)?;
    let mut md = format!(
        "# Storage benchmark (daily rated usage)\n\nDate: {date}. Machine: {cores} cores. \
         Command: `cargo xtask bench storage --preset {short} --months {months}{layouts}` \
         (seed {seed}).\n\n\
         Preset {name}: {rows} daily rated usage rows (Azure plan, billed and unbilled) after \
         Discovery's first run (Graph exports; {wall:.1} s wall, {written} rows written in all, \
         {write:.1} s inside write transactions).\n\n\
         ## Bytes per daily usage row (tables and indexes)\n\n\
         | layout | bytes | bytes/row |\n|---|---:|---:|\n",
        date = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        cores = std::thread::available_parallelism().map_or(1, |n| n.get()),
        seed = args.seed,
        months = args.months,
        layouts = match args.layouts {
            Layouts::All => "",
            Layouts::NoOld => " --layouts no-old",
            Layouts::None => " --layouts none",
        },
        wall = discovered.wall.as_secs_f64(),
        written = discovered.rows_written,
        write = discovered.write.as_secs_f64(),
    );
    let mut sizes = vec![(
        "CSP Desk, compact, as Discovery wrote it".to_string(),
        in_app.usage_bytes(),
    )];
    let mut measured = String::new();
    if args.layouts != Layouts::None {
        let with_old = args.layouts == Layouts::All;
        eprintln!(
            "==> {rows} daily usage rows; copying them through our ingest{}",
            if with_old { " and a plain insert" } else { "" }
        );
        let ours_path = f.dir.path().join("ours.sqlite3");
        let plain_path = f.dir.path().join("plain.sqlite3");
        let csv = f.dir.path().join(if with_old {
            "usage.csv"
        } else {
            "usage.csv.gz"
        });
        let copied = copy::copy(
            &f.db,
            &ours_path,
            with_old.then_some(plain_path.as_path()),
            &csv,
        )?;
        let ours = sizes::measure(&ours_path, sizes::COMPACT_TABLES)?;
        std::fs::remove_file(&ours_path)?;
        sizes.push((
            "CSP Desk, compact, the copy through the ingest".into(),
            ours.usage_bytes(),
        ));
        let ours_rate = copied.rows as f64 / copied.ours.as_secs_f64().max(1e-9);
        measured.push_str(&format!(
            "\n## Ingest\n\n| | seconds | rows/s |\n|---|---:|---:|\n\
             | CSP Desk (Graph staging, 2,000 rows a transaction, then the swap) | {:.2} | {:.0} |\n",
            copied.ours.as_secs_f64(),
            ours_rate,
        ));
        if with_old {
            rusqlite::Connection::open(&plain_path)?.execute_batch(copy::OLD_INDEXES)?;
            let old = sizes::measure(&plain_path, sizes::OLD_TABLES)?;
            sizes.push((
                "before 0019: wide text table + its 2 indexes".into(),
                old.usage_bytes(),
            ));
            eprintln!("==> migration 0019 on the old layout's copy");
            let migration = copy::migrate_old(&plain_path, rows)?;
            std::fs::remove_file(&plain_path)?;
            let plain_rate = copied.rows as f64 / copied.plain.as_secs_f64().max(1e-9);
            measured.push_str(&format!(
                "| plain batched insert into the old wide table (2,000 a transaction, no index) | {:.2} | {:.0} |\n\
                 \nIngest / plain: **{:.2}x** (goal >= 0.5).\n\n\
                 ## Migration 0019\n\nConverting the old layout's copy ({rows} rows, its two indexes) in place, \
                 one transaction: {:.1} s ({:.0} rows/s).\n",
                copied.plain.as_secs_f64(),
                plain_rate,
                ours_rate / plain_rate.max(1e-9),
                migration.as_secs_f64(),
                rows as f64 / migration.as_secs_f64().max(1e-9),
            ));
        } else {
            measured.push_str(
                "\nThe plain insert, the layout before 0019 and its migration were left out \
                 (`--layouts no-old`).\n",
            );
        }
        eprintln!("==> DuckDB and Parquet");
        let duck = duckdb::measure(&csv, f.dir.path())?;
        if duck.rows != rows || copied.rows != rows {
            bail!(
                "row counts differ: {rows} stored, {} copied, {} in DuckDB",
                copied.rows,
                duck.rows
            );
        }
        sizes.push(("DuckDB file, every column text".into(), duck.duckdb_bytes));
        sizes.push((
            "Parquet, zstd (written by DuckDB)".into(),
            duck.parquet_bytes,
        ));
        sizes.push((
            if with_old {
                "CSV (for reference)".into()
            } else {
                "CSV, gzip level 1 (for reference)".into()
            },
            std::fs::metadata(&csv)?.len(),
        ));
        std::fs::remove_file(&csv)?;
    } else {
        measured.push_str(
            "\nOnly our layout was measured (`--layouts none`): no copy, no other layout.\n",
        );
    }
    for (label, bytes) in &sizes {
        md.push_str(&format!(
            "| {label} | {} | {} |\n",
            mb(*bytes),
            per_row(*bytes, rows)
        ));
    }
    md.push_str(&format!(
        "\nDatabase file after Discovery (every table, checkpointed): {} ({} bytes per daily \
         usage row if it were all usage).\n\nObjects (Discovery's database):\n\n| object | bytes |\n|---|---:|\n",
        mb(in_app.file),
        per_row(in_app.file, rows)
    ));
    for o in &in_app.objects {
        md.push_str(&format!("| {} | {} |\n", o.name, o.bytes));
    }
    md.push_str(&measured);
    eprintln!("==> the pages");
    let timed = pages::measure(&f.db, args.runs, fixture::start_instant())?;
    md.push('\n');
    md.push_str(&pages::markdown(&name, &commit(), args.runs, &timed));
    md.push_str(&after_rating(&f.db)?);
    md.push_str(METHOD);
    print!("{md}");
    if let Some(to) = &args.keep_db {
        keep(&f.db, to)?;
    }
    write_report(&args.out, &md)
}

const METHOD: &str = "
## Method

- Discovery runs against the emulator in process (no latency, no rate limits), new-commerce
  usage through Microsoft Graph's exports, into a fresh database: that database's daily usage
  objects are the first row of the table.
- Bytes come from SQLite's `dbstat` (every page of the tables and their indexes, after a
  checkpoint), divided by the daily usage rows. The compact layout's figure includes its
  dimension tables (sources, subjects, meters, resources, terms) and their indexes.
- The copy reads every row back through the compact tables, source by source in stored
  order, and writes each batch of 2,000 twice in the same loop: through `Ingest::stage_usage`
  (one transaction per batch, as Discovery's Graph staging) plus `commit_graph_export` per
  source, into a fresh CSP Desk database; and as a plain insert (one prepared statement, one
  transaction per batch) into the wide STRICT text table daily usage had before 0019, no index.
  Only the write transactions are timed. The old layout's size is that table after its two
  indexes (`daily_usage_by_source`, `daily_usage_by_customer_day`) are built.
- DuckDB 2.0.0 (Python) loads the same rows from a CSV with every column as text
  (`all_varchar`), as the issue measured, then `COPY ... (FORMAT parquet, COMPRESSION zstd)`.
";
