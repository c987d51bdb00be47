//! A Pricing API price sheet row by row, as Microsoft writes it, for whoever keeps the rows
//! (the store writes each one as it is read, so a 500,000-row sheet is never held whole).
//! [`read_sheet_rows`] checks the header first (a missing column refuses the sheet before any
//! row is handed out), then hands out each row read or set aside with its line and reason.
//! [`consumption_entries`] turns the consumption view's rows back into price entries (one
//! tier table per meter, currency and effective dates), as [`super::parse_consumption_sheet`]
//! does for a file.

use std::collections::BTreeMap;
use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{
    consumption_row_checked, other_offer, SetAsideRow, CURRENCY, END, METER_IDS, METER_TYPE, START,
    TIER_MIN, UNIT_PRICE,
};
use crate::price::csv_file::{CsvFile, Row};
use crate::price::error::{PriceSheetError, RowAt, SheetErrorKind};
use crate::price::group::{self, Columns, TierBase, TierRow};
use crate::price::{PriceEntry, PriceOrigin};

/// Which sheet a file is (`PricesheetView`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SheetView {
    /// `azure_consumption`: the Azure plan's meters.
    AzureConsumption,
    /// `updatedlicensebased`: new-commerce licences.
    Licence,
}

impl SheetView {
    /// Microsoft's name of the view.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AzureConsumption => "azure_consumption",
            Self::Licence => "updatedlicensebased",
        }
    }

    /// The view Microsoft names `text`, if we read it.
    pub fn from_name(text: &str) -> Option<Self> {
        [Self::AzureConsumption, Self::Licence]
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

/// One row of a price sheet, with the cells of both views (a view's absent columns empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    /// 1-based line in the file.
    pub line: u64,
    /// `MeterIds`, lower case (consumption; empty for licences).
    pub meter_ids: Vec<String>,
    /// `ProductId`.
    pub product_id: String,
    /// `SkuId`.
    pub sku_id: String,
    /// `ProductTitle`.
    pub product_title: String,
    /// `SkuTitle`.
    pub sku_title: String,
    /// `UnitOfMeasure`.
    pub unit: String,
    /// `MeterType` as written (informational: the documented sample holds a unit there).
    pub meter_type: String,
    /// `Market`.
    pub market: String,
    /// `Currency`, upper case.
    pub currency: String,
    /// `UnitPrice`.
    pub unit_price: Decimal,
    /// `PricingTierRangeMin`; empty reads as 0, the first tier.
    pub tier_min: Decimal,
    /// `PricingTierRangeMax`, when written.
    pub tier_max: Option<Decimal>,
    /// `EffectiveStartDate` (the day).
    pub effective_start: NaiveDate,
    /// `EffectiveEndDate` (the day), when written.
    pub effective_end: Option<NaiveDate>,
    /// `TermDuration` (`payG-1`, `P1Y`, ...).
    pub term: String,
    /// `BillingPlan` (licences).
    pub billing_plan: String,
    /// `ERP Price` (licences), when written.
    pub erp_price: Option<Decimal>,
}

/// A row read, or set aside with its line and reason.
pub type SheetItem = Result<SheetRow, SetAsideRow>;

struct Cols {
    required: Vec<usize>,
    meter_ids: Option<usize>,
    product_id: Option<usize>,
    sku_id: Option<usize>,
    product_title: Option<usize>,
    sku_title: Option<usize>,
    unit: Option<usize>,
    meter_type: Option<usize>,
    market: Option<usize>,
    currency: usize,
    unit_price: usize,
    tier_min: Option<usize>,
    tier_max: Option<usize>,
    start: usize,
    end: Option<usize>,
    term: Option<usize>,
    billing_plan: Option<usize>,
    erp: Option<usize>,
}

fn columns<R: Read>(csv: &CsvFile<R>, view: SheetView) -> Result<Cols, PriceSheetError> {
    let required = match view {
        SheetView::AzureConsumption => vec![csv.required(METER_IDS)?, csv.required(TIER_MIN)?],
        SheetView::Licence => vec![
            csv.required("ProductId")?,
            csv.required("SkuId")?,
            csv.required("TermDuration")?,
        ],
    };
    Ok(Cols {
        required,
        meter_ids: csv.optional(METER_IDS),
        product_id: csv.optional("ProductId"),
        sku_id: csv.optional("SkuId"),
        product_title: csv.optional("ProductTitle"),
        sku_title: csv.optional("SkuTitle"),
        unit: csv.optional("UnitOfMeasure"),
        meter_type: csv.optional(METER_TYPE),
        market: csv.optional("Market"),
        currency: csv.required(CURRENCY)?,
        unit_price: csv.required(UNIT_PRICE)?,
        tier_min: csv.optional(TIER_MIN),
        tier_max: csv.optional("PricingTierRangeMax"),
        start: csv.required(START)?,
        end: csv.optional(END),
        term: csv.optional("TermDuration"),
        billing_plan: csv.optional("BillingPlan"),
        erp: csv.optional("ERP Price"),
    })
}

fn text(row: &Row<'_>, i: Option<usize>) -> String {
    i.map(|i| row.text(i).to_string()).unwrap_or_default()
}

fn optional_decimal(
    row: &Row<'_>,
    i: Option<usize>,
    column: &str,
) -> Result<Option<Decimal>, PriceSheetError> {
    match i {
        Some(i) if !row.text(i).is_empty() => row.decimal(i, column).map(Some),
        _ => Ok(None),
    }
}

