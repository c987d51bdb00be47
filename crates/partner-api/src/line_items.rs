//! Invoice line items in their three shapes: legacy (offset paging), new-commerce billed
//! reconciliation and daily rated usage (seek paging, at most 2000 per page), billed or
//! unbilled for the current or previous period.
//!
//! What a line cannot do without (who it bills, its amount, its day) is required; a line
//! lacking one is set aside by the page (see [`crate::paging`]). Everything else is optional
//! and kept empty when absent.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::PartnerCenter;
use crate::customers::segment;
use crate::error::Result;
use crate::paging::{Continuation, Page};

/// Largest seek page of new-commerce line items.
pub const MAX_LINE_ITEM_PAGE: u32 = 2000;

/// Which unbilled period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UnbilledPeriod {
    /// The open billing month.
    Current,
    /// The previous month, until its invoice is issued.
    Previous,
}

impl UnbilledPeriod {
    fn wire(self) -> &'static str {
        match self {
            UnbilledPeriod::Current => "current",
            UnbilledPeriod::Previous => "previous",
        }
    }
}

/// Which line items to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineItemQuery {
    /// Legacy invoice lines (`provider` `azure` or `office`, `kind` `billinglineitems` or `usagelineitems`).
    Legacy {
        /// Invoice id.
        invoice_id: String,
        /// Provider.
        provider: String,
        /// Line item type.
        kind: String,
    },
    /// New-commerce billed reconciliation lines ([`BilledLineItem`]).
    Billed {
        /// Invoice id.
        invoice_id: String,
        /// Billing currency.
        currency: String,
    },
    /// Billed daily rated usage ([`DailyRatedUsageLineItem`]).
    BilledUsage {
        /// Invoice id.
        invoice_id: String,
        /// Billing currency.
        currency: String,
    },
    /// Unbilled daily rated usage ([`DailyRatedUsageLineItem`]).
    UnbilledUsage {
        /// Billing currency.
        currency: String,
        /// Period.
        period: UnbilledPeriod,
    },
}

impl LineItemQuery {
    /// First-page path with `size` items per page (seek pages capped at 2000).
    fn path(&self, size: u32) -> String {
        let seek = size.clamp(1, MAX_LINE_ITEM_PAGE);
        let q =
            |v: &str| -> String { url::form_urlencoded::byte_serialize(v.as_bytes()).collect() };
        match self {
            LineItemQuery::Legacy { invoice_id, provider, kind } => {
                format!("/v1/invoices/{}/lineitems?provider={}&invoicelineitemtype={}&size={size}&offset=0", segment(invoice_id), q(provider), q(kind))
            }
            LineItemQuery::Billed { invoice_id, currency } => {
                format!("/v1/invoices/{}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode={}&size={seek}", segment(invoice_id), q(currency))
            }
            LineItemQuery::BilledUsage { invoice_id, currency } => {
                format!("/v1/invoices/{}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode={}&size={seek}", segment(invoice_id), q(currency))
            }
            LineItemQuery::UnbilledUsage { currency, period } => format!(
                "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode={}&period={}&size={seek}",
                q(currency),
                period.wire()
            ),
        }
    }
}

/// A legacy invoice line in any of its three shapes: Office licences (`LicenseBasedLineItem`:
/// `quantity`, `unitPrice`, `subtotal`, `tax`), Azure billing (`UsageBasedLineItem`:
/// `consumedQuantity`, `listPrice`, `pretaxCharges`, `taxAmount`) and Azure daily usage
/// (`DailyUsageLineItem`: quantities only). Each keeps its own names; [`LegacyLineItem::quantity`]
/// and friends read whichever the shape carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LegacyLineItem {
    /// Invoice number (Azure lines; Office lines do not carry it).
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Customer tenant id.
    #[serde(default)]
    pub customer_id: Option<String>,
    /// Commerce subscription id.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Meter id (Azure lines).
    #[serde(default)]
    pub resource_guid: Option<String>,
    /// Meter name (Azure lines).
    #[serde(default)]
    pub resource_name: Option<String>,
    /// Offer name (Office lines).
    #[serde(default)]
    pub offer_name: Option<String>,
    /// Charge start as sent.
    #[serde(default)]
    pub charge_start_date: Option<String>,
    /// Charge end as sent.
    #[serde(default)]
    pub charge_end_date: Option<String>,
    /// Unit of the quantity (Azure lines: `1 Hour`, `1 GB/Month`, `10K`).
    #[serde(default)]
    pub unit: Option<String>,
    /// `MONTHLY`, `Monthly`, ... as sent.
    #[serde(default)]
    pub billing_cycle_type: Option<String>,
    /// Units consumed (Azure lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub consumed_quantity: Option<Decimal>,
    /// Licences (Office lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub quantity: Option<Decimal>,
    /// List price per unit (Azure billing lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub list_price: Option<Decimal>,
    /// Price per licence (Office lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub unit_price: Option<Decimal>,
    /// Pre-tax amount (Azure billing lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub pretax_charges: Option<Decimal>,
    /// Pre-tax amount (Office lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub subtotal: Option<Decimal>,
    /// Tax (Azure billing lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub tax_amount: Option<Decimal>,
    /// Tax (Office lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub tax: Option<Decimal>,
    /// Currency.
    #[serde(default)]
    pub currency: Option<String>,
}

impl LegacyLineItem {
    /// Units billed: consumed units (Azure) or licences (Office).
    pub fn units(&self) -> Option<Decimal> {
        self.consumed_quantity.or(self.quantity)
    }

    /// Price per unit: the list price (Azure) or the licence price (Office).
    pub fn price(&self) -> Option<Decimal> {
        self.list_price.or(self.unit_price)
    }

