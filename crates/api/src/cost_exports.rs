//! Azure MCA partner billing from Cost Management exports, as the app and `cspdesk costs` see
//! it: billing sources per partner account (the SAS URL checked, then kept only in the OS
//! keyring; SQLite holds the container's address and when the SAS expires), importing their
//! new export runs with progress, and the costs split per customer, per customer
//! organization and per pricing model in the actual or amortized view. Adding, renewing and
//! removing sources needs admin access; importing and reading do not.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use cspdesk_cost_exports::{self as exports, ContainerSas, SkipReason};
use cspdesk_partner_api::{KeyringSecrets, SecretStore};
use cspdesk_store::cost_exports::sources::{self, NewSource, Scope, Source};
use cspdesk_store::cost_exports::totals::{self, Filter};
use cspdesk_store::cost_exports::{runs, Dataset};
use cspdesk_store::{accounts, Database, Money, TenantId};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::amount_text::cents;
use crate::{ApiError, ErrorCode};

/// A SAS expiring within this is shown as expiring soon.
pub const SAS_WARNING_DAYS: i64 = 14;

/// The keyring entry of a source's SAS URL.
pub(crate) fn secret_key(source_id: &str) -> String {
    format!("cost-source-{source_id}")
}

/// The billing scope of a source's exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CostScopeKind {
    /// The partner's whole MCA billing account.
    BillingAccount,
    /// One billing profile.
    BillingProfile,
    /// One customer (its tenant id).
    Customer,
}

/// Actual or amortized cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum CostDatasetDto {
    /// As invoiced: commitments as Purchase rows.
    Actual,
    /// Commitments spread over the days they cover, unused parts as their own rows.
    Amortized,
}

impl From<CostDatasetDto> for Dataset {
    fn from(d: CostDatasetDto) -> Dataset {
        match d {
            CostDatasetDto::Actual => Dataset::Actual,
            CostDatasetDto::Amortized => Dataset::Amortized,
        }
    }
}

impl From<Dataset> for CostDatasetDto {
    fn from(d: Dataset) -> CostDatasetDto {
        match d {
            Dataset::Actual => CostDatasetDto::Actual,
            Dataset::Amortized => CostDatasetDto::Amortized,
        }
    }
}

/// A source as listed (never its SAS).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostSourceDto {
    /// Its id.
    pub id: String,
    /// The partner account's id.
    pub account_id: String,
    /// Name.
    pub name: String,
    /// Scope kind.
    pub scope: CostScopeKind,
    /// Billing account / profile id or customer tenant id, when given.
    pub scope_id: Option<String>,
    /// The container's address, without the SAS.
    pub container_url: String,
    /// Folder read inside the container ('' = all).
    pub root_folder: String,
    /// When the SAS stops working (RFC 3339).
    pub sas_expires_at: String,
    /// Whether it has.
    pub sas_expired: bool,
    /// Whether it does within [`SAS_WARNING_DAYS`].
    pub sas_expiring_soon: bool,
    /// Runs imported.
    pub runs: u32,
    /// When the newest run was imported.
    pub last_imported_at: Option<String>,
}

