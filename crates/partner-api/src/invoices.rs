//! Invoices (`/v1/invoices`, offset paging): the documents the reconciliation starts from.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::PartnerCenter;
use crate::customers::segment;
use crate::error::Result;
use crate::paging::{Continuation, Page};

/// An invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    /// Invoice id (`G…` new commerce, `D…` legacy).
    pub id: String,
    /// Invoice date as sent.
    #[serde(default)]
    pub invoice_date: Option<String>,
    /// Billing period start as sent.
    #[serde(default)]
    pub billing_period_start_date: Option<String>,
    /// Billing period end as sent.
    #[serde(default)]
    pub billing_period_end_date: Option<String>,
    /// Total charges.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub total_charges: Decimal,
    /// Paid amount (negative when paid).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub paid_amount: Option<Decimal>,
    /// Currency code.
    pub currency_code: String,
    /// `Recurring` or `OneTime`.
    #[serde(default)]
    pub invoice_type: Option<String>,
    /// `invoice`, `void_note`, `adjustment_note` (as Microsoft's samples spell them).
    #[serde(default)]
    pub document_type: Option<String>,
    /// For a note: the invoice it amends.
    #[serde(default)]
    pub amends_of: Option<String>,
    /// Statement link, relative to the API root (`/invoices/{id}/documents/statement`).
    #[serde(default)]
    pub pdf_download_link: Option<String>,
    /// Tax receipts issued for the invoice.
    #[serde(default)]
    pub tax_receipts: Vec<TaxReceipt>,
    /// Credit and adjustment notes issued against this invoice, each its own document.
    #[serde(default)]
    pub amendments: Vec<Invoice>,
    /// Line-item families of this invoice.
    #[serde(default)]
    pub invoice_details: Vec<InvoiceDetail>,
}

impl Invoice {
    /// The invoice followed by each of its notes (and theirs), every note carrying the id of
    /// the document it amends even where Microsoft leaves `amendsOf` out. A note without a
    /// billing period of its own (as published) takes the period of the invoice it amends:
    /// it corrects that period, whatever day it was issued.
    pub fn with_amendments(mut self) -> Vec<Invoice> {
        let notes = std::mem::take(&mut self.amendments);
        let (id, start, end) = (
            self.id.clone(),
            self.billing_period_start_date.clone(),
            self.billing_period_end_date.clone(),
        );
        let mut out = vec![self];
        for mut note in notes {
            note.amends_of.get_or_insert_with(|| id.clone());
            if note.billing_period_start_date.is_none() {
                note.billing_period_start_date = start.clone();
                note.billing_period_end_date = end.clone();
            }
            out.extend(note.with_amendments());
        }
        out
    }
}

/// A tax receipt of an invoice (Taiwan).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxReceipt {
    /// Receipt id.
    pub id: String,
    /// Statement link, relative to the API root.
    #[serde(default)]
    pub tax_receipt_pdf_download_link: Option<String>,
}

/// A line-item family of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceDetail {
    /// `billing_line_items` or `usage_line_items`.
    pub invoice_line_item_type: String,
    /// `office`, `azure`, `one_time`, `marketplace`.
    pub billing_provider: String,
}

impl PartnerCenter {
    /// One page of invoices at `offset`; `next` continues with the server's offset link.
    pub async fn invoices_page(
        &self,
        size: u32,
        offset: u32,
        next: Option<&Continuation>,
    ) -> Result<Page<Invoice>> {
        self.page(&format!("/v1/invoices?size={size}&offset={offset}"), next)
            .await
    }

    /// Every invoice.
    pub async fn invoices(&self, size: u32) -> Result<Vec<Invoice>> {
        self.all(&format!("/v1/invoices?size={size}&offset=0"))
            .await
    }

    /// One invoice by id.
    pub async fn invoice(&self, invoice_id: &str) -> Result<Invoice> {
        self.get(&format!("/v1/invoices/{}", segment(invoice_id)), &[])
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_names_and_takes_the_period_of_the_invoice_it_amends() {
        let invoice: Invoice = serde_json::from_value(serde_json::json!({
            "id": "G1", "totalCharges": 100, "currencyCode": "EUR",
            "billingPeriodStartDate": "2026-01-01T00:00:00Z",
            "billingPeriodEndDate": "2026-01-31T00:00:00Z",
            "amendments": [
                { "id": "G2", "totalCharges": "-5.60", "currencyCode": "EUR",
                  "documentType": "adjustment_note", "invoiceDate": "2026-02-18T00:00:00Z" }
            ]
        }))
        .unwrap();
        let docs = invoice.with_amendments();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["G1", "G2"]);
        assert!(docs[0].amendments.is_empty(), "the note is not kept twice");
        assert_eq!(
            docs[1].amends_of.as_deref(),
            Some("G1"),
            "amendsOf filled in"
        );
        assert_eq!(
            docs[1].billing_period_start_date.as_deref(),
            Some("2026-01-01T00:00:00Z"),
            "issued in February, the note corrects January"
        );
        assert_eq!(docs[1].total_charges, Decimal::new(-560, 2));
    }
}
