//! The figures of one preset's two runs, the ratios the goals are stated in, and how
//! they are printed: an aligned table on stdout and a markdown file.

use std::fmt::Write as _;
use std::time::Duration;

use cspdesk_store::discovered::runs::EntityCount;

use crate::cpu::Split;
use crate::graph_figures::GraphFigures;
use crate::plain_insert::Baseline;

/// Goal: wall time at most this multiple of the rate-limit floor.
pub const FLOOR_GOAL: f64 = 1.2;
/// Goal: ingest at least this share of the plain-insert rate.
pub const INGEST_GOAL: f64 = 0.5;
/// Goal: the second run makes at most this share of the first run's requests.
pub const SECOND_RUN_REQUESTS: f64 = 0.05;

/// Requests that went into one rate-limited bucket.
#[derive(Debug, Clone)]
pub struct Bucket {
    /// The emulator's route name.
    pub route: &'static str,
    /// Requests that took a token (answered with anything but 429).
    pub requests: u64,
    /// The bucket's limit, which is also its burst.
    pub per_minute: u64,
}

impl Bucket {
    fn floor(&self) -> Duration {
        Duration::from_secs_f64(self.requests as f64 * 60.0 / self.per_minute as f64)
    }

    fn floor_after_burst(&self) -> Duration {
        let over = self.requests.saturating_sub(self.per_minute);
        Duration::from_secs_f64(over as f64 * 60.0 / self.per_minute as f64)
    }
}

/// What one Discovery run measured.
#[derive(Debug, Clone)]
pub struct Run {
    pub state: String,
    pub wall: Duration,
    pub requests: u64,
    pub throttled: u64,
    pub throttled_wait: Duration,
    pub rows_written: u64,
    pub write: Duration,
    pub table_rows: u64,
    pub buckets: Vec<Bucket>,
    pub entities: Vec<EntityCount>,
    pub cpu: Split,
    /// Time during which fewer steps were left (running or planned) than may run at once.
    pub tail: Duration,
    /// Requests made during that time.
    pub tail_requests: u64,
    /// The machine's 1-minute load average when the run started (other work on it).
    pub load_before: Option<f64>,
}

impl Run {
    /// requests / allowed rate, the slowest bucket.
    pub fn floor(&self) -> Duration {
        self.buckets
            .iter()
            .map(Bucket::floor)
            .max()
            .unwrap_or_default()
    }

    /// The same after the bucket's initial burst (the emulator's buckets start full).
    pub fn floor_after_burst(&self) -> Duration {
        self.buckets
            .iter()
            .map(Bucket::floor_after_burst)
            .max()
            .unwrap_or_default()
    }

    pub fn ratio_to_floor(&self) -> Option<f64> {
        let floor = self.floor().as_secs_f64();
        (floor > 0.0).then(|| self.wall.as_secs_f64() / floor)
    }

    pub fn rows_per_second(&self) -> f64 {
        self.rows_written as f64 / self.wall.as_secs_f64().max(1e-9)
    }

    pub fn ingest_rows_per_second(&self) -> Option<f64> {
        (self.rows_written > 0 && !self.write.is_zero())
            .then(|| self.rows_written as f64 / self.write.as_secs_f64())
    }
}

/// Both runs of one preset and the baseline measured between them.
#[derive(Debug, Clone)]
pub struct PresetReport {
    pub preset: String,
    pub seed: u64,
    pub customers: usize,
    pub latency: Duration,
    pub concurrency: usize,
    pub max_requests: usize,
    pub first: Run,
    pub second: Run,
    pub plain: Baseline,
    /// Emulated time between the two runs' starts.
    pub gap: chrono::Duration,
    /// What the first run read through Graph.
    pub graph: GraphFigures,
    /// The same data read through the v1 line items (emulator's cut-over off), first run.
    pub v1: Option<Run>,
}

