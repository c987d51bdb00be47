//! Reconciliation: our rated lines against the invoice's daily rated usage for one customer
//! and billing period, the difference split into the causes a partner can act on.
//!
//! # Matching
//! Lines are matched on `(subscription_id, entitlement_id, meter_id, usage_date)`: the Azure
//! plan, the Azure subscription, the meter (compared in lower case) and the day. Several lines
//! under one key (one per resource) are added up on each side. A side with no quantity under
//! a key counts as absent there.
//!
//! # Attribution (all amounts in the billing currency, invoice minus ours)
//! - **Unexplained**: on every invoice line, `billingPreTaxTotal − FLOOR(effectiveUnitPrice ×
//!   quantity × pcToBCExchangeRate, 2)`, i.e. what Microsoft's own line does not account for
//!   by its own documented formula. Exact cents.
//! - **Key on one side only**: its whole amount is usage we lack or Microsoft has not billed:
//!   *late usage* when the invoice carries a day before the period (reported after that
//!   period closed and billed now) or when ours is within the period's last
//!   [`LATE_USAGE_DAYS`] days (Microsoft bills usage reported late in the next period);
//!   otherwise *missing usage*.
//! - **Key on both sides**: a waterfall of amounts (before any floor) that changes one factor
//!   at a time from ours to the invoice's. Ours `q_o` units whose lines' `effectiveUnitPrice
//!   × quantity` add up to `N_o`, credit `c_o = 1 − Σ q × (1 − PEC) / q_o` and FX `x_o`; the
//!   invoice's records `r` under the key with `q_r` units:
//!   - `A_0 = N_o × x_o`: ours;
//!   - `A_1 = q_m × (N_o / q_o) × x_o`: the invoice's quantity at our average price;
//!   - `A_2 = Σ_r EUP_t(r) × q_r × x_o`, where `EUP_t(r)` is record `r` priced by our own
//!     tier table at the invoice's positions, with our credit `c_o`, by [`crate::rate`]'s
//!     arithmetic: positions count the plan + meter's invoice records of the period by day
//!     and, within a day, in the order listed; `EUP_t = round(list_cost × (1 − c_o) / q_r,
//!     6)`. When a record has no price of ours, `A_2 = A_1`;
//!   - `A_3 = Σ_r round(u_r × (1 − c_o), 6) × q_r × x_o`, with `u_r` the invoice's list price
//!     per unit (below);
//!   - `A_4 = Σ_r EUP_r × q_r × x_o`: the invoice's effective prices at our FX;
//!   - `A_5 = Σ_r EUP_r × q_r × x_r`: the invoice's amount before the floor.
//!
//!   The causes are the steps: quantity `A_1 − A_0` (*late usage* if the invoice has less on
//!   one of the period's last days, else *missing usage*); *tier boundary* `A_2 − A_1` (our
//!   price moved only because the positions before the records differ); *price mismatch*
//!   `A_3 − A_2` (Microsoft's list price differs from ours at the same positions: a price we
//!   do not have, or a different effective date); *partner earned credit* `A_4 − A_3`; *FX*
//!   `A_5 − A_4`. They add up to `A_5 − A_0`. An invoice that bills exactly what we rated
//!   has the same records at the same positions, so every step is zero.
//! - **Rounding**: each cause above is rounded half away from zero to cents, and rounding is
//!   what remains: `difference − unexplained − Σ causes`. That is the two sides' per-line
//!   floors plus the sub-cent remainders of the rounded causes.
//! - A key whose difference and unexplained amount are both zero has nothing to explain: it
//!   gets no causes and is not listed.
//!
//! So `difference = Σ causes + unexplained` exactly, per key and in total.
//!
//! The invoice's list price `u_r` is derived from `effectiveUnitPrice` (documented as the
//! record's tiered price after PEC) divided by `1 − r`, `r` being the line's own
//! `rateOfPartnerEarnedCredit` (0.15 where the credit applied, 0 where not, which leaves
//! `effectiveUnitPrice` as it is); `unitPrice`, whose rounding is not documented, is used
//! only when a rate of 1 or more leaves nothing to divide back. The invoice's `x_r` is its `pcToBCExchangeRate`; without one, the record's
//! amount is its `billingPreTaxTotal`. Tier positions count only days within the period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::markup::round_cents;
use crate::period::BillingPeriod;
use crate::price::{normalize_meter_id, PriceLookup};
use crate::rate::{effective_unit_price, floor_cents, round_unit_price, RatedLine};

