//! The legacy CSP Azure offer's rate card and utilization records against Microsoft's samples
//! (`tests/fixtures/microsoft/legacy_usage/`).

use cspdesk_emulator::Preset;

use super::{assert_parity_with_maps, sample};
use crate::common::*;

#[tokio::test]
async fn the_rate_card_has_microsofts_keys() {
    let emu = start(Preset::S, 18).await;
    let token = pc_token(&emu);
    // The shared-services rate card is the same AzureRateCard resource (azure-rate-card-resources).
    for path in ["/v1/ratecards/azure", "/v1/ratecards/azure-shared"] {
        let card = get(
            &emu,
            &format!("{path}?currency=USD&region=US"),
            &token,
            None,
        )
        .await;
        assert_eq!(card.status, 200, "{}", card.text);
        assert_parity_with_maps(
            &format!("GET {path}"),
            &sample("legacy_usage/ratecard-azure.json"),
            &card.json(),
            &["meters[].rates"],
            &[],
        );
    }
}

/// The sample's resource has no tags; the record's reference (azure-utilization-record-resources,
/// AzureInstanceData) documents `tags` as the resource's optional user tags.
const TAGS: &str = "documented optional resource tags; the sample's resource has none";

/// The sample's second item closes its brackets late (see SOURCES.md): these paths are the
/// collection's own `links` and `attributes` misplaced into an item, and the emulator's envelope
/// carries them where Microsoft's answers do.
const MISPLACED: &str = "the sample's second item swallowed the collection's links and attributes";

#[tokio::test]
async fn utilization_records_have_microsofts_keys() {
    let emu = start(Preset::S, 18).await;
    let token = pc_token(&emu);
    let (customers, _) = all_pages(&emu, "/v1/customers?size=500", &token).await;
    let mut page = None;
    'found: for c in &customers {
        if c["relationshipToPartner"] != "reseller" {
            continue;
        }
        let id = c["id"].as_str().unwrap();
        let subs = get(
            &emu,
            &format!("/v1/customers/{id}/subscriptions"),
            &token,
            None,
        )
        .await;
        for s in subs.json()["items"].as_array().unwrap() {
            if s["offerId"] != "MS-AZR-0145P" {
                continue;
            }
            let path = format!(
                "/v1/customers/{id}/subscriptions/{}/utilizations/azure?start_time=2026-02-01T00:00:00Z&end_time=2026-03-01T00:00:00Z&show_details=true&size=1000",
                s["id"].as_str().unwrap()
            );
            let reply = get(&emu, &path, &token, None).await;
            assert_eq!(reply.status, 200, "{}", reply.text);
            let body = reply.json();
            if body["items"].as_array().is_some_and(|i| !i.is_empty()) {
                page = Some(body);
                break 'found;
            }
        }
    }
    let page = page.expect("preset S has a legacy subscription with usage in February");
    assert_parity_with_maps(
        "GET /v1/customers/{id}/subscriptions/{id}/utilizations/azure",
        &sample("legacy_usage/utilization-azure.json"),
        &page,
        &[
            "items[].infoFields",
            "items[].instanceData.tags",
            "items[].instanceData.additionalInfo",
        ],
        &[
            ("items[].instanceData.tags", TAGS),
            ("items[].instanceData.tags.*", TAGS),
            ("items[].links", MISPLACED),
            ("items[].links.self", MISPLACED),
            ("items[].links.self.uri", MISPLACED),
            ("items[].links.self.method", MISPLACED),
            ("items[].links.self.headers", MISPLACED),
            ("items[].instanceData.attributes", MISPLACED),
            ("items[].instanceData.attributes.objectType", MISPLACED),
            ("links", MISPLACED),
            ("links.self", MISPLACED),
            ("links.self.uri", MISPLACED),
            ("links.self.method", MISPLACED),
            ("links.self.headers", MISPLACED),
            ("attributes", MISPLACED),
            ("attributes.objectType", MISPLACED),
        ],
    );
}
