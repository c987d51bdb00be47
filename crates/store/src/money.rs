//! Money as an exact decimal. Amounts are never `f64`: they are `rust_decimal`
//! inside, TEXT in SQLite and strings on the way to the UI, so no value is ever
//! rounded by accident.
//!
//! # Rounding rules
//! - Full precision is kept through every computation (quantity × price × FX); nothing
//!   is rounded until a rule below says so.
//! - [`Money::floor_cents`] is Microsoft's rule for a billed line:
//!   `FLOOR(EffectiveUnitPrice × Quantity × PCToBCExchangeRate, 2)`, i.e. towards
//!   negative infinity at 2 decimals (`1.239 → 1.23`, `-1.231 → -1.24`). It is applied
//!   once per line, exactly where Microsoft applies it, and sums of floored lines are
//!   never rounded again, so our totals reconcile to the cent.
//! - [`Money::round_cents`] is for amounts we set ourselves (resale after markup): half
//!   away from zero at 2 decimals (`0.125 → 0.13`, `-0.125 → -0.13`), the usual
//!   commercial rule on customer invoices.
//! - Storage keeps the exact decimal text (`"12.3400"` stays `12.3400`); the UI formats
//!   for display and never does arithmetic on the string.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An exact amount of money; the currency travels beside it in its own field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps an exact decimal.
    pub const fn new(amount: Decimal) -> Self {
        Self(amount)
    }

    /// The exact amount.
    pub const fn amount(self) -> Decimal {
        self.0
    }

    /// Microsoft's per-line rule: floor to 2 decimals (towards negative infinity).
    pub fn floor_cents(self) -> Self {
        Self(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity),
        )
    }

    /// Our rule for amounts we set: round half away from zero to 2 decimals.
    pub fn round_cents(self) -> Self {
        Self(
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// Multiplies by an exact factor (quantity, rate, percentage as a fraction).
    pub fn times(self, factor: Decimal) -> Self {
        Self(self.0 * factor)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an amount: use digits with an optional '-' and '.' (e.g. 1234.56), no currency sign or thousands separator")]
pub struct InvalidMoney(pub String);

impl FromStr for Money {
    type Err = InvalidMoney;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        // Decimal::from_str accepts "1_000" and scientific forms; an amount typed by a
        // user or read from a file must be plain.
        let plain = !t.is_empty()
            && t.chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && c == '-'));
        match Decimal::from_str(t) {
            Ok(d) if plain => Ok(Self(d)),
            _ => Err(InvalidMoney(s.to_string())),
        }
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl ToSql for Money {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.to_string()))
    }
}

impl FromSql for Money {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(bytes) => {
                let text =
                    std::str::from_utf8(bytes).map_err(|e| FromSqlError::Other(Box::new(e)))?;
                text.parse().map_err(|e| FromSqlError::Other(Box::new(e)))
            }
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn floor_cents_goes_towards_negative_infinity() {
        assert_eq!(
            Money::new(dec!(1.239)).floor_cents(),
            Money::new(dec!(1.23))
        );
        assert_eq!(
            Money::new(dec!(-1.231)).floor_cents(),
            Money::new(dec!(-1.24))
        );
        assert_eq!(Money::new(dec!(5)).floor_cents(), Money::new(dec!(5)));
        // Microsoft's documented example: 101 units of a tier priced 1.00/0.80 at 85 % (PEC).
        let line = Money::new(dec!(100.80)).times(dec!(0.85)).floor_cents();
        assert_eq!(line.to_string(), "85.68");
    }

    #[test]
    fn round_cents_is_half_away_from_zero() {
        assert_eq!(
            Money::new(dec!(0.125)).round_cents(),
            Money::new(dec!(0.13))
        );
        assert_eq!(
            Money::new(dec!(-0.125)).round_cents(),
            Money::new(dec!(-0.13))
        );
        assert_eq!(
            Money::new(dec!(0.124999)).round_cents(),
            Money::new(dec!(0.12))
        );
    }

    #[test]
    fn serializes_as_a_string_keeping_scale() {
        let m = Money::new(dec!(12.3400));
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"12.3400\"");
        let back: Money = serde_json::from_str("\"12.3400\"").unwrap();
        assert_eq!(back.to_string(), "12.3400");
        assert!(
            serde_json::from_str::<Money>("12.34").is_err(),
            "numbers would invite f64"
        );
    }

    #[test]
    fn parsing_rejects_non_plain_amounts() {
        for bad in ["", "1,000.00", "$5", "1e3", "1_000", "--1", "1-"] {
            assert!(bad.parse::<Money>().is_err(), "{bad:?} must be rejected");
        }
        assert_eq!("-0.01".parse::<Money>().unwrap(), Money::new(dec!(-0.01)));
    }

    #[test]
    fn stored_as_text_in_sqlite() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (m)").unwrap();
        let m = Money::new(dec!(0.1)) + Money::new(dec!(0.2));
        conn.execute("INSERT INTO t VALUES (?1)", [m]).unwrap();
        let (typ, back): (String, Money) = conn
            .query_row("SELECT typeof(m), m FROM t", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!(typ, "text");
        assert_eq!(
            back,
            Money::new(dec!(0.3)),
            "0.1 + 0.2 is exactly 0.3 in decimal"
        );
        conn.execute("UPDATE t SET m = 1.5", []).unwrap();
        assert!(
            conn.query_row("SELECT m FROM t", [], |r| r.get::<_, Money>(0))
                .is_err(),
            "a REAL in a money column is a bug and must not be read silently"
        );
    }

    proptest! {
        #[test]
        fn floor_is_at_most_one_cent_below(units in -10_000_000i64..10_000_000, scale in 0u32..6) {
            let m = Money::new(Decimal::new(units, scale));
            let f = m.floor_cents();
            prop_assert!(f <= m);
            prop_assert!(m - f < Money::new(dec!(0.01)));
            prop_assert!(f.amount().scale() <= 2);
        }

        #[test]
        fn text_round_trip_is_exact(units in any::<i64>(), scale in 0u32..10) {
            let m = Money::new(Decimal::new(units, scale));
            let back: Money = m.to_string().parse().unwrap();
            prop_assert_eq!(back, m);
            prop_assert_eq!(back.amount().scale(), m.amount().scale());
        }
    }
}
