//! The Reconciliation headline's share of the invoice: what the period's invoices charge per
//! currency besides the usage reconciled (licences, reservations, marketplace, one-time
//! purchases, the legacy charges of customers compared on their Azure plan), so the strips
//! (compared, not compared, other charges) add up to the invoices' totals, and any rest
//! (lines not read yet, usage lines that disagree with the daily usage) is shown, not hidden.

use std::collections::{BTreeMap, BTreeSet};

use cspdesk_store::billing::{self, InvoiceRow};
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::dto::ReconciliationDto;
use crate::ApiError;

/// One currency's invoices of a period, against its customers' rows.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct InvoiceParts {
    /// Charges outside usage reconciliation.
    pub other: Decimal,
    /// Σ `totalCharges`, when the period is invoiced in the currency.
    pub total: Option<Decimal>,
}

/// A legacy invoice (`Recurring`, D-numbered): its lines are per meter for the whole month,
/// with no daily usage to compare.
pub(super) fn is_legacy(inv: &InvoiceRow) -> bool {
    inv.invoice_type.as_deref() == Some("Recurring") || inv.id.starts_with('D')
}

/// Whether the invoice's billing period starts in `period` (`YYYY-MM`). A credit or
/// adjustment note carries the period of the invoice it amends, so it counts there, as on the
/// Dashboard.
pub(super) fn of_period(inv: &InvoiceRow, period: &str) -> bool {
    inv.billing_period_start
        .as_deref()
        .is_some_and(|s| s.starts_with(period))
}

/// A row whose `invoiced` is what the legacy invoices charge the customer: it has no daily
/// usage (no invoice state), yet an invoiced amount (see `reconcile`'s legacy-only case).
fn invoiced_by_legacy(row: &ReconciliationDto) -> bool {
    row.invoice_state.is_none() && row.invoiced.is_some()
}

/// Per currency: the period's invoices' total and their charges besides usage, given the
/// period's rows (`rows`), or for a period not invoiced in a currency, its other charges so
/// far (Microsoft Graph's unbilled reconciliation, usage left out).
pub(super) fn invoice_parts(
    db: &Database,
    period: &str,
    invoices: &[InvoiceRow],
    rows: &[ReconciliationDto],
) -> Result<BTreeMap<String, InvoiceParts>, ApiError> {
    let mut out: BTreeMap<String, InvoiceParts> = BTreeMap::new();
    // The legacy charges already in a row stay out of "other".
    let in_rows: BTreeSet<(&str, &str)> = rows
        .iter()
        .filter(|r| invoiced_by_legacy(r))
        .map(|r| (r.account_id.as_str(), r.customer.as_str()))
        .collect();
    for inv in invoices.iter().filter(|i| of_period(i, period)) {
        let e = out.entry(inv.currency.clone()).or_default();
        *e.total.get_or_insert(Decimal::ZERO) += inv.total_charges.amount();
        let charges = billing::charges_by_customer(db, &inv.account_id, &inv.id)?;
        if is_legacy(inv) {
            e.other += charges
                .iter()
                .filter(|c| !in_rows.contains(&(inv.account_id.as_str(), c.customer_id.as_str())))
                .map(|c| c.cost.amount())
                .sum::<Decimal>();
        } else {
            let lines: Decimal = charges.iter().map(|c| c.cost.amount()).sum();
            e.other += lines - billing::usage_charges(db, &inv.account_id, &inv.id)?.amount();
        }
    }
    for c in billing::unbilled_charges(db)?
        .into_iter()
        .filter(|c| c.period == period)
    {
        out.entry(c.currency).or_default().other += c.amount.amount();
    }
    Ok(out)
}

/// What the invoices charge beyond the headline's parts (zero without an invoice).
pub(super) fn rest(
    parts: &InvoiceParts,
    usage_invoiced: Decimal,
    not_compared: Decimal,
) -> Decimal {
    parts.total.map_or(Decimal::ZERO, |t| {
        t - usage_invoiced - not_compared - parts.other
    })
}
