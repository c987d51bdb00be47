//! Microsoft's invoice samples (`tests/fixtures/microsoft/invoices/`) through the client's real
//! entry points and Discovery's mapping into store rows: invoices with their credit and
//! adjustment notes and tax receipts, legacy Office licence lines (quantity, price, subtotal,
//! tax), legacy Azure billing and usage lines, and new-commerce billed lines.

use cspdesk_discovery::rows;
use cspdesk_partner_api::{BilledLineItem, Invoice, LegacyLineItem, LineItemQuery};
use cspdesk_store::discovered::InvoiceRow;
use cspdesk_store::{accounts, billing, Database};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

use super::{client_for, dec, sample, serve};
use crate::common::*;

fn legacy(provider: &str, kind: &str) -> LineItemQuery {
    LineItemQuery::Legacy {
        invoice_id: "1234000000".into(),
        provider: provider.into(),
        kind: kind.into(),
    }
}

/// Every key our type reads back out (non-null) is one Microsoft's item carries: a field
/// named or cased differently from the wire would read nothing and show up here.
fn keys_are_microsofts<T: Serialize>(what: &str, ours: &[T], theirs: &Value) {
    let items = theirs["items"].as_array().expect("a collection");
    for (i, (o, t)) in ours.iter().zip(items).enumerate() {
        let o = serde_json::to_value(o).unwrap();
        for (k, v) in o.as_object().unwrap() {
            if v.is_null() || (v.is_array() && v.as_array().unwrap().is_empty()) {
                continue;
            }
            assert!(
                t.get(k).is_some(),
                "{what} item {i}: our field `{k}` is not a key of Microsoft's sample"
            );
        }
    }
}

#[tokio::test]
async fn invoices_keep_their_notes_tax_receipts_and_relative_links() {
    let emu = start().await;
    let list = sample("invoices/invoices.json");
    let server = serve(vec![
        ("/v1/invoices?", list.clone()),
        ("/v1/invoices/G000024135", sample("invoices/invoice.json")),
    ])
    .await;
    let (_session, pc) = client_for(&emu, &server).await;

    let page = pc.invoices_page(2, 0, None).await.unwrap();
    assert_eq!(page.total_count, Some(2));
    assert_eq!(
        page.next.as_ref().map(|n| n.path.as_str()),
        Some("/v1/invoices?size=2&offset=2"),
        "the relative next link gets its /v1"
    );
    let [office, modern]: [Invoice; 2] = page.items.clone().try_into().unwrap();
    assert_eq!(office.id, "D02005YFHI");
    assert_eq!(office.total_charges, dec("24606.35"));
    assert_eq!(office.paid_amount, Some(dec("1000")));
    assert_eq!(office.currency_code, "GBP");
    assert_eq!(office.invoice_type.as_deref(), Some("Recurring"));
    assert_eq!(office.document_type.as_deref(), Some("invoice"));
    assert_eq!(
        office.pdf_download_link.as_deref(),
        Some("/invoices/D02005YFHI/documents/statement"),
        "Microsoft sends the statement link relative to the API root"
    );
    assert_eq!(office.invoice_details[0].billing_provider, "office");
    assert_eq!(office.tax_receipts[0].id, "123456");
    assert!(office.amendments.is_empty());

    assert_eq!(modern.id, "G000024130");
    assert_eq!(modern.total_charges, dec("586366"));
    assert_eq!(modern.currency_code, "CHF");
    assert_eq!(modern.document_type.as_deref(), Some("void_note"));
    assert_eq!(
        modern.tax_receipts[0]
            .tax_receipt_pdf_download_link
            .as_deref(),
        Some("/invoices/G000024130/receipts/234567/documents/statement")
    );
    let note = &modern.amendments[0];
    assert_eq!(note.id, "G000024131");
    assert_eq!(note.document_type.as_deref(), Some("adjustment_note"));
    assert_eq!(note.amends_of.as_deref(), Some("G000024130"));
    assert_eq!(note.total_charges, dec("107661.12"));
    assert_eq!(
        note.invoice_date.as_deref(),
        Some("2018-02-08T18:44:37.5381456Z")
    );
    assert_eq!(note.currency_code, "CHF");
    assert_eq!(
        note.billing_period_start_date, None,
        "a note has no period of its own"
    );

    let one = pc.invoice("G000024135").await.unwrap();
    assert_eq!(one.total_charges, dec("2076.63"));
    assert_eq!(one.currency_code, "USD");
    assert_eq!(
        one.billing_period_start_date.as_deref(),
        Some("2018-02-01T22:40:37.5897767Z")
    );
    assert_eq!(
        one.billing_period_end_date.as_deref(),
        Some("2018-02-28T22:40:37.5897767Z")
    );
    assert_eq!(one.document_type.as_deref(), Some("invoice"));
    assert_eq!(
        one.pdf_download_link.as_deref(),
        Some("/invoices/G000024135/documents/statement")
    );
    assert!(server.unmatched.lock().unwrap().is_empty());

    // Discovery writes the note as a document of its own that names the invoice it amends,
    // with its own line-item collection.
    let rows: Vec<InvoiceRow> = page
        .items
        .into_iter()
        .flat_map(rows::invoices_with_notes)
        .collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["D02005YFHI", "G000024130", "G000024131"]);
    let note_row = &rows[2];
    assert_eq!(note_row.amends_of.as_deref(), Some("G000024130"));
    assert_eq!(note_row.document_type.as_deref(), Some("adjustment_note"));
    assert_eq!(note_row.total_charges, dec("107661.12"));
    assert_eq!(
        note_row.streams,
        [("one_time".to_string(), "billing_line_items".to_string())]
    );
    assert_eq!(rows[1].amends_of, None);

    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("samples.sqlite3")).unwrap();
    let account = accounts::add(
        &db,
        "Samples",
        "0a1b2c3d-0000-4000-8000-000000000018",
        now(),
    )
    .unwrap()
    .id;
    let mut w = db.ingest(&account).unwrap();
    w.invoices(&rows, now()).unwrap();
    w.commit().unwrap();
    let stored = billing::invoice(&db, &account, "G000024131")
        .unwrap()
        .expect("the note is stored");
    assert_eq!(stored.amends_of.as_deref(), Some("G000024130"));
    assert_eq!(stored.document_type.as_deref(), Some("adjustment_note"));
    assert_eq!(stored.total_charges.to_string(), "107661.12");
    assert_eq!(stored.currency, "CHF");
}

