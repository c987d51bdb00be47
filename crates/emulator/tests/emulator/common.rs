//! Shared harness: start an emulator at a fixed instant, mint tokens, call it.

use chrono::{DateTime, TimeZone, Utc};
use cspdesk_emulator::{Emulator, EmulatorConfig, Preset, RunningEmulator};
use reqwest::header::HeaderMap;
use serde_json::Value;

/// 2026-04-15 10:00 UTC: history starts 2026-01-01; January to March are invoiced.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 10, 0, 0).unwrap()
}

pub async fn start(preset: Preset, seed: u64) -> RunningEmulator {
    start_with(EmulatorConfig::new(preset, seed, now())).await
}

/// An emulator that still serves v1 new-commerce line items past Microsoft's cut-over: the
/// tests of those shapes and of their paging (Microsoft serves them for earlier periods; the
/// emulator's world is all after the cut-over).
pub async fn start_v1(preset: Preset, seed: u64) -> RunningEmulator {
    let mut config = EmulatorConfig::new(preset, seed, now());
    config.v1_cutover = false;
    start_with(config).await
}

/// Starts with the clock frozen, so expiry and refill only happen when a test advances time.
pub async fn start_with(mut config: EmulatorConfig) -> RunningEmulator {
    config.clock_ticks = false;
    Emulator::start(config)
        .await
        .expect("emulator starts on a free loopback port")
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn admin(emu: &RunningEmulator) -> String {
    emu.partner().users[0].upn.clone()
}

/// A Partner Center token of the seeded admin (with MFA).
pub fn pc_token(emu: &RunningEmulator) -> String {
    emu.mint_access_token(&admin(emu), "https://api.partnercenter.microsoft.com", true)
        .unwrap()
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                &self.text[..self.text.len().min(300)]
            )
        })
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

/// GET `path` (absolute URL or path) with a bearer token and optional continuation token.
pub async fn get(
    emu: &RunningEmulator,
    path: &str,
    token: &str,
    continuation: Option<&str>,
) -> Reply {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", emu.url())
    };
    let mut req = client()
        .get(url)
        .bearer_auth(token)
        .header("MS-RequestId", "11111111-2222-4333-8444-555555555555");
    if let Some(t) = continuation {
        req = req.header("MS-ContinuationToken", t);
    }
    reply(req.send().await.expect("request reaches the emulator")).await
}

/// Reads a whole answer.
pub async fn reply(res: reqwest::Response) -> Reply {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    Reply {
        status,
        headers,
        text,
    }
}

/// Follows a Partner Center link object the way the SDK does (prefix `/v1` when missing, send its headers).
pub async fn follow(emu: &RunningEmulator, link: &Value, token: &str) -> Reply {
    let uri = link["uri"].as_str().expect("link has a uri");
    let path = if uri.starts_with("/v1") {
        uri.to_string()
    } else {
        format!("/v1{uri}")
    };
    let continuation = link["headers"]
        .as_array()
        .and_then(|h| h.iter().find(|x| x["key"] == "MS-ContinuationToken"))
        .map(|h| h["value"].as_str().unwrap().to_string());
    get(emu, &path, token, continuation.as_deref()).await
}

/// Reads every page of a collection, returning all items and the number of pages.
pub async fn all_pages(emu: &RunningEmulator, first: &str, token: &str) -> (Vec<Value>, usize) {
    let mut reply = get(emu, first, token, None).await;
    let mut items = Vec::new();
    let mut pages = 0;
    loop {
        assert_eq!(reply.status, 200, "page {pages} of {first}: {}", reply.text);
        let body = reply.json();
        pages += 1;
        items.extend(body["items"].as_array().unwrap().iter().cloned());
        match body["links"].get("next") {
            Some(next) => {
                assert!(
                    body["continuationToken"].is_string()
                        || next["uri"].as_str().unwrap().contains("offset="),
                    "seek pages carry continuationToken"
                );
                reply = follow(emu, next, token).await;
            }
            None => break,
        }
        assert!(pages < 100_000, "paging must terminate");
    }
    (items, pages)
}

/// Decodes a JWT's payload without checking the signature.
pub fn claims(jwt: &str) -> Value {
    use base64::Engine;
    let payload = jwt.split('.').nth(1).expect("JWT has a payload");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

/// The code of an ARM error body (`<none>` when it is not one).
pub fn arm_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<none>")
}
