//! Azure plan usage rated with its own month's sheet and FX ([`MonthlyPrices`]), against
//! figures worked out by hand: a meter whose price changed between two months is rated
//! differently in each, tiers run on the month's cumulative quantity, the FX rate is rounded
//! as written down (half away from zero, 12 decimals) and imported files still override.

use chrono::NaiveDate;
use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::price::{
    parse_consumption_sheet, parse_fx_rates, within_month, MonthlyPrices, MonthlyPricesError,
    Price, PriceBook, PriceEntry, PriceOrigin,
};
use cspdesk_rating::rate::{rate, DailyUsage, RateError, UsageSeries, PARTNER_EARNED_CREDIT_RATE};
use cspdesk_rating::tiers::TierTable;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const METER: &str = "0c0c0c0c-0000-0000-0000-00000000000a";
const TIERED: &str = "0c0c0c0c-0000-0000-0000-00000000000b";
const HEADER: &str = "\"ProductTitle\",\"ProductId\",\"SkuId\",\"SkuTitle\",\"Publisher\",\"SkuDescription\",\"UnitOfMeasure\",\"TermDuration\",\"Market\",\"Currency\",\"UnitPrice\",\"PricingTierRangeMin\",\"PricingTierRangeMax\",\"EffectiveStartDate\",\"EffectiveEndDate\",\"MeterIds\",\"MeterType\",\"Tags\"";

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A month's consumption sheet as the Pricing API writes it: `(meter, min, price)` rows
/// in effect from the month's first day (`M/D/YYYY h:mm:ss AM`) with no end.
fn sheet(month: u32, rows: &[(&str, &str, &str)]) -> Vec<PriceEntry> {
    let mut text = format!("{HEADER}\n");
    for (meter, min, price) in rows {
        text.push_str(&format!(
            "\"Storage\",\"P\",\"S\",\"T\",\"Microsoft\",\"D\",\"1 GB\",\"payG-1\",\"US\",\"USD\",\"{price}\",\"{min}\",\"\",\"{month}/1/2026 12:00:00 AM\",\"\",\"{meter}\",\"1 GB\",\"Azure\"\n"
        ));
    }
    let sheet = parse_consumption_sheet("sheet.csv", text.as_bytes()).unwrap();
    assert!(sheet.set_aside.is_empty(), "{:?}", sheet.set_aside);
    sheet.entries
}

fn fx(month: &str, rows: &[(&str, &str)]) -> cspdesk_rating::price::FxRates {
    let mut text = "\"CurrencyCode\",\"USDPerUnit\",\"Month\"\n".to_string();
    for (code, rate) in rows {
        text.push_str(&format!("\"{code}\",\"{rate}\",\"{month}\"\n"));
    }
    parse_fx_rates("fx.csv", month, text.as_bytes()).unwrap()
}

fn usage(date: NaiveDate, quantity: Decimal, credit: Decimal) -> DailyUsage {
    DailyUsage {
        date,
        entitlement_id: "sub-1".into(),
        resource_uri: None,
        quantity,
        partner_earned_credit_rate: credit,
    }
}

fn series(meter: &str, usage: Vec<DailyUsage>) -> UsageSeries {
    UsageSeries {
        customer_id: "c".into(),
        subscription_id: "plan".into(),
        meter_id: meter.into(),
        meter_category: None,
        usage,
    }
}

fn book() -> MonthlyPrices {
    let mut prices = MonthlyPrices::new(PriceBook::new());
    // October: 1.00 USD; November: 1.20 USD (the price went up). The tiered meter: 1–100 at
    // 1.00, from 101 at 0.80 (1-based, as Microsoft writes ranges).
    prices
        .add_sheet(
            (2026, 10),
            sheet(
                10,
                &[
                    (METER, "", "1.00"),
                    (TIERED, "1", "1.00"),
                    (TIERED, "101", "0.80"),
                ],
            ),
        )
        .unwrap();
    prices
        .add_sheet((2026, 11), sheet(11, &[(METER, "0", "1.20")]))
        .unwrap();
    // EUR: 1.25 USD per euro in October (0.8 EUR per USD), 1.00 in November.
    prices.add_fx((2026, 10), fx("202610", &[("EUR", "1.25")]));
    prices.add_fx(
        (2026, 11),
        fx("202611", &[("EUR", "1.00"), ("AED", "0.27224589249009701")]),
    );
    prices
}