/// What adding a source takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewCostSource {
    /// The partner account (name or id).
    pub account: String,
    /// Name of the source.
    pub name: String,
    /// Scope kind.
    pub scope: CostScopeKind,
    /// Billing account / profile id (optional), or the customer's tenant id (required).
    pub scope_id: Option<String>,
    /// The container's SAS URL (Read + List).
    pub sas_url: String,
    /// Only runs under this folder are read (the exports' rootFolderPath); empty = all.
    pub root_folder: Option<String>,
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn dto(db: &Database, s: Source, now: DateTime<Utc>) -> Result<CostSourceDto, ApiError> {
    let runs = runs::imported(db, &s.id)?;
    let (scope, scope_id) = match s.scope {
        Scope::BillingAccount(id) => (CostScopeKind::BillingAccount, id),
        Scope::BillingProfile(id) => (CostScopeKind::BillingProfile, id),
        Scope::Customer(id) => (CostScopeKind::Customer, Some(id)),
    };
    Ok(CostSourceDto {
        id: s.id,
        account_id: s.account_id,
        name: s.name,
        scope,
        scope_id,
        container_url: s.container_url,
        root_folder: s.root_folder,
        sas_expires_at: time_text(s.sas_expires_at),
        sas_expired: s.sas_expires_at <= now,
        sas_expiring_soon: s.sas_expires_at > now
            && s.sas_expires_at <= now + Duration::days(SAS_WARNING_DAYS),
        runs: u32::try_from(runs.len()).unwrap_or(u32::MAX),
        last_imported_at: runs.iter().map(|r| r.imported_at).max().map(time_text),
    })
}

/// The error of the export reader as it crosses to the UI.
pub fn api_error(e: exports::Error) -> ApiError {
    use exports::Error as E;
    let e = match e {
        E::Store(inner) => return ApiError::from(inner),
        other => other,
    };
    let message = e.to_string();
    let (code, field) = match &e {
        E::NotAUrl { .. }
        | E::NotASas { .. }
        | E::Insecure { .. }
        | E::NotAContainer { .. }
        | E::NoExpiry { .. }
        | E::BadSasField { .. }
        | E::SasNotYetValid { .. }
        | E::SasPermission { .. } => (ErrorCode::Validation, Some("sasUrl")),
        E::SasExpired { .. } | E::SasRejected { .. } => (ErrorCode::SasExpired, Some("sasUrl")),
        E::NotFound { .. } => (ErrorCode::NotFound, None),
        E::AlreadyRunning { .. } => (ErrorCode::AlreadyRunning, None),
        E::Lock { .. } => (ErrorCode::Storage, None),
        E::Storage { .. } | E::Network { .. } => (ErrorCode::Unavailable, None),
        E::BadListing { .. }
        | E::Manifest { .. }
        | E::MissingColumn { .. }
        | E::BadValue { .. }
        | E::BadCsv { .. }
        | E::RowCount { .. } => (ErrorCode::BadResponse, None),
        E::Store(_) => (ErrorCode::Storage, None),
        E::Stopped => (ErrorCode::Internal, None),
    };
    ApiError::new(code, message, field)
}

fn scope_of(kind: CostScopeKind, id: Option<&str>) -> Result<Scope, ApiError> {
    let id = id.map(str::trim).filter(|s| !s.is_empty());
    Ok(match kind {
        CostScopeKind::BillingAccount => Scope::BillingAccount(id.map(str::to_string)),
        CostScopeKind::BillingProfile => Scope::BillingProfile(id.map(str::to_string)),
        CostScopeKind::Customer => {
            let Some(id) = id else {
                return Err(ApiError::new(
                    ErrorCode::Validation,
                    "A customer-scope source needs the customer's tenant id (the id in the export's scope .../customers/ID)",
                    Some("scopeId"),
                ));
            };
            let tenant: TenantId =
                id.parse()
                    .map_err(|e: cspdesk_store::tenant_id::InvalidTenantId| {
                        ApiError::new(ErrorCode::Validation, e.to_string(), Some("scopeId"))
                    })?;
            Scope::Customer(tenant.to_string())
        }
    })
}

