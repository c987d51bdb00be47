//! What the Dashboard receives: figures per billing currency and its charts as SVG.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthFiguresDto {
    /// `YYYY-MM`.
    pub period: String,
    /// Microsoft's cost (invoiced; rated so far for the open month).
    pub cost: String,
    /// What customers are billed.
    pub resale: String,
    /// Whether the month is still open (figures so far, usage only).
    pub open: bool,
    /// A closed month Microsoft has not invoiced yet (invoices come early in the next month):
    /// its figures are rated usage with markups, not an invoice.
    pub not_invoiced: bool,
}

/// A customer's figures in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerFiguresDto {
    /// Partner account id.
    pub account_id: String,
    /// Customer id.
    pub customer_id: String,
    /// Company name.
    pub name: String,
    /// Cost.
    pub cost: String,
    /// Resale.
    pub resale: String,
    /// Resale − cost.
    pub margin: String,
}

/// The charts of one currency, as SVG text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ChartDto {
    /// `trend`, `topCustomers`, `margin`, `categories`, `exportedCosts` (Azure costs from
    /// Cost Management exports, when imported).
    pub id: String,
    /// Its title.
    pub title: String,
    /// The SVG.
    pub svg: String,
}

/// Azure (MCA) costs of customers billed through Cost Management exports in the newest month
/// imported: the `exportedCosts` chart's figures, so the page can draw and read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportedCostsDto {
    /// `YYYY-MM`.
    pub month: String,
    /// (customer name, cost to the cent), largest first (at most 10, as charted).
    pub customers: Vec<(String, String)>,
}

/// Where the partner's gain of the open month comes from, so far: partner earned credit,
/// tiers and discounts (`savings = list − effective`) and markups (`markup = resale − cost`,
/// the monthly fees included). Rated usage only; exact sums of the rated lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MonthGainDto {
    /// `YYYY-MM`.
    pub period: String,
    /// List cost (the sheets' list prices).
    pub list: String,
    /// Effective cost (after credit, tiers and discounts, before Microsoft's floor).
    pub effective: String,
    /// `list − effective`.
    pub savings: String,
    /// Microsoft's cost (rated, as invoiced).
    pub cost: String,
    /// What customers are billed.
    pub resale: String,
    /// `resale − cost`.
    pub markup: String,
}

/// Everything of one billing currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CurrencyDashboardDto {
    /// Billing currency.
    pub currency: String,
    /// Oldest first, the open month last.
    pub months: Vec<MonthFiguresDto>,
    /// The last invoiced month (`YYYY-MM`), which the rankings are of.
    pub ranked_period: Option<String>,
    /// By cost, largest first (at most 10).
    pub top_customers: Vec<CustomerFiguresDto>,
    /// By margin, largest first (at most 10).
    pub top_margins: Vec<CustomerFiguresDto>,
    /// Rated cost by meter category of the ranked month, largest first: (category, cost).
    pub categories: Vec<(String, String)>,
    /// Rated cost of the open month so far.
    pub month_to_date: String,
    /// Rated cost of the month before, over the same days.
    pub last_month_same_days: String,
    /// Rated cost of the whole month before.
    pub last_month: String,
    /// The open month's savings and markup so far (None until its usage is rated).
    pub month_to_date_gain: Option<MonthGainDto>,
    /// Azure costs from Cost Management exports, when imported in this currency.
    pub exported_costs: Option<ExportedCostsDto>,
    /// The charts.
    pub charts: Vec<ChartDto>,
}

/// The Dashboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DashboardDto {
    /// Largest cost first.
    pub currencies: Vec<CurrencyDashboardDto>,
}
