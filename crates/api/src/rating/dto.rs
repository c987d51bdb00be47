//! What rating, reconciliation and the cost pages send to the shells.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What one `rate` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RateSummaryDto {
    /// The customer-periods rated (or refused) this time, by account, customer and period.
    pub periods: Vec<RatedPeriodDto>,
    /// Customer-periods rated.
    pub rated: u32,
    /// Customer-periods that could not be rated (each says why).
    pub refused: u32,
    /// Customer-periods left as they were: nothing they depend on changed.
    pub unchanged: u32,
    /// Customer-periods whose usage is gone, removed with their lines.
    pub removed: u32,
    /// Rated lines written.
    pub lines_written: u64,
}

/// One customer-period rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatedPeriodDto {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Customer id.
    pub customer_id: String,
    /// Company name, when discovered.
    pub customer_name: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    /// Usage records read.
    pub usage_records: u64,
    /// Lines written.
    pub lines: u32,
    /// Billing currency of the cost.
    pub currency: Option<String>,
    /// Rated cost, a decimal string.
    pub cost: Option<String>,
    /// Why it could not be rated (then it has no lines).
    pub refused: Option<String>,
}

/// One customer's reconciliation for a period: our rated Azure plan cost against the
/// invoice's daily rated usage. Legacy (0145P) usage has no daily rated usage on the invoice
/// and takes no part; a customer with legacy usage only is refused with that reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationDto {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Customer id.
    pub customer: String,
    /// Company name, when discovered.
    pub customer_name: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: Option<String>,
    /// `billed` (the invoice), `unbilled` (the open period's usage so far) or `mixed`.
    pub invoice_state: Option<String>,
    /// Our rated cost (sum of our lines' billing totals), when we have lines.
    pub rated: Option<String>,
    /// The invoice's daily rated usage (sum of `billingPreTaxTotal`), when it has lines.
    pub invoiced: Option<String>,
    /// What the customer is billed for the usage behind `rated`: its rated lines marked up
    /// with its markups (its own, else its organization's), rounded per line as Customers
    /// and Billing do; the monthly fee is billed with the invoice, not with usage, and is left
    /// out. Absent without rated lines. Worked out by `billing::reconciliation`, which sits
    /// above the markups.
    pub resale: Option<String>,
    /// `resale − invoiced`: what the customer's usage earns over Microsoft's charge for it.
    pub margin: Option<String>,
    /// `invoiced − rated`; absent when refused.
    pub difference: Option<String>,
    /// The difference per cause (`missingUsage`, `lateUsage`, `tierBoundary`,
    /// `priceMismatch`, `partnerEarnedCredit`, `fx`, `rounding`, `setAside`); causes of zero
    /// are left out.
    pub causes: BTreeMap<String, String>,
    /// What the invoice's own lines do not account for by Microsoft's documented formula;
    /// absent when refused.
    pub unexplained: Option<String>,
    /// Why there is no figure: one side has no data, or the customer could not be rated.
    pub refused: Option<String>,
    /// Lines (Azure subscription, meter, day) compared.
    pub lines_compared: u32,
    /// Of those, lines equal to the cent.
    pub lines_matched: u32,
    /// The lines that differ, largest difference first (at most 20).
    pub differences: Vec<ReconciliationLineDto>,
    /// The invoice's lines of this customer and period that Discovery set aside (an
    /// essential field missing): their keys' difference is the `setAside` cause; the run's
    /// details show each item.
    pub set_aside_lines: u32,
}

/// One line (Azure plan, Azure subscription, meter, day) that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationLineDto {
    /// Azure plan.
    pub subscription_id: String,
    /// Azure subscription.
    pub entitlement_id: String,
    /// Meter id.
    pub meter_id: String,
    /// Usage day, `YYYY-MM-DD`.
    pub usage_date: String,
    /// Ours.
    pub rated: String,
    /// The invoice's.
    pub invoiced: String,
    /// `invoiced − rated`.
    pub difference: String,
    /// Per cause, zeros left out.
    pub causes: BTreeMap<String, String>,
    /// Not accounted for by the invoice's own figures.
    pub unexplained: String,
}