/// The sources of `account` (name or id), or of every account, by account and name.
pub fn list_sources(
    db: &Database,
    account: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<CostSourceDto>, ApiError> {
    let account_id = account
        .map(|a| accounts::find(db, a).map(|a| a.id))
        .transpose()?;
    sources::list(db, account_id.as_deref())?
        .into_iter()
        .map(|s| dto(db, s, now))
        .collect()
}

/// Adds a source: the SAS URL is checked at `now`, its container address and expiry are
/// stored, and the SAS URL itself goes to the OS keyring.
pub fn add_source(
    db: &Database,
    input: &NewCostSource,
    now: DateTime<Utc>,
) -> Result<CostSourceDto, ApiError> {
    add_source_with(db, input, now, &KeyringSecrets::new())
}

/// [`add_source`] with another secret store.
pub fn add_source_with(
    db: &Database,
    input: &NewCostSource,
    now: DateTime<Utc>,
    secrets: &dyn SecretStore,
) -> Result<CostSourceDto, ApiError> {
    crate::access::require_admin(db, now, "adding a cost export source")?;
    let account = accounts::find(db, &input.account)?;
    let scope = scope_of(input.scope, input.scope_id.as_deref())?;
    let sas = ContainerSas::parse(&input.sas_url, now).map_err(api_error)?;
    let source = sources::add(
        db,
        &NewSource {
            account_id: &account.id,
            name: &input.name,
            scope,
            container_url: sas.container_url(),
            root_folder: input.root_folder.as_deref().unwrap_or(""),
            sas_expires_at: sas.expires_at(),
        },
        now,
    )?;
    if let Err(e) = secrets.save(&secret_key(&source.id), &sas.to_secret()) {
        // Without its SAS the source could never import: keep neither.
        sources::remove(db, &source.id)?;
        return Err(e.into());
    }
    dto(db, source, now)
}

/// Replaces the SAS of a source (the same container) when it expires or was rotated.
pub fn renew_sas(
    db: &Database,
    account: &str,
    source: &str,
    sas_url: &str,
    now: DateTime<Utc>,
) -> Result<CostSourceDto, ApiError> {
    renew_sas_with(db, account, source, sas_url, now, &KeyringSecrets::new())
}

/// [`renew_sas`] with another secret store.
pub fn renew_sas_with(
    db: &Database,
    account: &str,
    source: &str,
    sas_url: &str,
    now: DateTime<Utc>,
    secrets: &dyn SecretStore,
) -> Result<CostSourceDto, ApiError> {
    crate::access::require_admin(db, now, "renewing a cost export source's SAS")?;
    let account = accounts::find(db, account)?;
    let found = sources::find(db, &account.id, source)?;
    let sas = ContainerSas::parse(sas_url, now).map_err(api_error)?;
    if sas.container_url() != found.container_url {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!(
                "this SAS is for {}, but source {:?} reads {}: create the SAS on that container, or add another source",
                sas.container_url(),
                found.name,
                found.container_url
            ),
            Some("sasUrl"),
        ));
    }
    secrets.save(&secret_key(&found.id), &sas.to_secret())?;
    sources::set_sas_expiry(db, &found.id, sas.expires_at())?;
    dto(db, sources::find(db, &account.id, &found.id)?, now)
}

/// Removes a source, its imported costs and its SAS.
pub fn remove_source(
    db: &Database,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
) -> Result<CostSourceDto, ApiError> {
    remove_source_with(db, account, source, now, &KeyringSecrets::new())
}

/// [`remove_source`] with another secret store.
pub fn remove_source_with(
    db: &Database,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
    secrets: &dyn SecretStore,
) -> Result<CostSourceDto, ApiError> {
    crate::access::require_admin(db, now, "removing a cost export source")?;
    let account = accounts::find(db, account)?;
    let found = sources::find(db, &account.id, source)?;
    let shown = dto(db, found.clone(), now)?;
    // A keyring that fails keeps the source, so no SAS is left behind without an owner.
    secrets.delete(&secret_key(&found.id))?;
    sources::remove(db, &found.id)?;
    Ok(shown)
}

/// Removes the SAS of every source of an account (the account is being removed).
pub(crate) fn forget_secrets(db: &Database, account_id: &str) -> Result<(), ApiError> {
    let secrets = KeyringSecrets::new();
    for s in sources::list(db, Some(account_id))? {
        secrets.delete(&secret_key(&s.id))?;
    }
    Ok(())
}

