//! A customer-period's Azure plan and legacy records rated into day lines: Microsoft's
//! worked example, tier positions within a day, the rounding order, and the refusals.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use cspdesk_rating::customer_period::{
    rate_azure_plan, rate_legacy, AzurePlanRecord, CardPrices, DayLine, LegacyRecord, Refusal,
};
use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::price::{PriceBook, RateCard, RateCardMeter};
use cspdesk_rating::tiers::Tier;
use rust_decimal::Decimal;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn prices(tiers: Vec<(Decimal, Decimal)>, included: Decimal) -> CardPrices {
    prices_of(&["M"], tiers, included)
}

/// A USD card pricing each of `meters` with `tiers`.
fn prices_of(meters: &[&str], tiers: Vec<(Decimal, Decimal)>, included: Decimal) -> CardPrices {
    let card = RateCard {
        currency: "USD".into(),
        meters: meters
            .iter()
            .map(|id| RateCardMeter {
                id: (*id).into(),
                rates: tiers.iter().map(|(t, p)| Tier::new(*t, *p)).collect(),
                tags: Vec::new(),
                included_quantity: included,
                effective_date: None,
            })
            .collect(),
        offer_terms: Vec::new(),
    };
    CardPrices {
        book: PriceBook::from_entries(card.entries().unwrap()).unwrap(),
        invalid: BTreeMap::new(),
        currency: "USD".into(),
        fingerprint: "f".into(),
    }
}

fn record(day: u32, entitlement: &str, q: Decimal, pec: bool, fx: Decimal) -> AzurePlanRecord {
    AzurePlanRecord {
        subscription_id: "PLAN".into(),
        entitlement_id: entitlement.into(),
        meter_id: "M".into(),
        meter_name: None,
        meter_category: None,
        usage_date: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
        resource_uri: None,
        quantity: q,
        billing_currency: "EUR".into(),
        pc_to_bc_exchange_rate: Some(fx),
        partner_earned_credit_rate: if pec {
            Decimal::new(15, 2)
        } else {
            Decimal::ZERO
        },
    }
}

fn october() -> BillingPeriod {
    BillingPeriod::calendar_month(2026, 10).unwrap()
}

#[test]
fn microsofts_example_with_credit_bills_85_68() {
    let p = prices(vec![(d("0"), d("1.00")), (d("100"), d("0.80"))], d("0"));
    let lines = rate_azure_plan(
        "c",
        &[record(3, "e", d("101"), true, d("1"))],
        &p,
        &october(),
    )
    .unwrap();
    assert_eq!(lines[0].billing_pre_tax_total, d("85.68"));
    assert_eq!(
        lines[0].effective_unit_price,
        d("0.848317"),
        "100.80 / 101 × 0.85 = 0.8483168…, rounded to 6 decimals"
    );
}

#[test]
fn records_of_one_day_take_consecutive_tier_positions_in_order() {
    // 100 free units: the day's first record uses them all, the second pays in full.
    let p = prices(vec![(d("0"), d("0.087"))], d("100"));
    let usage = [
        record(1, "a", d("884.292625"), true, d("0.9261")),
        record(1, "b", d("271.571066"), true, d("0.9261")),
    ];
    let lines = rate_azure_plan("c", &usage, &p, &october()).unwrap();
    let by: HashMap<&str, &DayLine> = lines
        .iter()
        .map(|l| (l.entitlement_id.as_str(), l))
        .collect();
    assert_eq!(by["a"].effective_unit_price, d("0.065587"));
    assert_eq!(by["a"].billing_pre_tax_total, d("53.71"));
    assert_eq!(by["b"].effective_unit_price, d("0.07395"));
    assert_eq!(by["b"].billing_pre_tax_total, d("18.59"));
}

#[test]
fn the_effective_price_is_rounded_before_the_floor() {
    // 1 / 3 × 3 units: unrounded 1.00, but EUP 0.333333 × 3 = 0.999999 -> 0.99.
    let p = prices(vec![(d("0"), d("1") / d("3"))], d("0"));
    let lines = rate_azure_plan(
        "c",
        &[record(1, "e", d("3"), false, d("1"))],
        &p,
        &october(),
    )
    .unwrap();
    assert_eq!(lines[0].billing_pre_tax_total, d("0.99"));
}

#[test]
fn an_unknown_meter_refuses_the_period_with_the_reason() {
    let p = prices(vec![(d("0"), d("1"))], d("0"));
    let mut r = record(1, "e", d("1"), false, d("1"));
    r.meter_id = "other".into();
    let why = rate_azure_plan("c", &[r], &p, &october()).unwrap_err();
    assert!(
        matches!(&why, Refusal::NoPrice { meter, .. } if meter == "other"),
        "{why:?}"
    );
    assert!(
        why.to_string().contains("no price for meter other"),
        "{why}"
    );
}

#[test]
fn a_series_billed_at_two_exchange_rates_is_refused_with_the_reason() {
    let p = prices(vec![(d("0"), d("1"))], d("0"));
    let usage = [
        record(1, "a", d("1"), false, d("0.9261")),
        record(2, "b", d("1"), false, d("0.93")),
    ];
    let why = rate_azure_plan("c", &usage, &p, &october()).unwrap_err();
    assert!(matches!(why, Refusal::TwoExchangeRates { .. }), "{why:?}");
    assert!(why.to_string().contains("two exchange rates"), "{why}");
    let mut other_meter = usage[1].clone();
    other_meter.meter_id = "N".into();
    let p = prices_of(&["M", "N"], vec![(d("0"), d("1"))], d("0"));
    assert!(
        rate_azure_plan("c", &[usage[0].clone(), other_meter], &p, &october()).is_ok(),
        "each Azure plan + meter has its own series"
    );
}

#[test]
fn legacy_usage_outside_the_period_is_refused_naming_day_and_period() {
    let p = prices(vec![(d("0"), d("1"))], d("0"));
    let r = LegacyRecord {
        subscription_id: "S".into(),
        entitlement_id: "E".into(),
        meter_id: "M".into(),
        meter_name: None,
        meter_category: None,
        usage_date: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        quantity: d("1"),
    };
    let why = rate_legacy(&[r], &p, &october()).unwrap_err();
    assert_eq!(
        why.to_string(),
        format!("usage of 2026-11-01 is outside the period {}", october())
    );
}
