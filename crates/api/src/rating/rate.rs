//! Rating and reconciliation as the app and `cspdesk rate` / `cspdesk reconcile` see them:
//! our own figures for the usage Discovery imported, rated incrementally (only the
//! customer-periods whose usage, prices or rules changed), and compared per customer with
//! the invoice's daily rated usage, the difference split into causes.
//!
//! # What is rated, with which prices
//! - **Azure plan** usage (new commerce, from Graph's rows and v1's alike: both land in
//!   `daily_usage`): the quantities of `daily_usage`, partner earned credit at each row's own
//!   rate (`rateOfPartnerEarnedCredit`, stored as a fraction), priced **month-true** when the
//!   usage month's Pricing API consumption sheet is held (`store::pricing`, see
//!   [`super::month_prices`]): that sheet under the imported files, and the month's FX rate
//!   when its FX rates are held (else the row's `pcToBCExchangeRate`).
//!   **When no sheet is held for the month**, as before Discovery fetches sheets: the
//!   partner's USD rate card under the imported files (no offer discount), FX from each row's
//!   `pcToBCExchangeRate`. So nothing changes for a month until its sheet arrives, and a
//!   month whose sheet arrives is rated again (its prices fingerprint changes).
//! - **Legacy (0145P)** usage: `utilization_records`, priced with the rate card in the
//!   customer's currency (the currency of its legacy invoice lines) less the card's offer
//!   discount, no credit, no FX.
//!
//! The stored rate card is the one Discovery read last; its `effectiveDate`s (meters and
//! offer terms) are those of the day it was read, and no older card is kept, so the card is
//! taken as in effect for every period. Prices that changed since an earlier period are
//! therefore not known (reconciliation then shows them as a price mismatch) unless that
//! month's Pricing API consumption sheet was imported (`price_sheets::import_month_sheet`):
//! its prices, cut to the month, answer for the month's days before the card does.
//!
//! # Microsoft's rule for an Azure plan record
//! [`cspdesk_rating::rate::rate`] applies it (its module docs write the rounding down): tiers
//! accumulate per Azure plan + meter over the billing month, the included quantity first;
//! records are taken by usage day, then in the order the invoice lists them (the order
//! `daily_usage` is read in), each at its own positions; `EUP` is rounded half away from zero
//! to 6 decimals, then `billingPreTaxTotal = FLOOR(EUP × q × FX, 2)` and
//! `pricingPreTaxTotal = FLOOR(EUP × q, 2)`. Here the records of a customer-period become one
//! series per Azure plan + meter, rated with the month's one exchange rate (a series whose
//! records carry two rates is refused), and the crate's `reconcile` does the comparison.
//!
//! A stored line adds up one day's records of one Azure subscription and meter (one per
//! resource); its billing total is the sum of the records' floored totals, so it adds up
//! like the invoice.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use cspdesk_rating::customer_period::{
    self, rate_azure_plan, rate_azure_plan_monthly, rate_legacy, AzurePlanRecord, DayLine,
    LegacyRecord,
};
use cspdesk_rating::price::PriceOrigin;
use cspdesk_store::rated::{
    self, AzurePlanUsage, LegacyUsage, PeriodVersions, RatedLineRow, RatingState, RatingStateRow,
    UsageKind, UsageRead,
};
use cspdesk_store::{accounts, discovered, Database, Money};

use super::dto::{RateSummaryDto, RatedPeriodDto};
use super::prices::{usage_fingerprint, Books};
use crate::shared::periods::{parse_period, period_text};
use crate::ApiError;

/// Version of the rating rules below. Stored with each customer-period; raising it makes
/// the next `rate` rate everything again. 5: every line carries its list cost (migration
/// 0017 gave lines rated before it a list cost of 0, which Customers and the Dashboard then
/// showed as a negative saving); raised with 0021, so a state recorded before its data
/// versions existed is rated again rather than compared by its rows.
pub const RATING_RULES: i64 = 5;

