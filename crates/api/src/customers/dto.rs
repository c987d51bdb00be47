//! Customers, subscriptions and customer organizations as the Customers and Subscriptions
//! pages (and `cspdesk org`) see them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One customer tenant of one partner account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerDto {
    /// The partner account it was discovered under.
    pub account_id: String,
    /// That account's name.
    pub account_name: String,
    /// Partner Center customer id.
    pub id: String,
    /// Company name.
    pub company_name: String,
    /// Primary domain.
    pub domain: String,
    /// Entra tenant id.
    pub tenant_id: Option<String>,
    /// Relationship to the partner as Partner Center states it (`reseller`, `none`, ...).
    pub relationship: Option<String>,
    /// False when Partner Center refused access (no commerce relationship).
    pub reachable: bool,
    /// Number of subscriptions.
    pub subscription_count: u32,
    /// The organization it belongs to.
    pub organization_id: Option<String>,
    /// That organization's name.
    pub organization_name: Option<String>,
    /// Month-to-date rated cost, a decimal string (None until its usage is rated).
    pub month_to_date_cost: Option<String>,
    /// Month-to-date resale with the customer's markups (cost when it has none).
    pub month_to_date_resale: Option<String>,
    /// Resale minus cost: the part of the partner's gain that markups (and the monthly fee)
    /// add.
    pub month_to_date_margin: Option<String>,
    /// Month-to-date list cost of the rated lines (the sheets' list prices).
    pub month_to_date_list: Option<String>,
    /// List minus effective cost: the part of the partner's gain that partner earned credit,
    /// tiers and discounts give (None until its usage is rated).
    pub month_to_date_savings: Option<String>,
    /// Currency of that cost.
    pub currency: Option<String>,
    /// Azure cost in the newest month imported from Cost Management exports, when the
    /// customer's tenant appears in them.
    pub exported_cost: Option<crate::cost_exports::dto::ExportedCostDto>,
    /// Rated Azure Stack usage in the newest month imported from the partner's Stacks, when
    /// one of the customer's subscriptions is added to a registration.
    pub stack_cost: Option<crate::azure_stack::dto::StackCostDto>,
}

/// An Azure subscription inside an Azure plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EntitlementDto {
    /// Azure subscription id.
    pub id: String,
    /// Its name.
    pub friendly_name: Option<String>,
    /// `active`, `disabled`, ...
    pub status: Option<String>,
}

/// One Partner Center subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionDto {
    /// The partner account.
    pub account_id: String,
    /// The customer.
    pub customer_id: String,
    /// The customer's company name.
    pub customer_name: String,
    /// Subscription id.
    pub id: String,
    /// `legacyAzure`, `azurePlan` or `licence`.
    pub kind: String,
    /// Offer id.
    pub offer_id: String,
    /// Offer name.
    pub offer_name: Option<String>,
    /// Name given by the partner or customer.
    pub friendly_name: Option<String>,
    /// `active`, `suspended`, `deleted`...
    pub status: String,
    /// Seats or units, a decimal string.
    pub quantity: Option<String>,
    /// `Licenses`, `Usage-based`...
    pub unit_type: Option<String>,
    /// `monthly`, `annual`, `none`...
    pub billing_cycle: Option<String>,
    /// `license`, `usage`...
    pub billing_type: Option<String>,
    /// Creation date (YYYY-MM-DD or as sent).
    pub creation_date: Option<String>,
    /// Commitment end date.
    pub commitment_end_date: Option<String>,
    /// ISO 8601 term (`P1M`, `P1Y`).
    pub term_duration: Option<String>,
    /// Azure subscriptions of an Azure plan.
    pub entitlements: Vec<EntitlementDto>,
    /// Rated cost of its usage this month so far, a decimal string; none without rated
    /// usage (licence-based subscriptions are billed on the invoice, see Billing).
    pub month_to_date_cost: Option<String>,
    /// That usage at the customer's markups (its monthly fee is on the customer, not here).
    pub month_to_date_resale: Option<String>,
    /// Resale − cost.
    pub month_to_date_margin: Option<String>,
    /// Billing currency of the three.
    pub currency: Option<String>,
}

