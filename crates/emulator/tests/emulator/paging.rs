//! Paging to the last page in both styles (seek with continuation tokens, offset).

use std::collections::HashSet;

use cspdesk_emulator::Preset;
use rust_decimal::Decimal;
use std::str::FromStr;

use crate::common::*;

#[tokio::test]
async fn customers_seek_paging_reaches_the_last_page_and_tokens_are_bound_to_the_query() {
    let emu = start(Preset::S, 11).await;
    let token = pc_token(&emu);
    let (items, pages) = all_pages(&emu, "/v1/customers?size=3", &token).await;
    assert_eq!(
        items.len(),
        emu.world().customer_count() as usize,
        "every customer is listed exactly once"
    );
    assert_eq!(pages, 4, "10 customers at 3 per page is 4 pages");
    let ids: HashSet<&str> = items.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), items.len(), "no customer repeats across pages");

    let first = get(&emu, "/v1/customers?size=3", &token, None).await.json();
    let next = &first["links"]["next"];
    assert!(
        next["uri"].as_str().unwrap().contains("seekOperation=Next"),
        "next link asks for the next seek page: {next}"
    );
    assert_eq!(
        first["continuationToken"], next["headers"][0]["value"],
        "body token equals the header token"
    );
    let misuse = get(&emu, "/v1/customers?size=3&seekOperation=Next&filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22c%22%2C%22Operator%22%3A%22starts_with%22%7D", &token, first["continuationToken"].as_str()).await;
    assert_eq!(
        misuse.status, 400,
        "a token replayed against another query is rejected: {}",
        misuse.text
    );
    let no_token = get(
        &emu,
        "/v1/customers?size=3&seekOperation=Next",
        &token,
        None,
    )
    .await;
    assert_eq!(
        no_token.status, 400,
        "seekOperation=Next without a token is a bad request"
    );
}

