//! The new-commerce licence sheet (`PricesheetView='updatedlicensebased'`): a SKU's price per
//! term and billing plan, locked for the term once ordered, so a licence charge is compared
//! with the sheet of its order month.

use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::SetAsideRow;
use crate::price::csv_file::{CsvFile, Row};
use crate::price::error::PriceSheetError;

/// One SKU's price for one term and billing plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicencePrice {
    /// `ProductId` (e.g. `CFQ7TTC0HDK0`).
    pub product_id: String,
    /// `SkuId` (e.g. `0001`).
    pub sku_id: String,
    /// `TermDuration` (ISO 8601: `P1M`, `P1Y`, `P3Y`).
    pub term: String,
    /// `BillingPlan` (`Monthly`, `Annual`, ...); empty when the sheet has none.
    pub billing_plan: String,
    /// Currency (upper case).
    pub currency: String,
    /// `UnitPrice`: what the partner pays per licence for the term.
    pub unit_price: Decimal,
    /// `ERP Price`: the estimated retail price, when the sheet gives one.
    pub erp_price: Option<Decimal>,
    /// First day the price applies.
    pub effective_from: NaiveDate,
    /// Last day (inclusive), when given.
    pub effective_to: Option<NaiveDate>,
}

/// A licence sheet: its prices and the rows set aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenceSheet {
    /// Prices in file order.
    pub prices: Vec<LicencePrice>,
    /// Rows not read.
    pub set_aside: Vec<SetAsideRow>,
}

/// Reads a licence sheet; the header is checked first (see the module above).
pub fn parse_licence_sheet(file: &str, input: impl Read) -> Result<LicenceSheet, PriceSheetError> {
    let csv = CsvFile::open(file, input)?;
    let i_product = csv.required("ProductId")?;
    let i_sku = csv.required("SkuId")?;
    let i_term = csv.required("TermDuration")?;
    let i_currency = csv.required("Currency")?;
    let i_price = csv.required("UnitPrice")?;
    let i_start = csv.required("EffectiveStartDate")?;
    let i_plan = csv.optional("BillingPlan");
    let i_erp = csv.optional("ERP Price");
    let i_end = csv.optional("EffectiveEndDate");
    let mut sheet = LicenceSheet {
        prices: Vec::new(),
        set_aside: Vec::new(),
    };
    csv.rows(|row| {
        let read = |row: &Row<'_>| -> Result<LicencePrice, PriceSheetError> {
            let erp_price = match i_erp {
                Some(i) if !row.text(i).is_empty() => Some(row.decimal(i, "ERP Price")?),
                _ => None,
            };
            Ok(LicencePrice {
                product_id: row.text(i_product).to_string(),
                sku_id: row.text(i_sku).to_string(),
                term: row.text(i_term).to_string(),
                billing_plan: i_plan.map(|i| row.text(i).to_string()).unwrap_or_default(),
                currency: row.currency(i_currency, "Currency")?,
                unit_price: row.decimal(i_price, "UnitPrice")?,
                erp_price,
                effective_from: row.microsoft_date(i_start, "EffectiveStartDate")?,
                effective_to: row.optional_microsoft_date(i_end, "EffectiveEndDate")?,
            })
        };
        match read(row) {
            Ok(p) if p.product_id.is_empty() || p.sku_id.is_empty() => {
                sheet.set_aside.push(SetAsideRow {
                    line: row.at.line,
                    column: "ProductId".into(),
                    reason: "a licence price needs its product and SKU ids".into(),
                })
            }
            Ok(p) => sheet.prices.push(p),
            Err(e) => sheet.set_aside.push(e.into()),
        }
        Ok(())
    })?;
    Ok(sheet)
}
