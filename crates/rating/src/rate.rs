//! Rating: turning one meter's daily usage in a billing period into the lines Microsoft would
//! bill, figure for figure, so our totals can be checked against the invoice to the cent.
//!
//! # Tier accumulation scope
//! Tiers accumulate over one [`UsageSeries`]: one customer's Azure plan (the Partner Center
//! subscription) and one meter, across every Azure subscription (entitlement) and resource of
//! that plan, within the billing period. The reference (§11) says Microsoft evaluates tiers
//! on the cumulative consumption of the billing month and bills "each combination of Azure
//! plan and meter" in at most two lines; per Azure plan + meter is its reading of the
//! reconciliation documents, so that is our scope. Each day's usage takes the positions after
//! everything consumed on the days before it; units of the same day share the day's cost in
//! proportion to their quantity (the day's blended price).
//!
//! # A line's figures
//! For a usage record of quantity `q` on day `d` whose total over the series is `Q_d`:
//! - `day cost C_d = cost(cumulative through d) − cost(cumulative through d − 1)` on the tier
//!   table in effect on `d` (pricing currency), so the days add up to the period's cost;
//! - `unit_price = C_d × (1 − discount) / Q_d`: the day's blended list price (the rate card's
//!   offer discount, 0 for other sources);
//! - `effective_unit_price = unit_price × (1 − PEC)` where PEC is
//!   [`PARTNER_EARNED_CREDIT_RATE`] (15 %) on a record flagged eligible, else 0;
//! - `billing_pre_tax_total = FLOOR(effective_unit_price × q × FX, 2)`: Microsoft's rule
//!   (reference §7.2, verified), towards negative infinity at 2 decimals, once per line and
//!   nowhere else. The product `effective_unit_price × q` is computed as
//!   `q × C_d × (1 − discount) × (1 − PEC) × FX / Q_d` (one division, last), which is the
//!   same number in exact arithmetic but keeps a blended price such as 100.80 / 101 from
//!   losing a cent to a truncated 28th digit before the floor;
//! - `pricing_amount` and `billing_amount` are the same product before the floor, in the
//!   pricing and billing currencies, kept at full precision. (Microsoft's rounding of
//!   `PricingPreTaxTotal` is not documented, so we do not invent one.)
//!
//! # FX
//! One rate per billing period from the pricing currency (USD for the Azure plan) to the
//! billing currency: Microsoft applies the month's published rate to the whole month.
//!
//! # Periods
//! Every record must fall in the period; nothing here reads the clock, the period is given.
//! A zero or negative quantity is rated like any other (a negative cumulative costs nothing).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::period::BillingPeriod;
use crate::price::{normalize_meter_id, PriceLookup};

/// Partner earned credit: 15 % off the price of eligible usage.
pub const PARTNER_EARNED_CREDIT_RATE: Decimal = Decimal::from_parts(15, 0, 0, false, 2);

/// Microsoft's per-line rule: floor to 2 decimals, towards negative infinity
/// (`1.239 → 1.23`, `-1.231 → -1.24`).
pub fn floor_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity)
}

/// One day's usage of the series' meter by one Azure subscription (and resource).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyUsage {
    /// Usage day.
    pub date: NaiveDate,
    /// Azure subscription id (Microsoft's `entitlementId`).
    pub entitlement_id: String,
    /// Resource, when usage is known per resource.
    pub resource_uri: Option<String>,
    /// Units consumed.
    pub quantity: Decimal,
    /// Whether partner earned credit applies to this usage on this day.
    pub partner_earned_credit: bool,
}

/// One customer's usage of one meter under one Azure plan: the scope tiers accumulate in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageSeries {
    /// Customer tenant id.
    pub customer_id: String,
    /// Azure plan (Partner Center subscription) id.
    pub subscription_id: String,
    /// Meter id.
    pub meter_id: String,
    /// Meter category (what markups override by).
    pub meter_category: Option<String>,
    /// The usage, in any order.
    pub usage: Vec<DailyUsage>,
}

/// The period's exchange rate from the pricing to the billing currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fx {
    /// Currency prices are in (USD for the Azure plan).
    pub pricing_currency: String,
    /// Currency the partner is billed in.
    pub billing_currency: String,
    /// Billing currency units per pricing currency unit (`PCToBCExchangeRate`).
    pub rate: Decimal,
}

impl Fx {
    /// A rate between two currencies; the rate must be positive.
    pub fn new(
        pricing_currency: &str,
        billing_currency: &str,
        rate: Decimal,
    ) -> Result<Self, RateError> {
        if rate <= Decimal::ZERO {
            return Err(RateError::FxRate(rate));
        }
        Ok(Self {
            pricing_currency: pricing_currency.trim().to_ascii_uppercase(),
            billing_currency: billing_currency.trim().to_ascii_uppercase(),
            rate,
        })
    }