/// A billing period the Reconciliation page can open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeriodDto {
    /// `YYYY-MM`.
    pub period: String,
    /// Customers rated in it.
    pub rated: u32,
    /// Customers whose usage could not be rated.
    pub refused: u32,
    /// Whether its invoice is stored (else it is the open period, compared with unbilled
    /// usage).
    pub invoiced: bool,
}

/// One period's reconciliation as the Reconciliation page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeriodReconciliationDto {
    /// `YYYY-MM`.
    pub period: String,
    /// One per customer, by account then company name.
    pub customers: Vec<ReconciliationDto>,
    /// The customers compared (not refused), added up per billing currency.
    pub totals: Vec<ReconciliationTotalDto>,
    /// The period's new-commerce licence charges checked against their term's licence sheet
    /// price: those billed away from it, with both prices.
    pub licences: super::licence_check::LicenceCheckDto,
}

/// The customers of one billing currency, compared and not, added up exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationTotalDto {
    /// Billing currency.
    pub currency: String,
    /// Customers compared.
    pub customers: u32,
    /// Of those, equal to the cent.
    pub matched: u32,
    /// Σ rated.
    pub rated: String,
    /// Σ invoiced.
    pub invoiced: String,
    /// Σ difference.
    pub difference: String,
    /// Σ per cause, zeros left out.
    pub causes: BTreeMap<String, String>,
    /// Σ unexplained.
    pub unexplained: String,
    /// Customers of this currency left out of the comparison (each says why), so a headline
    /// never reads "all matched" while some were not compared.
    pub not_compared: u32,
    /// Σ rated of the customers not compared.
    pub not_compared_rated: String,
    /// Σ invoiced of the customers not compared; with `invoiced` it is the invoice's usage.
    pub not_compared_invoiced: String,
    /// Σ resale of every customer of the currency, compared or not.
    pub resale: String,
    /// Σ margin of every customer of the currency with one.
    pub margin: String,
    /// Licences, reservations, marketplace, one-time purchases and the legacy charges of
    /// customers compared on their Azure plan: what the period's invoices (so far, for the
    /// open period) charge besides the usage compared or not compared above.
    pub other_charges: String,
    /// Σ `totalCharges` of the period's invoices in this currency; absent for a period not
    /// invoiced in it. `invoiced + not_compared_invoiced + other_charges + invoice_rest` is
    /// this, to the cent.
    pub invoice_total: Option<String>,
    /// What the invoices charge beyond those parts: invoice lines not read yet, or usage
    /// lines that do not add up to Microsoft's daily usage. Zero when all is read and agrees.
    pub invoice_rest: String,
}

/// A customer's rated cost in a period (the Customers page's month-to-date cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCostDto {
    /// Partner account id.
    pub account_id: String,
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Azure plan + legacy, a decimal string.
    pub cost: String,
    /// Azure plan part.
    pub azure_plan: String,
    /// Legacy part.
    pub legacy: String,
    /// Rated lines.
    pub lines: u32,
    /// When last rated (RFC 3339).
    pub rated_at: String,
}

/// Where the reading of Microsoft's prices after a Discovery run stands. They are their own
/// import run (kind pricing) with their own request count, shown beside Discovery's: the
/// Discovery run is recorded before they start, and the history counts each run's requests
/// once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PricesProgressDto {
    /// The prices' import run.
    pub run_id: String,
    /// The file being read, from 1.
    pub file: u32,
    /// Files to read.
    pub files: u32,
    /// `azure_consumption`, `updatedlicensebased` or `fxRates`.
    pub view: String,
    /// Market (none for FX rates).
    pub market: Option<String>,
    /// `YYYY-MM`.
    pub month: String,
    /// Rows of this file written so far.
    pub rows: u32,
    /// Rows of every file so far.
    pub rows_written: u32,
    /// Pricing API requests so far (retries included).
    pub requests: u32,
}
