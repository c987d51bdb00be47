//! `cspdesk discover --account NAME [--json]`: one Discovery run without a window, for cron.
//! Progress is a bar on a terminal, or JSON lines with `--json` whose last line is the run
//! summary (`state`, `requests`, `rows_written`, `duration_ms`, ...). Ctrl-C stops the run
//! cleanly; the next run resumes where it stopped.

use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use clap::Args;
use cspdesk_api::discovery::dto::{DiscoveryEvent, RatingOutcomeDto, RunDto, RunStateDto};
use cspdesk_api::discovery::runs::{self as discovery, progress_dto, run_dto, Hub};
use cspdesk_discovery::progress::{Progress, ProgressSink};
use cspdesk_discovery::run::Trigger;
use cspdesk_store::discovered::runs::RunRecord;
use cspdesk_store::Database;
use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::sync::CancellationToken;

/// `cspdesk discover`.
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The account's name (or id).
    #[arg(long)]
    pub account: String,
    /// Print JSON lines (progress, then the run summary) instead of a progress bar.
    #[arg(long)]
    pub json: bool,
    /// Mark the run as scheduled (for cron) rather than manual.
    #[arg(long)]
    pub scheduled: bool,
    /// Requests in flight at once (1-32); lower it to be gentler on Partner Center's limits.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(1..=32))]
    pub concurrency: u16,
}

/// Prints JSON lines.
struct JsonLines;

fn line(value: serde_json::Value) {
    use std::io::Write;
    // One write per line so a reader never sees half a line; a reader that went away (a
    // closed pipe) must not stop the run.
    let _ = writeln!(std::io::stdout().lock(), "{value}");
}

impl ProgressSink for JsonLines {
    fn started(&self, run: &RunRecord) {
        line(serde_json::json!({"event": "started", "run": run_dto(run, chrono::Utc::now())}));
    }
    fn progress(&self, p: &Progress) {
        line(serde_json::json!({"event": "progress", "progress": progress_dto(p)}));
    }
    fn finished(&self, _: &RunRecord) {}
}

/// Draws a progress bar on stderr.
struct Bar(ProgressBar);

impl ProgressSink for Bar {
    fn started(&self, _: &RunRecord) {}
    fn progress(&self, p: &Progress) {
        self.0.set_position((p.fraction * 1000.0) as u64);
        // The Graph exports still on their way, in words: "Microsoft preparing", "blob 2 of 5".
        let exports = p
            .exports
            .iter()
            .filter_map(|e| {
                use cspdesk_discovery::progress::ExportStage as S;
                let stage = match e.stage {
                    S::Requested => "requested".to_string(),
                    S::Preparing => "Microsoft preparing".to_string(),
                    S::Downloading { blob, blobs } => {
                        format!("blob {blob} of {blobs}, {} rows", e.rows)
                    }
                    S::Writing => "writing".to_string(),
                    _ => return None,
                };
                Some(format!("; {}: {stage}", e.export))
            })
            .take(2)
            .collect::<String>();
        self.0.set_message(format!(
            "{:?}: {} requests, {} rows ({}/s){}{exports}",
            p.phase,
            p.requests,
            p.rows_written,
            p.rows_per_second,
            p.eta
                .map(|e| format!(", about {} s left", e.as_secs()))
                .unwrap_or_default()
        ));
    }
    fn finished(&self, _: &RunRecord) {
        self.0.finish_and_clear();
    }
}

fn summary(run: &RunDto, rating: Option<&RatingOutcomeDto>) -> serde_json::Value {
    serde_json::json!({
        "event": "finished",
        "state": run.state,
        "requests": run.requests,
        "rows_written": run.rows_written,
        "duration_ms": run.duration_ms,
        "throttled": run.throttled,
        "warnings": run.warnings,
        "error": run.error,
        "rating": rating,
        "run": run,
    })
}

/// Runs Discovery for one account to its end.
pub fn run(db: Option<&Path>, args: DiscoverArgs) -> anyhow::Result<()> {
    let db = Mutex::new(Database::open_default(db).context("opening the CSP Desk database")?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let stop = CancellationToken::new();
    let on_signal = stop.clone();
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
            eprintln!("stopping after the current pages (Ctrl-C again to quit at once)");
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let sink: Arc<dyn ProgressSink> = if args.json {
        Arc::new(JsonLines)
    } else {
        let bar = ProgressBar::new(1000);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {percent:>3}% {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Arc::new(Bar(bar))
    };
    let clock: cspdesk_discovery::Clock = Arc::new(chrono::Utc::now);
    let trigger = if args.scheduled {
        Trigger::Scheduled
    } else {
        Trigger::Manual
    };
    // Rating after the run is told through the hub's Finished event.
    let hub = Hub::new();
    let rating: Arc<Mutex<Option<RatingOutcomeDto>>> = Arc::default();
    let heard = rating.clone();
    hub.watch(
        "cli",
        Arc::new(move |e: &DiscoveryEvent| {
            if let DiscoveryEvent::Finished {
                rating: Some(r), ..
            } = e
            {
                *heard.lock().unwrap_or_else(|p| p.into_inner()) = Some(r.clone());
            }
        }),
    );
    let run = rt.block_on(async {
        let prepared = discovery::prepare(&db, &args.account, chrono::Utc::now()).await?;
        discovery::run(
            &hub,
            prepared,
            trigger,
            clock,
            usize::from(args.concurrency),
            stop,
            Some(sink),
        )
        .await
    })?;
    let rating = rating.lock().unwrap_or_else(|p| p.into_inner()).take();
    if args.json {
        line(summary(&run, rating.as_ref()));
    } else {
        eprintln!(
            "{:?}: {} requests, {} rows written, {} throttled, in {:.1} s",
            run.state,
            run.requests,
            run.rows_written,
            run.throttled,
            f64::from(run.duration_ms) / 1000.0
        );
        if run.warnings > 0 {
            let db = db.lock().unwrap_or_else(|p| p.into_inner());
            let items = cspdesk_api::imports::set_aside::of_run(&db, &run.id)?;
            eprintln!(
                "{} items set aside (Microsoft sent them without a field they cannot do without; everything else was read):",
                run.warnings
            );
            for s in items {
                eprintln!(
                    "  {} page {} item {}: field {} ({})",
                    s.invoice_id.as_deref().unwrap_or(&s.endpoint),
                    s.page,
                    s.index,
                    s.field,
                    s.reason
                );
            }
        }
        if let Some(r) = rating.as_ref().filter(|r| r.prices_run_id.is_some()) {
            eprintln!(
                "Microsoft prices (run {}): {} files read, {} Pricing API requests",
                r.prices_run_id.as_deref().unwrap_or_default(),
                r.prices_files,
                r.prices_requests
            );
        }
        if let Some(RatingOutcomeDto {
            prices_error: Some(e),
            ..
        }) = &rating
        {
            eprintln!("{e}");
        }
        match &rating {
            Some(RatingOutcomeDto { error: Some(e), .. }) => eprintln!("{e}"),
            Some(r) => eprintln!(
                "rated {} customer-months ({} lines), {} refused, {} unchanged",
                r.rated, r.lines_written, r.refused, r.unchanged
            ),
            None => {}
        }
    }
    match run.state {
        RunStateDto::Completed => Ok(()),
        RunStateDto::Stopped => {
            anyhow::bail!("Discovery stopped; the next run resumes where it stopped")
        }
        _ => anyhow::bail!(
            "{}",
            run.error
                .map(|e| e.message)
                .unwrap_or_else(|| "Discovery ended in error".into())
        ),
    }
}
