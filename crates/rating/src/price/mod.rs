//! Prices with effective dates, from the four places a partner gets them, and the
//! [`PriceBook`] that answers "what did this meter cost on this day in this currency".
//!
//! | source | reader | tier start | effective |
//! |---|---|---|---|
//! | Partner Center rate card (JSON) | [`parse_rate_card`] / [`RateCard::entries`] | `rates` key (0-based threshold) | `effectiveDate` of the meter and of each offer term |
//! | Azure plan price list (portal CSV) | [`parse_price_list`] | `PricingTierRangeMin` (0-based, or 1-based when the meter's lowest is 1) | `EffectiveStartDate` … `EffectiveEndDate` |
//! | Retail Prices API page (JSON) | [`parse_retail_prices`] + [`retail_entries`] | `tierMinimumUnits` (0-based) | `effectiveStartDate` … `effectiveEndDate` |
//! | Partner price sheet (our CSV) | [`parse_partner_price_sheet`] | `TierStart` (0-based) | `EffectiveFrom` |
//! | Pricing API consumption sheet (CSV, per month) | [`parse_consumption_sheet`] | as the price list; empty = 0 | as the price list, `M/D/YYYY` too |
//!
//! The Pricing API's licence sheet and FX rates are read by [`parse_licence_sheet`] and
//! [`parse_fx_rates`]; its readers set an odd row aside instead of refusing the sheet.
//! [`MonthlyPrices`] holds the consumption sheets and FX rates by month, so Azure plan usage
//! is rated with its own month's prices (imported files still override by effective date).
//!
//! Every reader parses numbers from their text as decimals (never through `f64`) and rejects
//! the first bad row with a [`PriceSheetError`] naming file, line and column. Tier starts are
//! converted to the threshold convention of [`crate::tiers`].

mod book;
mod cell;
mod csv_file;
mod error;
mod group;
mod json_file;
mod monthly;
mod partner_sheet;
mod price_list;
mod pricing_api;
mod rate_card;
mod retail;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::tiers::TierTable;

pub use book::{PriceBook, PriceBookError};
pub use cell::normalize_meter_id;
pub use error::{PriceSheetError, RowAt, SheetErrorKind};
pub use monthly::{month_days, within_month, Month, MonthlyPrices, MonthlyPricesError};
pub use partner_sheet::{parse_partner_price_sheet, PARTNER_SHEET_COLUMNS};
pub use price_list::parse_price_list;
pub use pricing_api::{
    consumption_entries, microsoft_date, parse_consumption_sheet, parse_fx_rates,
    parse_licence_sheet, read_sheet_rows, ConsumptionSheet, FxRates, LicencePrice, LicenceSheet,
    ReadStop, SetAsideRow, SheetItem, SheetRow, SheetView, FX_RATE_DECIMALS,
};
pub use rate_card::{parse_rate_card, OfferTerm, RateCard, RateCardError, RateCardMeter};
pub use retail::{parse_retail_prices, retail_entries, RetailPriceRow, RetailPricesPage};

/// Where a price came from. When two sources price the same meter on the same day, the
/// earlier variant wins: the partner's own sheet is a deliberate override, the Azure plan
/// price list is what Microsoft bills the partner, the rate card is the legacy offer's
/// price and the Retail Prices API is the public list price of last resort.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PriceOrigin {
    /// The partner's own price sheet.
    PartnerSheet,
    /// The Azure plan price list exported from Partner Center.
    PriceList,
    /// The Partner Center Azure rate card.
    RateCard,
    /// The public Azure Retail Prices API.
    RetailPrices,
}

/// A meter's price: its tier table and a discount on every tier price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    /// Graduated tiers and included quantity.
    pub tiers: TierTable,
    /// Fraction taken off every tier price (0 to 1): the rate card's offer terms (overage
    /// discount) for meters they cover; 0 for every other source.
    pub discount: Decimal,
}

impl Price {
    /// A price with no discount.
    pub fn new(tiers: TierTable) -> Self {
        Self {
            tiers,
            discount: Decimal::ZERO,
        }
    }
}

/// A price with the meter, currency and days it applies to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceEntry {
    /// Where it came from.
    pub origin: PriceOrigin,
    /// Meter id in lower case ([`normalize_meter_id`]).
    pub meter_id: String,
    /// Currency of the prices (upper case).
    pub currency: String,
    /// First day the price applies.
    pub effective_from: NaiveDate,
    /// Last day the price applies (inclusive), when the source says; otherwise until a later
    /// entry of the same origin takes over.
    pub effective_to: Option<NaiveDate>,
    /// The price.
    pub price: Price,
}

/// Anything that can price a meter on a day in a currency.
pub trait PriceLookup {
    /// The price of `meter_id` on `date` in `currency`, if known.
    fn price_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&Price>;
}

/// Anything that can tell which entry prices a meter on a day, and so where the price came
/// from (rating records the origin and the list price, the first tier, of every line).
pub trait PriceEntries: PriceLookup {
    /// The entry in effect for `meter_id` on `date` in `currency`, if any.
    fn entry_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&PriceEntry>;
}

/// A single price answers for every meter, day and currency (handy for one meter's series).
impl PriceLookup for Price {
    fn price_on(&self, _meter_id: &str, _date: NaiveDate, _currency: &str) -> Option<&Price> {
        Some(self)
    }
}
