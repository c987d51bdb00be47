//! Peak memory as an export grows. The emulator runs here, with every Graph usage row written
//! `COPIES` times (`EmulatorConfig::graph_usage_copies`); Discovery runs in a child process
//! (the bench binary again, hidden option `--export-memory JSON`) that resumes the session
//! signed in here, runs once into an empty database (every export downloaded, streamed,
//! staged and moved into place) and prints one `MEMORY ...` line with its `VmHWM`: a fresh
//! process's peak is Discovery's own, with no emulator world in it.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use cspdesk_discovery::progress::{Progress, ProgressSink};
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::{run, RunOptions};
use cspdesk_emulator::{Preset, RateLimits};
use cspdesk_store::discovered::runs::RunRecord;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::fixture;
use crate::graph_figures::memory;

/// Goal: peak RSS under this, at every size.
pub const RSS_GOAL: u64 = 300 << 20;
/// Goal: the 8x export's peak within this share of the 4x export's ("flat": past the sizes
/// that keep every download slot busy, a larger export adds nothing).
pub const FLAT_GOAL: f64 = 1.25;

/// One size's figures.
#[derive(Debug, Clone)]
pub struct Measured {
    pub copies: usize,
    /// The child's peak RSS once its session is up, before the run.
    pub before: u64,
    /// Its peak RSS by the end of the run.
    pub peak: u64,
    /// Rows of the largest usage export.
    pub largest_export: u64,
    /// Rows of every stored export.
    pub graph_rows: u64,
    pub wall: Duration,
    pub state: String,
}

/// What the child needs to reach the parent's emulator and database.
#[derive(Serialize, Deserialize)]
struct Job {
    url: String,
    tenant: String,
    account: String,
    db: std::path::PathBuf,
    tokens: std::path::PathBuf,
    /// The emulator's clock when the child was started (it follows wall time).
    now: DateTime<Utc>,
}

struct Quiet;

impl ProgressSink for Quiet {
    fn started(&self, _: &RunRecord) {}
    fn progress(&self, _: &Progress) {}
    fn finished(&self, _: &RunRecord) {}
}

/// The child: one Discovery run, then its peak memory.
pub fn child(job: &str) -> Result<()> {
    let job: Job = serde_json::from_str(job).context("reading the memory job")?;
    let rt = fixture::runtime("discovery-rt", 2)?;
    let started = Instant::now();
    let base = job.now;
    let clock: cspdesk_discovery::Clock =
        Arc::new(move || base + chrono::Duration::from_std(started.elapsed()).unwrap_or_default());
    let session = fixture::resume(
        &job.url,
        &job.tenant,
        &job.account,
        job.tokens,
        clock.clone(),
    )?;
    let options = RunOptions::new(job.account.clone(), Trigger::Manual, clock);
    let (before, _) = memory().context("no /proc/self/status")?;
    let began = Instant::now();
    let record = rt.block_on(run(
        &job.db,
        session,
        options,
        Arc::new(Quiet),
        CancellationToken::new(),
    ))?;
    let wall = began.elapsed();
    let (peak, _) = memory().context("no /proc/self/status")?;
    println!(
        "MEMORY {before} {peak} {} {}",
        wall.as_millis(),
        record.state
    );
    Ok(())
}

