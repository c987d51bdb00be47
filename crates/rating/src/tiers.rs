//! Graduated tier tables: what a meter costs for a cumulative quantity. Microsoft prices a
//! tiered meter on the quantity consumed so far in the billing period, each unit at the price
//! of the tier its position falls in, after the included (free) quantity is used up; a day's
//! cost is therefore a difference of two cumulative costs, never the day's quantity priced on
//! its own.
//!
//! # Threshold convention
//! A tier's `threshold` is the number of billable units already consumed before its price
//! starts: the tier prices the units at cumulative positions `(threshold, next threshold]`.
//! This is the rate card's reading of its `rates` keys and the Retail Prices API's
//! `tierMinimumUnits` (a 0-based lower bound), so `{"0": 1.00, "100": 0.80}` means "the first
//! 100 units at 1.00, every unit after the 100th at 0.80", which Microsoft writes as
//! "1–100 @ 1.00, 101+ @ 0.80": 101 units cost 100 × 1.00 + 1 × 0.80 = 100.80.
//!
//! # Included quantity
//! The included quantity is consumed first: the first `included_quantity` units of the
//! period cost nothing and tier positions count from the first billable unit, i.e.
//! `cost(Q) = Σ_i price_i × max(0, min(Q − included, threshold_{i+1}) − threshold_i)`.
//! A cumulative quantity at or below the included quantity (or negative, after corrections)
//! costs nothing.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One tier: from `threshold` billable units on, each unit costs `unit_price`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tier {
    /// Billable units consumed before this tier's price starts (0 for the first tier).
    pub threshold: Decimal,
    /// Price of each unit in this tier, in the price's currency.
    pub unit_price: Decimal,
}

impl Tier {
    /// A tier starting after `threshold` billable units at `unit_price` each.
    pub fn new(threshold: Decimal, unit_price: Decimal) -> Self {
        Self {
            threshold,
            unit_price,
        }
    }
}

/// Why a tier table is not usable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TierError {
    /// No tier at all.
    #[error("a price needs at least one tier (threshold 0)")]
    Empty,
    /// The first tier does not start at 0, so the first units would have no price.
    #[error("the first tier must start at 0, not {threshold}")]
    FirstThresholdNotZero {
        /// The first threshold given.
        threshold: Decimal,
    },
    /// Thresholds must strictly increase.
    #[error("tier thresholds must increase: {threshold} follows {previous}")]
    NotIncreasing {
        /// Position of the offending tier (0-based).
        index: usize,
        /// The threshold before it.
        previous: Decimal,
        /// The offending threshold.
        threshold: Decimal,
    },
    /// A negative unit price.
    #[error("the tier starting at {threshold} has a negative unit price {unit_price}")]
    NegativePrice {
        /// Position of the offending tier (0-based).
        index: usize,
        /// Its threshold.
        threshold: Decimal,
        /// Its price.
        unit_price: Decimal,
    },
    /// A negative included quantity.
    #[error("the included quantity cannot be negative ({0})")]
    NegativeIncludedQuantity(Decimal),
}

/// A validated graduated tier table with its included quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierTable {
    tiers: Vec<Tier>,
    included_quantity: Decimal,
}

impl TierTable {
    /// Validates `tiers` (first threshold 0, strictly increasing thresholds, no negative
    /// price) and `included_quantity` (not negative).
    pub fn new(tiers: Vec<Tier>, included_quantity: Decimal) -> Result<Self, TierError> {
        let first = tiers.first().ok_or(TierError::Empty)?;
        if !first.threshold.is_zero() {
            return Err(TierError::FirstThresholdNotZero {
                threshold: first.threshold,
            });
        }
        for (index, pair) in tiers.windows(2).enumerate() {
            if pair[1].threshold <= pair[0].threshold {
                return Err(TierError::NotIncreasing {
                    index: index + 1,
                    previous: pair[0].threshold,
                    threshold: pair[1].threshold,
                });
            }
        }
        if let Some((index, tier)) = tiers
            .iter()
            .enumerate()
            .find(|(_, t)| t.unit_price.is_sign_negative() && !t.unit_price.is_zero())
        {
            return Err(TierError::NegativePrice {
                index,
                threshold: tier.threshold,
                unit_price: tier.unit_price,
            });
        }
        if included_quantity.is_sign_negative() && !included_quantity.is_zero() {
            return Err(TierError::NegativeIncludedQuantity(included_quantity));
        }
        Ok(Self {
            tiers,
            included_quantity,
        })
    }

    /// One price for every unit, nothing included.
    pub fn flat(unit_price: Decimal) -> Result<Self, TierError> {
        Self::new(vec![Tier::new(Decimal::ZERO, unit_price)], Decimal::ZERO)
    }

