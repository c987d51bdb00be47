//! Markups: what the partner charges its customers on top of what Microsoft bills it. A
//! customer or an organization of customers has a history of markup changes, each effective
//! from a day: the percentage (negative = discount), a percentage per meter category that
//! overrides it, and a fixed fee per billing period.
//!
//! # Which markup applies
//! - A line is marked up by the percentage in effect on its usage day, chosen in this order:
//!   the customer's override for the line's meter category, the customer's percentage, the
//!   organization's override for the category, the organization's percentage. The customer
//!   is more specific than its organization, so anything the customer sets wins. With none in
//!   effect the line is refused ([`MarkupError::NoMarkup`]): selling at cost is a choice (0 %),
//!   not an accident. Categories compare without regard to case.
//! - The general percentage is on the cost ([`MarkupTerm::Percent`]) or on the list price
//!   ([`MarkupTerm::ListPercent`], "list + x %"): whichever was set last on or before the day.
//!   On the list price a line's resale is `list × (1 + percent / 100)`, its list cost being
//!   the sheet's list price (first tier) × quantity in the billing currency; a line whose
//!   list cost is not known (an invoice's licence or other charge) is marked up on its cost.
//!   Category overrides are always on the cost.
//! - The fee is the one in effect on the period's last day, the customer's before the
//!   organization's; none means no fee. It is charged whole, not prorated.
//!
//! # Rounding (our own rule, not Microsoft's)
//! Each line's resale is `cost × (1 + percent / 100)` rounded half away from zero to 2
//! decimals (the usual commercial rule for amounts we set: 0.125 → 0.13, −0.125 → −0.13); the
//! fee is rounded the same way; totals are sums of rounded amounts and are not rounded again,
//! so an invoice's lines add up to its total. Margin is resale minus cost.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::period::BillingPeriod;
use crate::rate::RatedLine;

/// Our rule for amounts we set: half away from zero to 2 decimals.
pub fn round_cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// One term of a markup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum MarkupTerm {
    /// Percentage for every meter category without an override (12 = +12 %, −5 = 5 % off).
    Percent {
        /// The percentage.
        percent: Decimal,
    },
    /// Percentage for every meter category without an override, applied to the list price
    /// instead of the cost ("list + x %"); replaces [`MarkupTerm::Percent`] from its day.
    ListPercent {
        /// The percentage.
        percent: Decimal,
    },
    /// Percentage for one meter category; `None` removes the override from that day.
    CategoryPercent {
        /// Meter category, e.g. `Virtual Machines`.
        category: String,
        /// The percentage, or `None` to fall back to the general one again.
        percent: Option<Decimal>,
    },
    /// Fixed fee per billing period, in the billing currency; 0 removes it.
    MonthlyFee {
        /// The fee.
        fee: Decimal,
    },
}

/// A markup term effective from a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkupChange {
    /// First day it applies.
    pub effective_from: NaiveDate,
    /// What it sets.
    pub term: MarkupTerm,
}

/// Why markups cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MarkupError {
    /// A discount of more than 100 %.
    #[error("a markup of {0} % would make the price negative; use a value of -100 or more")]
    Percent(Decimal),
    /// A negative fee.
    #[error("a monthly fee cannot be negative ({0}); use a negative percentage for a discount")]
    Fee(Decimal),
    /// An empty category name.
    #[error("a category override needs the meter category's name")]
    EmptyCategory,
    /// Two changes of the same term on the same day.
    #[error("two changes of the {term} set on {date}; keep one")]
    Duplicate {
        /// Day.
        date: NaiveDate,
        /// Which term.
        term: String,
    },
    /// A cost line outside the period.
    #[error("a cost line of {date} is outside the billing period {period}")]
    OutsidePeriod {
        /// Day.
        date: NaiveDate,
        /// The period.
        period: BillingPeriod,
    },
    /// No percentage in effect for a line.
    #[error("no markup is in effect on {date}{}; add one (0 % resells at cost)", category.as_ref().map(|c| format!(" for {c}")).unwrap_or_default())]
    NoMarkup {
        /// Day.
        date: NaiveDate,
        /// The line's category.
        category: Option<String>,
    },
}

/// A customer's or an organization's markup changes, validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkupHistory {
    changes: Vec<MarkupChange>,
}

