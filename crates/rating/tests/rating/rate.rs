//! Rating a series: tiers across the plan's subscriptions, partner earned credit, FX and
//! Microsoft's per-line floor, checked against figures computed by hand.

use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::price::{Price, PriceBook, PriceEntry, PriceOrigin};
use cspdesk_rating::rate::{rate, DailyUsage, Fx, RateError, RatedLine, RatingTerms, UsageSeries};
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
        partner_earned_credit: pec,
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
    // Day 1: A 60 + B 30 = 90 units (all tier 1). Day 2: A 10 + B 10 = 20 units: 10 at 1.00
    // and 10 at 0.80 = 18.00, blended 0.90, shared 9.00 / 9.00.
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
            (june(1), "A"),
            (june(1), "B"),
            (june(2), "A"),
            (june(2), "B")
        ],
        "date order, input order within a day"
    );
    assert_eq!(
        totals(&lines),
        vec![dec!(60.00), dec!(30.00), dec!(9.00), dec!(9.00)]
    );
    assert_eq!(lines[2].unit_price, dec!(0.9), "the day's blended price");
    assert_eq!(lines[0].meter_id, METER, "meter ids in lower case");
}

#[test]
fn pec_fx_and_the_floor_by_hand() {
    // 101 units on one day, PEC on A's 1 unit only, FX 0.9137 USD→EUR.
    // Day cost 100.80, blended 100.80/101. A: 1 unit × 0.85; B: 100 units.
    // A exact = 1 × 100.80 × 0.85 × 0.9137 / 101 = 0.775...; floored 0.77.
    // B exact = 100 × 100.80 × 0.9137 / 101 = 91.1889...; floored 91.18.
    let lines = rate(
        &series(vec![
            usage(5, "A", dec!(1), true),
            usage(5, "B", dec!(100), false),
        ]),
        &documented_price(),
        &terms(Fx::new("usd", "eur", dec!(0.9137)).unwrap()),
    )
    .unwrap();
    let a_exact = dec!(100.80) * dec!(0.85) * dec!(0.9137) / dec!(101);
    let b_exact = dec!(100) * dec!(100.80) * dec!(0.9137) / dec!(101);
    assert_eq!(lines[0].billing_amount, a_exact);
    assert_eq!(lines[0].billing_pre_tax_total, dec!(0.77));
    assert_eq!(lines[1].billing_pre_tax_total, dec!(91.18), "{b_exact}");
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
    fn lines_add_up_to_the_period_cost_before_the_floor(
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
        let month: Decimal = usage.iter().map(|u| u.quantity).sum();
        // Without PEC the exact amounts add up to the period's cost × FX.
        let no_pec: Vec<DailyUsage> = usage.iter().cloned().map(|mut u| { u.partner_earned_credit = false; u }).collect();
        let plain = rate(&series(no_pec), &price, &terms(Fx::new("USD", "EUR", fx).unwrap())).unwrap();
        let sum: Decimal = plain.iter().map(|l| l.billing_amount).sum();
        let expected = price.tiers.cost(month) * fx;
        prop_assert!((sum - expected).abs() < dec!(0.0000000001), "{} vs {}", sum, expected);
        for l in &lines {
            prop_assert!(l.billing_pre_tax_total <= l.billing_amount);
            prop_assert!(l.billing_amount - l.billing_pre_tax_total < dec!(0.01));
            prop_assert!(l.billing_pre_tax_total.scale() <= 2);
            let keep = Decimal::ONE - l.partner_earned_credit_rate;
            prop_assert_eq!(l.effective_unit_price, l.unit_price * keep);
        }
    }
}
