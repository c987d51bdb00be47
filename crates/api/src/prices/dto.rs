//! What the Prices page exchanges with the shells: the sheets held, a page of a sheet's rows,
//! a meter's prices month by month, the months' FX rates. Prices and rates are decimal text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A price sheet held for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SheetDto {
    /// Its id (a sheet read again gets a new one).
    #[ts(type = "number")]
    pub id: i64,
    /// `azure_consumption` or `updatedlicensebased`.
    pub view: String,
    /// Market, upper case.
    pub market: String,
    /// `YYYY-MM`.
    pub month: String,
    /// `history` (a closed month, read once) or `current` (the month so far).
    pub timeline: String,
    /// Rows held.
    #[ts(type = "number")]
    pub rows: u64,
    /// Rows the reader set aside.
    #[ts(type = "number")]
    pub set_aside: u64,
    /// When read (RFC 3339).
    pub read_at: String,
    /// The file it was imported from; `None`: read from Microsoft's Pricing API.
    pub file_name: Option<String>,
}

/// The column a sheet's rows are sorted by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SheetColumn {
    /// File order.
    #[default]
    Line,
    /// `ProductTitle`.
    Product,
    /// Meter id.
    Meter,
    /// `SkuTitle`.
    Sku,
    /// `UnitOfMeasure`.
    Unit,
    /// `PricingTierRangeMin`.
    TierMin,
    /// `UnitPrice`.
    UnitPrice,
    /// `EffectiveStartDate`.
    EffectiveStart,
}

/// What the user sees of a sheet: the sort and the search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SheetQueryDto {
    /// Sort column.
    pub sort: SheetColumn,
    /// Largest (or last) first.
    pub descending: bool,
    /// Case-insensitive text in the product, SKU, meter id, product id or SKU id ("": none).
    pub search: String,
}

/// One row of a price sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SheetRowDto {
    /// The row's key (stable while the sheet is held).
    #[ts(type = "number")]
    pub key: i64,
    /// 1-based line in the file.
    #[ts(type = "number")]
    pub line: u64,
    /// Meter id, lower case (`None` for a licence).
    pub meter_id: Option<String>,
    /// `ProductId`.
    pub product_id: String,
    /// `ProductTitle`.
    pub product: String,
    /// `SkuId`.
    pub sku_id: String,
    /// `SkuTitle`.
    pub sku: String,
    /// `UnitOfMeasure`.
    pub unit: String,
    /// `MeterType`.
    pub meter_type: String,
    /// `TermDuration`.
    pub term: String,
    /// `PricingTierRangeMin`.
    pub tier_min: String,
    /// `PricingTierRangeMax` (`None`: no upper bound).
    pub tier_max: Option<String>,
    /// `UnitPrice`.
    pub unit_price: String,
    /// `Currency`.
    pub currency: String,
    /// `EffectiveStartDate`, `YYYY-MM-DD`.
    pub effective_start: String,
    /// `EffectiveEndDate`, `YYYY-MM-DD`.
    pub effective_end: Option<String>,
}

/// A page of a sheet's rows in view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SheetRowsPageDto {
    /// Where this page starts.
    #[ts(type = "number")]
    pub offset: u64,
    /// Rows in view (matching the search).
    #[ts(type = "number")]
    pub total: u64,
    /// Rows of the sheet.
    #[ts(type = "number")]
    pub all: u64,
    /// This page.
    pub rows: Vec<SheetRowDto>,
}

/// A USD price in one billing currency at the month's FX rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConvertedPriceDto {
    /// Billing currency.
    pub currency: String,
    /// Units of the currency per USD (`1 / USDPerUnit`, as rating takes it); `None`: the month
    /// has no rate for the currency.
    pub rate: Option<String>,
    /// The price in the currency, to 6 decimals; `None` without a rate.
    pub price: Option<String>,
}

/// One tier's price in one month's sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MeterPriceDto {
    /// `YYYY-MM`.
    pub month: String,
    /// The sheet's market.
    pub market: String,
    /// `PricingTierRangeMin`.
    pub tier_min: String,
    /// `PricingTierRangeMax`.
    pub tier_max: Option<String>,
    /// `UnitPrice` as the sheet gives it.
    pub unit_price: String,
    /// The sheet's currency (USD for the Azure plan).
    pub currency: String,
    /// Change against the same tier's price in the previous month held, in percent to 2
    /// decimals; `None` for the first month or a previous price of 0.
    pub change_percent: Option<String>,
    /// The price in each billing currency of the account.
    pub converted: Vec<ConvertedPriceDto>,
}

/// A meter's unit price month by month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MeterHistoryDto {
    /// The meter id, lower case.
    pub meter_id: String,
    /// `ProductTitle` of its newest row.
    pub product: String,
    /// `SkuTitle` of its newest row.
    pub sku: String,
    /// `UnitOfMeasure` of its newest row.
    pub unit: String,
    /// The account's billing currencies, in the order of each price's conversions.
    pub currencies: Vec<String>,
    /// By month, market, then tier.
    pub prices: Vec<MeterPriceDto>,
}

/// One currency's rate in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FxRateDto {
    /// Upper case.
    pub currency: String,
    /// `USDPerUnit` as Microsoft gives it.
    pub usd_per_unit: String,
    /// Units of the currency per USD as rating takes it (`1 / USDPerUnit`, 12 decimals).
    pub per_usd: String,
}

/// One month's FX rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FxMonthDto {
    /// `YYYY-MM`.
    pub month: String,
    /// When read (RFC 3339).
    pub read_at: String,
    /// Whether rating uses them: the month has Azure plan usage and its consumption sheet.
    pub rated: bool,
    /// By currency.
    pub rates: Vec<FxRateDto>,
}

/// The account's FX rates, newest month first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FxTableDto {
    /// The account's billing currencies (shown first).
    pub billing: Vec<String>,
    /// Every currency any month has, sorted.
    pub currencies: Vec<String>,
    /// Newest first.
    pub months: Vec<FxMonthDto>,
}