#[tokio::test]
async fn legacy_office_lines_keep_quantity_price_subtotal_and_tax() {
    let emu = start().await;
    let office = sample("invoices/invoice-line-items-office.json");
    let server = serve(vec![("/v1/invoices/1234000000/lineitems", office.clone())]).await;
    let (_session, pc) = client_for(&emu, &server).await;

    let page = pc
        .line_items_page::<LegacyLineItem>(&legacy("office", "billinglineitems"), 2, None)
        .await
        .unwrap();
    assert!(
        server.seen.lock().unwrap()[0]
            .starts_with("/v1/invoices/1234000000/lineitems?provider=office&invoicelineitemtype=billinglineitems&size=2&offset=0")
    );
    keys_are_microsofts(
        "office lines",
        &page.items,
        &serde_json::from_str(&office).unwrap(),
    );
    let [exchange, sharepoint]: [LegacyLineItem; 2] = page.items.try_into().unwrap();
    assert_eq!(exchange.quantity, Some(dec("3")));
    assert_eq!(exchange.unit_price, Some(Decimal::ZERO));
    assert_eq!(exchange.subtotal, Some(Decimal::ZERO));
    assert_eq!(exchange.tax, Some(Decimal::ZERO));
    assert_eq!(
        exchange.offer_name.as_deref(),
        Some("EXCHANGE ONLINE (PLAN 2)")
    );
    assert_eq!(exchange.billing_cycle_type.as_deref(), Some("MONTHLY"));
    assert_eq!(exchange.currency.as_deref(), Some("USD"));
    assert_eq!(sharepoint.quantity, Some(dec("1")));
    assert_eq!(
        sharepoint.subscription_id.as_deref(),
        Some("Ik4YawEAAAAAAAEA")
    );

    // Mapped as a run maps them: the licences, price, subtotal and tax are kept (they were
    // stored empty when only the Azure names were read).
    let row = rows::legacy_line(exchange);
    assert_eq!(
        row.customer_id.as_deref(),
        Some("74221236-D09C-4870-AC1D-33E155E9AEBE")
    );
    assert_eq!(row.consumed_quantity, Some(dec("3")));
    assert_eq!(row.unit_price, Some(Decimal::ZERO));
    assert_eq!(row.pretax_charges, Some(Decimal::ZERO));
    assert_eq!(row.tax_amount, Some(Decimal::ZERO));
    assert_eq!(
        row.resource_name.as_deref(),
        Some("EXCHANGE ONLINE (PLAN 2)")
    );
    assert_eq!(
        row.charge_start_date.as_deref(),
        Some("2017-05-12T00:00:00")
    );
    assert_eq!(row.charge_end_date.as_deref(), Some("2017-06-09T00:00:00"));
    assert_eq!(row.billing_cycle_type.as_deref(), Some("MONTHLY"));
}

