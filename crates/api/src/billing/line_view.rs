//! One customer's lines on an invoice as the user sees them: searched, filtered by product,
//! sorted by a column, with the count and the sums of what is left. A million lines cannot be
//! sorted again for every page the table scrolls to, nor by SQLite (amounts are decimal
//! text, and resale exists only in Rust), so each view is worked out once in one pass over
//! the lines and kept in memory as the lines' keys in view order ([`LineViews`], bounded);
//! a page is then a slice of keys and one rowid lookup per line.
//!
//! # Orderings
//! - `line`: invoice order (new-commerce lines first, each table as stored), or its reverse.
//! - Text columns (product, SKU, subscription, charge type, charge start): as people read
//!   them, like the UI's other tables: case ignored, digits by value ("Meter 2" before
//!   "Meter 10"). Accents are not folded (no collation tables in the backend).
//! - Decimal columns (quantity, unit price, cost, resale): exact `Decimal` comparison, never
//!   floating point. Resale is each line's resale as billed (marked up and rounded to the
//!   cent per line), so sorting by resale is exact, not an approximation through cost.
//! - Blanks (no value, or a quantity that is not a number) come last in both directions,
//!   and ties keep invoice order in both directions, so every ordering is total and the
//!   same on every request.
//!
//! # Search and product
//! The search is a case-insensitive substring of the product, SKU, subscription or charge
//! type; the product filter keeps lines of exactly that product (`""`: lines with none).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use cspdesk_rating::period::BillingPeriod;
use cspdesk_store::invoice_lines::{self, LineFields, LineKey, LinesFingerprint};
use cspdesk_store::{markups, Database};
use rust_decimal::Decimal;

use super::dto::{LineGroupDto, LineQueryDto, LineSumDto};
use super::line_order::SortValues;
use crate::billing::invoices::{find_invoice, organization_of, period_of};
use crate::customers::resale::CustomerMarkups;
use crate::shared::amount_text::cents as money;
use crate::ApiError;
/// One customer's lines on one invoice, with what pricing them needs: the invoice's period
/// and the customer's markups, read once per request.
pub(crate) struct LinesOf<'a> {
    pub account_id: &'a str,
    pub invoice_id: &'a str,
    pub customer_id: &'a str,
    period: BillingPeriod,
    markups: CustomerMarkups,
    stamp: Stamp,
}

/// What a kept view was worked out from; a view whose stamp differs is stale.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    lines: LinesFingerprint,
    markups: (i64, i64),
    organization: Option<String>,
}

impl<'a> LinesOf<'a> {
    pub fn load(
        db: &Database,
        account_id: &'a str,
        invoice_id: &'a str,
        customer_id: &'a str,
    ) -> Result<Self, ApiError> {
        let period = period_of(&find_invoice(db, account_id, invoice_id)?)?;
        let organization = organization_of(db, account_id, customer_id)?;
        let markups = CustomerMarkups::load(db, account_id, customer_id, organization.as_deref())?;
        let stamp = Stamp {
            lines: invoice_lines::lines_fingerprint(db, account_id, invoice_id, customer_id)?,
            markups: markups::version(db)?,
            organization,
        };
        Ok(Self {
            account_id,
            invoice_id,
            customer_id,
            period,
            markups,
            stamp,
        })
    }

    /// A line's resale ([`line_resale`]).
    pub fn resale(
        &self,
        product: Option<&str>,
        charge_start: Option<&str>,
        cost: Decimal,
    ) -> Result<Decimal, ApiError> {
        line_resale(&self.markups, &self.period, product, charge_start, cost)
    }
}

/// An invoice line's resale: marked up on its charge start day (the period's first day when
/// it has none inside the period), by its product as category, rounded to the cent. Every
/// page, view, export and invoice total prices lines through here.
pub(crate) fn line_resale(
    markups: &CustomerMarkups,
    period: &BillingPeriod,
    product: Option<&str>,
    charge_start: Option<&str>,
    cost: Decimal,
) -> Result<Decimal, ApiError> {
    let day = charge_start
        .and_then(ymd)
        .filter(|d| period.contains(*d))
        .unwrap_or(period.start());
    markups.line_resale(cost, product, day, period)
}

/// `YYYY-MM-DD` at the start of `text` (a date or a date-time as Microsoft sends it). By
/// hand: a million lines are priced per view, and chrono's format parser is slower.
pub(crate) fn ymd(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes().get(..10)?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )
}

/// A view worked out: the keys of the lines in view, in view order, each with its position
/// in invoice order (1-based), and what the page shows besides the lines.
#[derive(Debug)]
pub(crate) struct View {
    pub keys: Vec<LineKey>,
    pub positions: Vec<u32>,
    /// Every line of the customer on the invoice, in view or not.
    pub all: u64,
    /// The lines in view added up per currency.
    pub sums: Vec<LineSumDto>,
    /// Every line of the customer (in view or not) added up per product, largest cost first.
    pub groups: Vec<LineGroupDto>,
}

