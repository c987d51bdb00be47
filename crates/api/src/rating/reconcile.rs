//! Our rated figures against the invoice's daily rated usage, per customer and per period
//! with totals per currency, the difference split into causes.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use cspdesk_rating::price::{normalize_meter_id, PriceBook, PriceLookup};
use cspdesk_rating::rate::RatedLine;
use cspdesk_rating::reconcile::{reconcile as reconcile_lines, Cause, InvoiceUsageLine, MatchKey};
use cspdesk_rating::set_aside as set_aside_lines;
use cspdesk_store::rated::{self, StoredRatedLine, UsageKind};
use cspdesk_store::set_aside;
use cspdesk_store::{Database, Money};
use rust_decimal::Decimal;

use super::dto::{
    PeriodDto, PeriodReconciliationDto, ReconciliationDto, ReconciliationLineDto,
    ReconciliationTotalDto,
};
use super::headline::{invoice_parts, is_legacy, of_period, rest};
use super::prices::period_prices;
use super::rate::{accounts_of, customer_names};
use crate::shared::amount_text::{amount, cents as money};
use crate::shared::periods::{parse_period, period_text};
use crate::ApiError;

/// How many differing lines a reconciliation lists (the largest first).
const LISTED_DIFFERENCES: usize = 20;

/// [`reconcile`] of every account with the totals per currency, and the invoices' other
/// charges beside them. Resale and margin are left empty: the customers' markups sit above
/// rating, and `billing::reconciliation::reconcile_period` (the Reconciliation page's call)
/// adds them.
pub fn reconcile_period(db: &Database, period: &str) -> Result<PeriodReconciliationDto, ApiError> {
    let customers = reconcile(db, period, None)?;
    let invoices = cspdesk_store::billing::invoices(db)?;
    let mut parts = invoice_parts(
        db,
        &period_text(&parse_period(period)?),
        &invoices,
        &customers,
    )?;
    let parse = |t: &Option<String>| t.as_deref().map_or(Decimal::ZERO, amount);
    type Sums = (
        u32,
        u32,
        Decimal,
        Decimal,
        Decimal,
        Decimal,
        BTreeMap<String, Decimal>,
    );
    let mut by_currency: BTreeMap<String, Sums> = BTreeMap::new();
    // Customers not compared, by currency: count, rated, invoiced.
    let mut left_out: BTreeMap<String, (u32, Decimal, Decimal)> = BTreeMap::new();
    for c in &customers {
        let currency = c.currency.clone().unwrap_or_default();
        if c.refused.is_some() {
            let e = left_out.entry(currency.clone()).or_default();
            e.0 += 1;
            e.1 += parse(&c.rated);
            e.2 += parse(&c.invoiced);
            by_currency.entry(currency).or_default();
            continue;
        }
        let e = by_currency.entry(currency).or_default();
        let difference = parse(&c.difference);
        e.0 += 1;
        e.1 += u32::from(difference.is_zero());
        e.2 += parse(&c.rated);
        e.3 += parse(&c.invoiced);
        e.4 += difference;
        e.5 += parse(&c.unexplained);
        for (cause, text) in &c.causes {
            *e.6.entry(cause.clone()).or_default() += amount(text);
        }
    }
    // A currency invoiced for licences only still has its strip.
    for currency in parts.keys() {
        by_currency.entry(currency.clone()).or_default();
    }
    let totals = by_currency
        .into_iter()
        .map(
            |(currency, (n, matched, rated, invoiced, difference, unexplained, causes))| {
                let (not_compared, not_compared_rated, not_compared_invoiced) =
                    left_out.get(&currency).copied().unwrap_or_default();
                let invoice = parts.remove(&currency).unwrap_or_default();
                let invoice_rest = rest(&invoice, invoiced, not_compared_invoiced);
                ReconciliationTotalDto {
                    resale: money(Decimal::ZERO),
                    margin: money(Decimal::ZERO),
                    other_charges: money(invoice.other),
                    invoice_total: invoice.total.map(money),
                    invoice_rest: money(invoice_rest),
                    not_compared,
                    not_compared_rated: money(not_compared_rated),
                    not_compared_invoiced: money(not_compared_invoiced),
                    currency,
                    customers: n,
                    matched,
                    rated: money(rated),
                    invoiced: money(invoiced),
                    difference: money(difference),
                    causes: causes_map(
                        causes
                            .into_iter()
                            .filter_map(|(k, v)| cause_of(&k).map(|c| (c, v))),
                    ),
                    unexplained: money(unexplained),
                }
            },
        )
        .collect();
    let period = period_text(&parse_period(period)?);
    let licences = super::licence_check::check_licences(
        db,
        None,
        Some(&period),
        super::licence_check::SheetChoice::OrderMonth,
    )?;
    Ok(PeriodReconciliationDto {
        period,
        customers,
        totals,
        licences,
    })
}

