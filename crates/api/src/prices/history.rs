//! A meter's unit price month by month, each tier apart, converted into the account's billing
//! currencies at each month's FX rate the way rating takes it; and the months' FX rates.
//!
//! # Which row is a month's price
//! A month's sheet may list a tier more than once (a price that changes within the month,
//! with effective dates). The month's price of a tier is the row in force on the month's last
//! day, else the one starting latest: the price the month ends with. The change is against
//! the same market and tier in the previous month held (a month without a sheet is skipped).
//!
//! # Conversion
//! The rate is rating's: `1 / USDPerUnit` rounded half away from zero to 12 decimals
//! ([`FxRates::usd_to`]); the converted price is the USD price times that rate, shown to 6
//! decimals (half away from zero), the precision of Microsoft's unit prices.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use cspdesk_rating::price::{FxRates, SheetView};
use cspdesk_store::pricing::{self, MeterMonthRow};
use cspdesk_store::{accounts, Database};
use rust_decimal::{Decimal, RoundingStrategy};

use super::dto::{
    ConvertedPriceDto, FxMonthDto, FxRateDto, FxTableDto, MeterHistoryDto, MeterPriceDto,
};
use crate::{ApiError, ErrorCode};

/// Decimals a converted price is shown with.
pub const CONVERTED_DECIMALS: u32 = 6;

/// The last day of `month` (`YYYY-MM`).
fn month_end(month: &str) -> Option<NaiveDate> {
    let (y, m) = month.split_once('-')?;
    let first = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)?
    };
    next.pred_opt()
}

/// The rows that price each (month, market, tier): see the module docs.
fn month_prices(rows: Vec<MeterMonthRow>) -> Vec<MeterMonthRow> {
    let mut chosen: BTreeMap<(String, String, Decimal), MeterMonthRow> = BTreeMap::new();
    for m in rows {
        let key = (m.month.clone(), m.market.clone(), m.row.tier_min);
        let in_force = |x: &MeterMonthRow| {
            month_end(&x.month).is_some_and(|end| {
                x.row.effective_start <= end && x.row.effective_end.is_none_or(|e| e >= end)
            })
        };
        let better = match chosen.get(&key) {
            None => true,
            Some(held) => {
                (in_force(&m), m.row.effective_start) > (in_force(held), held.row.effective_start)
            }
        };
        if better {
            chosen.insert(key, m);
        }
    }
    chosen.into_values().collect()
}

fn usd_rate(fx: Option<&FxRates>, currency: &str) -> Option<Decimal> {
    if currency.eq_ignore_ascii_case("USD") {
        return Some(Decimal::ONE);
    }
    fx?.usd_to(currency)?.ok().map(|f| f.rate)
}

fn fx_of(month: &str, usd_per_unit: BTreeMap<String, Decimal>) -> FxRates {
    FxRates {
        month: month.replace('-', ""),
        usd_per_unit,
        set_aside: Vec::new(),
    }
}

/// Meter `meter_id`'s prices in the account's `view` sheets (Azure plan consumption when
/// `None`), month by month, each converted into the account's billing currencies.
pub fn meter_history(
    db: &Database,
    account: &str,
    view: Option<&str>,
    meter_id: &str,
) -> Result<MeterHistoryDto, ApiError> {
    let account = accounts::find(db, account)?;
    let view = view.unwrap_or(SheetView::AzureConsumption.as_str());
    let meter = meter_id.trim().to_ascii_lowercase();
    let rows = pricing::meter_rows(db, &account.id, view, &meter)?;
    let Some(newest) = rows.last().map(|m| m.row.clone()) else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("No {view} price sheet held lists the meter {meter}: check the meter id"),
            Some("meterId"),
        ));
    };
    let currencies = pricing::billing_currencies(db, &account.id)?;
    let months: Vec<String> = rows
        .iter()
        .map(|m| m.month.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let fx: BTreeMap<String, FxRates> = pricing::fx_rates(db, &account.id, &months)?
        .into_iter()
        .map(|(month, rates)| {
            let fx = fx_of(&month, rates.usd_per_unit);
            (month, fx)
        })
        .collect();
    let mut previous: BTreeMap<(String, Decimal), Decimal> = BTreeMap::new();
    let mut prices = Vec::new();
    for m in month_prices(rows) {
        let price = m.row.unit_price;
        let tier = (m.market.clone(), m.row.tier_min);
        let change_percent = previous
            .insert(tier, price)
            .filter(|p| !p.is_zero())
            .map(|p| {
                ((price - p) / p * Decimal::ONE_HUNDRED)
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
                    .to_string()
            });
        let converted = currencies
            .iter()
            .map(|c| {
                let rate = usd_rate(fx.get(&m.month), c);
                ConvertedPriceDto {
                    currency: c.clone(),
                    rate: rate.map(|r| r.normalize().to_string()),
                    price: rate.map(|r| {
                        (price * r)
                            .round_dp_with_strategy(
                                CONVERTED_DECIMALS,
                                RoundingStrategy::MidpointAwayFromZero,
                            )
                            .normalize()
                            .to_string()
                    }),
                }
            })
            .collect();
        prices.push(MeterPriceDto {
            month: m.month,
            market: m.market,
            tier_min: m.row.tier_min.normalize().to_string(),
            tier_max: m.row.tier_max.map(|d| d.normalize().to_string()),
            unit_price: price.to_string(),
            currency: m.row.currency,
            change_percent,
            converted,
        });
    }
    Ok(MeterHistoryDto {
        meter_id: meter,
        product: newest.product_title,
        sku: newest.sku_title,
        unit: newest.unit,
        currencies,
        prices,
    })
}

/// The account's FX rates, newest month first, each month marked when rating uses it.
pub fn fx_table(db: &Database, account: &str) -> Result<FxTableDto, ApiError> {
    let account = accounts::find(db, account)?;
    let usage: BTreeSet<String> = pricing::usage_months(db, &account.id)?
        .into_iter()
        .collect();
    let sheet_months: BTreeSet<String> =
        pricing::sheets(db, &account.id, Some(SheetView::AzureConsumption.as_str()))?
            .into_iter()
            .map(|s| s.key.month)
            .collect();
    let mut currencies = BTreeSet::new();
    let mut months = Vec::new();
    for (month, held) in pricing::fx_rates(db, &account.id, &[])?.into_iter().rev() {
        let fx = fx_of(&month, held.usd_per_unit.clone());
        let rates = held
            .usd_per_unit
            .iter()
            .map(|(currency, per_unit)| {
                currencies.insert(currency.clone());
                FxRateDto {
                    currency: currency.clone(),
                    usd_per_unit: per_unit.to_string(),
                    per_usd: usd_rate(Some(&fx), currency)
                        .map(|r| r.normalize().to_string())
                        .unwrap_or_default(),
                }
            })
            .collect();
        months.push(FxMonthDto {
            rated: usage.contains(&month) && sheet_months.contains(&month),
            month,
            read_at: held.read_at,
            rates,
        });
    }
    Ok(FxTableDto {
        billing: pricing::billing_currencies(db, &account.id)?,
        currencies: currencies.into_iter().collect(),
        months,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_ends_on_its_last_day() {
        assert_eq!(month_end("2026-02"), NaiveDate::from_ymd_opt(2026, 2, 28));
        assert_eq!(month_end("2026-12"), NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(month_end("2026-13"), None);
    }
}
