//! Daily rated usage, billed and unbilled, as Microsoft publishes it (`usage/`): both seek
//! pages through the client's paging, each row's partner earned credit read from
//! `rateOfPartnerEarnedCredit` / `creditType` (Microsoft sends no yes/no flag), and Discovery's
//! mapping into the rows the store writes.

use chrono::{TimeZone, Utc};
use cspdesk_partner_api::{DailyRatedUsageLineItem, LineItemQuery, UnbilledPeriod};
use rust_decimal::Decimal;

use super::{client_for, dec, sample, serve};
use crate::common::*;

const BILLED_NEXT: &str = "/v1/invoices/T000001234/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=usd&period=previous&size=2000&seekOperation=Next";
const UNBILLED_NEXT: &str = "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=usd&period=previous&size=2000&seekOperation=Next";

fn billed() -> LineItemQuery {
    LineItemQuery::BilledUsage {
        invoice_id: "T000001234".into(),
        currency: "USD".into(),
    }
}

/// Serves Microsoft's two published pages of `kind` (`billed` or `unbilled`): the seek link's
/// target gets the second page, anything else under `first` the first.
async fn two_pages(first: &str, next: &str, kind: &str) -> super::SampleServer {
    serve(vec![
        (
            next,
            sample(&format!("usage/{kind}-usage-line-items-next.json")),
        ),
        (
            first,
            sample(&format!("usage/{kind}-usage-line-items.json")),
        ),
    ])
    .await
}

#[tokio::test]
async fn billed_usage_pages_carry_each_rows_credit_rate() {
    let emu = start().await;
    let server = two_pages("/v1/invoices/T000001234/lineitems", BILLED_NEXT, "billed").await;
    let (_session, client) = client_for(&emu, &server).await;

    let first = client
        .line_items_page::<DailyRatedUsageLineItem>(&billed(), 2000, None)
        .await
        .expect("Microsoft's first page reads");
    assert_eq!(first.items.len(), 2);
    let next = first
        .next
        .as_ref()
        .expect("the first page links to the next");
    assert_eq!(
        next.path, BILLED_NEXT,
        "the link gets /v1 as the SDK adds it"
    );
    assert_eq!(
        next.headers,
        vec![("MS-ContinuationToken".to_string(), "AQAAAA==".to_string())]
    );

    let rows = client
        .line_items::<DailyRatedUsageLineItem>(&billed(), 2000)
        .await
        .expect("both pages read");
    assert_eq!(rows.len(), 3, "two items, then one on the seek page");
    assert!(server.unmatched.lock().unwrap().is_empty());
    let day = Utc.with_ymd_and_hms(2018, 11, 13, 0, 0, 0).unwrap();
    for r in &rows {
        assert_eq!(r.subscription_id, "12345678-9d62-4a85-8fd0-91a87c261bc4");
        assert_eq!(r.invoice_number.as_deref(), Some("T000001234"));
        assert_eq!((r.usage_date, r.meter_id.as_str()), (day, "1core"));
        assert_eq!(r.billing_currency, "USD");
        assert_eq!(
            r.customer_id, "",
            "Microsoft's sample leaves the customer empty"
        );
    }
    // Row 1: no entitlement, no effective price, no rate; only "Credit Not Applied".
    assert_eq!(rows[0].entitlement_id, None);
    assert_eq!(rows[0].effective_unit_price, None);
    assert_eq!(rows[0].quantity, dec("23.200004"));
    assert_eq!(rows[0].billing_pre_tax_total, dec("0.486031696515249"));
    assert_eq!(rows[0].credit_type.as_deref(), Some("Credit Not Applied"));
    assert_eq!(rows[0].partner_earned_credit_rate(), Decimal::ZERO);
    // Row 2: Azure credit, which is not partner earned credit.
    assert_eq!(
        rows[1].entitlement_id.as_deref(),
        Some("66bada28-271e-4b7a-aaf5-c0ead6312345")
    );
    assert_eq!(rows[1].credit_type.as_deref(), Some("Azure Credit Applied"));
    assert_eq!(rows[1].partner_earned_credit_rate(), Decimal::ZERO);
    assert_eq!(
        rows[1].effective_unit_price,
        Some(dec("0.1999968000511991808131"))
    );
    assert_eq!(rows[1].quantity, dec("23.350007"));
    assert_eq!(rows[1].pc_to_bc_exchange_rate, Some(Decimal::ONE));
    // Row 3: partner earned credit at 15 %.
    assert_eq!(rows[2].rate_of_partner_earned_credit, Some(dec("0.15")));
    assert_eq!(
        rows[2].credit_type.as_deref(),
        Some("Partner Earned Credit Applied")
    );
    assert_eq!(rows[2].partner_earned_credit_rate(), dec("0.15"));
    assert_eq!(
        rows[2].effective_unit_price,
        Some(dec("0.1835431430074643112595"))
    );

    let stored: Vec<_> = rows
        .into_iter()
        .map(cspdesk_discovery::daily_usage_row)
        .collect();
    let rates: Vec<Decimal> = stored
        .iter()
        .map(|r| r.partner_earned_credit_rate)
        .collect();
    assert_eq!(
        rates,
        vec![dec("0"), dec("0"), dec("0.15")],
        "the rate is stored, per row"
    );
    assert_eq!(
        stored[0].entitlement_id, "",
        "a missing Azure subscription is kept empty"
    );
    assert_eq!(
        stored[0].effective_unit_price,
        dec("0.0209496384791679"),
        "no effectiveUnitPrice: the unit price, no credit applied"
    );
    assert_eq!(
        stored[2].effective_unit_price,
        dec("0.1835431430074643112595")
    );
    assert_eq!(
        (
            stored[2].quantity,
            stored[2].billing_pre_tax_total,
            stored[2].billing_currency.as_str()
        ),
        (dec("23.200004"), dec("0.486031696515249"), "USD")
    );
    assert_eq!(stored[2].invoice_number.as_deref(), Some("T000001234"));
}

