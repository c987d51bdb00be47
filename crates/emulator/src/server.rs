//! Starting and stopping an emulator: binds the listener (plain or TLS), assembles the routes of
//! every Microsoft surface, and wraps them in the cross-cutting behaviour Microsoft shows on every
//! call: request/correlation id echo, latency, and injected faults.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use rust_decimal::Decimal;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::config::EmulatorConfig;
use crate::entropy::{tag, Draw};
use crate::error::{EmulatorError, Result};
use crate::faults::FaultPlan;
use crate::throttle::{Buckets, RateLimits};
use crate::world::tenancy::Partner;
use crate::world::{Currency, World};
use crate::{arm, cost_exports, graph, identity, injection, partner_center, pricing, tls};

/// Knobs that tests may flip while the emulator runs.
#[derive(Debug, Clone)]
pub(crate) struct Knobs {
    pub faults: FaultPlan,
    pub rate_limits: RateLimits,
    pub mfa_enforced: bool,
    pub mfa_prompt: bool,
    pub auto_consent: Option<String>,
    pub utilization_not_ready: bool,
    pub latency: Duration,
    pub graph_preparation: Duration,
    pub graph_rows_per_blob: usize,
    pub graph_sas_ttl: Duration,
    pub v1_cutover: bool,
    pub graph_admin_consent: bool,
    pub pricing_admin_consent: bool,
}

/// State shared by every handler of one emulator.
pub(crate) struct Shared {
    pub world: World,
    pub config: EmulatorConfig,
    pub clock: Clock,
    pub base_url: String,
    pub key: [u8; 32],
    knobs: Mutex<Knobs>,
    pub buckets: Buckets,
    pub(crate) fault_counters: Mutex<HashMap<&'static str, u64>>,
    request_counter: AtomicU64,
    pub sessions: identity::Sessions,
    pub invoice_totals: Mutex<HashMap<String, Decimal>>,
    pub stack: Mutex<arm::StackState>,
    pub exports: Mutex<cost_exports::ExportStore>,
    pub graph: Mutex<graph::GraphStore>,
}

/// Shared state handle used by handlers.
pub(crate) type AppState = Arc<Shared>;

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A handler that panicked mid-update leaves data a test double can still serve.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    pub(crate) fn knobs(&self) -> Knobs {
        lock(&self.knobs).clone()
    }

    /// A fresh deterministic GUID (request ids, codes) from a per-instance counter.
    pub(crate) fn next_guid(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        Draw::new(self.world.seed, &[tag::REQUEST, n]).guid()
    }
}

/// Entry point of the library.
pub struct Emulator;

