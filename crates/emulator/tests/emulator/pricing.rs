//! The Pricing API host: price sheets (current and history, plain and zipped), FX rates, who
//! may call (audience, Admin agent / Sales agent, App+User), and prices that move by month
//! with the emulator billing each month at its own sheet and FX.

use std::collections::HashMap;
use std::io::Read;

use cspdesk_emulator::pricing::BASE;
use cspdesk_emulator::{EmulatorConfig, Preset, RunningEmulator};
use rust_decimal::prelude::*;

use crate::common::*;

const PRICING: &str = "https://api.partner.microsoft.com";

fn user(emu: &RunningEmulator, local: &str) -> String {
    let upn = emu
        .partner()
        .users
        .iter()
        .find(|u| u.upn.starts_with(&format!("{local}@")))
        .unwrap_or_else(|| panic!("seeded user {local}"));
    upn.upn.clone()
}

fn pricing_token(emu: &RunningEmulator, local: &str) -> String {
    emu.mint_access_token(&user(emu, local), PRICING, true)
        .unwrap()
}

fn sheet_path(market: &str, view: &str, query: &str) -> String {
    format!("{BASE}/sales/pricesheets(Market='{market}',PricesheetView='{view}')/$value{query}")
}

async fn fetch(
    emu: &RunningEmulator,
    path: &str,
    token: &str,
    deflate: bool,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = client()
        .get(format!("{}{path}", emu.url()))
        .bearer_auth(token);
    if deflate {
        req = req.header("Accept-Encoding", "deflate");
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.unwrap().to_vec())
}

/// The single entry of a zip archive, inflated.
fn unzip(zip: &[u8]) -> Vec<u8> {
    assert_eq!(&zip[..4], b"PK\x03\x04", "a zip archive");
    let name_len = u16::from_le_bytes([zip[26], zip[27]]) as usize;
    let extra_len = u16::from_le_bytes([zip[28], zip[29]]) as usize;
    let size = u32::from_le_bytes([zip[18], zip[19], zip[20], zip[21]]) as usize;
    let start = 30 + name_len + extra_len;
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(&zip[start..start + size])
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// Rows of a CSV as header -> cell maps.
fn rows(csv: &[u8]) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn fixture_header(file: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/microsoft/pricing/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn sheets_come_current_and_by_month_plain_or_zipped_with_microsofts_header() {
    let emu = start(Preset::S, 31).await;
    let token = pricing_token(&emu, "admin");
    let (status, headers, plain) = fetch(
        &emu,
        &sheet_path("US", "azure_consumption", "?timeline=history&month=202602"),
        &token,
        false,
    )
    .await;
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&plain));
    assert_eq!(headers["content-type"], "application/octet-stream");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let text = String::from_utf8(plain.clone()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        fixture_header("azure-consumption.csv")
    );
    let february = rows(&plain);
    assert!(
        february.len() > 30,
        "every meter in every region: {}",
        february.len()
    );
    assert!(february
        .iter()
        .all(|r| r["EffectiveStartDate"] == "2/1/2026 12:00:00 AM"
            && r["EffectiveEndDate"] == "2/28/2026 11:59:59 PM"
            && r["Currency"] == "USD"
            && r["Market"] == "US"));
    let (_, _, zipped) = fetch(
        &emu,
        &sheet_path("US", "azure_consumption", "?timeline=history&month=202602"),
        &token,
        true,
    )
    .await;
    assert_eq!(unzip(&zipped), plain, "the zip holds the same CSV");
    let (status, _, current) = fetch(
        &emu,
        &sheet_path("us", "azure_consumption", ""),
        &token,
        false,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        rows(&current)
            .iter()
            .all(|r| r["EffectiveStartDate"] == "4/1/2026 12:00:00 AM"),
        "current is the clock's month"
    );
    let (status, _, licence) = fetch(
        &emu,
        &sheet_path(
            "DE",
            "updatedlicensebased",
            "?timeline=history&month=202603",
        ),
        &token,
        false,
    )
    .await;
    assert_eq!(status, 200);
    let text = String::from_utf8(licence.clone()).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        fixture_header("updatedlicensebased.csv")
    );
    assert_eq!(rows(&licence)[0]["Currency"], "EUR");
    let (status, _, _) = fetch(
        &emu,
        &sheet_path("US", "azure_reservations", ""),
        &token,
        false,
    )
    .await;
    assert_eq!(
        status, 404,
        "no published reservation row: the view answers no sheet"
    );
    for bad in [
        sheet_path("USA", "azure_consumption", ""),
        sheet_path("US", "marketplace", ""),
        sheet_path("US", "azure_consumption", "?timeline=history"),
        sheet_path("US", "azure_consumption", "?timeline=history&month=202612"),
    ] {
        let (status, _, _) = fetch(&emu, &bad, &token, false).await;
        assert_eq!(status, 400, "{bad}");
    }
}

