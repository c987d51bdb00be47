//! Key parity of the emulator's Microsoft Graph partner-billing answers with Microsoft's samples
//! (`tests/fixtures/microsoft/graph/`): the three operation states, the manifest, the error and
//! throttling bodies, and every row's attribute names against the documented full and basic sets.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::Duration as Span;
use cspdesk_emulator::{EmulatorConfig, FaultPlan, Preset};
use serde_json::Value;

use super::{assert_parity, sample};
use crate::common::*;
use crate::graph::{
    export, graph_token, manifest_of, march_invoice, post_export, rows_of, start_graph,
};

#[tokio::test]
async fn operations_have_microsofts_keys_in_each_state() {
    let mut config = EmulatorConfig::new(Preset::S, 51, now());
    config.graph_preparation = Duration::from_secs(10);
    let emu = start_with(config).await;
    let token = graph_token(&emu);
    let started = post_export(
        &emu,
        "usage/unbilled",
        &sample("graph/export-unbilled-usage-request.json").to_string(),
        &token,
    )
    .await;
    assert_eq!(
        started.status, 202,
        "Microsoft's own request body is accepted: {}",
        started.text
    );
    let location = started.header("location").unwrap();
    let running = get(&emu, &location, &token, None).await.json();
    assert_parity(
        "operation (running)",
        &sample("graph/operation-running.json"),
        &running,
        &[],
    );
    emu.clock().advance(Span::seconds(10));
    emu.set_graph_preparation(Duration::ZERO);
    let mut done = running;
    for _ in 0..500 {
        done = get(&emu, &location, &token, None).await.json();
        if done["status"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_parity(
        "operation (succeeded)",
        &sample("graph/operation-succeeded.json"),
        &done,
        &[],
    );
    assert_parity(
        "manifest",
        &sample("graph/manifest.json"),
        &manifest_of(&emu, &done).await,
        &[],
    );
    emu.set_faults(FaultPlan::parse("graph:failed-operation@1").unwrap());
    let failed = export(
        &emu,
        "usage/unbilled",
        &sample("graph/export-unbilled-usage-request.json").to_string(),
    )
    .await;
    assert_parity(
        "operation (failed)",
        &sample("graph/operation-failed.json"),
        &failed,
        &[],
    );
}

#[tokio::test]
async fn microsofts_request_bodies_are_accepted_by_all_four_exports() {
    let emu = start_graph(52, 100_000).await;
    let token = graph_token(&emu);
    for (what, file) in [
        ("usage/billed", "export-billed-usage-request.json"),
        ("usage/unbilled", "export-unbilled-usage-request.json"),
        (
            "reconciliation/billed",
            "export-billed-reconciliation-request.json",
        ),
        (
            "reconciliation/unbilled",
            "export-unbilled-reconciliation-request.json",
        ),
    ] {
        let text = std::fs::read_to_string(format!(
            "{}/../../tests/fixtures/microsoft/graph/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let reply = post_export(&emu, what, &text, &token).await;
        assert_eq!(reply.status, 202, "{file}: {}", reply.text);
        assert!(reply
            .header("location")
            .unwrap()
            .contains("/reports/partners/billing/operations/"));
        // The namespace-qualified action, as Microsoft's generated SDKs call it.
        let qualified = client()
            .post(format!(
                "{}/v1.0/reports/partners/billing/{what}/microsoft.graph.partners.billing.export",
                emu.url()
            ))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(text.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(qualified.status().as_u16(), 202, "{what} (qualified)");
    }
}

#[tokio::test]
async fn error_and_throttling_bodies_have_graphs_keys() {
    let emu = start_graph(53, 100_000).await;
    let bad = post_export(&emu, "usage/billed", "{}", &graph_token(&emu)).await;
    assert_eq!(bad.status, 400);
    assert_parity("400", &sample("graph/error.json"), &bad.json(), &[]);
    emu.set_faults(FaultPlan::parse("graph:429@1").unwrap());
    let throttled = post_export(&emu, "usage/billed", "{}", &graph_token(&emu)).await;
    assert_eq!(throttled.status, 429);
    assert_parity(
        "429",
        &sample("graph/throttled.json"),
        &throttled.json(),
        &[],
    );
}

fn documented(file: &str, set: &str) -> BTreeSet<String> {
    sample(&format!("graph/{file}"))[set]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

fn keys_of(rows: &[Value]) -> BTreeSet<String> {
    let all: Vec<BTreeSet<String>> = rows
        .iter()
        .map(|r| r.as_object().unwrap().keys().cloned().collect())
        .collect();
    assert!(
        all.windows(2).all(|w| w[0] == w[1]),
        "every row has the same keys"
    );
    all.into_iter().next().expect("the export has rows")
}

#[tokio::test]
async fn rows_carry_exactly_the_documented_attributes_of_each_set() {
    let emu = start_graph(54, 100_000).await;
    let (invoice, _) = march_invoice(&emu).await;
    for (what, file, body) in [
        (
            "usage/billed",
            "usage-attributes.json",
            format!(r#"{{"invoiceId":"{invoice}","attributeSet":"SET"}}"#),
        ),
        (
            "usage/unbilled",
            "usage-attributes.json",
            r#"{"currencyCode":"USD","billingPeriod":"current","attributeSet":"SET"}"#.to_string(),
        ),
        (
            "reconciliation/billed",
            "reconciliation-attributes.json",
            format!(r#"{{"invoiceId":"{invoice}","attributeSet":"SET"}}"#),
        ),
        (
            "reconciliation/unbilled",
            "reconciliation-attributes.json",
            r#"{"currencyCode":"USD","billingPeriod":"current","attributeSet":"SET"}"#.to_string(),
        ),
    ] {
        for set in ["full", "basic"] {
            let op = export(&emu, what, &body.replace("SET", set)).await;
            let rows = rows_of(&manifest_of(&emu, &op).await).await;
            let ours = keys_of(&rows);
            let microsofts = documented(file, set);
            let invented: Vec<_> = ours.difference(&microsofts).collect();
            let omitted: Vec<_> = microsofts.difference(&ours).collect();
            assert!(
                invented.is_empty() && omitted.is_empty(),
                "{what} ({set}): invented {invented:?}, omitted {omitted:?}"
            );
        }
    }
}