/// A run imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostRunDto {
    /// Run id.
    pub run_id: String,
    /// Export name.
    pub export_name: String,
    /// Dataset.
    pub dataset: CostDatasetDto,
    /// `YYYYMMDD-YYYYMMDD`.
    pub month_folder: String,
    /// Rows written.
    #[ts(type = "number")]
    pub rows: u64,
    /// The run it replaced (a re-exported month).
    pub replaced: Option<String>,
}

impl From<exports::RunResult> for CostRunDto {
    fn from(r: exports::RunResult) -> Self {
        CostRunDto {
            run_id: r.run_id,
            export_name: r.export_name,
            dataset: r.dataset.into(),
            month_folder: r.month_folder,
            rows: r.rows,
            replaced: r.replaced,
        }
    }
}

/// A run found and left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostSkipDto {
    /// Run id.
    pub run_id: String,
    /// Its manifest's path.
    pub manifest_path: String,
    /// Whether it is simply imported already (the usual case).
    pub already_imported: bool,
    /// Why, in words.
    pub reason: String,
}

/// What importing one source did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostImportDto {
    /// The source's id.
    pub source_id: String,
    /// The source's name.
    pub source_name: String,
    /// Runs (manifests) found.
    pub runs_found: u32,
    /// Runs imported.
    pub imported: Vec<CostRunDto>,
    /// Runs left as they were.
    pub skipped: Vec<CostSkipDto>,
    /// Rows written.
    #[ts(type = "number")]
    pub rows: u64,
    /// Wall time.
    #[ts(type = "number")]
    pub duration_ms: u64,
}

/// Progress of an import, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    rename_all = "camelCase",
    tag = "event",
    rename_all_fields = "camelCase"
)]
pub enum CostImportEvent {
    /// A source's container was listed.
    Listed {
        /// The source.
        source_name: String,
        /// Runs found.
        manifests: u32,
    },
    /// A source's import is planned.
    Planned {
        /// The source.
        source_name: String,
        /// Runs to import.
        runs: u32,
        /// Their rows.
        #[ts(type = "number")]
        rows: u64,
    },
    /// A run is being read.
    Rows {
        /// Run id.
        run_id: String,
        /// Rows read.
        #[ts(type = "number")]
        done: u64,
        /// Rows in the run.
        #[ts(type = "number")]
        total: u64,
    },
    /// A run was imported.
    RunImported {
        /// The run.
        run: CostRunDto,
    },
}

/// Imports the new export runs of the sources of `account` (only `source`, when given), one
/// source after the other, reporting progress to `progress`. The first failure stops the
/// import with its error; runs committed before it stay (each run is whole).
pub fn import(
    db: &mut Database,
    account: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(CostImportEvent),
) -> Result<Vec<CostImportDto>, ApiError> {
    import_with(db, account, source, now, progress, &KeyringSecrets::new())
}

/// [`import`] for async callers (the app): on a blocking thread, since the storage client
/// blocks and tokio's workers must not, through a connection of its own, so a run's batches
/// commit while the rest of the app keeps reading.
pub async fn import_in_background(
    db_path: std::path::PathBuf,
    account: String,
    source: Option<String>,
    now: DateTime<Utc>,
    mut progress: impl FnMut(CostImportEvent) + Send + 'static,
) -> Result<Vec<CostImportDto>, ApiError> {
    tokio::task::spawn_blocking(move || {
        let mut db = Database::open(&db_path)?;
        import(&mut db, &account, source.as_deref(), now, &mut progress)
    })
    .await
    .map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!(
                "the import of cost exports stopped unexpectedly ({e}): import again, and report it if it repeats"
            ),
            None,
        )
    })?
}

