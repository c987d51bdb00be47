//! The Azure plan's prices of each month, as Microsoft's Pricing API publishes them: with the
//! `monthly_prices` knob off every month has the catalog's prices (what the rate card shows);
//! with it on each meter's prices move from month to month, drawn from (seed, meter, month):
//! about a third of the meters go up, a third down and a third stay, by 1 to 8 %, every tier
//! of a meter by the same factor so a tiered meter stays tiered. The emulator's own billing
//! (rating.rs, billing.rs) and the price sheet it serves (crate::pricing) both read this one
//! table, so the sheet of month M is exactly what billed month M.
//!
//! The seat licence's price moves too (knob on): up or down by 1 to 6 % each month, in each
//! currency alike. A new-commerce licence's price is locked for its term when the term starts
//! (the purchase or a renewal), so a seat is billed at the licence sheet price of its term's
//! start month ([`World::seat_billed`], the terms in `seat_terms`), not the month it is billed
//! in nor its subscription's creation. With `mispriced_licence` one seat line (the first
//! monthly-term seat customer's, the month before the start month) is billed 10 % above that
//! price, for the test that proves such a line is flagged.

use rust_decimal::{Decimal, RoundingStrategy};

use super::billing::seat_price;
use super::catalog::{self, meter_count};
use super::rating::{tier_tables, TierTable};
use super::seat_terms::SeatTerm;
use super::tenancy::{Customer, PlanKind};
use super::{Currency, Month, World};
use crate::entropy::{fnv, tag};

/// Decimals a moved price keeps: enough for the smallest catalog price (`0.0000082`) to move.
const PRICE_DECIMALS: u32 = 10;

/// Which way one meter's price went in one month, against the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    /// The catalog's price.
    Unchanged,
    /// Up by this many percent.
    Up(u32),
    /// Down by this many percent.
    Down(u32),
}

impl World {
    /// How meter `meter`'s price moved in `month` (always [`Move::Unchanged`] with the
    /// `monthly_prices` knob off).
    pub fn price_move(&self, meter: usize, month: Month) -> Move {
        if !self.monthly_prices {
            return Move::Unchanged;
        }
        let mut d = self.tagged(
            tag::PRICE,
            &[
                fnv(catalog::meter(meter).code),
                month.year as u64,
                month.month as u64,
            ],
        );
        let percent = 1 + d.below(8) as u32;
        match d.below(3) {
            0 => Move::Unchanged,
            1 => Move::Up(percent),
            _ => Move::Down(percent),
        }
    }

    /// Tier tables (threshold after the included quantity, USD price) and included quantities
    /// of every meter in `month`, indexed like [`catalog::meter`].
    pub fn month_tiers(&self, month: Month) -> Vec<TierTable> {
        let base = tier_tables();
        if !self.monthly_prices {
            return base.clone();
        }
        (0..meter_count())
            .map(|meter| {
                let factor = match self.price_move(meter, month) {
                    Move::Unchanged => return base[meter].clone(),
                    Move::Up(p) => Decimal::ONE + Decimal::new(p as i64, 2),
                    Move::Down(p) => Decimal::ONE - Decimal::new(p as i64, 2),
                };
                let (tiers, included) = &base[meter];
                let moved = tiers
                    .iter()
                    .map(|(threshold, price)| {
                        let p = (*price * factor)
                            .round_dp_with_strategy(
                                PRICE_DECIMALS,
                                RoundingStrategy::MidpointAwayFromZero,
                            )
                            .normalize();
                        (*threshold, p)
                    })
                    .collect();
                (moved, *included)
            })
            .collect()
    }

    /// First-tier (list) USD price of `meter` in `month`.
    pub fn list_price(&self, meter: usize, month: Month) -> Decimal {
        if !self.monthly_prices {
            return catalog::meter(meter).list_price();
        }
        self.month_tiers(month)[meter].0[0].1
    }
}

impl World {
    /// The seat licence's price in `currency` on the licence sheet of `month`.
    pub fn seat_price_in(&self, currency: Currency, month: Month) -> Decimal {
        let base = seat_price(currency);
        if !self.monthly_prices {
            return base;
        }
        let mut d = self.tagged(
            tag::PRICE,
            &[fnv("seat-licence"), month.year as u64, month.month as u64],
        );
        let percent = Decimal::new(1 + d.below(6) as i64, 2);
        let factor = if d.below(2) == 0 {
            Decimal::ONE + percent
        } else {
            Decimal::ONE - percent
        };
        (base * factor)
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    }

