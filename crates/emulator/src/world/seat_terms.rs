//! The terms of the Microsoft 365 seat subscriptions, and the price each term is locked at
//! (issue 16). A new-commerce licence's price is fixed for a term at the price of the day the
//! term starts; a renewal starts a new term at the then-current price list.
//!
//! Most seat subscriptions are `P1M` (renewing every month), a third `P1Y` billed monthly
//! (renewing at the anniversary of their creation, which falls inside the sandbox window for
//! some). The emulator's simplification: `P1M` terms renew on the first of each month (terms
//! aligned to the calendar month, as the emulator bills whole months), so a `P1M` charge is
//! priced at its own month's licence sheet, while a `P1Y` charge is priced at the sheet of the
//! month its current year started. Each seat line says which term it bills the way Microsoft's
//! reconciliation lines do: `SubscriptionStartDate`/`SubscriptionEndDate` are the term's,
//! `OrderDate` the billing event that started it (the purchase or the renewal),
//! `TermAndBillingCycle` the term in words.

use chrono::{Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Currency, Customer, Month, World};

/// A seat subscription's term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeatTerm {
    /// `P1M`, billed monthly.
    Monthly,
    /// `P1Y`, billed monthly.
    Annual,
}

impl SeatTerm {
    /// ISO 8601 duration (`termDuration`, the sheet's `TermDuration`).
    pub fn duration(self) -> &'static str {
        match self {
            SeatTerm::Monthly => "P1M",
            SeatTerm::Annual => "P1Y",
        }
    }

    /// `TermAndBillingCycle` (the wording of Microsoft's billed sample).
    pub fn words(self) -> &'static str {
        match self {
            SeatTerm::Monthly => "One-Month commitment for monthly/yearly billing",
            SeatTerm::Annual => "One-Year commitment for monthly/yearly billing",
        }
    }

    fn months(self) -> u32 {
        match self {
            SeatTerm::Monthly => 1,
            SeatTerm::Annual => 12,
        }
    }
}

impl Customer {
    /// The term of this customer's seat subscription.
    pub fn seat_term(&self) -> SeatTerm {
        if self.index % 3 == 2 {
            SeatTerm::Annual
        } else {
            SeatTerm::Monthly
        }
    }
}

impl World {
    /// First and last day of the seat term of `c` that bills `month`: for `P1M`, the month
    /// (from the creation in the creation month); for `P1Y`, the year from the last
    /// anniversary of the creation on or before the month's end.
    pub fn seat_term_of(&self, c: &Customer, month: Month) -> (NaiveDate, NaiveDate) {
        let term = c.seat_term();
        let start = match term {
            SeatTerm::Monthly => month.first_day().max(c.created),
            SeatTerm::Annual => {
                let mut start = c.created;
                while let Some(next) = start.checked_add_months(Months::new(12)) {
                    if next > month.last_day() {
                        break;
                    }
                    start = next;
                }
                start
            }
        };
        let end = match term {
            SeatTerm::Monthly => month.last_day(),
            SeatTerm::Annual => start
                .checked_add_months(Months::new(term.months()))
                .and_then(|d| d.pred_opt())
                .unwrap_or(start),
        };
        (start, end)
    }

    /// The licence sheet's price of a seat in `currency` for a term of `term` starting in
    /// `month`: the monthly term's moving price, the annual term's a sixth lower (Microsoft
    /// 365 Business Basic lists 6.00 a month on an annual term against 7.20 on a monthly
    /// one).
    pub fn seat_list_price(&self, currency: Currency, month: Month, term: SeatTerm) -> Decimal {
        let monthly = self.seat_price_in(currency, month);
        match term {
            SeatTerm::Monthly => monthly,
            SeatTerm::Annual => (monthly / Decimal::new(12, 1))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        }
    }

    /// The price a seat of `c` is locked at in `month`: its term's, from the sheet of the
    /// month the term started.
    pub fn seat_term_price(&self, c: &Customer, month: Month) -> Decimal {
        let (start, _) = self.seat_term_of(c, month);
        self.seat_list_price(c.currency, Month::of(start), c.seat_term())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    fn world() -> World {
        World::new(Preset::S, 9, NaiveDate::from_ymd_opt(2026, 4, 15).unwrap())
            .with_monthly_prices(true)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_monthly_term_renews_each_month_and_an_annual_one_at_its_anniversary() {
        let w = world();
        let mut c = w.customer(0);
        c.created = day("2023-05-17");
        let oct = Month::of(day("2026-10-01"));
        c.index = 0;
        assert_eq!(c.seat_term(), SeatTerm::Monthly);
        assert_eq!(
            w.seat_term_of(&c, oct),
            (day("2026-10-01"), day("2026-10-31"))
        );
        c.index = 2;
        assert_eq!(c.seat_term(), SeatTerm::Annual);
        assert_eq!(
            w.seat_term_of(&c, Month::of(day("2026-04-01"))),
            (day("2025-05-17"), day("2026-05-16"))
        );
        assert_eq!(
            w.seat_term_of(&c, Month::of(day("2026-05-01"))),
            (day("2026-05-17"), day("2027-05-16")),
            "the anniversary month bills the renewed term"
        );
        assert_eq!(
            w.seat_term_price(&c, oct),
            w.seat_list_price(c.currency, Month::of(day("2026-05-01")), SeatTerm::Annual)
        );
    }
}
