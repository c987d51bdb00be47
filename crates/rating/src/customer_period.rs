//! One customer-period's usage rated into day lines: what CSP Desk stores as its own figures
//! and reconciles against the invoice. A day line adds up one day's records of one
//! subscription and meter (one per resource); its billing total is the sum of the records'
//! floored totals, so it adds up like the invoice.
//!
//! - **Azure plan** records become one series per Azure plan + meter, rated by
//!   [`crate::rate::rate`] (tiers over the month, the included quantity first, partner earned
//!   credit, FX, Microsoft's rounding) with the month's one exchange rate; a series whose
//!   records carry two rates is refused. [`rate_azure_plan`] prices them with the rate card
//!   (under the imported files); [`rate_azure_plan_monthly`] with the month's Pricing API
//!   sheet (under the imported files) and, when held, the month's FX rates instead of the
//!   rows' `pcToBCExchangeRate`.
//! - **Legacy (0145P)** records are priced with the card of the customer's currency less
//!   its offer discount, no credit, no FX; tiers accumulate per subscription + meter over the
//!   month, totals keep full precision (the legacy invoice floors the month per subscription
//!   and meter).
//!
//! Every day line carries, in the billing currency, its **list cost** (quantity × the list
//! price, i.e. the first tier of the entry that priced it, before tiers, credit and
//! discounts, × FX), its **effective cost** (after tiers, partner earned credit and discounts,
//! before Microsoft's floor: Σ EUP × quantity × FX) and what Microsoft **bills**
//! (`billing_pre_tax_total`, floored per record). Savings are list − effective.
//!
//! A period that cannot be rated is refused whole, with a [`Refusal`] saying why in words.

// A refusal ends a whole customer-period, once per period, and carries the words the user
// reads; its size costs nothing on the path that rates.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::period::BillingPeriod;
use crate::price::{
    normalize_meter_id, MonthlyPrices, MonthlyPricesError, PriceBook, PriceEntries, PriceOrigin,
};
use crate::rate::{rate as rate_series, DailyUsage, Fx, RateError, RatingTerms, UsageSeries};

/// The currency Azure plan prices are in.
pub const AZURE_PLAN_PRICING: &str = "USD";

/// A rate card's prices as a price book, with the meters whose tiers are unusable.
pub struct CardPrices {
    /// The book (one entry per meter; offer discount when asked for).
    pub book: PriceBook,
    /// Meter id (lower case) → why it has no price; the empty key: why no meter has one.
    pub invalid: BTreeMap<String, String>,
    /// The card's currency.
    pub currency: String,
    /// The card's fingerprint.
    pub fingerprint: String,
}

/// One Azure plan usage record as the invoice's daily rated usage lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzurePlanRecord {
    /// Azure plan subscription id.
    pub subscription_id: String,
    /// Azure subscription (entitlement) id.
    pub entitlement_id: String,
    /// Meter id as read.
    pub meter_id: String,
    /// Meter name.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// The resource the usage is of.
    pub resource_uri: Option<String>,
    /// Quantity.
    pub quantity: Decimal,
    /// Billing currency.
    pub billing_currency: String,
    /// `pcToBCExchangeRate`, when the row carries one.
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Partner earned credit as a fraction (`rateOfPartnerEarnedCredit`; 0 = none).
    pub partner_earned_credit_rate: Decimal,
}

/// One legacy utilization record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyRecord {
    /// Legacy subscription id.
    pub subscription_id: String,
    /// Entitlement id.
    pub entitlement_id: String,
    /// Meter id as read.
    pub meter_id: String,
    /// Meter name.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Quantity.
    pub quantity: Decimal,
}

/// Which commerce a day line's usage is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsageKind {
    /// Azure plan (new commerce).
    AzurePlan,
    /// Legacy (0145P).
    Legacy,
}