#[test]
fn a_price_that_changed_between_two_months_rates_each_month_with_its_own() {
    let prices = book();
    let oct = BillingPeriod::calendar_month(2026, 10).unwrap();
    let nov = BillingPeriod::calendar_month(2026, 11).unwrap();
    let in_oct = rate(
        &series(
            METER,
            vec![usage(day(2026, 10, 5), dec!(10), Decimal::ZERO)],
        ),
        &prices,
        &prices.terms(oct, "EUR").unwrap(),
    )
    .unwrap();
    // 10 × 1.00 = 10.00 USD, no credit: EUP 1.00; × 0.8 = 8.00 EUR.
    assert_eq!(in_oct[0].unit_price, dec!(1));
    assert_eq!(in_oct[0].fx_rate, dec!(0.8));
    assert_eq!(in_oct[0].pricing_pre_tax_total, dec!(10.00));
    assert_eq!(in_oct[0].billing_pre_tax_total, dec!(8.00));
    let in_nov = rate(
        &series(
            METER,
            vec![usage(
                day(2026, 11, 5),
                dec!(10),
                PARTNER_EARNED_CREDIT_RATE,
            )],
        ),
        &prices,
        &prices.terms(nov, "EUR").unwrap(),
    )
    .unwrap();
    // 10 × 1.20 = 12.00 USD list; 15 % credit: EUP 12.00 × 0.85 / 10 = 1.02; × 1 = 10.20 EUR.
    assert_eq!(in_nov[0].list_cost, dec!(12));
    assert_eq!(in_nov[0].effective_unit_price, dec!(1.02));
    assert_eq!(in_nov[0].billing_pre_tax_total, dec!(10.20));
}

#[test]
fn tiers_run_on_the_months_cumulative_quantity() {
    let prices = book();
    let oct = BillingPeriod::calendar_month(2026, 10).unwrap();
    let lines = rate(
        &series(
            TIERED,
            vec![
                usage(day(2026, 10, 1), dec!(60), Decimal::ZERO),
                usage(day(2026, 10, 2), dec!(60), Decimal::ZERO),
            ],
        ),
        &prices,
        &prices.terms(oct, "USD").unwrap(),
    )
    .unwrap();
    // Day 1: units 1–60 at 1.00 = 60.00. Day 2: units 61–100 at 1.00 + 101–120 at 0.80
    // = 40.00 + 16.00 = 56.00; EUP 56 / 60 = 0.933333 (6 decimals) × 60 = 55.99998 → 55.99.
    assert_eq!(lines[0].list_cost, dec!(60));
    assert_eq!(lines[1].list_cost, dec!(56));
    assert_eq!(lines[1].effective_unit_price, dec!(0.933333));
    assert_eq!(lines[1].billing_pre_tax_total, dec!(55.99));
}

#[test]
fn the_fx_rate_is_rounded_half_away_from_zero_to_12_decimals() {
    let prices = book();
    let nov = BillingPeriod::calendar_month(2026, 11).unwrap();
    let terms = prices.terms(nov, "aed").unwrap();
    // 1 / 0.27224589249009701 = 3.67315000000000061605…: 3.673150000000.
    assert_eq!(terms.fx.rate, dec!(3.673150000000));
    let lines = rate(
        &series(
            METER,
            vec![usage(day(2026, 11, 9), dec!(3), PARTNER_EARNED_CREDIT_RATE)],
        ),
        &prices,
        &terms,
    )
    .unwrap();
    // 3 × 1.20 = 3.60 list; EUP 3.60 × 0.85 / 3 = 1.02; 3.06 USD × 3.67315 = 11.239839 → 11.23.
    assert_eq!(lines[0].pricing_pre_tax_total, dec!(3.06));
    assert_eq!(lines[0].billing_amount, dec!(11.2398390000000000));
    assert_eq!(lines[0].billing_pre_tax_total, dec!(11.23));
    // Rounded, not cut: 1 / 0.6 = 1.6666… goes up to …667 at the 12th decimal; 1 / 0.3 stays …333.
    let rates = fx("202611", &[("XAA", "0.6"), ("XAB", "0.3")]);
    assert_eq!(
        rates.usd_to("XAA").unwrap().unwrap().rate,
        dec!(1.666666666667)
    );
    assert_eq!(
        rates.usd_to("XAB").unwrap().unwrap().rate,
        dec!(3.333333333333)
    );
}

