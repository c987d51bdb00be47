//! The Azure Stack Hub admin ARM: usage aggregates as reference §9.1 shows them (instanceData a
//! JSON string, local meter ids), paging at 1000 rows, every documented 400, the 503 through
//! fault injection, and the Stack's user subscriptions with their tenants.

use cspdesk_emulator::{FaultPlan, Preset, RunningEmulator};
use serde_json::Value;

use crate::common::*;

const USAGE: &str = "providers/Microsoft.Commerce.Admin/subscriberUsageAggregates";

fn token(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), cspdesk_emulator::identity::STACK_ADMIN, true)
        .unwrap()
}

async fn get(emu: &RunningEmulator, url: &str) -> (u16, Value) {
    let res = client()
        .get(url)
        .bearer_auth(token(emu))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn usage_url(emu: &RunningEmulator, query: &str) -> String {
    format!(
        "{}/subscriptions/{}/{USAGE}?{query}",
        emu.stack_admin_endpoint(),
        emu.stack_fixtures().provider_subscription_id
    )
}

#[tokio::test]
async fn daily_usage_items_have_the_documented_shape_and_the_lab_runs_96_vcpu_hours_a_day() {
    let emu = start(Preset::S, 4).await;
    let f = emu.stack_fixtures();
    let (status, subs) = get(
        &emu,
        &format!(
            "{}/subscriptions/{}/providers/Microsoft.Subscriptions.Admin/subscriptions?api-version=2015-11-01",
            emu.stack_admin_endpoint(),
            f.provider_subscription_id
        ),
    )
    .await;
    assert_eq!(status, 200, "{subs}");
    let subs = subs["value"].as_array().unwrap().clone();
    let lab = subs
        .iter()
        .find(|s| s["tenantId"] == f.unmapped_tenant.as_str())
        .expect("the unmapped lab tenant has a user subscription");
    for field in [
        "subscriptionId",
        "tenantId",
        "owner",
        "displayName",
        "offerId",
        "state",
    ] {
        assert!(lab[field].is_string(), "{field} present: {lab}");
    }
    assert!(
        subs.iter()
            .any(|s| s["tenantId"] == f.mapped_tenant.1.as_str()),
        "the mapped customer's tenant uses the Stack too"
    );
    let lab_sub = lab["subscriptionId"].as_str().unwrap();
    let (status, page) = get(
        &emu,
        &usage_url(
            &emu,
            &format!("reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-04T00:00:00Z&aggregationGranularity=daily&subscriberId={lab_sub}&api-version=2015-06-01-preview"),
        ),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    let items = page["value"].as_array().unwrap();
    assert_eq!(items.len(), 3, "one VM, three days");
    let first = &items[0];
    assert_eq!(first["type"], "Microsoft.Commerce.Admin/UsageAggregate");
    let p = &first["properties"];
    assert_eq!(
        p["meterId"], "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5",
        "local Base VM meter id"
    );
    assert_eq!(p["quantity"].as_f64(), Some(96.0), "4 vCPUs x 24 hours");
    assert_eq!(
        first["name"],
        format!("{lab_sub}-FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5")
    );
    let instance: Value =
        serde_json::from_str(p["instanceData"].as_str().expect("a JSON string")).unwrap();
    assert!(instance["Microsoft.Resources"]["resourceUri"]
        .as_str()
        .unwrap()
        .contains("lab-vm01"));
    assert!(page.get("nextLink").is_none(), "3 rows fit one page");
}

#[tokio::test]
async fn hourly_usage_pages_at_1000_rows_and_every_row_comes_once() {
    let emu = start(Preset::S, 4).await;
    let mut url = usage_url(
        &emu,
        "reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-08T00:00:00Z&aggregationGranularity=hourly&api-version=2015-06-01-preview",
    );
    let (mut pages, mut ids) = (0, std::collections::HashSet::new());
    let mut rows = 0;
    loop {
        let (status, page) = get(&emu, &url).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        let items = page["value"].as_array().unwrap();
        assert!(items.len() <= 1000);
        for i in items {
            rows += 1;
            let p = &i["properties"];
            ids.insert(format!(
                "{}{}{}",
                p["instanceData"], p["usageStartTime"], p["meterId"]
            ));
        }
        match page["nextLink"].as_str() {
            Some(next) => {
                assert!(next.contains("continuationToken="), "{next}");
                url = next.to_string();
            }
            None => break,
        }
    }
    assert!(
        pages > 1,
        "a week of hourly usage takes more than one page ({rows} rows)"
    );
    assert_eq!(ids.len(), rows, "no row twice across pages");
}

#[tokio::test]
async fn every_documented_usage_error() {
    let emu = start(Preset::S, 4).await;
    let ok = "reportedStartTime=2026-03-01T00:00:00Z&reportedEndTime=2026-03-02T00:00:00Z";
    let cases = [
        (format!("{ok}&aggregationGranularity=daily"), "NoApiVersion"),
        (
            "reportedStartTime=2026-03-01T00:30:00Z&reportedEndTime=2026-03-02T00:00:00Z&aggregationGranularity=hourly&api-version=2015-06-01-preview".to_string(),
            "InvalidProperty",
        ),
        (
            "reportedStartTime=2026-03-01T05:00:00Z&reportedEndTime=2026-03-02T00:00:00Z&aggregationGranularity=daily&api-version=2015-06-01-preview".to_string(),
            "InvalidProperty",
        ),
        (
            "reportedStartTime=2026-04-14T00:00:00Z&reportedEndTime=2026-04-16T00:00:00Z&aggregationGranularity=daily&api-version=2015-06-01-preview".to_string(),
            "RequestEndTimeIsInFuture",
        ),
        (
            format!("{ok}&aggregationGranularity=weekly&api-version=2015-06-01-preview"),
            "InvalidAggregationGranularity",
        ),
        (
            format!("{ok}&aggregationGranularity=daily&subscriberId=00000000-0000-4000-8000-000000000001&api-version=2015-06-01-preview"),
            "SubscriberIdIsNotDirectTenant",
        ),
    ];
    for (query, expected) in cases {
        let (status, body) = get(&emu, &usage_url(&emu, &query)).await;
        assert_eq!(
            (status, arm_code(&body)),
            (400, expected),
            "{query}: {body}"
        );
    }
    let (status, body) = get(
        &emu,
        &format!(
            "{}/{USAGE}?{ok}&aggregationGranularity=daily&api-version=2015-06-01-preview",
            emu.stack_admin_endpoint()
        ),
    )
    .await;
    assert_eq!(
        (status, arm_code(&body)),
        (400, "SubscriptionIdMissingInRequest")
    );

    emu.set_faults(FaultPlan::parse("stackadmin:503@1").unwrap());
    let (status, body) = get(
        &emu,
        &usage_url(
            &emu,
            &format!("{ok}&aggregationGranularity=daily&api-version=2015-06-01-preview"),
        ),
    )
    .await;
    assert_eq!((status, arm_code(&body)), (503, "ServiceUnavailable"));
}

#[tokio::test]
async fn an_arm_token_is_not_a_stack_admin_token() {
    let emu = start(Preset::S, 4).await;
    let arm = emu
        .mint_access_token(&admin(&emu), "https://management.azure.com", true)
        .unwrap();
    let res = client()
        .get(usage_url(&emu, "api-version=2015-06-01-preview"))
        .bearer_auth(arm)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        401,
        "the admin ARM has its own audience"
    );
}
