//! What the billing operations exchange with the shells: invoices and their customers,
//! a customer's lines and the views over them, exports.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The column lines are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum LineColumn {
    /// Invoice order.
    #[default]
    Line,
    /// Product (Azure plan usage: meter category).
    Product,
    /// SKU (Azure plan usage: meter).
    Sku,
    /// Subscription.
    Subscription,
    /// Charge type.
    ChargeType,
    /// Charge period start.
    ChargeStart,
    /// Quantity.
    Quantity,
    /// Unit price.
    UnitPrice,
    /// Microsoft's charge.
    Cost,
    /// Our resale.
    Resale,
}

impl LineColumn {
    /// Every column with its name on the command line.
    pub const NAMES: [(&'static str, LineColumn); 10] = [
        ("line", Self::Line),
        ("product", Self::Product),
        ("sku", Self::Sku),
        ("subscription", Self::Subscription),
        ("charge-type", Self::ChargeType),
        ("charge-start", Self::ChargeStart),
        ("quantity", Self::Quantity),
        ("unit-price", Self::UnitPrice),
        ("cost", Self::Cost),
        ("resale", Self::Resale),
    ];
}

impl std::str::FromStr for LineColumn {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::NAMES.iter().map(|(n, _)| *n).collect();
                format!("no column {name:?}: sort by one of {}", names.join(", "))
            })
    }
}

/// What the user sees of a customer's lines: the sort, the search, the product filter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineQueryDto {
    /// Sort column.
    pub sort: LineColumn,
    /// Largest (or last) first.
    pub descending: bool,
    /// Case-insensitive text in the product, SKU, subscription or charge type ("": none).
    pub search: String,
    /// Only lines of this product ("": lines with no product); `None`: every product.
    pub product: Option<String>,
}

impl LineQueryDto {
    /// The same view with the search as it is matched (trimmed, lower case), so "VM " and
    /// "vm" share one kept view.
    pub(crate) fn normal(&self) -> Self {
        Self {
            search: self.search.trim().to_lowercase(),
            ..self.clone()
        }
    }

    /// Whether the view shows every line of the customer (in whatever order).
    pub fn shows_every_line(&self) -> bool {
        self.search.trim().is_empty() && self.product.is_none()
    }

    /// Whether the view is every line in invoice order (nothing to work out).
    pub(crate) fn is_invoice(&self) -> bool {
        self.sort == LineColumn::Line && !self.descending && self.shows_every_line()
    }
}

/// The lines in view in one currency, added up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineSumDto {
    /// Currency ("" when the lines name none).
    pub currency: String,
    /// Lines.
    #[ts(type = "number")]
    pub lines: u64,
    /// Σ cost, exact.
    pub cost: String,
    /// Σ resale (each line rounded to the cent, as billed), exact.
    pub resale: String,
}

/// A customer's lines on an invoice added up by product (Azure plan usage: meter category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LineGroupDto {
    /// The product (empty when the lines name none).
    pub product: String,
    /// Lines.
    #[ts(type = "number")]
    pub lines: u64,
    /// Σ cost, exact.
    pub cost: String,
    /// Σ resale (each line rounded to the cent, as billed), exact.
    pub resale: String,
}

/// What one export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportedDto {
    /// The file.
    pub path: String,
    /// Data rows (the header not counted).
    #[ts(type = "number")]
    pub rows: u64,
}

/// A table to export, as the app asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "table",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ExportTable {
    /// Every invoice.
    Invoices,
    /// One invoice's customers.
    Invoice {
        /// Partner account id.
        account_id: String,
        /// Invoice number.
        invoice_id: String,
    },
    /// One customer's lines on an invoice, those in view in view order.
    CustomerLines {
        /// Partner account id.
        account_id: String,
        /// Invoice number.
        invoice_id: String,
        /// Customer id.
        customer_id: String,
        /// Resale amounts only (for the customer).
        customer_facing: bool,
        /// The sort, search and product filter of the view.
        query: LineQueryDto,
    },
    /// One customer's charges on an invoice as FOCUS 1.2, at our cost or (for the customer)
    /// at resale prices, those in view in view order.
    CustomerFocus {
        /// Partner account id.
        account_id: String,
        /// Invoice number.
        invoice_id: String,
        /// Customer id.
        customer_id: String,
        /// At resale, the partner invoicing (for the customer); else Microsoft's charges.
        customer_facing: bool,
        /// The sort, search and product filter of the view.
        query: LineQueryDto,
    },
    /// Every customer.
    Customers,
    /// Every subscription.
    Subscriptions,
    /// One billing period's reconciliation, a row per customer.
    Reconciliation {
        /// `YYYY-MM`.
        period: String,
    },
    /// One customer's rated lines of a period: list, effective, billed, resale, savings.
    RatedLines {
        /// Partner account id.
        account_id: String,
        /// Customer id.
        customer_id: String,
        /// `YYYY-MM`.
        period: String,
    },
}

/// An export as the app asks for it: the table, and the rows in view, in view order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ExportRequestDto {
    /// What to export.
    pub table: ExportTable,
    /// Start with a UTF-8 byte-order mark (Excel).
    pub bom: bool,
    /// The keys of the rows the user sees, in the order seen (filters and sort applied);
    /// absent: every row in the table's own order. Keys: invoices `account/number`, an
    /// invoice's customers `customerId`, customers `account/id`, subscriptions
    /// `account/customer/id`, reconciliation `account/customer`, rated lines
    /// `subscription/entitlement/meter/day`. Customer lines ignore it:
    /// a million keys would not cross IPC; their `query` says what is in view instead.
    pub keys: Option<Vec<String>>,
}

