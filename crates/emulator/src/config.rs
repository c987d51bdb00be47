//! Everything a caller chooses when starting an emulator: the data preset and seed, the clock,
//! and the knobs (latency, faults, rate limits, MFA) that make it misbehave like Microsoft.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::EmulatorError;
use crate::faults::FaultPlan;
use crate::throttle::RateLimits;

/// Size of the generated partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Preset {
    /// About 10 customers: unit and integration tests.
    S,
    /// About 200 customers: realistic UI work and the invoice consistency test.
    M,
    /// About 1,000 customers, ~5,000 Azure subscriptions, >10M daily usage rows: benchmarks.
    L,
}

impl FromStr for Preset {
    type Err = EmulatorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_uppercase().as_str() {
            "S" => Ok(Preset::S),
            "M" => Ok(Preset::M),
            "L" => Ok(Preset::L),
            _ => Err(EmulatorError::Preset(s.to_string())),
        }
    }
}

/// How `PUT .../customerSubscriptions/{id}` answers: the docs and the REST spec disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackPutStyle {
    /// REST spec: 200 with the resource (what generated SDKs such as azure-mgmt-azurestack expect).
    SpecOkWithBody,
    /// Docs: 201 Created with an empty body.
    DocsCreatedEmpty,
}

/// Configuration of one emulator instance.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Generated partner size.
    pub preset: Preset,
    /// Seed of every generated fact and of the token signing key.
    pub seed: u64,
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Starting instant of the emulated clock. The [`Self::history_months`] calendar months
    /// before this instant's month (plus the current month to date) hold usage history.
    pub now: DateTime<Utc>,
    /// Whether the clock follows wall time after start (sandbox) or stays put (tests).
    pub clock_ticks: bool,
    /// Delay added to every request.
    pub latency: Duration,
    /// Fault injection plan (see [`FaultPlan::parse`]).
    pub faults: FaultPlan,
    /// Rate limits per route.
    pub rate_limits: RateLimits,
    /// Serve HTTPS with a generated CA whose PEM is written into this folder.
    pub tls_dir: Option<PathBuf>,
    /// Skip the consent page and sign this seeded user in at once.
    pub auto_consent: Option<String>,
    /// Reject App+User tokens whose `amr` lacks `mfa` with 401/900421.
    pub mfa_enforced: bool,
    /// Show a one-time-code step on the consent page for users registered for MFA.
    pub mfa_prompt: bool,
    /// Lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// A refresh token unused for this long fails with AADSTS700082.
    pub refresh_token_inactivity: Duration,
    /// Answer utilization requests with 204 + Retry-After ("data not ready").
    pub utilization_not_ready: bool,
    /// Azure Stack customer-subscription PUT answer style.
    pub stack_put_style: StackPutStyle,
    /// Folder where Cost Management export runs write their blobs (`{account}/{container}/...`);
    /// `None` uses a fresh folder in the temp directory.
    pub export_dir: Option<PathBuf>,
    /// Data rows per CSV part of an export run.
    pub export_rows_per_part: usize,
    /// How long (emulator clock) a Graph partner-billing export operation stays `running`.
    pub graph_preparation: Duration,
    /// Rows per gzip JSON Lines blob of a Graph partner-billing export.
    pub graph_rows_per_blob: usize,
    /// Lifetime of the directory SAS a Graph billing manifest carries (Microsoft's sample: 12 h).
    pub graph_sas_ttl: Duration,
    /// Times each row of a Graph usage export is written (1: the world's rows). The benchmark
    /// scales one export's size with it to show Discovery's memory stays flat; never above 1
    /// elsewhere, as the copies make the export disagree with its invoice.
    pub graph_usage_copies: usize,
    /// The v1 cut-over: v1 new-commerce line items (`provider=onetime`, billed and unbilled)
    /// answer no data for billing months from [`crate::graph::CUTOVER`] on, as Microsoft's are
    /// served only by Graph now (reference §0). On by default, as at Microsoft; tests of the
    /// v1 line-item shapes (which Microsoft still serves for earlier periods) turn it off.
    pub v1_cutover: bool,
    /// Whether the partner's admin consented to Graph's `PartnerBilling.Read.All` for the app:
    /// without it Graph tokens lack the scope and the billing reports answer 403.
    pub graph_admin_consent: bool,
    /// Azure plan prices move from month to month (some meters up, some down, tiers kept; see
    /// `world::price_book`) and the emulator bills each month with its own sheet and FX. On by
    /// default, as at Microsoft; off, every month has the catalog's prices, as the rate card
    /// shows them (tests of rate-card rating turn it off).
    pub monthly_prices: bool,
    /// One seat licence line (the first seat customer's, the month before the start month)
    /// billed 10 % above its term's licence sheet price. Off by default: the test that proves
    /// such a line is flagged turns it on.
    pub mispriced_licence: bool,
    /// Whether the partner's admin granted tenant-wide consent to the Pricing API's
    /// `user_impersonation` for the app; without it a Pricing token needs the sign-in itself to
    /// have consented (AADSTS65001 otherwise).
    pub pricing_admin_consent: bool,
    /// Calendar months of usage history before the start month (default 3, as the tests
    /// expect; the storage benchmark's `--months 12` discovers a year).
    pub history_months: u32,
}

impl EmulatorConfig {
    /// A quiet configuration: loopback, free port, a clock starting at `now` and following wall
    /// time (set `clock_ticks = false` to freeze it, as the integration tests do), no latency or
    /// faults, default rate limits, MFA enforcement off.
    pub fn new(preset: Preset, seed: u64, now: DateTime<Utc>) -> Self {
        EmulatorConfig {
            preset,
            seed,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            now,
            clock_ticks: true,
            latency: Duration::ZERO,
            faults: FaultPlan::default(),
            rate_limits: RateLimits::default(),
            tls_dir: None,
            auto_consent: None,
            mfa_enforced: false,
            mfa_prompt: false,
            access_token_ttl: Duration::from_secs(3600),
            refresh_token_inactivity: Duration::from_secs(90 * 24 * 3600),
            utilization_not_ready: false,
            stack_put_style: StackPutStyle::SpecOkWithBody,
            export_dir: None,
            export_rows_per_part: 50_000,
            graph_preparation: Duration::from_secs(5),
            graph_rows_per_blob: 100_000,
            graph_sas_ttl: Duration::from_secs(12 * 3600),
            graph_usage_copies: 1,
            v1_cutover: true,
            graph_admin_consent: true,
            monthly_prices: true,
            mispriced_licence: false,
            pricing_admin_consent: true,
            history_months: crate::world::HISTORY_MONTHS,
        }
    }
}
