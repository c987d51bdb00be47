//! Rates Azure plan usage the way Microsoft documents it: graduated tiers on the cumulative
//! monthly quantity per Azure plan and meter (included quantity first), 15% PEC on eligible
//! resource-days, the month's FX rate, and `BillingPreTaxTotal = FLOOR(EUP × Quantity × FX, 2)`.
//! This is the emulator's own arithmetic; it deliberately shares nothing with the app's rating.

use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::catalog::{self, meter_count};
use super::{Customer, Entitlement, Month, PlanKind, Resource, World};

/// PEC rate on eligible usage.
pub fn pec_rate() -> Decimal {
    Decimal::new(15, 2)
}

/// Floors to 2 decimals (Microsoft's per-line rounding).
pub fn floor2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity)
}

/// A meter's graduated tiers (threshold, USD price) and its included quantity.
pub type TierTable = (Vec<(Decimal, Decimal)>, Decimal);

/// Parsed tier tables and included quantities, per meter index.
pub fn tier_tables() -> &'static Vec<TierTable> {
    static TABLES: OnceLock<Vec<TierTable>> = OnceLock::new();
    TABLES.get_or_init(|| {
        (0..meter_count())
            .map(|i| {
                (
                    catalog::meter(i).tier_table(),
                    catalog::meter(i).included_quantity(),
                )
            })
            .collect()
    })
}

/// Position of a usage row in the partner-wide order (customer, day, Azure subscription, resource).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowKey {
    /// Customer index.
    pub customer: u32,
    /// Usage date.
    pub day: NaiveDate,
    /// Azure subscription index.
    pub entitlement: u32,
    /// Resource index.
    pub resource: u32,
}

/// One rated daily usage row.
#[derive(Clone, Debug)]
pub struct RatedRow {
    /// Position.
    pub key: RowKey,
    /// Meter index.
    pub meter: usize,
    /// Quantity consumed that day.
    pub quantity: Decimal,
    /// List (first-tier) unit price in USD of the row's month.
    pub unit_price: Decimal,
    /// Blended unit price after tiers and PEC, 6 decimals, USD.
    pub effective_unit_price: Decimal,
    /// PEC applied.
    pub pec: bool,
    /// USD -> billing currency rate of the month.
    pub fx: Decimal,
    /// FLOOR(EUP × Quantity × FX, 2), billing currency.
    pub billing_total: Decimal,
    /// FLOOR(EUP × Quantity, 2), USD.
    pub pricing_total: Decimal,
}

/// Rated rows of one Azure plan customer for one month, in [`RowKey`] order.
pub struct PlanMonth<'w> {
    world: &'w World,
    /// The customer.
    pub customer: Customer,
    /// Its Azure subscriptions.
    pub entitlements: Vec<Entitlement>,
    /// Their resources.
    pub resources: Vec<Vec<Resource>>,
    cumulative: Vec<Decimal>,
    /// The month's tier tables (its price sheet, see `price_book`).
    tiers: Vec<TierTable>,
    fx: Decimal,
    day: NaiveDate,
    last: NaiveDate,
    ent: usize,
    res: usize,
}