impl MarkupHistory {
    /// Validates the changes (percent ≥ −100, fee ≥ 0, a category named, one change per term
    /// and day).
    pub fn new(mut changes: Vec<MarkupChange>) -> Result<Self, MarkupError> {
        let mut seen = BTreeSet::new();
        for c in &changes {
            let term = match &c.term {
                MarkupTerm::Percent { percent } | MarkupTerm::ListPercent { percent } => {
                    check_percent(*percent)?;
                    "percentage".to_string()
                }
                MarkupTerm::CategoryPercent { category, percent } => {
                    if category.trim().is_empty() {
                        return Err(MarkupError::EmptyCategory);
                    }
                    if let Some(p) = percent {
                        check_percent(*p)?;
                    }
                    format!("percentage for {}", category.trim().to_lowercase())
                }
                MarkupTerm::MonthlyFee { fee } => {
                    if *fee < Decimal::ZERO {
                        return Err(MarkupError::Fee(*fee));
                    }
                    "monthly fee".to_string()
                }
            };
            if !seen.insert((c.effective_from, term.clone())) {
                return Err(MarkupError::Duplicate {
                    date: c.effective_from,
                    term,
                });
            }
        }
        changes.sort_by_key(|c| c.effective_from);
        Ok(Self { changes })
    }

    /// The changes, oldest first.
    pub fn changes(&self) -> &[MarkupChange] {
        &self.changes
    }

    fn latest<T>(&self, date: NaiveDate, pick: impl Fn(&MarkupTerm) -> Option<T>) -> Option<T> {
        self.changes
            .iter()
            .rev()
            .filter(|c| c.effective_from <= date)
            .find_map(|c| pick(&c.term))
    }

    /// The override for `category` in effect on `date`, if any.
    pub fn category_percent_on(&self, category: &str, date: NaiveDate) -> Option<Decimal> {
        self.latest(date, |t| match t {
            MarkupTerm::CategoryPercent {
                category: theirs,
                percent,
            } if same_category(theirs, category) => Some(*percent),
            _ => None,
        })
        .flatten()
    }

    /// The general percentage in effect on `date`, if any (on cost or on list).
    pub fn percent_on(&self, date: NaiveDate) -> Option<Decimal> {
        self.general_on(date).map(|(p, _)| p)
    }

    /// The general percentage in effect on `date` and what it applies to.
    pub fn general_on(&self, date: NaiveDate) -> Option<(Decimal, Basis)> {
        self.latest(date, |t| match t {
            MarkupTerm::Percent { percent } => Some((*percent, Basis::Cost)),
            MarkupTerm::ListPercent { percent } => Some((*percent, Basis::List)),
            _ => None,
        })
    }

    /// The monthly fee in effect on `date`, if any.
    pub fn fee_on(&self, date: NaiveDate) -> Option<Decimal> {
        self.latest(date, |t| match t {
            MarkupTerm::MonthlyFee { fee } => Some(*fee),
            _ => None,
        })
    }
}

/// Categories compare trimmed and without regard to case. Without allocating when both are
/// ASCII: a million invoice lines are priced per view of them.
fn same_category(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

fn check_percent(p: Decimal) -> Result<(), MarkupError> {
    if p < -Decimal::ONE_HUNDRED {
        Err(MarkupError::Percent(p))
    } else {
        Ok(())
    }
}

/// What a percentage applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Basis {
    /// What the partner pays (Microsoft's billed cost).
    Cost,
    /// The list price × quantity.
    List,
}

/// The markups that apply to one customer: its own and its organization's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Markups<'a> {
    /// The customer's own history.
    pub customer: Option<&'a MarkupHistory>,
    /// Its organization's history.
    pub organization: Option<&'a MarkupHistory>,
}

