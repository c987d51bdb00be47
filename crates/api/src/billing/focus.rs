//! A customer's charges on an invoice as a FOCUS 1.0 CSV (the FinOps Open Cost and Usage
//! Specification), at resale prices: what the customer is billed, never our cost, so the
//! file can go to the customer's own FinOps tools.
//!
//! # Mapping
//! | FOCUS column | from |
//! |---|---|
//! | BilledCost, EffectiveCost | the line's resale (our markup applied, cents) |
//! | ListCost, ContractedCost | the same: at resale there is no other list or contract price |
//! | ListUnitPrice, ContractedUnitPrice | resale ÷ quantity, 6 decimals |
//! | ChargePeriodStart/End | the line's charge period; End is exclusive (the day after) |
//! | BillingPeriodStart/End | the invoice's billing period; End exclusive |
//! | ChargeCategory | `Usage` for usage lines, `Purchase` for the rest (licences, one-time) |
//! | ServiceName | the product (Azure plan usage: the meter category) |
//! | ServiceCategory | FOCUS category of the product (Compute, Storage, ...; else Other) |
//! | ResourceId, ResourceName | the line's SKU id / meter (per-resource detail is not on the invoice line) |
//! | SubAccountId, SubAccountName | the subscription |
//! | BillingAccountId, BillingAccountName | the customer (tenant id, company) |
//! | ProviderName, PublisherName, InvoiceIssuerName | Microsoft, Microsoft, the partner account |
//! | x_InvoiceId | the Microsoft invoice the charges came on (a custom column, `x_` per FOCUS) |
//!
//! The monthly fee of the customer's markup is a line of its own (ChargeCategory `Purchase`,
//! ServiceName `Service fee`) when it is not zero, so the file adds up to the customer's
//! resale on the invoice. The lines are those in view (search, product, sort, as the page
//! shows them); a searched or filtered view has no fee line, as the fee is no product's.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use cspdesk_export::{Cell, CsvExport, CsvOptions};
use cspdesk_store::Database;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::billing::dto::ExportedDto;
use crate::billing::dto::InvoiceLineDto;
use crate::billing::export::{finish, to_file};
use crate::billing::invoices as billing;
use crate::billing::line_view::LineViews;
use crate::billing::lines::{each_customer_line, LinesInView};
use crate::ApiError;

/// The FOCUS columns written, in order.
pub const COLUMNS: [&str; 27] = [
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargeDescription",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "ListUnitPrice",
    "ContractedUnitPrice",
    "ConsumedQuantity",
    "PricingQuantity",
    "ServiceName",
    "ServiceCategory",
    "ResourceId",
    "ResourceName",
    "SubAccountId",
    "SubAccountName",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "x_InvoiceId",
];

/// FOCUS ServiceCategory of a Microsoft product or meter category.
pub fn service_category(product: &str) -> &'static str {
    let p = product.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| p.contains(w));
    if has(&[
        "virtual machine",
        "compute",
        "app service",
        "functions",
        "container",
        "kubernetes",
        "batch",
    ]) {
        "Compute"
    } else if has(&["storage", "backup", "disk"]) {
        "Storage"
    } else if has(&[
        "bandwidth",
        "network",
        "dns",
        "gateway",
        "load balancer",
        "cdn",
        "front door",
    ]) {
        "Networking"
    } else if has(&["sql", "cosmos", "database", "redis", "mysql", "postgres"]) {
        "Databases"
    } else if has(&["key vault", "security", "defender", "sentinel"]) {
        "Security"
    } else if has(&["monitor", "log analytics", "insights", "automation"]) {
        "Management and Governance"
    } else if has(&["cognitive", "machine learning", "openai", "ai "]) {
        "AI and Machine Learning"
    } else if has(&["microsoft 365", "office", "exchange", "teams", "dynamics"]) {
        "Business Applications"
    } else {
        "Other"
    }
}

/// `YYYY-MM-DD` as the FOCUS date-time of the start of that day (UTC).
fn start_of(day: &str) -> Option<String> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
}

/// The exclusive end of an inclusive last day: the start of the next day.
fn end_after(day: &str) -> Option<String> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .map(|d| format!("{}T00:00:00Z", (d + Duration::days(1)).format("%Y-%m-%d")))
}

