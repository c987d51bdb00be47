//! A customer's charges on an invoice as a FOCUS 1.2 CSV (the FinOps Open Cost and Usage
//! Specification), from one of two sides, both checked by the FinOps Foundation's validator in
//! the test suite (`crates/api/tests/api/focus.rs`, 0 failed rules):
//! - **cost** ([`Side::Cost`]): what Microsoft charges the partner for the customer; Microsoft
//!   is provider, publisher and invoice issuer, the partner's account is billed.
//! - **resale** ([`Side::Resale`], customer-facing): what the partner charges the customer,
//!   never our cost. The partner makes the services available and invoices them (provider and
//!   invoice issuer), Microsoft publishes them; resale is the billed cost, and the monthly fee
//!   of the customer's markup is a line of its own when it is not zero, so the file adds up to
//!   the customer's resale on the invoice.
//!
//! # Mapping
//! | FOCUS column | cost | resale |
//! |---|---|---|
//! | BilledCost | the line's cost | the line's resale (markup applied) |
//! | EffectiveCost | = BilledCost; 0 for a purchase (below) | the same |
//! | ListUnitPrice, ContractedUnitPrice | Microsoft's unit price | resale ÷ quantity, 6 decimals |
//! | ListCost, ContractedCost | unit price × quantity (the cost without one) | the resale |
//! | BillingAccountId/Name | the partner account | the customer |
//! | ProviderName, PublisherName, InvoiceIssuerName | Microsoft ×3 | partner, Microsoft, partner |
//! | InvoiceId | Microsoft's invoice | empty: the partner's own invoice number is not ours |
//! | x_MicrosoftInvoiceId, x_CustomerId, x_CustomerName | the invoice and customer, both sides |
//!
//! The rest is shared: ChargeCategory `Usage` for usage lines, `Purchase` for the rest
//! (licences, one-time); ChargeClass `Correction` on a credit note; ChargeFrequency
//! `Usage-Based` (usage), `One-Time` (a purchase or refund of its own), else `Recurring`;
//! ServiceName the product (Azure plan usage: the meter category) and its FOCUS category and
//! subcategory ([`service::service_class`]); ResourceId/Name the SKU or meter; SubAccount the
//! subscription; periods as UTC date-times with exclusive ends (the day after the last);
//! quantities and amounts always written with a decimal point (FOCUS types them Decimal and
//! the validator reads `1` as an integer); PricingUnit `Units` (the invoice line carries no
//! unit of measure).
//!
//! A purchase's EffectiveCost is 0: FOCUS 1.2 (EffectiveCost-C-005-C) wants 0 for a purchase
//! that covers later charges, and Microsoft bills licences ahead for their cycle; the amount
//! stays in BilledCost, which is what the file adds up on. The lines are those in view
//! (search, product, sort, as the page shows them); a searched or filtered view has no fee
//! line, as the fee is no product's.

pub mod service;

use std::path::Path;

use chrono::{Duration, NaiveDate};
use cspdesk_export::{Cell, CsvExport, CsvOptions};
use cspdesk_store::Database;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::billing::dto::ExportedDto;
use crate::billing::dto::{InvoiceCustomerDto, InvoiceDto, InvoiceLineDto};
use crate::billing::export::{finish, to_file};
use crate::billing::invoices as billing;
use crate::billing::line_view::LineViews;
use crate::billing::lines::{each_customer_line, LinesInView};
use crate::ApiError;

/// The FOCUS columns written, in order (both sides).
pub const COLUMNS: [&str; 34] = [
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
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
    "PricingUnit",
    "InvoiceId",
    "InvoiceIssuerName",
    "ProviderName",
    "PublisherName",
    "ServiceName",
    "ServiceCategory",
    "ServiceSubcategory",
    "ResourceId",
    "ResourceName",
    "SubAccountId",
    "SubAccountName",
    "x_MicrosoftInvoiceId",
    "x_CustomerId",
    "x_CustomerName",
];

/// Whose charges the file shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Microsoft's charges to the partner (our cost).
    Cost,
    /// The partner's charges to the customer (resale), for the customer.
    Resale,
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

/// A decimal as FOCUS's Decimal type is recognised: never without a decimal point.
fn decimal(mut d: Decimal) -> String {
    if d.scale() == 0 {
        d.rescale(1);
    }
    d.to_string()
}