#[test]
fn an_imported_file_still_overrides_from_its_effective_date() {
    let mut imported = PriceBook::new();
    imported
        .add([PriceEntry {
            origin: PriceOrigin::PartnerSheet,
            meter_id: METER.into(),
            currency: "USD".into(),
            effective_from: day(2026, 11, 15),
            effective_to: None,
            price: Price::new(TierTable::flat(dec!(2.00)).unwrap()),
        }])
        .unwrap();
    let mut prices = MonthlyPrices::new(imported);
    prices
        .add_sheet((2026, 11), sheet(11, &[(METER, "", "1.20")]))
        .unwrap();
    let nov = BillingPeriod::calendar_month(2026, 11).unwrap();
    let lines = rate(
        &series(
            METER,
            vec![
                usage(day(2026, 11, 10), dec!(1), Decimal::ZERO),
                usage(day(2026, 11, 20), dec!(1), Decimal::ZERO),
            ],
        ),
        &prices,
        &prices.terms(nov, "USD").unwrap(),
    )
    .unwrap();
    assert_eq!(
        lines[0].unit_price,
        dec!(1.2),
        "the sheet before the import's start"
    );
    assert_eq!(lines[1].unit_price, dec!(2), "the import from its start");
}

#[test]
fn a_month_without_its_sheet_or_fx_is_not_priced_with_another_months() {
    let prices = book();
    let dec_period = BillingPeriod::calendar_month(2026, 12).unwrap();
    let err = rate(
        &series(METER, vec![usage(day(2026, 12, 1), dec!(1), Decimal::ZERO)]),
        &prices,
        &prices.terms(dec_period, "USD").unwrap(),
    )
    .unwrap_err();
    assert!(matches!(err, RateError::NoPrice { .. }), "{err}");
    let err = prices.terms(dec_period, "EUR").unwrap_err();
    assert_eq!(
        err,
        MonthlyPricesError::NoFx {
            year: 2026,
            month: 12,
            currency: "EUR".into()
        }
    );
    assert!(err.to_string().contains("2026-12"), "{err}");
}

#[test]
fn a_months_sheet_cut_to_its_month_answers_for_its_own_days_only() {
    let mut book = PriceBook::new();
    book.add(within_month(sheet(10, &[(METER, "", "1.00")]), (2026, 10)))
        .unwrap();
    // November's sheet says the same meter from 11/1, open-ended; cut, it ends on 11/30.
    book.add(within_month(sheet(11, &[(METER, "", "1.20")]), (2026, 11)))
        .unwrap();
    let price = |d| book.tiers(METER, d, "USD").map(|t| t.cost(dec!(1)));
    assert_eq!(price(day(2026, 10, 31)), Some(dec!(1.00)));
    assert_eq!(price(day(2026, 11, 1)), Some(dec!(1.20)));
    assert_eq!(price(day(2026, 12, 1)), None, "no sheet for December");
    assert_eq!(
        price(day(2026, 9, 30)),
        None,
        "October's sheet is not September's"
    );
    // An entry not yet in effect in the month is not part of it.
    let ended = within_month(sheet(10, &[(METER, "", "1.00")]), (2026, 9));
    assert!(ended.is_empty());
}
