//! Every resource read to its last page, in both paging styles, plus the per-customer errors.

use std::collections::HashSet;

use cspdesk_partner_api::{
    BilledLineItem, ClientOptions, DailyRatedUsageLineItem, Error, LegacyLineItem, LineItemQuery,
    UnbilledPeriod, UtilizationQuery,
};
use rust_decimal::Decimal;

use crate::common::*;

#[tokio::test]
async fn customers_seek_paging_page_by_page_and_all_at_once() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    let pc = &signed.client;
    let mut page = pc.customers_page(3, None).await.unwrap();
    let mut pages = 1;
    let mut ids: Vec<String> = page.items.iter().map(|c| c.id.clone()).collect();
    while let Some(next) = page.next.clone() {
        assert!(
            next.path.starts_with("/v1/customers")
                && next
                    .headers
                    .iter()
                    .any(|(k, _)| k == "MS-ContinuationToken"),
            "seek continuation: {next:?}"
        );
        // A continuation is data: it survives a round trip through JSON (discovery persists it).
        let resumed: cspdesk_partner_api::Continuation =
            serde_json::from_str(&serde_json::to_string(&next).unwrap()).unwrap();
        page = pc.customers_page(3, Some(&resumed)).await.unwrap();
        ids.extend(page.items.iter().map(|c| c.id.clone()));
        pages += 1;
    }
    let count = emu.world().customer_count() as usize;
    assert_eq!(
        (ids.len(), pages),
        (count, count.div_ceil(3)),
        "3 per page to the last page"
    );
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        count,
        "no customer twice"
    );
    assert_eq!(
        pc.customers(3).await.unwrap().len(),
        count,
        "the all-pages helper agrees"
    );
}

#[tokio::test]
async fn customer_subscriptions_entitlements_and_relationship_errors() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    let pc = &signed.client;
    let plan_customer = emu.world().customer(0).tenant_id;
    let customer = pc.customer(&plan_customer).await.unwrap();
    assert_eq!(customer.id, plan_customer);
    let subs = pc.subscriptions(&plan_customer).await.unwrap();
    let plan = subs
        .iter()
        .find(|s| s.offer().is_some_and(|o| o.starts_with("DZH318Z0BPS6")))
        .expect("customer 0 has an Azure plan");
    let entitlements = pc
        .azure_entitlements(&plan_customer, &plan.id)
        .await
        .unwrap();
    assert!(
        !entitlements.is_empty(),
        "an Azure plan holds Azure subscriptions"
    );
    let last = emu
        .world()
        .customer(emu.world().customer_count() - 1)
        .tenant_id;
    assert!(
        matches!(pc.customer(&last).await, Err(Error::NoRelationship { .. })),
        "403/20002 is NoRelationship"
    );
    assert!(
        matches!(
            pc.customer("00000000-0000-4000-8000-000000000000").await,
            Err(Error::NotFound { .. })
        ),
        "unknown customer is NotFound"
    );
    let card = pc.rate_card(Some("EUR"), Some("FR")).await.unwrap();
    assert_eq!(card.currency, "EUR");
    assert!(
        card.meters.iter().all(|m| !m.rates.is_empty()),
        "every meter has at least one rate tier"
    );
}

#[tokio::test]
async fn utilization_seek_paging_with_seek_operation_reaches_the_end() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    let world = emu.world();
    let legacy = world.customer(1);
    let e = world.entitlement(&legacy, 0);
    let q = UtilizationQuery {
        customer_id: legacy.tenant_id.clone(),
        subscription_id: e.pc_subscription_id.clone(),
        start: "2026-01-01T00:00:00Z".parse().unwrap(),
        end: "2026-04-15T00:00:00Z".parse().unwrap(),
        size: 40,
        show_details: true,
    };
    let first = signed.client.utilization_page(&q, None).await.unwrap();
    assert!(
        first
            .next
            .as_ref()
            .is_some_and(|n| n.path.contains("seek_operation=Next")),
        "utilization uses seek_operation: {:?}",
        first.next
    );
    let all = signed.client.utilization(&q).await.unwrap();
    let days = (chrono::NaiveDate::from_ymd_opt(2026, 4, 13).unwrap()
        - chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
    .num_days()
        + 1;
    assert_eq!(
        all.len() as i64,
        days * e.resources as i64,
        "one record per resource per usage day, none lost between pages"
    );
}

#[tokio::test]
async fn invoices_and_line_items_page_in_both_styles() {
    let (emu, signed) = admin_signed_in(ClientOptions::default()).await;
    // The v1 line items' seek paging, past Microsoft's cut-over only with the knob off.
    emu.set_v1_cutover(false);
    let pc = &signed.client;
    let first = pc.invoices_page(2, 0, None).await.unwrap();
    assert!(
        first
            .next
            .as_ref()
            .is_some_and(|n| n.path.contains("offset=2")),
        "offset paging moves by the page size: {:?}",
        first.next
    );
    let invoices = pc.invoices(2).await.unwrap();
    assert_eq!(
        invoices.len(),
        emu.world().invoices(now().date_naive()).len(),
        "every issued invoice"
    );

    let legacy = invoices
        .iter()
        .find(|i| i.id.starts_with('D'))
        .expect("a legacy invoice");
    let q = LineItemQuery::Legacy {
        invoice_id: legacy.id.clone(),
        provider: "azure".into(),
        kind: "billinglineitems".into(),
    };
    let lines = pc.line_items::<LegacyLineItem>(&q, 3).await.unwrap();
    let total: Decimal = lines
        .iter()
        .map(|l| l.pretax_charges.unwrap_or_default())
        .sum();
    assert_eq!(
        total, legacy.total_charges,
        "offset pages add up to the invoice total, so none was lost"
    );

    let modern = invoices
        .iter()
        .find(|i| i.id.starts_with('G') && i.currency_code == "USD")
        .expect("a USD new-commerce invoice");
    let q = LineItemQuery::BilledUsage {
        invoice_id: modern.id.clone(),
        currency: "USD".into(),
    };
    let page = pc
        .line_items_page::<DailyRatedUsageLineItem>(&q, 700, None)
        .await
        .unwrap();
    assert!(page.next.is_some(), "700 rows per page forces seek paging");
    let usage = pc
        .line_items::<DailyRatedUsageLineItem>(&q, 700)
        .await
        .unwrap();
    let usage_sum: Decimal = usage.iter().map(|u| u.billing_pre_tax_total).sum();
    let billed = pc
        .line_items::<BilledLineItem>(
            &LineItemQuery::Billed {
                invoice_id: modern.id.clone(),
                currency: "USD".into(),
            },
            5,
        )
        .await
        .unwrap();
    let billed_usage: Decimal = billed
        .iter()
        .filter(|l| l.charge_type == "usage")
        .map(|l| l.subtotal)
        .sum();
    assert_eq!(
        usage_sum, billed_usage,
        "exact decimals: daily rated usage sums to the invoice's usage lines"
    );

    let unbilled = pc
        .line_items::<DailyRatedUsageLineItem>(
            &LineItemQuery::UnbilledUsage {
                currency: "USD".into(),
                period: UnbilledPeriod::Current,
            },
            2000,
        )
        .await
        .unwrap();
    assert!(
        !unbilled.is_empty() && unbilled.iter().all(|u| u.usage_date < now()),
        "current period holds April up to yesterday"
    );
}
