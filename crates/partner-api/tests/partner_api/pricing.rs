//! The Pricing API client against the emulator: sheets current and by month, zipped and
//! plain, FX rates, all read back by the app's own readers with nothing set aside; the typed
//! errors (a user without an agent role, a sign-in that never consented to the Pricing API);
//! the browser asking every consent and the device code one resource; throttling waited out.

use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use cspdesk_emulator::world::catalog::{self, meter_count, tiered_cost};
use cspdesk_emulator::world::tenancy::meter_guid;
use cspdesk_emulator::world::{Currency, Month};
use cspdesk_emulator::{FaultPlan, RunningEmulator, CLIENT_ID};
use cspdesk_partner_api::pricing::{Pricing, SheetView, Timeline};
use cspdesk_partner_api::{
    redeem_code, sign_in_scopes, sign_in_with_device_code, CallEvent, Error, PRICING_SCOPE,
};
use cspdesk_rating::price::{parse_consumption_sheet, parse_fx_rates, parse_licence_sheet};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::common::*;

fn february() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
}

fn upn(emu: &RunningEmulator, local: &str) -> String {
    emu.partner()
        .users
        .iter()
        .find(|u| u.upn.starts_with(&format!("{local}@")))
        .unwrap()
        .upn
        .clone()
}

async fn pricing_as(emu: &RunningEmulator, local: &str) -> (Signed, Pricing) {
    let signed = signed_in(emu, &upn(emu, local), Default::default()).await;
    let pricing = Pricing::new(signed.session.clone())
        .unwrap()
        .with_retry(fast_retries());
    (signed, pricing)
}

async fn monthly_emulator() -> RunningEmulator {
    let mut config = config();
    config.monthly_prices = true;
    start_with(config).await
}

#[tokio::test]
async fn sheets_and_fx_rates_read_back_by_the_apps_readers_at_the_emulators_prices() {
    let emu = monthly_emulator().await;
    let (_signed, pricing) = pricing_as(&emu, "admin").await;
    let zipped = pricing
        .price_sheet(
            "US",
            SheetView::AzureConsumption,
            Timeline::History(february()),
        )
        .await
        .expect("February's sheet");
    assert!(
        zipped.zipped,
        "asked with Accept-Encoding: deflate, a zip came"
    );
    let sheet = parse_consumption_sheet("azure_consumption 202602", zipped).unwrap();
    assert!(sheet.set_aside.is_empty(), "{:?}", sheet.set_aside);
    let month = Month {
        year: 2026,
        month: 2,
    };
    let tiers = emu.world().month_tiers(month);
    let mut compared = 0;
    for (meter, (table, included)) in tiers.iter().enumerate() {
        let region = if catalog::meter(meter).stack {
            "Azure Stack"
        } else {
            "EU West"
        };
        let id = meter_guid(meter, region).to_ascii_lowercase();
        let entry = sheet
            .entries
            .iter()
            .find(|e| e.meter_id == id)
            .unwrap_or_else(|| panic!("meter {meter} in {region} is in the sheet"));
        for quantity in ["0.5", "99", "150", "60000", "700000"] {
            let q: Decimal = quantity.parse().unwrap();
            assert_eq!(
                entry.price.tiers.cost(q),
                tiered_cost(table, *included, q),
                "meter {meter}: {quantity} units cost what the emulator billed"
            );
        }
        compared += 1;
    }
    assert_eq!(compared, meter_count());

    let plain = pricing
        .clone()
        .with_compression(false)
        .price_sheet(
            "US",
            SheetView::AzureConsumption,
            Timeline::History(february()),
        )
        .await
        .unwrap();
    assert!(!plain.zipped);
    let plain = parse_consumption_sheet("plain", plain).unwrap();
    assert_eq!(
        plain.entries, sheet.entries,
        "the zip and the plain CSV agree"
    );

    let old = pricing
        .price_sheet(
            "US",
            SheetView::AzureConsumption,
            Timeline::History(NaiveDate::from_ymd_opt(2019, 9, 1).unwrap()),
        )
        .await
        .unwrap();
    assert!(!old.zipped, "sheets before April 2020 come uncompressed");

    let current = pricing
        .price_sheet("US", SheetView::AzureConsumption, Timeline::Current)
        .await
        .unwrap();
    let current = parse_consumption_sheet("current", current).unwrap();
    assert!(current.set_aside.is_empty());
    assert!(current
        .entries
        .iter()
        .all(|e| e.effective_from == NaiveDate::from_ymd_opt(2026, 4, 1).unwrap()));

    let licences = pricing
        .price_sheet(
            "GB",
            SheetView::UpdatedLicenseBased,
            Timeline::History(february()),
        )
        .await
        .unwrap();
    let licences = parse_licence_sheet("licences", licences).unwrap();
    assert!(licences.set_aside.is_empty(), "{:?}", licences.set_aside);
    assert_eq!(licences.prices[0].currency, "GBP");

    let fx = pricing.fx_rates(february()).await.unwrap();
    let fx = parse_fx_rates("fx", "202602", fx).unwrap();
    assert!(fx.set_aside.is_empty());
    for currency in [Currency::Eur, Currency::Gbp] {
        let rate = fx.usd_to(currency.code()).unwrap().unwrap();
        assert_eq!(rate.rate, emu.world().fx(currency, month), "{currency:?}");
    }

    let reservations = pricing
        .price_sheet("US", SheetView::AzureReservations, Timeline::Current)
        .await
        .unwrap_err();
    assert!(
        matches!(reservations, Error::NotFound { .. }),
        "{reservations:?}"
    );
}