/// One customer's charges on one invoice as FOCUS, at resale: the lines in view, in view
/// order, and the fee when the view shows every line.
pub fn customer_charges(
    db: &Database,
    views: &LineViews,
    lines: &LinesInView<'_>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let (account_id, invoice_id, customer_id) =
        (lines.account_id, lines.invoice_id, lines.customer_id);
    let detail = billing::invoice_detail(db, account_id, invoice_id)?;
    let row = detail
        .customers
        .iter()
        .find(|c| c.customer_id == customer_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                crate::ErrorCode::NotFound,
                format!("Customer {customer_id} has no charges on invoice {invoice_id}"),
                Some("customer"),
            )
        })?;
    let inv = &detail.invoice;
    let issuer = inv.account_name.clone();
    let name = row
        .customer_name
        .clone()
        .unwrap_or_else(|| row.customer_id.clone());
    let period_start = inv.billing_period_start.as_deref().and_then(start_of);
    let period_end = inv.billing_period_end.as_deref().and_then(end_after);
    to_file(path, |out| {
        let mut csv = CsvExport::new(out, options, &COLUMNS)?;
        let mut write = |l: &InvoiceLineDto| -> Result<(), ApiError> {
            let resale: Decimal = l.resale.parse().unwrap_or(Decimal::ZERO);
            let quantity: Option<Decimal> = l.quantity.as_deref().and_then(|q| q.parse().ok());
            let unit = quantity.filter(|q| !q.is_zero()).map(|q| {
                (resale / q)
                    .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
                    .to_string()
            });
            let usage = l
                .charge_type
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case("usage"));
            let service = l.product.clone().unwrap_or_default();
            let charge_start = l.charge_start.as_deref().and_then(start_of);
            let charge_end = l.charge_end.as_deref().and_then(end_after);
            csv.row(&[
                Cell::Text(&row.customer_id),
                Cell::Text(&name),
                Cell::Text(&inv.currency),
                period_start.as_deref().map_or(Cell::Empty, Cell::Text),
                period_end.as_deref().map_or(Cell::Empty, Cell::Text),
                Cell::Text(if usage { "Usage" } else { "Purchase" }),
                Cell::Text(l.sku.as_deref().unwrap_or(&service)),
                charge_start.as_deref().map_or(Cell::Empty, Cell::Text),
                charge_end.as_deref().map_or(Cell::Empty, Cell::Text),
                Cell::Number(&l.resale),
                Cell::Number(&l.resale),
                Cell::Number(&l.resale),
                Cell::Number(&l.resale),
                unit.as_deref().map_or(Cell::Empty, Cell::Number),
                unit.as_deref().map_or(Cell::Empty, Cell::Number),
                l.quantity.as_deref().map_or(Cell::Empty, Cell::Number),
                l.quantity.as_deref().map_or(Cell::Empty, Cell::Number),
                Cell::Text(&service),
                Cell::Text(service_category(&service)),
                l.sku.as_deref().map_or(Cell::Empty, Cell::Text),
                l.sku.as_deref().map_or(Cell::Empty, Cell::Text),
                l.subscription_id.as_deref().map_or(Cell::Empty, Cell::Text),
                l.subscription_id.as_deref().map_or(Cell::Empty, Cell::Text),
                Cell::Text("Microsoft"),
                Cell::Text("Microsoft"),
                Cell::Text(&issuer),
                Cell::Text(invoice_id),
            ])?;
            Ok(())
        };
        each_customer_line(db, views, lines, |l| write(&l))?;
        // The fee is no line of a product: a filtered view leaves it out with the rest.
        let fee = row.fee.parse::<Decimal>().is_ok_and(|f| !f.is_zero());
        if fee && lines.query.shows_every_line() {
            csv.row(&[
                Cell::Text(&row.customer_id),
                Cell::Text(&name),
                Cell::Text(&inv.currency),
                period_start.as_deref().map_or(Cell::Empty, Cell::Text),
                period_end.as_deref().map_or(Cell::Empty, Cell::Text),
                Cell::Text("Purchase"),
                Cell::Text("Monthly service fee"),
                period_start.as_deref().map_or(Cell::Empty, Cell::Text),
                period_end.as_deref().map_or(Cell::Empty, Cell::Text),
                Cell::Number(&row.fee),
                Cell::Number(&row.fee),
                Cell::Number(&row.fee),
                Cell::Number(&row.fee),
                Cell::Number(&row.fee),
                Cell::Number(&row.fee),
                Cell::Number("1"),
                Cell::Number("1"),
                Cell::Text("Service fee"),
                Cell::Text("Other"),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Text(&issuer),
                Cell::Text(&issuer),
                Cell::Text(&issuer),
                Cell::Text(invoice_id),
            ])?;
        }
        finish(csv)
    })
}
