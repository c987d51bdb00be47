//! Rating: turning one meter's usage records in a billing period into the lines Microsoft
//! would bill, figure for figure, so our totals can be checked against the invoice to the
//! cent. One record in, one line out: a record is one row of Microsoft's daily rated usage
//! (one Azure subscription, resource and day).
//!
//! # Tier accumulation scope
//! Tiers accumulate over one [`UsageSeries`]: one customer's Azure plan (the Partner Center
//! subscription) and one meter, across every Azure subscription (entitlement) and resource of
//! that plan, within the billing period. The reference (§11) says Microsoft evaluates tiers
//! on the cumulative consumption of the billing month and bills "each combination of Azure
//! plan and meter" in at most two lines; per Azure plan + meter is its reading of the
//! reconciliation documents, so that is our scope.
//!
//! # Tier positions: record by record
//! Each record takes the next positions of the period's cumulative quantity: the records are
//! taken by usage day and, within a day, in the order they are listed (the invoice's order,
//! which is why [`UsageSeries::usage`] keeps the caller's order). A record's position
//! `P_i` is the sum of the quantities of the records taken before it, so two records of the
//! same day are priced differently when a tier boundary falls between them. This is
//! Microsoft's documented rule: a row's price is the tiered cost of its own units.
//!
//! # A line's figures, and where Microsoft rounds
//! For record `i` of quantity `q` on day `d`, with the tier table and offer discount in
//! effect on `d` (pricing currency):
//! - `list_cost = (cost(P_i + q) − cost(P_i)) × (1 − discount)`: full precision, never
//!   rounded, so the records' list costs add up exactly to the period's cost
//!   (`cost(Σ q) × (1 − discount)` when one table covers the period);
//! - `unit_price = list_cost / q`: the record's list price per unit before partner earned
//!   credit, full precision (Microsoft's rounding of `unitPrice` is not documented and is not
//!   used in any total);
//! - `effective_unit_price = round(list_cost × (1 − PEC) / q, 6)`, **half away from zero to
//!   6 decimals**, where PEC is the record's own partner earned credit rate (Microsoft's
//!   `rateOfPartnerEarnedCredit`: [`PARTNER_EARNED_CREDIT_RATE`], 15 %, on eligible usage, else
//!   0). Documented: Microsoft rounds the EUP before multiplying it back, so
//!   `0.0000136 → 0.000014` and 24,034.507306 units bill 0.33, not 0.32;
//! - `pricing_amount = effective_unit_price × q` and `billing_amount = pricing_amount × FX`:
//!   exact products of the rounded EUP, before any floor;
//! - `pricing_pre_tax_total = FLOOR(pricing_amount, 2)` (`pricingPreTaxTotal`) and
//!   `billing_pre_tax_total = FLOOR(billing_amount, 2)` (`billingPreTaxTotal`, reference
//!   §7.2, verified): towards negative infinity at 2 decimals, once per line and nowhere else.
//!
//! Rounding happens in exactly those three places: the EUP to 6 decimals (half away from
//! zero), and the two totals floored to cents. A zero quantity has an EUP of 0 and totals of 0.
//!
//! # FX
//! One rate per billing period from the pricing currency (USD for the Azure plan) to the
//! billing currency: Microsoft applies the month's published rate to the whole month.
//!
//! # Periods
//! Every record must fall in the period; nothing here reads the clock, the period is given.
//! A zero or negative quantity is rated like any other (a negative cumulative costs nothing).

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::period::BillingPeriod;
use crate::price::{normalize_meter_id, PriceLookup};

/// Partner earned credit: 15 % off the price of eligible usage.
pub const PARTNER_EARNED_CREDIT_RATE: Decimal = Decimal::from_parts(15, 0, 0, false, 2);

/// Decimals Microsoft keeps in an `effectiveUnitPrice` before multiplying it back.
pub const EFFECTIVE_UNIT_PRICE_DECIMALS: u32 = 6;

/// Microsoft's effective unit price of `quantity` units whose list cost is `list_cost`, with
/// `credit_rate` of partner earned credit: `list_cost × (1 − credit_rate) / quantity`,
/// rounded half away from zero to [`EFFECTIVE_UNIT_PRICE_DECIMALS`] (0 for no units).
pub fn effective_unit_price(
    list_cost: Decimal,
    quantity: Decimal,
    credit_rate: Decimal,
) -> Decimal {
    if quantity.is_zero() {
        return Decimal::ZERO;
    }
    round_unit_price(list_cost * (Decimal::ONE - credit_rate) / quantity)
}

