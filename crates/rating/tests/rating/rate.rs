//! Rating a series: tiers across the plan's subscriptions, partner earned credit, FX and
//! Microsoft's per-line floor, checked against figures computed by hand.

use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::price::{Price, PriceBook, PriceEntry, PriceOrigin};
use cspdesk_rating::rate::{
    effective_unit_price, rate, DailyUsage, Fx, RateError, RatedLine, RatingTerms, UsageSeries,
    PARTNER_EARNED_CREDIT_RATE,
};
use cspdesk_rating::tiers::{Tier, TierTable};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::{documented_price, june};

const METER: &str = "9995d93a-7d35-4d3f-9c69-7a7fea447ef4";

fn usage(day: u32, entitlement: &str, quantity: Decimal, pec: bool) -> DailyUsage {
    DailyUsage {
        date: june(day),
        entitlement_id: entitlement.into(),
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
        customer_id: "11111111-1111-1111-1111-111111111111".into(),
        subscription_id: "plan-1".into(),
        meter_id: METER.to_uppercase(),
        meter_category: Some("Storage".into()),
        usage,
    }
}

fn terms(fx: Fx) -> RatingTerms {
    RatingTerms::new(BillingPeriod::calendar_month(2024, 6).unwrap(), fx)
}

fn totals(lines: &[RatedLine]) -> Vec<Decimal> {
    lines.iter().map(|l| l.billing_pre_tax_total).collect()
}

#[test]
fn tiers_accumulate_across_the_plans_subscriptions_and_days() {
    // Day 1: A 60 + B 30 = 90 units (all tier 1). Day 2: A takes positions 91–100 at 1.00,
    // B the next ten, 101–110, at 0.80.
    let lines = rate(
        &series(vec![
            usage(2, "A", dec!(10), false),
            usage(1, "A", dec!(60), false),
            usage(1, "B", dec!(30), false),
            usage(2, "B", dec!(10), false),
        ]),
        &documented_price(),
        &terms(Fx::same("USD")),
    )
    .unwrap();
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.usage_date, l.entitlement_id.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (june(2), "A"),
            (june(1), "A"),
            (june(1), "B"),
            (june(2), "B")
        ],
        "one line per record, in the records' order"
    );
    assert_eq!(
        totals(&lines),
        vec![dec!(10.00), dec!(60.00), dec!(30.00), dec!(8.00)],
        "earlier days first, then a day's records in the order listed"
    );
    assert_eq!(lines[0].effective_unit_price, dec!(1));
    assert_eq!(lines[3].effective_unit_price, dec!(0.8));
    assert_eq!(lines[0].meter_id, METER, "meter ids in lower case");
}

#[test]
fn records_of_one_day_are_priced_at_their_own_positions() {
    // Modelled on meter c9cb809e on 2026-08-06: two records of one day, a tier boundary at
    // 9,108.03 units inside the second. The invoice bills 0.0208 × 6443.869637 = 134.03 and
    // 0.020719 × 3340.641711 = 69.21; one blended price for the day (0.0207723…) would bill
    // 133.85 and 69.39.
    let price = Price::new(
        TierTable::new(
            vec![
                Tier::new(dec!(0), dec!(0.0208)),
                Tier::new(dec!(9108.03), dec!(0.0204)),
            ],
            Decimal::ZERO,
        )
        .unwrap(),
    );
    let records = vec![
        usage(6, "A", dec!(6443.869637), false),
        usage(6, "B", dec!(3340.641711), false),
    ];
    let lines = rate(&series(records.clone()), &price, &terms(Fx::same("USD"))).unwrap();
    assert_eq!(
        lines
            .iter()
            .map(|l| l.effective_unit_price)
            .collect::<Vec<_>>(),
        vec![dec!(0.0208), dec!(0.020719)]
    );
    assert_eq!(totals(&lines), vec![dec!(134.03), dec!(69.21)]);

    // Listed the other way round, B takes the first positions and A crosses the boundary.
    let reversed: Vec<DailyUsage> = records.into_iter().rev().collect();
    let lines = rate(&series(reversed), &price, &terms(Fx::same("USD"))).unwrap();
    assert_eq!(lines[0].effective_unit_price, dec!(0.0208), "B, all below");
    assert!(
        lines[1].effective_unit_price < dec!(0.0208),
        "A now straddles the boundary: {}",
        lines[1].effective_unit_price
    );
}

