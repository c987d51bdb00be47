//! Invoice list (offset paging, newest first) and invoice by id, each invoice with its credit
//! and adjustment notes (`amendments`) and tax receipts. Totals are computed from the line
//! items the first time a document is shown and cached for the life of the emulator.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::continuation::{self, normalise};
use super::day_text;
use super::guard::admit;
use crate::server::{lock, AppState, Shared};
use crate::wire::{collection, json_response, link, num_value, pc_error};
use crate::world::billing::{InvoiceKind, InvoiceRef};

/// Default and maximum page size of the invoice list.
pub const INVOICE_PAGE: u64 = 200;

/// Cached total of an invoice.
pub(crate) fn total(s: &Shared, inv: &InvoiceRef) -> Decimal {
    if let Some(t) = lock(&s.invoice_totals).get(&inv.id) {
        return *t;
    }
    let t = s.world.invoice_total(inv);
    lock(&s.invoice_totals).insert(inv.id.clone(), t);
    t
}

/// An invoice, or a note, as Partner Center's `Invoice`. A note carries what the published
/// `amendments[]` entry carries: no links, period, statement or tax receipts of its own.
fn invoice_json(s: &Shared, inv: &InvoiceRef) -> Value {
    let total = total(s, inv);
    let today = s.clock.today();
    let paid = if today >= inv.issued() + chrono::Duration::days(60) {
        -total
    } else {
        Decimal::ZERO
    };
    let detail = |provider: &str, kind: &str, path: Option<String>| {
        let mut d = json!({ "invoiceLineItemType": kind, "billingProvider": provider,
                            "attributes": { "objectType": "InvoiceDetail" } });
        if let Some(p) = path {
            d["links"] = json!({ "self": link(&p, None) });
        }
        d
    };
    let details = match inv.kind {
        InvoiceKind::Modern => json!([
            detail(
                "one_time",
                "billing_line_items",
                Some(format!(
                    "/invoices/OneTime-{}/lineitems/OneTime/BillingLineItems",
                    inv.id
                ))
            ),
            detail(
                "one_time",
                "usage_line_items",
                Some(format!(
                    "/invoices/OneTime-{}/lineitems/OneTime/UsageLineItems",
                    inv.id
                ))
            ),
        ]),
        InvoiceKind::Legacy => json!([detail(
            "azure",
            "billing_line_items",
            Some(format!(
                "/invoices/Recurring-{}/lineitems/Azure/BillingLineItems",
                inv.id
            ))
        ),]),
        InvoiceKind::AdjustmentNote => json!([detail("one_time", "billing_line_items", None)]),
    };
    let mut v = json!({
        "id": inv.id,
        "invoiceDate": day_text(inv.issued()),
        "totalCharges": num_value(total),
        "paidAmount": num_value(paid),
        "currencyCode": inv.currency.code(),
        "currencySymbol": inv.currency.symbol(),
        "invoiceDetails": details,
        "documentType": match inv.kind { InvoiceKind::AdjustmentNote => "adjustment_note", _ => "invoice" },
        "invoiceType": match inv.kind { InvoiceKind::Legacy => "Recurring", _ => "OneTime" },
        "attributes": { "objectType": "Invoice" },
    });
    if let Some((of, _)) = &inv.amends {
        v["amendsOf"] = json!(of);
        return v;
    }
    let kind = match inv.kind {
        InvoiceKind::Legacy => "Recurring",
        _ => "OneTime",
    };
    v["billingPeriodStartDate"] = json!(day_text(inv.month.first_day()));
    v["billingPeriodEndDate"] = json!(day_text(inv.month.last_day()));
    // Relative to the API root, as Microsoft sends it.
    v["pdfDownloadLink"] = json!(format!("/invoices/{}/documents/statement", inv.id));
    // A tax receipt is issued once an invoice with charges is paid.
    let receipts: Vec<Value> = (total > Decimal::ZERO && !paid.is_zero())
        .then(|| {
            let receipt = receipt_id(&inv.id);
            json!({ "id": receipt,
                    "taxReceiptPdfDownloadLink": format!("/invoices/{}/receipts/{receipt}/documents/statement", inv.id) })
        })
        .into_iter()
        .collect();
    v["taxReceipts"] = json!(receipts);
    let notes: Vec<Value> = s
        .world
        .notes_of(&inv.id, today)
        .iter()
        .map(|n| invoice_json(s, n))
        .collect();
    if !notes.is_empty() {
        v["amendments"] = json!(notes);
    }
    v["links"] = json!({ "self": link(&format!("/invoices/{kind}-{}", inv.id), None) });
    v
}

/// A receipt number derived from the invoice's digits.
fn receipt_id(invoice: &str) -> String {
    let digits: String = invoice.chars().filter(char::is_ascii_digit).collect();
    format!("{}", digits.parse::<u64>().unwrap_or(0) % 1_000_000)
}

/// `GET /v1/invoices?size=&offset=`.
pub(crate) async fn list(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    if let Err(r) = admit(&s, &headers, "invoices", None) {
        return r;
    }
    let params = normalise(raw);
    let (size, offset) = match (
        continuation::size(&params, INVOICE_PAGE, INVOICE_PAGE),
        continuation::offset(&params),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let mut all = s.world.invoices(s.clock.today());
    all.reverse();
    let page: Vec<Value> = all
        .iter()
        .skip(offset as usize)
        .take(size as usize)
        .map(|i| invoice_json(&s, i))
        .collect();
    let next = (offset + size < all.len() as u64).then(|| {
        link(
            &format!("/invoices?size={size}&offset={}", offset + size),
            None,
        )
    });
    json_response(
        StatusCode::OK,
        &collection(
            page,
            &format!("/invoices?size={size}&offset={offset}"),
            next,
            None,
        ),
    )
}

/// `GET /v1/invoices/{id}`.
pub(crate) async fn get_one(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = admit(&s, &headers, "invoices", None) {
        return r;
    }
    match s.world.invoice(&id, s.clock.today()) {
        Some(inv) => json_response(StatusCode::OK, &invoice_json(&s, &inv)),
        None => pc_error(
            StatusCode::NOT_FOUND,
            "1000",
            format!("Invoice {id} was not found."),
        ),
    }
}