/// A unit price rounded as Microsoft rounds `effectiveUnitPrice`: half away from zero to
/// [`EFFECTIVE_UNIT_PRICE_DECIMALS`] (`0.0000136 → 0.000014`, `-0.0000005 → -0.000001`).
pub fn round_unit_price(price: Decimal) -> Decimal {
    price.round_dp_with_strategy(
        EFFECTIVE_UNIT_PRICE_DECIMALS,
        RoundingStrategy::MidpointAwayFromZero,
    )
}

/// Microsoft's per-line rule: floor to 2 decimals, towards negative infinity
/// (`1.239 → 1.23`, `-1.231 → -1.24`).
pub fn floor_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity)
}

/// One usage record of the series' meter: one day of one Azure subscription (and resource).
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
    /// Partner earned credit on this usage as a fraction (0.15 when eligible, 0 when not): the
    /// row's `rateOfPartnerEarnedCredit`.
    pub partner_earned_credit_rate: Decimal,
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
    /// The records in the order Microsoft lists them (the invoice's order): within a day,
    /// each record takes the tier positions after the records listed before it.
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
}

impl RatingTerms {
    /// Terms of a period at its FX rate (partner earned credit comes with each record).
    pub fn new(period: BillingPeriod, fx: Fx) -> Self {
        Self { period, fx }
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
    /// Offer discount applied to the list price (the rate card's; 0 for other sources).
    pub discount: Decimal,
    /// Tiered cost of this record's units at its own positions, after the offer discount,
    /// before PEC; pricing currency, full precision.
    pub list_cost: Decimal,
    /// `list_cost / quantity`: the record's list price per unit, full precision.
    pub unit_price: Decimal,
    /// PEC rate applied (the record's).
    pub partner_earned_credit_rate: Decimal,
    /// `list_cost × (1 − PEC) / quantity`, rounded half away from zero to 6 decimals.
    pub effective_unit_price: Decimal,
    /// Pricing currency.
    pub pricing_currency: String,
    /// `effective_unit_price × quantity`, before the floor, pricing currency.
    pub pricing_amount: Decimal,
    /// `FLOOR(pricing_amount, 2)`: Microsoft's `pricingPreTaxTotal`.
    pub pricing_pre_tax_total: Decimal,
    /// FX rate applied.
    pub fx_rate: Decimal,
    /// Billing currency.
    pub billing_currency: String,
    /// `effective_unit_price × quantity × fx_rate`, before the floor.
    pub billing_amount: Decimal,
    /// `FLOOR(billing_amount, 2)`: what Microsoft bills for the line (`billingPreTaxTotal`).
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

/// Rates `series` in `terms.period` with prices from `prices` (looked up per record's day in
/// the pricing currency): one line per record, `lines[i]` for `series.usage[i]`. Records take
/// tier positions by day, then in the order listed (see the module docs).
pub fn rate(
    series: &UsageSeries,
    prices: &(impl PriceLookup + ?Sized),
    terms: &RatingTerms,
) -> Result<Vec<RatedLine>, RateError> {
    let fx = &terms.fx;
    if fx.rate <= Decimal::ZERO {
        return Err(RateError::FxRate(fx.rate));
    }
    if let Some(u) = series.usage.iter().find(|u| {
        u.partner_earned_credit_rate < Decimal::ZERO || u.partner_earned_credit_rate > Decimal::ONE
    }) {
        return Err(RateError::CreditRate(u.partner_earned_credit_rate));
    }
    if let Some(u) = series.usage.iter().find(|u| !terms.period.contains(u.date)) {
        return Err(RateError::OutsidePeriod {
            date: u.date,
            period: terms.period,
        });
    }
    let meter_id = normalize_meter_id(&series.meter_id);
    // Positions: by day, a day's records in the order listed (the sort is stable).
    let mut order: Vec<usize> = (0..series.usage.len()).collect();
    order.sort_by_key(|&i| series.usage[i].date);
    let mut priced = vec![(Decimal::ZERO, Decimal::ZERO); series.usage.len()];
    let mut before = Decimal::ZERO;
    for i in order {
        let u = &series.usage[i];
        let price = prices
            .price_on(&meter_id, u.date, &fx.pricing_currency)
            .ok_or_else(|| RateError::NoPrice {
                meter_id: meter_id.clone(),
                date: u.date,
                currency: fx.pricing_currency.clone(),
            })?;
        let list_cost =
            price.tiers.marginal_cost(before, u.quantity) * (Decimal::ONE - price.discount);
        before += u.quantity;
        priced[i] = (list_cost, price.discount);
    }
    Ok(series
        .usage
        .iter()
        .zip(priced)
        .map(|(u, (list_cost, discount))| {
            let credit = u.partner_earned_credit_rate;
            let unit_price = if u.quantity.is_zero() {
                Decimal::ZERO
            } else {
                list_cost / u.quantity
            };
            let effective_unit_price = effective_unit_price(list_cost, u.quantity, credit);
            let pricing_amount = effective_unit_price * u.quantity;
            let billing_amount = pricing_amount * fx.rate;
            RatedLine {
                customer_id: series.customer_id.clone(),
                subscription_id: series.subscription_id.clone(),
                entitlement_id: u.entitlement_id.clone(),
                resource_uri: u.resource_uri.clone(),
                meter_id: meter_id.clone(),
                meter_category: series.meter_category.clone(),
                usage_date: u.date,
                quantity: u.quantity,
                discount,
                list_cost,
                unit_price,
                partner_earned_credit_rate: credit,
                effective_unit_price,
                pricing_currency: fx.pricing_currency.clone(),
                pricing_amount,
                pricing_pre_tax_total: floor_cents(pricing_amount),
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
            partner_earned_credit_rate: if pec {
                PARTNER_EARNED_CREDIT_RATE
            } else {
                Decimal::ZERO
            },
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
        assert_eq!(
            lines[0].effective_unit_price,
            dec!(0.848317),
            "100.80 / 101 × 0.85 = 0.8483168…, rounded to 6 decimals"
        );
        assert_eq!(lines[0].pricing_amount, dec!(85.680017));
        assert_eq!(lines[0].pricing_pre_tax_total, dec!(85.68));
        assert_eq!(lines[0].list_cost, dec!(100.80));
    }

    #[test]
    fn each_record_is_credited_at_its_own_rate() {
        let mut records = vec![usage(3, dec!(101), true), usage(4, dec!(10), false)];
        records[1].partner_earned_credit_rate = dec!(0.10);
        let lines = rate(&series(records), &example_price(), &june(Fx::same("USD"))).unwrap();
        assert_eq!(lines[0].partner_earned_credit_rate, dec!(0.15));
        assert_eq!(
            lines[0].billing_pre_tax_total,
            dec!(85.68),
            "15 %: FLOOR(100.80 × 0.85, 2)"
        );
        assert_eq!(lines[1].partner_earned_credit_rate, dec!(0.10));
        assert_eq!(
            (
                lines[1].effective_unit_price,
                lines[1].billing_pre_tax_total
            ),
            (dec!(0.72), dec!(7.20)),
            "10 units at 0.80 less 10 %: EUP 0.72, FLOOR(7.20, 2)"
        );
        let mut bad = series(vec![usage(3, dec!(1), true)]);
        bad.usage[0].partner_earned_credit_rate = dec!(15);
        assert_eq!(
            rate(&bad, &example_price(), &june(Fx::same("USD"))),
            Err(RateError::CreditRate(dec!(15))),
            "a percentage sent where a fraction belongs is refused, not billed at -1400 %"
        );
    }

    #[test]
    fn the_effective_unit_price_is_rounded_half_away_from_zero_before_the_floor() {
        assert_eq!(round_unit_price(dec!(0.0000136)), dec!(0.000014));
        assert_eq!(
            round_unit_price(dec!(0.0000125)),
            dec!(0.000013),
            "a tie goes up"
        );
        assert_eq!(
            round_unit_price(dec!(-0.0000125)),
            dec!(-0.000013),
            "and down"
        );
        let price = Price::new(TierTable::flat(dec!(0.0000136)).unwrap());
        let lines = rate(
            &series(vec![usage(1, dec!(24034.507306), false)]),
            &price,
            &june(Fx::same("USD")),
        )
        .unwrap();
        assert_eq!(lines[0].effective_unit_price, dec!(0.000014));
        assert_eq!(
            lines[0].billing_pre_tax_total,
            dec!(0.33),
            "0.000014 × 24034.507306 = 0.3365; unrounded 0.0000136 would bill 0.32"
        );
    }

    #[test]
    fn the_pricing_total_is_floored_too() {
        let price = Price::new(TierTable::flat(dec!(0.333)).unwrap());
        let lines = rate(
            &series(vec![usage(1, dec!(1), false)]),
            &price,
            &june(Fx::new("USD", "EUR", dec!(2)).unwrap()),
        )
        .unwrap();
        assert_eq!(lines[0].pricing_amount, dec!(0.333));
        assert_eq!(lines[0].pricing_pre_tax_total, dec!(0.33));
        assert_eq!(lines[0].billing_pre_tax_total, dec!(0.66));
    }

    #[test]
    fn floor_goes_towards_negative_infinity() {
        assert_eq!(floor_cents(dec!(1.239)), dec!(1.23));
        assert_eq!(floor_cents(dec!(-1.231)), dec!(-1.24));
    }

    #[test]
    fn a_price_that_does_not_terminate_is_rounded_not_truncated() {
        // 100.80 / 101 = 0.99801980…: EUP 0.998020, × 101 × 3 = 302.40060 → 302.40.
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