/// A customer tenant, named by account and customer id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerRef {
    /// The partner account.
    pub account_id: String,
    /// The customer id.
    pub customer_id: String,
}

/// A member tenant of an organization.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationMemberDto {
    /// The partner account.
    pub account_id: String,
    /// That account's name.
    pub account_name: String,
    /// Customer id.
    pub customer_id: String,
    /// Company name.
    pub company_name: String,
    /// Primary domain.
    pub domain: String,
}

/// Tenants that are one customer, billed together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationDto {
    /// Stable id.
    pub id: String,
    /// Name, unique ignoring case.
    pub name: String,
    /// When it was created.
    pub created_at: String,
    /// Its tenants, by company name.
    pub members: Vec<OrganizationMemberDto>,
}

/// Who a markup is for: a customer tenant, or an organization (id or name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum MarkupTargetDto {
    /// One customer tenant.
    Customer {
        /// The tenant.
        customer: CustomerRef,
    },
    /// An organization.
    Organization {
        /// Its id (or name, when typed).
        organization: String,
    },
}

/// One term of a markup. Percentages and fees are decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum MarkupTermDto {
    /// Percentage for every meter category without an override (negative = discount).
    Percent {
        /// E.g. "12".
        percent: String,
    },
    /// The same percentage applied to the list price instead of the cost ("list + x %");
    /// replaces a cost percentage from its day. Lines without a list price (licences) are
    /// marked up on their cost.
    ListPercent {
        /// E.g. "5".
        percent: String,
    },
    /// Percentage for one meter category; null removes the override.
    CategoryPercent {
        /// Meter category, e.g. "Virtual Machines".
        category: String,
        /// E.g. "5", or null.
        percent: Option<String>,
    },
    /// Fixed fee per billing period in the billing currency ("0" ends it).
    MonthlyFee {
        /// E.g. "50.00".
        fee: String,
    },
}

/// A stored change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MarkupChangeDto {
    /// Row id.
    pub id: String,
    /// First day it applies (YYYY-MM-DD).
    pub effective_from: String,
    /// What it sets.
    pub term: MarkupTermDto,
    /// When it was entered (RFC 3339).
    pub created_at: String,
}

/// A target's markup: what is in effect on a day, and every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MarkupDto {
    /// For whom.
    pub target: MarkupTargetDto,
    /// Company or organization name.
    pub name: String,
    /// The day `percent`, `categories` and `monthly_fee` are read on.
    pub on: String,
    /// The general percentage in effect.
    pub percent: Option<String>,
    /// Category overrides in effect: (category, percentage).
    pub categories: Vec<(String, String)>,
    /// The monthly fee in effect, in `currency`.
    pub monthly_fee: Option<String>,
    /// The billing currency the customer (or every tenant of the organization) is invoiced
    /// in, which a monthly fee is charged in; none while unknown or when they differ.
    pub currency: Option<String>,
    /// Every change, oldest first.
    pub history: Vec<MarkupChangeDto>,
}

/// One closed month of a markup preview, in one billing currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewMonthDto {
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Customers with rated usage in it.
    pub customers: u32,
    /// Rated cost.
    pub cost: String,
    /// Resale with the markups as they are.
    pub resale_before: String,
    /// Resale with the proposed change.
    pub resale_after: String,
    /// Margin as it is.
    pub margin_before: String,
    /// Margin with the change.
    pub margin_after: String,
}

/// What a proposed markup change would have done to the last closed months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MarkupPreviewDto {
    /// Oldest first; empty when nothing is rated yet (say so in the page).
    pub months: Vec<PreviewMonthDto>,
}