impl Markups<'_> {
    /// The percentage for a line of `category` on `date` (see the module docs for the order).
    pub fn percent_on(&self, category: Option<&str>, date: NaiveDate) -> Option<Decimal> {
        self.rule_on(category, date).map(|(p, _)| p)
    }

    /// The percentage for a line of `category` on `date` and what it applies to.
    pub fn rule_on(&self, category: Option<&str>, date: NaiveDate) -> Option<(Decimal, Basis)> {
        [self.customer, self.organization]
            .into_iter()
            .flatten()
            .find_map(|h| {
                category
                    .and_then(|c| h.category_percent_on(c, date))
                    .map(|p| (p, Basis::Cost))
                    .or_else(|| h.general_on(date))
            })
    }

    /// The fee for `period`: the one in effect on its last day.
    pub fn fee_for(&self, period: &BillingPeriod) -> Decimal {
        [self.customer, self.organization]
            .into_iter()
            .flatten()
            .find_map(|h| h.fee_on(period.end()))
            .unwrap_or(Decimal::ZERO)
    }
}

/// A line of cost to mark up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CostLine {
    /// Usage day (selects the markup in effect).
    pub usage_date: NaiveDate,
    /// Meter category (selects an override).
    pub meter_category: Option<String>,
    /// What the partner pays, billing currency.
    pub cost: Decimal,
    /// The list price × quantity, billing currency, when known (rated usage): what a
    /// "list + x %" markup applies to.
    #[serde(default)]
    pub list_cost: Option<Decimal>,
}

impl From<&RatedLine> for CostLine {
    /// The partner's cost of a rated line is what Microsoft bills for it; its list cost is
    /// not on a record (the day line carries it), so a list markup falls back to the cost.
    fn from(line: &RatedLine) -> Self {
        Self {
            usage_date: line.usage_date,
            meter_category: line.meter_category.clone(),
            cost: line.billing_pre_tax_total,
            list_cost: None,
        }
    }
}

/// A marked-up line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResaleLine {
    /// The cost.
    pub cost: Decimal,
    /// The percentage applied.
    pub percent: Decimal,
    /// `round_cents(cost × (1 + percent / 100))`.
    pub resale: Decimal,
    /// `resale − cost`.
    pub margin: Decimal,
}

/// A period's resale for one customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Resale {
    /// The period.
    pub period: BillingPeriod,
    /// One per cost line, in the same order.
    pub lines: Vec<ResaleLine>,
    /// The period's fixed fee (rounded).
    pub fee: Decimal,
    /// Sum of the costs.
    pub cost_total: Decimal,
    /// Sum of the lines' resale plus the fee.
    pub resale_total: Decimal,
    /// `resale_total − cost_total`.
    pub margin: Decimal,
}

/// Marks up one line of `period` (see the module docs): what [`resale`] does to each line,
/// for callers that price lines one at a time without building a [`CostLine`] each. The
/// line's list cost is not known: a list markup applies to its cost.
pub fn mark_up(
    cost: Decimal,
    category: Option<&str>,
    date: NaiveDate,
    markups: &Markups<'_>,
    period: &BillingPeriod,
) -> Result<ResaleLine, MarkupError> {
    mark_up_line(cost, None, category, date, markups, period)
}

/// [`mark_up`] of a line whose list cost may be known.
pub fn mark_up_line(
    cost: Decimal,
    list_cost: Option<Decimal>,
    category: Option<&str>,
    date: NaiveDate,
    markups: &Markups<'_>,
    period: &BillingPeriod,
) -> Result<ResaleLine, MarkupError> {
    if !period.contains(date) {
        return Err(MarkupError::OutsidePeriod {
            date,
            period: *period,
        });
    }
    let (percent, basis) =
        markups
            .rule_on(category, date)
            .ok_or_else(|| MarkupError::NoMarkup {
                date,
                category: category.map(str::to_string),
            })?;
    let base = match (basis, list_cost) {
        (Basis::List, Some(list)) => list,
        _ => cost,
    };
    let hundred = Decimal::ONE_HUNDRED;
    // At 0 % the product is the base itself: skip the arithmetic most lines would do.
    let resale = if percent.is_zero() {
        round_cents(base)
    } else {
        round_cents(base * (hundred + percent) / hundred)
    };
    Ok(ResaleLine {
        cost,
        percent,
        resale,
        margin: resale - cost,
    })
}

