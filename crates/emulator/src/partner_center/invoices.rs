//! Invoice list (offset paging, newest first) and invoice by id. Totals are computed from the
//! line items the first time an invoice is shown and cached for the life of the emulator.

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

fn invoice_json(s: &Shared, inv: &InvoiceRef, detailed: bool) -> Value {
    let total = total(s, inv);
    let today = s.clock.today();
    let paid = if today >= inv.month.invoice_date() + chrono::Duration::days(60) {
        -total
    } else {
        Decimal::ZERO
    };
    let details = match inv.kind {
        InvoiceKind::Modern => json!([
            { "invoiceLineItemType": "billing_line_items", "billingProvider": "one_time",
              "links": { "self": link(&format!("/invoices/{}/lineitems/OneTime/BillingLineItems", inv.id), None) },
              "attributes": { "objectType": "InvoiceDetail" } },
            { "invoiceLineItemType": "usage_line_items", "billingProvider": "one_time",
              "links": { "self": link(&format!("/invoices/{}/lineitems/OneTime/UsageLineItems", inv.id), None) },
              "attributes": { "objectType": "InvoiceDetail" } },
        ]),
        InvoiceKind::Legacy => json!([
            { "invoiceLineItemType": "billing_line_items", "billingProvider": "azure",
              "links": { "self": link(&format!("/invoices/{}/lineitems/Azure/BillingLineItems", inv.id), None) },
              "attributes": { "objectType": "InvoiceDetail" } },
        ]),
    };
    let mut v = json!({
        "id": inv.id,
        "invoiceDate": day_text(inv.month.invoice_date()),
        "billingPeriodStartDate": day_text(inv.month.first_day()),
        "billingPeriodEndDate": day_text(inv.month.last_day()),
        "totalCharges": num_value(total),
        "paidAmount": num_value(paid),
        "currencyCode": inv.currency.code(),
        "currencySymbol": inv.currency.symbol(),
        "documentType": "invoice",
        "invoiceType": match inv.kind { InvoiceKind::Modern => "OneTime", InvoiceKind::Legacy => "Recurring" },
        "invoiceDetails": details,
        "amendments": [],
        "taxReceipts": [],
        "links": { "self": link(&format!("/invoices/{}", inv.id), None) },
        "attributes": { "objectType": "Invoice" },
    });
    if detailed {
        v["pdfDownloadLink"] = json!(format!(
            "{}/v1/invoices/{}/documents/statement",
            s.base_url, inv.id
        ));
    }
    v
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
        .map(|i| invoice_json(&s, i, false))
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
        Some(inv) => json_response(StatusCode::OK, &invoice_json(&s, &inv, true)),
        None => pc_error(
            StatusCode::NOT_FOUND,
            "1000",
            format!("Invoice {id} was not found."),
        ),
    }
}
