//! The pages of a discovered database, timed through the same api functions the app's
//! commands call (`src-tauri/src/commands/`): Reconciliation of a month
//! (`billing::reconciliation::reconcile_period`), the Dashboard (`dashboard::figures::dashboard`),
//! Customers with month to date (`customers::overview::list`), an invoice's customers
//! (`billing::invoices::invoice_detail`, Billing level 2) and `rate` with nothing changed.
//!
//! Each page runs in a fresh child process (the bench binary again, hidden option
//! `--page JSON`) that opens the database, notes its peak RSS (`VmHWM`), calls the page once
//! (the first run: cold page cache of the process, SQLite's cache empty) and then `runs`
//! times more, and prints one `PAGE ...` line: a fresh process's peak is the page's own.
//! `rate` is run once to settle (the discovered usage rated for the first time) before the
//! pages, and timed again, with nothing changed, last.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};
use cspdesk_api::ApiError;
use cspdesk_store::Database;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Goals of issue 19 (acceptance 2) for each page and for `rate` with nothing changed.
pub const P95_GOAL: Duration = Duration::from_secs(1);
pub const RSS_GOAL: u64 = 300 << 20;

/// What the child is asked to time.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub enum Page {
    /// `rate` over everything, the first time (settles the database; timed once, for the record).
    RateFirst,
    Reconciliation {
        period: String,
    },
    Dashboard,
    Customers,
    InvoiceCustomers {
        account: String,
        invoice: String,
    },
    /// `rate` again with nothing changed since the last.
    RateUnchanged,
}