#[tokio::test]
async fn fx_rates_give_back_the_rate_that_billed_the_month() {
    let emu = start(Preset::S, 32).await;
    let token = pricing_token(&emu, "sales");
    let (status, _, body) = fetch(
        &emu,
        &format!("{BASE}/sales/fxrates(Month='202602')/$value"),
        &token,
        false,
    )
    .await;
    assert_eq!(status, 200, "a Sales agent may read prices");
    let text = String::from_utf8(body.clone()).unwrap();
    assert_eq!(text.lines().next().unwrap(), fixture_header("fxrates.csv"));
    let rates = rows(&body);
    let feb = cspdesk_emulator::world::Month {
        year: 2026,
        month: 2,
    };
    for r in &rates {
        let currency = cspdesk_emulator::world::Currency::parse(&r["CurrencyCode"]).unwrap();
        let per_unit = Decimal::from_str(&r["USDPerUnit"]).unwrap();
        let back = (Decimal::ONE / per_unit).round_dp(12);
        assert_eq!(back, emu.world().fx(currency, feb), "{}", r["CurrencyCode"]);
        assert_eq!(
            r["Month"], "2026",
            "the year, as Microsoft's sample writes it"
        );
    }
    assert_eq!(
        rates.len(),
        2,
        "EUR and GBP: the currencies the emulator bills in besides USD"
    );
}

#[tokio::test]
async fn only_an_agent_with_a_pricing_token_gets_prices() {
    let emu = start(Preset::S, 33).await;
    let path = sheet_path("US", "azure_consumption", "");
    for (who, status) in [
        ("admin", 200),
        ("sales", 200),
        ("billing", 403),
        ("reader", 403),
    ] {
        let (got, _, body) = fetch(&emu, &path, &pricing_token(&emu, who), false).await;
        assert_eq!(got, status, "{who}: {}", String::from_utf8_lossy(&body));
        if status == 403 {
            assert!(String::from_utf8_lossy(&body).contains("Admin agent or Sales agent"));
        }
    }
    for audience in [
        "https://api.partnercenter.microsoft.com",
        "https://graph.microsoft.com",
    ] {
        let token = emu.mint_access_token(&admin(&emu), audience, true).unwrap();
        let (got, headers, _) = fetch(&emu, &path, &token, false).await;
        assert_eq!(got, 401, "a token for {audience} is refused");
        assert!(headers.contains_key("www-authenticate"));
    }
    let (got, _, _) = fetch(&emu, &path, "not-a-token", false).await;
    assert_eq!(got, 401);
}

#[tokio::test]
async fn pricing_routes_take_faults_and_throttling_like_the_others() {
    let emu = start(Preset::S, 34).await;
    let token = pricing_token(&emu, "admin");
    let path = sheet_path("US", "azure_consumption", "");
    emu.set_faults(cspdesk_emulator::FaultPlan::parse("pricing:503@1").unwrap());
    let (got, headers, _) = fetch(&emu, &path, &token, false).await;
    assert_eq!(got, 503, "an injected outage reaches the pricing route");
    assert!(headers.contains_key("retry-after"));
    emu.set_faults(cspdesk_emulator::FaultPlan::default());
    let (got, _, _) = fetch(&emu, &path, &token, false).await;
    assert_eq!(got, 200, "then the route answers again");
    emu.set_rate_limits(cspdesk_emulator::RateLimits::default().with(
        "pricing",
        cspdesk_emulator::ThrottleScope::Partner,
        1,
    ));
    let (first, _, _) = fetch(&emu, &path, &token, false).await;
    let (second, headers, _) = fetch(&emu, &path, &token, false).await;
    assert_eq!((first, second), (200, 429));
    assert!(headers.contains_key("retry-after"));
}

