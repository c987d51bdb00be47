//! What a new-commerce billing line sells, named the way Microsoft's reconciliation lines name
//! it: one answer for the v1 `OneTimeInvoiceLineItem` and Graph's reconciliation rows, so the
//! two sources describe the same line identically.

use super::day_text;
use super::subscriptions::{AZURE_PLAN_OFFER, SEATS_OFFER};
use crate::world::billing::{BillingLine, LineSubject};
use crate::world::catalog;
use crate::world::{Customer, Month, World};

/// The product side of a billing line.
pub(crate) struct LineProduct<'a> {
    pub product_id: &'static str,
    pub sku_id: &'static str,
    pub availability_id: &'static str,
    pub product_name: &'static str,
    pub sku_name: &'static str,
    pub subscription_id: &'a str,
    pub charge_type: &'static str,
    pub unit_type: &'static str,
    pub term: &'static str,
    /// Partner earned credit applied.
    pub pec: bool,
    pub meter_description: &'static str,
    /// The reference id (the offer).
    pub offer: &'static str,
    /// Licences or seats (billed per unit in the billing currency) rather than Azure usage.
    pub seats: bool,
}

/// Describes `line` of customer `c`.
pub(crate) fn line_product<'a>(c: &'a Customer, line: &BillingLine) -> LineProduct<'a> {
    match &line.subject {
        LineSubject::AzurePlanUsage { meter, pec } => {
            let m = catalog::meter(*meter);
            LineProduct {
                product_id: m.product_id,
                sku_id: "0001",
                availability_id: "DZH318XZXPHL",
                product_name: m.category,
                sku_name: m.name,
                subscription_id: &c.plan_subscription_id,
                charge_type: "usage",
                unit_type: m.unit,
                term: "",
                pec: *pec,
                meter_description: m.name,
                offer: AZURE_PLAN_OFFER,
                seats: false,
            }
        }
        LineSubject::Seats | LineSubject::SeatCredit | LineSubject::LegacyUsage { .. } => {
            LineProduct {
                product_id: "CFQ7TTC0LH18",
                sku_id: "0001",
                availability_id: "CFQ7TTC0LH0R",
                product_name: "Microsoft 365 Business Basic",
                sku_name: "Microsoft 365 Business Basic",
                subscription_id: &c.license_subscription_id,
                charge_type: if matches!(line.subject, LineSubject::SeatCredit) {
                    "removeQuantity"
                } else {
                    "cycleCharge"
                },
                unit_type: "Licenses",
                term: c.seat_term().words(),
                pec: false,
                meter_description: "",
                offer: SEATS_OFFER,
                seats: matches!(line.subject, LineSubject::Seats | LineSubject::SeatCredit),
            }
        }
    }
}

/// The term a line bills, as `OrderDate`, `SubscriptionStartDate` and `SubscriptionEndDate`
/// say it: a seat line's term (its purchase or its last renewal, `World::seat_term_of`); an
/// Azure plan line's subscription, from its creation and without an end.
pub(crate) struct LineTermDates {
    pub order_date: String,
    pub start: String,
    pub end: String,
}

/// The term dates of `line` of customer `c`.
pub(crate) fn line_term(world: &World, c: &Customer, line: &BillingLine) -> LineTermDates {
    match line.subject {
        LineSubject::Seats | LineSubject::SeatCredit => {
            let (start, end) = world.seat_term_of(c, Month::of(line.charge_start));
            LineTermDates {
                order_date: day_text(start),
                start: day_text(start),
                end: day_text(end),
            }
        }
        _ => LineTermDates {
            order_date: day_text(c.created),
            start: day_text(c.created),
            end: "9999-12-31T00:00:00Z".into(),
        },
    }
}
