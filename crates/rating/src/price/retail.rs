//! The public Azure Retail Prices API (`prices.azure.com/api/retail/prices`, reference §6.2):
//! pay-as-you-go list prices, a fallback when neither the partner's sheet nor the Azure plan
//! price list prices a meter. A response is one page of `Items`; a meter's tiers may be split
//! across pages, so pages are read into rows first ([`parse_retail_prices`]) and the rows of
//! every page grouped into entries once ([`retail_entries`]).
//!
//! # Fields we read per item
//! `meterId`, `currencyCode`, `tierMinimumUnits` (0-based threshold, the rate card's
//! convention), `unitPrice` (the price charged to the entity asking; falls back to
//! `retailPrice` when absent — the two are equal for the public retail entity),
//! `effectiveStartDate`, `effectiveEndDate` (optional, inclusive) and `type`. Only
//! `Consumption` items become prices; `Reservation` and `DevTestConsumption` are other offers.
//! Numbers are read from their JSON text (`0.000016`, `1.6E-05` or a quoted decimal), never
//! through `f64`. The same meter listed twice with the same tier and price (several products
//! can share a meter) is one tier; with a different price it is a conflict.

use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::{PriceSheetError, RowAt};
use super::group::{self, Columns, TierBase, TierRow};
use super::json_file::JsonFile;
use super::{PriceEntry, PriceOrigin};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One page of the Retail Prices API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetailPricesPage {
    /// `BillingCurrency` of the page, when present.
    pub billing_currency: Option<String>,
    /// `NextPageLink`: the next page to fetch, `None` on the last.
    pub next_page_link: Option<String>,
    /// One row per item.
    pub rows: Vec<RetailPriceRow>,
}

/// One item of a Retail Prices page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetailPriceRow {
    /// Where the item is in its file.
    pub at: RowAt,
    /// Meter id, lower case.
    pub meter_id: String,
    /// Currency, upper case.
    pub currency: String,
    /// `tierMinimumUnits`: the tier's 0-based threshold.
    pub tier_minimum_units: Decimal,
    /// `unitPrice`, or `retailPrice` when absent.
    pub unit_price: Decimal,
    /// First day.
    pub effective_start: NaiveDate,
    /// Last day (inclusive), when given.
    pub effective_end: Option<NaiveDate>,
    /// `type`: `Consumption`, `Reservation`, `DevTestConsumption`.
    pub price_type: String,
}

#[derive(Deserialize)]
struct RawPage<'a> {
    #[serde(rename = "BillingCurrency", default, borrow)]
    billing_currency: Option<&'a RawValue>,
    #[serde(rename = "NextPageLink", default, borrow)]
    next_page_link: Option<&'a RawValue>,
    #[serde(rename = "Items", borrow)]
    items: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawItem<'a> {
    #[serde(default, borrow)]
    meter_id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    currency_code: Option<&'a RawValue>,
    #[serde(default, borrow)]
    tier_minimum_units: Option<&'a RawValue>,
    #[serde(default, borrow)]
    unit_price: Option<&'a RawValue>,
    #[serde(default, borrow)]
    retail_price: Option<&'a RawValue>,
    #[serde(default, borrow)]
    effective_start_date: Option<&'a RawValue>,
    #[serde(default, borrow)]
    effective_end_date: Option<&'a RawValue>,
    #[serde(rename = "type", default, borrow)]
    price_type: Option<&'a RawValue>,
}

/// Reads one page of the Retail Prices API. `file` names it in errors.
pub fn parse_retail_prices(file: &str, text: &str) -> Result<RetailPricesPage, PriceSheetError> {
    let json = JsonFile::new(file, text);
    let page: RawPage<'_> = json.parse(json.text(), "the page")?;
    let billing_currency = json.optional(page.billing_currency, |v| {
        json.currency(v, "BillingCurrency")
    })?;
    let next_page_link = json.optional(page.next_page_link, |v| json.string(v, "NextPageLink"))?;
    let rows = page
        .items
        .iter()
        .map(|item| row(&json, item))
        .collect::<Result<_, _>>()?;
    Ok(RetailPricesPage {
        billing_currency,
        next_page_link,
        rows,
    })
}

fn row<'a>(json: &JsonFile<'a>, item: &'a RawValue) -> Result<RetailPriceRow, PriceSheetError> {
    let raw: RawItem<'_> = json.parse(item.get(), "an item")?;
    let price = match raw.unit_price {
        Some(v) if v.get().trim() != "null" => json.decimal(v, "unitPrice")?,
        _ => json.decimal(
            json.required(item, raw.retail_price, "retailPrice")?,
            "retailPrice",
        )?,
    };
    Ok(RetailPriceRow {
        at: json.at(item),
        meter_id: json.meter_id(json.required(item, raw.meter_id, "meterId")?, "meterId")?,
        currency: json.currency(
            json.required(item, raw.currency_code, "currencyCode")?,
            "currencyCode",
        )?,
        tier_minimum_units: json.decimal(
            json.required(item, raw.tier_minimum_units, "tierMinimumUnits")?,
            "tierMinimumUnits",
        )?,
        unit_price: price,
        effective_start: json.date(
            json.required(item, raw.effective_start_date, "effectiveStartDate")?,
            "effectiveStartDate",
        )?,
        effective_end: json
            .optional(raw.effective_end_date, |v| json.date(v, "effectiveEndDate"))?,
        price_type: json.string(json.required(item, raw.price_type, "type")?, "type")?,
    })
}

/// Groups the rows of one or more pages into price entries (consumption prices only).
pub fn retail_entries(
    rows: impl IntoIterator<Item = RetailPriceRow>,
) -> Result<Vec<PriceEntry>, PriceSheetError> {
    let tiers = rows
        .into_iter()
        .filter(|r| r.price_type.eq_ignore_ascii_case("consumption"))
        .map(|r| TierRow {
            at: r.at,
            meter_id: r.meter_id,
            currency: r.currency,
            effective_from: r.effective_start,
            effective_to: r.effective_end,
            tier_start: r.tier_minimum_units,
            unit_price: r.unit_price,
            included_quantity: Decimal::ZERO,
        })
        .collect();
    group::entries(
        PriceOrigin::RetailPrices,
        tiers,
        TierBase::Threshold,
        &Columns {
            tier_start: "tierMinimumUnits",
            unit_price: "unitPrice",
            effective_to: "effectiveEndDate",
        },
    )
}
