//! Azure plan prices month by month (reference §6.3): each month's Pricing API consumption
//! sheet (USD, estimated retail, before partner earned credit) and that month's FX rates, so
//! usage is rated with the prices and the rate of its own month, not with the latest card.
//!
//! # Which price answers
//! For a meter on a day: an imported file's entry in effect that day (partner sheet, price
//! list, Retail Prices; the [`PriceBook`]'s rule: best origin, then the latest start) overrides;
//! otherwise the sheet of the day's calendar month (within it, by its effective dates). No
//! sheet for the month, no price: a month is never priced with another month's sheet. The
//! Partner Center rate card is not here: it prices legacy (0145P) usage only.
//!
//! # FX
//! One rate per billing period: the FX rates of the period's first month, USD to the billing
//! currency, rounded as [`FxRates::usd_to`] writes down (half away from zero, 12 decimals).
//! Partner earned credit comes with each usage record; [`crate::rate::rate`] does the rest
//! (tiers on the month's cumulative quantity, EUP to 6 decimals, totals floored to cents).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::{FxRates, Price, PriceBook, PriceBookError, PriceEntries, PriceEntry, PriceLookup};
use crate::period::BillingPeriod;
use crate::rate::{RateError, RatingTerms};

/// A calendar month.
pub type Month = (i32, u32);

/// Why a period's terms are not known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MonthlyPricesError {
    /// The month's FX rates were not read, or have no rate for the currency.
    #[error("no FX rate from USD to {currency} for {year}-{month:02}; read that month's FX rates")]
    NoFx {
        /// Year.
        year: i32,
        /// Month.
        month: u32,
        /// Billing currency.
        currency: String,
    },
    /// The rate read is not usable.
    #[error(transparent)]
    Rate(#[from] RateError),
}

/// Consumption sheets and FX rates by month, and the imported files that override them.
#[derive(Clone, Debug, Default)]
pub struct MonthlyPrices {
    sheets: BTreeMap<Month, PriceBook>,
    fx: BTreeMap<Month, FxRates>,
    imported: PriceBook,
}

fn month_of(date: NaiveDate) -> Month {
    (date.year(), date.month())
}

/// A month's first and last day; `None` for a month that does not exist.
pub fn month_days((year, month): Month) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    Some((first, next.pred_opt()?))
}

/// The entries of `month`'s sheet as prices of that month only: each entry's effective days
/// cut to the month, and an entry not in effect in the month dropped. Kept in one
/// [`PriceBook`] with other months' sheets (as an imported file is), each month's sheet then
/// answers for its own days only, and two months' sheets never conflict.
pub fn within_month(entries: Vec<PriceEntry>, month: Month) -> Vec<PriceEntry> {
    let Some((first, last)) = month_days(month) else {
        return Vec::new();
    };
    entries
        .into_iter()
        .filter(|e| e.effective_from <= last && e.effective_to.is_none_or(|to| first <= to))
        .map(|mut e| {
            e.effective_from = e.effective_from.max(first);
            e.effective_to = Some(e.effective_to.map_or(last, |to| to.min(last)));
            e
        })
        .collect()
}

impl MonthlyPrices {
    /// No sheet yet; `imported` (the partner's imported price files) overrides every sheet.
    pub fn new(imported: PriceBook) -> Self {
        Self {
            imported,
            ..Self::default()
        }
    }

    /// Adds `entries` of the consumption sheet of `month` (a sheet read in parts adds each).
    pub fn add_sheet(
        &mut self,
        month: Month,
        entries: impl IntoIterator<Item = PriceEntry>,
    ) -> Result<(), PriceBookError> {
        self.sheets.entry(month).or_default().add(entries)
    }

    /// The FX rates of `month` (replacing any read before).
    pub fn add_fx(&mut self, month: Month, rates: FxRates) {
        self.fx.insert(month, rates);
    }

    /// Whether `month` has a sheet (its usage is then rated month-true).
    pub fn has_sheet(&self, month: Month) -> bool {
        self.sheets.get(&month).is_some_and(|b| !b.is_empty())
    }

    /// Whether `month` has FX rates.
    pub fn has_fx(&self, month: Month) -> bool {
        self.fx.contains_key(&month)
    }

    /// Months with a sheet, in order.
    pub fn months(&self) -> impl Iterator<Item = Month> + '_ {
        self.sheets.keys().copied()
    }

    /// What `period` is rated under when billed in `billing_currency`: its first month's FX.
    pub fn terms(
        &self,
        period: BillingPeriod,
        billing_currency: &str,
    ) -> Result<RatingTerms, MonthlyPricesError> {
        let (year, month) = month_of(period.start());
        let no_fx = || MonthlyPricesError::NoFx {
            year,
            month,
            currency: billing_currency.trim().to_ascii_uppercase(),
        };
        let fx = if billing_currency.trim().eq_ignore_ascii_case("USD") {
            crate::rate::Fx::same("USD")
        } else {
            self.fx
                .get(&(year, month))
                .and_then(|r| r.usd_to(billing_currency))
                .ok_or_else(no_fx)??
        };
        Ok(RatingTerms::new(period, fx))
    }
}

impl PriceLookup for MonthlyPrices {
    fn price_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&Price> {
        self.entry_on(meter_id, date, currency).map(|e| &e.price)
    }
}

impl PriceEntries for MonthlyPrices {
    fn entry_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&PriceEntry> {
        if let Some(e) = self.imported.entry_on(meter_id, date, currency) {
            return Some(e);
        }
        self.sheets
            .get(&month_of(date))?
            .entry_on(meter_id, date, currency)
    }
}
