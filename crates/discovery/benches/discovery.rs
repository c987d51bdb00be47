//! `cargo xtask bench discovery`: Discovery against the emulator with a realistic latency and
//! Microsoft's documented rate limits, presets M and L, new-commerce billing data through
//! Microsoft Graph's exports (the default since the v1 cut-over), a first run into an empty
//! database and a second (incremental) run an hour later. Reports wall time against the
//! floors the rate limits and Graph's exports imply, our ingest rate against a plain batched
//! SQLite insert of the same rows measured in the same run (ratios, because absolute numbers
//! depend on the machine), the v1 paging path on the same data, and peak memory as an
//! export grows (a child process per size).
//!
//! Options (after `--` with `cargo bench`): `--preset M|L` (repeatable; default both),
//! `--latency-ms N` (default 150), `--concurrency N` and `--max-requests N` (default: the
//! `RunOptions` defaults), `--seed N`, `--out FILE` (default `<target>/bench/discovery.md`),
//! `--bandwidth-mbit N` (the Graph floor's link, default 100), `--plain-rows N` (rows the plain
//! insert copies at most, default 3,000,000), `--v1-preset M|L|none` (default: the last
//! preset), `--memory-preset S|M|L|none` (default M), `--memory-heaptrack PREFIX` (each
//! memory child under heaptrack, profile `PREFIX-x{copies}.zst`); `--preset none` runs only
//! the memory part. Hidden: `--export-memory JOB` (the
//! memory child's job).

#[path = "discovery/cpu.rs"]
mod cpu;
#[path = "discovery/fixture.rs"]
mod fixture;
#[path = "discovery/graph_figures.rs"]
mod graph_figures;
#[path = "discovery/memory.rs"]
mod memory;
#[path = "discovery/plain_insert.rs"]
mod plain_insert;
#[path = "discovery/report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use cspdesk_discovery::progress::{Progress, ProgressSink};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{run, RunOptions};
use cspdesk_emulator::Preset;
use cspdesk_partner_api::Session;
use cspdesk_store::discovered::runs::RunRecord;
use tokio_util::sync::CancellationToken;

use report::{Bucket, PresetReport, Run};

const USAGE: &str = "\
usage: cargo xtask bench discovery [--preset M|L|none]... [--latency-ms N] [--concurrency N]
                                   [--max-requests N] [--seed N] [--out FILE]
                                   [--bandwidth-mbit N] [--plain-rows N]
                                   [--v1-preset M|L|none] [--memory-preset S|M|L|none]
                                   [--memory-heaptrack PREFIX]";

/// Free space an L run needs (its database is ~13 GB, the blobs and the plain insert's copy
/// come on top): below this the bench refuses to start one.
const L_FREE_BYTES: u64 = 25 << 30;

/// Repetitions of the plain insert (the median is compared; the machine is shared).
const PLAIN_REPEATS: usize = 3;

/// Emulated time between the starts of the first and the second run.
const SECOND_RUN_AFTER: chrono::Duration = chrono::Duration::hours(1);

struct Args {
    presets: Vec<(String, Preset)>,
    latency: Duration,
    concurrency: Option<usize>,
    max_requests: Option<usize>,
    seed: u64,
    out: Option<PathBuf>,
    /// The Graph floor's link speed, bytes per second.
    bandwidth: f64,
    plain_rows: u64,
    /// Preset whose data is read through v1 too (`None`: skipped).
    v1_preset: Option<String>,
    /// Preset of the memory children (`None`: skipped).
    memory_preset: Option<(String, Preset)>,
    /// The memory child's job (JSON).
    export_memory: Option<String>,
    /// Run each memory child under `heaptrack -o {this}-x{copies}` (a heap profile of where
    /// the peak comes from; the RSS figures then include heaptrack's own).
    memory_heaptrack: Option<PathBuf>,
}

fn preset_named(name: &str) -> Result<Option<(String, Preset)>> {
    let name = name.to_ascii_uppercase();
    if name == "NONE" {
        return Ok(None);
    }
    let preset: Preset = name
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown preset {name:?}: S, M or L"))?;
    Ok(Some((name, preset)))
}