/// Each customer's charges on the account's legacy invoices (`Recurring`, D-numbered, among
/// `invoices`) whose billing period starts in `period`.
fn legacy_charges(
    db: &Database,
    invoices: &[cspdesk_store::billing::InvoiceRow],
    account_id: &str,
    period: &str,
) -> Result<HashMap<String, Decimal>, ApiError> {
    let mut out: HashMap<String, Decimal> = HashMap::new();
    for inv in invoices {
        if inv.account_id != account_id || !is_legacy(inv) || !of_period(inv, period) {
            continue;
        }
        for c in cspdesk_store::billing::charges_by_customer(db, account_id, &inv.id)? {
            *out.entry(c.customer_id).or_default() += c.cost.amount();
        }
    }
    Ok(out)
}

fn cause_of(name: &str) -> Option<Cause> {
    Cause::ALL.into_iter().find(|c| cause_name(*c) == name)
}

/// Every period with rated usage or an invoice, newest first.
pub fn periods(db: &Database) -> Result<Vec<PeriodDto>, ApiError> {
    Ok(rated::periods(db, None)?
        .into_iter()
        .map(|p| PeriodDto {
            period: p.period,
            rated: p.rated,
            refused: p.refused,
            invoiced: p.invoiced,
        })
        .collect())
}

fn cause_name(cause: Cause) -> &'static str {
    match cause {
        Cause::MissingUsage => "missingUsage",
        Cause::LateUsage => "lateUsage",
        Cause::TierBoundary => "tierBoundary",
        Cause::PriceMismatch => "priceMismatch",
        Cause::PartnerEarnedCredit => "partnerEarnedCredit",
        Cause::Fx => "fx",
        Cause::Rounding => "rounding",
        Cause::SetAside => "setAside",
    }
}