    /// The unit price a seat of `c` is billed at in `month`: the licence sheet price of its
    /// term's start month (locked for the term), or 10 % above it on the one mispriced line.
    pub fn seat_billed(&self, c: &Customer, month: Month) -> Decimal {
        let locked = self.seat_term_price(c, month);
        if self.mispriced_licence && self.mispriced_seat() == Some((c.index, month)) {
            return (locked * Decimal::new(110, 2))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                .normalize();
        }
        locked
    }

    /// The customer and month of the mispriced seat line: the first Azure plan customer with
    /// seats using the world before the month before the start month, in that month.
    pub fn mispriced_seat(&self) -> Option<(u32, Month)> {
        let month = Month::of(self.epoch).next().next();
        (0..self.shape.customers)
            .map(|i| self.customer(i))
            .find(|c| {
                c.plan == PlanKind::AzurePlan
                    && c.license_seats > 0
                    && c.seat_term() == SeatTerm::Monthly
                    && c.usage_start(self) <= month.first_day()
            })
            .map(|c| (c.index, month))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;
    use chrono::NaiveDate;

    fn world(monthly: bool) -> World {
        World::new(Preset::S, 9, NaiveDate::from_ymd_opt(2026, 4, 15).unwrap())
            .with_monthly_prices(monthly)
    }

    #[test]
    fn without_the_knob_every_month_has_the_catalogs_prices() {
        let w = world(false);
        let april = Month {
            year: 2026,
            month: 4,
        };
        assert_eq!(&w.month_tiers(april), tier_tables());
        assert_eq!(w.month_tiers(april.prev()), w.month_tiers(april));
    }

    #[test]
    fn with_the_knob_meters_go_up_down_or_stay_and_tiers_stay_tiered() {
        let w = world(true);
        let months: Vec<Month> = w.months_until(NaiveDate::from_ymd_opt(2026, 4, 15).unwrap());
        let moves: Vec<Move> = months
            .iter()
            .flat_map(|m| (0..meter_count()).map(|i| w.price_move(i, *m)))
            .collect();
        assert!(moves.iter().any(|m| matches!(m, Move::Up(_))), "{moves:?}");
        assert!(
            moves.iter().any(|m| matches!(m, Move::Down(_))),
            "{moves:?}"
        );
        assert!(moves.contains(&Move::Unchanged), "{moves:?}");
        let blob = catalog::METERS
            .iter()
            .position(|m| m.code == "blob-lrs-hot")
            .unwrap();
        for m in &months {
            let tiers = &w.month_tiers(*m)[blob].0;
            assert_eq!(tiers.len(), 3, "the tiered meter keeps its tiers in {m:?}");
            assert!(
                tiers.windows(2).all(|t| t[1].1 < t[0].1),
                "each tier still cheaper than the one before in {m:?}: {tiers:?}"
            );
        }
        assert_eq!(
            world(true).month_tiers(months[0]),
            w.month_tiers(months[0]),
            "the same seed gives the same prices"
        );
    }

    #[test]
    fn the_seat_price_moves_by_month_and_a_seat_keeps_its_order_months_price() {
        let months: Vec<Month> =
            world(true).months_until(NaiveDate::from_ymd_opt(2026, 4, 15).unwrap());
        let off = world(false);
        assert!(months
            .iter()
            .all(|m| off.seat_price_in(Currency::Usd, *m) == seat_price(Currency::Usd)));
        let on = world(true);
        let prices: Vec<Decimal> = months
            .iter()
            .map(|m| on.seat_price_in(Currency::Usd, *m))
            .collect();
        assert!(prices.windows(2).any(|w| w[0] != w[1]), "{prices:?}");
        assert!(
            prices.iter().all(|p| p.scale() <= 2),
            "to the cent: {prices:?}"
        );
        let (index, month) = on.mispriced_seat().expect("a seat customer");
        let c = on.customer(index);
        let locked = on.seat_term_price(&c, month);
        assert_eq!(on.seat_billed(&c, month), locked, "the knob is off");
        let knob = world(true).with_mispriced_licence(true);
        assert_eq!(
            knob.seat_billed(&c, month),
            (locked * Decimal::new(110, 2)).round_dp(2)
        );
        assert_eq!(
            knob.seat_billed(&c, month.prev()),
            on.seat_term_price(&c, month.prev()),
            "one month only"
        );
    }
}