impl Emulator {
    /// Binds `config.listen`, generates the partner and starts serving in the background.
    pub async fn start(config: EmulatorConfig) -> Result<RunningEmulator> {
        let world = World::new(config.preset, config.seed, config.now.date_naive())
            .with_monthly_prices(config.monthly_prices)
            .with_mispriced_licence(config.mispriced_licence)
            .with_history_months(config.history_months);
        let std_listener =
            std::net::TcpListener::bind(config.listen).map_err(|source| EmulatorError::Bind {
                addr: config.listen,
                source,
            })?;
        std_listener
            .set_nonblocking(true)
            .map_err(|source| EmulatorError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = std_listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: config.listen,
                source,
            })?;
        let scheme = if config.tls_dir.is_some() {
            "https"
        } else {
            "http"
        };
        let base_url = format!("{scheme}://{}:{}", addr.ip(), addr.port());
        let clock = if config.clock_ticks {
            Clock::ticking(config.now)
        } else {
            Clock::frozen(config.now)
        };
        let knobs = Knobs {
            faults: config.faults.clone(),
            rate_limits: config.rate_limits.clone(),
            mfa_enforced: config.mfa_enforced,
            mfa_prompt: config.mfa_prompt,
            auto_consent: config.auto_consent.clone(),
            utilization_not_ready: config.utilization_not_ready,
            latency: config.latency,
            graph_preparation: config.graph_preparation,
            graph_rows_per_blob: config.graph_rows_per_blob,
            graph_sas_ttl: config.graph_sas_ttl,
            v1_cutover: config.v1_cutover,
            graph_admin_consent: config.graph_admin_consent,
            pricing_admin_consent: config.pricing_admin_consent,
        };
        let stack = arm::StackState::seeded(&world);
        let shared = Arc::new(Shared {
            key: identity::jwt::signing_key(config.seed),
            world,
            clock,
            base_url: base_url.clone(),
            knobs: Mutex::new(knobs),
            buckets: Buckets::default(),
            fault_counters: Mutex::new(HashMap::new()),
            request_counter: AtomicU64::new(0),
            sessions: identity::Sessions::default(),
            invoice_totals: Mutex::new(HashMap::new()),
            stack: Mutex::new(stack),
            exports: Mutex::new(cost_exports::ExportStore::default()),
            graph: Mutex::new(graph::GraphStore::default()),
            config: config.clone(),
        });
        let app = router(shared.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let mut ca_pem_path = None;
        let task = match &config.tls_dir {
            None => {
                let listener = tokio::net::TcpListener::from_std(std_listener)
                    .map_err(|source| EmulatorError::Bind { addr, source })?;
                tokio::spawn(async move {
                    let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                        let _ = rx.await;
                    });
                    if let Err(e) = serve.await {
                        tracing::error!("emulator server stopped: {e}");
                    }
                })
            }
            Some(dir) => {
                let material = tls::generate(dir, addr.ip())?;
                ca_pem_path = Some(material.ca_pem_path.clone());
                let rustls = axum_server::tls_rustls::RustlsConfig::from_pem(
                    material.cert_pem.into_bytes(),
                    material.key_pem.into_bytes(),
                )
                .await
                .map_err(|e| EmulatorError::Tls(e.to_string()))?;
                let handle = axum_server::Handle::new();
                let stopper = handle.clone();
                tokio::spawn(async move {
                    let _ = rx.await;
                    stopper.graceful_shutdown(Some(Duration::from_secs(2)));
                });
                let server = axum_server::from_tcp_rustls(std_listener, rustls)
                    .map_err(|source| EmulatorError::Bind { addr, source })?;
                tokio::spawn(async move {
                    if let Err(e) = server.handle(handle).serve(app.into_make_service()).await {
                        tracing::error!("emulator TLS server stopped: {e}");
                    }
                })
            }
        };
        Ok(RunningEmulator {
            url: base_url,
            shutdown: Some(tx),
            task: Some(task),
            shared,
            ca_pem_path,
        })
    }
}

/// A serving emulator. Dropping it stops the server (in the background); call
/// [`RunningEmulator::shutdown`] to wait until it has stopped.
pub struct RunningEmulator {
    url: String,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    shared: AppState,
    ca_pem_path: Option<PathBuf>,
}

impl RunningEmulator {
    /// Base URL, e.g. `http://127.0.0.1:40123` (no trailing slash). Every surface hangs off it:
    /// `/{tenant}/oauth2/v2.0/...`, `/v1/...`, `/subscriptions/...`, `/providers/...`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The emulated clock (set or advance it to move billing periods and token expiry).
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// The generated partner tenant and its seeded users.
    pub fn partner(&self) -> &Partner {
        &self.shared.world.partner
    }

    /// The generated world (customers, usage, invoices) for assertions.
    pub fn world(&self) -> &World {
        &self.shared.world
    }

    /// Path of the CA certificate PEM when serving TLS.
    pub fn ca_pem_path(&self) -> Option<&std::path::Path> {
        self.ca_pem_path.as_deref()
    }

    /// Turns MFA enforcement (401/900421 for tokens without `mfa`) on or off.
    pub fn set_mfa_enforced(&self, on: bool) {
        lock(&self.shared.knobs).mfa_enforced = on;
    }

    /// Shows or hides the one-time-code step on the consent page.
    pub fn set_mfa_prompt(&self, on: bool) {
        lock(&self.shared.knobs).mfa_prompt = on;
    }

    /// Makes utilization answer 204 + Retry-After (data not ready) or serve data.
    pub fn set_utilization_not_ready(&self, on: bool) {
        lock(&self.shared.knobs).utilization_not_ready = on;
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, plan: FaultPlan) {
        lock(&self.shared.knobs).faults = plan;
    }

