//! Issue 16, acceptance 1: the emulator's Azure plan prices move month to month
//! (`EmulatorConfig::monthly_prices`) and its invoices are computed with each month's sheet
//! and FX. Rated with the rate card (the latest prices), past months show price mismatches;
//! once Discovery's follow-on reads the months' Pricing API sheets and FX rates
//! (`rating::pricing_fetch`), every closed month reconciles to the cent with no
//! price-mismatch cause. A second fetch reads only the current month's sheet.
//!
//! The prices are one import run (kind pricing) per fetch, with its Pricing API requests
//! counted and every file named in its entities; its progress goes file by file, in order;
//! the licence sheet of every past order month of the licence charges held is read once.

use std::sync::{Arc, Mutex};

use cspdesk_api::discovery::dto::PricesProgressDto;
use cspdesk_api::rating::pricing_fetch::{fetch_month_prices, PricesFetched, PricesWatch, SOURCE};
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_discovery::run::Trigger;
use cspdesk_emulator::Preset;
use cspdesk_store::import_runs::{self, RunFilter, RunKind};
use cspdesk_store::{pricing, Database};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

use crate::rating::{discover, figures, now, Discovered, INVOICED};

/// Fetches the prices `d`'s account lacks at the frozen clock, with every progress heard.
async fn fetch(d: &Discovered) -> (PricesFetched, Vec<PricesProgressDto>) {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let ear = heard.clone();
    let watch: PricesWatch =
        Arc::new(move |p: &PricesProgressDto| ear.lock().unwrap().push(p.clone()));
    let fetched = fetch_month_prices(
        &d.db,
        d.session.clone(),
        &d.account,
        Trigger::Scheduled,
        Arc::new(now),
        &CancellationToken::new(),
        Some(watch),
    )
    .await
    .expect("the months' sheets and FX rates are read");
    let heard = heard.lock().unwrap().clone();
    (fetched, heard)
}

/// The account's prices runs, newest first.
fn prices_runs(db: &Database, account: &str) -> Vec<import_runs::RunRecord> {
    let filter = RunFilter {
        account_id: Some(account),
        ..RunFilter::default()
    };
    import_runs::list(db, &filter, 200)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == RunKind::Pricing)
        .collect()
}

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

    let (first, heard) = fetch(&d).await;
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
    one_run_names_every_file(&db, &d.account, &first, &heard);
    let licence_months = pricing::licence_order_months(&db, &d.account).unwrap();
    eprintln!("licence order months: {licence_months:?}");
    assert!(!licence_months.is_empty(), "the sandbox sells licences");
    assert_eq!(
        first.licence_sheets as usize,
        licence_months.len(),
        "one licence sheet per (market, order month): {first:?}"
    );

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
    let (again, _) = fetch(&d).await;
    assert_eq!((again.sheets, again.fx_months), (1, 0), "{again:?}");
    let current_orders = licence_months
        .iter()
        .filter(|(_, m)| m == "2026-11")
        .count();
    assert_eq!(
        again.licence_sheets as usize, current_orders,
        "a past order month's licence sheet is read once: {again:?}"
    );
    assert_eq!(prices_runs(&db, &d.account).len(), 2, "one run per fetch");
    d.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stop_ends_the_prices_run_between_files_with_each_written_file_whole() {
    let d = discover(Preset::S, false, |_| {}).await;
    let stop = CancellationToken::new();
    let cut = stop.clone();
    // Stop is asked as the second file is announced.
    let watch: PricesWatch = Arc::new(move |p: &PricesProgressDto| {
        if p.file == 2 {
            cut.cancel();
        }
    });
    let fetched = fetch_month_prices(
        &d.db,
        d.session.clone(),
        &d.account,
        Trigger::Manual,
        Arc::new(now),
        &stop,
        Some(watch),
    )
    .await
    .expect("a stopped fetch is no failure");
    assert!(fetched.stopped, "{fetched:?}");
    assert_eq!(fetched.files.len(), 1, "only the first file: {fetched:?}");
    let db = Database::open(&d.db).unwrap();
    let runs = prices_runs(&db, &d.account);
    assert_eq!(runs.len(), 1);
    assert_eq!(
        (runs[0].state.as_str(), runs[0].trigger.as_str()),
        ("stopped", "manual")
    );
    assert_eq!(
        runs[0].counts.entities.len(),
        1,
        "{:#?}",
        runs[0].counts.entities
    );
    let held = pricing::sheets(&db, &d.account, None).unwrap().len()
        + pricing::fx_rates(&db, &d.account, &[]).unwrap().len();
    assert_eq!(
        held, 1,
        "the first file is held whole, nothing of the second"
    );
    d.emu.shutdown().await;
}