/// Usage on the period's last this many days that the invoice lacks counts as late (billed
/// next period) rather than missing: Microsoft bills usage reported after the close in the
/// next period, and usage arrives up to about 72 hours late.
pub const LATE_USAGE_DAYS: u64 = 3;

/// A daily rated usage line of the invoice (billed or unbilled), as plain data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceUsageLine {
    /// Customer tenant id.
    pub customer_id: String,
    /// Azure plan id.
    pub subscription_id: String,
    /// Azure subscription id.
    pub entitlement_id: String,
    /// Meter id.
    pub meter_id: String,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Units.
    pub quantity: Decimal,
    /// `unitPrice`, if sent.
    pub unit_price: Option<Decimal>,
    /// `effectiveUnitPrice`: the blended price after partner earned credit.
    pub effective_unit_price: Decimal,
    /// `billingPreTaxTotal`.
    pub billing_pre_tax_total: Decimal,
    /// `billingCurrency`.
    pub billing_currency: String,
    /// `pcToBCExchangeRate`, if sent.
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Partner earned credit as a fraction (`rateOfPartnerEarnedCredit`; 0 = none).
    pub partner_earned_credit_rate: Decimal,
}

/// What lines are matched on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchKey {
    /// Azure plan id.
    pub subscription_id: String,
    /// Azure subscription id.
    pub entitlement_id: String,
    /// Meter id, lower case.
    pub meter_id: String,
    /// Usage day.
    pub usage_date: NaiveDate,
}

/// A cause of difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Cause {
    /// Usage one side has and the other lacks.
    MissingUsage,
    /// Usage billed in another period because it was reported late.
    LateUsage,
    /// Our price moved across a tier boundary because the cumulative quantity differs.
    TierBoundary,
    /// A different list price at the same tier position.
    PriceMismatch,
    /// Partner earned credit applied on one side only.
    PartnerEarnedCredit,
    /// A different exchange rate.
    Fx,
    /// Per-line flooring and cent rounding.
    Rounding,
    /// The invoice's line under the key was set aside when read (an essential field
    /// missing): its own cause, not unexplained (see [`crate::set_aside`]).
    SetAside,
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 8] = [
        Cause::MissingUsage,
        Cause::LateUsage,
        Cause::TierBoundary,
        Cause::PriceMismatch,
        Cause::PartnerEarnedCredit,
        Cause::Fx,
        Cause::Rounding,
        Cause::SetAside,
    ];
}

/// An amount per cause.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CauseAmounts {
    /// [`Cause::MissingUsage`].
    pub missing_usage: Decimal,
    /// [`Cause::LateUsage`].
    pub late_usage: Decimal,
    /// [`Cause::TierBoundary`].
    pub tier_boundary: Decimal,
    /// [`Cause::PriceMismatch`].
    pub price_mismatch: Decimal,
    /// [`Cause::PartnerEarnedCredit`].
    pub partner_earned_credit: Decimal,
    /// [`Cause::Fx`].
    pub fx: Decimal,
    /// [`Cause::Rounding`].
    pub rounding: Decimal,
    /// [`Cause::SetAside`].
    #[serde(default)]
    pub set_aside: Decimal,
}

impl CauseAmounts {
    /// The amount of `cause`.
    pub fn get(&self, cause: Cause) -> Decimal {
        match cause {
            Cause::MissingUsage => self.missing_usage,
            Cause::LateUsage => self.late_usage,
            Cause::TierBoundary => self.tier_boundary,
            Cause::PriceMismatch => self.price_mismatch,
            Cause::PartnerEarnedCredit => self.partner_earned_credit,
            Cause::Fx => self.fx,
            Cause::Rounding => self.rounding,
            Cause::SetAside => self.set_aside,
        }
    }

    pub(crate) fn get_mut(&mut self, cause: Cause) -> &mut Decimal {
        match cause {
            Cause::MissingUsage => &mut self.missing_usage,
            Cause::LateUsage => &mut self.late_usage,
            Cause::TierBoundary => &mut self.tier_boundary,
            Cause::PriceMismatch => &mut self.price_mismatch,
            Cause::PartnerEarnedCredit => &mut self.partner_earned_credit,
            Cause::Fx => &mut self.fx,
            Cause::Rounding => &mut self.rounding,
            Cause::SetAside => &mut self.set_aside,
        }
    }