impl Args {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Args> {
        let mut out = Args {
            presets: Vec::new(),
            latency: Duration::from_millis(150),
            concurrency: None,
            max_requests: None,
            seed: 7,
            out: None,
            bandwidth: 100e6 / 8.0,
            plain_rows: 3_000_000,
            v1_preset: None,
            memory_preset: Some(("M".into(), Preset::M)),
            export_memory: None,
            memory_heaptrack: None,
        };
        let (mut v1_preset, mut presets_chosen) = (None, false);
        while let Some(arg) = args.next() {
            let mut value = |name: &str| {
                args.next()
                    .with_context(|| format!("{name} needs a value\n{USAGE}"))
            };
            match arg.as_str() {
                // `cargo bench` passes `--bench` to every bench binary.
                "--bench" => {}
                "--preset" => {
                    presets_chosen = true;
                    if let Some(chosen) = preset_named(&value("--preset")?)? {
                        out.presets.push(chosen);
                    }
                }
                "--latency-ms" => {
                    out.latency = Duration::from_millis(value("--latency-ms")?.parse()?)
                }
                "--concurrency" => out.concurrency = Some(value("--concurrency")?.parse()?),
                "--max-requests" => out.max_requests = Some(value("--max-requests")?.parse()?),
                "--seed" => out.seed = value("--seed")?.parse()?,
                "--out" => out.out = Some(PathBuf::from(value("--out")?)),
                "--bandwidth-mbit" => {
                    out.bandwidth = value("--bandwidth-mbit")?.parse::<f64>()? * 1e6 / 8.0
                }
                "--plain-rows" => out.plain_rows = value("--plain-rows")?.parse()?,
                "--v1-preset" => v1_preset = Some(preset_named(&value("--v1-preset")?)?),
                "--memory-preset" => out.memory_preset = preset_named(&value("--memory-preset")?)?,
                "--export-memory" => out.export_memory = Some(value("--export-memory")?),
                "--memory-heaptrack" => {
                    out.memory_heaptrack = Some(PathBuf::from(value("--memory-heaptrack")?))
                }
                other => bail!("unknown option {other:?}\n{USAGE}"),
            }
        }
        if !presets_chosen {
            out.presets = vec![("M".into(), Preset::M), ("L".into(), Preset::L)];
        }
        out.v1_preset = match v1_preset {
            Some(chosen) => chosen.map(|(name, _)| name),
            None => out.presets.last().map(|(name, _)| name.clone()),
        };
        Ok(out)
    }
}

/// Keeps the progress snapshots (for the tail) and shows a line every 10 s on stderr.
struct Recorder {
    label: String,
    samples: Mutex<Vec<(Duration, u64, u64)>>,
    shown: Mutex<Duration>,
}

impl Recorder {
    fn new(label: String) -> Recorder {
        Recorder {
            label,
            samples: Mutex::new(Vec::new()),
            shown: Mutex::new(Duration::ZERO),
        }
    }

    /// Time (and requests) while fewer than `concurrency` steps were left.
    fn tail(&self, concurrency: usize) -> (Duration, u64) {
        let samples = self.samples.lock().unwrap_or_else(|p| p.into_inner());
        let (mut time, mut requests) = (Duration::ZERO, 0);
        for pair in samples.windows(2) {
            let ((t0, left, r0), (t1, _, r1)) = (pair[0], pair[1]);
            if (left as usize) < concurrency {
                time += t1.saturating_sub(t0);
                requests += r1.saturating_sub(r0);
            }
        }
        (time, requests)
    }
}

impl ProgressSink for Recorder {
    fn started(&self, _: &RunRecord) {}
    fn progress(&self, p: &Progress) {
        let left = p.steps_known.saturating_sub(p.steps_done);
        self.samples
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((p.elapsed, left, p.requests));
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        if p.elapsed >= *shown + Duration::from_secs(10) {
            *shown = p.elapsed;
            eprintln!(
                "  [{}] {:>5.0} s  {:>7} requests  {:>5} throttled  {:>10} rows  {:>5} steps left  {:?}",
                self.label,
                p.elapsed.as_secs_f64(),
                p.requests,
                p.throttled,
                p.rows_written,
                left,
                p.phase
            );
        }
    }
    fn finished(&self, _: &RunRecord) {}
}

fn count(db: &Path, sql: &str) -> Result<u64> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
}

fn unreachable_customers(db: &Path) -> Result<u64> {
    count(db, "SELECT count(*) FROM customers WHERE reachable = 0")
}

fn discovered_rows(db: &Path) -> Result<u64> {
    let counts = cspdesk_store::discovered::table_counts(&cspdesk_store::Database::open(db)?)?;
    Ok(counts
        .iter()
        .filter(|(t, _)| !plain_insert::NOT_DISCOVERED.contains(&t.as_str()))
        .map(|(_, n)| *n as u64)
        .sum())
}