/// [`import`] with another secret store.
pub fn import_with(
    db: &mut Database,
    account: &str,
    source: Option<&str>,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(CostImportEvent),
    secrets: &dyn SecretStore,
) -> Result<Vec<CostImportDto>, ApiError> {
    if db.is_read_only() {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "This database is open read-only: importing cost exports needs CSP Desk started without --read-only.",
            None,
        ));
    }
    let account = accounts::find(db, account)?;
    let chosen = match source {
        Some(s) => vec![sources::find(db, &account.id, s)?],
        None => sources::list(db, Some(&account.id))?,
    };
    if chosen.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!(
                "Account {:?} has no cost export source: add one with its container's SAS URL first",
                account.name
            ),
            None,
        ));
    }
    let mut out = Vec::new();
    for s in chosen {
        let secret = secrets.load(&secret_key(&s.id))?.ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!(
                    "the SAS URL of source {:?} is not in this machine's keyring: renew the source with its container's SAS URL",
                    s.name
                ),
                Some("sasUrl"),
            )
        })?;
        let sas = ContainerSas::from_secret(&secret, now).map_err(api_error)?;
        let name = s.name.clone();
        let summary = exports::import(db, &s, &sas, now, &mut |p| {
            let event = match p {
                exports::Progress::Listed { manifests } => CostImportEvent::Listed {
                    source_name: name.clone(),
                    manifests: u32::try_from(manifests).unwrap_or(u32::MAX),
                },
                exports::Progress::Planned { runs, rows, .. } => CostImportEvent::Planned {
                    source_name: name.clone(),
                    runs: u32::try_from(runs).unwrap_or(u32::MAX),
                    rows,
                },
                exports::Progress::Rows {
                    run_id,
                    done,
                    total,
                } => CostImportEvent::Rows {
                    run_id,
                    done,
                    total,
                },
                exports::Progress::RunImported(r) => CostImportEvent::RunImported { run: r.into() },
                exports::Progress::RunStarted { .. } => return,
            };
            progress(event);
        })
        .map_err(api_error)?;
        out.push(CostImportDto {
            source_id: s.id,
            source_name: s.name,
            runs_found: u32::try_from(summary.runs_found).unwrap_or(u32::MAX),
            imported: summary.imported.into_iter().map(Into::into).collect(),
            skipped: summary
                .skipped
                .into_iter()
                .map(|k| CostSkipDto {
                    already_imported: k.reason == SkipReason::AlreadyImported,
                    reason: k.reason.to_string(),
                    run_id: k.run_id,
                    manifest_path: k.manifest_path,
                })
                .collect(),
            rows: summary.rows,
            duration_ms: u64::try_from(summary.elapsed.as_millis()).unwrap_or(u64::MAX),
        });
    }
    Ok(out)
}

/// A customer's cost in a month and currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostCustomerTotalDto {
    /// `YYYY-MM`.
    pub month: String,
    /// customerTenantId; `None` for costs that name no customer.
    pub customer_tenant_id: Option<String>,
    /// customerName as exported.
    pub customer_name: String,
    /// The customer's organization id, when it is in one.
    pub organization_id: Option<String>,
    /// Its name.
    pub organization_name: Option<String>,
    /// Currency.
    pub currency: String,
    /// Cost rows.
    pub rows: u32,
    /// Σ costInBillingCurrency.
    pub cost: String,
    /// Of which reservations and savings plans.
    pub commitment_cost: String,
    /// The same usage at pay-as-you-go prices.
    pub payg_cost: String,
}

/// An organization's cost in a month and currency: the sum of its customers'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostOrganizationTotalDto {
    /// `YYYY-MM`.
    pub month: String,
    /// Organization id.
    pub organization_id: String,
    /// Its name.
    pub organization_name: String,
    /// Currency.
    pub currency: String,
    /// Customers with costs.
    pub customers: u32,
    /// Σ of their costs.
    pub cost: String,
}

