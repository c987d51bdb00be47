//! Resale: percentages, category overrides, the monthly fee and history, with totals
//! computed by hand.

use cspdesk_rating::markup::{
    resale, CostLine, MarkupChange, MarkupError, MarkupHistory, MarkupTerm, Markups,
};
use cspdesk_rating::period::BillingPeriod;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::support::june;

fn line(day: u32, category: &str, cost: Decimal) -> CostLine {
    CostLine {
        usage_date: june(day),
        meter_category: Some(category.into()),
        cost,
        list_cost: None,
    }
}

fn change(day: u32, term: MarkupTerm) -> MarkupChange {
    MarkupChange {
        effective_from: june(day),
        term,
    }
}

fn period() -> BillingPeriod {
    BillingPeriod::calendar_month(2024, 6).unwrap()
}

#[test]
fn twelve_percent_with_a_five_percent_storage_override_and_a_50_fee() {
    let history = MarkupHistory::new(vec![
        change(1, MarkupTerm::Percent { percent: dec!(12) }),
        change(
            1,
            MarkupTerm::CategoryPercent {
                category: "Storage".into(),
                percent: Some(dec!(5)),
            },
        ),
        change(1, MarkupTerm::MonthlyFee { fee: dec!(50.00) }),
    ])
    .unwrap();
    let lines = [
        line(2, "Virtual Machines", dec!(100.00)),
        line(3, "Virtual Machines", dec!(33.33)),
        line(4, "storage", dec!(10.01)),
        line(5, "Storage", dec!(0.10)),
        line(6, "Virtual Machines", dec!(-1.25)),
    ];
    let r = resale(
        &lines,
        &Markups {
            customer: Some(&history),
            organization: None,
        },
        &period(),
    )
    .unwrap();
    // By hand: 100.00 × 1.12 = 112.00; 33.33 × 1.12 = 37.3296 → 37.33;
    // 10.01 × 1.05 = 10.5105 → 10.51; 0.10 × 1.05 = 0.105 → 0.11 (half away from zero);
    // -1.25 × 1.12 = -1.40.
    assert_eq!(
        r.lines.iter().map(|l| l.resale).collect::<Vec<_>>(),
        vec![
            dec!(112.00),
            dec!(37.33),
            dec!(10.51),
            dec!(0.11),
            dec!(-1.40)
        ]
    );
    assert_eq!(
        r.lines.iter().map(|l| l.percent).collect::<Vec<_>>(),
        vec![dec!(12), dec!(12), dec!(5), dec!(5), dec!(12)]
    );
    assert_eq!(r.fee, dec!(50.00));
    assert_eq!(
        r.cost_total,
        dec!(142.19),
        "100 + 33.33 + 10.01 + 0.10 - 1.25"
    );
    assert_eq!(r.resale_total, dec!(208.55), "158.55 of lines + 50.00 fee");
    assert_eq!(r.margin, dec!(66.36));
    assert_eq!(r.lines[1].margin, dec!(4.00), "37.33 - 33.33");
}

#[test]
fn history_applies_by_usage_day_and_the_fee_of_the_last_day() {
    let history = MarkupHistory::new(vec![
        change(16, MarkupTerm::Percent { percent: dec!(-10) }),
        change(1, MarkupTerm::Percent { percent: dec!(20) }),
        change(
            1,
            MarkupTerm::CategoryPercent {
                category: "Storage".into(),
                percent: Some(dec!(5)),
            },
        ),
        change(
            10,
            MarkupTerm::CategoryPercent {
                category: "Storage".into(),
                percent: None,
            },
        ),
        change(1, MarkupTerm::MonthlyFee { fee: dec!(10) }),
        change(30, MarkupTerm::MonthlyFee { fee: dec!(12.345) }),
    ])
    .unwrap();
    let lines = [
        line(9, "Storage", dec!(10.00)),
        line(10, "Storage", dec!(10.00)),
        line(16, "Storage", dec!(10.00)),
    ];
    let r = resale(
        &lines,
        &Markups {
            customer: Some(&history),
            organization: None,
        },
        &period(),
    )
    .unwrap();
    assert_eq!(
        r.lines.iter().map(|l| l.resale).collect::<Vec<_>>(),
        vec![dec!(10.50), dec!(12.00), dec!(9.00)],
        "override, then the general 20 % once it is removed, then the -10 % discount"
    );
    assert_eq!(
        r.fee,
        dec!(12.35),
        "the fee in effect on the 30th, rounded half away from zero"
    );
}