struct Rated {
    lines: Vec<RatedLineRow>,
    azure: UsageRead,
    legacy: UsageRead,
    refused: Option<String>,
}

fn rate_one(
    db: &Database,
    account_id: &str,
    inputs: &PeriodVersions,
    books: &Books,
) -> Result<Rated, ApiError> {
    let period = parse_period(&inputs.period)?;
    // A kind that never had a version has no row: should Discovery add some in between, its
    // version moves and the next rating sees them.
    let (azure_usage, azure) = if inputs.usage > 0 {
        rated::azure_plan_usage(db, account_id, &inputs.customer_id, &inputs.period)?
    } else {
        Default::default()
    };
    let (legacy_usage, legacy) = if inputs.legacy > 0 {
        rated::legacy_usage(db, account_id, &inputs.customer_id, &inputs.period)?
    } else {
        Default::default()
    };
    let azure_usage: Vec<AzurePlanRecord> = azure_usage.into_iter().map(azure_record).collect();
    let legacy_usage: Vec<LegacyRecord> = legacy_usage.into_iter().map(legacy_record).collect();
    let mut lines = Vec::new();
    let mut refused = None;
    if let Some(why) = books.months.unusable.get(&inputs.period) {
        if !azure_usage.is_empty() {
            refused = Some(why.clone());
        }
    } else if !azure_usage.is_empty() && books.months.month_true(&inputs.period) {
        match rate_azure_plan_monthly(
            &inputs.customer_id,
            &azure_usage,
            &books.months.prices,
            &period,
        ) {
            Ok(l) => lines.extend(l.into_iter().map(line_row)),
            Err(why) => refused = Some(why.to_string()),
        }
    } else if !azure_usage.is_empty() {
        match &books.azure_plan {
            None => {
                refused = Some(
                    "no USD rate card is stored (the Azure plan's list prices): run Discovery to read it"
                        .to_string(),
                )
            }
            Some(prices) => {
                match rate_azure_plan(&inputs.customer_id, &azure_usage, prices, &period) {
                    Ok(l) => lines.extend(l.into_iter().map(line_row)),
                    Err(why) => refused = Some(why.to_string()),
                }
            }
        }
    }
    if refused.is_none() && !legacy_usage.is_empty() {
        let prices = inputs
            .legacy_currency
            .as_deref()
            .map(|c| c.trim().to_ascii_uppercase())
            .ok_or_else(|| {
                "the customer's billing currency is not known until Discovery reads one of its legacy invoices".to_string()
            })
            .and_then(|c| {
                books
                    .legacy
                    .get(&c)
                    .ok_or_else(|| format!("no {c} rate card is stored: run Discovery to read it"))
            });
        match prices
            .and_then(|p| rate_legacy(&legacy_usage, p, &period).map_err(|why| why.to_string()))
        {
            Ok(l) => lines.extend(l.into_iter().map(line_row)),
            Err(why) => refused = Some(why),
        }
    }
    if refused.is_some() {
        lines.clear();
    }
    Ok(Rated {
        lines,
        azure,
        legacy,
        refused,
    })
}

/// A stored Azure plan record as the rating crate reads it (fields moved, not copied).
fn azure_record(u: AzurePlanUsage) -> AzurePlanRecord {
    AzurePlanRecord {
        subscription_id: u.subscription_id,
        entitlement_id: u.entitlement_id,
        meter_id: u.meter_id,
        meter_name: u.meter_name,
        meter_category: u.meter_category,
        usage_date: u.usage_date,
        resource_uri: u.resource_uri,
        quantity: u.quantity,
        billing_currency: u.billing_currency,
        pc_to_bc_exchange_rate: u.pc_to_bc_exchange_rate,
        partner_earned_credit_rate: u.partner_earned_credit_rate,
    }
}

