//! What the cost export operations exchange with the shells: sources, import progress and
//! results, and the costs split per customer, organization and pricing model.

use cspdesk_cost_exports::{self as exports};
use cspdesk_store::cost_exports::Dataset;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
