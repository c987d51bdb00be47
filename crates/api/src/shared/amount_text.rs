//! Amounts as the DTOs carry them: decimal strings with at least cents, and back. One place,
//! so every page and export writes `0.00` (never `0`) and reads the same way.

use rust_decimal::Decimal;

/// An amount as text with at least cents (`0.00`, not `0`), every other digit kept.
pub(crate) fn cents(d: Decimal) -> String {
    let mut d = d.normalize();
    if d.scale() < 2 {
        d.rescale(2);
    }
    d.to_string()
}

/// An amount this crate wrote back as a decimal (zero if it is not one).
pub(crate) fn amount(text: &str) -> Decimal {
    text.parse().unwrap_or(Decimal::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_cents_every_digit_kept() {
        assert_eq!(cents(Decimal::ZERO), "0.00");
        assert_eq!(cents("12.5".parse().unwrap()), "12.50");
        assert_eq!(cents("1.234500".parse().unwrap()), "1.2345");
        assert_eq!(amount("-3.10"), "-3.1".parse::<Decimal>().unwrap());
        assert_eq!(amount("x"), Decimal::ZERO);
    }
}