#[tokio::test]
async fn legacy_azure_billing_and_usage_lines_keep_their_amounts_and_units() {
    let emu = start().await;
    let billing_body = sample("invoices/invoice-line-items-azure-billing.json");
    let usage_body = sample("invoices/invoice-line-items-azure-usage.json");
    let server = serve(vec![
        (
            "/v1/invoices/1234000000/lineitems?provider=azure&invoicelineitemtype=billinglineitems",
            billing_body.clone(),
        ),
        (
            "/v1/invoices/1234000000/lineitems?provider=azure&invoicelineitemtype=usagelineitems",
            usage_body.clone(),
        ),
    ])
    .await;
    let (_session, pc) = client_for(&emu, &server).await;

    let page = pc
        .line_items_page::<LegacyLineItem>(&legacy("azure", "billinglineitems"), 2, None)
        .await
        .unwrap();
    keys_are_microsofts(
        "azure billing lines",
        &page.items,
        &serde_json::from_str(&billing_body).unwrap(),
    );
    let row = rows::legacy_line(page.items[0].clone());
    assert_eq!(row.consumed_quantity, Some(dec("745")));
    assert_eq!(row.unit_price, Some(dec("0.085")));
    assert_eq!(row.pretax_charges, Some(dec("63.33")));
    assert_eq!(row.tax_amount, Some(dec("6.34")));
    assert_eq!(row.unit.as_deref(), Some("1 Hour"));
    assert_eq!(row.billing_cycle_type.as_deref(), Some("Monthly"));
    assert_eq!(row.resource_name.as_deref(), Some("S1"));
    assert_eq!(
        row.resource_guid.as_deref(),
        Some("505db374-df8a-44df-9d8c-13c14b61dee1")
    );
    assert_eq!(row.currency.as_deref(), Some("USD"));
    let second = rows::legacy_line(page.items[1].clone());
    assert_eq!(second.consumed_quantity, Some(dec("0.000882")));
    assert_eq!(second.pretax_charges, Some(Decimal::ZERO));

    let page = pc
        .line_items_page::<LegacyLineItem>(&legacy("azure", "usagelineitems"), 2, None)
        .await
        .unwrap();
    keys_are_microsofts(
        "azure usage lines",
        &page.items,
        &serde_json::from_str(&usage_body).unwrap(),
    );
    let row = rows::legacy_line(page.items[0].clone());
    assert_eq!(row.consumed_quantity, Some(dec("2.9616")));
    assert_eq!(row.unit.as_deref(), Some("10K"));
    assert_eq!(
        row.pretax_charges, None,
        "daily usage lines carry no amounts"
    );
    assert_eq!(row.resource_name.as_deref(), Some("DISK DELETE OPERATIONS"));
    assert_eq!(
        row.customer_id.as_deref(),
        Some("9E9B71BA-3442-458B-B519-E1CCF72FBB54")
    );
    assert!(server.unmatched.lock().unwrap().is_empty());
}

#[tokio::test]
async fn new_commerce_billed_lines_read_numbers_sent_as_strings_and_as_numbers() {
    let emu = start().await;
    let body = sample("invoices/invoice-line-items-onetime-billing.json");
    let server = serve(vec![("/v1/invoices/G000773581/lineitems", body.clone())]).await;
    let (_session, pc) = client_for(&emu, &server).await;

    let query = LineItemQuery::Billed {
        invoice_id: "G000773581".into(),
        currency: "USD".into(),
    };
    let page = pc
        .line_items_page::<BilledLineItem>(&query, 2000, None)
        .await
        .unwrap();
    keys_are_microsofts(
        "billed lines",
        &page.items,
        &serde_json::from_str(&body).unwrap(),
    );
    let next = page.next.as_ref().expect("a seek link");
    assert!(
        next.headers
            .iter()
            .any(|(k, v)| k == "MS-ContinuationToken" && v.starts_with("d19617b8")),
        "{next:?}"
    );
    assert_eq!(page.items.len(), 3);
    let power_bi = rows::billing_line(page.items[1].clone());
    assert_eq!(power_bi.customer_id, "835a59a7-3172-47b5-bdef-d9cc65f4d0e4");
    assert_eq!(power_bi.quantity, dec("50"), "quantity sent as a string");
    assert_eq!(power_bi.unit_price, dec("16"));
    assert_eq!(power_bi.effective_unit_price, Some(dec("14.4")));
    assert_eq!(power_bi.subtotal, dec("720"));
    assert_eq!(power_bi.tax_total, Some(dec("73")));
    assert_eq!(power_bi.total_for_customer, Some(dec("793")));
    assert_eq!(power_bi.currency, "USD");
    assert_eq!(power_bi.pc_to_bc_exchange_rate, Some(Decimal::ONE));
    assert_eq!(
        power_bi.charge_start_date.as_deref(),
        Some("2021-05-20T00:00:00Z")
    );
    // The term it charges, kept for the licence check (issue 16): a one-year term.
    assert_eq!(
        power_bi.term.order_date.as_deref(),
        Some("2021-05-20T18:48:30.6168285Z")
    );
    assert_eq!(
        power_bi.term.subscription_start_date.as_deref(),
        Some("2021-05-20T00:00:00Z")
    );
    assert_eq!(
        power_bi.term.subscription_end_date.as_deref(),
        Some("2022-05-19T00:00:00Z")
    );
    assert_eq!(
        power_bi.term.term_and_billing_cycle.as_deref(),
        Some("One-Year commitment for monthly/yearly billing")
    );
    let waf = rows::billing_line(page.items[2].clone());
    assert_eq!(waf.subtotal, dec("820"), "numbers sent as numbers too");
    assert_eq!(waf.billable_quantity, Some(dec("3.1618")));
    assert_eq!(waf.product_id, "DZH318Z0BXWC");
    assert_eq!(
        page.items[2].invoice_number.as_deref(),
        Some("T000773581"),
        "the item without invoiceLineItemType or billingProvider still reads"
    );
}
