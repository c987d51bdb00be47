//! Benchmark client: signs in through an emulator started with `--auto-consent`, then pages
//! through every usage row it serves (daily rated usage of every modern invoice, unbilled
//! current period, and legacy utilization of every 0145P subscription), printing counts and time.
//!
//! `cargo run --release --example page_all_usage -- http://127.0.0.1:PORT`

use std::time::Instant;

use base64::Engine;
use serde_json::Value;
use sha2::Digest;

const CLIENT_ID: &str = cspdesk_emulator::CLIENT_ID;

async fn get(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    token: &str,
    continuation: Option<&str>,
) -> Value {
    let url = if path.starts_with("/v1") {
        format!("{base}{path}")
    } else {
        format!("{base}/v1{path}")
    };
    let mut req = client.get(url).bearer_auth(token);
    if let Some(c) = continuation {
        req = req.header("MS-ContinuationToken", c);
    }
    let res = req.send().await.expect("request");
    assert_eq!(res.status().as_u16(), 200, "{path}");
    res.json().await.expect("json")
}

async fn page_all(client: &reqwest::Client, base: &str, first: &str, token: &str) -> (u64, u64) {
    let mut body = get(client, base, first, token, None).await;
    let (mut rows, mut pages) = (0u64, 0u64);
    loop {
        rows += body["items"]
            .as_array()
            .map(|a| a.len() as u64)
            .unwrap_or(0);
        pages += 1;
        let Some(next) = body["links"].get("next").cloned() else {
            break;
        };
        let token_header = next["headers"][0]["value"].as_str().map(str::to_string);
        body = get(
            client,
            base,
            next["uri"].as_str().unwrap(),
            token,
            token_header.as_deref(),
        )
        .await;
    }
    (rows, pages)
}

#[tokio::main]
async fn main() {
    let base = std::env::args().nth(1).expect("usage: page_all_usage URL");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let verifier = "benchmark-verifier-0123456789-0123456789-abcdef";
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(sha2::Sha256::digest(verifier.as_bytes()));
    let authorize = format!(
        "{base}/organizations/oauth2/v2.0/authorize?client_id={CLIENT_ID}&response_type=code&redirect_uri=http%3A%2F%2Flocalhost&scope=https%3A%2F%2Fapi.partnercenter.microsoft.com%2Fuser_impersonation%20offline_access&code_challenge={challenge}&code_challenge_method=S256"
    );
    let res = client.get(authorize).send().await.unwrap();
    let location = res
        .headers()
        .get("location")
        .expect("start the emulator with --auto-consent")
        .to_str()
        .unwrap()
        .to_string();
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .to_string();
    let tokens: Value = client
        .post(format!("{base}/organizations/oauth2/v2.0/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", CLIENT_ID),
            ("code", &code),
            ("redirect_uri", "http://localhost"),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().expect("token").to_string();
    let (mut total_rows, mut total_pages) = (0u64, 0u64);
    let invoices = get(&client, &base, "/v1/invoices", &token, None).await;
    println!("invoice list after {:.1}s", started.elapsed().as_secs_f64());
    for inv in invoices["items"].as_array().unwrap() {
        let id = inv["id"].as_str().unwrap();
        if !id.starts_with('G') {
            continue;
        }
        let ccy = inv["currencyCode"].as_str().unwrap();
        let (r, p) = page_all(&client, &base, &format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode={ccy}&period=current&size=2000"), &token).await;
        println!(
            "{id} {ccy}: {r} rated usage rows in {p} pages ({:.1}s)",
            started.elapsed().as_secs_f64()
        );
        total_rows += r;
        total_pages += p;
    }
    for ccy in ["USD", "EUR", "GBP"] {
        let (r, p) = page_all(&client, &base, &format!("/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode={ccy}&period=current&size=2000"), &token).await;
        println!(
            "unbilled {ccy}: {r} rows in {p} pages ({:.1}s)",
            started.elapsed().as_secs_f64()
        );
        total_rows += r;
        total_pages += p;
    }
    let (customers, _) = {
        let mut all = Vec::new();
        let mut body = get(&client, &base, "/v1/customers", &token, None).await;
        loop {
            all.extend(body["items"].as_array().unwrap().iter().cloned());
            let Some(next) = body["links"].get("next").cloned() else {
                break;
            };
            let t = next["headers"][0]["value"].as_str().map(str::to_string);
            body = get(
                &client,
                &base,
                next["uri"].as_str().unwrap(),
                &token,
                t.as_deref(),
            )
            .await;
        }
        (all, ())
    };
    let mut legacy_rows = 0u64;
    for c in customers
        .iter()
        .filter(|c| c["relationshipToPartner"] == "reseller")
    {
        let id = c["id"].as_str().unwrap();
        let subs = get(
            &client,
            &base,
            &format!("/v1/customers/{id}/subscriptions"),
            &token,
            None,
        )
        .await;
        for s in subs["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["offerId"] == "MS-AZR-0145P")
        {
            let sid = s["id"].as_str().unwrap();
            let (r, p) = page_all(&client, &base, &format!("/v1/customers/{id}/subscriptions/{sid}/utilizations/azure?start_time=2000-01-01T00:00:00Z&end_time=2100-01-01T00:00:00Z&size=1000"), &token).await;
            legacy_rows += r;
            total_pages += p;
        }
    }
    println!(
        "legacy utilization: {legacy_rows} rows ({:.1}s)",
        started.elapsed().as_secs_f64()
    );
    total_rows += legacy_rows;
    println!(
        "TOTAL {total_rows} usage rows in {total_pages} pages, {:.1}s",
        started.elapsed().as_secs_f64()
    );
}
