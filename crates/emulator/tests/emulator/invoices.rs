//! Consistency by construction: every invoice of preset M, and every credit or adjustment note
//! against one, totals its own line items to the cent.

use std::str::FromStr;

use cspdesk_emulator::Preset;
use rust_decimal::Decimal;

use crate::common::*;

fn dec(v: &serde_json::Value) -> Decimal {
    Decimal::from_str(&v.to_string()).unwrap_or_else(|_| panic!("not a decimal: {v}"))
}

#[tokio::test]
async fn every_invoice_of_preset_m_equals_the_sum_of_its_line_items() {
    let emu = start_v1(Preset::M, 2026).await;
    let token = pc_token(&emu);
    let (invoices, _) = all_pages(&emu, "/v1/invoices?size=50", &token).await;
    assert!(
        invoices.len() >= 9,
        "three months × modern/legacy × currencies, got {}",
        invoices.len()
    );
    let mut kinds = std::collections::HashSet::new();
    for inv in &invoices {
        let id = inv["id"].as_str().unwrap();
        let ccy = inv["currencyCode"].as_str().unwrap();
        kinds.insert((id.chars().next().unwrap(), ccy.to_string()));
        let path = if id.starts_with('G') {
            format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode={ccy}&size=2000")
        } else {
            format!("/v1/invoices/{id}/lineitems?provider=azure&invoicelineitemtype=billinglineitems&size=2000&offset=0")
        };
        let (lines, _) = all_pages(&emu, &path, &token).await;
        let field = if id.starts_with('G') {
            "subtotal"
        } else {
            "pretaxCharges"
        };
        let sum: Decimal = lines.iter().map(|l| dec(&l[field])).sum();
        assert!(!lines.is_empty(), "invoice {id} has lines");
        assert_eq!(
            dec(&inv["totalCharges"]),
            sum,
            "invoice {id} ({ccy}) total equals the sum of its {} lines",
            lines.len()
        );
        assert!(
            dec(&inv["totalCharges"]).scale() <= 2,
            "totals are in cents"
        );
        assert!(
            inv["invoiceDate"]
                .as_str()
                .unwrap()
                .ends_with("-08T00:00:00Z"),
            "invoices are dated the 8th"
        );
    }
    for ccy in ["USD", "EUR", "GBP"] {
        assert!(
            kinds.contains(&('G', ccy.to_string())),
            "a modern {ccy} invoice exists"
        );
    }
    let mut notes = 0;
    for inv in &invoices {
        for note in inv["amendments"].as_array().into_iter().flatten() {
            notes += 1;
            let id = note["id"].as_str().unwrap();
            let ccy = note["currencyCode"].as_str().unwrap();
            assert_eq!(note["amendsOf"], inv["id"], "note {id} names its invoice");
            assert_eq!(note["currencyCode"], inv["currencyCode"]);
            let (lines, _) = all_pages(
                &emu,
                &format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode={ccy}&size=2000"),
                &token,
            )
            .await;
            assert!(!lines.is_empty(), "note {id} has lines");
            let sum: Decimal = lines.iter().map(|l| dec(&l["subtotal"])).sum();
            assert_eq!(
                dec(&note["totalCharges"]),
                sum,
                "note {id} equals its lines"
            );
            assert!(sum < Decimal::ZERO, "an adjustment note credits: {sum}");
            assert!(lines.iter().all(|l| l["invoiceNumber"] == note["id"]));
            let by_id = get(&emu, &format!("/v1/invoices/{id}"), &token, None).await;
            assert_eq!(by_id.status, 200, "a note is found by its id");
            assert_eq!(by_id.json()["totalCharges"], note["totalCharges"]);
        }
    }
    assert!(notes > 0, "preset M has adjustment notes");
}