    /// Priced and billed in the same currency (rate 1).
    pub fn same(currency: &str) -> Self {
        let c = currency.trim().to_ascii_uppercase();
        Self {
            pricing_currency: c.clone(),
            billing_currency: c,
            rate: Decimal::ONE,
        }
    }
}

/// What a series is rated under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatingTerms {
    /// The billing period tiers accumulate in.
    pub period: BillingPeriod,
    /// The period's FX rate.
    pub fx: Fx,
    /// Partner earned credit rate for eligible usage.
    pub partner_earned_credit_rate: Decimal,
}

impl RatingTerms {
    /// Terms with the standard 15 % partner earned credit.
    pub fn new(period: BillingPeriod, fx: Fx) -> Self {
        Self {
            period,
            fx,
            partner_earned_credit_rate: PARTNER_EARNED_CREDIT_RATE,
        }
    }
}

/// One rated line: one usage record with Microsoft's figures.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RatedLine {
    /// Customer tenant id.
    pub customer_id: String,
    /// Azure plan id.
    pub subscription_id: String,
    /// Azure subscription id.
    pub entitlement_id: String,
    /// Resource, when known.
    pub resource_uri: Option<String>,
    /// Meter id (lower case).
    pub meter_id: String,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Units.
    pub quantity: Decimal,
    /// The day's blended list price per unit, after any offer discount, before PEC.
    pub unit_price: Decimal,
    /// PEC rate applied (0 or the terms' rate).
    pub partner_earned_credit_rate: Decimal,
    /// `unit_price × (1 − PEC)`.
    pub effective_unit_price: Decimal,
    /// Pricing currency.
    pub pricing_currency: String,
    /// `effective_unit_price × quantity`, full precision, pricing currency.
    pub pricing_amount: Decimal,
    /// FX rate applied.
    pub fx_rate: Decimal,
    /// Billing currency.
    pub billing_currency: String,
    /// `effective_unit_price × quantity × fx_rate`, full precision.
    pub billing_amount: Decimal,
    /// `FLOOR(billing_amount, 2)`: what Microsoft bills for the line.
    pub billing_pre_tax_total: Decimal,
}

/// Why a series cannot be rated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    /// A usage day outside the billing period.
    #[error("usage on {date} is outside the billing period {period}; rate each period separately")]
    OutsidePeriod {
        /// The day.
        date: NaiveDate,
        /// The period.
        period: BillingPeriod,
    },
    /// No price for the meter on a day.
    #[error(
        "no price for meter {meter_id} in {currency} on {date}; add a price sheet that covers it"
    )]
    NoPrice {
        /// Meter.
        meter_id: String,
        /// Day.
        date: NaiveDate,
        /// Pricing currency.
        currency: String,
    },
    /// An FX rate that is zero or negative.
    #[error("the exchange rate must be positive, not {0}")]
    FxRate(Decimal),
    /// A partner earned credit rate outside 0–1.
    #[error("the partner earned credit rate must be a fraction from 0 to 1, not {0}")]
    CreditRate(Decimal),
}

/// The day's blended list price: `day_cost × (1 − discount) / day_quantity` (0 when the day
/// nets to no units).
pub(crate) fn blended_unit_price(
    day_cost: Decimal,
    discount: Decimal,
    day_quantity: Decimal,
) -> Decimal {
    if day_quantity.is_zero() {
        Decimal::ZERO
    } else {
        day_cost * (Decimal::ONE - discount) / day_quantity
    }
}

struct Day {
    quantity: Decimal,
    cost: Decimal,
    discount: Decimal,
}

