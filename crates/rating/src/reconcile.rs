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
//! - **Key on both sides**: a waterfall that changes one factor at a time from ours to the
//!   invoice's, with `q` quantity, `u` blended list unit price, `f` the share kept after
//!   partner earned credit and `x` the FX rate (ours `o`, invoice `m`):
//!   1. quantity `(q_m − q_o) × u_o × f_o × x_o`: *late usage* if the invoice has less on one
//!      of the period's last days, else *missing usage*;
//!   2. *tier boundary* `q_m × (u_t − u_o) × f_o × x_o`, where `u_t` is our own tier table
//!      priced at the invoice's cumulative position for the day (the plan + meter's invoice
//!      quantities of the earlier days of the period): our price moved only because the
//!      cumulative quantity before the day differs;
//!   3. *price mismatch* `q_m × (u_m − u_t) × f_o × x_o`: Microsoft's list price differs from
//!      ours at the same position (a price we do not have, or a different effective date);
//!   4. *partner earned credit* `q_m × u_m × (f_m − f_o) × x_o`;
//!   5. *FX* `q_m × u_m × f_m × (x_m − x_o)`.
//!
//!   The steps add up to `B_m − B_o`, the two sides' amounts before the floor.
//! - **Rounding**: each cause above is rounded half away from zero to cents, and rounding is
//!   what remains: `difference − unexplained − Σ causes`. That is the two sides' per-line
//!   floors plus the sub-cent remainders of the rounded causes.
//!
//! So `difference = Σ causes + unexplained` exactly, per key and in total.
//!
//! The invoice's `u_m` is derived from `effectiveUnitPrice` (documented as the day's blended
//! price after PEC) divided by `1 − 15 %` on lines flagged with partner earned credit;
//! `unitPrice`, whose blending is not documented, is used only when the flag is absent. The
//! invoice's `x_m` is its `pcToBCExchangeRate`, or ours when absent. Tier positions count only
//! days within the period.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::markup::round_cents;
use crate::period::BillingPeriod;
use crate::price::{normalize_meter_id, PriceLookup};
use crate::rate::{blended_unit_price, floor_cents, RatedLine, PARTNER_EARNED_CREDIT_RATE};

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
    /// `hasPartnerEarnedCredit`, if sent.
    pub partner_earned_credit: Option<bool>,
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
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 7] = [
        Cause::MissingUsage,
        Cause::LateUsage,
        Cause::TierBoundary,
        Cause::PriceMismatch,
        Cause::PartnerEarnedCredit,
        Cause::Fx,
        Cause::Rounding,
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
        }
    }

    fn get_mut(&mut self, cause: Cause) -> &mut Decimal {
        match cause {
            Cause::MissingUsage => &mut self.missing_usage,
            Cause::LateUsage => &mut self.late_usage,
            Cause::TierBoundary => &mut self.tier_boundary,
            Cause::PriceMismatch => &mut self.price_mismatch,
            Cause::PartnerEarnedCredit => &mut self.partner_earned_credit,
            Cause::Fx => &mut self.fx,
            Cause::Rounding => &mut self.rounding,
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

    fn is_zero(&self) -> bool {
        self.iter().all(|(_, a)| a.is_zero())
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
    /// The keys with a difference or an attribution, in key order.
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
    unit_price: Decimal,
    exact: Decimal,
    billed: Decimal,
    fx: Decimal,
    pricing_currency: String,
}

/// The invoice's lines under one key.
#[derive(Default)]
struct Theirs {
    quantity: Decimal,
    /// Σ quantity × list unit price.
    list: Decimal,
    /// Σ quantity × effective unit price.
    net: Decimal,
    /// Σ quantity × effective unit price × FX.
    exact: Decimal,
    billed: Decimal,
    /// Σ FLOOR(effective unit price × quantity × FX, 2).
    recomputed: Decimal,
}

/// A plan + meter's quantity per day, and the quantity before each day.
type Positions = BTreeMap<(String, String), BTreeMap<NaiveDate, (Decimal, Decimal)>>;

fn positions(days: impl Iterator<Item = (String, String, NaiveDate, Decimal)>) -> Positions {
    let mut per: BTreeMap<(String, String), BTreeMap<NaiveDate, Decimal>> = BTreeMap::new();
    for (plan, meter, date, q) in days {
        *per.entry((plan, meter))
            .or_default()
            .entry(date)
            .or_default() += q;
    }
    per.into_iter()
        .map(|(k, days)| {
            let mut before = Decimal::ZERO;
            let with_before = days
                .into_iter()
                .map(|(date, q)| {
                    let entry = (date, (before, q));
                    before += q;
                    entry
                })
                .collect();
            (k, with_before)
        })
        .collect()
}

/// Reconciles `ours` with the invoice's `invoice` lines for one customer and `period`;
/// `prices` re-prices the invoice's tier positions to tell tier effects from price mismatches.
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
        o.unit_price = l.unit_price;
        o.exact += l.billing_amount;
        o.billed += l.billing_pre_tax_total;
        o.fx = l.fx_rate;
        o.pricing_currency.clone_from(&l.pricing_currency);
    }

    let mut their_keys: BTreeMap<MatchKey, Theirs> = BTreeMap::new();
    for l in invoice {
        let t = their_keys
            .entry(key_of(
                &l.subscription_id,
                &l.entitlement_id,
                &l.meter_id,
                l.usage_date,
            ))
            .or_default();
        let net = l.effective_unit_price * l.quantity;
        let list = match (l.partner_earned_credit, l.unit_price) {
            (Some(true), _) => net / (Decimal::ONE - PARTNER_EARNED_CREDIT_RATE),
            (None, Some(u)) if !u.is_zero() => u * l.quantity,
            _ => net,
        };
        let (exact, recomputed) = match l.pc_to_bc_exchange_rate {
            Some(x) => (net * x, floor_cents(net * x)),
            None => (l.billing_pre_tax_total, l.billing_pre_tax_total),
        };
        t.quantity += l.quantity;
        t.list += list;
        t.net += net;
        t.exact += exact;
        t.billed += l.billing_pre_tax_total;
        t.recomputed += recomputed;
    }

    let their_positions = positions(
        invoice
            .iter()
            .filter(|l| period.contains(l.usage_date))
            .map(|l| {
                (
                    l.subscription_id.clone(),
                    normalize_meter_id(&l.meter_id),
                    l.usage_date,
                    l.quantity,
                )
            }),
    );

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
            let (q_o, u_o, x_o) = (o.quantity, o.unit_price, o.fx);
            let f_o = o.kept_quantity / q_o;
            let q_m = m.quantity;
            let u_m = m.list / q_m;
            let f_m = if m.list.is_zero() {
                f_o
            } else {
                m.net / m.list
            };
            let x_m = if m.net.is_zero() {
                x_o
            } else {
                m.exact / m.net
            };
            let u_t = their_positions
                .get(&(key.subscription_id.clone(), key.meter_id.clone()))
                .and_then(|days| days.get(&key.usage_date))
                .and_then(|(before, day_q)| {
                    let price =
                        prices.price_on(&key.meter_id, key.usage_date, &o.pricing_currency)?;
                    (!day_q.is_zero()).then(|| {
                        blended_unit_price(
                            price.tiers.marginal_cost(*before, *day_q),
                            price.discount,
                            *day_q,
                        )
                    })
                })
                .unwrap_or(u_o);
            let quantity_cause = if q_m < q_o && in_late_window {
                Cause::LateUsage
            } else {
                Cause::MissingUsage
            };
            *causes.get_mut(quantity_cause) = round_cents((q_m - q_o) * u_o * f_o * x_o);
            causes.tier_boundary = round_cents(q_m * (u_t - u_o) * f_o * x_o);
            causes.price_mismatch = round_cents(q_m * (u_m - u_t) * f_o * x_o);
            causes.partner_earned_credit = round_cents(q_m * u_m * (f_m - f_o) * x_o);
            causes.fx = round_cents(q_m * u_m * f_m * (x_m - x_o));
        }
        causes.rounding = difference - unexplained - causes.total();
        if !difference.is_zero() || !unexplained.is_zero() || !causes.is_zero() {
            out.push(KeyDifference {
                key: key.clone(),
                ours: o.billed,
                invoice: m.billed,
                difference,
                causes,
                unexplained,
            });
        }
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
