//! Microsoft's published Pricing API samples (tests/fixtures/microsoft/pricing) through the
//! Pricing client and the app's readers: the Azure plan row gives its documented price, the
//! new-commerce row its price and ERP, the FX row its rate; a 401 (a token of another
//! audience) is refreshed once, then reported.

use std::sync::Arc;

use chrono::NaiveDate;
use cspdesk_partner_api::pricing::{Pricing, SheetView, Timeline};
use cspdesk_partner_api::{Error, Session};
use cspdesk_rating::price::{parse_consumption_sheet, parse_fx_rates, parse_licence_sheet};

use super::{dec, sample, serve_answers, SampleServer};
use crate::common::*;

async fn pricing_for(emu: &cspdesk_emulator::RunningEmulator, server: &SampleServer) -> Pricing {
    let (tokens, _) = sign_in(emu, Choice::Accept(admin(emu))).await;
    let mut settings = settings(emu);
    settings.pricing_base = server.base.clone();
    let key = cspdesk_partner_api::AccountKey::generate();
    let session = Arc::new(
        Session::start(settings, key, store(), tokens.expect("signed in"), now())
            .unwrap()
            .with_clock(emu_clock(emu)),
    );
    Pricing::new(session).unwrap().with_retry(fast_retries())
}

#[tokio::test]
async fn microsofts_sample_rows_give_their_documented_prices() {
    let emu = start().await;
    let server = serve_answers(vec![
        (
            "/sales/pricesheets(Market='AD',PricesheetView='azure_consumption')",
            200,
            sample("pricing/azure-consumption.csv"),
        ),
        (
            "/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')",
            200,
            sample("pricing/updatedlicensebased.csv"),
        ),
        (
            "/sales/fxrates(Month='201909')",
            200,
            sample("pricing/fxrates.csv"),
        ),
    ])
    .await;
    let pricing = pricing_for(&emu, &server).await;
    let september = NaiveDate::from_ymd_opt(2019, 9, 1).unwrap();
    let sheet = pricing
        .price_sheet(
            "ad",
            SheetView::AzureConsumption,
            Timeline::History(september),
        )
        .await
        .unwrap();
    assert!(!sheet.zipped);
    let sheet = parse_consumption_sheet("sample", sheet).unwrap();
    assert!(sheet.set_aside.is_empty(), "{:?}", sheet.set_aside);
    assert_eq!(sheet.entries.len(), 1);
    assert_eq!(
        sheet.entries[0].meter_id,
        "cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff"
    );
    assert_eq!(
        sheet.entries[0].price.tiers.cost(dec("2")),
        dec("30"),
        "15 USD per node-month"
    );
    let licences = pricing
        .price_sheet(
            "US",
            SheetView::UpdatedLicenseBased,
            Timeline::History(september),
        )
        .await
        .unwrap();
    let licences = parse_licence_sheet("sample", licences).unwrap();
    assert_eq!(licences.prices[0].unit_price, dec("115.2"));
    assert_eq!(licences.prices[0].erp_price, Some(dec("144")));
    let fx = parse_fx_rates(
        "sample",
        "201909",
        pricing.fx_rates(september).await.unwrap(),
    )
    .unwrap();
    assert_eq!(fx.usd_per_unit["AED"], dec("0.27224589249009701"));
    let seen = server.seen.lock().unwrap().clone();
    assert!(
        seen.iter()
            .any(|t| t.ends_with("/$value?timeline=history&month=201909")),
        "{seen:?}"
    );
    assert!(server.unmatched.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_then_reported_and_a_403_names_the_roles() {
    let emu = start().await;
    let server = serve_answers(vec![
        (
            "/sales/fxrates(",
            401,
            r#"{"code":"401","description":"Invalid audience"}"#.into(),
        ),
        (
            "/sales/pricesheets(",
            403,
            r#"{"code":"403","description":"Forbidden"}"#.into(),
        ),
    ])
    .await;
    let pricing = pricing_for(&emu, &server).await;
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let err = pricing.fx_rates(day).await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err:?}");
    let fx_calls = server
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|t| t.contains("fxrates"))
        .count();
    assert_eq!(fx_calls, 2, "one refresh, one more try");
    let err = pricing
        .price_sheet("US", SheetView::AzureConsumption, Timeline::Current)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PricingRole { .. }), "{err:?}");
}