/// A decimal text (Microsoft's or ours) the same way; `None` when it is not a number.
fn decimal_text(text: &str) -> Option<String> {
    text.parse::<Decimal>().ok().map(decimal)
}

/// FOCUS ChargeFrequency of a line's charge type.
fn frequency(usage: bool, charge_type: &str) -> &'static str {
    let t = charge_type.to_ascii_lowercase();
    if usage {
        "Usage-Based"
    } else if ["onetime", "one time", "one-time", "purchase", "refund"]
        .iter()
        .any(|w| t.contains(w))
    {
        "One-Time"
    } else {
        "Recurring"
    }
}

/// What every row of one export shares.
struct Frame<'a> {
    side: Side,
    invoice: &'a InvoiceDto,
    customer: &'a InvoiceCustomerDto,
    customer_name: String,
    period_start: Option<String>,
    period_end: Option<String>,
}

impl Frame<'_> {
    /// Who is billed: the partner by Microsoft, or the customer by the partner.
    fn billed(&self) -> (&str, &str) {
        match self.side {
            Side::Cost => (&self.invoice.account_id, &self.invoice.account_name),
            Side::Resale => (&self.customer.customer_id, &self.customer_name),
        }
    }

    /// Invoice issuer, provider and publisher.
    fn parties(&self) -> [&str; 3] {
        match self.side {
            Side::Cost => ["Microsoft", "Microsoft", "Microsoft"],
            Side::Resale => [
                &self.invoice.account_name,
                &self.invoice.account_name,
                "Microsoft",
            ],
        }
    }

    fn invoice_id(&self) -> Option<&str> {
        (self.side == Side::Cost).then_some(self.invoice.id.as_str())
    }

    fn charge_class(&self) -> Option<&'static str> {
        self.invoice.amends_of.is_some().then_some("Correction")
    }
}

/// One row's own values (the frame gives the rest).
struct Charge<'a> {
    category: &'static str,
    frequency: &'static str,
    description: &'a str,
    start: Option<String>,
    end: Option<String>,
    billed: String,
    list_cost: String,
    unit_price: Option<String>,
    quantity: Option<String>,
    service: &'a str,
    resource: Option<&'a str>,
    subscription: Option<&'a str>,
}

fn write_row<W: std::io::Write>(
    csv: &mut CsvExport<W>,
    f: &Frame<'_>,
    c: &Charge<'_>,
) -> Result<(), ApiError> {
    let (account_id, account_name) = f.billed();
    let [issuer, provider, publisher] = f.parties();
    let (service_category, service_subcategory) = service::service_class(c.service);
    let effective = if c.category == "Purchase" {
        "0.00"
    } else {
        c.billed.as_str()
    };
    let quantity = c.quantity.as_deref();
    csv.row(&[
        Cell::Text(account_id),
        Cell::Text(account_name),
        Cell::Text(&f.invoice.currency),
        opt(f.period_start.as_deref()),
        opt(f.period_end.as_deref()),
        Cell::Text(c.category),
        opt(f.charge_class()),
        Cell::Text(c.description),
        Cell::Text(c.frequency),
        opt(c.start.as_deref()),
        opt(c.end.as_deref()),
        Cell::Number(&c.billed),
        Cell::Number(effective),
        Cell::Number(&c.list_cost),
        Cell::Number(&c.list_cost),
        num(c.unit_price.as_deref()),
        num(c.unit_price.as_deref()),
        num(quantity),
        num(quantity),
        opt(quantity.map(|_| "Units")),
        opt(f.invoice_id()),
        Cell::Text(issuer),
        Cell::Text(provider),
        Cell::Text(publisher),
        Cell::Text(c.service),
        Cell::Text(service_category),
        Cell::Text(service_subcategory),
        opt(c.resource),
        opt(c.resource),
        opt(c.subscription),
        opt(c.subscription),
        Cell::Text(&f.invoice.id),
        Cell::Text(&f.customer.customer_id),
        Cell::Text(&f.customer_name),
    ])?;
    Ok(())
}

fn opt(v: Option<&str>) -> Cell<'_> {
    v.map_or(Cell::Empty, Cell::Text)
}

fn num(v: Option<&str>) -> Cell<'_> {
    v.map_or(Cell::Empty, Cell::Number)
}

