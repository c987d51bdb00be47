//! One customer's reconciliation of one period: our rated Azure plan lines against the
//! invoice side's daily rated usage, the difference split into causes. Reads only that
//! customer's lines (indexed), so computing a month is bounded by one customer-period in
//! memory; `super::reconcile` keeps each result and recomputes only the stale ones.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::price::{normalize_meter_id, PriceBook, PriceLookup};
use cspdesk_rating::rate::RatedLine;
use cspdesk_rating::reconcile::{reconcile as reconcile_lines, InvoiceUsageLine, MatchKey};
use cspdesk_rating::set_aside as set_aside_lines;
use cspdesk_store::rated::{self, StoredRatedLine, UsageKind};
use cspdesk_store::{Database, Money};
use rust_decimal::Decimal;

use super::dto::{ReconciliationDto, ReconciliationLineDto};
use super::prices::period_prices;
use super::reconcile::causes_map;
use crate::shared::amount_text::cents as money;
use crate::ApiError;

/// How many differing lines a reconciliation lists (the largest first).
const LISTED_DIFFERENCES: usize = 20;

/// What one customer's comparison reads besides its own lines.
pub(super) struct Customer<'a> {
    pub account_id: &'a str,
    pub customer: &'a str,
    pub period: &'a str,
    pub billing_period: &'a BillingPeriod,
    /// Why its rating was refused.
    pub refused: Option<&'a str>,
    /// The invoice's lines set aside when read, with their keys when they carry them.
    pub aside: &'a [Option<MatchKey>],
    /// What the period's legacy invoices charge it.
    pub legacy_invoiced: Option<Decimal>,
}

/// The prices rating used for the period, read once per account and only when a customer
/// has lines to compare.
pub(super) type LazyBook = Option<Option<Box<dyn PriceLookup>>>;