    /// Pre-tax amount: `pretaxCharges` (Azure) or `subtotal` (Office).
    pub fn pretax(&self) -> Option<Decimal> {
        self.pretax_charges.or(self.subtotal)
    }

    /// Tax: `taxAmount` (Azure) or `tax` (Office).
    pub fn tax_total(&self) -> Option<Decimal> {
        self.tax_amount.or(self.tax)
    }

    /// What the line charges for: the meter (Azure) or the offer (Office).
    pub fn product(&self) -> Option<&str> {
        self.resource_name.as_deref().or(self.offer_name.as_deref())
    }
}

/// A new-commerce billed reconciliation line (`OneTimeInvoiceLineItem`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BilledLineItem {
    /// Customer tenant id.
    pub customer_id: String,
    /// Customer name.
    #[serde(default)]
    pub customer_name: Option<String>,
    /// Invoice number.
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Product id (empty when not sent).
    #[serde(default)]
    pub product_id: String,
    /// SKU id.
    #[serde(default)]
    pub sku_id: Option<String>,
    /// Product name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// SKU name.
    #[serde(default)]
    pub sku_name: Option<String>,
    /// Charge type (`new`, `cycleCharge`, `usage`, ...; empty when not sent).
    #[serde(default)]
    pub charge_type: String,
    /// Commerce subscription id; absent on some special lines.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Unit price.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub unit_price: Decimal,
    /// Effective unit price.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub effective_unit_price: Option<Decimal>,
    /// Quantity.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub quantity: Decimal,
    /// Billable quantity (usage lines).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub billable_quantity: Option<Decimal>,
    /// Subtotal before tax.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub subtotal: Decimal,
    /// Tax.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub tax_total: Option<Decimal>,
    /// Total.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub total_for_customer: Option<Decimal>,
    /// Billing currency.
    pub currency: String,
    /// Pricing to billing currency rate.
    #[serde(
        default,
        rename = "pcToBCExchangeRate",
        deserialize_with = "crate::decimal::optional"
    )]
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Charge start as sent.
    #[serde(default)]
    pub charge_start_date: Option<String>,
    /// Charge end as sent.
    #[serde(default)]
    pub charge_end_date: Option<String>,
    /// The billing event that created the line (a purchase or a renewal), as sent.
    #[serde(default)]
    pub order_date: Option<String>,
    /// Subscription start as sent (with its end, the term the line charges).
    #[serde(default)]
    pub subscription_start_date: Option<String>,
    /// Subscription end as sent.
    #[serde(default)]
    pub subscription_end_date: Option<String>,
    /// Term and billing cycle in words (`One-Year commitment for monthly/yearly billing`).
    #[serde(default)]
    pub term_and_billing_cycle: Option<String>,
}

/// A daily rated usage line (`DailyRatedUsageLineItem`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyRatedUsageLineItem {
    /// Customer tenant id.
    pub customer_id: String,
    /// Invoice number (empty when unbilled).
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// Azure plan commerce subscription id.
    pub subscription_id: String,
    /// Azure subscription id (absent on some of Microsoft's published rows).
    #[serde(default)]
    pub entitlement_id: Option<String>,
    /// Usage day.
    pub usage_date: DateTime<Utc>,
    /// Meter id.
    pub meter_id: String,
    /// Meter name.
    #[serde(default)]
    pub meter_name: Option<String>,
    /// Meter category.
    #[serde(default)]
    pub meter_category: Option<String>,
    /// Meter region.
    #[serde(default)]
    pub meter_region: Option<String>,
    /// Resource URI.
    #[serde(default)]
    pub resource_uri: Option<String>,
    /// Unit of measure.
    #[serde(default)]
    pub unit_of_measure: Option<String>,
    /// Charge type.
    #[serde(default)]
    pub charge_type: Option<String>,
    /// Units.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub quantity: Decimal,
    /// Unit price (pricing currency).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub unit_price: Option<Decimal>,
    /// Effective unit price after PEC (pricing currency; absent on some published rows).
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
        rename = "pcToBCExchangeRate",
        deserialize_with = "crate::decimal::optional"
    )]
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// `rateOfPartnerEarnedCredit`: the credit as a fraction (0.15), number or string.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub rate_of_partner_earned_credit: Option<Decimal>,
    /// `creditType` (`"Partner Earned Credit Applied"`, `"Credit Not Applied"`, ...).
    #[serde(default)]
    pub credit_type: Option<String>,
}

impl DailyRatedUsageLineItem {
    /// The partner earned credit rate this row was billed with (see [`crate::earned_credit`]).
    pub fn partner_earned_credit_rate(&self) -> Decimal {
        crate::earned_credit::rate_of_row(
            self.rate_of_partner_earned_credit,
            self.credit_type.as_deref(),
        )
    }
}

/// A line-item shape; pick the one that fits the [`LineItemQuery`]: [`LegacyLineItem`] for
/// `Legacy`, [`BilledLineItem`] for `Billed`, [`DailyRatedUsageLineItem`] for the usage queries.
pub trait LineItem: DeserializeOwned {}

impl LineItem for LegacyLineItem {}
impl LineItem for BilledLineItem {}
impl LineItem for DailyRatedUsageLineItem {}

impl PartnerCenter {
    /// One page of line items (`size` per page; seek pages are capped at 2000).
    pub async fn line_items_page<T: LineItem>(
        &self,
        query: &LineItemQuery,
        size: u32,
        next: Option<&Continuation>,
    ) -> Result<Page<T>> {
        self.page(&query.path(size), next).await
    }

    /// Every line item of the query, to the last page.
    pub async fn line_items<T: LineItem>(
        &self,
        query: &LineItemQuery,
        size: u32,
    ) -> Result<Vec<T>> {
        self.all(&query.path(size)).await
    }
}