impl PresetReport {
    pub fn ingest_ratio(&self) -> Option<f64> {
        self.first
            .ingest_rows_per_second()
            .map(|r| r / self.plain.rows_per_second())
    }

    /// The larger of the first run's floors: rate limits, or Graph's preparation + download.
    pub fn floor(&self) -> Duration {
        self.first.floor().max(self.graph.floor())
    }

    pub fn second_run_ok(&self) -> bool {
        self.second.requests as f64 <= self.first.requests as f64 * SECOND_RUN_REQUESTS
            && self.second.rows_written == 0
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn rate(r: f64) -> String {
    format!("{:.0}", r)
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "MISSED"
    }
}

/// The metric rows of the table: label, first run, second run.
fn rows(r: &PresetReport, cores: usize) -> Vec<[String; 3]> {
    let mut out: Vec<[String; 3]> = Vec::new();
    let mut row = |label: &str, f: &dyn Fn(&Run, bool) -> String| {
        out.push([label.to_string(), f(&r.first, true), f(&r.second, false)]);
    };
    row("state", &|x, _| x.state.clone());
    row("wall time", &|x, _| secs(x.wall));
    row("requests (retries included)", &|x, _| {
        x.requests.to_string()
    });
    row("429s (throttled answers)", &|x, _| x.throttled.to_string());
    row("throttled wait (summed over calls)", &|x, _| {
        secs(x.throttled_wait)
    });
    for (i, b) in r.first.buckets.iter().enumerate() {
        let label = format!("rate-limited: `{}` requests", b.route);
        row(&label, &|x, _| {
            x.buckets
                .get(i)
                .map_or("-".into(), |b| b.requests.to_string())
        });
    }
    row("rows written", &|x, _| x.rows_written.to_string());
    row("rows in discovered tables after", &|x, _| {
        x.table_rows.to_string()
    });
    row("rows/s (rows written / wall)", &|x, _| {
        rate(x.rows_per_second())
    });
    row("rate-limit floor (requests / rate)", &|x, _| {
        secs(x.floor())
    });
    row("wall / floor", &|x, _| {
        x.ratio_to_floor()
            .map_or("-".into(), |v| format!("{v:.2}x"))
    });
    row("floor after the bucket's burst", &|x, _| {
        secs(x.floor_after_burst())
    });
    row(
        "latency floor (requests x latency / max_requests)",
        &|x, _| {
            secs(
                r.latency
                    .mul_f64(x.requests as f64 / r.max_requests.max(1) as f64),
            )
        },
    );
    let g = &r.graph;
    row(
        "Graph: exports stored (rows, blobs, compressed bytes)",
        &|_, first| {
            if first {
                format!(
                    "{} ({} rows, {} blobs, {:.1} MB)",
                    g.exports,
                    g.rows,
                    g.blobs,
                    g.blob_bytes as f64 / 1e6
                )
            } else {
                "-".into()
            }
        },
    );
    let graph_floor = format!(
        "Graph floor (preparation {:.0} s + bytes / {:.1} MB/s)",
        g.preparation.as_secs_f64(),
        g.bandwidth / 1e6
    );
    row(&graph_floor, &|_, first| {
        if first {
            secs(g.floor())
        } else {
            "-".into()
        }
    });
    row("wall / max(rate-limit floor, Graph floor)", &|x, first| {
        if first {
            format!(
                "{:.2}x",
                x.wall.as_secs_f64() / r.floor().as_secs_f64().max(1e-9)
            )
        } else {
            "-".into()
        }
    });
    row("time in write transactions", &|x, _| secs(x.write));
    row("ingest rows/s (rows / write time)", &|x, _| {
        x.ingest_rows_per_second().map_or("-".into(), rate)
    });
    row("plain batched insert rows/s (median of 3)", &|_, first| {
        if first {
            rate(r.plain.rows_per_second())
        } else {
            "-".into()
        }
    });
    row(
        "ingest / plain insert",
        &|_, first| match r.ingest_ratio() {
            Some(v) if first => format!("{:.0}%", v * 100.0),
            _ => "-".into(),
        },
    );
    row("CPU: emulator (in process)", &|x, _| {
        if x.cpu.measured {
            secs(x.cpu.emulator)
        } else {
            "n/a".into()
        }
    });
    row("CPU: Discovery (client, JSON, SQLite)", &|x, _| {
        if x.cpu.measured {
            secs(x.cpu.ours)
        } else {
            "n/a".into()
        }
    });
    row("CPU use of the machine", &|x, _| {
        let total = (x.cpu.emulator + x.cpu.ours).as_secs_f64();
        let share = total / (x.wall.as_secs_f64() * cores as f64).max(1e-9);
        format!("{:.0}% of {cores} cores", share * 100.0)
    });
    row("load average before the run (1 min)", &|x, _| {
        x.load_before.map_or("n/a".into(), |l| format!("{l:.2}"))
    });
    row(
        "requests in flight (avg, requests x latency / wall)",
        &|x, _| {
            format!(
                "{:.1}",
                x.requests as f64 * r.latency.as_secs_f64() / x.wall.as_secs_f64().max(1e-9)
            )
        },
    );
    row(
        "tail: time with fewer steps left than concurrency",
        &|x, _| format!("{} ({} requests)", secs(x.tail), x.tail_requests),
    );
    out
}

fn entity_line(run: &Run) -> String {
    run.entities
        .iter()
        .map(|e| format!("{} {} pages / {} rows", e.entity, e.pages, e.rows))
        .collect::<Vec<_>>()
        .join("; ")
}

fn goals(r: &PresetReport) -> Vec<String> {
    let mut out = Vec::new();
    match r.first.ratio_to_floor() {
        Some(v) => out.push(format!(
            "first run wall time within {FLOOR_GOAL}x of the rate-limit floor: {} ({v:.2}x)",
            verdict(v <= FLOOR_GOAL)
        )),
        None => out.push("first run: no rate-limited requests, so no floor".into()),
    }
    out.push(format!(
        "first run wall time within {FLOOR_GOAL}x of max(rate-limit floor, Graph floor) = {}: {} ({:.2}x)",
        secs(r.floor()),
        verdict(r.first.wall.as_secs_f64() <= r.floor().as_secs_f64() * FLOOR_GOAL),
        r.first.wall.as_secs_f64() / r.floor().as_secs_f64().max(1e-9)
    ));
    if let Some(v) = r.ingest_ratio() {
        out.push(format!(
            "ingest at least {:.0}% of the plain-insert rate: {} ({:.0}%)",
            INGEST_GOAL * 100.0,
            verdict(v >= INGEST_GOAL),
            v * 100.0
        ));
    }
    out.push(format!(
        "second run makes <= {:.0}% of the first run's requests and writes 0 rows: {} ({} of {} requests = {:.1}%, {} rows)",
        SECOND_RUN_REQUESTS * 100.0,
        if r.second_run_ok() { "held" } else { "DID NOT HOLD" },
        r.second.requests,
        r.first.requests,
        r.second.requests as f64 * 100.0 / (r.first.requests.max(1)) as f64,
        r.second.rows_written
    ));
    out
}

/// The aligned table for stdout.
pub fn text(r: &PresetReport, cores: usize) -> String {
    let rows = rows(r, cores);
    let w0 = rows.iter().map(|x| x[0].len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|x| x[1].len()).max().unwrap_or(0).max(9);
    let w2 = rows.iter().map(|x| x[2].len()).max().unwrap_or(0).max(10);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\nPreset {} (seed {}, {} customers), latency {} ms, concurrency {}, max requests {}",
        r.preset,
        r.seed,
        r.customers,
        r.latency.as_millis(),
        r.concurrency,
        r.max_requests
    );
    let _ = writeln!(s, "{:w0$}  {:>w1$}  {:>w2$}", "", "first run", "second run");
    for [label, first, second] in &rows {
        let _ = writeln!(s, "{label:w0$}  {first:>w1$}  {second:>w2$}");
    }
    let _ = writeln!(s, "first run:  {}", entity_line(&r.first));
    let _ = writeln!(s, "second run: {}", entity_line(&r.second));
    for g in goals(r) {
        let _ = writeln!(s, "goal: {g}");
    }
    s
}