/// A stored legacy record as the rating crate reads it.
fn legacy_record(u: LegacyUsage) -> LegacyRecord {
    LegacyRecord {
        subscription_id: u.subscription_id,
        entitlement_id: u.entitlement_id,
        meter_id: u.meter_id,
        meter_name: u.meter_name,
        meter_category: u.meter_category,
        usage_date: u.usage_date,
        quantity: u.quantity,
    }
}

/// A rated day line as the store writes it.
fn line_row(l: DayLine) -> RatedLineRow {
    RatedLineRow {
        subscription_id: l.subscription_id,
        entitlement_id: l.entitlement_id,
        meter_id: l.meter_id,
        usage_date: l.usage_date,
        usage_kind: match l.usage_kind {
            customer_period::UsageKind::AzurePlan => UsageKind::AzurePlan,
            customer_period::UsageKind::Legacy => UsageKind::Legacy,
        },
        meter_name: l.meter_name,
        meter_category: l.meter_category,
        records: l.records,
        quantity: l.quantity,
        unit_price: l.unit_price,
        effective_unit_price: l.effective_unit_price,
        credit_rate: l.credit_rate,
        discount: l.discount,
        fx_rate: l.fx_rate,
        pricing_currency: l.pricing_currency,
        pricing_total: Money::new(l.pricing_total),
        billing_pre_tax_total: Money::new(l.billing_pre_tax_total),
        billing_currency: l.billing_currency,
        price_origin: origin_text(l.price_origin),
        list_cost: Money::new(l.list_cost),
        effective_cost: Money::new(l.effective_cost),
    }
}

fn origin_text(origin: PriceOrigin) -> String {
    serde_json::to_value(origin)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{origin:?}"))
}

pub(super) fn accounts_of(
    db: &Database,
    account: Option<&str>,
) -> Result<Vec<accounts::Account>, ApiError> {
    Ok(match account {
        Some(a) => vec![accounts::find(db, a)?],
        None => accounts::list(db)?,
    })
}

pub(crate) fn customer_names(db: &Database) -> Result<HashMap<(String, String), String>, ApiError> {
    Ok(discovered::customers(db)?
        .into_iter()
        .map(|c| ((c.account_id, c.id), c.company_name))
        .collect())
}

fn cost_of(lines: &[RatedLineRow]) -> (Option<String>, Option<String>) {
    let Some(first) = lines.first() else {
        return (None, None);
    };
    let mut azure = Money::ZERO;
    let mut legacy: BTreeMap<(&str, &str), Money> = BTreeMap::new();
    for l in lines {
        match l.usage_kind {
            UsageKind::AzurePlan => azure += l.billing_pre_tax_total,
            UsageKind::Legacy => {
                *legacy.entry((&l.subscription_id, &l.meter_id)).or_default() +=
                    l.billing_pre_tax_total
            }
        }
    }
    let total = azure + legacy.into_values().map(Money::floor_cents).sum::<Money>();
    (
        Some(first.billing_currency.clone()),
        Some(total.to_string()),
    )
}

