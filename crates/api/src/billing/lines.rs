//! One customer's lines on an invoice, the Billing page's third level: a page of the lines
//! in view (searched, filtered, sorted as [`crate::billing::line_view`] says) with the count and
//! sums of everything in view, the same lines streamed in view order for the exports, and
//! the lines added up by product. Each line carries its resale (marked up with the
//! customer's markup on its charge start day, by product, rounded to the cent per line).

use cspdesk_store::billing::{self, InvoiceLineRow};
use cspdesk_store::invoice_lines;
use cspdesk_store::Database;

use super::dto::{InvoiceLineDto, InvoiceLinesPageDto};
use crate::billing::dto::{LineGroupDto, LineQueryDto};
use crate::billing::invoices::day;
use crate::billing::line_view::{LineViews, LinesOf};
use crate::shared::amount_text::cents as money;
use crate::{ApiError, ErrorCode};
/// One customer's lines on one invoice, as the user sees them.
#[derive(Debug, Clone, Copy)]
pub struct LinesInView<'a> {
    /// Partner account id.
    pub account_id: &'a str,
    /// Invoice number.
    pub invoice_id: &'a str,
    /// Customer id.
    pub customer_id: &'a str,
    /// The sort, search and product filter.
    pub query: &'a LineQueryDto,
}

impl<'a> LinesInView<'a> {
    /// The lines of `customer_id` on `invoice_id` of `account_id`, as `query` shows them.
    pub fn new(
        account_id: &'a str,
        invoice_id: &'a str,
        customer_id: &'a str,
        query: &'a LineQueryDto,
    ) -> Self {
        Self {
            account_id,
            invoice_id,
            customer_id,
            query,
        }
    }

    fn of(&self, db: &Database) -> Result<LinesOf<'_>, ApiError> {
        LinesOf::load(db, self.account_id, self.invoice_id, self.customer_id)
    }
}

/// The most lines one page holds.
pub const MAX_PAGE: u64 = 5_000;

/// Lines fetched by key per round when streaming a view.
const CHUNK: usize = 1_024;

fn line_dto(
    of: &LinesOf<'_>,
    l: InvoiceLineRow,
    position: u64,
) -> Result<InvoiceLineDto, ApiError> {
    let cost = l.cost.amount();
    let resale = of.resale(l.product.as_deref(), l.charge_start.as_deref(), cost)?;
    Ok(InvoiceLineDto {
        line: l.line,
        position,
        source: l.source.to_string(),
        charge_start: day(&l.charge_start),
        charge_end: day(&l.charge_end),
        product: l.product,
        sku: l.sku,
        subscription_id: l.subscription_id,
        charge_type: l.charge_type,
        quantity: l.quantity,
        unit_price: l.unit_price,
        effective_unit_price: l.effective_unit_price,
        cost: money(cost),
        resale: money(resale),
        currency: l.currency,
    })
}

fn changed_meanwhile() -> ApiError {
    ApiError::new(
        ErrorCode::Storage,
        "The customer's lines changed while they were read (Discovery is reading the invoice \
         again): try again when it is done"
            .to_string(),
        None,
    )
}

/// Lines `offset..offset + limit` (at most [`MAX_PAGE`]) of the view. The first request for
/// a view works it out (one pass over every line); later pages of it are a rowid lookup per
/// line.
pub fn customer_lines(
    db: &Database,
    views: &LineViews,
    lines: &LinesInView<'_>,
    offset: u64,
    limit: u64,
) -> Result<InvoiceLinesPageDto, ApiError> {
    db.snapshot(|db| {
        let (query, of) = (lines.query, lines.of(db)?);
        // The stamp and the lookups read one snapshot; a kept view whose stamp still matches
        // lines read again at the same rowids (see `LinesFingerprint`) is worked out again.
        for _ in 0..2 {
            let view = views.view(db, &of, query)?;
            let len = view.keys.len();
            let start = usize::try_from(offset).unwrap_or(usize::MAX).min(len);
            let end = start
                .saturating_add(usize::try_from(limit.min(MAX_PAGE)).unwrap_or(0))
                .min(len);
            let rows = invoice_lines::lines_by_key(
                db,
                of.account_id,
                of.invoice_id,
                of.customer_id,
                &view.keys[start..end],
            )?;
            if rows.iter().any(Option::is_none) {
                views.forget(&of, query);
                continue;
            }
            let lines = rows
                .into_iter()
                .flatten()
                .zip(&view.positions[start..end])
                .map(|(l, p)| line_dto(&of, l, u64::from(*p)))
                .collect::<Result<_, _>>()?;
            return Ok(InvoiceLinesPageDto {
                offset,
                total: len as u64,
                all: view.all,
                sums: view.sums.clone(),
                lines,
            });
        }
        Err(changed_meanwhile())
    })
}

/// Calls `visit` with every line of the view, in view order, with its resale. Every line
/// in invoice order is streamed straight from the tables (one line in memory at a time); any
/// other view holds its order (12 bytes a line) and reads the lines in chunks.
pub fn each_customer_line(
    db: &Database,
    views: &LineViews,
    lines: &LinesInView<'_>,
    mut visit: impl FnMut(InvoiceLineDto) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    db.snapshot(|db| {
        let (query, of) = (lines.query, lines.of(db)?);
        let (account, invoice, customer) = (of.account_id, of.invoice_id, of.customer_id);
        if query.is_invoice() {
            let mut position = 0;
            return billing::each_line::<ApiError>(db, account, invoice, Some(customer), |l| {
                position += 1;
                visit(line_dto(&of, l, position)?)
            });
        }
        let view = views.view(db, &of, query)?;
        for (keys, positions) in view.keys.chunks(CHUNK).zip(view.positions.chunks(CHUNK)) {
            let rows = invoice_lines::lines_by_key(db, account, invoice, customer, keys)?;
            for (l, p) in rows.into_iter().zip(positions) {
                // Half a file of a view that no longer exists is worse than none.
                let l = l.ok_or_else(changed_meanwhile)?;
                visit(line_dto(&of, l, u64::from(*p))?)?;
            }
        }
        Ok(())
    })
}

/// One customer's lines on an invoice grouped by product, largest cost first. The groups
/// add up to the customer's row less its fee. Free when a view of the lines is kept (the
/// page asks after its first page of lines); else one pass over them.
pub fn customer_line_groups(
    db: &Database,
    views: &LineViews,
    account_id: &str,
    invoice_id: &str,
    customer_id: &str,
) -> Result<Vec<LineGroupDto>, ApiError> {
    views.groups(db, &LinesOf::load(db, account_id, invoice_id, customer_id)?)
}
