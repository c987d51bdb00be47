//! Tier tables: the documented example and properties over any table and any split of a
//! month's usage into days.

use cspdesk_rating::tiers::{Tier, TierTable};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::documented_tiers;

#[test]
fn rate_card_keys_0_and_100_price_101_units_at_100_80() {
    // {"0": 1.00, "100": 0.80}: the first 100 units at 1.00, the 101st at 0.80.
    let t = TierTable::new(
        vec![
            Tier::new(dec!(0), dec!(1.00)),
            Tier::new(dec!(100), dec!(0.80)),
        ],
        Decimal::ZERO,
    )
    .unwrap();
    assert_eq!(
        t.cost(dec!(101)),
        dec!(100.80),
        "Microsoft's documented example"
    );
    assert_eq!(documented_tiers().cost(dec!(101)), dec!(100.80));
}

#[test]
fn a_day_crossing_a_boundary_is_priced_at_both_tiers() {
    let t = documented_tiers();
    // 99 units on day 1, 3 on day 2: day 2 = 1 × 1.00 + 2 × 0.80.
    assert_eq!(
        t.daily_costs(&[dec!(99), dec!(3)]),
        vec![dec!(99.00), dec!(2.60)]
    );
}

/// Any valid table: 1–5 tiers, thresholds increasing from 0, prices 0–1000 with up to 6
/// decimals, included quantity 0–50.
fn table() -> impl Strategy<Value = TierTable> {
    (
        prop::collection::vec((1i64..5_000_000, 0i64..1_000_000_000), 0..4),
        0i64..1_000_000_000,
        0i64..50_000,
    )
        .prop_map(|(rest, first_price, included)| {
            let mut threshold = Decimal::ZERO;
            let mut tiers = vec![Tier::new(Decimal::ZERO, Decimal::new(first_price, 6))];
            for (step, price) in rest {
                threshold += Decimal::new(step, 2);
                tiers.push(Tier::new(threshold, Decimal::new(price, 6)));
            }
            TierTable::new(tiers, Decimal::new(included, 3)).unwrap()
        })
}

/// Up to 31 days of non-negative usage with up to 4 decimals.
fn days() -> impl Strategy<Value = Vec<Decimal>> {
    prop::collection::vec((0i64..100_000_000).prop_map(|q| Decimal::new(q, 4)), 0..=31)
}

proptest! {
    #[test]
    fn daily_costs_add_up_to_the_cost_of_the_month(t in table(), days in days()) {
        let month: Decimal = days.iter().sum();
        let daily = t.daily_costs(&days);
        prop_assert_eq!(daily.len(), days.len());
        prop_assert_eq!(daily.iter().sum::<Decimal>(), t.cost(month),
            "splitting a month into days must not change its cost");
    }

    #[test]
    fn corrections_still_add_up(t in table(), days in prop::collection::vec(-1_000_000i64..1_000_000, 0..=31)) {
        let days: Vec<Decimal> = days.into_iter().map(|q| Decimal::new(q, 2)).collect();
        let month: Decimal = days.iter().sum();
        prop_assert_eq!(t.daily_costs(&days).iter().sum::<Decimal>(), t.cost(month));
    }

    #[test]
    fn tier_boundaries_are_exact(t in table(), eps in 1i64..1_000_000) {
        let eps = Decimal::new(eps, 6);
        let tiers = t.tiers();
        let included = t.included_quantity();
        let mut expected = Decimal::ZERO;
        for (i, tier) in tiers.iter().enumerate() {
            // At a boundary, everything below is priced at the lower tiers exactly.
            prop_assert_eq!(t.cost(included + tier.threshold), expected);
            // Just past it, each extra unit costs this tier's price.
            let room = tiers.get(i + 1).map(|n| n.threshold - tier.threshold);
            let step = room.map_or(eps, |r| eps.min(r));
            prop_assert_eq!(
                t.cost(included + tier.threshold + step) - expected,
                step * tier.unit_price
            );
            if let Some(room) = room {
                expected += room * tier.unit_price;
            }
        }
    }

    #[test]
    fn included_quantity_is_free_and_consumed_first(t in table(), q in 0i64..100_000_000) {
        let q = Decimal::new(q, 4);
        let included = t.included_quantity();
        let without = TierTable::new(t.tiers().to_vec(), Decimal::ZERO).unwrap();
        prop_assert_eq!(t.cost(q.min(included)), Decimal::ZERO);
        prop_assert_eq!(t.cost(included + q), without.cost(q));
    }

    #[test]
    fn cost_never_decreases(t in table(), a in 0i64..100_000_000, b in 0i64..100_000_000) {
        let (lo, hi) = (Decimal::new(a.min(b), 3), Decimal::new(a.max(b), 3));
        prop_assert!(t.cost(lo) <= t.cost(hi));
    }
}