    /// Replaces the rate limits.
    pub fn set_rate_limits(&self, limits: RateLimits) {
        lock(&self.shared.knobs).rate_limits = limits;
    }

    /// Sets or clears the auto-consent user.
    pub fn set_auto_consent(&self, upn: Option<String>) {
        lock(&self.shared.knobs).auto_consent = upn;
    }

    /// Sets the per-request latency.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared.knobs).latency = latency;
    }

    /// Sets how long (emulator clock) new Graph export operations stay `running`.
    pub fn set_graph_preparation(&self, preparation: Duration) {
        lock(&self.shared.knobs).graph_preparation = preparation;
    }

    /// Sets the rows per blob of Graph exports written from now on.
    pub fn set_graph_rows_per_blob(&self, rows: usize) {
        lock(&self.shared.knobs).graph_rows_per_blob = rows;
    }

    /// Sets the lifetime of the SAS in Graph billing manifests served from now on.
    pub fn set_graph_sas_ttl(&self, ttl: Duration) {
        lock(&self.shared.knobs).graph_sas_ttl = ttl;
    }

    /// Grants or withdraws the admin consent to Graph's `PartnerBilling.Read.All` (tokens
    /// minted from now on carry the scope or not).
    pub fn set_graph_admin_consent(&self, on: bool) {
        lock(&self.shared.knobs).graph_admin_consent = on;
    }

    /// Grants or withdraws the admin's tenant-wide consent to the Pricing API (tokens bought
    /// from now on need the sign-in's own consent when withdrawn).
    pub fn set_pricing_admin_consent(&self, on: bool) {
        lock(&self.shared.knobs).pricing_admin_consent = on;
    }

    /// Turns the v1 cut-over on or off (see [`EmulatorConfig::v1_cutover`]).
    pub fn set_v1_cutover(&self, on: bool) {
        lock(&self.shared.knobs).v1_cutover = on;
    }

    /// Restates `month` as Microsoft does when usage arrives late: every Azure plan resource
    /// reports more usage on the month's last day, so the month's rated usage, its invoices'
    /// lines and totals (v1 and Graph) and the eTag of its Graph exports change; other months
    /// stay as they were. Returns the month's restatement count.
    pub fn restate_month(&self, month: crate::world::Month) -> u32 {
        let version = self.shared.world.restate(month);
        let ids: Vec<String> = Currency::ALL
            .iter()
            .flat_map(|c| {
                [
                    self.shared.world.modern_invoice_id(month, *c),
                    self.shared.world.note_id(month, *c),
                    self.shared.world.legacy_invoice_id(month, *c),
                ]
            })
            .collect();
        let mut totals = lock(&self.shared.invoice_totals);
        for id in ids {
            totals.remove(&id);
        }
        version
    }

    /// Mints an access token for a seeded user without a browser (test convenience).
    /// `resource` is e.g. `https://api.partnercenter.microsoft.com`.
    pub fn mint_access_token(&self, upn: &str, resource: &str, mfa: bool) -> Option<String> {
        let user = self.shared.world.partner.user(upn)?.clone();
        let amr = if mfa { vec!["pwd", "mfa"] } else { vec!["pwd"] };
        Some(identity::access_token(
            &self.shared,
            &user,
            &self.shared.world.partner.tenant_id,
            resource,
            &amr,
            identity::CLIENT_ID,
        ))
    }

    /// Ids of the seeded Azure Stack fixtures (registrations and subscriptions that reach each error code).
    pub fn stack_fixtures(&self) -> arm::StackFixtures {
        lock(&self.shared.stack).fixtures().clone()
    }

    /// The Azure Stack Hub admin ARM endpoint of the seeded Stack on this emulator (a real
    /// operator's is `https://adminmanagement.{region}.{fqdn}`).
    pub fn stack_admin_endpoint(&self) -> String {
        format!("{}{}", self.url, arm::stack_admin::PREFIX)
    }

    /// Container URL with a SAS granting `permissions` (`r` read, `l` list) until `expiry`, for
    /// blobs written by Cost Management export runs into `account`/`container`.
    pub fn blob_sas_url(
        &self,
        account: &str,
        container: &str,
        permissions: &str,
        expiry: chrono::DateTime<chrono::Utc>,
    ) -> String {
        let q = cost_exports::blobs::sas_query(
            self.shared.world.seed,
            account,
            container,
            permissions,
            expiry,
        );
        format!("{}/blobs/{account}/{container}?{q}", self.url)
    }

    /// Writes the files of an export run where the blob endpoint serves them, in `account`'s
    /// `container` (what a run through ARM does, without defining the export first).
    pub fn write_export_run(
        &self,
        account: &str,
        container: &str,
        request: &cost_exports::run::RunRequest,
    ) -> crate::Result<cost_exports::run::RunSummary> {
        let dir = cost_exports::blobs::root(&self.shared)
            .join(account)
            .join(container);
        cost_exports::run::write_run_to_dir(&self.shared.world, request, &dir)
    }

    /// Stops serving and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn router(state: AppState) -> Router {
    Router::new()
        .merge(identity::routes())
        .merge(partner_center::routes())
        .merge(arm::routes())
        .merge(cost_exports::routes())
        .merge(graph::routes())
        .merge(pricing::routes())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            injection::inject_faults,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            echo_ids_and_delay,
        ))
        .with_state(state)
}