/// Rates `series` in `terms.period` with prices from `prices` (looked up per day in the
/// pricing currency). Lines come back in date order, records of one day in input order.
pub fn rate(
    series: &UsageSeries,
    prices: &(impl PriceLookup + ?Sized),
    terms: &RatingTerms,
) -> Result<Vec<RatedLine>, RateError> {
    let fx = &terms.fx;
    if fx.rate <= Decimal::ZERO {
        return Err(RateError::FxRate(fx.rate));
    }
    let pec = terms.partner_earned_credit_rate;
    if pec < Decimal::ZERO || pec > Decimal::ONE {
        return Err(RateError::CreditRate(pec));
    }
    let meter_id = normalize_meter_id(&series.meter_id);
    let mut quantities: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    for u in &series.usage {
        if !terms.period.contains(u.date) {
            return Err(RateError::OutsidePeriod {
                date: u.date,
                period: terms.period,
            });
        }
        *quantities.entry(u.date).or_default() += u.quantity;
    }
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    let mut cumulative = Decimal::ZERO;
    for (date, quantity) in quantities {
        let price = prices
            .price_on(&meter_id, date, &fx.pricing_currency)
            .ok_or_else(|| RateError::NoPrice {
                meter_id: meter_id.clone(),
                date,
                currency: fx.pricing_currency.clone(),
            })?;
        let cost = price.tiers.marginal_cost(cumulative, quantity);
        cumulative += quantity;
        days.insert(
            date,
            Day {
                quantity,
                cost,
                discount: price.discount,
            },
        );
    }
    let mut order: Vec<&DailyUsage> = series.usage.iter().collect();
    order.sort_by_key(|u| u.date);
    Ok(order
        .into_iter()
        .map(|u| {
            let day = &days[&u.date];
            let credit = if u.partner_earned_credit {
                pec
            } else {
                Decimal::ZERO
            };
            let unit_price = blended_unit_price(day.cost, day.discount, day.quantity);
            let keep = (Decimal::ONE - day.discount) * (Decimal::ONE - credit);
            let (pricing_amount, billing_amount) = if day.quantity.is_zero() {
                (Decimal::ZERO, Decimal::ZERO)
            } else {
                let share = u.quantity * day.cost * keep;
                (share / day.quantity, share * fx.rate / day.quantity)
            };
            RatedLine {
                customer_id: series.customer_id.clone(),
                subscription_id: series.subscription_id.clone(),
                entitlement_id: u.entitlement_id.clone(),
                resource_uri: u.resource_uri.clone(),
                meter_id: meter_id.clone(),
                meter_category: series.meter_category.clone(),
                usage_date: u.date,
                quantity: u.quantity,
                unit_price,
                partner_earned_credit_rate: credit,
                effective_unit_price: unit_price * (Decimal::ONE - credit),
                pricing_currency: fx.pricing_currency.clone(),
                pricing_amount,
                fx_rate: fx.rate,
                billing_currency: fx.billing_currency.clone(),
                billing_amount,
                billing_pre_tax_total: floor_cents(billing_amount),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::price::Price;
    use crate::tiers::{Tier, TierTable};
    use rust_decimal_macros::dec;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, day).unwrap()
    }

    fn example_price() -> Price {
        Price::new(
            TierTable::new(
                vec![
                    Tier::new(dec!(0), dec!(1.00)),
                    Tier::new(dec!(100), dec!(0.80)),
                ],
                Decimal::ZERO,
            )
            .unwrap(),
        )
    }

    fn usage(day: u32, quantity: Decimal, pec: bool) -> DailyUsage {
        DailyUsage {
            date: d(day),
            entitlement_id: "e1".into(),
            resource_uri: None,
            quantity,
            partner_earned_credit: pec,
        }
    }

    fn series(usage: Vec<DailyUsage>) -> UsageSeries {
        UsageSeries {
            customer_id: "c".into(),
            subscription_id: "plan".into(),
            meter_id: "M".into(),
            meter_category: None,
            usage,
        }
    }

    fn june(fx: Fx) -> RatingTerms {
        RatingTerms::new(BillingPeriod::calendar_month(2024, 6).unwrap(), fx)
    }

    #[test]
    fn microsoft_example_with_pec_bills_85_68() {
        let lines = rate(
            &series(vec![usage(3, dec!(101), true)]),
            &example_price(),
            &june(Fx::same("USD")),
        )
        .unwrap();
        assert_eq!(
            lines[0].billing_pre_tax_total,
            dec!(85.68),
            "FLOOR(100.80 × 0.85, 2)"
        );
        assert_eq!(lines[0].pricing_amount, dec!(85.68));
    }

    #[test]
    fn floor_goes_towards_negative_infinity() {
        assert_eq!(floor_cents(dec!(1.239)), dec!(1.23));
        assert_eq!(floor_cents(dec!(-1.231)), dec!(-1.24));
    }

    #[test]
    fn the_blended_price_does_not_lose_a_cent() {
        // 100.80 / 101 does not terminate; the line must still be 100.80 × 3 = 302.40.
        let lines = rate(
            &series(vec![usage(1, dec!(101), false)]),
            &example_price(),
            &june(Fx::new("USD", "EUR", dec!(3)).unwrap()),
        )
        .unwrap();
        assert_eq!(lines[0].billing_pre_tax_total, dec!(302.40));
    }

    #[test]
    fn outside_the_period_is_refused() {
        let mut s = series(vec![usage(1, dec!(1), false)]);
        s.usage[0].date = NaiveDate::from_ymd_opt(2024, 7, 1).unwrap();
        assert!(matches!(
            rate(&s, &example_price(), &june(Fx::same("USD"))),
            Err(RateError::OutsidePeriod { .. })
        ));
        assert!(Fx::new("USD", "EUR", dec!(0)).is_err());
    }
}
