//! Billing as finance reads it: Microsoft's invoices, and one invoice's charges per customer
//! with our markup, resale and margin (one customer's lines: [`crate::billing::lines`]).
//!
//! # Rules
//! - **Cost** of a customer on an invoice is the exact sum of its lines' pre-tax amounts
//!   (`subtotal` of a new-commerce line, `pretaxCharges` of a legacy line), so the customers
//!   of an invoice add up to the sum of its lines, which is the invoice's `totalCharges` when
//!   every line is read ([`InvoiceDetailDto::matches_invoice`] says whether it is).
//! - **Resale** marks up each line with the customer's markup in effect on the line's charge
//!   start day, by the line's product (for Azure plan usage, the meter category), rounded to
//!   the cent per line, plus the customer's monthly fee once per invoice (never on a note).
//! - A credit or adjustment note is a document of its own (its customers and lines open
//!   like an invoice's) listed with the invoice it amends, in that invoice's period.
//! - A customer without any markup (own or organization's) resells at cost: its lines are
//!   not read to work that out.

use chrono::{Datelike, NaiveDate};
use cspdesk_rating::period::BillingPeriod;
use cspdesk_store::billing::{self, InvoiceRow};
use cspdesk_store::{discovered, Database, Money};
use rust_decimal::Decimal;

use super::dto::{
    InvoiceCustomerDto, InvoiceDetailDto, InvoiceDto, UnbilledChargeDto, UnbilledDto,
};
use crate::billing::line_view::line_resale;
use crate::customers::resale::{CustomerMarkups, Marked};
use crate::shared::amount_text::{amount, cents as money};
use crate::{ApiError, ErrorCode};
/// The first ten characters of a date-time as sent (`2026-10-01T00:00:00Z` → `2026-10-01`).
pub(crate) fn day(text: &Option<String>) -> Option<String> {
    text.as_ref().map(|t| t.chars().take(10).collect())
}

fn parse_day(text: &Option<String>) -> Option<NaiveDate> {
    text.as_deref().and_then(crate::billing::line_view::ymd)
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
        amends_of: i.amends_of,
        invoice_type: i.invoice_type,
        lines_complete: i.lines_complete,
        data_read_at: i.data_version.as_ref().map(|(_, at)| at.clone()),
        data_version: i.data_version.map(|(e_tag, _)| e_tag),
    }
}

/// Every invoice, newest first.
pub fn invoices(db: &Database) -> Result<Vec<InvoiceDto>, ApiError> {
    Ok(billing::invoices(db)?
        .into_iter()
        .map(invoice_dto)
        .collect())
}

pub(crate) fn find_invoice(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
) -> Result<InvoiceRow, ApiError> {
    billing::invoice(db, account_id, invoice_id)?.ok_or_else(|| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("Invoice {invoice_id} is not in the database: run Discovery to read it"),
            None,
        )
    })
}

/// The invoice's billing period: the calendar month it starts in (or of its date).
pub(crate) fn period_of(i: &InvoiceRow) -> Result<BillingPeriod, ApiError> {
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

pub(crate) fn organization_of(
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
            // Streamed: a million-line customer is priced one line at a time.
            let markups =
                CustomerMarkups::load(db, account_id, &ch.customer_id, organization.as_deref())?;
            let mut lines = Decimal::ZERO;
            billing::each_line::<ApiError>(
                db,
                account_id,
                invoice_id,
                Some(&ch.customer_id),
                |l| {
                    lines += line_resale(
                        &markups,
                        &period,
                        l.product.as_deref(),
                        l.charge_start.as_deref(),
                        l.cost.amount(),
                    )?;
                    Ok(())
                },
            )?;
            // The monthly fee is charged once, on the invoice: a note only corrects lines.
            let fee = if invoice.amends_of.is_some() {
                Decimal::ZERO
            } else {
                markups.fee(&period)
            };
            (lines + fee, fee)
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
    let mut notes: Vec<InvoiceDto> = billing::notes_of(db, account_id, invoice_id)?
        .into_iter()
        .map(invoice_dto)
        .collect();
    notes.sort_by(|a, b| a.invoice_date.cmp(&b.invoice_date).then(a.id.cmp(&b.id)));
    Ok(InvoiceDetailDto {
        invoice: invoice_dto(invoice),
        customers,
        cost_total: money(cost_t),
        markup_total: money(markup_t),
        fee_total: money(fee_t),
        resale_total: money(resale_t),
        margin_total: money(resale_t - cost_t),
        matches_invoice,
        notes,
    })
}

/// Unbilled usage and, from Graph, the period's other charges per product, per account,
/// open period and currency, newest first.
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
    let mut charges: std::collections::BTreeMap<(String, String, String), Vec<UnbilledChargeDto>> =
        Default::default();
    for c in billing::unbilled_charges(db)? {
        let key = (c.period, c.account_id, c.currency);
        by.entry(key.clone()).or_default();
        charges.entry(key).or_default().push(UnbilledChargeDto {
            product: c.product,
            lines: c.lines,
            amount: money(c.amount.amount()),
        });
    }
    let mut out: Vec<UnbilledDto> = by
        .into_iter()
        .map(
            |((period, account_id, currency), (customers, records, cost))| {
                let charges =
                    charges.remove(&(period.clone(), account_id.clone(), currency.clone()));
                // Each product's amount is already to the cent, so their sum is too.
                let charges_total = charges
                    .as_ref()
                    .map(|c| money(c.iter().map(|x| amount(&x.amount)).sum::<Decimal>()));
                UnbilledDto {
                    charges,
                    charges_total,
                    account_name: names.get(&account_id).cloned().unwrap_or_default(),
                    account_id,
                    period,
                    currency,
                    customers,
                    records,
                    cost: money(cost),
                }
            },
        )
        .collect();
    out.sort_by(|a, b| b.period.cmp(&a.period).then(a.currency.cmp(&b.currency)));
    Ok(out)
}