    /// Every cause with its amount, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Cause, Decimal)> + '_ {
        Cause::ALL.into_iter().map(|c| (c, self.get(c)))
    }

    /// Sum over the causes.
    pub fn total(&self) -> Decimal {
        self.iter().map(|(_, a)| a).sum()
    }
}

/// The difference under one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyDifference {
    /// The key.
    pub key: MatchKey,
    /// Our billed amount (sum of our floored lines).
    pub ours: Decimal,
    /// The invoice's billed amount.
    pub invoice: Decimal,
    /// `invoice − ours`.
    pub difference: Decimal,
    /// The difference by cause.
    pub causes: CauseAmounts,
    /// What the invoice's own lines do not account for.
    pub unexplained: Decimal,
}

/// One customer's reconciliation for one period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reconciliation {
    /// Customer tenant id.
    pub customer_id: String,
    /// The period.
    pub period: BillingPeriod,
    /// Billing currency of both sides.
    pub billing_currency: String,
    /// Sum of our billed amounts.
    pub ours_total: Decimal,
    /// Sum of the invoice's billed amounts.
    pub invoice_total: Decimal,
    /// `invoice_total − ours_total` = `causes.total() + unexplained`.
    pub difference: Decimal,
    /// The difference by cause.
    pub causes: CauseAmounts,
    /// What the invoice's own lines do not account for.
    pub unexplained: Decimal,
    /// The keys with a difference or an unexplained amount, in key order.
    pub keys: Vec<KeyDifference>,
}

/// Why two sides cannot be reconciled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReconcileError {
    /// We have no rated lines.
    #[error("there are no rated lines for this customer and period; rate its usage first")]
    NoRatedLines,
    /// The invoice has no usage lines.
    #[error("the invoice has no daily rated usage for this customer and period; run Discovery to read it")]
    NoInvoiceLines,
    /// Lines of more than one customer.
    #[error(
        "lines of customer {found} among those of {expected}; reconcile one customer at a time"
    )]
    Customer {
        /// The customer of our first line.
        expected: String,
        /// Another customer found.
        found: String,
    },
    /// Lines in more than one billing currency.
    #[error("lines billed in {found} among lines billed in {expected}; reconcile one billing currency at a time")]
    Currency {
        /// The currency of our first line.
        expected: String,
        /// Another currency found.
        found: String,
    },
    /// One of our lines is outside the period.
    #[error("our rated line of {date} is outside the period {period}")]
    OutsidePeriod {
        /// Day.
        date: NaiveDate,
        /// The period.
        period: BillingPeriod,
    },
}

/// Our lines under one key.
#[derive(Default)]
struct Ours {
    quantity: Decimal,
    /// Σ quantity × (1 − PEC).
    kept_quantity: Decimal,
    /// Σ effective unit price × quantity (pricing currency).
    net: Decimal,
    billed: Decimal,
    fx: Decimal,
    pricing_currency: String,
}

/// The invoice's lines under one key.
#[derive(Default)]
struct Theirs {
    quantity: Decimal,
    /// Σ quantity × effective unit price.
    net: Decimal,
    /// Σ quantity × effective unit price × FX (the billed amount without an FX rate).
    exact: Decimal,
    billed: Decimal,
    /// Σ FLOOR(effective unit price × quantity × FX, 2).
    recomputed: Decimal,
    /// The records, by index into the invoice's lines.
    records: Vec<usize>,
}

/// The invoice's list price per unit of `l` (see the module docs).
fn invoice_list_price(l: &InvoiceUsageLine) -> Decimal {
    let credit = l.partner_earned_credit_rate;
    if credit > Decimal::ZERO && credit < Decimal::ONE {
        l.effective_unit_price / (Decimal::ONE - credit)
    } else if credit.is_zero() {
        l.effective_unit_price
    } else {
        // A full (or impossible) credit leaves no price to divide back; `unitPrice` is all there is.
        l.unit_price.unwrap_or(l.effective_unit_price)
    }
}