#[tokio::test]
async fn unbilled_usage_keeps_microsofts_rates_and_its_typo_does_not_matter() {
    let emu = start().await;
    let server = two_pages("/v1/invoices/unbilled/lineitems", UNBILLED_NEXT, "unbilled").await;
    let (_session, client) = client_for(&emu, &server).await;
    let query = LineItemQuery::UnbilledUsage {
        currency: "USD".into(),
        period: UnbilledPeriod::Previous,
    };
    let rows = client
        .line_items::<DailyRatedUsageLineItem>(&query, 2000)
        .await
        .expect("both unbilled pages read");
    assert_eq!(rows.len(), 3);
    let seen = server.seen.lock().unwrap().clone();
    assert!(seen[0].contains("period=previous"), "{seen:?}");
    assert_eq!(seen.last().map(String::as_str), Some(UNBILLED_NEXT));

    let entitlements: Vec<_> = rows.iter().map(|r| r.entitlement_id.as_deref()).collect();
    assert_eq!(
        entitlements,
        vec![
            Some("1234547f-b249-4edd-9319-637862d8c0b4"),
            Some("31cdf47f-b249-4edd-9319-637862d12345"),
            Some("31cdf47f-b249-4edd-9319-637862d8c0b4"),
        ]
    );
    let days: Vec<_> = rows
        .iter()
        .map(|r| r.usage_date.date_naive().to_string())
        .collect();
    assert_eq!(days, vec!["2019-01-01", "2019-01-02", "2019-01-02"]);
    for r in &rows {
        assert_eq!(
            r.invoice_number.as_deref(),
            Some(""),
            "unbilled: no invoice yet"
        );
        assert_eq!(r.quantity, dec("24.0"));
        assert_eq!(r.billing_pre_tax_total, dec("30.7197334080551"));
        assert_eq!(r.pricing_currency.as_deref(), Some("USD"));
        assert_eq!(r.effective_unit_price, Some(Decimal::ZERO), "as published");
    }
    let types: Vec<_> = rows
        .iter()
        .map(|r| r.credit_type.as_deref().unwrap())
        .collect();
    assert_eq!(
        types,
        vec![
            "Credit Not Applied",
            "Azure Credit Applied",
            "Partner Earned Credit Applied"
        ]
    );
    let stored: Vec<_> = rows
        .into_iter()
        .map(cspdesk_discovery::daily_usage_row)
        .collect();
    let rates: Vec<Decimal> = stored
        .iter()
        .map(|r| r.partner_earned_credit_rate)
        .collect();
    assert_eq!(rates, vec![dec("0"), dec("0"), dec("0.15")]);
    assert_eq!(
        stored[2].subscription_id,
        "12345678-04d9-421c-baf8-e3b8dd62ddba"
    );
    assert_eq!(stored[2].meter_id, "4core");
}

/// The published rows send numbers; Partner Center's other line items send some as strings
/// (`"unitPrice":"16"`, reference §7.2). The same published row with its figures quoted reads
/// the same.
#[tokio::test]
async fn a_rate_and_figures_sent_as_strings_read_the_same() {
    let quoted = sample("usage/billed-usage-line-items-next.json")
        .replace(
            "\"rateOfPartnerEarnedCredit\": 0.15",
            "\"rateOfPartnerEarnedCredit\": \"0.15\"",
        )
        .replace("\"quantity\": 23.200004", "\"quantity\": \"23.200004\"")
        .replace(
            "\"billingPreTaxTotal\": 0.486031696515249",
            "\"billingPreTaxTotal\": \"0.486031696515249\"",
        );
    assert_eq!(
        quoted.matches("\"0.15\"").count(),
        1,
        "the variant quotes the rate"
    );
    let emu = start().await;
    let server = serve(vec![("/v1/invoices/T000001234/lineitems", quoted)]).await;
    let (_session, client) = client_for(&emu, &server).await;
    let rows = client
        .line_items::<DailyRatedUsageLineItem>(&billed(), 2000)
        .await
        .expect("quoted figures read");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].partner_earned_credit_rate(), dec("0.15"));
    assert_eq!(rows[0].quantity, dec("23.200004"));
    assert_eq!(rows[0].billing_pre_tax_total, dec("0.486031696515249"));
}