/// Requests that took a token from each rate-limited bucket, from the pages the run wrote:
/// the customer list is paged (`customers` pages), every subscription list and entitlement
/// list is one GET (`subscriptions`, `entitlements` pages), and a customer found unreachable
/// cost one subscriptions-route request answered 403 that is written as a `customers` page.
fn buckets(record: &RunRecord, newly_unreachable: u64) -> Vec<Bucket> {
    let pages = |entity: &str| {
        record
            .counts
            .entities
            .iter()
            .find(|e| e.entity == entity)
            .map_or(0, |e| e.pages)
    };
    let per_minute = fixture::DOCUMENTED_PER_MINUTE;
    vec![
        Bucket {
            route: "customers",
            requests: pages("customers").saturating_sub(newly_unreachable),
            per_minute,
        },
        Bucket {
            route: "subscriptions",
            requests: pages("subscriptions") + pages("entitlements") + newly_unreachable,
            per_minute,
        },
    ]
}

/// One Discovery run, measured.
fn measure(
    rt: &tokio::runtime::Runtime,
    f: &fixture::Fixture,
    session: Arc<Session>,
    options: RunOptions,
    label: String,
) -> Result<(Run, RunRecord)> {
    let unreachable_before = unreachable_customers(&f.db).unwrap_or(0);
    let concurrency = options.concurrency;
    let recorder = Arc::new(Recorder::new(label));
    let load_before = cpu::load_average();
    let cpu_before = cpu::snapshot();
    let began = Instant::now();
    let record = rt
        .block_on(run(
            &f.db,
            session,
            options,
            recorder.clone(),
            CancellationToken::new(),
        ))
        .context("starting the Discovery run")?;
    let wall = began.elapsed();
    let cpu = cpu::split(&cpu_before, &cpu::snapshot(), fixture::EMULATOR_THREADS);
    if let Some(failure) = &record.failure {
        eprintln!("  the run ended in {}: {failure:?}", record.state);
    }
    let newly_unreachable = unreachable_customers(&f.db)?.saturating_sub(unreachable_before);
    let (tail, tail_requests) = recorder.tail(concurrency);
    let c = &record.counts;
    let measured = Run {
        state: record.state.clone(),
        wall,
        requests: c.requests,
        throttled: c.throttled,
        throttled_wait: Duration::from_millis(c.throttled_wait_ms),
        rows_written: c.rows_written,
        write: Duration::from_millis(c.write_ms),
        table_rows: discovered_rows(&f.db)?,
        buckets: buckets(&record, newly_unreachable),
        entities: c.entities.clone(),
        cpu,
        tail,
        tail_requests,
        load_before,
    };
    Ok((measured, record))
}

/// Refuses an L run without room for it (the disk is shared).
fn check_room(name: &str) -> Result<()> {
    if name != "L" {
        return Ok(());
    }
    let tmp = std::env::temp_dir();
    match fixture::free_bytes(&tmp) {
        Some(free) if free < L_FREE_BYTES => bail!(
            "only {:.1} GB free under {}: a preset L run needs {} GB",
            free as f64 / (1u64 << 30) as f64,
            tmp.display(),
            L_FREE_BYTES >> 30
        ),
        Some(free) => {
            eprintln!(
                "    {:.1} GB free under {}",
                free as f64 / (1u64 << 30) as f64,
                tmp.display()
            );
            Ok(())
        }
        None => Ok(()),
    }
}

fn run_options(
    args: &Args,
    f: &fixture::Fixture,
    emu: &cspdesk_emulator::RunningEmulator,
) -> RunOptions {
    let mut o = RunOptions::new(f.account.clone(), Trigger::Manual, fixture::clock(emu));
    if let Some(c) = args.concurrency {
        o.concurrency = c;
    }
    if let Some(m) = args.max_requests {
        o.max_requests = m;
    }
    o
}

