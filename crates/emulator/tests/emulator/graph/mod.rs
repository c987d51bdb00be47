//! Microsoft Graph's partner-billing exports over real HTTP: the export -> operation -> manifest
//! -> blob flow, its agreement with the v1 invoices, the token checks, faults and the cut-over.

mod access;
mod faults;
mod flow;

use std::io::Read;
use std::time::Duration;

use cspdesk_emulator::{EmulatorConfig, Preset, RunningEmulator};
use serde_json::Value;

use crate::common::*;

pub const BASE: &str = "/v1.0/reports/partners/billing";

/// An emulator whose operations succeed at once and whose blobs hold `rows_per_blob` rows.
pub async fn start_graph(seed: u64, rows_per_blob: usize) -> RunningEmulator {
    let mut config = EmulatorConfig::new(Preset::S, seed, now());
    config.graph_preparation = Duration::ZERO;
    config.graph_rows_per_blob = rows_per_blob;
    start_with(config).await
}

/// A Graph token of the seeded admin.
pub fn graph_token(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), "https://graph.microsoft.com", true)
        .unwrap()
}

/// POSTs an export body to `{BASE}/{what}/export`.
pub async fn post_export(emu: &RunningEmulator, what: &str, body: &str, token: &str) -> Reply {
    let res = client()
        .post(format!("{}{BASE}/{what}/export", emu.url()))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request reaches the emulator");
    reply(res).await
}

/// Starts an export and polls its operation until it is no longer running (the clock frozen:
/// preparation must be zero or advanced by the caller). Returns the final operation.
pub async fn export(emu: &RunningEmulator, what: &str, body: &str) -> Value {
    let token = graph_token(emu);
    let started = post_export(emu, what, body, &token).await;
    assert_eq!(started.status, 202, "{what}: {}", started.text);
    let location = started.header("location").expect("202 carries Location");
    for _ in 0..2000 {
        let op = get(emu, &location, &token, None).await;
        assert_eq!(op.status, 200, "{}", op.text);
        let body = op.json();
        if body["status"] != "running" {
            return body;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the operation of {what} never finished");
}

/// The manifest a succeeded operation points at.
pub async fn manifest_of(emu: &RunningEmulator, op: &Value) -> Value {
    assert_eq!(op["status"], "succeeded", "{op}");
    let link = op["resourceLocation@odata.navigationLink"]
        .as_str()
        .unwrap();
    let reply = get(emu, link, &graph_token(emu), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json()
}

/// Downloads blob `name` of a manifest: (status, raw body).
pub async fn download(manifest: &Value, name: &str) -> (u16, Vec<u8>) {
    let url = format!(
        "{}/{name}?{}",
        manifest["rootDirectory"].as_str().unwrap(),
        manifest["sasToken"].as_str().unwrap()
    );
    let res = client().get(url).send().await.unwrap();
    (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
}

pub fn gunzip(bytes: &[u8]) -> std::io::Result<String> {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(bytes).read_to_string(&mut text)?;
    Ok(text)
}

/// Every row of every blob of a manifest.
pub async fn rows_of(manifest: &Value) -> Vec<Value> {
    let mut rows = Vec::new();
    for blob in manifest["blobs"].as_array().unwrap() {
        let (status, bytes) = download(manifest, blob["name"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        for line in gunzip(&bytes).unwrap().lines() {
            rows.push(serde_json::from_str(line).unwrap());
        }
    }
    rows
}

/// The emulator's modern invoice of March 2026 in USD and its v1 total.
pub async fn march_invoice(emu: &RunningEmulator) -> (String, rust_decimal::Decimal) {
    let id = emu.world().modern_invoice_id(
        cspdesk_emulator::world::Month {
            year: 2026,
            month: 3,
        },
        cspdesk_emulator::world::Currency::Usd,
    );
    let inv = get(emu, &format!("/v1/invoices/{id}"), &pc_token(emu), None).await;
    assert_eq!(inv.status, 200, "{}", inv.text);
    (id, amount(&inv.json()["totalCharges"]))
}

pub fn amount(v: &Value) -> rust_decimal::Decimal {
    use std::str::FromStr;
    match v {
        Value::Number(n) => rust_decimal::Decimal::from_str(&n.to_string()).unwrap(),
        Value::String(s) => rust_decimal::Decimal::from_str(s).unwrap(),
        other => panic!("not an amount: {other}"),
    }
}

pub fn sum(rows: &[Value], key: &str) -> rust_decimal::Decimal {
    rows.iter().map(|r| amount(&r[key])).sum()
}