/// For each of `sizes`: the emulator with usage exports that many times their rows, and a
/// child process running Discovery against it.
pub fn measure(
    sizes: &[usize],
    preset: Preset,
    preset_name: &str,
    seed: u64,
    heaptrack: Option<&std::path::Path>,
) -> Result<Vec<Measured>> {
    let exe = std::env::current_exe()?;
    let mut out = Vec::new();
    for &copies in sizes {
        eprintln!("==> peak memory: preset {preset_name}, Graph usage exports x{copies}");
        let emu_rt = fixture::runtime(fixture::EMULATOR_THREADS, 2)?;
        let blobs = tempfile::Builder::new()
            .prefix("cspdesk-bench-blobs-")
            .tempdir()?;
        let emu = fixture::start_emulator(&emu_rt, preset, seed, Duration::ZERO, |c| {
            c.rate_limits = RateLimits::none();
            c.graph_usage_copies = copies;
            c.export_dir = Some(blobs.path().to_path_buf());
        })?;
        let f = fixture::fixture(&emu)?;
        emu_rt.block_on(fixture::sign_in(&emu, &f))?;
        let job = Job {
            url: emu.url().to_string(),
            tenant: emu.partner().tenant_id.clone(),
            account: f.account.clone(),
            db: f.db.clone(),
            tokens: fixture::tokens_file(&f),
            now: emu.clock().now(),
        };
        let mut cmd = match heaptrack {
            Some(prefix) => {
                let mut c = std::process::Command::new("heaptrack");
                c.arg("-o")
                    .arg(format!("{}-x{copies}", prefix.display()))
                    .arg(&exe);
                c
            }
            None => std::process::Command::new(&exe),
        };
        let child = cmd
            .args(["--export-memory", &serde_json::to_string(&job)?])
            .stderr(std::process::Stdio::inherit())
            .output()
            .context("running the bench binary again")?;
        let text = String::from_utf8_lossy(&child.stdout);
        let Some(line) = text.lines().find(|l| l.starts_with("MEMORY ")) else {
            bail!("the memory child said nothing ({}): {text}", child.status);
        };
        let w: Vec<&str> = line.split_whitespace().collect();
        let n = |i: usize| -> Result<u64> {
            w.get(i)
                .and_then(|v| v.parse().ok())
                .with_context(|| format!("reading {line:?}"))
        };
        let conn = rusqlite::Connection::open(&f.db)?;
        let (largest, rows): (i64, i64) = conn.query_row(
            "SELECT coalesce(max(CASE WHEN dataset LIKE '%Usage' THEN rows END), 0), coalesce(sum(rows), 0) FROM graph_exports",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        out.push(Measured {
            copies,
            before: n(1)?,
            peak: n(2)?,
            largest_export: largest as u64,
            graph_rows: rows as u64,
            wall: Duration::from_millis(n(3)?),
            state: w.get(4).unwrap_or(&"?").to_string(),
        });
        emu_rt.block_on(emu.shutdown());
    }
    Ok(out)
}

fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / (1 << 20) as f64)
}

/// The report's section.
pub fn markdown(preset: &str, m: &[Measured]) -> String {
    let mut s = format!(
        "## Peak memory as the export grows (preset {preset})\n\n\
         The emulator (no latency, no rate limits) in the bench process with every Graph usage \
         row written 1x, 4x or 8x; Discovery in a fresh child process per size (the bench binary run \
         again, resuming the session signed in by the parent), one run into an empty database; \
         the child's `VmHWM` from /proc/self/status, so the figures are Discovery's alone. \
         \"before\" is its peak once the session is up.\n\n\
         | usage exports | rows, largest usage export | rows, all exports | peak RSS before the run | peak RSS by its end | added by the run | wall | state |\n\
         |---|---:|---:|---:|---:|---:|---:|---|\n"
    );
    for x in m {
        let _ = writeln!(
            s,
            "| x{} | {} | {} | {} | {} | {} | {:.1} s | {} |",
            x.copies,
            x.largest_export,
            x.graph_rows,
            mb(x.before),
            mb(x.peak),
            mb(x.peak.saturating_sub(x.before)),
            x.wall.as_secs_f64(),
            x.state
        );
    }
    if let ([.., before, big], Some(small)) = (m, m.first()) {
        // Flat = the export doubling again past the sizes that fill the run's download slots
        // adds (almost) nothing; the smallest size is shown beside it, as it fills them
        // for a shorter time.
        let ratio = big.peak as f64 / before.peak.max(1) as f64;
        let from_smallest = big.peak as f64 / small.peak.max(1) as f64;
        let under = m.iter().all(|x| x.peak < RSS_GOAL);
        let _ = writeln!(
            s,
            "\n- peak RSS flat as the export grows (x{} peak within {FLAT_GOAL}x of x{}): {} ({ratio:.2}x; x{} to x{}: {from_smallest:.2}x)\n\
             - peak RSS under {} at every size: {}\n",
            big.copies,
            before.copies,
            if ratio <= FLAT_GOAL { "met" } else { "MISSED" },
            small.copies,
            big.copies,
            mb(RSS_GOAL),
            if under { "met" } else { "MISSED" }
        );
    }
    s
}