/// Cost of one pricing model and charge type in a month and currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostPricingModelTotalDto {
    /// `YYYY-MM`.
    pub month: String,
    /// `On Demand`, `Reservation`, `SavingsPlan`, `Spot` ('' when not given).
    pub pricing_model: String,
    /// `Usage`, `Purchase`, `Refund`, `UnusedReservation`, `UnusedSavingsPlan`...
    pub charge_type: String,
    /// Whether it is a reservation or savings plan.
    pub commitment: bool,
    /// Currency.
    pub currency: String,
    /// Cost rows.
    pub rows: u32,
    /// Σ costInBillingCurrency.
    pub cost: String,
}

/// An account's imported costs split per customer, organization and pricing model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostSplitDto {
    /// The partner account's id.
    pub account_id: String,
    /// The view.
    pub dataset: CostDatasetDto,
    /// The month shown (`None`: every month).
    pub month: Option<String>,
    /// Months with imported costs, newest first.
    pub months: Vec<String>,
    /// Per customer, month and currency (by month, then customer name).
    pub customers: Vec<CostCustomerTotalDto>,
    /// Per organization, month and currency.
    pub organizations: Vec<CostOrganizationTotalDto>,
    /// Per pricing model, charge type, month and currency.
    pub pricing_models: Vec<CostPricingModelTotalDto>,
    /// Per currency, everything shown (the customers' rows added up exactly, for a totals row).
    pub totals: Vec<CostCurrencyTotalDto>,
}

/// The costs shown in one currency, added up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostCurrencyTotalDto {
    /// Currency.
    pub currency: String,
    /// Rows.
    pub rows: u32,
    /// Cost.
    pub cost: String,
    /// Of which reservations and savings plans.
    pub commitment_cost: String,
    /// What the same usage costs at pay-as-you-go prices (Σ paygCostInBillingCurrency).
    pub payg_cost: String,
}

fn month_arg(month: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(m) = month.map(str::trim).filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if chrono::NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").is_err() || m.len() != 7 {
        return Err(ApiError::new(
            ErrorCode::Validation,
            format!("{m:?} is not a month: use YYYY-MM (e.g. 2026-02)"),
            Some("month"),
        ));
    }
    Ok(Some(m.to_string()))
}

