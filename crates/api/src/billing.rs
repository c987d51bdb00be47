//! Billing as finance reads it: Microsoft's invoices, one invoice's charges per customer with
//! our markup, resale and margin, and one customer's lines on an invoice, a page at a time.
//!
//! # Rules
//! - **Cost** of a customer on an invoice is the exact sum of its lines' pre-tax amounts
//!   (`subtotal` of a new-commerce line, `pretaxCharges` of a legacy line), so the customers
//!   of an invoice add up to the sum of its lines, which is the invoice's `totalCharges` when
//!   every line is read ([`InvoiceDetailDto::matches_invoice`] says whether it is).
//! - **Resale** marks up each line with the customer's markup in effect on the line's charge
//!   start day, by the line's product (for Azure plan usage, the meter category), rounded to
//!   the cent per line, plus the customer's monthly fee once per invoice.
//! - A customer without any markup (own or organization's) resells at cost: its lines are
//!   not read to work that out.

use chrono::{Datelike, NaiveDate};
use cspdesk_rating::markup::CostLine;
use cspdesk_rating::period::BillingPeriod;
use cspdesk_store::billing::{self, InvoiceLineRow, InvoiceRow};
use cspdesk_store::{discovered, Database, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::amount_text::{amount, cents as money};
use crate::markups::Marked;
use crate::{ApiError, ErrorCode};

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
    /// `Invoice`, `CreditNote`, `VoidNote`...
    pub document_type: Option<String>,
    /// `Recurring`, `OneTime`...
    pub invoice_type: Option<String>,
    /// Whether every line of it is read (else run Discovery to finish reading it).
    pub lines_complete: bool,
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
}

/// One line of a customer on an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineDto {
    /// Stable position (for keys).
    #[ts(type = "number")]
    pub line: i64,
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

/// A page of a customer's lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLinesPageDto {
    /// First line's index.
    #[ts(type = "number")]
    pub offset: u64,
    /// All lines of the customer on the invoice.
    #[ts(type = "number")]
    pub total: u64,
    /// The lines.
    pub lines: Vec<InvoiceLineDto>,
}

/// The first ten characters of a date-time as sent (`2026-10-01T00:00:00Z` → `2026-10-01`).
fn day(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| t.chars().take(10).collect())
}

fn parse_day(text: &Option<String>) -> Option<NaiveDate> {
    day(text).and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

fn invoice_dto(i: InvoiceRow) -> InvoiceDto {
    InvoiceDto {
        account_id: i.account_id,
        account_name: i.account_name,
        invoice_date: day(&i.invoice_date),
        billing_period_start: day(&i.billing_period_start),
        billing_period_end: day(&i.billing_period_end),
        id: i.id,
        currency: i.currency,
        total: money(i.total_charges.amount()),
        paid: i.paid_amount.map(|p| money(p.amount())),
        document_type: i.document_type,
        invoice_type: i.invoice_type,
        lines_complete: i.lines_complete,
    }
}

/// Every invoice, newest first.
pub fn invoices(db: &Database) -> Result<Vec<InvoiceDto>, ApiError> {
    Ok(billing::invoices(db)?
        .into_iter()
        .map(invoice_dto)
        .collect())
}

fn find_invoice(db: &Database, account_id: &str, invoice_id: &str) -> Result<InvoiceRow, ApiError> {
    billing::invoice(db, account_id, invoice_id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("Invoice {invoice_id} is not in the database: run Discovery to read it"),
            None,
        )
    })
}

/// The invoice's billing period: the calendar month it starts in (or of its date).
fn period_of(i: &InvoiceRow) -> Result<BillingPeriod, ApiError> {
    let start = parse_day(&i.billing_period_start)
        .or_else(|| parse_day(&i.invoice_date))
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::BadResponse,
                format!("Invoice {} has neither a billing period nor a date", i.id),
                None,
            )
        })?;
    BillingPeriod::calendar_month(start.year(), start.month())
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string(), None))
}

/// A line as the markup rules see it: its product as category, its charge start (inside the
/// period) as day.
fn cost_line(l: &InvoiceLineRow, period: &BillingPeriod) -> CostLine {
    let date = parse_day(&l.charge_start)
        .filter(|d| period.contains(*d))
        .unwrap_or(period.start());
    CostLine {
        usage_date: date,
        meter_category: l.product.clone(),
        cost: l.cost.amount(),
    }
}