/// One rated day line: a day's records of one subscription, entitlement and meter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayLine {
    /// Subscription id (Azure plan or legacy).
    pub subscription_id: String,
    /// Entitlement id.
    pub entitlement_id: String,
    /// Meter id, normalised.
    pub meter_id: String,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Commerce.
    pub usage_kind: UsageKind,
    /// Meter name of the first record.
    pub meter_name: Option<String>,
    /// Meter category of the first record.
    pub meter_category: Option<String>,
    /// Records added up.
    pub records: u32,
    /// Σ quantity.
    pub quantity: Decimal,
    /// List price per unit (Σ list cost / quantity).
    pub unit_price: Decimal,
    /// Effective price per unit (Σ EUP × quantity / quantity).
    pub effective_unit_price: Decimal,
    /// Share of the quantity with partner earned credit, as a rate.
    pub credit_rate: Decimal,
    /// Offer discount.
    pub discount: Decimal,
    /// Exchange rate.
    pub fx_rate: Decimal,
    /// Pricing currency.
    pub pricing_currency: String,
    /// Σ pricing totals.
    pub pricing_total: Decimal,
    /// Σ billing totals (each record floored as Microsoft does, for the Azure plan).
    pub billing_pre_tax_total: Decimal,
    /// Billing currency.
    pub billing_currency: String,
    /// Where the price came from.
    pub price_origin: PriceOrigin,
    /// Σ quantity × list price (first tier) × FX: billing currency, full precision.
    pub list_cost: Decimal,
    /// Σ EUP × quantity × FX (after tiers, credit and discounts, before the floor): billing
    /// currency, full precision.
    pub effective_cost: Decimal,
}

/// Why a customer-period cannot be rated; the words are what the user reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The card does not list the meter.
    #[error("no price for meter {meter} on {date}: the {currency} rate card does not list it")]
    NoPrice {
        /// Meter.
        meter: String,
        /// Day.
        date: NaiveDate,
        /// The card's currency.
        currency: String,
    },
    /// The card lists the meter (or nothing) unusably; the reason says how.
    #[error("{reason}")]
    UnusablePrice {
        /// Why, naming card and meter.
        reason: String,
    },
    /// A record billed in another currency than USD without an exchange rate.
    #[error("usage of {date} on meter {meter} billed in {currency} has no exchange rate")]
    NoExchangeRate {
        /// Usage day.
        date: NaiveDate,
        /// Meter.
        meter: String,
        /// Billing currency.
        currency: String,
    },
    /// One Azure plan + meter billed at two exchange rates in a month.
    #[error("usage of meter {meter} under Azure plan {plan} is billed at two exchange rates ({rate} {currency} and {other_rate} {other_currency}) in one month: run Discovery again to read the period whole")]
    TwoExchangeRates {
        /// Meter.
        meter: String,
        /// Azure plan subscription.
        plan: String,
        /// The series' first rate.
        rate: Decimal,
        /// Its billing currency.
        currency: String,
        /// The differing rate.
        other_rate: Decimal,
        /// Its billing currency.
        other_currency: String,
    },
    /// A series without records (never built from records, kept for completeness).
    #[error("a series without usage")]
    EmptySeries,
    /// A record dated outside the period.
    #[error("usage of {date} is outside the period {period}")]
    OutsidePeriod {
        /// Usage day.
        date: NaiveDate,
        /// The period rated.
        period: BillingPeriod,
    },
    /// Any other refusal of the rating rule (an exchange or credit rate out of range).
    #[error("{0}")]
    Rate(RateError),
}

/// One line being added up.
struct Acc {
    kind: UsageKind,
    meter_name: Option<String>,
    meter_category: Option<String>,
    records: u32,
    quantity: Decimal,
    /// Σ tiered cost × (1 − discount): list price, before credit.
    list: Decimal,
    /// Σ quantity × (1 − credit).
    kept_quantity: Decimal,
    /// Σ EUP × quantity (pricing currency, before the floor).
    net: Decimal,
    pricing_total: Decimal,
    billing_total: Decimal,
    discount: Decimal,
    fx: Decimal,
    pricing_currency: String,
    billing_currency: String,
    origin: PriceOrigin,
    /// Σ quantity × first-tier price × FX.
    list_billing: Decimal,
    /// Σ EUP × quantity × FX, before the floor.
    effective_billing: Decimal,
}