/// Each invoice record's effective unit price by our tier tables at the invoice's own
/// positions, with the credit rate and pricing currency `ours` gives for its key (`None`
/// for a key that is not ours, or a meter we have no price for). Positions are counted per
/// plan + meter over the period's days only, by day, then in the order listed.
fn tier_prices(
    invoice: &[InvoiceUsageLine],
    keys: &[MatchKey],
    period: &BillingPeriod,
    prices: &(impl PriceLookup + ?Sized),
    ours: impl Fn(&MatchKey) -> Option<(Decimal, String)>,
) -> Vec<Option<Decimal>> {
    let mut series: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        if period.contains(key.usage_date) {
            series
                .entry((&key.subscription_id, &key.meter_id))
                .or_default()
                .push(i);
        }
    }
    let mut out = vec![None; invoice.len()];
    for mut records in series.into_values() {
        records.sort_by_key(|&i| keys[i].usage_date); // stable: a day keeps the listed order
        let mut before = Decimal::ZERO;
        for i in records {
            let (key, q) = (&keys[i], invoice[i].quantity);
            if let Some((credit, currency)) = ours(key) {
                out[i] = prices
                    .price_on(&key.meter_id, key.usage_date, &currency)
                    .map(|price| {
                        let list_cost =
                            price.tiers.marginal_cost(before, q) * (Decimal::ONE - price.discount);
                        effective_unit_price(list_cost, q, credit)
                    });
            }
            before += q;
        }
    }
    out
}

