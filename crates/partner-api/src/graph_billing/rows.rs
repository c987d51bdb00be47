//! The rows of the export files, with Microsoft's PascalCase attribute names (Graph docs:
//! partners-billing-attributeset; the C# sample's Models/BilledUsage.cs), and their way into
//! the Partner Center wire types the rest of the product already reads: one mapping from
//! there to the store, whichever API a row came from.
//!
//! As for the v1 line items, only what a row cannot do without is required (who it bills,
//! its amount, its day, its meter); everything else is optional. Amounts are exact decimals
//! whether sent as numbers or as strings.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::line_items::{BilledLineItem, DailyRatedUsageLineItem};

/// A row type of an export file, with the checks serde cannot make.
pub trait GraphRow {
    /// `Err((field, reason))` when a row reads but cannot be used as it is.
    fn check(&self) -> Result<(), (&'static str, String)> {
        Ok(())
    }
}

/// A daily rated usage row of a billed or unbilled usage export.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UsageRow {
    /// Customer tenant id.
    pub customer_id: String,
    /// Customer name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Invoice number (empty when unbilled).
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Azure plan commerce subscription id.
    pub subscription_id: String,
    /// Azure subscription id.
    #[serde(default)]
    pub entitlement_id: Option<String>,
    /// Usage day.
    #[serde(deserialize_with = "super::dates::required")]
    pub usage_date: DateTime<Utc>,
    /// Meter id (only in the `full` attribute set).
    pub meter_id: String,
    /// Meter name.
    #[serde(default)]
    pub meter_name: Option<String>,
    /// Meter category.
    #[serde(default)]
    pub meter_category: Option<String>,
    /// Meter subcategory.
    #[serde(default)]
    pub meter_sub_category: Option<String>,
    /// Meter region.
    #[serde(default)]
    pub meter_region: Option<String>,
    /// Resource URI.
    #[serde(default, rename = "ResourceURI")]
    pub resource_uri: Option<String>,
    /// Unit of measure.
    #[serde(default)]
    pub unit: Option<String>,
    /// Charge type.
    #[serde(default)]
    pub charge_type: Option<String>,
    /// Units.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub quantity: Decimal,
    /// Unit price (pricing currency).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub unit_price: Option<Decimal>,
    /// Effective unit price after the credit (pricing currency).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub effective_unit_price: Option<Decimal>,
    /// Pre-tax total in the billing currency.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub billing_pre_tax_total: Decimal,
    /// Billing currency.
    pub billing_currency: String,
    /// Pre-tax total in the pricing currency.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub pricing_pre_tax_total: Option<Decimal>,
    /// Pricing currency.
    #[serde(default)]
    pub pricing_currency: Option<String>,
    /// Pricing to billing currency rate.
    #[serde(
        default,
        rename = "PCToBCExchangeRate",
        deserialize_with = "crate::decimal::optional"
    )]
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Partner earned credit as a percentage (0 or 15; absent in the `basic` set).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub partner_earned_credit_percentage: Option<Decimal>,
    /// `CreditType` as sent.
    #[serde(default)]
    pub credit_type: Option<String>,
}

impl GraphRow for UsageRow {
    fn check(&self) -> Result<(), (&'static str, String)> {
        match crate::earned_credit::rate_from_percentage(self.partner_earned_credit_percentage) {
            Some(_) => Ok(()),
            None => Err((
                "PartnerEarnedCreditPercentage",
                format!(
                    "{} is not a percentage between 0 and 100",
                    self.partner_earned_credit_percentage.unwrap_or_default()
                ),
            )),
        }
    }
}

impl UsageRow {
    /// The same row as Partner Center's v1 daily rated usage line, which Discovery maps into
    /// the store (its credit as a rate: 15 -> 0.15).
    pub fn into_line_item(self) -> DailyRatedUsageLineItem {
        let rate =
            crate::earned_credit::rate_from_percentage(self.partner_earned_credit_percentage)
                .unwrap_or_default();
        DailyRatedUsageLineItem {
            customer_id: self.customer_id,
            // As sent (an unbilled row's is empty), as v1 rows are kept.
            invoice_number: self.invoice_number,
            subscription_id: self.subscription_id,
            entitlement_id: self.entitlement_id,
            usage_date: self.usage_date,
            meter_id: self.meter_id,
            meter_name: self.meter_name,
            meter_category: self.meter_category,
            meter_region: self.meter_region,
            resource_uri: self.resource_uri,
            unit_of_measure: self.unit,
            charge_type: self.charge_type,
            quantity: self.quantity,
            unit_price: self.unit_price,
            effective_unit_price: self.effective_unit_price,
            billing_pre_tax_total: self.billing_pre_tax_total,
            billing_currency: self.billing_currency,
            pricing_pre_tax_total: self.pricing_pre_tax_total,
            pricing_currency: self.pricing_currency,
            pc_to_bc_exchange_rate: self.pc_to_bc_exchange_rate,
            rate_of_partner_earned_credit: Some(rate),
            credit_type: self.credit_type,
        }
    }
}