/// The first run of the same world read through v1's paged line items only.
fn v1_run(args: &Args, name: &str, preset: Preset) -> Result<Run> {
    check_room(name)?;
    eprintln!("\n==> preset {name}: the same data through v1 line-item paging (cut-over off)");
    let emu_rt = fixture::runtime(fixture::EMULATOR_THREADS, 2)?;
    let rt = fixture::runtime("discovery-rt", 2)?;
    let blobs = tempfile::Builder::new()
        .prefix("cspdesk-bench-blobs-")
        .tempdir()?;
    let emu = fixture::start_emulator(&emu_rt, preset, args.seed, args.latency, |c| {
        c.v1_cutover = false;
        c.export_dir = Some(blobs.path().to_path_buf());
    })?;
    let f = fixture::fixture(&emu)?;
    let session = rt.block_on(fixture::sign_in(&emu, &f))?;
    let mut options = run_options(args, &f, &emu);
    options.graph_from = None;
    let (run, _) = measure(&rt, &f, session, options, format!("{name} v1"))?;
    emu_rt.block_on(emu.shutdown());
    drop(f);
    Ok(run)
}

fn bench_preset(args: &Args, name: &str, preset: Preset) -> Result<PresetReport> {
    check_room(name)?;
    eprintln!("\n==> preset {name}: starting the emulator and signing in");
    let emu_rt = fixture::runtime(fixture::EMULATOR_THREADS, 2)?;
    let rt = fixture::runtime("discovery-rt", 2)?;
    let blobs = tempfile::Builder::new()
        .prefix("cspdesk-bench-blobs-")
        .tempdir()?;
    let mut preparation = Duration::ZERO;
    let emu = fixture::start_emulator(&emu_rt, preset, args.seed, args.latency, |c| {
        c.export_dir = Some(blobs.path().to_path_buf());
        preparation = c.graph_preparation;
    })?;
    let f = fixture::fixture(&emu)?;
    let session = rt.block_on(fixture::sign_in(&emu, &f))?;
    let options = || run_options(args, &f, &emu);
    let (concurrency, max_requests) = {
        let o = options();
        (o.concurrency, o.max_requests)
    };

    eprintln!("==> preset {name}: first run into an empty database");
    let (first, first_record) =
        measure(&rt, &f, session.clone(), options(), format!("{name} first"))?;
    let graph = graph_figures::measure(&f.db, blobs.path(), preparation, args.bandwidth)?;

    eprintln!("==> preset {name}: plain batched insert of the same rows");
    let plain_path = f.dir.path().join("plain-insert.sqlite3");
    let plain = plain_insert::measure(&f.db, &plain_path, PLAIN_REPEATS, args.plain_rows)?;

    // A later run the same day: the emulated clock moves to an hour after the first start.
    let later = first_record.started_at + SECOND_RUN_AFTER;
    if emu.clock().now() < later {
        emu.clock().set(later);
    }
    let gap = emu.clock().now() - first_record.started_at;
    eprintln!(
        "==> preset {name}: second run, {} min later",
        gap.num_minutes()
    );
    let (second, _) = measure(&rt, &f, session, options(), format!("{name} second"))?;

    let customers = emu.world().customer_count() as usize;
    emu_rt.block_on(emu.shutdown());
    // Never two large databases at once: this one goes before the v1 run makes its own.
    drop(f);
    drop(blobs);
    let v1 = match &args.v1_preset {
        Some(v1) if v1 == name => Some(v1_run(args, name, preset)?),
        _ => None,
    };
    Ok(PresetReport {
        preset: name.to_string(),
        seed: args.seed,
        customers,
        latency: args.latency,
        concurrency,
        max_requests,
        first,
        second,
        plain,
        gap,
        graph,
        v1,
    })
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpu}, {} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// The commit measured, and whether the working tree differed from it.
fn code_version() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(commit) => match git(&["status", "--porcelain", "--untracked-files=no"]) {
            Some(changes) if !changes.is_empty() => {
                format!("commit {commit} with uncommitted changes")
            }
            _ => format!("commit {commit}"),
        },
        None => "unknown (no git)".into(),
    }
}

/// `<target>/bench/discovery.md`: the bench binary lives in `<target>/release/deps/`.
fn default_out() -> Result<PathBuf> {
    let exe = std::env::current_exe()?;
    let target = exe
        .ancestors()
        .nth(3)
        .context("the bench binary is not inside a cargo target directory")?;
    Ok(target.join("bench").join("discovery.md"))
}