struct Customer<'a> {
    account_id: &'a str,
    id: &'a str,
    organization: Option<String>,
}

fn organization_of(
    db: &Database,
    account_id: &str,
    customer_id: &str,
) -> Result<Option<String>, ApiError> {
    Ok(discovered::customer_organization(
        db,
        account_id,
        customer_id,
    )?)
}

/// Resale of `lines` (each) and the fee, for one customer.
fn resale_of(
    db: &Database,
    c: &Customer<'_>,
    lines: &[InvoiceLineRow],
    period: &BillingPeriod,
) -> Result<(Vec<Decimal>, Decimal), ApiError> {
    let cost: Vec<CostLine> = lines.iter().map(|l| cost_line(l, period)).collect();
    let r = crate::markups::customer_resale(
        db,
        &cost,
        c.account_id,
        c.id,
        c.organization.as_deref(),
        period,
    )?;
    Ok((r.lines.into_iter().map(|l| l.resale).collect(), r.fee))
}

/// One invoice with its customers' cost, markup, fee, resale and margin.
pub fn invoice_detail(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
) -> Result<InvoiceDetailDto, ApiError> {
    let invoice = find_invoice(db, account_id, invoice_id)?;
    let period = period_of(&invoice)?;
    let marked = Marked::load(db)?;
    let known: std::collections::HashMap<String, (String, Option<String>)> =
        discovered::customers(db)?
            .into_iter()
            .filter(|c| c.account_id == account_id)
            .map(|c| (c.id, (c.company_name, c.organization_id)))
            .collect();
    let mut customers = Vec::new();
    let (mut cost_t, mut markup_t, mut fee_t, mut resale_t) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for ch in billing::charges_by_customer(db, account_id, invoice_id)? {
        let (name, organization) = known
            .get(&ch.customer_id)
            .cloned()
            .map_or((ch.customer_name.clone(), None), |(n, o)| (Some(n), o));
        let cost = ch.cost.amount();
        let (resale, fee) = if marked.has(account_id, &ch.customer_id, organization.as_deref()) {
            let mut lines = Vec::new();
            billing::each_line::<ApiError>(
                db,
                account_id,
                invoice_id,
                Some(&ch.customer_id),
                |l| {
                    lines.push(l);
                    Ok(())
                },
            )?;
            let c = Customer {
                account_id,
                id: &ch.customer_id,
                organization,
            };
            let (each, fee) = resale_of(db, &c, &lines, &period)?;
            (each.into_iter().sum::<Decimal>() + fee, fee)
        } else {
            (cost, Decimal::ZERO)
        };
        cost_t += cost;
        markup_t += resale - cost - fee;
        fee_t += fee;
        resale_t += resale;
        customers.push(InvoiceCustomerDto {
            customer_id: ch.customer_id,
            customer_name: name,
            lines: ch.lines,
            cost: money(cost),
            markup: money(resale - cost - fee),
            fee: money(fee),
            resale: money(resale),
            margin: money(resale - cost),
        });
    }
    customers.sort_by(|a, b| {
        a.customer_name
            .as_deref()
            .unwrap_or(&a.customer_id)
            .to_lowercase()
            .cmp(
                &b.customer_name
                    .as_deref()
                    .unwrap_or(&b.customer_id)
                    .to_lowercase(),
            )
    });
    let matches_invoice = Money::new(cost_t).round_cents() == invoice.total_charges.round_cents();
    Ok(InvoiceDetailDto {
        invoice: invoice_dto(invoice),
        customers,
        cost_total: money(cost_t),
        markup_total: money(markup_t),
        fee_total: money(fee_t),
        resale_total: money(resale_t),
        margin_total: money(resale_t - cost_t),
        matches_invoice,
    })
}

fn line_dto(l: InvoiceLineRow, resale: Decimal) -> InvoiceLineDto {
    InvoiceLineDto {
        line: l.line,
        source: l.source.to_string(),
        charge_start: day(&l.charge_start),
        charge_end: day(&l.charge_end),
        product: l.product,
        sku: l.sku,
        subscription_id: l.subscription_id,
        charge_type: l.charge_type,
        quantity: l.quantity,
        unit_price: l.unit_price,
        effective_unit_price: l.effective_unit_price,
        cost: money(l.cost.amount()),
        resale: money(resale),
        currency: l.currency,
    }
}