/// The customer's reconciliation; `None` when it has nothing on either side. Names are the
/// caller's (they are not what was compared).
pub(super) fn compare(
    db: &Database,
    c: &Customer<'_>,
    book: &mut LazyBook,
) -> Result<Option<ReconciliationDto>, ApiError> {
    let theirs = rated::invoice_usage_of(db, c.account_id, c.period, Some(c.customer))?;
    let mine = rated::lines(db, c.account_id, c.period, Some(c.customer))?;
    if theirs.is_empty() && mine.is_empty() && c.refused.is_none() {
        return Ok(None);
    }
    let (azure, legacy): (Vec<&StoredRatedLine>, Vec<&StoredRatedLine>) = mine
        .iter()
        .partition(|l| l.usage_kind == UsageKind::AzurePlan);
    let mut dto = ReconciliationDto {
        account_id: c.account_id.to_string(),
        account_name: String::new(),
        customer: c.customer.to_string(),
        customer_name: None,
        period: c.period.to_string(),
        currency: theirs
            .first()
            .map(|l| l.billing_currency.clone())
            .or_else(|| mine.first().map(|l| l.billing_currency.clone())),
        invoice_state: invoice_state(&theirs),
        rated: (!azure.is_empty())
            .then(|| money(azure.iter().map(|l| l.billing_pre_tax_total.amount()).sum())),
        invoiced: (!theirs.is_empty())
            .then(|| money(theirs.iter().map(|l| l.billing_pre_tax_total).sum())),
        resale: None,
        margin: None,
        difference: None,
        causes: BTreeMap::new(),
        unexplained: None,
        refused: None,
        lines_compared: 0,
        lines_matched: 0,
        differences: Vec::new(),
        set_aside_lines: u32::try_from(c.aside.len()).unwrap_or(u32::MAX),
    };
    if let Some(why) = c.refused {
        dto.refused = Some(format!("Its usage could not be priced: {why}"));
    } else if azure.is_empty() && theirs.is_empty() && !legacy.is_empty() {
        dto.rated = Some(
            cost_of_stored(&legacy)
                .map(|m| m.to_string())
                .unwrap_or_default(),
        );
        // What the period's legacy invoices charge them stands beside it, so the
        // headline's not-compared amounts add up to the invoices.
        dto.invoiced = c.legacy_invoiced.map(money);
        dto.refused = Some("Legacy Azure offer (MS-AZR-0145P) only: Microsoft bills it per meter for the whole month, so there is no daily usage to compare with".into());
    } else if azure.is_empty() {
        dto.refused =
            Some("Not priced yet: rate this month first (Rate usage, or cspdesk rate)".into());
    } else if theirs.is_empty() {
        dto.refused =
            Some("Microsoft's daily usage for this customer is not read yet: run Discovery".into());
    } else {
        if book.is_none() {
            *book = Some(period_prices(db, c.account_id, c.period)?);
        }
        let empty_book = PriceBook::new();
        let prices: &dyn PriceLookup = match book.as_ref().and_then(|b| b.as_deref()) {
            Some(b) => b,
            None => &empty_book,
        };
        let our_lines: Vec<RatedLine> = azure.iter().map(|l| rated_line(l)).collect();
        let their_lines: Vec<InvoiceUsageLine> = theirs.iter().map(invoice_line).collect();
        match reconcile_lines(&our_lines, &their_lines, c.billing_period, prices) {
            Err(e) => dto.refused = Some(e.to_string()),
            Ok(mut r) => {
                let aside_keys: Vec<MatchKey> = c.aside.iter().flatten().cloned().collect();
                set_aside_lines::attribute(&mut r, &aside_keys);
                let keys: BTreeSet<MatchTuple> = our_lines
                    .iter()
                    .map(|l| {
                        (
                            l.subscription_id.clone(),
                            l.entitlement_id.clone(),
                            normalize_meter_id(&l.meter_id),
                            l.usage_date,
                        )
                    })
                    .chain(their_lines.iter().map(|l| {
                        (
                            l.subscription_id.clone(),
                            l.entitlement_id.clone(),
                            normalize_meter_id(&l.meter_id),
                            l.usage_date,
                        )
                    }))
                    .collect();
                // The crate lists only the lines that differ (or do not explain
                // themselves); every other compared line is equal to the cent.
                dto.lines_compared = u32::try_from(keys.len()).unwrap_or(u32::MAX);
                dto.lines_matched = dto
                    .lines_compared
                    .saturating_sub(u32::try_from(r.keys.len()).unwrap_or(u32::MAX));
                dto.rated = Some(money(r.ours_total));
                dto.invoiced = Some(money(r.invoice_total));
                dto.difference = Some(money(r.difference));
                dto.unexplained = Some(money(r.unexplained));
                dto.causes = causes_map(r.causes.iter());
                dto.currency = Some(r.billing_currency);
                let mut listed = r.keys;
                listed.sort_by_key(|k| std::cmp::Reverse(k.difference.abs()));
                dto.differences = listed
                    .into_iter()
                    .take(LISTED_DIFFERENCES)
                    .map(|k| ReconciliationLineDto {
                        subscription_id: k.key.subscription_id,
                        entitlement_id: k.key.entitlement_id,
                        meter_id: k.key.meter_id,
                        usage_date: k.key.usage_date.to_string(),
                        rated: money(k.ours),
                        invoiced: money(k.invoice),
                        difference: money(k.difference),
                        causes: causes_map(k.causes.iter()),
                        unexplained: money(k.unexplained),
                    })
                    .collect();
            }
        }
    }
    Ok(Some(dto))
}
/// Our stored Azure plan line as the rating crate's rated line.
fn rated_line(l: &StoredRatedLine) -> RatedLine {
    RatedLine {
        customer_id: l.customer_id.clone(),
        subscription_id: l.subscription_id.clone(),
        entitlement_id: l.entitlement_id.clone(),
        resource_uri: None,
        meter_id: l.meter_id.clone(),
        meter_category: l.meter_category.clone(),
        usage_date: l.usage_date,
        quantity: l.quantity,
        discount: l.discount,
        list_cost: l.unit_price * l.quantity,
        unit_price: l.unit_price,
        partner_earned_credit_rate: l.credit_rate,
        effective_unit_price: l.effective_unit_price,
        pricing_currency: l.pricing_currency.clone(),
        pricing_amount: l.pricing_total.amount(),
        pricing_pre_tax_total: l.pricing_total.amount(),
        fx_rate: l.fx_rate,
        billing_currency: l.billing_currency.clone(),
        billing_amount: l.billing_pre_tax_total.amount(),
        billing_pre_tax_total: l.billing_pre_tax_total.amount(),
    }
}

fn invoice_line(l: &rated::InvoiceUsage) -> InvoiceUsageLine {
    InvoiceUsageLine {
        customer_id: l.customer_id.clone(),
        subscription_id: l.subscription_id.clone(),
        entitlement_id: l.entitlement_id.clone(),
        meter_id: l.meter_id.clone(),
        usage_date: l.usage_date,
        quantity: l.quantity,
        unit_price: l.unit_price,
        effective_unit_price: l.effective_unit_price,
        billing_pre_tax_total: l.billing_pre_tax_total,
        billing_currency: l.billing_currency.clone(),
        pc_to_bc_exchange_rate: l.pc_to_bc_exchange_rate,
        partner_earned_credit_rate: l.partner_earned_credit_rate,
    }
}

type MatchTuple = (String, String, String, NaiveDate);

fn cost_of_stored(lines: &[&StoredRatedLine]) -> Option<Money> {
    if lines.is_empty() {
        return None;
    }
    let mut per: BTreeMap<(&str, &str), Money> = BTreeMap::new();
    for l in lines {
        *per.entry((&l.subscription_id, &l.meter_id)).or_default() += l.billing_pre_tax_total;
    }
    Some(per.into_values().map(Money::floor_cents).sum())
}

fn invoice_state(lines: &[rated::InvoiceUsage]) -> Option<String> {
    let billed = lines.iter().filter(|l| l.billed).count();
    match (lines.len(), billed) {
        (0, _) => None,
        (n, b) if b == n => Some("billed".into()),
        (_, 0) => Some("unbilled".into()),
        _ => Some("mixed".into()),
    }
}