/// A line as a charge of `side`.
fn charge<'a>(side: Side, l: &'a InvoiceLineDto) -> Charge<'a> {
    let amount = match side {
        Side::Cost => &l.cost,
        Side::Resale => &l.resale,
    };
    let amount_dec: Decimal = amount.parse().unwrap_or(Decimal::ZERO);
    let quantity: Option<Decimal> = l.quantity.as_deref().and_then(|q| q.parse().ok());
    let (unit_price, list_cost) = match side {
        Side::Cost => {
            let unit: Option<Decimal> = l.unit_price.as_deref().and_then(|p| p.parse().ok());
            let list = unit
                .zip(quantity)
                .map_or(amount_dec, |(u, q)| (u * q).normalize());
            (unit.map(decimal), decimal(list))
        }
        Side::Resale => {
            let unit = quantity.filter(|q| !q.is_zero()).map(|q| {
                decimal(
                    (amount_dec / q)
                        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
                        .normalize(),
                )
            });
            (unit, decimal(amount_dec))
        }
    };
    let usage = l
        .charge_type
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("usage"));
    let service = l.product.as_deref().unwrap_or_default();
    Charge {
        category: if usage { "Usage" } else { "Purchase" },
        frequency: frequency(usage, l.charge_type.as_deref().unwrap_or_default()),
        description: l.sku.as_deref().unwrap_or(service),
        start: l.charge_start.as_deref().and_then(start_of),
        end: l.charge_end.as_deref().and_then(end_after),
        billed: decimal_text(amount).unwrap_or_else(|| amount.clone()),
        list_cost,
        unit_price,
        quantity: quantity.map(decimal),
        service,
        resource: l.sku.as_deref(),
        subscription: l.subscription_id.as_deref(),
    }
}

/// One customer's charges on one invoice as FOCUS from `side`: the lines in view, in view
/// order, and (resale) the fee when the view shows every line.
pub fn customer_charges(
    db: &Database,
    views: &LineViews,
    lines: &LinesInView<'_>,
    side: Side,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let (account_id, invoice_id, customer_id) =
        (lines.account_id, lines.invoice_id, lines.customer_id);
    let detail = billing::invoice_detail(db, account_id, invoice_id)?;
    let customer = detail
        .customers
        .iter()
        .find(|c| c.customer_id == customer_id)
        .ok_or_else(|| {
            ApiError::new(
                crate::ErrorCode::NotFound,
                format!("Customer {customer_id} has no charges on invoice {invoice_id}"),
                Some("customer"),
            )
        })?;
    let inv = &detail.invoice;
    let frame = Frame {
        side,
        invoice: inv,
        customer,
        customer_name: customer
            .customer_name
            .clone()
            .unwrap_or_else(|| customer.customer_id.clone()),
        period_start: inv.billing_period_start.as_deref().and_then(start_of),
        period_end: inv.billing_period_end.as_deref().and_then(end_after),
    };
    to_file(path, |out| {
        let mut csv = CsvExport::new(out, options, &COLUMNS)?;
        each_customer_line(db, views, lines, |l| {
            write_row(&mut csv, &frame, &charge(side, &l))
        })?;
        // The fee is the partner's, no line of a product: a filtered view leaves it out.
        let fee = customer
            .fee
            .parse::<Decimal>()
            .ok()
            .filter(|f| !f.is_zero());
        if let (Side::Resale, Some(fee), true) = (side, fee, lines.query.shows_every_line()) {
            let fee = decimal(fee);
            let fee_charge = Charge {
                category: "Purchase",
                frequency: "Recurring",
                description: "Monthly service fee",
                start: frame.period_start.clone(),
                end: frame.period_end.clone(),
                billed: fee.clone(),
                list_cost: fee.clone(),
                unit_price: Some(fee),
                quantity: Some(decimal(Decimal::ONE)),
                service: "Service fee",
                resource: None,
                subscription: None,
            };
            write_row(&mut csv, &frame, &fee_charge)?;
        }
        finish(csv)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_always_carry_a_point() {
        assert_eq!(decimal_text("-1").unwrap(), "-1.0");
        assert_eq!(decimal_text("5.49").unwrap(), "5.49");
        assert_eq!(decimal(Decimal::new(250, 2)), "2.50");
    }

    #[test]
    fn frequencies_follow_the_charge_type() {
        assert_eq!(frequency(true, "Usage"), "Usage-Based");
        assert_eq!(frequency(false, "oneTime"), "One-Time");
        assert_eq!(frequency(false, "cycleCharge"), "Recurring");
        assert_eq!(frequency(false, "new"), "Recurring");
    }
}