/// Marks up `lines` of `period` with `markups` (see the module docs).
pub fn resale(
    lines: &[CostLine],
    markups: &Markups<'_>,
    period: &BillingPeriod,
) -> Result<Resale, MarkupError> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        out.push(mark_up_line(
            line.cost,
            line.list_cost,
            line.meter_category.as_deref(),
            line.usage_date,
            markups,
            period,
        )?);
    }
    let fee = round_cents(markups.fee_for(period));
    let cost_total: Decimal = out.iter().map(|l| l.cost).sum();
    let resale_total = out.iter().map(|l| l.resale).sum::<Decimal>() + fee;
    Ok(Resale {
        period: *period,
        lines: out,
        fee,
        cost_total,
        resale_total,
        margin: resale_total - cost_total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, day).unwrap()
    }

    #[test]
    fn half_away_from_zero() {
        assert_eq!(round_cents(dec!(0.125)), dec!(0.13));
        assert_eq!(round_cents(dec!(-0.125)), dec!(-0.13));
        assert_eq!(round_cents(dec!(0.124999)), dec!(0.12));
    }

    #[test]
    fn validation() {
        let at = |term| MarkupChange {
            effective_from: d(1),
            term,
        };
        assert_eq!(
            MarkupHistory::new(vec![at(MarkupTerm::Percent {
                percent: dec!(-100.01)
            })]),
            Err(MarkupError::Percent(dec!(-100.01)))
        );
        assert_eq!(
            MarkupHistory::new(vec![at(MarkupTerm::MonthlyFee { fee: dec!(-1) })]),
            Err(MarkupError::Fee(dec!(-1)))
        );
        assert!(matches!(
            MarkupHistory::new(vec![
                at(MarkupTerm::CategoryPercent {
                    category: "Storage".into(),
                    percent: Some(dec!(1))
                }),
                at(MarkupTerm::CategoryPercent {
                    category: "storage ".into(),
                    percent: None
                }),
            ]),
            Err(MarkupError::Duplicate { .. })
        ));
    }

    #[test]
    fn categories_compare_trimmed_and_without_case_beyond_ascii_too() {
        let h = MarkupHistory::new(vec![
            MarkupChange {
                effective_from: d(1),
                term: MarkupTerm::CategoryPercent {
                    category: " Storage".into(),
                    percent: Some(dec!(3)),
                },
            },
            MarkupChange {
                effective_from: d(1),
                term: MarkupTerm::CategoryPercent {
                    category: "Équipement".into(),
                    percent: Some(dec!(4)),
                },
            },
        ])
        .unwrap();
        assert_eq!(h.category_percent_on("STORAGE ", d(2)), Some(dec!(3)));
        assert_eq!(h.category_percent_on("équipement", d(2)), Some(dec!(4)));
        assert_eq!(h.category_percent_on("Storage2", d(2)), None);
    }

    #[test]
    fn the_customer_wins_over_its_organization() {
        let org = MarkupHistory::new(vec![
            MarkupChange {
                effective_from: d(1),
                term: MarkupTerm::Percent { percent: dec!(10) },
            },
            MarkupChange {
                effective_from: d(1),
                term: MarkupTerm::CategoryPercent {
                    category: "Storage".into(),
                    percent: Some(dec!(3)),
                },
            },
            MarkupChange {
                effective_from: d(1),
                term: MarkupTerm::MonthlyFee { fee: dec!(20) },
            },
        ])
        .unwrap();
        let customer = MarkupHistory::new(vec![MarkupChange {
            effective_from: d(10),
            term: MarkupTerm::Percent { percent: dec!(7) },
        }])
        .unwrap();
        let m = Markups {
            customer: Some(&customer),
            organization: Some(&org),
        };
        assert_eq!(
            m.percent_on(Some("storage"), d(5)),
            Some(dec!(3)),
            "before the customer's own"
        );
        assert_eq!(
            m.percent_on(Some("Storage"), d(10)),
            Some(dec!(7)),
            "the customer's percentage beats the org's override"
        );
        assert_eq!(m.percent_on(None, d(9)), Some(dec!(10)));
        assert_eq!(
            m.fee_for(&BillingPeriod::calendar_month(2024, 6).unwrap()),
            dec!(20)
        );
        let none = Markups::default();
        assert!(matches!(
            resale(
                &[CostLine {
                    usage_date: d(1),
                    meter_category: None,
                    cost: dec!(1),
                    list_cost: None,
                }],
                &none,
                &BillingPeriod::calendar_month(2024, 6).unwrap()
            ),
            Err(MarkupError::NoMarkup { .. })
        ));
    }
}
