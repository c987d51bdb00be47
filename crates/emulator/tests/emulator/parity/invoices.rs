//! Key parity of the invoice endpoints and their line items (daily rated usage aside, see
//! the usage area) with Microsoft's samples in `tests/fixtures/microsoft/invoices/`.

use cspdesk_emulator::Preset;
use serde_json::Value;

use super::{assert_parity, sample};
use crate::common::*;

/// Reasons shared by the endpoints that list invoices.
const PERIOD: &str = "the Invoice resource and the get-by-id sample carry the billing period; \
                      the 2017 list sample predates it";

async fn json(emu: &cspdesk_emulator::RunningEmulator, path: &str, token: &str) -> Value {
    let r = get(emu, path, token, None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.text);
    r.json()
}

#[tokio::test]
async fn the_invoice_list_and_an_invoice_have_microsofts_keys_notes_and_tax_receipts() {
    let emu = start(Preset::S, 7).await;
    let token = pc_token(&emu);
    let all = json(&emu, "/v1/invoices?size=200&offset=0", &token).await;
    let n = all["items"].as_array().unwrap().len();
    assert!(n >= 3, "{n} invoices");
    // One page short of all, so the page has a next link as the sample does.
    let page = json(
        &emu,
        &format!("/v1/invoices?size={}&offset=0", n - 1),
        &token,
    )
    .await;
    let items = page["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["amendments"][0]["amendsOf"] == i["id"]),
        "some invoice carries a note that amends it"
    );
    assert!(
        items
            .iter()
            .any(|i| i["taxReceipts"].as_array().is_some_and(|r| !r.is_empty())),
        "some paid invoice carries a tax receipt"
    );
    assert!(
        items.iter().all(|i| i["pdfDownloadLink"]
            .as_str()
            .unwrap()
            .starts_with("/invoices/")),
        "statement links are relative, as Microsoft sends them"
    );
    assert_parity(
        "GET /v1/invoices",
        &sample("invoices/invoices.json"),
        &page,
        &[
            ("items[].billingPeriodStartDate", PERIOD),
            ("items[].billingPeriodEndDate", PERIOD),
        ],
    );

    // An invoice without a note, by id (the published one has none).
    let plain = items
        .iter()
        .find(|i| {
            i["amendments"].is_null() && i["taxReceipts"].as_array().is_some_and(|r| !r.is_empty())
        })
        .expect("a paid invoice without a note");
    let id = plain["id"].as_str().unwrap();
    assert_parity(
        "GET /v1/invoices/{id}",
        &sample("invoices/invoice.json"),
        &json(&emu, &format!("/v1/invoices/{id}"), &token).await,
        &[],
    );

    // A note by id has the keys of the published amendments[] entry.
    let noted = items
        .iter()
        .find(|i| !i["amendments"].is_null())
        .expect("an invoice with a note");
    let note_id = noted["amendments"][0]["id"].as_str().unwrap();
    let note = json(&emu, &format!("/v1/invoices/{note_id}"), &token).await;
    assert_eq!(note["documentType"], "adjustment_note");
    assert_eq!(note["amendsOf"], noted["id"]);
    assert_parity(
        "GET /v1/invoices/{note id}",
        &sample("invoices/invoices.json")["items"][1]["amendments"][0],
        &note,
        &[],
    );
}

#[tokio::test]
async fn billed_line_items_have_microsofts_keys() {
    let emu = start_v1(Preset::S, 7).await;
    let token = pc_token(&emu);
    let invoices = json(&emu, "/v1/invoices?size=200&offset=0", &token).await;
    let items = invoices["items"].as_array().unwrap();
    let modern = items
        .iter()
        .find(|i| i["invoiceType"] == "OneTime" && !i["amendments"].is_null())
        .expect("a modern invoice with a note");
    let (id, ccy) = (
        modern["id"].as_str().unwrap(),
        modern["currencyCode"].as_str().unwrap(),
    );
    let onetime = sample("invoices/invoice-line-items-onetime-billing.json");
    let allowed: &[(&str, &str)] = &[
        (
            "items[].attributes/objectType",
            "a flat duplicate of attributes.objectType in one item of the page: a typo of the doc",
        ),
        (
            "items[].productQualifiers[]",
            "Microsoft qualifies add-ons and trials; the emulator's catalogue has neither, so its \
             qualifiers are always an empty array",
        ),
    ];
    // Two lines a page, so the page has a seek link and token as the sample does.
    let page = json(
        &emu,
        &format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode={ccy}&size=2"),
        &token,
    )
    .await;
    assert_parity(
        "GET .../lineitems (onetime billing)",
        &onetime,
        &page,
        allowed,
    );

    // A note's lines are the same shape, and total the note.
    let note_id = modern["amendments"][0]["id"].as_str().unwrap();
    let (lines, _) = all_pages(
        &emu,
        &format!("/v1/invoices/{note_id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode={ccy}&size=2000"),
        &token,
    )
    .await;
    assert!(!lines.is_empty());
    let note_page = serde_json::json!({
        "continuationToken": "t",
        "totalCount": lines.len(),
        "items": lines,
        "links": page["links"].clone(),
        "attributes": { "objectType": "Collection" },
    });
    assert_parity(
        "GET .../lineitems (a note's onetime billing)",
        &onetime,
        &note_page,
        allowed,
    );

    // The open month's licences, one page as the sample is (it asks size=2000).
    let unbilled = json(
        &emu,
        &format!("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode={ccy}&period=current&size=2000"),
        &token,
    )
    .await;
    assert!(
        !unbilled["items"].as_array().unwrap().is_empty(),
        "the open month bills licences: {unbilled}"
    );
    assert_parity(
        "GET /v1/invoices/unbilled/lineitems (onetime billing)",
        &sample("invoices/unbilled-line-items-onetime-billing.json"),
        &unbilled,
        allowed,
    );

    let legacy = items
        .iter()
        .find(|i| i["invoiceType"] == "Recurring")
        .expect("a legacy invoice");
    let lid = legacy["id"].as_str().unwrap();
    let page = json(
        &emu,
        &format!("/v1/invoices/{lid}/lineitems?provider=azure&invoicelineitemtype=billinglineitems&size=2&offset=0"),
        &token,
    )
    .await;
    assert_parity(
        "GET .../lineitems (azure billing)",
        &sample("invoices/invoice-line-items-azure-billing.json"),
        &page,
        &[],
    );
}
