//! Our rated figures against the invoice's daily rated usage, per customer and per period
//! with totals per currency, the difference split into causes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use cspdesk_rating::reconcile::{Cause, MatchKey};
use cspdesk_rating::set_aside as set_aside_lines;
use cspdesk_store::rated::{self, RatingState};
use cspdesk_store::set_aside;
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::dto::{PeriodDto, PeriodReconciliationDto, ReconciliationDto, ReconciliationTotalDto};
use super::headline::{invoice_parts, is_legacy, of_period, rest};
use super::rate::{accounts_of, customer_names};
use super::reconcile_customer::{compare, Customer, LazyBook};
use crate::shared::amount_text::{amount, cents as money};
use crate::shared::periods::{parse_period, period_text};
use crate::{ApiError, ErrorCode};

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

pub(super) fn causes_map(
    causes: impl Iterator<Item = (Cause, Decimal)>,
) -> BTreeMap<String, String> {
    causes
        .filter(|(_, a)| !a.is_zero())
        .map(|(c, a)| (cause_name(c).to_string(), a.normalize().to_string()))
        .collect()
}

/// Version of what a kept comparison holds and how it is computed: raising it recomputes
/// every kept reconciliation on its next read.
const KEPT_RULES: u32 = 1;

/// What a customer's comparison is computed from, as text: its rating state (its lines
/// change only when it is rated again), the invoice side's version, its set-aside lines and
/// legacy charges. Equal text, equal comparison.
fn inputs_text(
    state: Option<&RatingState>,
    invoice_version: Option<&i64>,
    aside: &[Option<MatchKey>],
    legacy_invoiced: Option<&Decimal>,
) -> String {
    let rated = state.map_or(String::from("-"), |s| {
        format!(
            "{}|{}|{}|{}|{}|{}|{}|{:?}",
            s.rated_at,
            s.rules,
            s.lines,
            s.usage_fingerprint,
            s.price_cards,
            s.prices_fingerprint,
            s.input_versions.as_deref().unwrap_or("-"),
            s.refused
        )
    });
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    aside.hash(&mut hasher);
    format!(
        "{KEPT_RULES}|{rated}|invoice:{}|aside:{}:{:016x}|legacy:{:?}",
        invoice_version.copied().unwrap_or(0),
        aside.len(),
        hasher.finish(),
        legacy_invoiced
    )
}

/// Reconciles every customer of `account` (all accounts when `None`) for `period`
/// (`YYYY-MM`): our rated Azure plan cost against the invoice's daily rated usage (the
/// period's invoice, or its unbilled usage while it is not invoiced yet). A customer with
/// data on one side only, or whose rating was refused, is reported as refused with the
/// reason instead of a difference. By account, then company name.
///
/// Each customer's comparison is kept (`rated::keep`) with what it was computed from; a
/// customer whose inputs are unchanged is answered from the kept row, any other is computed
/// again from its own lines only, so a month is never loaded at once.
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
        let states: BTreeMap<String, RatingState> = rated::states(db, &acc.id, Some(&period))?
            .into_iter()
            .map(|s| (s.customer_id.clone(), s))
            .collect();
        let versions = rated::invoice_versions(db, &acc.id, &period)?;
        let kept = rated::kept(db, &acc.id, &period)?;
        // Every customer with invoice-side rows has an invoice version; every one with
        // rated lines or a refusal has a state.
        let customers: BTreeSet<&String> = versions.keys().chain(states.keys()).collect();
        let mut book: LazyBook = None;
        let mut rows = Vec::new();
        for customer in customers {
            let state = states.get(customer);
            let aside_of = aside.get(customer).map(Vec::as_slice).unwrap_or_default();
            let inputs = inputs_text(
                state,
                versions.get(customer),
                aside_of,
                legacy_invoiced.get(customer),
            );
            let from_kept = kept
                .get(customer)
                .filter(|k| k.inputs == inputs)
                .and_then(|k| serde_json::from_str::<Option<ReconciliationDto>>(&k.result).ok());
            let dto = match from_kept {
                Some(dto) => dto,
                None => {
                    let c = Customer {
                        account_id: &acc.id,
                        customer,
                        period: &period,
                        billing_period: &billing_period,
                        refused: state.and_then(|s| s.refused.as_deref()),
                        aside: aside_of,
                        legacy_invoiced: legacy_invoiced.get(customer).copied(),
                    };
                    let dto = compare(db, &c, &mut book)?;
                    let result = serde_json::to_string(&dto).map_err(|e| {
                        ApiError::new(
                            ErrorCode::Internal,
                            format!("keeping a reconciliation: {e}"),
                            None,
                        )
                    })?;
                    rated::keep(
                        db,
                        &acc.id,
                        &period,
                        customer,
                        &rated::Kept { inputs, result },
                    )?;
                    dto
                }
            };
            if let Some(mut dto) = dto {
                dto.account_name = acc.name.clone();
                dto.customer_name = names.get(&(acc.id.clone(), customer.clone())).cloned();
                rows.push(dto);
            }
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
