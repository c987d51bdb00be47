//! Microsoft misbehaving: transient failures and throttling are waited out and change
//! nothing; a malformed page ends the run in Error, names where, and loses nothing.

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
    emu.set_faults(FaultPlan::parse("lineitems:malformed@0.25").unwrap());
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