type LineKey = (String, String, String, NaiveDate);

fn to_lines(lines: BTreeMap<LineKey, Acc>) -> Vec<DayLine> {
    lines
        .into_iter()
        .map(
            |((subscription_id, entitlement_id, meter_id, usage_date), a)| {
                let per_unit = |x: Decimal| {
                    if a.quantity.is_zero() {
                        Decimal::ZERO
                    } else {
                        (x / a.quantity).normalize()
                    }
                };
                let credit = if a.quantity.is_zero() {
                    Decimal::ZERO
                } else {
                    (Decimal::ONE - a.kept_quantity / a.quantity).normalize()
                };
                DayLine {
                    subscription_id,
                    entitlement_id,
                    meter_id,
                    usage_date,
                    usage_kind: a.kind,
                    meter_name: a.meter_name,
                    meter_category: a.meter_category,
                    records: a.records,
                    quantity: a.quantity.normalize(),
                    unit_price: per_unit(a.list),
                    effective_unit_price: per_unit(a.net),
                    credit_rate: credit,
                    discount: a.discount.normalize(),
                    fx_rate: a.fx.normalize(),
                    pricing_currency: a.pricing_currency,
                    pricing_total: a.pricing_total,
                    billing_pre_tax_total: a.billing_total,
                    billing_currency: a.billing_currency,
                    price_origin: a.origin,
                    list_cost: a.list_billing,
                    effective_cost: a.effective_billing,
                }
            },
        )
        .collect()
}

fn no_price(prices: &CardPrices, meter: &str, date: NaiveDate) -> Refusal {
    match prices.invalid.get(meter).or_else(|| prices.invalid.get("")) {
        Some(reason) => Refusal::UnusablePrice {
            reason: reason.clone(),
        },
        None => Refusal::NoPrice {
            meter: meter.to_string(),
            date,
            currency: prices.currency.clone(),
        },
    }
}

/// The exchange rate of one record: its `pcToBCExchangeRate`, or 1 when billed in USD.
fn record_fx(u: &AzurePlanRecord, meter: &str) -> Result<Decimal, Refusal> {
    match u.pc_to_bc_exchange_rate {
        Some(x) if x > Decimal::ZERO => Ok(x),
        _ if u.billing_currency.eq_ignore_ascii_case(AZURE_PLAN_PRICING) => Ok(Decimal::ONE),
        _ => Err(Refusal::NoExchangeRate {
            date: u.usage_date,
            meter: meter.to_string(),
            currency: u.billing_currency.clone(),
        }),
    }
}

/// The one exchange rate of a series' records (Microsoft applies one per month).
fn series_fx(records: &[&AzurePlanRecord], meter: &str) -> Result<Fx, Refusal> {
    let first = records.first().ok_or(Refusal::EmptySeries)?;
    let rate = record_fx(first, meter)?;
    for u in records {
        let other = record_fx(u, meter)?;
        if other != rate
            || !u
                .billing_currency
                .eq_ignore_ascii_case(&first.billing_currency)
        {
            return Err(Refusal::TwoExchangeRates {
                meter: meter.to_string(),
                plan: u.subscription_id.clone(),
                rate,
                currency: first.billing_currency.clone(),
                other_rate: other,
                other_currency: u.billing_currency.clone(),
            });
        }
    }
    Fx::new(AZURE_PLAN_PRICING, &first.billing_currency, rate).map_err(Refusal::Rate)
}

/// Rates one customer-period's Azure plan records (see the module docs) with the rate card
/// (under the imported files), or says why not. `usage` is in the order it was read: usage
/// day, then the invoice's order.
pub fn rate_azure_plan(
    customer_id: &str,
    usage: &[AzurePlanRecord],
    prices: &CardPrices,
    period: &BillingPeriod,
) -> Result<Vec<DayLine>, Refusal> {
    rate_plan(
        customer_id,
        usage,
        &prices.book,
        &|meter, date| no_price(prices, meter, date),
        &|records, meter| series_fx(records, meter),
        period,
    )
}

