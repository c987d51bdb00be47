//! Issue 16, acceptance 1: the emulator's Azure plan prices move month to month
//! (`EmulatorConfig::monthly_prices`) and its invoices are computed with each month's sheet
//! and FX. Rated with the rate card (the latest prices), past months show price mismatches;
//! once Discovery's follow-on reads the months' Pricing API sheets and FX rates
//! (`rating::pricing_fetch`), every closed month reconciles to the cent with no
//! price-mismatch cause. A second fetch reads only the current month's sheet.

use cspdesk_api::rating::pricing_fetch::fetch_month_prices;
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_emulator::Preset;
use cspdesk_store::{pricing, Database};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::rating::{discover, figures, now, INVOICED};

/// Customer-periods of the invoiced months whose differences include `cause`.
fn with_cause(db: &Database, cause: &str) -> usize {
    INVOICED
        .iter()
        .flat_map(|p| reconcile::reconcile(db, p, None).unwrap())
        .filter(|r| r.causes.contains_key(cause))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn each_month_rated_with_its_own_sheet_and_fx_reconciles_although_prices_move() {
    let d = discover(Preset::S, false, |_| {}).await;
    let mut db = Database::open(&d.db).unwrap();

    // The rate card alone: the months priced differently show as price mismatches.
    rate::rate(&mut db, None, None, now()).unwrap();
    let mismatched = with_cause(&db, "priceMismatch");
    assert!(
        mismatched > 0,
        "the emulator's prices moved, so the rate card must miss"
    );

    let stop = CancellationToken::new();
    let first = fetch_month_prices(&d.db, d.session.clone(), &d.account, now(), &stop)
        .await
        .expect("the months' sheets and FX rates are read");
    let months = pricing::usage_months(&db, &d.account).unwrap();
    assert!(months.len() >= 4, "usage months: {months:?}");
    assert_eq!(
        first.sheets as usize,
        months.len(),
        "one sheet per usage month: {first:?}"
    );
    assert_eq!(
        first.fx_months as usize,
        months.len(),
        "FX per usage month: {first:?}"
    );
    assert!(first.rows > 0);

    let rated = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(rated.refused, 0, "{rated:?}");
    assert!(
        rated.rated > 0,
        "new sheets rate the months again: {rated:?}"
    );
    for period in INVOICED {
        let f = figures(&reconcile::reconcile(&db, period, None).unwrap());
        eprintln!(
            "{period}: {} customers, {} to the cent, unexplained {}",
            f.customers, f.to_the_cent, f.unexplained
        );
        assert!(f.customers > 0, "{period}: customers compared");
        assert!(
            f.mismatches.is_empty(),
            "{period}: {:#?}",
            &f.mismatches[..f.mismatches.len().min(3)]
        );
        assert_eq!(f.unexplained, Decimal::ZERO, "{period}");
    }
    assert_eq!(
        with_cause(&db, "priceMismatch"),
        0,
        "{mismatched} before the sheets"
    );

    // Past months are held: only the month so far is read again, and no FX.
    let again = fetch_month_prices(&d.db, d.session.clone(), &d.account, now(), &stop)
        .await
        .unwrap();
    assert_eq!((again.sheets, again.fx_months), (1, 0), "{again:?}");
    d.emu.shutdown().await;
}