fn count(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The imported costs of `account` in the `dataset` view, for one month or all.
pub fn split(
    db: &Database,
    account: &str,
    dataset: CostDatasetDto,
    month: Option<&str>,
) -> Result<CostSplitDto, ApiError> {
    let account = accounts::find(db, account)?;
    let month = month_arg(month)?;
    let filter = Filter {
        account_id: &account.id,
        dataset: dataset.into(),
        month: month.as_deref(),
    };
    let per_customer = totals::per_customer(db, &filter)?;
    let mut organizations: std::collections::BTreeMap<
        (String, String, String),
        (String, u32, Money),
    > = Default::default();
    for t in &per_customer {
        if let Some(org) = &t.organization {
            let e = organizations
                .entry((
                    t.billing_month.clone(),
                    org.name.to_lowercase(),
                    t.currency.clone(),
                ))
                .or_insert_with(|| (org.id.clone(), 0, Money::ZERO));
            e.1 += 1;
            e.2 += t.cost;
        }
    }
    let mut per_currency: std::collections::BTreeMap<String, (u64, Money, Money, Money)> =
        Default::default();
    for t in &per_customer {
        let e = per_currency.entry(t.currency.clone()).or_insert((
            0,
            Money::ZERO,
            Money::ZERO,
            Money::ZERO,
        ));
        e.0 += t.rows;
        e.1 += t.cost;
        e.2 += t.commitment_cost;
        e.3 += t.payg_cost;
    }
    let org_names: std::collections::HashMap<String, String> = per_customer
        .iter()
        .filter_map(|t| t.organization.as_ref())
        .map(|o| (o.id.clone(), o.name.clone()))
        .collect();
    Ok(CostSplitDto {
        account_id: account.id.clone(),
        dataset,
        months: totals::months(db, &account.id)?,
        month: month.clone(),
        organizations: organizations
            .into_iter()
            .map(
                |((month, _, currency), (id, customers, cost))| CostOrganizationTotalDto {
                    month,
                    organization_name: org_names.get(&id).cloned().unwrap_or_default(),
                    organization_id: id,
                    currency,
                    customers,
                    cost: cents(cost.amount()),
                },
            )
            .collect(),
        customers: per_customer
            .into_iter()
            .map(|t| CostCustomerTotalDto {
                month: t.billing_month,
                customer_tenant_id: t.customer_tenant_id,
                customer_name: t.customer_name,
                organization_id: t.organization.as_ref().map(|o| o.id.clone()),
                organization_name: t.organization.map(|o| o.name),
                currency: t.currency,
                rows: count(t.rows),
                cost: cents(t.cost.amount()),
                commitment_cost: cents(t.commitment_cost.amount()),
                payg_cost: cents(t.payg_cost.amount()),
            })
            .collect(),
        totals: per_currency
            .into_iter()
            .map(
                |(currency, (rows, cost, commitment, payg))| CostCurrencyTotalDto {
                    currency,
                    rows: count(rows),
                    cost: cents(cost.amount()),
                    commitment_cost: cents(commitment.amount()),
                    payg_cost: cents(payg.amount()),
                },
            )
            .collect(),
        pricing_models: totals::per_pricing_model(db, &filter)?
            .into_iter()
            .map(|t| CostPricingModelTotalDto {
                month: t.billing_month,
                commitment: totals::is_commitment(&t.pricing_model),
                pricing_model: t.pricing_model,
                charge_type: t.charge_type,
                currency: t.currency,
                rows: count(t.rows),
                cost: cents(t.cost.amount()),
            })
            .collect(),
    })
}

/// One cost row of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostRowDto {
    /// Unique among the rows shown (where the row was read).
    pub key: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// invoiceId.
    pub invoice_id: Option<String>,
    /// Azure subscription id.
    pub subscription_id: Option<String>,
    /// Its name.
    pub subscription_name: Option<String>,
    /// Meter.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Product.
    pub product_name: Option<String>,
    /// chargeType.
    pub charge_type: String,
    /// PricingModel.
    pub pricing_model: Option<String>,
    /// The reservation or savings plan.
    pub benefit_name: Option<String>,
    /// Quantity (decimal text).
    pub quantity: Option<String>,
    /// Unit.
    pub unit_of_measure: Option<String>,
    /// Effective price (decimal text).
    pub effective_price: Option<String>,
    /// costInBillingCurrency.
    pub cost: String,
    /// Currency.
    pub currency: String,
}

/// A page of a customer's cost rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CostRowsPageDto {
    /// Rows in all.
    #[ts(type = "number")]
    pub total: u64,
    /// Where this page starts.
    #[ts(type = "number")]
    pub offset: u64,
    /// This page.
    pub rows: Vec<CostRowDto>,
}

/// Most rows one page returns.
pub const MAX_PAGE: u64 = 5_000;

/// A page of the cost rows of customer `tenant` (by date) in the `dataset` view.
pub fn customer_rows(
    db: &Database,
    account: &str,
    tenant: &str,
    dataset: CostDatasetDto,
    month: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<CostRowsPageDto, ApiError> {
    let account = accounts::find(db, account)?;
    let month = month_arg(month)?;
    let page = totals::customer_rows(
        db,
        &Filter {
            account_id: &account.id,
            dataset: dataset.into(),
            month: month.as_deref(),
        },
        tenant,
        offset,
        limit.clamp(1, MAX_PAGE),
    )?;
    Ok(CostRowsPageDto {
        total: page.total,
        offset,
        rows: page
            .rows
            .into_iter()
            .map(|r| CostRowDto {
                key: r.key,
                date: r.date.format("%Y-%m-%d").to_string(),
                invoice_id: r.invoice_id,
                subscription_id: r.subscription_id,
                subscription_name: r.subscription_name,
                meter_name: r.meter_name,
                meter_category: r.meter_category,
                product_name: r.product_name,
                charge_type: r.charge_type,
                pricing_model: r.pricing_model,
                benefit_name: r.benefit_name,
                quantity: r.quantity.map(|q| q.normalize().to_string()),
                unit_of_measure: r.unit_of_measure,
                effective_price: r.effective_price.map(|p| p.normalize().to_string()),
                cost: cents(r.cost.amount()),
                currency: r.currency,
            })
            .collect(),
    })
}

/// A customer's Azure cost in the newest month imported from Cost Management exports (actual
/// cost), for the Customers page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportedCostDto {
    /// `YYYY-MM`: the newest month imported for the customer's partner account.
    pub month: String,
    /// costInBillingCurrency summed.
    pub cost: String,
    /// Currency.
    pub currency: String,
}