/// Rates one customer-period's Azure plan records with the month's Pricing API sheet under
/// the imported files ([`MonthlyPrices`]), at the month's FX rate when its rates are held
/// (else the rows' `pcToBCExchangeRate`, as [`rate_azure_plan`]).
pub fn rate_azure_plan_monthly(
    customer_id: &str,
    usage: &[AzurePlanRecord],
    prices: &MonthlyPrices,
    period: &BillingPeriod,
) -> Result<Vec<DayLine>, Refusal> {
    let month_fx = |records: &[&AzurePlanRecord], meter: &str| -> Result<Fx, Refusal> {
        let first = records.first().ok_or(Refusal::EmptySeries)?;
        match prices.terms(*period, &first.billing_currency) {
            Ok(terms) => Ok(terms.fx),
            Err(MonthlyPricesError::NoFx { .. }) => series_fx(records, meter),
            Err(MonthlyPricesError::Rate(e)) => Err(Refusal::Rate(e)),
        }
    };
    rate_plan(
        customer_id,
        usage,
        prices,
        &|meter, date| Refusal::NoPrice {
            meter: meter.to_string(),
            date,
            currency: format!(
                "{AZURE_PLAN_PRICING} price sheet of the month (or an imported file)"
            ),
        },
        &month_fx,
        period,
    )
}

type NoPriceFn<'a> = &'a dyn Fn(&str, NaiveDate) -> Refusal;
type SeriesFxFn<'a> = &'a dyn Fn(&[&AzurePlanRecord], &str) -> Result<Fx, Refusal>;

fn rate_plan(
    customer_id: &str,
    usage: &[AzurePlanRecord],
    prices: &impl PriceEntries,
    no_price: NoPriceFn<'_>,
    fx_of: SeriesFxFn<'_>,
    period: &BillingPeriod,
) -> Result<Vec<DayLine>, Refusal> {
    let mut series: BTreeMap<(&str, String), Vec<&AzurePlanRecord>> = BTreeMap::new();
    for u in usage {
        series
            .entry((&u.subscription_id, normalize_meter_id(&u.meter_id)))
            .or_default()
            .push(u);
    }
    let mut lines: BTreeMap<LineKey, Acc> = BTreeMap::new();
    for ((plan, meter), records) in series {
        let fx = fx_of(&records, &meter)?;
        let s = UsageSeries {
            customer_id: customer_id.to_string(),
            subscription_id: plan.to_string(),
            meter_id: meter.clone(),
            meter_category: records[0].meter_category.clone(),
            usage: records
                .iter()
                .map(|u| DailyUsage {
                    date: u.usage_date,
                    entitlement_id: u.entitlement_id.clone(),
                    resource_uri: u.resource_uri.clone(),
                    quantity: u.quantity,
                    partner_earned_credit_rate: u.partner_earned_credit_rate,
                })
                .collect(),
        };
        let rated =
            rate_series(&s, prices, &RatingTerms::new(*period, fx)).map_err(|e| match e {
                RateError::NoPrice { meter_id, date, .. } => no_price(&meter_id, date),
                RateError::OutsidePeriod { date, .. } => Refusal::OutsidePeriod {
                    date,
                    period: *period,
                },
                other => Refusal::Rate(other),
            })?;
        for (u, l) in records.iter().zip(rated) {
            let entry = prices.entry_on(&l.meter_id, l.usage_date, AZURE_PLAN_PRICING);
            let list_price = entry.map_or(Decimal::ZERO, |e| first_tier_price(&e.price));
            let a = lines
                .entry((
                    l.subscription_id.clone(),
                    l.entitlement_id.clone(),
                    l.meter_id.clone(),
                    l.usage_date,
                ))
                .or_insert_with(|| Acc {
                    kind: UsageKind::AzurePlan,
                    meter_name: u.meter_name.clone(),
                    meter_category: u.meter_category.clone(),
                    records: 0,
                    quantity: Decimal::ZERO,
                    list: Decimal::ZERO,
                    kept_quantity: Decimal::ZERO,
                    net: Decimal::ZERO,
                    pricing_total: Decimal::ZERO,
                    billing_total: Decimal::ZERO,
                    discount: l.discount,
                    fx: l.fx_rate,
                    pricing_currency: l.pricing_currency.clone(),
                    billing_currency: l.billing_currency.clone(),
                    origin: entry.map_or(PriceOrigin::RateCard, |e| e.origin),
                    list_billing: Decimal::ZERO,
                    effective_billing: Decimal::ZERO,
                });
            a.records += 1;
            a.quantity += l.quantity;
            a.list += l.list_cost;
            a.kept_quantity += l.quantity * (Decimal::ONE - l.partner_earned_credit_rate);
            a.net += l.pricing_amount;
            a.pricing_total += l.pricing_pre_tax_total;
            a.billing_total += l.billing_pre_tax_total;
            a.list_billing += l.quantity * list_price * l.fx_rate;
            a.effective_billing += l.billing_amount;
        }
    }
    Ok(to_lines(lines))
}