#[test]
fn the_organization_applies_when_the_customer_has_nothing() {
    let org =
        MarkupHistory::new(vec![change(1, MarkupTerm::Percent { percent: dec!(8) })]).unwrap();
    let r = resale(
        &[line(1, "Networking", dec!(50))],
        &Markups {
            customer: None,
            organization: Some(&org),
        },
        &period(),
    )
    .unwrap();
    assert_eq!(r.resale_total, dec!(54.00));
    assert_eq!(r.fee, Decimal::ZERO);
}

#[test]
fn refusals() {
    let h = MarkupHistory::new(vec![change(10, MarkupTerm::Percent { percent: dec!(5) })]).unwrap();
    let m = Markups {
        customer: Some(&h),
        organization: None,
    };
    assert!(matches!(
        resale(&[line(9, "x", dec!(1))], &m, &period()),
        Err(MarkupError::NoMarkup { .. })
    ));
    let july = CostLine {
        usage_date: chrono::NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
        meter_category: None,
        cost: dec!(1),
        list_cost: None,
    };
    assert!(matches!(
        resale(&[july], &m, &period()),
        Err(MarkupError::OutsidePeriod { .. })
    ));
}

#[test]
fn a_list_markup_applies_to_the_list_price_and_a_cost_markup_after_it_to_the_cost() {
    // 10 % on list from the 1st, 20 % on cost from the 15th; a category override stays on cost.
    let h = MarkupHistory::new(vec![
        change(1, MarkupTerm::ListPercent { percent: dec!(10) }),
        change(15, MarkupTerm::Percent { percent: dec!(20) }),
        change(
            1,
            MarkupTerm::CategoryPercent {
                category: "Network".into(),
                percent: Some(dec!(5)),
            },
        ),
    ])
    .unwrap();
    let m = Markups {
        customer: Some(&h),
        organization: None,
    };
    let with_list = |day, category: &str, cost, list| CostLine {
        list_cost: Some(list),
        ..line(day, category, cost)
    };
    let r = resale(
        &[
            // list 41.25 × 1.10 = 45.375 → 45.38 (the billed 35.06 is not what is marked up)
            with_list(2, "Storage", dec!(35.06), dec!(41.25)),
            // a line without a list cost is marked up on its cost: 10.00 × 1.10
            line(2, "Storage", dec!(10.00)),
            // the override is on cost: 8.00 × 1.05
            with_list(2, "Network", dec!(8.00), dec!(9.00)),
            // from the 15th, 20 % on cost: 35.06 × 1.2 = 42.072 → 42.07
            with_list(16, "Storage", dec!(35.06), dec!(41.25)),
        ],
        &m,
        &period(),
    )
    .unwrap();
    let resales: Vec<Decimal> = r.lines.iter().map(|l| l.resale).collect();
    assert_eq!(
        resales,
        vec![dec!(45.38), dec!(11.00), dec!(8.40), dec!(42.07)]
    );
    assert_eq!(
        r.lines[0].margin,
        dec!(45.38) - dec!(35.06),
        "margin is over the cost"
    );
    assert!(
        MarkupHistory::new(vec![
            change(1, MarkupTerm::ListPercent { percent: dec!(10) }),
            change(1, MarkupTerm::Percent { percent: dec!(12) }),
        ])
        .is_err(),
        "one general percentage per day, on list or on cost"
    );
}
