//! The Azure plan's month-true prices of one account: its stored Pricing API consumption
//! sheets and FX rates (`store::pricing`), month by month, under its imported price files,
//! as a [`MonthlyPrices`].
//!
//! # Which months are rated month-true
//! A month with a consumption sheet held is rated with that sheet (imported files still
//! override it by effective date) and, when the month's FX rates are held, that month's
//! rate. A month without a sheet keeps the rate card (see [`super::rate`]), so nothing
//! changes until Discovery (or `cspdesk prices import --kind pricing-sheet`) brings the
//! sheet. Several markets' sheets of one month are read together; if they price a meter
//! differently the month is not rated month-true and says why.

use std::collections::{BTreeMap, BTreeSet};

use cspdesk_rating::price::{
    consumption_entries, within_month, FxRates, Month, MonthlyPrices, PriceBook, PriceEntry,
    SheetRow, SheetView,
};
use cspdesk_store::pricing::{self, StoredSheetRow};
use cspdesk_store::Database;

use crate::ApiError;

/// A month's sheets and FX rates, ready to rate with.
pub(super) struct MonthPrices {
    /// The months' sheets and FX under the imported files.
    pub(super) prices: MonthlyPrices,
    /// Per month (`YYYY-MM`) held: the fingerprints of its sheets and FX rates, so a replaced
    /// sheet rates the month again.
    pub(super) prints: BTreeMap<String, String>,
    /// Months whose sheets cannot be used, and why.
    pub(super) unusable: BTreeMap<String, String>,
}

/// `YYYY-MM` as a [`Month`].
pub(super) fn month_key(text: &str) -> Option<Month> {
    let (y, m) = text.split_once('-')?;
    Some((y.parse().ok()?, m.parse().ok()?))
}

/// A stored row as the rating crate's reader gave it.
pub(super) fn sheet_row(r: StoredSheetRow) -> SheetRow {
    SheetRow {
        line: r.line,
        meter_ids: r.meter_id.into_iter().collect(),
        product_id: r.product_id,
        sku_id: r.sku_id,
        product_title: r.product_title,
        sku_title: r.sku_title,
        unit: r.unit,
        meter_type: r.meter_type,
        market: String::new(),
        currency: r.currency,
        unit_price: r.unit_price,
        tier_min: r.tier_min,
        tier_max: r.tier_max,
        effective_start: r.effective_start,
        effective_end: r.effective_end,
        term: r.term,
        billing_plan: r.billing_plan,
        erp_price: r.erp_price,
    }
}

/// The entries of one stored sheet, cut to its month. A meter whose stored rows do not form
/// a tier table is left out (it was set aside the same way when read).
pub(super) fn sheet_entries(
    db: &Database,
    sheet: &pricing::StoredSheet,
    month: Month,
) -> Result<Vec<PriceEntry>, ApiError> {
    let rows = pricing::sheet_rows(db, sheet.id)?
        .into_iter()
        .map(sheet_row);
    let name = sheet.file_name.as_deref().unwrap_or("the price sheet");
    let (entries, _) = consumption_entries(name, rows);
    Ok(within_month(entries, month))
}

/// Loads the consumption sheets and FX rates of `months` (`YYYY-MM`) for `account_id`, under
/// `imported` (the account's imported price files).
pub(super) fn load(
    db: &Database,
    account_id: &str,
    months: &BTreeSet<String>,
    imported: PriceBook,
) -> Result<MonthPrices, ApiError> {
    let mut out = MonthPrices {
        prices: MonthlyPrices::new(imported),
        prints: BTreeMap::new(),
        unusable: BTreeMap::new(),
    };
    if months.is_empty() {
        return Ok(out);
    }
    let wanted: Vec<String> = months.iter().cloned().collect();
    let fx = pricing::fx_rates(db, account_id, &wanted)?;
    for sheet in pricing::sheets(db, account_id, Some(SheetView::AzureConsumption.as_str()))? {
        let Some(month) = months.get(&sheet.key.month).and_then(|m| month_key(m)) else {
            continue;
        };
        let entries = sheet_entries(db, &sheet, month)?;
        let print = out.prints.entry(sheet.key.month.clone()).or_default();
        print.push_str(&format!("{}:{};", sheet.key.market, sheet.fingerprint));
        if let Err(e) = out.prices.add_sheet(month, entries) {
            out.unusable.insert(
                sheet.key.month.clone(),
                format!(
                    "the {} price sheets of {} disagree: {e}",
                    sheet.key.market, sheet.key.month
                ),
            );
        }
    }
    for (month_text, rates) in fx {
        let Some(month) = month_key(&month_text) else {
            continue;
        };
        if let Some(print) = out.prints.get_mut(&month_text) {
            print.push_str("fx:");
            for (currency, rate) in &rates.usd_per_unit {
                print.push_str(&format!("{currency}={rate},"));
            }
        }
        out.prices.add_fx(
            month,
            FxRates {
                month: month_text.replace('-', ""),
                usd_per_unit: rates.usd_per_unit,
                set_aside: Vec::new(),
            },
        );
    }
    Ok(out)
}

impl MonthPrices {
    /// Whether `period` (`YYYY-MM`) is rated with its month's sheet.
    pub(super) fn month_true(&self, period: &str) -> bool {
        month_key(period).is_some_and(|m| self.prices.has_sheet(m))
    }
}