/// One invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDto {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Invoice number.
    pub id: String,
    /// Invoice date (`YYYY-MM-DD`).
    pub invoice_date: Option<String>,
    /// Billing period start (`YYYY-MM-DD`).
    pub billing_period_start: Option<String>,
    /// Billing period end (`YYYY-MM-DD`).
    pub billing_period_end: Option<String>,
    /// Currency.
    pub currency: String,
    /// `totalCharges`, a decimal string.
    pub total: String,
    /// `paidAmount`.
    pub paid: Option<String>,
    /// `invoice`, `void_note`, `adjustment_note` as Microsoft sends them.
    pub document_type: Option<String>,
    /// For a credit or adjustment note: the invoice it amends (the note's period is that
    /// invoice's).
    pub amends_of: Option<String>,
    /// `Recurring`, `OneTime`...
    pub invoice_type: Option<String>,
    /// Whether every line of it is read (else run Discovery to finish reading it).
    pub lines_complete: bool,
    /// When Microsoft Graph served its lines: the data version (the export's eTag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data_version: Option<String>,
    /// When that data version was read (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub data_read_at: Option<String>,
}

/// One customer's charges on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceCustomerDto {
    /// Customer id.
    pub customer_id: String,
    /// Company name.
    pub customer_name: Option<String>,
    /// Lines on the invoice.
    #[ts(type = "number")]
    pub lines: u64,
    /// Microsoft's charges (cost).
    pub cost: String,
    /// Our markup: resale − cost − fee.
    pub markup: String,
    /// The monthly fee charged on this invoice.
    pub fee: String,
    /// What the customer is billed.
    pub resale: String,
    /// resale − cost.
    pub margin: String,
}

/// One invoice with its customers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetailDto {
    /// The invoice.
    pub invoice: InvoiceDto,
    /// By company name.
    pub customers: Vec<InvoiceCustomerDto>,
    /// Σ cost.
    pub cost_total: String,
    /// Σ markup.
    pub markup_total: String,
    /// Σ fee.
    pub fee_total: String,
    /// Σ resale.
    pub resale_total: String,
    /// Σ margin.
    pub margin_total: String,
    /// Whether Σ cost equals the invoice total to the cent.
    pub matches_invoice: bool,
    /// Credit and adjustment notes issued against this invoice, oldest first; each opens
    /// like an invoice, with its own customers and lines.
    pub notes: Vec<InvoiceDto>,
}

/// Microsoft's unbilled usage of an open period in one currency, shown apart from invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnbilledDto {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Customers with usage.
    pub customers: u32,
    /// Daily usage records.
    #[ts(type = "number")]
    pub records: u64,
    /// Σ Microsoft's daily rated usage so far (before the invoice: it can still change).
    pub cost: String,
    /// What the period will bill besides usage so far (licences, reservations, savings
    /// plans, marketplace, one-time purchases), per product; from Graph's unbilled
    /// reconciliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub charges: Option<Vec<UnbilledChargeDto>>,
    /// Σ of `charges`, a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub charges_total: Option<String>,
}

/// One product's charges in an open period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct UnbilledChargeDto {
    /// Product name as Microsoft sends it.
    pub product: String,
    /// Lines.
    #[ts(type = "number")]
    pub lines: u64,
    /// Σ subtotal, a decimal string.
    pub amount: String,
}

/// One line of a customer on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineDto {
    /// Stable position in its table (for keys).
    #[ts(type = "number")]
    pub line: i64,
    /// Its number in invoice order, 1 to n, whatever the sort or filter.
    #[ts(type = "number")]
    pub position: u64,
    /// `billing` (new commerce) or `legacy`.
    pub source: String,
    /// Product (Azure plan usage: meter category).
    pub product: Option<String>,
    /// SKU (Azure plan usage: meter).
    pub sku: Option<String>,
    /// Subscription.
    pub subscription_id: Option<String>,
    /// Charge type.
    pub charge_type: Option<String>,
    /// Charge start (`YYYY-MM-DD`).
    pub charge_start: Option<String>,
    /// Charge end (`YYYY-MM-DD`).
    pub charge_end: Option<String>,
    /// Quantity.
    pub quantity: Option<String>,
    /// Unit price.
    pub unit_price: Option<String>,
    /// Effective unit price.
    pub effective_unit_price: Option<String>,
    /// Microsoft's charge.
    pub cost: String,
    /// Marked up.
    pub resale: String,
    /// Currency.
    pub currency: Option<String>,
}

/// A page of the lines in view, and what is in view in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLinesPageDto {
    /// First line's index in the view.
    #[ts(type = "number")]
    pub offset: u64,
    /// Lines in view (after the search and product filter).
    #[ts(type = "number")]
    pub total: u64,
    /// Every line of the customer on the invoice.
    #[ts(type = "number")]
    pub all: u64,
    /// The lines in view added up, per currency.
    pub sums: Vec<LineSumDto>,
    /// The lines.
    pub lines: Vec<InvoiceLineDto>,
}
