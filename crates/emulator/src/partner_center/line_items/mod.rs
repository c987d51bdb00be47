//! Invoice line items: legacy Azure billing lines (offset paging), new-commerce billing lines and
//! daily rated usage (seek paging, max 2000), billed or unbilled (`period=current|previous`).
//!
//! This module reads the request and picks the page: `daily_usage` serves daily rated usage,
//! `onetime` new-commerce billing lines (of invoices and of their adjustment notes), `legacy`
//! legacy Azure billing lines.

mod daily_usage;
mod legacy;
mod onetime;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{Duration, NaiveDate};
use serde_json::Value;

use super::continuation::{self, normalise, Params};
use super::guard::admit;
use crate::server::{AppState, Shared};
use crate::wire::{collection, json_response, link, pc_error};
use crate::world::billing::{InvoiceKind, InvoiceRef};
use crate::world::{Currency, Customer, Month, PlanKind};
use daily_usage::usage_page;
use legacy::legacy_page;
use onetime::modern_billing_page;

/// Default and maximum page size of line items.
pub const LINE_PAGE: u64 = 2000;

fn bad(text: impl Into<String>) -> Response {
    pc_error(StatusCode::BAD_REQUEST, "800002", text)
}

/// `GET /v1/invoices/{id}/lineitems?provider=&invoicelineitemtype=...`.
pub(crate) async fn by_query(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(invoice): Path<String>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    serve(&s, &headers, &invoice, normalise(raw))
}

/// `GET /v1/invoices/{id}/lineitems/{provider}/{type}` (path form of the same call).
pub(crate) async fn by_path(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((invoice, provider, kind)): Path<(String, String, String)>,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let mut params = normalise(raw);
    params.insert("provider".into(), provider);
    params.insert("invoicelineitemtype".into(), kind);
    serve(&s, &headers, &invoice, params)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Billing,
    Usage,
}

fn serve(s: &Shared, headers: &HeaderMap, invoice: &str, params: Params) -> Response {
    if let Err(r) = admit(s, headers, "lineitems", None) {
        return r;
    }
    let provider = params
        .get("provider")
        .map(|p| p.to_ascii_lowercase().replace('_', ""))
        .unwrap_or_default();
    let kind = match params
        .get("invoicelineitemtype")
        .map(|t| t.to_ascii_lowercase().replace('_', ""))
        .as_deref()
    {
        Some("billinglineitems") => Kind::Billing,
        Some("usagelineitems") => Kind::Usage,
        _ => return bad("invoicelineitemtype must be billinglineitems or usagelineitems."),
    };
    let today = s.clock.today();
    let yesterday = today.pred_opt().unwrap_or(today);
    // Past the cut-over, new-commerce periods are served by Graph only: v1 finds nothing.
    let cut_over = |month: Month| s.knobs().v1_cutover && month >= crate::graph::CUTOVER;
    if invoice.eq_ignore_ascii_case("unbilled") {
        if provider != "onetime" {
            return bad("Unbilled line items are served for provider=onetime only.");
        }
        let Some(currency) = params.get("currencycode").and_then(|c| Currency::parse(c)) else {
            return bad("currencycode is required (USD, EUR or GBP).");
        };
        let this_month = Month::of(today);
        let (month, open) = match params
            .get("period")
            .map(|p| p.to_ascii_lowercase())
            .as_deref()
        {
            Some("current") => (this_month, true),
            // Last month stays unbilled until its invoice is issued on the 8th.
            Some("previous") => (this_month.prev(), today < this_month.prev().invoice_date()),
            _ => return bad("period must be current or previous."),
        };
        let scope = Scope {
            note: None,
            invoice_number: String::new(),
            month,
            currency,
            through: if open {
                yesterday
            } else {
                month.first_day() - Duration::days(1)
            },
        };
        let base = "/v1/invoices/unbilled/lineitems".to_string();
        if cut_over(month) {
            return no_data(&params, &base);
        }
        return match kind {
            Kind::Usage => usage_page(s, headers, &params, &scope, &base),
            Kind::Billing => modern_billing_page(s, headers, &params, &scope, &base),
        };
    }
    let Some(inv) = s.world.invoice(invoice, today) else {
        return pc_error(
            StatusCode::NOT_FOUND,
            "1000",
            format!("Invoice {invoice} was not found."),
        );
    };
    let base = format!("/v1/invoices/{}/lineitems", inv.id);
    if inv.kind != InvoiceKind::Legacy && provider == "onetime" && cut_over(inv.month) {
        return no_data(&params, &base);
    }
    match (inv.kind, provider.as_str(), kind) {
        (InvoiceKind::Legacy, "azure", Kind::Billing) => legacy_page(s, &params, &inv),
        (InvoiceKind::Modern, "onetime", _) => {
            if let Some(code) = params.get("currencycode") {
                if !code.eq_ignore_ascii_case(inv.currency.code()) {
                    return bad(format!(
                        "Invoice {} is billed in {}.",
                        inv.id,
                        inv.currency.code()
                    ));
                }
            }
            let scope = Scope {
                note: None,
                invoice_number: inv.id.clone(),
                month: inv.month,
                currency: inv.currency,
                through: inv.month.last_day(),
            };
            match kind {
                Kind::Usage => usage_page(s, headers, &params, &scope, &base),
                Kind::Billing => modern_billing_page(s, headers, &params, &scope, &base),
            }
        }
        (InvoiceKind::AdjustmentNote, "onetime", Kind::Billing) => {
            let scope = Scope {
                invoice_number: inv.id.clone(),
                month: inv.month,
                currency: inv.currency,
                through: inv.month.last_day(),
                note: Some(inv.clone()),
            };
            modern_billing_page(s, headers, &params, &scope, &base)
        }
        _ => bad(format!(
            "Invoice {} has no {provider} line items of that type.",
            inv.id
        )),
    }
}

/// An empty collection: what a v1 new-commerce line-item call gets for a period only Graph serves.
fn no_data(params: &Params, base: &str) -> Response {
    let q = continuation::next_query(params, &[]);
    json_response(
        StatusCode::OK,
        &collection(Vec::new(), &format!("{base}?{q}"), None, None),
    )
}

/// What a seek-paged line-item call covers.
struct Scope {
    /// A credit or adjustment note: its own lines instead of the month's.
    note: Option<InvoiceRef>,
    invoice_number: String,
    month: Month,
    currency: Currency,
    through: NaiveDate,
}

fn seek_links(
    s: &Shared,
    params: &Params,
    base: &str,
    bound: &str,
    size: u64,
    next: Option<Vec<u64>>,
) -> (Option<Value>, Option<String>) {
    match next {
        Some(pos) => {
            let token = continuation::issue(&s.key, bound, &pos);
            let q = continuation::next_query(
                params,
                &[("size", size.to_string()), ("seekOperation", "Next".into())],
            );
            (
                Some(link(&format!("{base}?{q}"), Some(&token))),
                Some(token),
            )
        }
        None => (None, None),
    }
}

fn modern_customer(c: &Customer, currency: Currency) -> bool {
    c.plan == PlanKind::AzurePlan && c.currency == currency
}