impl<'w> PlanMonth<'w> {
    /// Rows of `customer` in `month` up to and including `through`. Legacy customers yield nothing.
    pub fn new(
        world: &'w World,
        customer: Customer,
        month: Month,
        through: NaiveDate,
    ) -> PlanMonth<'w> {
        let entitlements: Vec<Entitlement> = if customer.plan == PlanKind::AzurePlan {
            (0..customer.entitlement_count)
                .map(|i| world.entitlement(&customer, i))
                .collect()
        } else {
            Vec::new()
        };
        let resources = entitlements
            .iter()
            .map(|e| {
                (0..e.resources)
                    .map(|r| world.resource(&customer, e, r))
                    .collect()
            })
            .collect();
        let day = month.first_day().max(customer.usage_start(world));
        let last = month.last_day().min(through);
        let fx = world.fx(customer.currency, month);
        PlanMonth {
            world,
            customer,
            entitlements,
            resources,
            cumulative: vec![Decimal::ZERO; meter_count()],
            tiers: world.month_tiers(month),
            fx,
            day,
            last,
            ent: 0,
            res: 0,
        }
    }

    /// Cumulative monthly quantity per meter of the rows produced so far.
    pub fn cumulative(&self) -> &[Decimal] {
        &self.cumulative
    }

    /// Continues at `key` with the cumulative quantities the month had reached before it, so a
    /// page can resume without re-rating the month's earlier rows.
    pub fn resume_at(&mut self, key: RowKey, cumulative: Vec<Decimal>) {
        if cumulative.len() == self.cumulative.len() && key.day >= self.day {
            self.day = key.day;
            self.ent = key.entitlement as usize;
            self.res = key.resource as usize;
            self.cumulative = cumulative;
        }
    }

    fn advance(&mut self) {
        self.res += 1;
        while self.ent < self.entitlements.len() && self.res >= self.resources[self.ent].len() {
            self.res = 0;
            self.ent += 1;
        }
        if self.ent >= self.entitlements.len() {
            self.ent = 0;
            self.res = 0;
            self.day = self.day.succ_opt().unwrap_or(NaiveDate::MAX);
        }
    }
}

impl Iterator for PlanMonth<'_> {
    type Item = RatedRow;

    fn next(&mut self) -> Option<RatedRow> {
        while self.day <= self.last && !self.entitlements.is_empty() {
            if self.ent >= self.entitlements.len() || self.res >= self.resources[self.ent].len() {
                // Only reachable for an Azure subscription with no resources.
                self.advance();
                continue;
            }
            let e = &self.entitlements[self.ent];
            let r = &self.resources[self.ent][self.res];
            let key = RowKey {
                customer: self.customer.index,
                day: self.day,
                entitlement: e.index,
                resource: r.index,
            };
            let quantity = r.quantity(self.world, &self.customer, e, self.day);
            let (tiers, included) = &self.tiers[r.meter];
            let before = self.cumulative[r.meter];
            let after = before + quantity;
            self.cumulative[r.meter] = after;
            let cost = catalog::tiered_cost(tiers, *included, after)
                - catalog::tiered_cost(tiers, *included, before);
            let m = catalog::meter(r.meter);
            let pec = m.pec_eligible() && e.pec_on(self.day);
            let discount = if pec {
                Decimal::ONE - pec_rate()
            } else {
                Decimal::ONE
            };
            let effective_unit_price = (cost / quantity * discount)
                .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
                .normalize();
            let row = RatedRow {
                key,
                meter: r.meter,
                quantity,
                unit_price: tiers[0].1,
                effective_unit_price,
                pec,
                fx: self.fx,
                billing_total: floor2(effective_unit_price * quantity * self.fx),
                pricing_total: floor2(effective_unit_price * quantity),
            };
            self.advance();
            return Some(row);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Preset;

    #[test]
    fn every_row_follows_the_floor_formula_and_cumulative_tiers_never_raise_the_price() {
        let world = World::new(Preset::S, 3, NaiveDate::from_ymd_opt(2026, 4, 15).unwrap());
        let month = Month::of(world.epoch);
        let rows: Vec<RatedRow> =
            PlanMonth::new(&world, world.customer(0), month, month.last_day()).collect();
        assert!(
            !rows.is_empty(),
            "customer 0 is an Azure plan customer with usage every day"
        );
        for r in &rows {
            assert_eq!(
                r.billing_total,
                floor2(r.effective_unit_price * r.quantity * r.fx),
                "formula of §7.2 for {:?}",
                r.key
            );
            assert!(
                r.effective_unit_price <= r.unit_price,
                "tiers, included units and PEC only lower the price: {:?}",
                r.key
            );
        }
        let keys: Vec<RowKey> = rows.iter().map(|r| r.key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(
            keys, sorted,
            "rows come in seek order so continuation tokens can resume"
        );
    }
}