fn read_row(row: &Row<'_>, view: SheetView, c: &Cols) -> Result<SheetRow, PriceSheetError> {
    let meter_ids = match (view, c.meter_ids) {
        (SheetView::AzureConsumption, Some(i)) => consumption_row_checked(row, i)?,
        _ => Vec::new(),
    };
    let out = SheetRow {
        line: row.at.line,
        meter_ids,
        product_id: text(row, c.product_id),
        sku_id: text(row, c.sku_id),
        product_title: text(row, c.product_title),
        sku_title: text(row, c.sku_title),
        unit: text(row, c.unit),
        meter_type: text(row, c.meter_type),
        market: text(row, c.market),
        currency: row.currency(c.currency, CURRENCY)?,
        unit_price: row.decimal(c.unit_price, UNIT_PRICE)?,
        tier_min: optional_decimal(row, c.tier_min, TIER_MIN)?.unwrap_or(Decimal::ZERO),
        tier_max: optional_decimal(row, c.tier_max, "PricingTierRangeMax")?,
        effective_start: row.microsoft_date(c.start, START)?,
        effective_end: row.optional_microsoft_date(c.end, END)?,
        term: text(row, c.term),
        billing_plan: text(row, c.billing_plan),
        erp_price: optional_decimal(row, c.erp, "ERP Price")?,
    };
    if view == SheetView::Licence && (out.product_id.is_empty() || out.sku_id.is_empty()) {
        return Err(row.at.error(
            "ProductId",
            SheetErrorKind::Empty,
            "a licence price needs its product and SKU ids",
        ));
    }
    Ok(out)
}

/// Why reading stopped: the sheet itself (its header, or CSV that cannot be read), or the
/// caller's `each` (a failed write), passed back as it was.
#[derive(Debug)]
pub enum ReadStop<E> {
    /// The sheet is refused.
    Sheet(PriceSheetError),
    /// `each` failed.
    Caller(E),
}

/// Reads a price sheet of `view` row by row: the header is checked first (a missing column
/// refuses the sheet naming it, before `each` is called at all), then `each` gets every row
/// read, or set aside with its line and reason (a reservation or savings plan row in the
/// consumption view, an amount or date that does not read, no meter id). `each` failing ends
/// the reading with its error.
pub fn read_sheet_rows<E>(
    file: &str,
    view: SheetView,
    input: impl Read,
    mut each: impl FnMut(SheetItem) -> Result<(), E>,
) -> Result<(), ReadStop<E>> {
    let csv = CsvFile::open(file, input).map_err(ReadStop::Sheet)?;
    let cols = columns(&csv, view).map_err(ReadStop::Sheet)?;
    debug_assert!(!cols.required.is_empty());
    let mut failed: Option<E> = None;
    let read = csv.rows(|row| {
        let item = match c_type(row, view, &cols) {
            Some(kind) => Err(SetAsideRow {
                line: row.at.line,
                column: METER_TYPE.into(),
                reason: format!("{kind} is not a consumption price"),
            }),
            None => read_row(row, view, &cols).map_err(SetAsideRow::from),
        };
        each(item).map_err(|e| {
            failed = Some(e);
            row.at
                .error("", SheetErrorKind::Malformed, "stopped by the caller")
        })
    });
    match (read, failed) {
        (_, Some(e)) => Err(ReadStop::Caller(e)),
        (Err(e), None) => Err(ReadStop::Sheet(e)),
        (Ok(()), None) => Ok(()),
    }
}

/// The consumption view's `MeterType` when it names another offer.
fn c_type<'r>(row: &'r Row<'_>, view: SheetView, cols: &Cols) -> Option<&'r str> {
    if view != SheetView::AzureConsumption {
        return None;
    }
    cols.meter_type
        .map(|i| row.text(i))
        .filter(|k| other_offer(k))
}

/// The consumption view's rows as price entries ([`PriceOrigin::PriceList`], USD estimated
/// retail): rows of one meter, currency and effective dates form its tier table, the same
/// rule as [`super::parse_consumption_sheet`]. A meter whose tiers do not form a table is
/// set aside whole (every line of it), the others stand. `file` names it in reasons.
pub fn consumption_entries(
    file: &str,
    rows: impl IntoIterator<Item = SheetRow>,
) -> (Vec<PriceEntry>, Vec<SetAsideRow>) {
    let mut by_meter: BTreeMap<String, Vec<TierRow>> = BTreeMap::new();
    for r in rows {
        for meter in &r.meter_ids {
            by_meter.entry(meter.clone()).or_default().push(TierRow {
                at: RowAt {
                    file: file.to_string(),
                    line: r.line,
                },
                meter_id: meter.clone(),
                currency: r.currency.clone(),
                effective_from: r.effective_start,
                effective_to: r.effective_end,
                tier_start: r.tier_min,
                unit_price: r.unit_price,
                included_quantity: Decimal::ZERO,
            });
        }
    }
    let mut entries = Vec::new();
    let mut set_aside = Vec::new();
    for (_, rows) in by_meter {
        let lines: Vec<u64> = rows.iter().map(|r| r.at.line).collect();
        match group::entries(
            PriceOrigin::PriceList,
            rows,
            TierBase::OneBasedWhenLowestIsOne,
            &Columns {
                tier_start: TIER_MIN,
                unit_price: UNIT_PRICE,
                effective_to: END,
            },
        ) {
            Ok(e) => entries.extend(e),
            Err(e) => set_aside.extend(lines.into_iter().map(|line| SetAsideRow {
                line,
                column: e.column.clone(),
                reason: format!("its meter's prices do not form a tier table: {}", e.message),
            })),
        }
    }
    set_aside.sort_by_key(|s| s.line);
    (entries, set_aside)
}