/// The list price of a meter: its first tier's unit price (what a unit costs before any
/// volume tier, credit or discount).
fn first_tier_price(price: &crate::price::Price) -> Decimal {
    price
        .tiers
        .tiers()
        .first()
        .map_or(Decimal::ZERO, |t| t.unit_price)
}

/// Rates one customer-period's legacy records with the card of the customer's currency, or
/// says why not (see the module docs).
pub fn rate_legacy(
    usage: &[LegacyRecord],
    prices: &CardPrices,
    period: &BillingPeriod,
) -> Result<Vec<DayLine>, Refusal> {
    let mut before: HashMap<(String, String), Decimal> = HashMap::new();
    let mut lines: BTreeMap<LineKey, Acc> = BTreeMap::new();
    let mut order: Vec<&LegacyRecord> = usage.iter().collect();
    order.sort_by_key(|u| u.usage_date);
    for u in order {
        if !period.contains(u.usage_date) {
            return Err(Refusal::OutsidePeriod {
                date: u.usage_date,
                period: *period,
            });
        }
        let meter = normalize_meter_id(&u.meter_id);
        let entry = prices
            .book
            .entry_on(&meter, u.usage_date, &prices.currency)
            .ok_or_else(|| no_price(prices, &meter, u.usage_date))?;
        let price = &entry.price;
        let position = before
            .entry((u.subscription_id.clone(), meter.clone()))
            .or_default();
        let list = price.tiers.marginal_cost(*position, u.quantity);
        *position += u.quantity;
        let net = list * (Decimal::ONE - price.discount);
        let a = lines
            .entry((
                u.subscription_id.clone(),
                u.entitlement_id.clone(),
                meter.clone(),
                u.usage_date,
            ))
            .or_insert_with(|| Acc {
                kind: UsageKind::Legacy,
                meter_name: u.meter_name.clone(),
                meter_category: u.meter_category.clone(),
                records: 0,
                quantity: Decimal::ZERO,
                list: Decimal::ZERO,
                kept_quantity: Decimal::ZERO,
                net: Decimal::ZERO,
                pricing_total: Decimal::ZERO,
                billing_total: Decimal::ZERO,
                discount: price.discount,
                fx: Decimal::ONE,
                pricing_currency: prices.currency.clone(),
                billing_currency: prices.currency.clone(),
                origin: entry.origin,
                list_billing: Decimal::ZERO,
                effective_billing: Decimal::ZERO,
            });
        a.records += 1;
        a.quantity += u.quantity;
        a.list += list;
        a.kept_quantity += u.quantity;
        a.net += net;
        a.pricing_total += net;
        a.billing_total += net;
        a.list_billing += u.quantity * first_tier_price(price);
        a.effective_billing += net;
    }
    Ok(to_lines(lines))
}
