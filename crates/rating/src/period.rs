//! Billing periods: the window tiers accumulate in, FX applies to, markups charge their fee
//! for and invoices reconcile over. Microsoft bills the Azure plan by calendar month; a
//! partner may bill its own customers on another start day (1–28, so every month has it).
//! With a start day other than 1 our figures model the partner's period and will not match
//! Microsoft's invoice line for line.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a period cannot be formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// The start day is outside 1–28.
    #[error("a billing period starts on a day from 1 to 28 (every month has it), not {0}")]
    StartDay(u32),
    /// The year or month does not exist.
    #[error("{year}-{month:02} is not a month")]
    Month {
        /// Year given.
        year: i32,
        /// Month given.
        month: u32,
    },
    /// The date lies outside the calendar chrono can represent.
    #[error("{0} is too close to the end of the calendar for a billing period")]
    OutOfRange(NaiveDate),
}

/// The day of the month a partner's billing period starts on (1–28; 1 = calendar month).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct PeriodStartDay(u32);

impl PeriodStartDay {
    /// Microsoft's period: the calendar month.
    pub const CALENDAR_MONTH: PeriodStartDay = PeriodStartDay(1);

    /// A start day from 1 to 28.
    pub fn new(day: u32) -> Result<Self, PeriodError> {
        if (1..=28).contains(&day) {
            Ok(Self(day))
        } else {
            Err(PeriodError::StartDay(day))
        }
    }

    /// The day of the month.
    pub fn day(self) -> u32 {
        self.0
    }
}

impl Default for PeriodStartDay {
    fn default() -> Self {
        Self::CALENDAR_MONTH
    }
}

impl TryFrom<u32> for PeriodStartDay {
    type Error = PeriodError;
    fn try_from(day: u32) -> Result<Self, PeriodError> {
        Self::new(day)
    }
}

impl From<PeriodStartDay> for u32 {
    fn from(d: PeriodStartDay) -> u32 {
        d.0
    }
}

/// One billing period: `start` through `end`, both inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingPeriod {
    start: NaiveDate,
    end: NaiveDate,
}

impl BillingPeriod {
    /// The period with start day `start_day` that contains `date`.
    pub fn containing(date: NaiveDate, start_day: PeriodStartDay) -> Result<Self, PeriodError> {
        let this_month = date
            .with_day(start_day.day())
            .ok_or(PeriodError::OutOfRange(date))?;
        let start = if date.day() >= start_day.day() {
            this_month
        } else {
            this_month
                .checked_sub_months(Months::new(1))
                .ok_or(PeriodError::OutOfRange(date))?
        };
        Self::starting(start)
    }

    /// The calendar month `year`-`month` (Microsoft's billing period).
    pub fn calendar_month(year: i32, month: u32) -> Result<Self, PeriodError> {
        let start =
            NaiveDate::from_ymd_opt(year, month, 1).ok_or(PeriodError::Month { year, month })?;
        Self::starting(start)
    }

    fn starting(start: NaiveDate) -> Result<Self, PeriodError> {
        let end = start
            .checked_add_months(Months::new(1))
            .and_then(|next| next.pred_opt())
            .ok_or(PeriodError::OutOfRange(start))?;
        Ok(Self { start, end })
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day (inclusive).
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether `date` falls in the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Number of days.
    pub fn days(&self) -> u32 {
        // At most 31: the cast cannot truncate.
        ((self.end - self.start).num_days() + 1) as u32
    }

    /// The period after this one.
    pub fn next(&self) -> Result<Self, PeriodError> {
        let start = self
            .end
            .succ_opt()
            .ok_or(PeriodError::OutOfRange(self.end))?;
        Self::starting(start)
    }

    /// The period before this one.
    pub fn previous(&self) -> Result<Self, PeriodError> {
        let start = self
            .start
            .checked_sub_months(Months::new(1))
            .ok_or(PeriodError::OutOfRange(self.start))?;
        Self::starting(start)
    }
}

impl std::fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} – {}", self.start, self.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn calendar_month_by_default() {
        let p = BillingPeriod::containing(d(2024, 2, 29), PeriodStartDay::default()).unwrap();
        assert_eq!(
            (p.start(), p.end(), p.days()),
            (d(2024, 2, 1), d(2024, 2, 29), 29)
        );
        assert_eq!(p, BillingPeriod::calendar_month(2024, 2).unwrap());
    }

    #[test]
    fn a_partner_start_day_spans_two_months() {
        let day15 = PeriodStartDay::new(15).unwrap();
        let p = BillingPeriod::containing(d(2024, 3, 3), day15).unwrap();
        assert_eq!((p.start(), p.end()), (d(2024, 2, 15), d(2024, 3, 14)));
        let q = BillingPeriod::containing(d(2024, 3, 15), day15).unwrap();
        assert_eq!(q, p.next().unwrap());
        assert_eq!(q.previous().unwrap(), p);
        assert!(p.contains(d(2024, 3, 14)) && !p.contains(d(2024, 3, 15)));
        let january = BillingPeriod::containing(d(2024, 1, 2), day15).unwrap();
        assert_eq!(january.start(), d(2023, 12, 15), "crosses the year");
    }

    #[test]
    fn start_day_is_1_to_28() {
        assert_eq!(PeriodStartDay::new(0), Err(PeriodError::StartDay(0)));
        assert_eq!(PeriodStartDay::new(29), Err(PeriodError::StartDay(29)));
        assert!(PeriodStartDay::new(28).is_ok());
        assert!(BillingPeriod::calendar_month(2024, 13).is_err());
    }
}
