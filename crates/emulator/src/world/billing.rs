//! Invoices and their billing line items, built from rated usage so every invoice total is the
//! sum of its lines by construction. One modern (new commerce, `G…`) invoice per month and
//! billing currency carries Azure plan usage and Microsoft 365 seats; one legacy (`D…`) invoice
//! per month and currency carries MS-AZR-0145P usage rated from the rate card. Some modern
//! invoices are followed by an adjustment note (its own document, `amendsOf` the invoice)
//! that credits a seat removed during the month; a note's total is the sum of its own lines.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use super::catalog::{self, tiered_cost};
use super::rating::{floor2, tier_tables, PlanMonth};
use super::{Currency, Customer, Month, PlanKind, World};

/// Which commerce platform an invoice bills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceKind {
    /// New commerce: `provider=onetime` line items, daily rated usage.
    Modern,
    /// Legacy: `provider=azure` billing line items with offset paging.
    Legacy,
    /// A credit or adjustment note against a modern invoice (`documentType`
    /// `adjustment_note`); its lines are new-commerce billing lines.
    AdjustmentNote,
}

/// An invoice's identity (totals are computed separately, on demand).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceRef {
    /// Invoice id.
    pub id: String,
    /// Platform.
    pub kind: InvoiceKind,
    /// Billing month.
    pub month: Month,
    /// Currency.
    pub currency: Currency,
    /// For a note: the invoice it amends and the customer whose seat it credits.
    pub amends: Option<(String, u32)>,
}

impl InvoiceRef {
    /// The day the document was issued: the 8th for invoices, ten days later for notes.
    pub fn issued(&self) -> NaiveDate {
        match self.kind {
            InvoiceKind::AdjustmentNote => self.month.invoice_date() + chrono::Duration::days(10),
            _ => self.month.invoice_date(),
        }
    }
}

/// What a billing line charges for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineSubject {
    /// Azure plan usage of one meter, split by PEC eligibility.
    AzurePlanUsage {
        /// Meter index.
        meter: usize,
        /// PEC applied on these days.
        pec: bool,
    },
    /// Microsoft 365 seats.
    Seats,
    /// A Microsoft 365 seat removed during the month, credited by an adjustment note.
    SeatCredit,
    /// Legacy 0145P usage of one meter in one Azure subscription.
    LegacyUsage {
        /// Azure subscription index.
        entitlement: u32,
        /// Meter index.
        meter: usize,
    },
}

/// One billing line item.
#[derive(Clone, Debug)]
pub struct BillingLine {
    /// Customer index.
    pub customer: u32,
    /// What it charges.
    pub subject: LineSubject,
    /// Units billed (seats, or consumed units).
    pub quantity: Decimal,
    /// Included (free) units (legacy).
    pub included: Decimal,
    /// Unit price in the pricing currency of the line (USD for Azure plan, billing ccy otherwise).
    pub unit_price: Decimal,
    /// Pre-tax amount in billing currency.
    pub subtotal: Decimal,
    /// First charged day.
    pub charge_start: NaiveDate,
    /// Last charged day.
    pub charge_end: NaiveDate,
}

/// Legacy offer discount from the rate card's `offerTerms` (not for third-party meters).
pub fn legacy_discount() -> Decimal {
    Decimal::new(15, 2)
}

/// Microsoft 365 Business Basic seat price per month, by billing currency (local price list):
/// every month's with the `monthly_prices` knob off (see `price_book` for the moving price).
pub fn seat_price(currency: Currency) -> Decimal {
    match currency {
        Currency::Usd => Decimal::new(600, 2),
        Currency::Eur => Decimal::new(560, 2),
        Currency::Gbp => Decimal::new(490, 2),
    }
}