#[test]
fn pec_fx_and_the_floor_by_hand() {
    // 101 units on one day, FX 0.9137 USD→EUR. A (listed first, PEC) takes position 1:
    // 1.00 × 0.85 = EUP 0.85, × 0.9137 = 0.776645 → 0.77. B takes positions 2–101:
    // 99 × 1.00 + 1 × 0.80 = 99.80, EUP 0.998, × 100 × 0.9137 = 91.18726 → 91.18.
    let lines = rate(
        &series(vec![
            usage(5, "A", dec!(1), true),
            usage(5, "B", dec!(100), false),
        ]),
        &documented_price(),
        &terms(Fx::new("usd", "eur", dec!(0.9137)).unwrap()),
    )
    .unwrap();
    assert_eq!(lines[0].effective_unit_price, dec!(0.85));
    assert_eq!(lines[0].billing_amount, dec!(0.776645));
    assert_eq!(lines[0].billing_pre_tax_total, dec!(0.77));
    assert_eq!(lines[1].list_cost, dec!(99.80));
    assert_eq!(lines[1].effective_unit_price, dec!(0.998));
    assert_eq!(lines[1].billing_amount, dec!(91.18726));
    assert_eq!(lines[1].billing_pre_tax_total, dec!(91.18));
    assert_eq!(lines[1].pricing_pre_tax_total, dec!(99.80));
    assert_eq!(lines[0].partner_earned_credit_rate, dec!(0.15));
    assert_eq!(lines[1].partner_earned_credit_rate, Decimal::ZERO);
    assert_eq!(
        (
            lines[0].pricing_currency.as_str(),
            lines[0].billing_currency.as_str()
        ),
        ("USD", "EUR")
    );
}

#[test]
fn negative_amounts_floor_towards_negative_infinity() {
    let price = Price::new(TierTable::flat(dec!(0.333)).unwrap());
    let lines = rate(
        &series(vec![
            usage(1, "A", dec!(10), false),
            usage(2, "A", dec!(-1), false),
        ]),
        &price,
        &terms(Fx::same("USD")),
    )
    .unwrap();
    assert_eq!(
        totals(&lines),
        vec![dec!(3.33), dec!(-0.34)],
        "-0.333 floors to -0.34"
    );
}

#[test]
fn a_price_change_mid_month_applies_from_its_day_at_the_cumulative_position() {
    let tiers = |p1, p2| {
        TierTable::new(
            vec![Tier::new(dec!(0), p1), Tier::new(dec!(100), p2)],
            Decimal::ZERO,
        )
        .unwrap()
    };
    let book = PriceBook::from_entries([
        PriceEntry {
            origin: PriceOrigin::PriceList,
            meter_id: METER.into(),
            currency: "USD".into(),
            effective_from: june(1),
            effective_to: None,
            price: Price::new(tiers(dec!(1.00), dec!(0.80))),
        },
        PriceEntry {
            origin: PriceOrigin::PriceList,
            meter_id: METER.into(),
            currency: "USD".into(),
            effective_from: june(15),
            effective_to: None,
            price: Price::new(tiers(dec!(2.00), dec!(0.50))),
        },
    ])
    .unwrap();
    let lines = rate(
        &series(vec![
            usage(1, "A", dec!(90), false),
            usage(15, "A", dec!(20), false),
        ]),
        &book,
        &terms(Fx::same("USD")),
    )
    .unwrap();
    // Day 15 under the new table: units 91–100 at 2.00, 101–110 at 0.50.
    assert_eq!(totals(&lines), vec![dec!(90.00), dec!(25.00)]);

    let err = rate(
        &series(vec![usage(1, "A", dec!(1), false)]),
        &book,
        &terms(Fx::new("EUR", "EUR", Decimal::ONE).unwrap()),
    )
    .unwrap_err();
    assert!(
        matches!(err, RateError::NoPrice { .. }),
        "no EUR price: {err}"
    );
}