/// Search text, matched case-insensitively.
struct Needle {
    lower: String,
    ascii: bool,
}

impl Needle {
    fn new(search: &str) -> Self {
        let lower = search.trim().to_lowercase();
        Self {
            ascii: lower.is_ascii(),
            lower,
        }
    }

    fn found_in(&self, text: Option<&str>) -> bool {
        let Some(text) = text else {
            return false;
        };
        // ASCII against ASCII needs no lower-cased copy of every field of a million lines.
        if self.ascii && text.is_ascii() {
            let (hay, needle) = (text.as_bytes(), self.lower.as_bytes());
            return hay
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle));
        }
        text.to_lowercase().contains(&self.lower)
    }

    fn matches(&self, f: &LineFields<'_>) -> bool {
        self.lower.is_empty()
            || [f.product, f.sku, f.subscription_id, f.charge_type]
                .into_iter()
                .any(|t| self.found_in(t))
    }
}

/// Running sums of lines.
#[derive(Default)]
struct Totals {
    lines: u64,
    cost: Decimal,
    resale: Decimal,
}

impl Totals {
    fn add(&mut self, cost: Decimal, resale: Decimal) {
        self.lines += 1;
        self.cost += cost;
        self.resale += resale;
    }
}

/// Works out `query`'s view of the lines in one pass over them.
pub(crate) fn build(
    db: &Database,
    of: &LinesOf<'_>,
    query: &LineQueryDto,
) -> Result<View, ApiError> {
    let needle = Needle::new(&query.search);
    let mut keys = Vec::new();
    let mut positions = Vec::new();
    let mut values = SortValues::new(query.sort);
    let mut sums: Vec<(String, Totals)> = Vec::new();
    let mut groups: Vec<(String, Totals)> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    let mut position = 0u32;
    invoice_lines::each_line_fields::<ApiError>(
        db,
        of.account_id,
        of.invoice_id,
        of.customer_id,
        |f| {
            position = position.saturating_add(1);
            let cost = f.cost.amount();
            let resale = of.resale(f.product, f.charge_start, cost)?;
            let product = f.product.unwrap_or_default();
            let g = match group_of.get(product) {
                Some(g) => *g,
                None => {
                    group_of.insert(product.to_string(), groups.len());
                    groups.push((product.to_string(), Totals::default()));
                    groups.len() - 1
                }
            };
            groups[g].1.add(cost, resale);
            let shown = query.product.as_deref().is_none_or(|p| p == product) && needle.matches(f);
            if !shown {
                return Ok(());
            }
            let currency = f.currency.unwrap_or_default();
            match sums.iter_mut().find(|(c, _)| c == currency) {
                Some((_, t)) => t.add(cost, resale),
                None => {
                    let mut t = Totals::default();
                    t.add(cost, resale);
                    sums.push((currency.to_string(), t));
                }
            }
            keys.push(f.key);
            positions.push(position);
            values.push(query.sort, f, cost, resale);
            Ok(())
        },
    )?;
    let order = values.order(keys.len(), query.descending);
    let keys = order.iter().map(|&i| keys[i as usize]).collect();
    let positions = order.iter().map(|&i| positions[i as usize]).collect();
    sums.sort_by(|a, b| a.0.cmp(&b.0));
    let mut groups: Vec<LineGroupDto> = groups
        .into_iter()
        .map(|(product, t)| LineGroupDto {
            product,
            lines: t.lines,
            cost: money(t.cost),
            resale: money(t.resale),
        })
        .collect();
    groups.sort_by(|a, b| {
        crate::shared::amount_text::amount(&b.cost)
            .cmp(&crate::shared::amount_text::amount(&a.cost))
            .then(a.product.cmp(&b.product))
    });
    Ok(View {
        keys,
        positions,
        all: u64::from(position),
        sums: sums
            .into_iter()
            .map(|(currency, t)| LineSumDto {
                currency,
                lines: t.lines,
                cost: money(t.cost),
                resale: money(t.resale),
            })
            .collect(),
        groups,
    })
}

/// Views kept between requests, most recently used last. Bounded: at most [`KEEP_VIEWS`]
/// views and [`KEEP_LINES`] lines in all (12 bytes a line: its key and position, so about
/// 48 MB at most); the least recently used go first.
#[derive(Debug, Default)]
pub struct LineViews {
    slots: Mutex<Vec<Slot>>,
}

/// At most this many views are kept.
pub const KEEP_VIEWS: usize = 8;

/// At most this many lines are kept across views (one view larger than that is kept alone).
pub const KEEP_LINES: usize = 4_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
struct ViewKey {
    account_id: String,
    invoice_id: String,
    customer_id: String,
    query: LineQueryDto,
}