/// Rate card price of a tier in a billing currency: USD price × the month's FX, 6 decimals.
pub fn local_price(usd: Decimal, fx: Decimal) -> Decimal {
    (usd * fx)
        .round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

impl World {
    /// Invoices issued on or before `today` (the 8th of the month after each billing month),
    /// without their notes.
    pub fn invoices(&self, today: NaiveDate) -> Vec<InvoiceRef> {
        self.documents(today)
            .into_iter()
            .filter(|i| i.amends.is_none())
            .collect()
    }

    /// The notes issued by `today` against invoice `id`.
    pub fn notes_of(&self, id: &str, today: NaiveDate) -> Vec<InvoiceRef> {
        self.documents(today)
            .into_iter()
            .filter(|i| i.amends.as_ref().is_some_and(|(of, _)| of == id))
            .collect()
    }

    /// Invoices and notes issued on or before `today`.
    fn documents(&self, today: NaiveDate) -> Vec<InvoiceRef> {
        // Listing needs a pass over every customer; line-item pages ask on every call, so the
        // answer is kept for the last date asked.
        let mut cache = self.invoice_cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((day, list)) = cache.as_ref() {
            if *day == today {
                return list.clone();
            }
        }
        let list = self.invoices_uncached(today);
        *cache = Some((today, list.clone()));
        list
    }

    fn invoices_uncached(&self, today: NaiveDate) -> Vec<InvoiceRef> {
        let mut out = Vec::new();
        for month in self.months_until(today) {
            if month.invoice_date() > today {
                continue;
            }
            for currency in Currency::ALL {
                let (mut modern, mut legacy) = (false, false);
                // The first customer on the invoice with two seats or more: a note credits
                // one of them (a seat removed mid-month), so its seat line stays positive.
                let mut credited = None;
                for ci in 0..self.customer_count() {
                    let c = self.customer(ci);
                    if c.currency != currency || c.usage_start(self) > month.last_day() {
                        continue;
                    }
                    match c.plan {
                        PlanKind::AzurePlan => {
                            modern = true;
                            if credited.is_none() && c.license_seats >= 2 {
                                credited = Some(ci);
                            }
                        }
                        PlanKind::Legacy => legacy = true,
                    }
                }
                if modern {
                    let id = self.modern_invoice_id(month, currency);
                    out.push(InvoiceRef {
                        id: id.clone(),
                        kind: InvoiceKind::Modern,
                        month,
                        currency,
                        amends: None,
                    });
                    // Every other month and currency has a note, so both cases are served.
                    let noted = (month.month as u64 + currency.ordinal()) % 2 == 1;
                    if let (true, Some(customer)) = (noted, credited) {
                        let note = InvoiceRef {
                            id: self.note_id(month, currency),
                            kind: InvoiceKind::AdjustmentNote,
                            month,
                            currency,
                            amends: Some((id, customer)),
                        };
                        if note.issued() <= today {
                            out.push(note);
                        }
                    }
                }
                if legacy {
                    out.push(InvoiceRef {
                        id: self.legacy_invoice_id(month, currency),
                        kind: InvoiceKind::Legacy,
                        month,
                        currency,
                        amends: None,
                    });
                }
            }
        }
        out
    }

    /// Looks up an invoice or a note by id among those issued by `today`.
    /// Microsoft's links name them `OneTime-{id}` or `Recurring-{id}`; both forms are found.
    pub fn invoice(&self, id: &str, today: NaiveDate) -> Option<InvoiceRef> {
        let id = match id.split_once('-') {
            Some((kind, rest))
                if kind.eq_ignore_ascii_case("onetime")
                    || kind.eq_ignore_ascii_case("recurring") =>
            {
                rest
            }
            _ => id,
        };
        self.documents(today)
            .into_iter()
            .find(|i| i.id.eq_ignore_ascii_case(id))
    }

    /// Whether customer `c` appears on invoice `inv`.
    pub fn on_invoice(&self, c: &Customer, inv: &InvoiceRef) -> bool {
        if let Some((_, credited)) = &inv.amends {
            return c.index == *credited;
        }
        let kind = match c.plan {
            PlanKind::AzurePlan => InvoiceKind::Modern,
            PlanKind::Legacy => InvoiceKind::Legacy,
        };
        kind == inv.kind
            && c.currency == inv.currency
            && c.usage_start(self) <= inv.month.last_day()
    }

    /// Billing lines of one customer on one invoice, in a stable order.
    pub fn billing_lines(&self, c: &Customer, inv: &InvoiceRef) -> Vec<BillingLine> {
        if !self.on_invoice(c, inv) {
            return Vec::new();
        }
        match inv.kind {
            InvoiceKind::Modern => self.modern_lines(c, inv.month, inv.month.last_day()),
            InvoiceKind::Legacy => self.legacy_lines(c, inv.month),
            InvoiceKind::AdjustmentNote => self.note_lines(c, inv.month),
        }
    }

    /// The credit of one seat for the month, at the month's seat price.
    fn note_lines(&self, c: &Customer, month: Month) -> Vec<BillingLine> {
        vec![BillingLine {
            customer: c.index,
            subject: LineSubject::SeatCredit,
            quantity: -Decimal::ONE,
            included: Decimal::ZERO,
            // At the term's price: the one mispriced line is the invoice's, not its credit.
            unit_price: self.seat_term_price(c, month),
            subtotal: -self.seat_term_price(c, month),
            charge_start: month.first_day().max(c.usage_start(self)),
            charge_end: month.last_day(),
        }]
    }

    /// New-commerce lines of `c` for `month`, with usage up to and including `through`
    /// (the month's last day for an invoice, yesterday for unbilled reconciliation).
    pub fn modern_lines(&self, c: &Customer, month: Month, through: NaiveDate) -> Vec<BillingLine> {
        if c.plan != PlanKind::AzurePlan || c.usage_start(self) > month.last_day().min(through) {
            return Vec::new();
        }
        let start = month.first_day().max(c.usage_start(self));
        let mut usage: BTreeMap<(usize, bool), (Decimal, Decimal)> = BTreeMap::new();
        let tiers = self.month_tiers(month);
        for row in PlanMonth::new(self, c.clone(), month, through) {
            let slot = usage.entry((row.meter, row.pec)).or_default();
            slot.0 += row.quantity;
            slot.1 += row.billing_total;
        }
        let mut lines: Vec<BillingLine> = usage
            .into_iter()
            .map(|((meter, pec), (quantity, subtotal))| BillingLine {
                customer: c.index,
                subject: LineSubject::AzurePlanUsage { meter, pec },
                quantity,
                included: Decimal::ZERO,
                unit_price: tiers[meter].0[0].1,
                subtotal,
                charge_start: start,
                charge_end: month.last_day(),
            })
            .collect();
        if c.license_seats > 0 {
            let quantity = Decimal::from(c.license_seats);
            lines.push(BillingLine {
                customer: c.index,
                subject: LineSubject::Seats,
                quantity,
                included: Decimal::ZERO,
                unit_price: self.seat_billed(c, month),
                subtotal: floor2(self.seat_billed(c, month) * quantity),
                charge_start: start,
                charge_end: month.last_day(),
            });
        }
        lines
    }

    fn legacy_lines(&self, c: &Customer, month: Month) -> Vec<BillingLine> {
        let fx = self.fx(c.currency, month);
        let mut lines = Vec::new();
        for ei in 0..c.entitlement_count {
            let e = self.entitlement(c, ei);
            let mut per_meter: BTreeMap<usize, Decimal> = BTreeMap::new();
            for ri in 0..e.resources {
                let r = self.resource(c, &e, ri);
                let mut day = month.first_day().max(c.usage_start(self));
                while day <= month.last_day() {
                    *per_meter.entry(r.meter).or_default() += r.quantity(self, c, &e, day);
                    day = day.succ_opt().expect("date in range");
                }
            }
            for (meter, quantity) in per_meter {
                let (tiers, included) = &tier_tables()[meter];
                let local: Vec<(Decimal, Decimal)> = tiers
                    .iter()
                    .map(|(t, p)| (*t, local_price(*p, fx)))
                    .collect();
                let m = catalog::meter(meter);
                let factor = if m.third_party {
                    Decimal::ONE
                } else {
                    Decimal::ONE - legacy_discount()
                };
                lines.push(BillingLine {
                    customer: c.index,
                    subject: LineSubject::LegacyUsage {
                        entitlement: ei,
                        meter,
                    },
                    quantity,
                    included: *included,
                    unit_price: local[0].1,
                    subtotal: floor2(tiered_cost(&local, *included, quantity) * factor),
                    charge_start: month.first_day().max(c.usage_start(self)),
                    charge_end: month.last_day(),
                });
            }
        }
        lines
    }

    /// Invoice total: the sum of its billing lines (computed, so callers should cache it).
    pub fn invoice_total(&self, inv: &InvoiceRef) -> Decimal {
        (0..self.customer_count())
            .map(|ci| self.customer(ci))
            .filter(|c| self.on_invoice(c, inv))
            .flat_map(|c| self.billing_lines(&c, inv))
            .map(|l| l.subtotal)
            .sum()
    }
}
