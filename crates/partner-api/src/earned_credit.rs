//! Partner earned credit as Microsoft sends it, reduced to the one number Rating needs: the
//! rate (a fraction, 0.15 for 15 %) by which eligible usage is cheaper. Three wire forms say it:
//! v1 daily rated usage rows carry `rateOfPartnerEarnedCredit` (0 or 0.15) and `creditType`
//! (`"Partner Earned Credit Applied"`, `"Credit Not Applied"`, `"Azure Credit Applied"`), and
//! some published rows carry only the type; the Graph usage exports carry
//! `PartnerEarnedCreditPercentage` (0 or 15). No row carries a yes/no flag.

use rust_decimal::Decimal;

/// The documented credit: 15 % off eligible usage.
pub const STANDARD_RATE: Decimal = Decimal::from_parts(15, 0, 0, false, 2);

/// `creditType` of a row whose usage got partner earned credit.
pub const CREDIT_APPLIED: &str = "Partner Earned Credit Applied";

/// The rate of a v1 daily rated usage row: its `rateOfPartnerEarnedCredit` when sent; else
/// [`STANDARD_RATE`] when its `creditType` says the credit applied (compared without regard to
/// case or surrounding space); else 0 (`"Credit Not Applied"`, Azure credit, or nothing sent).
pub fn rate_of_row(
    rate_of_partner_earned_credit: Option<Decimal>,
    credit_type: Option<&str>,
) -> Decimal {
    match rate_of_partner_earned_credit {
        Some(rate) => rate,
        None if credit_type.is_some_and(|t| t.trim().eq_ignore_ascii_case(CREDIT_APPLIED)) => {
            STANDARD_RATE
        }
        None => Decimal::ZERO,
    }
}

/// The rate of a Graph usage export row from its `PartnerEarnedCreditPercentage` (a percentage:
/// 15 -> 0.15); an absent or empty column (the `basic` attribute set omits it) is 0. `None` for a
/// percentage outside 0–100, which no documented row has.
pub fn rate_from_percentage(percentage: Option<Decimal>) -> Option<Decimal> {
    let p = percentage.unwrap_or(Decimal::ZERO);
    (p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED)
        .then(|| (p / Decimal::ONE_HUNDRED).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn a_sent_rate_is_the_rate() {
        assert_eq!(
            rate_of_row(Some(d("0.15")), Some(CREDIT_APPLIED)),
            d("0.15")
        );
        assert_eq!(
            rate_of_row(Some(d("0")), Some("Azure Credit Applied")),
            Decimal::ZERO,
            "Azure credit is not partner earned credit"
        );
    }

    #[test]
    fn the_credit_type_alone_says_15_percent_or_none() {
        assert_eq!(
            rate_of_row(None, Some("Partner Earned Credit Applied")),
            STANDARD_RATE
        );
        assert_eq!(
            rate_of_row(None, Some(" partner earned credit applied ")),
            STANDARD_RATE
        );
        assert_eq!(rate_of_row(None, Some("Credit Not Applied")), Decimal::ZERO);
        assert_eq!(
            rate_of_row(None, Some("Azure Credit Applied")),
            Decimal::ZERO
        );
        assert_eq!(rate_of_row(None, None), Decimal::ZERO);
    }

    #[test]
    fn graph_percentages_become_rates() {
        assert_eq!(rate_from_percentage(Some(d("15"))), Some(d("0.15")));
        assert_eq!(rate_from_percentage(Some(d("15.00"))), Some(d("0.15")));
        assert_eq!(rate_from_percentage(Some(d("0"))), Some(Decimal::ZERO));
        assert_eq!(
            rate_from_percentage(None),
            Some(Decimal::ZERO),
            "basic exports omit the column"
        );
        assert_eq!(rate_from_percentage(Some(d("115"))), None);
        assert_eq!(rate_from_percentage(Some(d("-1"))), None);
    }
}