/// Each account's newest imported month with its customers' actual cost (accounts with
/// sources only).
fn newest_month_totals(
    db: &Database,
) -> Result<Vec<(String, String, Vec<totals::CustomerTotal>)>, ApiError> {
    let mut accounts: Vec<String> = sources::list(db, None)?
        .into_iter()
        .map(|s| s.account_id)
        .collect();
    accounts.sort();
    accounts.dedup();
    let mut out = Vec::new();
    for account_id in accounts {
        let Some(month) = totals::months(db, &account_id)?.into_iter().next() else {
            continue;
        };
        let filter = Filter {
            account_id: &account_id,
            dataset: Dataset::Actual,
            month: Some(&month),
        };
        let customers = totals::per_customer(db, &filter)?;
        out.push((account_id, month, customers));
    }
    Ok(out)
}

/// Each customer's actual cost in the newest month its account imported, by (account id,
/// lowercase tenant id). A customer billed in two currencies that month is left out: one
/// figure would mislead, and the Azure costs page shows both.
pub(crate) fn newest_month_per_customer(
    db: &Database,
) -> Result<std::collections::HashMap<(String, String), ExportedCostDto>, ApiError> {
    let mut out = std::collections::HashMap::new();
    let mut mixed = std::collections::HashSet::new();
    for (account_id, month, customers) in newest_month_totals(db)? {
        for t in customers {
            let Some(tenant) = t.customer_tenant_id else {
                continue;
            };
            let key = (account_id.clone(), tenant.to_lowercase());
            if out.contains_key(&key) {
                mixed.insert(key);
                continue;
            }
            out.insert(
                key,
                ExportedCostDto {
                    month: month.clone(),
                    cost: cents(t.cost.amount()),
                    currency: t.currency,
                },
            );
        }
    }
    for key in mixed {
        out.remove(&key);
    }
    Ok(out)
}

/// The customers' actual cost in one currency in the newest month imported.
pub(crate) struct ExportedMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// (customer name, cost), largest first.
    pub customers: Vec<(String, rust_decimal::Decimal)>,
}

/// Per billing currency, the customers' actual cost in the newest month imported from Cost
/// Management exports (every account with sources). For the Dashboard, whose other figures
/// come from invoices and rated usage.
pub(crate) fn newest_month_by_currency(
    db: &Database,
) -> Result<std::collections::BTreeMap<String, ExportedMonth>, ApiError> {
    let mut by: std::collections::BTreeMap<String, ExportedMonth> = Default::default();
    for (_, month, customers) in newest_month_totals(db)? {
        for t in customers {
            let entry = by
                .entry(t.currency.clone())
                .or_insert_with(|| ExportedMonth {
                    month: month.clone(),
                    customers: Vec::new(),
                });
            if entry.month < month {
                *entry = ExportedMonth {
                    month: month.clone(),
                    customers: Vec::new(),
                };
            }
            if entry.month == month {
                let name = if t.customer_name.is_empty() {
                    "(no customer)".to_string()
                } else {
                    t.customer_name
                };
                entry.customers.push((name, t.cost.amount()));
            }
        }
    }
    for e in by.values_mut() {
        e.customers
            .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    }
    Ok(by)
}
