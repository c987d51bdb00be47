//! Issue 16, licences: new-commerce licence charges compared with the licence sheet of the
//! month their term started (the price is locked for the term; renewals: licence_terms.rs).
//! The emulator's seat price moves month to month and each seat is billed at its term's
//! price, so on the sandbox a check against the latest sheet flags lines while the term
//! month's sheet flags none; with the
//! `mispriced_licence` knob exactly its one mispriced line is flagged, with both prices, on the
//! Reconciliation page's period and through `check_licences`.

use std::collections::BTreeSet;
use std::sync::Arc;

use cspdesk_api::billing::reconciliation::reconcile_period;
use cspdesk_api::rating::licence_check::{check_licences, SheetChoice};
use cspdesk_api::rating::pricing_fetch::{fetch_month_prices, PricesFetched};
use cspdesk_discovery::run::Trigger;
use cspdesk_emulator::Preset;
use cspdesk_store::{pricing, Database};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::rating::{dec, discover, now, Discovered};

pub(crate) async fn prices(d: &Discovered) -> PricesFetched {
    fetch_month_prices(
        &d.db,
        d.session.clone(),
        &d.account,
        Trigger::Manual,
        Arc::new(now),
        &CancellationToken::new(),
        None,
    )
    .await
    .expect("the prices are read")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_sandbox_bills_every_licence_at_its_order_months_price() {
    let d = discover(Preset::S, false, |_| {}).await;
    let fetched = prices(&d).await;
    assert!(fetched.licence_sheets > 0, "{fetched:?}");
    let db = Database::open(&d.db).unwrap();

    let locked = check_licences(&db, None, None, SheetChoice::OrderMonth).unwrap();
    eprintln!(
        "order month: {} checked, {} not checked, {} flagged",
        locked.checked,
        locked.not_checked,
        locked.flags.len()
    );
    assert!(locked.checked > 0, "{locked:?}");
    assert_eq!(locked.not_checked, 0, "every order month's sheet is held");
    assert!(locked.flags.is_empty(), "{:#?}", locked.flags);

    // A month's check reads that month's charges only (by the charge-start index), and the
    // months together are the whole.
    let every = pricing::licence_charges(&db, &d.account, None).unwrap();
    let months: BTreeSet<String> = every
        .iter()
        .filter_map(|c| c.charge_start.as_deref().map(|s| s[..7].to_string()))
        .collect();
    assert!(months.len() > 1, "{months:?}");
    let mut per_month = 0;
    for m in &months {
        // Lines equal in every sort key may come in either order.
        let sorted = |charges: Vec<pricing::LicenceCharge>| {
            let mut texts: Vec<String> = charges.iter().map(|c| format!("{c:?}")).collect();
            texts.sort();
            texts
        };
        let of_month = pricing::licence_charges(&db, &d.account, Some(m)).unwrap();
        let expected: Vec<_> = every
            .iter()
            .filter(|c| {
                c.charge_start
                    .as_deref()
                    .is_some_and(|s| s.starts_with(m.as_str()))
            })
            .cloned()
            .collect();
        assert_eq!(sorted(of_month), sorted(expected), "{m}");
        let check = check_licences(&db, None, Some(m), SheetChoice::OrderMonth).unwrap();
        per_month += check.checked + check.not_checked;
    }
    assert_eq!(per_month, locked.checked + locked.not_checked);

    let latest = check_licences(&db, None, None, SheetChoice::Latest).unwrap();
    eprintln!(
        "latest sheet: {} checked, {} flagged",
        latest.checked,
        latest.flags.len()
    );
    assert!(
        !latest.flags.is_empty(),
        "the prices moved since the orders, so the latest sheet must miss"
    );
    d.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_one_mispriced_licence_line_is_flagged_with_both_prices() {
    let d = discover(Preset::S, false, |c| c.mispriced_licence = true).await;
    prices(&d).await;
    let db = Database::open(&d.db).unwrap();

    let all = check_licences(&db, None, None, SheetChoice::OrderMonth).unwrap();
    assert_eq!(all.flags.len(), 1, "{:#?}", all.flags);
    let f = &all.flags[0];
    let (billed, list) = (dec(&f.billed_unit_price), dec(&f.list_unit_price));
    assert_eq!(
        billed,
        (list * Decimal::new(110, 2)).round_dp(2),
        "billed 10 % above its term's price: {f:?}"
    );
    assert_eq!(dec(&f.difference), billed - list);
    assert_eq!(
        (f.term.as_str(), f.product_id.as_str()),
        ("P1M", "CFQ7TTC0LH18")
    );
    assert!(f.document.starts_with("invoice "), "{f:?}");
    assert_eq!(
        f.charge_start.as_deref().map(|s| &s[..7]),
        Some("2026-10"),
        "the month before the start month"
    );

    // The Reconciliation page of that period shows it; the other periods show none.
    let page = reconcile_period(&db, "2026-10").unwrap();
    assert_eq!(page.licences.flags, all.flags);
    assert!(page.licences.checked > 0);
    for other in ["2026-08", "2026-09", "2026-11"] {
        let page = reconcile_period(&db, other).unwrap();
        assert!(
            page.licences.flags.is_empty(),
            "{other}: {:#?}",
            page.licences.flags
        );
    }
    d.emu.shutdown().await;
}