/// Price of `meter_id` in a consumption sheet (its first tier).
fn price_of(sheet: &[HashMap<String, String>], meter_id: &str) -> Option<Decimal> {
    sheet
        .iter()
        .find(|r| r["MeterIds"] == meter_id && r["PricingTierRangeMin"].is_empty())
        .map(|r| Decimal::from_str(&r["UnitPrice"]).unwrap())
}

#[tokio::test]
async fn with_monthly_prices_each_month_is_billed_at_its_own_sheet_and_fx() {
    let mut config = EmulatorConfig::new(Preset::S, 35, now());
    config.monthly_prices = true;
    config.v1_cutover = false;
    let emu = start_with(config).await;
    let token = pricing_token(&emu, "admin");
    let sheet = |month: &'static str| {
        let emu = &emu;
        let token = token.clone();
        async move {
            let (status, _, body) = fetch(
                emu,
                &sheet_path(
                    "US",
                    "azure_consumption",
                    &format!("?timeline=history&month={month}"),
                ),
                &token,
                false,
            )
            .await;
            assert_eq!(status, 200);
            rows(&body)
        }
    };
    let (january, february) = (sheet("202601").await, sheet("202602").await);
    let moved = february
        .iter()
        .filter(|r| r["PricingTierRangeMin"].is_empty())
        .filter(|r| price_of(&january, &r["MeterIds"]) != price_of(&february, &r["MeterIds"]))
        .count();
    assert!(
        moved > 0,
        "some meter's price differs between January and February"
    );
    let (_, _, fx) = fetch(
        &emu,
        &format!("{BASE}/sales/fxrates(Month='202602')/$value"),
        &token,
        false,
    )
    .await;
    let fx_rows = rows(&fx);
    let pc = pc_token(&emu);
    let invoices = get(&emu, "/v1/invoices", &pc, None).await.json();
    let mut checked = 0;
    for currency in ["USD", "EUR", "GBP"] {
        let Some(inv) = invoices["items"].as_array().unwrap().iter().find(|i| {
            i["id"].as_str().unwrap().starts_with('G')
                && i["currencyCode"] == currency
                && i["billingPeriodStartDate"]
                    .as_str()
                    .unwrap()
                    .starts_with("2026-02")
        }) else {
            continue;
        };
        let fx = match fx_rows.iter().find(|r| r["CurrencyCode"] == currency) {
            Some(r) => (Decimal::ONE / Decimal::from_str(&r["USDPerUnit"]).unwrap()).round_dp(12),
            None => Decimal::ONE,
        };
        let id = inv["id"].as_str().unwrap();
        let (usage, _) = all_pages(&emu, &format!("/v1/invoices/{id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode={currency}&period=current&size=2000"), &pc).await;
        for u in &usage {
            let num = |k: &str| Decimal::from_str(&u[k].to_string()).unwrap();
            let Some(price) = price_of(&february, u["meterId"].as_str().unwrap()) else {
                continue; // a tiered or partly free meter: several rows price it
            };
            assert_eq!(
                num("unitPrice"),
                price,
                "the row's list price is February's sheet"
            );
            assert_eq!(num("pcToBCExchangeRate"), fx, "February's FX");
            let credit = if num("rateOfPartnerEarnedCredit").is_zero() {
                Decimal::ONE
            } else {
                Decimal::ONE - num("rateOfPartnerEarnedCredit")
            };
            let eup =
                (price * credit).round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero);
            assert_eq!(num("effectiveUnitPrice"), eup.normalize());
            let total = (eup * num("quantity") * fx)
                .round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
            assert_eq!(
                num("billingPreTaxTotal"),
                total,
                "qty x February price x February FX, floored"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "enough rows checked: {checked}");
}
