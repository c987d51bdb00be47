//! Which billing data comes from Microsoft Graph's partner billing exports, and when each
//! export is read again: pure functions of the cursors, beside [`crate::plan`].
//!
//! Rules (why in brackets; the API map is reference §0):
//! - New-commerce billed usage and billed reconciliation come from Graph for invoices whose
//!   billing period starts in [`GRAPH_FROM_MONTH`] or later [Microsoft serves them nowhere
//!   else]; legacy invoices (`D...`) and earlier periods stay on the v1 line items. Chosen per
//!   invoice, from its own billing period.
//! - Unbilled usage and unbilled reconciliation of the open periods from that month on come
//!   from Graph, per billing currency, for the current period and, until the last one's
//!   invoice is out, the last one.
//! - An export never read, or for which Microsoft had no data, is read. A billed export is asked again when older than
//!   [`BILLED_RECHECK`] while its invoice is recent ([`RESTATED_MONTHS`]) [late usage
//!   restates recent months; Microsoft's eTag says whether anything changed, and an unchanged
//!   one downloads nothing]; an unbilled one when older than [`crate::plan::UNBILLED_REFRESH`]
//!   or when the period changed.

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::{
    period_month, Cursors, InvoiceCursor, UnbilledPeriod, INVOICE_DAY, UNBILLED_REFRESH,
};
pub use cspdesk_store::discovered::GraphDataset;

/// The cut-over, in one place: the first billing month (`YYYY-MM`) whose new-commerce billed
/// and unbilled data only Graph serves ("billing periods after March 2025", reference §0).
pub const GRAPH_FROM_MONTH: &str = "2025-04";

/// A billed export is checked for a new data version when older than this.
pub const BILLED_RECHECK: Duration = Duration::hours(20);

/// Billed exports of invoices this many months back (or newer) are checked again.
pub const RESTATED_MONTHS: u32 = 2;

/// One Graph export to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphStep {
    /// Which export.
    pub dataset: GraphDataset,
    /// The invoice id, or `YYYY-MM:CUR` of an open period.
    pub scope: String,
    /// The invoice (billed exports).
    pub invoice: Option<String>,
    /// The open period (unbilled exports).
    pub period: Option<UnbilledPeriod>,
    /// Billing currency.
    pub currency: String,
    /// The data version stored, if any: an export whose manifest names it downloads nothing.
    pub stored_e_tag: Option<String>,
    /// Whether a read of it is stored (with no data when `stored_e_tag` is `None`).
    pub stored: bool,
}

/// Whether `invoice`'s new-commerce line items come from Graph under cut-over `from`.
pub fn uses_graph(invoice: &InvoiceCursor, from: Option<&str>) -> bool {
    let (Some(from), Some(month)) = (from, invoice.month.as_deref()) else {
        return false;
    };
    !invoice.id.to_ascii_uppercase().starts_with('D') && month >= from
}

/// The Graph exports to read now (the invoice list must have been read this run).
pub fn graph_steps(c: &Cursors, now: DateTime<Utc>, from: Option<&str>) -> Vec<crate::plan::Step> {
    let Some(from) = from else { return Vec::new() };
    let mut steps = Vec::new();
    let stored = |dataset: GraphDataset, scope: &str| {
        c.graph_exports
            .iter()
            .find(|g| g.dataset == dataset && g.scope == scope)
    };
    let recent = month_back(now, RESTATED_MONTHS);
    for invoice in c.invoices.iter().filter(|i| uses_graph(i, Some(from))) {
        for dataset in [
            GraphDataset::BilledReconciliation,
            GraphDataset::BilledUsage,
        ] {
            let read = stored(dataset, &invoice.id);
            // "No data" is asked again each run: it may be a note's, or not ready yet.
            let due = read.is_none_or(|r| {
                r.e_tag.is_none()
                    || now - r.read_at > BILLED_RECHECK
                        && invoice
                            .month
                            .as_deref()
                            .is_some_and(|m| m >= recent.as_str())
            });
            if due {
                steps.push(crate::plan::Step::FetchGraphExport(GraphStep {
                    dataset,
                    scope: invoice.id.clone(),
                    invoice: Some(invoice.id.clone()),
                    period: None,
                    currency: invoice.currency.clone(),
                    stored_e_tag: read.and_then(|r| r.e_tag.clone()),
                    stored: read.is_some(),
                }));
            }
        }
    }
    for (period, currency) in open_periods(c, now) {
        let month = period_month(now, period);
        if month.as_str() < from {
            continue;
        }
        let scope = format!("{month}:{currency}");
        for dataset in [
            GraphDataset::UnbilledReconciliation,
            GraphDataset::UnbilledUsage,
        ] {
            let read = stored(dataset, &scope);
            if read.is_none_or(|r| r.e_tag.is_none() || now - r.read_at > UNBILLED_REFRESH) {
                steps.push(crate::plan::Step::FetchGraphExport(GraphStep {
                    dataset,
                    scope: scope.clone(),
                    invoice: None,
                    period: Some(period),
                    currency: currency.clone(),
                    stored_e_tag: read.and_then(|r| r.e_tag.clone()),
                    stored: read.is_some(),
                }));
            }
        }
    }
    steps
}