#[tokio::test]
async fn a_user_without_an_agent_role_is_told_which_role_to_get() {
    let emu = start().await;
    let (_signed, pricing) = pricing_as(&emu, "billing").await;
    let err = pricing
        .price_sheet("US", SheetView::AzureConsumption, Timeline::Current)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PricingRole { .. }), "{err:?}");
    assert!(
        err.to_string().contains("Admin agent or Sales agent"),
        "{err}"
    );
    let (_signed, sales) = pricing_as(&emu, "sales").await;
    sales
        .fx_rates(february())
        .await
        .expect("a Sales agent reads FX rates");
}

/// A sign-in as the app made them before it asked for the Pricing API: Partner Center's
/// scopes only, through the consent page, the code redeemed by the client.
async fn sign_in_without_pricing(emu: &RunningEmulator) -> cspdesk_partner_api::TokenSet {
    let verifier = "pricing-test-verifier-0123456789-abcdefghijklmnopq";
    let redirect = "http://localhost/callback";
    let scope = "https://api.partnercenter.microsoft.com/user_impersonation offline_access openid";
    let authorize = format!(
        "{}/{}/oauth2/v2.0/authorize",
        emu.url(),
        emu.partner().tenant_id
    );
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [
        ("client_id", CLIENT_ID),
        ("response_type", "code"),
        ("redirect_uri", redirect),
        ("scope", scope),
        ("state", "s"),
        ("code_challenge", verifier),
        ("code_challenge_method", "plain"),
        ("user", &admin(emu)),
        ("decision", "accept"),
    ];
    let res = http.post(&authorize).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 302);
    let location = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    let code = query(&location)["code"].clone();
    redeem_code(
        &settings(emu),
        &http,
        &cspdesk_partner_api::Sensitive::new(code),
        redirect,
        &cspdesk_partner_api::Sensitive::new(verifier.to_string()),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_sign_in_that_never_consented_to_pricing_names_what_to_consent_to() {
    let emu = start().await;
    emu.set_pricing_admin_consent(false);
    let tokens = sign_in_without_pricing(&emu).await;
    let signed = signed_with(&emu, tokens, emu_clock(&emu), Default::default());
    let err = Pricing::new(signed.session.clone())
        .unwrap()
        .fx_rates(february())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::PricingConsent { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("user_impersonation")
            && text.contains("Microsoft Partner")
            && text.contains("admin consent"),
        "{text}"
    );
    emu.set_pricing_admin_consent(true);
    Pricing::new(signed.session.clone())
        .unwrap()
        .fx_rates(february())
        .await
        .expect("the admin's tenant-wide consent covers the same sign-in");
}

#[tokio::test]
async fn the_browser_asks_every_consent_and_the_device_code_one_resource() {
    let emu = start().await;
    emu.set_pricing_admin_consent(false);
    let settings = settings(&emu);
    let wanted = sign_in_scopes(&settings);
    for scope in [
        "https://api.partnercenter.microsoft.com/user_impersonation",
        cspdesk_partner_api::GRAPH_BILLING_SCOPE,
        PRICING_SCOPE,
        "offline_access",
    ] {
        assert!(wanted.iter().any(|s| s == scope), "{scope} in {wanted:?}");
    }
    let request = cspdesk_partner_api::AuthorizationRequest::new(
        &settings,
        "http://localhost/callback",
        None,
    )
    .unwrap();
    let asked: Vec<String> = query(&request.url)["scope"]
        .split(' ')
        .map(String::from)
        .collect();
    assert_eq!(asked, wanted, "the browser sign-in asks exactly these");
    let (browser, _) = sign_in(&emu, Choice::Accept(admin(&emu))).await;
    let signed = signed_with(&emu, browser.unwrap(), emu_clock(&emu), Default::default());
    Pricing::new(signed.session.clone())
        .unwrap()
        .fx_rates(february())
        .await
        .expect("the browser sign-in consented to the Pricing API itself");

    // Entra refuses a device-code request naming several resources once the user approved it.
    emu.set_auto_consent(Some(admin(&emu)));
    let mut all = settings.clone();
    all.scopes = wanted.clone();
    let err = sign_in_with_device_code(&all, CancellationToken::new(), |_| {})
        .await
        .unwrap_err();
    assert!(err.to_string().contains("AADSTS28000"), "{err:?}");
    // So the device code asks Partner Center's scopes only; the Pricing API then needs the
    // admin's consent, and the error says so.
    let tokens = sign_in_with_device_code(&settings, CancellationToken::new(), |_| {})
        .await
        .expect("device code sign-in");
    let signed = signed_with(&emu, tokens, emu_clock(&emu), Default::default());
    let pricing = Pricing::new(signed.session.clone()).unwrap();
    let err = pricing.fx_rates(february()).await.unwrap_err();
    assert!(matches!(err, Error::PricingConsent { .. }), "{err:?}");
    emu.set_pricing_admin_consent(true);
    pricing
        .fx_rates(february())
        .await
        .expect("with the admin's consent the device-code user reads prices");
    signed
        .session
        .token_for(&cspdesk_partner_api::Resource::Graph)
        .await
        .expect("and Graph's partner billing (admin-consented)");
}

#[tokio::test]
async fn throttling_is_waited_out_and_every_request_observed() {
    let emu = start().await;
    let signed = signed_in(&emu, &admin(&emu), Default::default()).await;
    let seen: Arc<Mutex<Vec<CallEvent>>> = Default::default();
    let sink = seen.clone();
    let pricing = Pricing::new(signed.session.clone())
        .unwrap()
        .with_retry(fast_retries())
        .with_observer(Arc::new(move |e: &CallEvent| {
            sink.lock().unwrap().push(e.clone())
        }));
    emu.set_faults(FaultPlan::parse("pricing:429@0.5").unwrap());
    for _ in 0..4 {
        pricing
            .fx_rates(february())
            .await
            .expect("each 429 is waited out");
    }
    let statuses: Vec<Option<u16>> = seen.lock().unwrap().iter().map(|e| e.status).collect();
    assert!(statuses.contains(&Some(429)), "{statuses:?}");
    assert_eq!(
        statuses.iter().filter(|s| **s == Some(200)).count(),
        4,
        "{statuses:?}"
    );
}