/// Lines `offset..offset + limit` (at most 5,000) of one customer on an invoice, with their
/// resale.
pub fn customer_lines(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
    offset: u64,
    limit: u64,
) -> Result<InvoiceLinesPageDto, ApiError> {
    let invoice = find_invoice(db, account_id, invoice_id)?;
    let period = period_of(&invoice)?;
    let (lines, total) = billing::lines_page(
        db,
        account_id,
        invoice_id,
        customer_id,
        offset,
        limit.min(5_000),
    )?;
    let organization = organization_of(db, account_id, customer_id)?;
    let c = Customer {
        account_id,
        id: customer_id,
        organization,
    };
    let (resale, _) = resale_of(db, &c, &lines, &period)?;
    Ok(InvoiceLinesPageDto {
        offset,
        total,
        lines: lines
            .into_iter()
            .zip(resale)
            .map(|(l, r)| line_dto(l, r))
            .collect(),
    })
}

/// Calls `visit` with every line of one customer on an invoice, with its resale, in order:
/// the lines are marked up in chunks, so memory stays flat.
pub fn each_customer_line(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
    mut visit: impl FnMut(InvoiceLineDto) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    const CHUNK: usize = 4_096;
    let invoice = find_invoice(db, account_id, invoice_id)?;
    let period = period_of(&invoice)?;
    let c = Customer {
        account_id,
        id: customer_id,
        organization: organization_of(db, account_id, customer_id)?,
    };
    let mut chunk = Vec::with_capacity(CHUNK);
    let flush = |chunk: &mut Vec<InvoiceLineRow>,
                 visit: &mut dyn FnMut(InvoiceLineDto) -> Result<(), ApiError>| {
        let (resale, _) = resale_of(db, &c, chunk, &period)?;
        for (l, r) in chunk.drain(..).zip(resale) {
            visit(line_dto(l, r))?;
        }
        Ok::<(), ApiError>(())
    };
    billing::each_line::<ApiError>(db, account_id, invoice_id, Some(customer_id), |l| {
        chunk.push(l);
        if chunk.len() == CHUNK {
            flush(&mut chunk, &mut visit)?;
        }
        Ok(())
    })?;
    flush(&mut chunk, &mut visit)
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
}

/// Unbilled usage per account, open period and currency, newest first.
pub fn unbilled(db: &Database) -> Result<Vec<UnbilledDto>, ApiError> {
    let names: std::collections::HashMap<String, String> = cspdesk_store::accounts::list(db)?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect();
    // (period, account, currency) -> (customers, records, cost)
    let mut by: std::collections::BTreeMap<(String, String, String), (u32, u64, Decimal)> =
        Default::default();
    for u in billing::unbilled(db)? {
        let e = by.entry((u.period, u.account_id, u.currency)).or_default();
        e.0 += 1;
        e.1 += u.records;
        e.2 += u.cost.amount();
    }
    let mut out: Vec<UnbilledDto> = by
        .into_iter()
        .map(
            |((period, account_id, currency), (customers, records, cost))| UnbilledDto {
                account_name: names.get(&account_id).cloned().unwrap_or_default(),
                account_id,
                period,
                currency,
                customers,
                records,
                cost: money(cost),
            },
        )
        .collect();
    out.sort_by(|a, b| b.period.cmp(&a.period).then(a.currency.cmp(&b.currency)));
    Ok(out)
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

/// One customer's lines on an invoice grouped by product, largest cost first. Reads every
/// line once (streamed); the groups add up to the customer's row less its fee.
pub fn customer_line_groups(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
) -> Result<Vec<LineGroupDto>, ApiError> {
    let mut by: std::collections::BTreeMap<String, (u64, Decimal, Decimal)> = Default::default();
    each_customer_line(db, account_id, invoice_id, customer_id, |l| {
        let e = by.entry(l.product.clone().unwrap_or_default()).or_default();
        e.0 += 1;
        e.1 += amount(&l.cost);
        e.2 += amount(&l.resale);
        Ok(())
    })?;
    let mut out: Vec<LineGroupDto> = by
        .into_iter()
        .map(|(product, (lines, cost, resale))| LineGroupDto {
            product,
            lines,
            cost: money(cost),
            resale: money(resale),
        })
        .collect();
    out.sort_by(|a, b| {
        amount(&b.cost)
            .cmp(&amount(&a.cost))
            .then(a.product.cmp(&b.product))
    });
    Ok(out)
}
