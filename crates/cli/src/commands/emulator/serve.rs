//! `cspdesk emulator`: serves the Microsoft cloud emulator in the foreground, for the app's
//! sandbox mode, benchmarks and conformance scripts. The first stdout line is exactly
//! `emulator listening on URL` so scripts can wait for it and read the URL.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use cspdesk_emulator::chrono::{DateTime, Utc};
use cspdesk_emulator::{Emulator, EmulatorConfig, FaultPlan, Preset, StackPutStyle, CLIENT_ID};

/// Arguments of `cspdesk emulator`.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Data preset: S (~10 customers), M (~200), L (~1,000 customers, >10M usage rows).
    #[arg(long, default_value = "S")]
    pub preset: String,
    /// Seed of all generated data and of the token signing key.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Listen address; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,
    /// Delay added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Fault injection, e.g. `utilization:503@0.1,invoices:malformed@0.05`, or an odd item:
    /// `omit:invoicelineitemtype=usagelineitems#0.billingPreTaxTotal` (see crate docs).
    #[arg(long, default_value = "")]
    pub faults: String,
    /// Serve HTTPS with a generated CA; its PEM path is printed.
    #[arg(long)]
    pub tls: bool,
    /// Folder for the generated CA (default: a folder in the temp directory).
    #[arg(long)]
    pub tls_dir: Option<PathBuf>,
    /// Skip the consent page and sign in this seeded user at once (e.g. admin@cspdesks1.onmicrosoft.com).
    #[arg(long)]
    pub auto_consent: Option<String>,
    /// Reject App+User tokens without MFA (401, code 900421).
    #[arg(long)]
    pub mfa_enforced: bool,
    /// Ask for a one-time code on the consent page.
    #[arg(long)]
    pub mfa_prompt: bool,
    /// Answer utilization calls with 204 + Retry-After.
    #[arg(long)]
    pub utilization_not_ready: bool,
    /// Start the emulated clock at this RFC 3339 instant instead of now.
    #[arg(long)]
    pub now: Option<String>,
    /// Keep the clock still instead of following wall time.
    #[arg(long)]
    pub frozen_clock: bool,
    /// Answer Azure Stack customer-subscription PUT with 201 and no body (docs) instead of 200 + body (spec).
    #[arg(long)]
    pub stack_put_docs: bool,
    /// Instead of serving: write the partner's Cost Management export runs (actual and
    /// amortized cost of one month, under root folder `partner`) into this folder, laid out as
    /// in the storage container, to load into a real storage server (azurite).
    #[arg(long)]
    pub write_export_runs: Option<PathBuf>,
    /// The month of --write-export-runs (YYYY-MM); default: the last whole month before --now.
    #[arg(long, requires = "write_export_runs")]
    pub export_month: Option<String>,
    /// Seconds (emulated clock) a Graph partner-billing export stays `running`.
    #[arg(long, default_value_t = 5)]
    pub graph_preparation_secs: u64,
    /// Rows per gzip JSON Lines blob of a Graph partner-billing export.
    #[arg(long, default_value_t = 100_000)]
    pub graph_rows_per_blob: usize,
    /// Serve v1 new-commerce line items for every month, as before Microsoft's cut-over. By
    /// default they answer no data for billing months from April 2025 on (only Graph serves
    /// them, as at Microsoft).
    #[arg(long)]
    pub no_v1_cutover: bool,
    /// Restate these billing months (YYYY-MM, repeatable) at start, as late usage does: their
    /// usage, invoice totals and Graph export eTags differ from an emulator started without.
    #[arg(long = "restate-month")]
    pub restate_months: Vec<String>,
    /// Every month keeps the catalog's Azure plan prices (as the rate card shows them) instead
    /// of moving from month to month with each month billed at its own price sheet and FX
    /// rates (served by the Pricing API routes), as Microsoft does.
    #[arg(long)]
    pub no_monthly_prices: bool,
}