/// The open periods and billing currencies to read unbilled data of: the current period, and
/// the last one until its invoice in that currency is out (Microsoft issues it by the 8th).
/// Partner Center lists no billing currencies: those of the invoices, else the rate cards'.
pub fn open_periods(c: &Cursors, now: DateTime<Utc>) -> Vec<(UnbilledPeriod, String)> {
    let mut currencies: Vec<&str> = c.invoices.iter().map(|i| i.currency.as_str()).collect();
    if currencies.is_empty() {
        currencies = c.rate_cards.iter().map(|(cur, _)| cur.as_str()).collect();
    }
    currencies.sort_unstable();
    currencies.dedup();
    let mut periods = vec![UnbilledPeriod::Current];
    if now.day() < INVOICE_DAY {
        periods.push(UnbilledPeriod::Previous);
    }
    let mut out = Vec::new();
    for period in periods {
        let month = period_month(now, period);
        for currency in &currencies {
            let invoiced = c
                .invoices
                .iter()
                .any(|i| i.currency == *currency && i.month.as_deref() == Some(month.as_str()));
            if !invoiced {
                out.push((period, currency.to_string()));
            }
        }
    }
    out
}

/// `YYYY-MM` of the month `months` before `now`'s.
fn month_back(now: DateTime<Utc>, months: u32) -> String {
    let total = now.year() * 12 + now.month0() as i32 - months as i32;
    format!(
        "{:04}-{:02}",
        total.div_euclid(12),
        total.rem_euclid(12) + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use cspdesk_store::discovered::{GraphExportRead, LineStream};

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0).unwrap()
    }

    fn invoice(id: &str, month: &str) -> InvoiceCursor {
        InvoiceCursor {
            id: id.into(),
            currency: "USD".into(),
            month: Some(month.into()),
            streams: vec![LineStream {
                provider: "one_time".into(),
                kind: "usage_line_items".into(),
                complete: false,
                resume: None,
            }],
        }
    }

    fn read(dataset: GraphDataset, scope: &str, at: DateTime<Utc>) -> GraphExportRead {
        GraphExportRead {
            dataset,
            scope: scope.into(),
            e_tag: Some("e1".into()),
            read_at: at,
        }
    }

    #[test]
    fn the_cut_over_is_chosen_per_invoice_from_its_period() {
        assert!(uses_graph(
            &invoice("G000000001", "2025-04"),
            Some(GRAPH_FROM_MONTH)
        ));
        assert!(
            !uses_graph(&invoice("G000000001", "2025-03"), Some(GRAPH_FROM_MONTH)),
            "March 2025 stays on v1"
        );
        assert!(
            !uses_graph(&invoice("D000000001", "2026-10"), Some(GRAPH_FROM_MONTH)),
            "legacy invoices stay on v1"
        );
        assert!(
            !uses_graph(&invoice("G000000001", "2026-10"), None),
            "no cut-over: everything on v1"
        );
        assert_eq!(month_back(t(1, 0), 2), "2026-10");
        assert_eq!(
            month_back(Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap(), 2),
            "2025-11"
        );
    }

    #[test]
    fn exports_are_read_once_then_rechecked_only_when_recent_and_stale() {
        let mut c = Cursors {
            invoices: vec![
                invoice("G1", "2026-11"),
                invoice("G2", "2026-06"),
                invoice("G0", "2025-01"),
            ],
            ..Cursors::default()
        };
        let steps = graph_steps(&c, t(9, 6), Some(GRAPH_FROM_MONTH));
        let scopes: Vec<(GraphDataset, &str)> = steps
            .iter()
            .map(|s| match s {
                crate::plan::Step::FetchGraphExport(g) => (g.dataset, g.scope.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            scopes,
            vec![
                (GraphDataset::BilledReconciliation, "G1"),
                (GraphDataset::BilledUsage, "G1"),
                (GraphDataset::BilledReconciliation, "G2"),
                (GraphDataset::BilledUsage, "G2"),
                (GraphDataset::UnbilledReconciliation, "2026-12:USD"),
                (GraphDataset::UnbilledUsage, "2026-12:USD"),
            ],
            "G0 is before the cut-over; after the 8th only the current period is open"
        );
        for (d, s) in [
            (GraphDataset::BilledReconciliation, "G1"),
            (GraphDataset::BilledUsage, "G1"),
            (GraphDataset::BilledReconciliation, "G2"),
            (GraphDataset::BilledUsage, "G2"),
            (GraphDataset::UnbilledReconciliation, "2026-12:USD"),
            (GraphDataset::UnbilledUsage, "2026-12:USD"),
        ] {
            c.graph_exports.push(read(d, s, t(9, 6)));
        }
        assert_eq!(
            graph_steps(&c, t(9, 8), Some(GRAPH_FROM_MONTH)),
            vec![],
            "everything is fresh"
        );
        let next_day = graph_steps(&c, t(10, 6), Some(GRAPH_FROM_MONTH));
        assert_eq!(
            next_day.len(),
            4,
            "G1 (recent) and the open period again, not June's G2: {next_day:?}"
        );
        assert!(next_day.iter().all(|s| matches!(s, crate::plan::Step::FetchGraphExport(g) if g.stored_e_tag.as_deref() == Some("e1") && g.scope != "G2")));
    }
}