/// The markdown section of one preset.
pub fn markdown(r: &PresetReport, cores: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## Preset {}\n", r.preset);
    let _ = writeln!(
        s,
        "Seed {}, {} customers. Latency {} ms per request. `RunOptions`: concurrency {}, max_requests {}. \
         The second run starts {} min of emulated time after the first.\n",
        r.seed,
        r.customers,
        r.latency.as_millis(),
        r.concurrency,
        r.max_requests,
        r.gap.num_minutes()
    );
    let _ = writeln!(s, "| | first run | second run |\n|---|---:|---:|");
    for [label, first, second] in rows(r, cores) {
        let _ = writeln!(s, "| {label} | {first} | {second} |");
    }
    let (slow, fast) = r.plain.spread();
    let _ = writeln!(
        s,
        "\nPlain batched insert: {} rows, {} repetitions ({} inside the insert transactions); \
         median {} rows/s, slowest {}, fastest {}.\n",
        r.plain.rows,
        r.plain.elapsed.len(),
        r.plain
            .elapsed
            .iter()
            .map(|e| secs(*e))
            .collect::<Vec<_>>()
            .join(", "),
        rate(r.plain.rows_per_second()),
        rate(slow),
        rate(fast)
    );
    let _ = writeln!(s, "Pages and rows, first run: {}.\n", entity_line(&r.first));
    let _ = writeln!(
        s,
        "Pages and rows, second run: {}.\n",
        entity_line(&r.second)
    );
    for g in goals(r) {
        let _ = writeln!(s, "- {g}");
    }
    s.push('\n');
    if let Some(v1) = &r.v1 {
        s.push_str(&v1_section(r, v1));
    }
    s
}