fn causes_map(causes: impl Iterator<Item = (Cause, Decimal)>) -> BTreeMap<String, String> {
    causes
        .filter(|(_, a)| !a.is_zero())
        .map(|(c, a)| (cause_name(c).to_string(), a.normalize().to_string()))
        .collect()
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

/// Reconciles every customer of `account` (all accounts when `None`) for `period`
/// (`YYYY-MM`): our rated Azure plan cost against the invoice's daily rated usage (the
/// period's invoice, or its unbilled usage while it is not invoiced yet). A customer with
/// data on one side only, or whose rating was refused, is reported as refused with the
/// reason instead of a difference. By account, then company name.
pub fn reconcile(
    db: &Database,
    period: &str,
    account: Option<&str>,
) -> Result<Vec<ReconciliationDto>, ApiError> {
    let billing_period = parse_period(period)?;
    let period = period_text(&billing_period);
    let names = customer_names(db)?;
    let invoices = cspdesk_store::billing::invoices(db)?;
    let mut out = Vec::new();
    for acc in accounts_of(db, account)? {
        // The prices rating used: the month's sheet when held (a price changed since is no
        // mismatch), else the rate card; imported files over either.
        let prices = period_prices(db, &acc.id, &period)?;
        let empty_book = PriceBook::new();
        let book: &dyn PriceLookup = prices.as_deref().unwrap_or(&empty_book);
        let mut invoice: BTreeMap<String, Vec<rated::InvoiceUsage>> = BTreeMap::new();
        for l in rated::invoice_usage(db, &acc.id, &period)? {
            invoice.entry(l.customer_id.clone()).or_default().push(l);
        }
        let mut ours: BTreeMap<String, Vec<StoredRatedLine>> = BTreeMap::new();
        for l in rated::lines(db, &acc.id, &period, None)? {
            ours.entry(l.customer_id.clone()).or_default().push(l);
        }
        // The invoice's lines set aside when read, per customer, with their keys when they
        // carry them.
        let mut aside: BTreeMap<String, Vec<Option<MatchKey>>> = BTreeMap::new();
        for item in set_aside::lines_of_period(db, &acc.id, &period)? {
            let raw: serde_json::Value =
                serde_json::from_str(&item.row.raw).unwrap_or(serde_json::Value::Null);
            aside
                .entry(item.row.customer_id.clone().unwrap_or_default())
                .or_default()
                .push(set_aside_lines::key_of_raw(&raw));
        }
        let legacy_invoiced = legacy_charges(db, &invoices, &acc.id, &period)?;
        let refusals: HashMap<String, String> = rated::states(db, &acc.id, Some(&period))?
            .into_iter()
            .filter_map(|s| s.refused.map(|r| (s.customer_id, r)))
            .collect();
        let customers: BTreeSet<&String> = invoice
            .keys()
            .chain(ours.keys())
            .chain(refusals.keys())
            .collect();
        let mut rows = Vec::new();
        for customer in customers {
            let theirs = invoice.get(customer).map(Vec::as_slice).unwrap_or_default();
            let mine = ours.get(customer).map(Vec::as_slice).unwrap_or_default();
            let (azure, legacy): (Vec<&StoredRatedLine>, Vec<&StoredRatedLine>) = mine
                .iter()
                .partition(|l| l.usage_kind == UsageKind::AzurePlan);
            let mut dto = ReconciliationDto {
                account_id: acc.id.clone(),
                account_name: acc.name.clone(),
                customer: customer.clone(),
                customer_name: names.get(&(acc.id.clone(), customer.clone())).cloned(),
                period: period.clone(),
                currency: theirs
                    .first()
                    .map(|l| l.billing_currency.clone())
                    .or_else(|| mine.first().map(|l| l.billing_currency.clone())),
                invoice_state: invoice_state(theirs),
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
                set_aside_lines: aside
                    .get(customer)
                    .map_or(0, |a| u32::try_from(a.len()).unwrap_or(u32::MAX)),
            };
            if let Some(why) = refusals.get(customer) {
                dto.refused = Some(format!("Its usage could not be priced: {why}"));
            } else if azure.is_empty() && theirs.is_empty() && !legacy.is_empty() {
                dto.rated = Some(
                    cost_of_stored(&legacy)
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                );
                // What the period's legacy invoices charge them stands beside it, so the
                // headline's not-compared amounts add up to the invoices.
                dto.invoiced = legacy_invoiced.get(customer).map(|a| money(*a));
                dto.refused = Some("Legacy Azure offer (MS-AZR-0145P) only: Microsoft bills it per meter for the whole month, so there is no daily usage to compare with".into());
            } else if azure.is_empty() {
                dto.refused = Some(
                    "Not priced yet: rate this month first (Rate usage, or cspdesk rate)".into(),
                );
            } else if theirs.is_empty() {
                dto.refused = Some(
                    "Microsoft's daily usage for this customer is not read yet: run Discovery"
                        .into(),
                );
            } else {
                let our_lines: Vec<RatedLine> = azure.iter().map(|l| rated_line(l)).collect();
                let their_lines: Vec<InvoiceUsageLine> = theirs.iter().map(invoice_line).collect();
                match reconcile_lines(&our_lines, &their_lines, &billing_period, book) {
                    Err(e) => dto.refused = Some(e.to_string()),
                    Ok(mut r) => {
                        let aside_keys: Vec<MatchKey> = aside
                            .get(customer)
                            .into_iter()
                            .flatten()
                            .flatten()
                            .cloned()
                            .collect();
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
            rows.push(dto);
        }
        rows.sort_by(|a, b| {
            let name =
                |d: &ReconciliationDto| d.customer_name.clone().unwrap_or_default().to_lowercase();
            name(a).cmp(&name(b)).then(a.customer.cmp(&b.customer))
        });
        out.extend(rows);
    }
    Ok(out)
}

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
