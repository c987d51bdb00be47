//! New-commerce licence charges checked against Microsoft's licence price sheet
//! (`updatedlicensebased`, reference §6.3) of the month their TERM started: a licence's price
//! is locked for a term at the price of the day it starts (the purchase, or a renewal, which
//! starts a new term at the then-current price), so a charge is compared with the sheet
//! Microsoft published that month, not the latest one (whose prices have moved since) nor
//! the subscription's creation month's (wrong once it renewed).
//!
//! # Dating the term
//! `store::pricing::licence_charges` dates each charge's term by the line's own
//! `SubscriptionStartDate` stepped to the charge (`store::pricing::term_start` gives the
//! reasoning and Microsoft's docs), or, for a line that did not send it, by its
//! subscription's creation. The outcome counts the charges dated each way
//! ([`LicenceCheckDto::dated_by_line`], [`LicenceCheckDto::dated_by_creation`]) and each flag
//! says which rule dated it, so a check resting on the approximation is visible.
//!
//! # Matching
//! A charge (a billed or unbilled reconciliation line whose subscription is a licence with a
//! term) is matched with the sheet rows of its market and term month by product id, SKU id,
//! term duration (`P1M`, `P1Y`...), billing plan (the subscription's billing cycle against
//! the sheet's `BillingPlan`, case aside) and currency; among tiered rows, the one whose
//! `PricingTierRangeMin/Max` holds the quantity. A charge without its term month's sheet, or
//! with no matching row, is counted as not checked.
//!
//! # The rule
//! The line's `unitPrice` (before discounts; `effectiveUnitPrice` carries them) is the term's
//! list price. Licence prices are published and billed to the cent of the market's currency,
//! so both are rounded to 2 decimals (half away from zero, Microsoft's rounding of money) and a
//! charge whose two prices then differ is flagged, with both.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use cspdesk_store::pricing::{self, LicenceCharge, StoredSheetRow, TermDating};
use cspdesk_store::Database;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::rate::accounts_of;
use crate::shared::amount_text::cents as amount_text;
use crate::ApiError;

/// Which sheet a charge is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetChoice {
    /// Its term's start month's: the price locked for its term (the check).
    OrderMonth,
    /// Its subscription's creation month's, whatever the line says: the rule before issue
    /// 16, which tests show misjudges a renewed term.
    SubscriptionCreation,
    /// The latest held of its market: what a check that ignored the lock would do (tests
    /// show it flags lines the order month's sheet explains).
    Latest,
}

/// A licence charge billed away from its term's list price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LicenceFlagDto {
    /// The partner account.
    pub account_id: String,
    /// The customer.
    pub customer_id: String,
    /// Its name.
    pub customer: String,
    /// `invoice G000000001` or `unbilled 2026-11:USD`.
    pub document: String,
    /// The subscription.
    pub subscription_id: String,
    /// Product id.
    pub product_id: String,
    /// SKU id.
    pub sku_id: String,
    /// Product and SKU in words.
    pub product: String,
    /// `cycleCharge`, `new`...
    pub charge_type: String,
    /// When the charge starts (as sent).
    pub charge_start: Option<String>,
    /// Term duration (`P1M`, `P1Y`).
    pub term: String,
    /// Billing plan.
    pub billing_plan: String,
    /// The month its term started, whose sheet prices it (`YYYY-MM`).
    pub term_month: String,
    /// What dated the term.
    pub term_dated_by: TermDatedBy,
    /// Market of that sheet.
    pub market: String,
    /// Currency.
    pub currency: String,
    /// Quantity billed.
    pub quantity: String,
    /// The unit price billed.
    pub billed_unit_price: String,
    /// The term's list price on the sheet.
    pub list_unit_price: String,
    /// Billed minus list, per unit.
    pub difference: String,
}

/// What the check found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LicenceCheckDto {
    /// Charges compared with their term's sheet price.
    pub checked: u32,
    /// Charges without their term month's sheet or a matching row on it.
    pub not_checked: u32,
    /// Charges (checked or not) whose term the line's own dates dated.
    pub dated_by_line: u32,
    /// Charges (checked or not) dated by their subscription's creation, the line having sent
    /// no term dates.
    pub dated_by_creation: u32,
    /// Those billed away from it.
    pub flags: Vec<LicenceFlagDto>,
}

/// What dated a charge's term, as the UI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum TermDatedBy {
    /// The line's own subscription start, stepped to the charge.
    LineTerm,
    /// The subscription's creation: the line sent no term dates.
    SubscriptionCreation,
}

impl From<TermDating> for TermDatedBy {
    fn from(d: TermDating) -> Self {
        match d {
            TermDating::LineTerm => Self::LineTerm,
            TermDating::SubscriptionCreation => Self::SubscriptionCreation,
        }
    }
}

fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// What a sheet row and a charge must share to price it (case aside).
type RowKey = (String, String, String, String, String);