/// The fetch was one import run of kind pricing, Scheduled like the run that caused it, its
/// requests and rows counted and each file named with its rows; its progress went file by
/// file in the order of the files read, the rows of each never going back.
fn one_run_names_every_file(
    db: &Database,
    account: &str,
    fetched: &PricesFetched,
    heard: &[PricesProgressDto],
) {
    let runs = prices_runs(db, account);
    assert_eq!(runs.len(), 1, "one run, not one per file: {runs:#?}");
    let run = &runs[0];
    assert_eq!(Some(run.id), fetched.run_id);
    assert_eq!(
        (
            run.source.as_deref(),
            run.source_label.as_deref(),
            run.trigger.as_str(),
            run.state.as_str()
        ),
        (
            Some(SOURCE),
            Some("Microsoft prices"),
            "scheduled",
            "completed"
        )
    );
    let files = fetched.files.len() as u64;
    assert!(files >= 2, "{fetched:?}");
    assert_eq!(run.counts.requests, fetched.requests);
    assert!(
        run.counts.requests >= files,
        "at least one Pricing API request per file: {} for {files}",
        run.counts.requests
    );
    assert_eq!(
        run.counts.entities.len() as u64,
        files,
        "each file named once: {:#?}",
        run.counts.entities
    );
    for name in &fetched.files {
        let entity = match name.split(' ').collect::<Vec<_>>()[..] {
            ["fxrates", month] => format!("fx:{month}"),
            [view, market, month] => format!("sheet:{view}/{market}/{month}"),
            _ => panic!("{name}"),
        };
        assert!(
            run.counts
                .entities
                .iter()
                .any(|e| e.entity == entity && e.rows > 0),
            "{entity} named with its rows: {:#?}",
            run.counts.entities
        );
    }
    let sum: u64 = run.counts.entities.iter().map(|e| e.rows).sum();
    assert_eq!(run.counts.rows_written, sum);

    assert!(!heard.is_empty(), "progress was told");
    assert!(heard
        .iter()
        .all(|p| p.files as u64 == files && p.run_id == run.id.to_string()));
    let order: Vec<u32> = heard.iter().map(|p| p.file).collect();
    assert!(
        order.windows(2).all(|w| w[0] <= w[1]),
        "file by file: {order:?}"
    );
    let told: Vec<u32> = {
        let mut o = order.clone();
        o.dedup();
        o
    };
    assert_eq!(
        told,
        (1..=files as u32).collect::<Vec<_>>(),
        "every file told, in order"
    );
    for (k, name) in fetched.files.iter().enumerate() {
        let first = heard.iter().find(|p| p.file == k as u32 + 1).unwrap();
        let view = if first.view == "fxRates" {
            "fxrates"
        } else {
            first.view.as_str()
        };
        let named = match &first.market {
            Some(m) => format!("{view} {m} {}", first.month),
            None => format!("{view} {}", first.month),
        };
        assert_eq!(&named, name, "file {} is the {k}th read", k + 1);
    }
    assert!(heard
        .windows(2)
        .all(|w| w[0].requests <= w[1].requests && w[0].rows_written <= w[1].rows_written));
    assert_eq!(
        heard.last().unwrap().requests as u64,
        fetched.requests,
        "the last word counts every request"
    );
}