/// Rates what changed: every customer-period of `account` (name or id; all accounts when
/// `None`) in `period` (`YYYY-MM`; all periods when `None`) whose usage, rate cards or rating
/// rules differ from what it was last rated from. Each customer-period is written in one
/// transaction. A customer-period that cannot be rated is recorded with the reason (and
/// rated again once its inputs change); one whose usage is gone is removed.
pub fn rate(
    db: &mut Database,
    account: Option<&str>,
    period: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RateSummaryDto, ApiError> {
    rate_until(db, account, period, now, &|| false)
}

/// [`rate`], ending early (between customer-periods, each whole) once `stop` says so: what
/// is left is rated next time, its inputs being unchanged since they were never rated.
pub fn rate_until(
    db: &mut Database,
    account: Option<&str>,
    period: Option<&str>,
    now: DateTime<Utc>,
    stop: &dyn Fn() -> bool,
) -> Result<RateSummaryDto, ApiError> {
    let period = period
        .map(parse_period)
        .transpose()?
        .map(|p| period_text(&p));
    let mut summary = RateSummaryDto {
        periods: Vec::new(),
        rated: 0,
        refused: 0,
        unchanged: 0,
        removed: 0,
        lines_written: 0,
    };
    let names = customer_names(db)?;
    for acc in accounts_of(db, account)? {
        // The periods with a customer rated, refused or removed now: only their kept
        // reconciliation can be stale for rating's sake.
        let mut moved: BTreeSet<String> = BTreeSet::new();
        let inputs = rated::period_versions(db, &acc.id, period.as_deref())?;
        let states: HashMap<(String, String), RatingState> =
            rated::states(db, &acc.id, period.as_deref())?
                .into_iter()
                .map(|s| ((s.customer_id.clone(), s.period.clone()), s))
                .collect();
        let months: BTreeSet<String> = inputs.iter().map(|i| i.period.clone()).collect();
        let books = Books::load(db, &acc.id, &months)?;
        let mut seen = BTreeSet::new();
        for inp in &inputs {
            if stop() {
                return Ok(summary);
            }
            let key = (inp.customer_id.clone(), inp.period.clone());
            seen.insert(key.clone());
            let (cards, prints) = books.used(inp);
            let state = states.get(&key).filter(|s| {
                s.rules == RATING_RULES && s.price_cards == cards && s.prices_fingerprint == prints
            });
            let versions = inp.text();
            // A state without versions was rated before 0021 (with older rules, so `state`
            // is already None for it): rated again like any other.
            let unchanged =
                state.and_then(|s| s.input_versions.as_deref()) == Some(versions.as_str());
            if unchanged {
                summary.unchanged += 1;
                continue;
            }
            let result = rate_one(db, &acc.id, inp, &books)?;
            if result.azure.records + result.legacy.records == 0 {
                // Its usage is gone: as if it had none (its versions go unless they moved).
                rated::clear(db, &acc.id, &inp.customer_id, &inp.period, Some(inp))?;
                if states.contains_key(&key) {
                    summary.removed += 1;
                    moved.insert(inp.period.clone());
                }
                continue;
            }
            let state = RatingStateRow {
                customer_id: inp.customer_id.clone(),
                period: inp.period.clone(),
                usage_records: result.azure.records + result.legacy.records,
                usage_fingerprint: usage_fingerprint(&result.azure, &result.legacy),
                price_cards: cards,
                prices_fingerprint: prints,
                rules: RATING_RULES,
                lines: u32::try_from(result.lines.len()).unwrap_or(u32::MAX),
                refused: result.refused.clone(),
                rated_at: now,
                input_versions: Some(versions),
            };
            summary.lines_written += rated::replace(db, &acc.id, &state, &result.lines)?;
            moved.insert(inp.period.clone());
            let (currency, cost) = cost_of(&result.lines);
            if result.refused.is_some() {
                summary.refused += 1;
            } else {
                summary.rated += 1;
            }
            summary.periods.push(RatedPeriodDto {
                account_id: acc.id.clone(),
                account_name: acc.name.clone(),
                customer_name: names
                    .get(&(acc.id.clone(), inp.customer_id.clone()))
                    .cloned(),
                customer_id: inp.customer_id.clone(),
                period: inp.period.clone(),
                usage_records: state.usage_records,
                lines: state.lines,
                currency,
                cost,
                refused: result.refused,
            });
        }
        for key in states.keys().filter(|k| !seen.contains(*k)) {
            rated::clear(db, &acc.id, &key.0, &key.1, None)?;
            summary.removed += 1;
            moved.insert(key.1.clone());
        }
        // Keep the reconciliation of the periods that moved now, so the page answers from
        // kept rows (only their stale customers are computed; a period whose invoice side
        // alone moved is the page's to recompute). A failure here is the page's to report
        // when it computes them itself.
        for p in &moved {
            let _ = super::reconcile::reconcile(db, p, Some(&acc.id));
        }
    }
    Ok(summary)
}