/// One view's place: filled by the first request that needs it; requests for the same view
/// meanwhile wait on its lock rather than work it out a second time.
type Cell = Arc<Mutex<Option<(Stamp, Arc<View>)>>>;

#[derive(Debug)]
struct Slot {
    key: ViewKey,
    cell: Cell,
    lines: usize,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while building a view leaves at worst an empty cell: carry on.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LineViews {
    /// `query`'s view of `of`: the one kept when its lines and markups have not changed
    /// since, else worked out now and kept.
    pub(crate) fn view(
        &self,
        db: &Database,
        of: &LinesOf<'_>,
        query: &LineQueryDto,
    ) -> Result<Arc<View>, ApiError> {
        let key = ViewKey {
            account_id: of.account_id.to_string(),
            invoice_id: of.invoice_id.to_string(),
            customer_id: of.customer_id.to_string(),
            query: query.normal(),
        };
        let cell = self.cell(&key);
        let mut kept = locked(&cell);
        if let Some((stamp, view)) = kept.as_ref() {
            if *stamp == of.stamp {
                return Ok(view.clone());
            }
        }
        *kept = None;
        let view = Arc::new(build(db, of, &key.query)?);
        *kept = Some((of.stamp.clone(), view.clone()));
        drop(kept);
        self.keep(&key, view.keys.len());
        Ok(view)
    }

    /// Every line of `of` added up per product: from any kept view of it, else from the
    /// view of every line.
    pub(crate) fn groups(
        &self,
        db: &Database,
        of: &LinesOf<'_>,
    ) -> Result<Vec<LineGroupDto>, ApiError> {
        let cells: Vec<Cell> = locked(&self.slots)
            .iter()
            .rev()
            .filter(|s| {
                s.key.account_id == of.account_id
                    && s.key.invoice_id == of.invoice_id
                    && s.key.customer_id == of.customer_id
            })
            .map(|s| s.cell.clone())
            .collect();
        for cell in cells {
            // A view being worked out is not waited for: another one may be ready.
            if let Ok(kept) = cell.try_lock() {
                if let Some((stamp, view)) = kept.as_ref() {
                    if *stamp == of.stamp {
                        return Ok(view.groups.clone());
                    }
                }
            }
        }
        Ok(self.view(db, of, &LineQueryDto::default())?.groups.clone())
    }

    /// Forgets the view of `query` (its lines were read again under it).
    pub(crate) fn forget(&self, of: &LinesOf<'_>, query: &LineQueryDto) {
        let query = query.normal();
        locked(&self.slots).retain(|s| {
            !(s.key.account_id == of.account_id
                && s.key.invoice_id == of.invoice_id
                && s.key.customer_id == of.customer_id
                && s.key.query == query)
        });
    }

    /// The cell of `key`, made most recently used (created empty when new).
    fn cell(&self, key: &ViewKey) -> Cell {
        let mut slots = locked(&self.slots);
        let slot = match slots.iter().position(|s| s.key == *key) {
            Some(i) => slots.remove(i),
            None => Slot {
                key: key.clone(),
                cell: Cell::default(),
                lines: 0,
            },
        };
        let cell = slot.cell.clone();
        slots.push(slot);
        cell
    }

    /// Records the size of `key`'s view and drops the least recently used views beyond the
    /// bounds (never `key`'s, the most recent).
    fn keep(&self, key: &ViewKey, lines: usize) {
        let mut slots = locked(&self.slots);
        if let Some(s) = slots.iter_mut().find(|s| s.key == *key) {
            s.lines = lines;
        }
        let mut total: usize = slots.iter().map(|s| s.lines).sum();
        while slots.len() > 1 && (slots.len() > KEEP_VIEWS || total > KEEP_LINES) {
            let oldest = slots.remove(0);
            total -= oldest.lines;
        }
    }

    /// How many views are kept, and their lines (for tests of the bounds).
    pub fn kept(&self) -> (usize, usize) {
        let slots = locked(&self.slots);
        (slots.len(), slots.iter().map(|s| s.lines).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_read_from_the_start_of_a_date_time() {
        assert_eq!(
            ymd("2026-10-05T00:00:00Z"),
            NaiveDate::from_ymd_opt(2026, 10, 5)
        );
        assert_eq!(ymd("2026-02-30"), None, "no such day");
        assert_eq!(ymd("2026/10/05"), None);
        assert_eq!(ymd("2026-1-5"), None);
    }

    #[test]
    fn the_search_ignores_case_in_and_beyond_ascii() {
        let n = Needle::new("  STOR ");
        assert!(n.found_in(Some("Premium storage")));
        assert!(!n.found_in(Some("Bandwidth")));
        assert!(!n.found_in(None));
        let n = Needle::new("ÉTÉ");
        assert!(n.found_in(Some("Forfait été")), "non-ASCII lower-cased");
        assert!(Needle::new("").lower.is_empty());
    }
}
