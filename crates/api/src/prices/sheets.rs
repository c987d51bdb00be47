//! The sheets held for an account and a page of one sheet's rows as the grid shows them
//! (searched and sorted as [`super::sheet_view`] says, never the whole sheet at once).

use cspdesk_store::pricing::{self, StoredSheet, StoredSheetRow, Timeline};
use cspdesk_store::{accounts, Database};

use super::dto::{SheetDto, SheetQueryDto, SheetRowDto, SheetRowsPageDto};
use super::sheet_view::SheetViews;
use crate::{ApiError, ErrorCode};

/// The most rows one page holds.
pub const MAX_PAGE: u64 = 5_000;

fn sheet_dto(s: StoredSheet) -> SheetDto {
    SheetDto {
        id: s.id,
        view: s.key.view,
        market: s.key.market,
        month: s.key.month,
        timeline: match s.timeline {
            Timeline::History => "history",
            Timeline::Current => "current",
        }
        .to_string(),
        rows: s.rows,
        set_aside: s.set_aside,
        read_at: s.read_at,
        file_name: s.file_name,
    }
}

/// Every sheet held for `account` (name or id), newest month first, then view and market.
pub fn list_sheets(db: &Database, account: &str) -> Result<Vec<SheetDto>, ApiError> {
    let account = accounts::find(db, account)?;
    let mut out: Vec<SheetDto> = pricing::sheets(db, &account.id, None)?
        .into_iter()
        .map(sheet_dto)
        .collect();
    out.sort_by(|a, b| {
        b.month
            .cmp(&a.month)
            .then_with(|| a.view.cmp(&b.view))
            .then_with(|| a.market.cmp(&b.market))
    });
    Ok(out)
}

/// The sheet `sheet_id` of `account_id`, or NotFound (it was replaced or removed).
pub(crate) fn find_sheet(
    db: &Database,
    account_id: &str,
    sheet_id: i64,
) -> Result<StoredSheet, ApiError> {
    pricing::sheets(db, account_id, None)?
        .into_iter()
        .find(|s| s.id == sheet_id)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                "This price sheet is no longer held (Discovery or an import read the month \
                 again): pick the month's sheet again",
                Some("sheetId"),
            )
        })
}

fn row_dto(key: i64, r: StoredSheetRow) -> SheetRowDto {
    SheetRowDto {
        key,
        line: r.line,
        meter_id: r.meter_id,
        product_id: r.product_id,
        product: r.product_title,
        sku_id: r.sku_id,
        sku: r.sku_title,
        unit: r.unit,
        meter_type: r.meter_type,
        term: r.term,
        tier_min: r.tier_min.normalize().to_string(),
        tier_max: r.tier_max.map(|d| d.normalize().to_string()),
        unit_price: r.unit_price.to_string(),
        currency: r.currency,
        effective_start: r.effective_start.format("%Y-%m-%d").to_string(),
        effective_end: r.effective_end.map(|d| d.format("%Y-%m-%d").to_string()),
    }
}

/// Rows `offset..offset + limit` (at most [`MAX_PAGE`]) of sheet `sheet_id` as `query` shows
/// them, with the count in view and in the sheet. The first request for a view works it out
/// (one pass over the rows); later pages are a rowid lookup per row.
pub fn sheet_rows(
    db: &Database,
    views: &SheetViews,
    account: &str,
    sheet_id: i64,
    query: &SheetQueryDto,
    offset: u64,
    limit: u64,
) -> Result<SheetRowsPageDto, ApiError> {
    db.snapshot(|db| {
        let account = accounts::find(db, account)?;
        let sheet = find_sheet(db, &account.id, sheet_id)?;
        let view = views.view(db, sheet.id, &sheet.fingerprint, query)?;
        let len = view.rowids.len();
        let start = usize::try_from(offset).unwrap_or(usize::MAX).min(len);
        let end = start
            .saturating_add(usize::try_from(limit.min(MAX_PAGE)).unwrap_or(0))
            .min(len);
        let rows = pricing::sheet_rows_at(db, sheet.id, &view.rowids[start..end])?;
        if rows.iter().any(Option::is_none) {
            // Read in one snapshot with the sheet itself: a kept view of rows no longer there
            // is stale; the next request works it out again.
            views.forget(sheet.id);
            return Err(ApiError::new(
                ErrorCode::Storage,
                "The price sheet changed while it was read: try again",
                None,
            ));
        }
        Ok(SheetRowsPageDto {
            offset,
            total: len as u64,
            all: view.all,
            rows: rows
                .into_iter()
                .flatten()
                .map(|(key, r)| row_dto(key, r))
                .collect(),
        })
    })
}