fn method(args: &Args) -> String {
    format!(
        "\
## Method

- Emulator in process, on its own 2-thread runtime (Discovery on another), over loopback HTTP,
  {latency} ms latency added to every request. Its clock starts at {start} and follows wall
  time (the token buckets refill on the emulated clock, so a frozen clock would never let a
  throttled run go on); before the second run it is set to an hour after the first run's start.
- Rate limits: Microsoft documents only \"500 requests/min per tenant\" for the Customer and
  Subscription resources (reference §8.1). Read strictly: one bucket per **partner tenant**
  for each of the emulator's `customers` route (`GET /customers`, `/customers/{{id}}`) and
  `subscriptions` route (`/customers/{{id}}/subscriptions...`, `azureEntitlements`), 500/min
  each, burst 500 (the emulator's buckets start full). Not rate limited: utilization, invoices,
  line items, rate card, tokens (no documented numbers). The emulator's default keys the
  subscriptions bucket per partner **and customer**, which Discovery never fills.
- Floor = max over the rate-limited buckets of (requests that took a token / 500 per minute).
  Requests per bucket are derived from the pages the run wrote (each subscription list and
  entitlement list is one GET; a customer found unreachable cost one more). \"Floor after the
  bucket's burst\" subtracts the 500-request burst the full bucket allows.
- Ingest rows/s = rows written / time inside Discovery's write transactions (`write_ms`).
  Plain insert = the rows the first run left in the discovered tables, inserted into a fresh
  file with the same tables, indexes and pragmas (WAL, synchronous=NORMAL, foreign keys on),
  2,000 rows per transaction through one prepared statement, only the inserts timed, with the
  emulator idle (Discovery's writes share the 2 cores with the emulator).
- Latency floor = requests x latency / `max_requests`: the fastest the run could be with that
  many requests in flight and no rate limits at all.
- Tail = time during which fewer steps were left (running or planned) than `concurrency`:
  the run is then bound by a few long chains of pages, not by the limits.
- Graph (issue 20): new-commerce billed usage and reconciliation of the invoices from April
  2025 and the open periods' unbilled ones come from Microsoft Graph's exports (the emulator's
  v1 cut-over on, as at Microsoft): each export is POSTed, its operation stays `running` for the
  emulator's preparation delay ({preparation} s, on its clock), then the manifest and gzip JSON
  Lines blobs (100,000 rows each) are streamed, staged and moved into place in one transaction.
  Graph floor = preparation delay (once: exports are prepared side by side) + compressed blob
  bytes / {bandwidth:.0} Mbit/s (a stated link to Azure Storage; loopback is faster, so a run
  may beat it). The first run is held against the larger of the two floors.
- The plain insert copies at most {plain_rows} rows (the same share of each table; tables
  others point at whole): a full copy of preset L's database would be a second ~13 GB file.
- v1 comparison: the same world read through v1's paged line items (a fresh emulator with its
  cut-over off, Discovery with `graph_from: None`), after the Graph run's database is deleted.
- Seed {seed}. CPU per side from /proc (thread names).
",
        latency = args.latency.as_millis(),
        start = fixture::start_instant().to_rfc3339(),
        seed = args.seed,
        preparation = cspdesk_emulator::EmulatorConfig::new(Preset::S, 0, fixture::start_instant())
            .graph_preparation
            .as_secs(),
        bandwidth = args.bandwidth * 8.0 / 1e6,
        plain_rows = args.plain_rows,
    )
}

fn main() -> Result<()> {
    let args = Args::parse(std::env::args().skip(1))?;
    if let Some(job) = &args.export_memory {
        return memory::child(job);
    }
    let code = code_version();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut reports = Vec::new();
    for (name, preset) in &args.presets {
        let report = bench_preset(&args, name, *preset)?;
        println!("{}", report::text(&report, cores));
        reports.push(report);
    }

    let mut md = format!(
        "# Discovery benchmark\n\nDate: {}. Machine: {cores} cores, {}. Code: {}.\n\nCommand: `cargo xtask bench discovery{}`.\n\n{}\n",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        machine(),
        code,
        std::env::args()
            .skip(1)
            .filter(|a| a != "--bench")
            .map(|a| format!(" {a}"))
            .collect::<String>(),
        method(&args)
    );
    for r in &reports {
        md.push_str(&report::markdown(r, cores));
    }
    if let Some((name, preset)) = &args.memory_preset {
        let measured = memory::measure(
            &[1, 4, 8],
            *preset,
            name,
            args.seed,
            args.memory_heaptrack.as_deref(),
        )?;
        let section = memory::markdown(name, &measured);
        println!("{section}");
        md.push_str(&section);
    }
    let out = match &args.out {
        Some(p) => p.clone(),
        None => default_out()?,
    };
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&out, md).with_context(|| format!("writing {}", out.display()))?;
    println!("report written to {}", out.display());
    Ok(())
}