/// Runs the emulator until the process is stopped.
pub fn run(args: EmulatorArgs) -> anyhow::Result<()> {
    let preset: Preset = args.preset.parse()?;
    let now = match &args.now {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .with_context(|| format!("--now {text} is not RFC 3339"))?
            .with_timezone(&Utc),
        None => Utc::now(),
    };
    if let Some(dir) = &args.write_export_runs {
        let world = cspdesk_emulator::world::World::new(preset, args.seed, now.date_naive())
            .with_monthly_prices(!args.no_monthly_prices);
        return write_export_runs(world, now, args.export_month.as_deref(), dir);
    }
    let mut config = EmulatorConfig::new(preset, args.seed, now);
    config.listen = args.listen;
    config.clock_ticks = !args.frozen_clock;
    config.latency = Duration::from_millis(args.latency_ms);
    config.faults = FaultPlan::parse(&args.faults)?;
    config.auto_consent = args.auto_consent.clone();
    config.mfa_enforced = args.mfa_enforced;
    config.mfa_prompt = args.mfa_prompt;
    config.utilization_not_ready = args.utilization_not_ready;
    config.graph_preparation = Duration::from_secs(args.graph_preparation_secs);
    config.graph_rows_per_blob = args.graph_rows_per_blob;
    config.v1_cutover = !args.no_v1_cutover;
    config.monthly_prices = !args.no_monthly_prices;
    if args.stack_put_docs {
        config.stack_put_style = StackPutStyle::DocsCreatedEmpty;
    }
    if args.tls {
        let dir = args.tls_dir.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("cspdesk-emulator-{}", std::process::id()))
        });
        config.tls_dir = Some(dir);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let started = std::time::Instant::now();
        let emulator = Emulator::start(config).await?;
        for month in &args.restate_months {
            emulator.restate_month(parse_month(month)?);
        }
        let partner = emulator.partner().clone();
        let mut out = std::io::stdout().lock();
        writeln!(out, "emulator listening on {}", emulator.url())?;
        if let Some(ca) = emulator.ca_pem_path() {
            writeln!(out, "ca pem {}", ca.display())?;
        }
        writeln!(
            out,
            "partner tenant {} ({})",
            partner.tenant_id, partner.domain
        )?;
        writeln!(out, "client id {CLIENT_ID}")?;
        for user in &partner.users {
            writeln!(
                out,
                "user {} mfa={} roles={}",
                user.upn,
                user.mfa_registered,
                user.roles.join(",")
            )?;
        }
        let stack = emulator.stack_fixtures();
        writeln!(
            out,
            "azure stack: subscription {} resource group {} registration {}",
            stack.registration_subscription_id, stack.resource_group, stack.approved_registration
        )?;
        writeln!(
            out,
            "billing account {} profile {}",
            partner.billing_account_id, partner.billing_profile_id
        )?;
        let (mappable, owner) = &stack.valid_customer_subscription;
        writeln!(out, "stack customer subscription {mappable} tenant {owner}")?;
        // What `cspdesk stack registration endpoint` takes for the approved registration.
        writeln!(
            out,
            "stack admin endpoint {} provider subscription {}",
            emulator.stack_admin_endpoint(),
            stack.provider_subscription_id
        )?;
        // Export runs whose destination is storage account `partnerexports`, container `cost`
        // can be read with this SAS (list + read, valid for a week of emulated time).
        let expiry = emulator.clock().now() + cspdesk_emulator::chrono::Duration::days(7);
        writeln!(
            out,
            "exports container sas {}",
            emulator.blob_sas_url("partnerexports", "cost", "rl", expiry)
        )?;
        // A client's Graph base (its `graph` setting) on this emulator.
        writeln!(out, "graph base {}/v1.0", emulator.url())?;
        writeln!(out, "ready in {} ms", started.elapsed().as_millis())?;
        out.flush()?;
        drop(out);
        shutdown_signal().await;
        emulator.shutdown().await;
        anyhow::Ok(())
    })
}

/// A `YYYY-MM` month.
fn parse_month(text: &str) -> anyhow::Result<cspdesk_emulator::world::Month> {
    let (year, month) = text
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse().ok()?, m.parse().ok()?)))
        .filter(|(_, m): &(i32, u32)| (1..=12).contains(m))
        .with_context(|| format!("--restate-month {text} is not YYYY-MM"))?;
    Ok(cspdesk_emulator::world::Month { year, month })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Writes one month's actual and amortized export runs of `world` as at `now` into `dir`, printing one line per run: `export run FOLDER rows N cost SUM`.
fn write_export_runs(
    world: cspdesk_emulator::world::World,
    now: DateTime<Utc>,
    month: Option<&str>,
    dir: &std::path::Path,
) -> anyhow::Result<()> {
    use cspdesk_emulator::chrono::{Datelike, Duration as Days, NaiveDate};
    use cspdesk_emulator::cost_exports::run::{write_run_to_dir, Dataset, RunRequest};

    let today = now.date_naive();
    let first = match month {
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .with_context(|| format!("--export-month {m} is not YYYY-MM"))?,
        None => {
            let this_month = today.with_day(1).context("a month has a first day")?;
            (this_month - Days::days(1))
                .with_day(1)
                .context("a month has a first day")?
        }
    };
    let next = (first + Days::days(32))
        .with_day(1)
        .context("a month has a first day")?;
    anyhow::ensure!(
        next <= today,
        "{} is not over yet on {today}: exports of a whole month come after it",
        first.format("%Y-%m")
    );
    let submitted = next.and_hms_opt(6, 0, 0).context("06:00 exists")?.and_utc();
    let mut out = std::io::stdout().lock();
    for (name, dataset) in [
        ("actual", Dataset::ActualCost),
        ("amortized", Dataset::AmortizedCost),
    ] {
        let run_id = format!("{name}-{}", first.format("%Y%m"));
        let request = RunRequest::new(
            name,
            dataset,
            (first, next - Days::days(1)),
            &run_id,
            submitted,
        );
        let summary = write_run_to_dir(&world, &request, dir)?;
        writeln!(
            out,
            "export run {} rows {} cost {}",
            summary.folder, summary.data_rows, summary.cost_in_billing_currency
        )?;
    }
    Ok(())
}
