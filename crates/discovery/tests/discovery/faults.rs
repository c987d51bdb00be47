//! Microsoft misbehaving: transient failures, throttling and bodies cut short are waited out
//! and change nothing; a page that stays malformed ends the run in Error, names where, and
//! loses nothing; an odd item is set aside and the rest of its page is written.

use cspdesk_emulator::{FaultPlan, RateLimits, ThrottleScope};

use crate::harness::*;

/// Columns that differ between two databases by design: the random account id.
const ACCOUNT: &[&str] = &["account_id"];

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_ten_percent_failures_and_dropped_connections_and_429_storms_the_data_equals_a_clean_run(
) {
    let emu = emulator(config()).await;
    let clean = reference(&emu, ACCOUNT).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    emu.set_faults(FaultPlan::parse("*:503@0.04,*:500@0.02,*:drop@0.04,*:429@0.1").unwrap());
    // A storm: line items allow 20 requests a minute, so pages past the burst wait for
    // Retry-After like a partner hitting Microsoft's limit.
    emu.set_rate_limits(RateLimits::default().with("lineitems", ThrottleScope::Partner, 20));
    let end = discover(&emu, &f, session).await;
    emu.set_faults(FaultPlan::default());
    emu.set_rate_limits(RateLimits::default());
    assert_eq!(end.state, "completed", "faults are waited out: {end:?}");
    assert!(
        end.counts.throttled > 0,
        "the storm was felt and waited out: {:?}",
        end.counts
    );
    assert_eq!(
        dump(&f.db, ACCOUNT),
        clean,
        "the database equals a fault-free run's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_malformed_page_ends_the_run_in_error_naming_it_and_the_next_run_retries_from_the_cursor()
{
    let emu = emulator(config()).await;
    let clean = reference(&emu, ACCOUNT).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    // Every answer garbled: the retries (as for a 503) run out and the page counts as malformed.
    emu.set_faults(FaultPlan::parse("lineitems:malformed@1").unwrap());
    let failed = discover(&emu, &f, session.clone()).await;
    assert_eq!(failed.state, "error", "{failed:?}");
    let why = failed.failure.clone().expect("an Error run says why");
    assert_eq!(why.code, "BadResponse");
    assert!(
        why.endpoint
            .as_deref()
            .is_some_and(|e| e.contains("/lineitems")),
        "the endpoint is named: {why:?}"
    );
    assert!(
        why.message.contains("malformed data for")
            && (why.message.contains("line items") || why.message.contains("unbilled usage"))
            && why.message.contains("page ")
            && why.message.contains("field"),
        "the message names the data, the page and the field: {}",
        why.message
    );
    // Every page written before the failure is kept. Which pages those are depends on timing
    // (steps run concurrently, and the first failure stops the others, unbilled line items
    // need no earlier step), so the database is compared with what the run says it wrote (rows written count
    // updates too, so only whether any were).
    let customers_kept = counts(&f.db)
        .into_iter()
        .find(|(t, _)| t == "customers")
        .unwrap()
        .1;
    let customers_written = failed
        .counts
        .entities
        .iter()
        .find(|e| e.entity == "customers")
        .map_or(0, |e| e.rows);
    assert_eq!(
        customers_kept > 0,
        customers_written > 0,
        "earlier pages are kept ({customers_kept} customers): {:?}",
        failed.counts
    );

    emu.set_faults(FaultPlan::default());
    let next = discover(&emu, &f, session).await;
    assert_eq!(next.state, "completed", "{next:?}");
    assert_eq!(
        dump(&f.db, ACCOUNT),
        clean,
        "the retry completes the data exactly, with nothing lost or doubled"
    );
}

/// Acceptance 4 of issue 18 at Discovery's level (v1 line items, read with no Graph
/// cut-over): the first item of every daily rated usage page lacks its amount. Each is set aside with the invoice, page, index and field; the run
/// completes with as many warnings; every other line is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_item_missing_its_amount_is_set_aside_and_the_rest_of_its_page_is_written() {
    let emu = emulator(config()).await;
    let clean = fixture(&emu);
    let session = sign_in(&emu, &clean).await;
    assert_eq!(discover_v1(&emu, &clean, session).await.state, "completed");
    let usage_rows = |db: &std::path::Path| {
        counts(db)
            .into_iter()
            .find(|(t, _)| t == "daily_usage")
            .map_or(0, |(_, n)| n)
    };

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    emu.set_faults(FaultPlan::default().omit(
        "invoicelineitemtype=usagelineitems",
        0,
        "billingPreTaxTotal",
    ));
    let end = discover_v1(&emu, &f, session.clone()).await;
    emu.set_faults(FaultPlan::default());
    assert_eq!(
        end.state, "completed",
        "an odd item blocks nothing: {end:?}"
    );
    assert!(
        end.counts.warnings > 0,
        "the run counts its warnings: {end:?}"
    );

    let db = cspdesk_store::Database::open(&f.db).unwrap();
    let aside = cspdesk_store::set_aside::of_run(&db, end.id).unwrap();
    assert_eq!(
        aside.len() as u64,
        end.counts.warnings,
        "every warning is an item kept in the run's details"
    );
    for item in &aside {
        let r = &item.row;
        assert_eq!(
            (r.field.as_str(), r.index, item.current),
            ("billingPreTaxTotal", 0, true),
            "{item:?}"
        );
        assert!(r.page >= 1, "the page is named: {item:?}");
        assert!(
            r.invoice_id.is_some() && r.endpoint.contains("/lineitems"),
            "the invoice (or unbilled period) and the endpoint are named: {item:?}"
        );
        assert!(r.reason.contains("billingPreTaxTotal"), "{item:?}");
        let raw: serde_json::Value = serde_json::from_str(&r.raw).unwrap();
        assert!(
            raw.get("billingPreTaxTotal").is_none() && raw.get("meterId").is_some(),
            "the item is kept raw, as sent: {raw}"
        );
        assert_eq!(
            r.customer_id.as_deref(),
            raw.get("customerId").and_then(|c| c.as_str()),
            "its customer is named"
        );
    }
    assert_eq!(
        usage_rows(&f.db),
        usage_rows(&clean.db) - aside.len() as i64,
        "every other line of the pages is written"
    );

    // The next run reads nothing again: the items stay set aside, the data stays whole.
    let next = discover_v1(&emu, &f, session).await;
    assert_eq!(next.state, "completed", "{next:?}");
    assert_eq!(next.counts.warnings, 0, "nothing new was set aside");
}

/// Acceptance 6 of issue 18: 3 % of answers cut short, 4 % 503s and 3 % dropped connections
/// on every route. Discovery completes within two runs and its data equals a fault-free
/// run's. Preset S here (a test's time); the same on preset M is measured in the report of
/// issue 18 (`CSPDESK_FAULTS_PRESET=M` runs this test on M).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_bodies_cut_short_503s_and_dropped_connections_discovery_completes_within_two_runs() {
    let preset = match std::env::var("CSPDESK_FAULTS_PRESET").as_deref() {
        Ok("M") => cspdesk_emulator::Preset::M,
        _ => cspdesk_emulator::Preset::S,
    };
    let mut cfg = cspdesk_emulator::EmulatorConfig::new(preset, 11, now());
    cfg.clock_ticks = false;
    // The clock is frozen: Graph exports must be ready as soon as they are asked for.
    cfg.graph_preparation = std::time::Duration::ZERO;
    let emu = emulator(cfg).await;
    let began = std::time::Instant::now();
    let clean = reference(&emu, ACCOUNT).await;
    let clean_took = began.elapsed();

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    emu.set_faults(FaultPlan::parse("*:truncate@0.03,*:503@0.04,*:drop@0.03").unwrap());
    let began = std::time::Instant::now();
    let mut runs = vec![discover(&emu, &f, session.clone()).await];
    if runs[0].state != "completed" {
        runs.push(discover(&emu, &f, session).await);
    }
    let faulty_took = began.elapsed();
    emu.set_faults(FaultPlan::default());
    let last = runs.last().unwrap();
    eprintln!(
        "preset {preset:?}: clean run {clean_took:?}; with faults {} run(s) in {faulty_took:?}: {:?}",
        runs.len(),
        runs.iter()
            .map(|r| (r.state.clone(), r.counts.requests, r.counts.rows_written))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        last.state, "completed",
        "Discovery completes within two runs: {runs:?}"
    );
    assert_eq!(
        dump(&f.db, ACCOUNT),
        clean,
        "the database equals a fault-free run's"
    );
}