/// A labelled figure of one run.
type Metric<'a> = (&'a str, &'a dyn Fn(&Run) -> String);

/// The first run through Graph beside the same data read through v1's paged line items.
fn v1_section(r: &PresetReport, v1: &Run) -> String {
    let mut s = format!(
        "### Preset {}: Graph exports vs v1 line-item paging\n\n\
         The same world (seed {}), a fresh emulator with its v1 cut-over off and Discovery with \
         no Graph cut-over (`graph_from: None`), so new-commerce usage and invoice lines come \
         page by page from `/v1/invoices/.../lineitems`; first run into an empty database (the \
         Graph run's database deleted before).\n\n\
         | | Graph (default) | v1 paging |\n|---|---:|---:|\n",
        r.preset, r.seed
    );
    let rows: [Metric; 8] = [
        ("state", &|x| x.state.clone()),
        ("wall time", &|x| secs(x.wall)),
        ("requests (retries included)", &|x| x.requests.to_string()),
        ("rows written", &|x| x.rows_written.to_string()),
        ("rows/s (rows written / wall)", &|x| {
            rate(x.rows_per_second())
        }),
        ("time in write transactions", &|x| secs(x.write)),
        ("ingest rows/s (rows / write time)", &|x| {
            x.ingest_rows_per_second().map_or("-".into(), rate)
        }),
        ("load average before the run (1 min)", &|x| {
            x.load_before.map_or("n/a".into(), |l| format!("{l:.2}"))
        }),
    ];
    for (label, f) in rows {
        let _ = writeln!(s, "| {label} | {} | {} |", f(&r.first), f(v1));
    }
    let _ = writeln!(
        s,
        "
Pages and rows, v1 run: {}.
",
        entity_line(v1)
    );
    s
}