/// Reconciles `ours` with the invoice's `invoice` lines (in the order Microsoft lists them)
/// for one customer and `period`; `prices` re-prices the invoice's tier positions to tell
/// tier effects from price mismatches.
pub fn reconcile(
    ours: &[RatedLine],
    invoice: &[InvoiceUsageLine],
    period: &BillingPeriod,
    prices: &(impl PriceLookup + ?Sized),
) -> Result<Reconciliation, ReconcileError> {
    let first = ours.first().ok_or(ReconcileError::NoRatedLines)?;
    if invoice.is_empty() {
        return Err(ReconcileError::NoInvoiceLines);
    }
    let customer = first.customer_id.trim().to_ascii_lowercase();
    let currency = first.billing_currency.trim().to_ascii_uppercase();
    let check = |c: &str, cur: &str| {
        if c.trim().to_ascii_lowercase() != customer {
            return Err(ReconcileError::Customer {
                expected: first.customer_id.clone(),
                found: c.to_string(),
            });
        }
        if cur.trim().to_ascii_uppercase() != currency {
            return Err(ReconcileError::Currency {
                expected: currency.clone(),
                found: cur.to_string(),
            });
        }
        Ok(())
    };
    for l in ours {
        check(&l.customer_id, &l.billing_currency)?;
        if !period.contains(l.usage_date) {
            return Err(ReconcileError::OutsidePeriod {
                date: l.usage_date,
                period: *period,
            });
        }
    }
    for l in invoice {
        check(&l.customer_id, &l.billing_currency)?;
    }

    let key_of = |plan: &str, ent: &str, meter: &str, date| MatchKey {
        subscription_id: plan.to_string(),
        entitlement_id: ent.to_string(),
        meter_id: normalize_meter_id(meter),
        usage_date: date,
    };

    let mut our_keys: BTreeMap<MatchKey, Ours> = BTreeMap::new();
    for l in ours {
        let o = our_keys
            .entry(key_of(
                &l.subscription_id,
                &l.entitlement_id,
                &l.meter_id,
                l.usage_date,
            ))
            .or_default();
        o.quantity += l.quantity;
        o.kept_quantity += l.quantity * (Decimal::ONE - l.partner_earned_credit_rate);
        o.net += l.effective_unit_price * l.quantity;
        o.billed += l.billing_pre_tax_total;
        o.fx = l.fx_rate;
        o.pricing_currency.clone_from(&l.pricing_currency);
    }
    let credit_of = |o: &Ours| Decimal::ONE - o.kept_quantity / o.quantity;

    let invoice_keys: Vec<MatchKey> = invoice
        .iter()
        .map(|l| {
            key_of(
                &l.subscription_id,
                &l.entitlement_id,
                &l.meter_id,
                l.usage_date,
            )
        })
        .collect();
    let mut their_keys: BTreeMap<MatchKey, Theirs> = BTreeMap::new();
    for (i, (l, key)) in invoice.iter().zip(&invoice_keys).enumerate() {
        let t = their_keys.entry(key.clone()).or_default();
        let net = l.effective_unit_price * l.quantity;
        let (exact, recomputed) = match l.pc_to_bc_exchange_rate {
            Some(x) => (net * x, floor_cents(net * x)),
            None => (l.billing_pre_tax_total, l.billing_pre_tax_total),
        };
        t.quantity += l.quantity;
        t.net += net;
        t.exact += exact;
        t.billed += l.billing_pre_tax_total;
        t.recomputed += recomputed;
        t.records.push(i);
    }

    let at_their_positions = tier_prices(invoice, &invoice_keys, period, prices, |key| {
        let o = our_keys.get(key)?;
        (!o.quantity.is_zero()).then(|| (credit_of(o), o.pricing_currency.clone()))
    });

    let late_from = period
        .end()
        .checked_sub_days(Days::new(LATE_USAGE_DAYS - 1))
        .unwrap_or(period.start());
    let keys: BTreeSet<&MatchKey> = our_keys.keys().chain(their_keys.keys()).collect();
    let empty_ours = Ours::default();
    let empty_theirs = Theirs::default();
    let mut out = Vec::new();
    for key in keys {
        let o = our_keys.get(key).unwrap_or(&empty_ours);
        let m = their_keys.get(key).unwrap_or(&empty_theirs);
        let difference = m.billed - o.billed;
        let unexplained = m.billed - m.recomputed;
        if difference.is_zero() && unexplained.is_zero() {
            continue; // nothing to explain
        }
        let mut causes = CauseAmounts::default();
        let in_late_window = key.usage_date >= late_from && key.usage_date <= period.end();
        if o.quantity.is_zero() || m.quantity.is_zero() {
            let cause = if (!m.quantity.is_zero() && key.usage_date < period.start())
                || (!o.quantity.is_zero() && in_late_window)
            {
                Cause::LateUsage
            } else {
                Cause::MissingUsage
            };
            *causes.get_mut(cause) = round_cents(m.recomputed - o.billed);
        } else {
            let (q_o, x_o, credit) = (o.quantity, o.fx, credit_of(o));
            let records = || m.records.iter().map(|&i| (i, &invoice[i]));
            let a0 = o.net * x_o;
            let a1 = m.quantity * o.net * x_o / q_o;
            let a2 = records()
                .map(|(i, l)| at_their_positions[i].map(|eup| eup * l.quantity * x_o))
                .sum::<Option<Decimal>>()
                .unwrap_or(a1);
            let a3: Decimal = records()
                .map(|(_, l)| {
                    round_unit_price(invoice_list_price(l) * (Decimal::ONE - credit))
                        * l.quantity
                        * x_o
                })
                .sum();
            let a4 = m.net * x_o;
            let a5 = m.exact;
            let quantity_cause = if m.quantity < q_o && in_late_window {
                Cause::LateUsage
            } else {
                Cause::MissingUsage
            };
            *causes.get_mut(quantity_cause) = round_cents(a1 - a0);
            causes.tier_boundary = round_cents(a2 - a1);
            causes.price_mismatch = round_cents(a3 - a2);
            causes.partner_earned_credit = round_cents(a4 - a3);
            causes.fx = round_cents(a5 - a4);
        }
        causes.rounding = difference - unexplained - causes.total();
        out.push(KeyDifference {
            key: key.clone(),
            ours: o.billed,
            invoice: m.billed,
            difference,
            causes,
            unexplained,
        });
    }

    let ours_total: Decimal = our_keys.values().map(|o| o.billed).sum();
    let invoice_total: Decimal = their_keys.values().map(|m| m.billed).sum();
    let mut causes = CauseAmounts::default();
    for k in &out {
        for (cause, amount) in k.causes.iter() {
            *causes.get_mut(cause) += amount;
        }
    }
    Ok(Reconciliation {
        customer_id: first.customer_id.clone(),
        period: *period,
        billing_currency: currency,
        ours_total,
        invoice_total,
        difference: invoice_total - ours_total,
        unexplained: out.iter().map(|k| k.unexplained).sum(),
        causes,
        keys: out,
    })
}