impl Page {
    fn label(&self) -> String {
        match self {
            Page::RateFirst => "`rate`, first run (settles; not a goal)".into(),
            Page::Reconciliation { period } => format!("Reconciliation of {period}"),
            Page::Dashboard => "Dashboard".into(),
            Page::Customers => "Customers (month to date)".into(),
            Page::InvoiceCustomers { invoice, .. } => {
                format!("an invoice's customers ({invoice}, Billing level 2)")
            }
            Page::RateUnchanged => "`rate`, nothing changed".into(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Job {
    db: PathBuf,
    page: Page,
    runs: usize,
    now: DateTime<Utc>,
}

/// One page's figures.
pub struct Timed {
    pub page: Page,
    pub first: Duration,
    pub rest: Vec<Duration>,
    /// Peak RSS once the database is open, before the page.
    pub before: u64,
    /// Peak RSS by the end.
    pub peak: u64,
    /// What the page answered (rows, customers), to show it was not empty.
    pub size: usize,
}

fn api(e: ApiError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// `VmHWM` (peak resident set) of this process, bytes.
fn peak_rss() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("no /proc/self/status")?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .context("no VmHWM in /proc/self/status")?;
    Ok(kb * 1024)
}

/// One call of the page; answers how many rows it showed.
fn call(db: &mut Database, page: &Page, now: DateTime<Utc>) -> Result<usize> {
    use cspdesk_api::{billing, customers, dashboard, rating};
    Ok(match page {
        Page::RateFirst | Page::RateUnchanged => {
            let s = rating::rate::rate(db, None, None, now).map_err(api)?;
            if matches!(page, Page::RateUnchanged) && s.rated + s.removed > 0 {
                bail!(
                    "`rate` with nothing changed rated {} and removed {} customer-periods",
                    s.rated,
                    s.removed
                );
            }
            (s.rated + s.unchanged + s.refused) as usize
        }
        Page::Reconciliation { period } => billing::reconciliation::reconcile_period(db, period)
            .map_err(api)?
            .customers
            .len(),
        Page::Dashboard => dashboard::figures::dashboard(db, now)
            .map_err(api)?
            .currencies
            .len(),
        Page::Customers => customers::overview::list(db, now).map_err(api)?.len(),
        Page::InvoiceCustomers { account, invoice } => {
            billing::invoices::invoice_detail(db, account, invoice)
                .map_err(api)?
                .customers
                .len()
        }
    })
}

/// The child: the page's runs, then one `PAGE first_us rest_us,... before peak size` line.
pub fn child(job: &str) -> Result<()> {
    let job: Job = serde_json::from_str(job).context("reading the page job")?;
    let mut db = Database::open(&job.db)?;
    let before = peak_rss()?;
    let began = Instant::now();
    let size = call(&mut db, &job.page, job.now)?;
    let first = began.elapsed();
    let mut rest = Vec::new();
    let runs = match job.page {
        Page::RateFirst => 0,
        _ => job.runs,
    };
    for _ in 0..runs {
        let began = Instant::now();
        call(&mut db, &job.page, job.now)?;
        rest.push(began.elapsed().as_micros().to_string());
    }
    println!(
        "PAGE {} {} {before} {} {size}",
        first.as_micros(),
        if rest.is_empty() {
            "-".to_string()
        } else {
            rest.join(",")
        },
        peak_rss()?
    );
    Ok(())
}

fn run_child(db: &Path, page: Page, runs: usize, now: DateTime<Utc>) -> Result<Timed> {
    eprintln!("==> page: {}", page.label());
    let job = Job {
        db: db.to_path_buf(),
        page: page.clone(),
        runs,
        now,
    };
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["--page", &serde_json::to_string(&job)?])
        .stderr(std::process::Stdio::inherit())
        .output()
        .context("running the bench binary again")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(line) = text.lines().find(|l| l.starts_with("PAGE ")) else {
        bail!("the page child said nothing ({}): {text}", out.status);
    };
    let w: Vec<&str> = line.split_whitespace().collect();
    let n = |i: usize| -> Result<u64> {
        w.get(i)
            .and_then(|v| v.parse().ok())
            .with_context(|| format!("reading {line:?}"))
    };
    let rest = match w.get(2) {
        Some(&"-") | None => Vec::new(),
        Some(list) => list
            .split(',')
            .map(|v| v.parse().map(Duration::from_micros))
            .collect::<Result<_, _>>()
            .with_context(|| format!("reading {line:?}"))?,
    };
    Ok(Timed {
        page,
        first: Duration::from_micros(n(1)?),
        rest,
        before: n(3)?,
        peak: n(4)?,
        size: n(5)? as usize,
    })
}

/// The invoice Billing level 2 is timed on: the newest period's invoice (not a note) with the
/// largest total.
fn largest_invoice(db: &Database) -> Result<Option<(String, String, String)>> {
    let invoices = cspdesk_api::billing::invoices::invoices(db).map_err(api)?;
    let newest = invoices
        .iter()
        .filter(|i| i.amends_of.is_none())
        .filter_map(|i| i.billing_period_start.clone())
        .max();
    Ok(invoices
        .into_iter()
        .filter(|i| i.amends_of.is_none() && i.billing_period_start == newest)
        .max_by_key(|i| i.total.parse::<Decimal>().unwrap_or_default())
        .map(|i| {
            let period = i
                .billing_period_start
                .as_deref()
                .map(|d| d[..7.min(d.len())].to_string())
                .unwrap_or_default();
            (i.account_id, i.id, period)
        }))
}

/// Every page, each in its own child, in the order the lead reads them.
pub fn measure(db: &Path, runs: usize, now: DateTime<Utc>) -> Result<Vec<Timed>> {
    let mut out = vec![run_child(db, Page::RateFirst, runs, now)?];
    let (account, invoice, period) =
        largest_invoice(&Database::open(db)?)?.context("the database holds no invoice")?;
    for page in [
        Page::Reconciliation { period },
        Page::Dashboard,
        Page::Customers,
        Page::InvoiceCustomers { account, invoice },
        Page::RateUnchanged,
    ] {
        out.push(run_child(db, page, runs, now)?);
    }
    Ok(out)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn rss(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / (1 << 20) as f64)
}

/// The `q` quantile (nearest rank) of `d`.
fn quantile(d: &[Duration], q: f64) -> Option<Duration> {
    let mut v = d.to_vec();
    v.sort();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1));
    v.get(rank - 1).copied()
}

/// The report's "Pages" section.
pub fn markdown(preset: &str, commit: &str, runs: usize, timed: &[Timed]) -> String {
    let mut s = format!(
        "## Pages (preset {preset}, commit {commit})\n\n\
         Each page through the api function its app command calls, in a fresh child process on \
         the discovered database: the first call, then {runs} more (p50 / p95, nearest rank); \
         peak RSS is the child's `VmHWM`, \"added\" what the page added to the process once the \
         database was open. `rate` ran once to settle before the pages.\n\n\
         | page | answered | first | p50 | p95 | peak RSS | added | goal (p95 < 1 s, peak < 300 MB) |\n\
         |---|---:|---:|---:|---:|---:|---:|---|\n"
    );
    for t in timed {
        let all: Vec<Duration> = if t.rest.is_empty() {
            vec![t.first]
        } else {
            t.rest.clone()
        };
        let p50 = quantile(&all, 0.5).unwrap_or(t.first);
        let p95 = quantile(&all, 0.95).unwrap_or(t.first);
        let goal = match t.page {
            Page::RateFirst => "-",
            _ if p95 < P95_GOAL && t.peak < RSS_GOAL => "met",
            _ => "MISSED",
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} | {goal} |",
            t.page.label(),
            t.size,
            ms(t.first),
            ms(p50),
            ms(p95),
            rss(t.peak),
            rss(t.peak.saturating_sub(t.before)),
        );
    }
    s.push('\n');
    s
}
