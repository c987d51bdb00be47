//! One customer's rated lines of a period with the four figures a partner compares: **list**
//! (the sheet's list price, first tier, × quantity), **effective** (after tiers, partner
//! earned credit and discounts, before Microsoft's floor), **billed** (what Microsoft bills:
//! the per-record floor) and **resale** (billed marked up with the customer's markups, as
//! Billing and Customers resell), plus savings (list − effective). All in the billing
//! currency, as decimal strings; the CSV export carries the same columns.
//!
//! Rounding: list and effective keep every digit rating gave them (a tier price × quantity ×
//! FX is not a cent amount); billed is Microsoft's floor to the cent and resale is rounded
//! half away from zero to the cent per line, as invoices and Billing round them. Savings
//! (`list − effective`) and markup (`resale − billed`) are exact differences, and every total
//! is the exact sum of the lines' figures, per currency, so `list − savings = effective` and
//! `billed + markup = resale` hold to the last digit. The monthly fee is the customer's, not
//! a line's: it is not in these figures.
//!
//! Here, not in `rating`, because resale needs the customers' markups (`rating` sits below
//! `customers`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use cspdesk_export::{Cell, CsvExport, CsvOptions};
use cspdesk_store::rated::{self, StoredRatedLine};
use cspdesk_store::{accounts, discovered, Database};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::dto::ExportedDto;
use super::export::{finish, to_file};
use crate::customers::resale::line_resale;
use crate::shared::amount_text::{amount, cents as amount_text};
use crate::shared::periods::{parse_period, period_text};
use crate::ApiError;

/// A rated line with its list, effective, billed and resale figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatedLineDto {
    /// Azure plan (or legacy subscription).
    pub subscription_id: String,
    /// Azure subscription.
    pub entitlement_id: String,
    /// Meter id.
    pub meter_id: String,
    /// Meter name.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage day, `YYYY-MM-DD`.
    pub usage_date: String,
    /// Units.
    pub quantity: String,
    /// Billing currency of every figure below.
    pub currency: String,
    /// Where the price came from (`priceList` for Microsoft's sheet, `rateCard`, ...).
    pub price_origin: String,
    /// List price (first tier) × quantity × FX.
    pub list: String,
    /// After tiers, credit and discounts, before Microsoft's floor.
    pub effective: String,
    /// What Microsoft bills (its per-line floor).
    pub billed: String,
    /// Billed marked up with the customer's markups.
    pub resale: String,
    /// `list − effective`.
    pub savings: String,
}

/// One currency's rated lines added up (exact sums of the lines' figures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatedTotalsDto {
    /// Billing currency.
    pub currency: String,
    /// Lines added up.
    pub lines: u32,
    /// List cost.
    pub list: String,
    /// Effective cost.
    pub effective: String,
    /// Billed cost.
    pub billed: String,
    /// Resale.
    pub resale: String,
    /// `list − effective`: what partner earned credit, tiers and discounts save.
    pub savings: String,
    /// `resale − billed`: what the markups add.
    pub markup: String,
}

/// A customer's rated usage of a period: its lines and their totals per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatedUsageDto {
    /// `YYYY-MM`.
    pub period: String,
    /// The lines, by subscription, Azure subscription, meter and day.
    pub lines: Vec<RatedLineDto>,
    /// Per currency, in code order.
    pub totals: Vec<RatedTotalsDto>,
}

/// [`rated_lines`] with their totals per currency.
pub fn rated_usage(
    db: &Database,
    account: &str,
    customer_id: &str,
    period: &str,
) -> Result<RatedUsageDto, ApiError> {
    let lines = rated_lines(db, account, customer_id, period)?;
    Ok(RatedUsageDto {
        period: period_text(&parse_period(period)?),
        totals: totals(&lines),
        lines,
    })
}

/// Exact sums per currency of `lines`' figures.
pub fn totals(lines: &[RatedLineDto]) -> Vec<RatedTotalsDto> {
    #[derive(Default)]
    struct Sums {
        lines: u32,
        list: Decimal,
        effective: Decimal,
        billed: Decimal,
        resale: Decimal,
    }
    let mut by: BTreeMap<&str, Sums> = BTreeMap::new();
    for l in lines {
        let s = by.entry(&l.currency).or_default();
        s.lines += 1;
        s.list += amount(&l.list);
        s.effective += amount(&l.effective);
        s.billed += amount(&l.billed);
        s.resale += amount(&l.resale);
    }
    by.into_iter()
        .map(|(currency, s)| RatedTotalsDto {
            currency: currency.to_string(),
            lines: s.lines,
            list: amount_text(s.list),
            effective: amount_text(s.effective),
            billed: amount_text(s.billed),
            resale: amount_text(s.resale),
            savings: amount_text(s.list - s.effective),
            markup: amount_text(s.resale - s.billed),
        })
        .collect()
}