#[tokio::test]
async fn legacy_utilization_seek_paging_covers_every_resource_day() {
    let emu = start(Preset::S, 11).await;
    let token = pc_token(&emu);
    let world = emu.world();
    let legacy = world.customer(1);
    let e = world.entitlement(&legacy, 0);
    let path = format!(
        "/v1/customers/{}/subscriptions/{}/utilizations/azure?start_time=2026-01-01T00:00:00Z&end_time=2026-04-15T00:00:00Z&size=40",
        legacy.tenant_id, e.pc_subscription_id
    );
    let (items, pages) = all_pages(&emu, &path, &token).await;
    // Reported-time window [Jan 1, Apr 15) holds usage days Dec 31..Apr 13; history starts Jan 1.
    let days = (chrono::NaiveDate::from_ymd_opt(2026, 4, 13).unwrap()
        - chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
    .num_days()
        + 1;
    assert_eq!(
        items.len() as i64,
        days * e.resources as i64,
        "one record per resource per usage day"
    );
    assert!(pages > 1, "40 per page forces several pages");
    let over = get(&emu, &path.replace("size=40", "size=5000"), &token, None)
        .await
        .json();
    assert_eq!(
        over["items"].as_array().unwrap().len(),
        1000.min(items.len()),
        "page size is capped at 1000"
    );
    assert_eq!(
        items[0]["attributes"]["objectType"],
        "AzureUtilizationRecord"
    );

    emu.set_utilization_not_ready(true);
    let not_ready = get(&emu, &path, &token, None).await;
    assert_eq!(not_ready.status, 204, "data not ready is 204");
    assert!(
        not_ready.header("retry-after").is_some(),
        "204 carries Retry-After"
    );
}

#[tokio::test]
async fn invoices_and_legacy_line_items_offset_paging_reach_the_end() {
    let emu = start(Preset::S, 11).await;
    let token = pc_token(&emu);
    let (invoices, pages) = all_pages(&emu, "/v1/invoices?size=2&offset=0", &token).await;
    assert_eq!(
        invoices.len(),
        emu.world().invoices(now().date_naive()).len(),
        "every issued invoice is listed"
    );
    assert!(
        pages >= 2,
        "2 per page over several invoices needs several pages"
    );
    let legacy = invoices
        .iter()
        .find(|i| i["id"].as_str().unwrap().starts_with('D'))
        .expect("preset S has legacy customers");
    let id = legacy["id"].as_str().unwrap();
    let (lines, pages) = all_pages(&emu, &format!("/v1/invoices/{id}/lineitems?provider=azure&invoicelineitemtype=billinglineitems&size=3&offset=0"), &token).await;
    assert!(pages > 1, "3 lines per page forces offset paging");
    let sum: Decimal = lines
        .iter()
        .map(|l| Decimal::from_str(&l["pretaxCharges"].to_string()).unwrap())
        .sum();
    assert_eq!(
        Decimal::from_str(&legacy["totalCharges"].to_string()).unwrap(),
        sum,
        "legacy invoice total is the sum of its lines"
    );
}

#[tokio::test]
async fn daily_rated_usage_seek_paging_matches_the_billing_lines() {
    let emu = start_v1(Preset::S, 11).await;
    let token = pc_token(&emu);
    let invoices = get(&emu, "/v1/invoices", &token, None).await.json();
    let inv = invoices["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_str().unwrap().starts_with('G') && i["currencyCode"] == "USD")
        .unwrap()
        .clone();
    let id = inv["id"].as_str().unwrap();
    let (usage, pages) = all_pages(&emu, &format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current&size=700"), &token).await;
    assert!(pages > 1, "700 rows per page forces seek paging");
    let keys: HashSet<(String, String, String)> = usage
        .iter()
        .map(|u| {
            (
                u["resourceUri"].as_str().unwrap().to_string(),
                u["usageDate"].as_str().unwrap().to_string(),
                u["entitlementId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        keys.len(),
        usage.len(),
        "no usage row is repeated or lost at page boundaries"
    );
    let dec = |v: &serde_json::Value| Decimal::from_str(&v.to_string()).unwrap();
    for u in &usage {
        let expected =
            (dec(&u["effectiveUnitPrice"]) * dec(&u["quantity"]) * dec(&u["pcToBCExchangeRate"]))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToNegativeInfinity);
        assert_eq!(
            dec(&u["billingPreTaxTotal"]),
            expected,
            "BillingPreTaxTotal = FLOOR(EUP × Qty × FX, 2) for {}",
            u["resourceUri"]
        );
    }
    let usage_sum: Decimal = usage.iter().map(|u| dec(&u["billingPreTaxTotal"])).sum();
    let (lines, _) = all_pages(&emu, &format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&size=5"), &token).await;
    let usage_lines: Decimal = lines
        .iter()
        .filter(|l| l["chargeType"] == "usage")
        .map(|l| dec(&l["subtotal"]))
        .sum();
    assert_eq!(
        usage_sum, usage_lines,
        "Azure plan billing lines add up to the daily rated usage of the invoice"
    );
    assert!(
        usage
            .iter()
            .any(|u| u["creditType"] == "Partner Earned Credit Applied"
                && dec(&u["rateOfPartnerEarnedCredit"]) == Decimal::new(15, 2))
            && usage.iter().any(|u| u["creditType"] == "Credit Not Applied"
                && dec(&u["rateOfPartnerEarnedCredit"]).is_zero()),
        "both PEC-eligible and ineligible usage occur"
    );
    assert!(
        usage.iter().any(|u| u["meterRegion"] == "Azure Stack"),
        "Azure Stack usage is present"
    );

    let unbilled = get(&emu, "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current&size=2000", &token, None).await.json();
    let dates: HashSet<&str> = unbilled["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["usageDate"].as_str().unwrap())
        .collect();
    assert!(
        dates
            .iter()
            .all(|d| d.starts_with("2026-04-") && *d < "2026-04-15"),
        "current period holds April up to yesterday: {dates:?}"
    );
    let previous = get(&emu, "/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=previous", &token, None).await.json();
    assert_eq!(
        previous["items"].as_array().unwrap().len(),
        0,
        "March was invoiced on April 8, so nothing is unbilled for it"
    );
}

#[tokio::test]
async fn small_pages_resume_mid_month_with_identical_rows_to_large_pages() {
    let emu = start_v1(Preset::S, 11).await;
    let token = pc_token(&emu);
    let invoices = get(&emu, "/v1/invoices", &token, None).await.json();
    for inv in invoices["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"].as_str().unwrap().starts_with('G'))
        .take(3)
    {
        let (id, ccy) = (
            inv["id"].as_str().unwrap(),
            inv["currencyCode"].as_str().unwrap(),
        );
        let path = |size: u32| {
            format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode={ccy}&size={size}")
        };
        let (big, _) = all_pages(&emu, &path(2000), &token).await;
        let (small, pages) = all_pages(&emu, &path(37), &token).await;
        assert!(
            pages > 2,
            "{id}: 37-row pages force resuming inside a customer's month"
        );
        assert!(
            big == small,
            "{id}: rows (incl. tiered prices) must not depend on where pages break"
        );
    }
}

#[tokio::test]
async fn hourly_utilization_splits_each_day_into_24_records_that_add_up() {
    let emu = start(Preset::S, 11).await;
    let token = pc_token(&emu);
    let legacy = emu.world().customer(1);
    let e = emu.world().entitlement(&legacy, 0);
    let base = format!(
        "/v1/customers/{}/subscriptions/{}/utilizations/azure?start_time=2026-02-02T00:00:00Z&end_time=2026-02-03T00:00:00Z",
        legacy.tenant_id, e.pc_subscription_id
    );
    let (daily, _) = all_pages(&emu, &format!("{base}&granularity=daily"), &token).await;
    let (hourly, pages) =
        all_pages(&emu, &format!("{base}&granularity=hourly&size=7"), &token).await;
    assert_eq!(
        hourly.len(),
        daily.len() * 24,
        "24 hourly records per daily record"
    );
    assert!(pages > 1, "7 per page forces seek paging inside a day");
    let dec = |v: &serde_json::Value| Decimal::from_str(&v.to_string()).unwrap();
    for (i, d) in daily.iter().enumerate() {
        let hours = &hourly[i * 24..(i + 1) * 24];
        let sum: Decimal = hours.iter().map(|h| dec(&h["quantity"])).sum();
        assert_eq!(
            sum,
            dec(&d["quantity"]),
            "hours of record {i} add up to its day"
        );
        assert_eq!(hours[5]["usageStartTime"], "2026-02-01T05:00:00+00:00");
    }
}
