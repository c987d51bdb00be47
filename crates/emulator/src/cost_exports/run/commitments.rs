//! Reservations and savings plans some customers hold, as cost rows: one Purchase row on the
//! 1st (actual cost), or each day's share split into the part usage consumed and the part
//! left unused (amortized cost).

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::columns::{us_date, CustomerMonth};
use super::{Dataset, RunRequest};
use crate::entropy::{fnv, tag, Draw};
use crate::world::exchange::rate_date;
use crate::world::rating::floor2;
use crate::world::{Customer, World};

/// A commitment (reservation or savings plan) some customers hold.
pub(super) struct Commitment {
    id: String,
    name: String,
    model: &'static str,
    /// chargeType of the amortized rows no usage consumed.
    unused_charge: &'static str,
    monthly_usd: Decimal,
}

/// Share of a commitment's day that usage consumed: fully used on most days, 55-99% on the
/// others (a stopped VM, a scale-in), drawn per customer and day.
fn utilization(world: &World, c: &Customer, day: NaiveDate) -> Decimal {
    let mut d = Draw::new(
        world.seed,
        &[
            tag::CUSTOMER,
            c.index as u64,
            fnv("commitment-utilization"),
            day.num_days_from_ce() as u64,
        ],
    );
    if d.chance(600) {
        Decimal::ONE
    } else {
        Decimal::new(d.between(55, 99) as i64, 2)
    }
}

/// The commitment `c` holds, if any (one customer in ten holds each kind, by index).
pub(super) fn commitment_of(world: &World, c: &Customer) -> Option<Commitment> {
    let mut d = Draw::new(
        world.seed,
        &[tag::CUSTOMER, c.index as u64, fnv("commitment")],
    );
    match c.index % 10 {
        0 | 5 => Some(Commitment {
            id: d.guid(),
            name: format!("VM_RI_{:02}", c.index % 100),
            model: "Reservation",
            unused_charge: "UnusedReservation",
            monthly_usd: Decimal::new(4161, 2),
        }),
        3 => Some(Commitment {
            id: d.guid(),
            name: format!("SP_Compute_{:02}", c.index % 100),
            model: "SavingsPlan",
            unused_charge: "UnusedSavingsPlan",
            monthly_usd: Decimal::new(7300, 2),
        }),
        _ => None,
    }
}

/// One cost row of a commitment.
#[derive(Clone, Copy)]
pub(super) struct CommitmentRow {
    /// Its day.
    pub(super) date: NaiveDate,
    /// Share of the day's (or the month's) commitment.
    share: Decimal,
    /// Cost in billing currency.
    pub(super) cost: Decimal,
    /// chargeType.
    charge: &'static str,
    /// frequency.
    frequency: &'static str,
}

/// The rows of commitment `cm` in the month of `at` that the run's dataset and period hold.
pub(super) fn commitment_rows(
    world: &World,
    req: &RunRequest,
    cm: &Commitment,
    at: &CustomerMonth<'_>,
) -> Vec<CommitmentRow> {
    let (c, month, fx) = (at.customer, at.month, at.fx);
    let row = |date, share, cost, charge, frequency| CommitmentRow {
        date,
        share,
        cost,
        charge,
        frequency,
    };
    let start = month.first_day().max(req.from).max(c.usage_start(world));
    let end = month.last_day().min(req.to);
    let days_in_month = Decimal::from(month.last_day().day());
    let monthly = floor2(cm.monthly_usd * fx);
    match req.dataset {
        Dataset::ActualCost if start == month.first_day() && start <= end => {
            vec![row(start, Decimal::ONE, monthly, "Purchase", "Recurring")]
        }
        Dataset::ActualCost => vec![],
        Dataset::AmortizedCost => {
            // Each day's share of the commitment: the part usage consumed is a
            // Usage row, the rest an UnusedReservation / UnusedSavingsPlan row
            // (reference §10.2), so a day's rows still add up to its share.
            let daily = floor2(monthly / days_in_month);
            let mut v = Vec::new();
            let mut d = start;
            while d <= end {
                let used = utilization(world, c, d);
                let used_cost = floor2(daily * used);
                v.push(row(d, used, used_cost, "Usage", "UsageBased"));
                if used_cost < daily {
                    v.push(row(
                        d,
                        Decimal::ONE - used,
                        daily - used_cost,
                        cm.unused_charge,
                        "UsageBased",
                    ));
                }
                d = d.succ_opt().expect("date");
            }
            v
        }
    }
}

/// The columns of `row` after [`CustomerMonth::leading`].
pub(super) fn commitment_columns(
    at: &CustomerMonth<'_>,
    cm: &Commitment,
    row: &CommitmentRow,
) -> [String; 50] {
    let (c, month, fx, region, location) = (at.customer, at.month, at.fx, at.region, at.location);
    let CommitmentRow {
        share,
        cost,
        charge,
        frequency,
        ..
    } = *row;
    let (family, category, order_name) = if cm.model == "Reservation" {
        (
            "Compute",
            "Virtual Machines",
            format!("Reserved VM Instance, Standard_D2s_v3, {region}, 1 Year"),
        )
    } else {
        (
            "Compute",
            "Savings Plan",
            "Compute Savings Plan, 1 Year".to_string(),
        )
    };
    [
        family.to_string(),
        cm.id.clone(),
        order_name.clone(),
        "Microsoft.Capacity".into(),
        String::new(),
        cm.name.clone(),
        category.to_string(),
        String::new(),
        region.to_string(),
        String::new(),
        order_name,
        String::new(),
        String::new(),
        "Azure".into(),
        String::new(),
        "Microsoft".into(),
        String::new(),
        String::new(),
        location.to_string(),
        location.to_string(),
        cost.to_string(),
        share.normalize().to_string(),
        "1 Month".into(),
        charge.to_string(),
        c.currency.code().to_string(),
        "USD".into(),
        cost.to_string(),
        floor2(cm.monthly_usd).to_string(),
        floor2(cm.monthly_usd).to_string(),
        cost.to_string(),
        floor2(cm.monthly_usd).to_string(),
        fx.normalize().to_string(),
        us_date(rate_date(month)),
        "TRUE".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        "0".into(),
        "False".into(),
        cm.monthly_usd.to_string(),
        frequency.to_string(),
        "12".into(),
        cm.id.clone(),
        cm.name.clone(),
        cm.model.to_string(),
        cm.monthly_usd.to_string(),
        cm.id.clone(),
        cm.name.clone(),
        "Azure".into(),
    ]
}