/// A rated line's key in an export request: `subscription/entitlement/meter/day`, what makes
/// it one line of its customer-period.
pub fn line_key(l: &RatedLineDto) -> String {
    format!(
        "{}/{}/{}/{}",
        l.subscription_id, l.entitlement_id, l.meter_id, l.usage_date
    )
}

/// `rows` as the user sees them: those of `keys`, in that order; all of them without keys.
fn in_view(rows: Vec<RatedLineDto>, keys: Option<&[String]>) -> Vec<RatedLineDto> {
    let Some(keys) = keys else { return rows };
    let mut by_key: HashMap<String, RatedLineDto> =
        rows.into_iter().map(|r| (line_key(&r), r)).collect();
    keys.iter().filter_map(|k| by_key.remove(k)).collect()
}

/// The rated lines of `customer_id` of `account` (name or id) in `period` (`YYYY-MM`).
pub fn rated_lines(
    db: &Database,
    account: &str,
    customer_id: &str,
    period: &str,
) -> Result<Vec<RatedLineDto>, ApiError> {
    let billing_period = parse_period(period)?;
    let key = period_text(&billing_period);
    let account = accounts::find(db, account)?;
    let organization = discovered::customers(db)?
        .into_iter()
        .find(|c| c.account_id == account.id && c.id == customer_id)
        .and_then(|c| c.organization_id);
    let lines = rated::lines(db, &account.id, &key, Some(customer_id))?;
    let resale = line_resale(
        db,
        &lines,
        &account.id,
        customer_id,
        organization.as_deref(),
        &billing_period,
    )?;
    Ok(lines.iter().zip(resale).map(|(l, r)| dto(l, r)).collect())
}

fn dto(l: &StoredRatedLine, resale: rust_decimal::Decimal) -> RatedLineDto {
    let (list, effective) = (l.list_cost.amount(), l.effective_cost.amount());
    RatedLineDto {
        subscription_id: l.subscription_id.clone(),
        entitlement_id: l.entitlement_id.clone(),
        meter_id: l.meter_id.clone(),
        meter_name: l.meter_name.clone(),
        meter_category: l.meter_category.clone(),
        usage_date: l.usage_date.to_string(),
        quantity: l.quantity.normalize().to_string(),
        currency: l.billing_currency.clone(),
        price_origin: l.price_origin.clone(),
        list: amount_text(list),
        effective: amount_text(effective),
        billed: amount_text(l.billing_pre_tax_total.amount()),
        resale: amount_text(resale),
        savings: amount_text(list - effective),
    }
}

/// [`rated_lines`] into a CSV file at `path`: those of `keys` in their order (the lines in
/// view, see [`line_key`]), or all of them.
pub fn export_rated_lines(
    db: &Database,
    account: &str,
    customer_id: &str,
    period: &str,
    keys: Option<&[String]>,
    path: &Path,
    options: CsvOptions,
) -> Result<ExportedDto, ApiError> {
    let rows = in_view(rated_lines(db, account, customer_id, period)?, keys);
    to_file(path, |out| {
        let mut csv = CsvExport::new(
            out,
            options,
            &[
                "UsageDate",
                "SubscriptionId",
                "EntitlementId",
                "MeterId",
                "MeterName",
                "MeterCategory",
                "Quantity",
                "Currency",
                "PriceOrigin",
                "ListCost",
                "EffectiveCost",
                "BilledCost",
                "Resale",
                "Savings",
            ],
        )?;
        for r in &rows {
            csv.row(&[
                Cell::Text(&r.usage_date),
                Cell::Text(&r.subscription_id),
                Cell::Text(&r.entitlement_id),
                Cell::Text(&r.meter_id),
                r.meter_name.as_deref().map_or(Cell::Empty, Cell::Text),
                r.meter_category.as_deref().map_or(Cell::Empty, Cell::Text),
                Cell::Number(&r.quantity),
                Cell::Text(&r.currency),
                Cell::Text(&r.price_origin),
                Cell::Number(&r.list),
                Cell::Number(&r.effective),
                Cell::Number(&r.billed),
                Cell::Number(&r.resale),
                Cell::Number(&r.savings),
            ])?;
        }
        finish(csv)
    })
}