#[test]
fn included_quantity_is_free_for_the_period() {
    let price = Price::new(TierTable::new(vec![Tier::new(dec!(0), dec!(2))], dec!(5)).unwrap());
    let lines = rate(
        &series(vec![
            usage(1, "A", dec!(3), false),
            usage(2, "A", dec!(3), false),
        ]),
        &price,
        &terms(Fx::same("USD")),
    )
    .unwrap();
    assert_eq!(totals(&lines), vec![dec!(0.00), dec!(2.00)]);
}

proptest! {
    #[test]
    fn records_add_up_to_the_period_cost_and_each_line_follows_microsofts_rounding(
        days in prop::collection::vec((1u32..=30, 0i64..50_000_000, any::<bool>()), 1..40),
        fx in 1i64..2_000_000,
    ) {
        let fx = Decimal::new(fx, 6);
        let usage: Vec<DailyUsage> = days
            .iter()
            .enumerate()
            .map(|(i, (day, q, pec))| usage(*day, if i % 2 == 0 { "A" } else { "B" }, Decimal::new(*q, 4), *pec))
            .collect();
        let price = documented_price();
        let lines = rate(&series(usage.clone()), &price, &terms(Fx::new("USD", "EUR", fx).unwrap())).unwrap();
        prop_assert_eq!(lines.len(), usage.len());
        let month: Decimal = usage.iter().map(|u| u.quantity).sum();
        // The records' unrounded list costs add up to the cost of the period's total exactly,
        // whatever the order and the credit.
        let listed: Decimal = lines.iter().map(|l| l.list_cost).sum();
        prop_assert_eq!(listed, price.tiers.cost(month));
        // Before the floor the lines miss the period's cost × FX by at most the EUP rounding:
        // half a millionth per unit.
        let no_pec: Vec<DailyUsage> = usage.iter().cloned().map(|mut u| { u.partner_earned_credit_rate = Decimal::ZERO; u }).collect();
        let plain = rate(&series(no_pec), &price, &terms(Fx::new("USD", "EUR", fx).unwrap())).unwrap();
        let sum: Decimal = plain.iter().map(|l| l.billing_amount).sum();
        let expected = price.tiers.cost(month) * fx;
        prop_assert!((sum - expected).abs() <= dec!(0.0000005) * month * fx, "{} vs {}", sum, expected);
        for (l, u) in lines.iter().zip(&usage) {
            prop_assert_eq!(l.quantity, u.quantity, "lines[i] rates usage[i]");
            prop_assert_eq!(l.usage_date, u.date);
            let keep = Decimal::ONE - l.partner_earned_credit_rate;
            prop_assert_eq!(l.effective_unit_price, effective_unit_price(l.list_cost, l.quantity, l.partner_earned_credit_rate));
            prop_assert!(l.effective_unit_price.scale() <= 6);
            prop_assert!((l.effective_unit_price - l.unit_price * keep).abs() <= dec!(0.0000005));
            prop_assert_eq!(l.pricing_amount, l.effective_unit_price * l.quantity);
            prop_assert_eq!(l.billing_amount, l.pricing_amount * fx);
            for (exact, floored) in [(l.billing_amount, l.billing_pre_tax_total), (l.pricing_amount, l.pricing_pre_tax_total)] {
                prop_assert!(floored <= exact);
                prop_assert!(exact - floored < dec!(0.01));
                prop_assert!(floored.scale() <= 2);
            }
        }
    }
}
