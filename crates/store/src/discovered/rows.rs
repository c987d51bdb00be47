//! The rows Discovery writes, one struct per table, as plain values. Decimals stay
//! [`Decimal`] until they become TEXT in the database.
#![allow(missing_docs)] // fields are the columns of 0004_discovery.sql, documented there

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::SubscriptionKind;

/// A customer as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub id: String,
    pub company_name: String,
    pub domain: String,
    pub tenant_id: Option<String>,
    pub commerce_id: Option<String>,
    pub relationship: Option<String>,
}

/// A subscription as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRow {
    pub id: String,
    pub kind: SubscriptionKind,
    pub offer_id: String,
    pub offer_name: Option<String>,
    pub friendly_name: Option<String>,
    pub quantity: Option<Decimal>,
    pub unit_type: Option<String>,
    pub status: String,
    pub billing_type: Option<String>,
    pub billing_cycle: Option<String>,
    pub creation_date: Option<String>,
    pub commitment_end_date: Option<String>,
    pub term_duration: Option<String>,
    pub entitlement_id: Option<String>,
}

/// An Azure entitlement as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitlementIn {
    pub id: String,
    pub friendly_name: Option<String>,
    pub status: Option<String>,
}

/// One legacy utilization record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtilizationRow {
    pub usage_start: DateTime<Utc>,
    pub usage_end: DateTime<Utc>,
    pub meter_id: String,
    pub meter_name: Option<String>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub region: Option<String>,
    pub resource_uri: Option<String>,
    pub quantity: Decimal,
    pub unit: Option<String>,
}

/// A rate card's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateCardRow {
    pub currency: String,
    pub locale: Option<String>,
    pub tax_included: bool,
    /// JSON of the offer terms, decimals as strings.
    pub offer_terms: String,
}

/// One meter of a rate card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterRow {
    pub meter_id: String,
    pub name: String,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub region: Option<String>,
    pub unit: Option<String>,
    pub included_quantity: Option<Decimal>,
    pub effective_date: Option<String>,
    /// JSON `{"<tier start>": "<price>"}`.
    pub rates: String,
}

/// An invoice as listed, with its line-item collections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub id: String,
    pub invoice_date: Option<String>,
    pub billing_period_start: Option<String>,
    pub billing_period_end: Option<String>,
    pub total_charges: Decimal,
    pub paid_amount: Option<Decimal>,
    pub currency: String,
    pub invoice_type: Option<String>,
    pub document_type: Option<String>,
    /// For a credit or adjustment note: the invoice it amends.
    pub amends_of: Option<String>,
    /// `(billingProvider, invoiceLineItemType)` of each line-item collection.
    pub streams: Vec<(String, String)>,
}

/// A new-commerce billed line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingLineRow {
    pub customer_id: String,
    pub customer_name: Option<String>,
    pub product_id: String,
    pub sku_id: Option<String>,
    pub product_name: Option<String>,
    pub sku_name: Option<String>,
    pub charge_type: String,
    pub subscription_id: String,
    pub unit_price: Decimal,
    pub effective_unit_price: Option<Decimal>,
    pub quantity: Decimal,
    pub billable_quantity: Option<Decimal>,
    pub subtotal: Decimal,
    pub tax_total: Option<Decimal>,
    pub total_for_customer: Option<Decimal>,
    pub currency: String,
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    pub charge_start_date: Option<String>,
    pub charge_end_date: Option<String>,
    /// What the line says of the term it charges (issue 16's licence check).
    pub term: LineTerm,
}

/// What a new-commerce reconciliation line says of the term it charges, as sent; each None
/// when not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineTerm {
    /// `orderDate`: the billing event that created the line (a purchase or a renewal).
    pub order_date: Option<String>,
    /// `subscriptionStartDate`.
    pub subscription_start_date: Option<String>,
    /// `subscriptionEndDate`.
    pub subscription_end_date: Option<String>,
    /// `termAndBillingCycle` in words.
    pub term_and_billing_cycle: Option<String>,
}

/// A legacy invoice line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyLineRow {
    pub customer_id: Option<String>,
    pub subscription_id: Option<String>,
    pub resource_guid: Option<String>,
    pub resource_name: Option<String>,
    pub charge_start_date: Option<String>,
    pub charge_end_date: Option<String>,
    /// Units billed: Azure `consumedQuantity`, Office `quantity`.
    pub consumed_quantity: Option<Decimal>,
    /// Azure `listPrice`, Office `unitPrice`.
    pub unit_price: Option<Decimal>,
    /// Azure `pretaxCharges`, Office `subtotal`.
    pub pretax_charges: Option<Decimal>,
    /// Azure `taxAmount`, Office `tax`.
    pub tax_amount: Option<Decimal>,
    pub currency: Option<String>,
    /// Unit of the quantity (Azure).
    pub unit: Option<String>,
    /// Billing cycle as sent.
    pub billing_cycle_type: Option<String>,
}

/// A daily rated usage line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyUsageRow {
    pub customer_id: String,
    pub invoice_number: Option<String>,
    pub subscription_id: String,
    pub entitlement_id: String,
    pub usage_date: DateTime<Utc>,
    pub meter_id: String,
    pub meter_name: Option<String>,
    pub meter_category: Option<String>,
    pub meter_region: Option<String>,
    pub resource_uri: Option<String>,
    pub unit_of_measure: Option<String>,
    pub charge_type: Option<String>,
    pub quantity: Decimal,
    pub unit_price: Option<Decimal>,
    pub effective_unit_price: Decimal,
    pub billing_pre_tax_total: Decimal,
    pub billing_currency: String,
    pub pricing_pre_tax_total: Option<Decimal>,
    pub pricing_currency: Option<String>,
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Partner earned credit as a fraction (0.15): 0013_partner_earned_credit_rate.sql.
    pub partner_earned_credit_rate: Decimal,
}