/// Route family of a path, used by fault rules and rate limits.
pub(crate) fn route_of(path: &str) -> &'static str {
    let p = path.to_ascii_lowercase();
    if p.starts_with(&graph::BASE.to_ascii_lowercase()) {
        return "graph";
    }
    if p.starts_with(&format!("/blobs/{}/", graph::ACCOUNT)) {
        return "graphblobs";
    }
    if p.starts_with(pricing::BASE) {
        return "pricing";
    }
    let p = p.strip_prefix("/v1").unwrap_or(&p);
    if p.contains("/oauth2/") && (p.ends_with("/token") || p.ends_with("/devicecode")) {
        "token"
    } else if p.contains("/oauth2/") {
        "authorize"
    } else if p.contains("/utilizations/") {
        "utilization"
    } else if p.starts_with("/customers")
        && (p.contains("/subscriptions") || p.contains("azureentitlements"))
    {
        "subscriptions"
    } else if p.starts_with("/customers") {
        "customers"
    } else if p.starts_with("/ratecards") {
        "ratecard"
    } else if p.starts_with("/invoices") && p.contains("/lineitems") {
        "lineitems"
    } else if p.starts_with("/invoices") {
        "invoices"
    } else if p.starts_with(crate::arm::stack_admin::PREFIX) {
        "stackadmin"
    } else if p.contains("microsoft.azurestack") {
        "azurestack"
    } else if p.contains("microsoft.costmanagement") {
        "exports"
    } else if p.starts_with("/blobs") {
        "blobs"
    } else {
        "other"
    }
}

async fn echo_ids_and_delay(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = req.headers().get("ms-requestid").cloned();
    let correlation_id = req.headers().get("ms-correlationid").cloned();
    let latency = state.knobs().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let fresh =
        |s: &Shared| HeaderValue::from_str(&s.next_guid()).unwrap_or(HeaderValue::from_static("0"));
    headers.insert("ms-requestid", request_id.unwrap_or_else(|| fresh(&state)));
    headers.insert(
        "ms-correlationid",
        correlation_id.unwrap_or_else(|| fresh(&state)),
    );
    headers.insert("ms-cv", HeaderValue::from_static("emulator.0"));
    headers.insert("ms-serverid", HeaderValue::from_static("cspdesk-emulator"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_emulator_can_live_in_a_static() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<RunningEmulator>();
    }

    #[test]
    fn routes_are_classified_for_faults_and_limits() {
        assert_eq!(
            route_of("/v1/customers/abc/subscriptions/x/utilizations/azure"),
            "utilization"
        );
        assert_eq!(route_of("/customers/abc/subscriptions"), "subscriptions");
        assert_eq!(route_of("/v1/customers"), "customers");
        assert_eq!(route_of("/v1/invoices/G1/lineitems"), "lineitems");
        assert_eq!(route_of("/common/oauth2/v2.0/token"), "token");
        assert_eq!(
            route_of("/partner/v1.0/sales/fxrates(Month='202604')/$value"),
            "pricing"
        );
    }
}