    /// The tiers, thresholds increasing from 0.
    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }

    /// Units per billing period that cost nothing, consumed before the first tier.
    pub fn included_quantity(&self) -> Decimal {
        self.included_quantity
    }

    /// Cost of the first `cumulative` units of the period, at full precision.
    pub fn cost(&self, cumulative: Decimal) -> Decimal {
        let billable = cumulative - self.included_quantity;
        let mut total = Decimal::ZERO;
        for (i, tier) in self.tiers.iter().enumerate() {
            if billable <= tier.threshold {
                break;
            }
            let upper = match self.tiers.get(i + 1) {
                Some(next) if next.threshold < billable => next.threshold,
                _ => billable,
            };
            total += (upper - tier.threshold) * tier.unit_price;
        }
        total
    }

    /// Cost of `quantity` more units after `before` units of the period were consumed:
    /// `cost(before + quantity) − cost(before)`.
    pub fn marginal_cost(&self, before: Decimal, quantity: Decimal) -> Decimal {
        self.cost(before + quantity) - self.cost(before)
    }

    /// Each day's cost for consecutive days' quantities of one period: a day costs
    /// `cost(cumulative through the day) − cost(cumulative through the day before)`, so the
    /// days always add up to the cost of the period's total.
    pub fn daily_costs(&self, quantities: &[Decimal]) -> Vec<Decimal> {
        let mut before = Decimal::ZERO;
        let mut cost_before = Decimal::ZERO;
        quantities
            .iter()
            .map(|q| {
                before += *q;
                let cost_now = self.cost(before);
                let day = cost_now - cost_before;
                cost_before = cost_now;
                day
            })
            .collect()
    }
}

impl<'de> Deserialize<'de> for TierTable {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Raw {
            tiers: Vec<Tier>,
            included_quantity: Decimal,
        }
        let raw = Raw::deserialize(d)?;
        TierTable::new(raw.tiers, raw.included_quantity).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn microsoft_example() -> TierTable {
        TierTable::new(
            vec![
                Tier::new(dec!(0), dec!(1.00)),
                Tier::new(dec!(100), dec!(0.80)),
                Tier::new(dec!(100000), dec!(0.50)),
            ],
            Decimal::ZERO,
        )
        .unwrap()
    }

    #[test]
    fn the_documented_example_costs_100_80_for_101_units() {
        let t = microsoft_example();
        assert_eq!(t.cost(dec!(101)), dec!(100.80), "100 × 1.00 + 1 × 0.80");
        assert_eq!(
            t.cost(dec!(100)),
            dec!(100.00),
            "the 100th unit is still in tier 1"
        );
        assert_eq!(
            t.cost(dec!(100001)),
            dec!(100) + dec!(99900) * dec!(0.80) + dec!(0.50),
            "unit 100001 is the first at 0.50"
        );
    }

    #[test]
    fn included_quantity_is_free_and_shifts_tier_positions() {
        let t = TierTable::new(microsoft_example().tiers().to_vec(), dec!(5)).unwrap();
        assert_eq!(t.cost(dec!(5)), Decimal::ZERO);
        assert_eq!(t.cost(dec!(106)), dec!(100.80), "5 free, then 101 billable");
        assert_eq!(
            t.cost(dec!(-3)),
            Decimal::ZERO,
            "a negative total costs nothing"
        );
    }

    #[test]
    fn daily_costs_are_differences_of_cumulative_costs() {
        let t = microsoft_example();
        let days = t.daily_costs(&[dec!(60), dec!(41), dec!(10)]);
        assert_eq!(days, vec![dec!(60.00), dec!(40.80), dec!(8.00)]);
    }

    #[test]
    fn invalid_tables_are_refused_with_the_reason() {
        assert_eq!(TierTable::new(vec![], Decimal::ZERO), Err(TierError::Empty));
        assert!(matches!(
            TierTable::new(vec![Tier::new(dec!(1), dec!(1))], Decimal::ZERO),
            Err(TierError::FirstThresholdNotZero { .. })
        ));
        assert!(matches!(
            TierTable::new(
                vec![
                    Tier::new(dec!(0), dec!(1)),
                    Tier::new(dec!(10), dec!(1)),
                    Tier::new(dec!(10), dec!(1))
                ],
                Decimal::ZERO
            ),
            Err(TierError::NotIncreasing { index: 2, .. })
        ));
        assert!(matches!(
            TierTable::new(
                vec![Tier::new(dec!(0), dec!(1)), Tier::new(dec!(10), dec!(-0.1))],
                Decimal::ZERO
            ),
            Err(TierError::NegativePrice { index: 1, .. })
        ));
        assert!(matches!(
            TierTable::flat(dec!(1)).and_then(|t| TierTable::new(t.tiers, dec!(-1))),
            Err(TierError::NegativeIncludedQuantity(_))
        ));
    }

    #[test]
    fn deserializing_validates() {
        let bad = r#"{"tiers":[{"threshold":"5","unitPrice":"1"}],"includedQuantity":"0"}"#;
        assert!(serde_json::from_str::<TierTable>(bad).is_err());
        let good = serde_json::to_string(&microsoft_example()).unwrap();
        assert_eq!(
            serde_json::from_str::<TierTable>(&good).unwrap(),
            microsoft_example()
        );
    }
}
