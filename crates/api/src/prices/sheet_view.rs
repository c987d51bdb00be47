//! A price sheet as the grid shows it: searched and sorted. A sheet can hold 500,000 rows, and
//! prices are decimal text SQLite cannot order exactly, so each view is worked out once in one
//! pass over the rows and kept as the rows' rowids in view order ([`SheetViews`], bounded); a
//! page is then a slice of rowids and one lookup per row.
//!
//! # Orderings
//! Text columns compare lower-cased (no collation tables in the backend); decimals (tier
//! minimum, unit price) exactly as `Decimal`; dates as dates. Ties keep file order in both
//! directions, so every ordering is total and the same on every request.

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use cspdesk_store::pricing::{self, StoredSheetRow};
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::dto::{SheetColumn, SheetQueryDto};
use crate::ApiError;

/// The search, lower-cased.
struct Needle(String);

impl Needle {
    fn matches(&self, r: &StoredSheetRow) -> bool {
        let needle = &self.0;
        needle.is_empty()
            || [
                r.product_title.as_str(),
                r.sku_title.as_str(),
                r.meter_id.as_deref().unwrap_or_default(),
                r.product_id.as_str(),
                r.sku_id.as_str(),
            ]
            .iter()
            .any(|t| t.to_lowercase().contains(needle))
    }
}

/// A row's value in the sort column.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortValue {
    Line(u64),
    Text(String),
    Decimal(Decimal),
    Day(NaiveDate),
}

fn sort_value(column: SheetColumn, r: &StoredSheetRow) -> SortValue {
    let text = |t: &str| SortValue::Text(t.to_lowercase());
    match column {
        SheetColumn::Line => SortValue::Line(r.line),
        SheetColumn::Product => text(&r.product_title),
        SheetColumn::Meter => text(r.meter_id.as_deref().unwrap_or_default()),
        SheetColumn::Sku => text(&r.sku_title),
        SheetColumn::Unit => text(&r.unit),
        SheetColumn::TierMin => SortValue::Decimal(r.tier_min),
        SheetColumn::UnitPrice => SortValue::Decimal(r.unit_price),
        SheetColumn::EffectiveStart => SortValue::Day(r.effective_start),
    }
}

/// A view worked out: the rowids in view order, and the sheet's row count.
#[derive(Debug)]
pub(crate) struct SheetView {
    pub rowids: Vec<i64>,
    pub all: u64,
}

/// Works out `query`'s view of sheet `sheet_id` in one pass over its rows.
pub(crate) fn build(
    db: &Database,
    sheet_id: i64,
    query: &SheetQueryDto,
) -> Result<SheetView, ApiError> {
    let needle = Needle(query.search.trim().to_lowercase());
    let mut keyed: Vec<(SortValue, i64)> = Vec::new();
    let mut all = 0u64;
    pricing::each_sheet_row::<ApiError>(db, sheet_id, |rowid, r| {
        all += 1;
        if needle.matches(r) {
            keyed.push((sort_value(query.sort, r), rowid));
        }
        Ok(())
    })?;
    // Rows come in file order (rowid order), so a stable sort keeps file order among ties.
    let descending = query.descending;
    keyed.sort_by(|a, b| {
        if descending {
            b.0.cmp(&a.0)
        } else {
            a.0.cmp(&b.0)
        }
    });
    Ok(SheetView {
        rowids: keyed.into_iter().map(|(_, id)| id).collect(),
        all,
    })
}

/// Views kept between requests, most recently used last: at most [`KEEP_VIEWS`] views and
/// [`KEEP_ROWS`] rows in all (8 bytes a row), the least recently used dropped first.
#[derive(Debug, Default)]
pub struct SheetViews {
    slots: Mutex<Vec<(ViewKey, Arc<SheetView>)>>,
}

/// At most this many views are kept.
pub const KEEP_VIEWS: usize = 6;

/// At most this many rows are kept across views (one larger view is kept alone).
pub const KEEP_ROWS: usize = 3_000_000;

/// A sheet read again has a new id, so the id (with its fingerprint) names its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ViewKey {
    sheet_id: i64,
    fingerprint: String,
    query: SheetQueryDto,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while building a view leaves the list as it was: carry on.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl SheetViews {
    /// `query`'s view of the sheet: the one kept, else worked out now and kept.
    pub(crate) fn view(
        &self,
        db: &Database,
        sheet_id: i64,
        fingerprint: &str,
        query: &SheetQueryDto,
    ) -> Result<Arc<SheetView>, ApiError> {
        let key = ViewKey {
            sheet_id,
            fingerprint: fingerprint.to_string(),
            query: SheetQueryDto {
                search: query.search.trim().to_lowercase(),
                ..query.clone()
            },
        };
        {
            let mut slots = locked(&self.slots);
            if let Some(i) = slots.iter().position(|(k, _)| *k == key) {
                let slot = slots.remove(i);
                let view = slot.1.clone();
                slots.push(slot);
                return Ok(view);
            }
        }
        let view = Arc::new(build(db, sheet_id, &key.query)?);
        let mut slots = locked(&self.slots);
        slots.retain(|(k, _)| *k != key);
        slots.push((key, view.clone()));
        let mut total: usize = slots.iter().map(|(_, v)| v.rowids.len()).sum();
        while slots.len() > 1 && (slots.len() > KEEP_VIEWS || total > KEEP_ROWS) {
            total -= slots.remove(0).1.rowids.len();
        }
        Ok(view)
    }

    /// Forgets every view of sheet `sheet_id` (its rows changed under it).
    pub(crate) fn forget(&self, sheet_id: i64) {
        locked(&self.slots).retain(|(k, _)| k.sheet_id != sheet_id);
    }

    /// How many views are kept, and their rows (for tests of the bounds).
    pub fn kept(&self) -> (usize, usize) {
        let slots = locked(&self.slots);
        (slots.len(), slots.iter().map(|(_, v)| v.rowids.len()).sum())
    }
}