/// A reconciliation line of a billed or unbilled reconciliation export: the new-commerce
/// reconciliation file's columns (Partner Center's `OneTimeInvoiceLineItem`, PascalCase).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReconciliationRow {
    /// Customer tenant id.
    pub customer_id: String,
    /// Customer name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Invoice number (empty when unbilled).
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Product id.
    #[serde(default)]
    pub product_id: Option<String>,
    /// SKU id.
    #[serde(default)]
    pub sku_id: Option<String>,
    /// Product name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// SKU name.
    #[serde(default)]
    pub sku_name: Option<String>,
    /// Charge type (`new`, `renew`, `cycleCharge`, ...).
    #[serde(default)]
    pub charge_type: Option<String>,
    /// Commerce subscription id.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Subscription description.
    #[serde(default)]
    pub subscription_description: Option<String>,
    /// Term and billing cycle in words.
    #[serde(default)]
    pub term_and_billing_cycle: Option<String>,
    /// Unit price.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub unit_price: Decimal,
    /// Effective unit price.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub effective_unit_price: Option<Decimal>,
    /// Quantity.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub quantity: Decimal,
    /// Billable quantity.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub billable_quantity: Option<Decimal>,
    /// Subtotal before tax.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub subtotal: Decimal,
    /// Tax.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub tax_total: Option<Decimal>,
    /// Total (`Total` in the export; `TotalForCustomer` in the portal's file).
    #[serde(
        default,
        alias = "Total",
        deserialize_with = "crate::decimal::optional"
    )]
    pub total_for_customer: Option<Decimal>,
    /// Billing currency.
    pub currency: String,
    /// Pricing to billing currency rate.
    #[serde(
        default,
        rename = "PCToBCExchangeRate",
        deserialize_with = "crate::decimal::optional"
    )]
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Charge start as sent.
    #[serde(default)]
    pub charge_start_date: Option<String>,
    /// Charge end as sent.
    #[serde(default)]
    pub charge_end_date: Option<String>,
    /// The billing event that created the line (a purchase or a renewal).
    #[serde(default)]
    pub order_date: Option<String>,
    /// Subscription start (a `full` export's column, not a `basic` one's).
    #[serde(default)]
    pub subscription_start_date: Option<String>,
    /// Subscription end (`full` only).
    #[serde(default)]
    pub subscription_end_date: Option<String>,
}

impl GraphRow for ReconciliationRow {}

impl ReconciliationRow {
    /// The same line as Partner Center's v1 billed reconciliation line.
    pub fn into_line_item(self) -> BilledLineItem {
        BilledLineItem {
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            invoice_number: self.invoice_number,
            product_id: self.product_id.unwrap_or_default(),
            sku_id: self.sku_id,
            product_name: self.product_name,
            sku_name: self.sku_name,
            charge_type: self.charge_type.unwrap_or_default(),
            subscription_id: self.subscription_id.filter(|s| !s.trim().is_empty()),
            unit_price: self.unit_price,
            effective_unit_price: self.effective_unit_price,
            quantity: self.quantity,
            billable_quantity: self.billable_quantity,
            subtotal: self.subtotal,
            tax_total: self.tax_total,
            total_for_customer: self.total_for_customer,
            currency: self.currency,
            pc_to_bc_exchange_rate: self.pc_to_bc_exchange_rate,
            charge_start_date: self.charge_start_date,
            charge_end_date: self.charge_end_date,
            order_date: self.order_date,
            subscription_start_date: self.subscription_start_date,
            subscription_end_date: self.subscription_end_date,
            term_and_billing_cycle: self.term_and_billing_cycle,
        }
    }
}