fn row_key(product: &str, sku: &str, term: &str, plan: &str, currency: &str) -> RowKey {
    (
        product.to_ascii_lowercase(),
        sku.to_ascii_lowercase(),
        term.to_ascii_lowercase(),
        plan.to_ascii_lowercase(),
        currency.to_ascii_uppercase(),
    )
}

/// One sheet's rows by what prices a charge, so a charge finds its rows without reading the
/// sheet (a market's licence sheet holds tens of thousands of rows).
#[derive(Default)]
struct SheetIndex {
    rows: HashMap<RowKey, Vec<StoredSheetRow>>,
}

impl SheetIndex {
    fn of(rows: Vec<StoredSheetRow>) -> Self {
        let mut index = Self::default();
        for r in rows {
            let key = row_key(
                &r.product_id,
                &r.sku_id,
                &r.term,
                &r.billing_plan,
                &r.currency,
            );
            index.rows.entry(key).or_default().push(r);
        }
        index
    }

    /// The sheet row pricing `c`, in the sheet's order among those that match.
    fn row_for(&self, c: &LicenceCharge) -> Option<&StoredSheetRow> {
        let quantity = c.quantity.abs();
        let key = row_key(
            &c.product_id,
            &c.sku_id,
            &c.term,
            &c.billing_plan,
            &c.currency,
        );
        // A quantity in no tier's range has no price to compare with: not checked.
        self.rows
            .get(&key)?
            .iter()
            .find(|r| r.tier_min <= quantity && r.tier_max.is_none_or(|max| quantity <= max))
    }
}

/// Checks the licence charges of `account` (name or id; every account when None) whose
/// charge starts in `period` (`YYYY-MM`; every period when None) against `against`.
pub fn check_licences(
    db: &Database,
    account: Option<&str>,
    period: Option<&str>,
    against: SheetChoice,
) -> Result<LicenceCheckDto, ApiError> {
    let mut out = LicenceCheckDto::default();
    let names: HashMap<(String, String), String> = super::rate::customer_names(db)?;
    for acc in accounts_of(db, account)? {
        let sheets = pricing::sheets(db, &acc.id, Some("updatedlicensebased"))?;
        let mut ids: HashMap<(String, String), i64> = HashMap::new();
        let mut latest: HashMap<String, String> = HashMap::new();
        for s in &sheets {
            ids.insert((s.key.market.clone(), s.key.month.clone()), s.id);
            let newest = latest.entry(s.key.market.clone()).or_default();
            if s.key.month > *newest {
                *newest = s.key.month.clone();
            }
        }
        // Each (market, month) sheet's rows, read the first time a charge needs them.
        let mut read: HashMap<(String, String), SheetIndex> = HashMap::new();
        for c in pricing::licence_charges(db, &acc.id, period)? {
            let start_month = c.charge_start.as_deref().map(|d| &d[..d.len().min(7)]);
            if period.is_some_and(|p| start_month != Some(p)) {
                continue;
            }
            match c.dated_by {
                TermDating::LineTerm => out.dated_by_line += 1,
                TermDating::SubscriptionCreation => out.dated_by_creation += 1,
            }
            let month = match against {
                SheetChoice::OrderMonth => c.term_month.clone(),
                SheetChoice::SubscriptionCreation => c.created_month.clone(),
                SheetChoice::Latest => latest.get(&c.market).cloned().unwrap_or_default(),
            };
            let sheet = match read.entry((c.market.clone(), month)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => {
                    let rows = match ids.get(e.key()) {
                        Some(id) => pricing::sheet_rows(db, *id)?,
                        None => Vec::new(),
                    };
                    e.insert(SheetIndex::of(rows))
                }
            };
            let Some(row) = sheet.row_for(&c) else {
                out.not_checked += 1;
                continue;
            };
            out.checked += 1;
            let (billed, list) = (cents(c.unit_price), cents(row.unit_price));
            if billed == list {
                continue;
            }
            out.flags.push(LicenceFlagDto {
                account_id: acc.id.clone(),
                customer: names
                    .get(&(acc.id.clone(), c.customer_id.clone()))
                    .cloned()
                    .or(c.customer_name.clone())
                    .unwrap_or_else(|| c.customer_id.clone()),
                customer_id: c.customer_id,
                document: c.document,
                subscription_id: c.subscription_id,
                product_id: c.product_id,
                sku_id: c.sku_id,
                product: [c.product_name, c.sku_name]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · "),
                charge_type: c.charge_type,
                charge_start: c.charge_start,
                term: c.term,
                billing_plan: c.billing_plan,
                term_month: c.term_month,
                term_dated_by: c.dated_by.into(),
                market: c.market,
                currency: c.currency,
                quantity: c.quantity.normalize().to_string(),
                billed_unit_price: amount_text(c.unit_price),
                list_unit_price: amount_text(row.unit_price),
                difference: amount_text(billed - list),
            });
        }
    }
    Ok(out)
}
