//! The sign-in lapsing in the middle of a run: the run ends in Error saying "sign in again",
//! keeps what it wrote, and after a new sign-in the next run completes the data.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cspdesk_discovery::run as discovery_run;
use tokio_util::sync::CancellationToken;

use crate::harness::*;

/// Times differ between the runs of this test (the clock moves); the account id differs
/// from the reference's.
const MASK: &[&str] = cspdesk_store::discovered::VOLATILE_COLUMNS;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn consent_lapsing_mid_run_ends_in_sign_in_again_and_the_next_run_resumes() {
    let mut cfg = config();
    cfg.access_token_ttl = Duration::from_secs(300);
    cfg.refresh_token_inactivity = Duration::from_secs(1200);
    // Slow enough that the run is surely mid-way when the clock jumps.
    cfg.latency = Duration::from_millis(20);
    let emu = emulator(cfg).await;
    let clean = reference(&emu, MASK).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let watcher = Arc::new(Watcher::default());
    let jumped = Arc::new(AtomicBool::new(false));
    {
        let (clock, jumped) = (emu.clock().clone(), jumped.clone());
        *watcher.on_progress.lock().unwrap() = Some(Box::new(move |p| {
            if p.rows_written > 0 && !jumped.swap(true, Ordering::SeqCst) {
                // 30 minutes without a request: the access token expired and the refresh
                // token lapsed (this tenant's inactivity limit is 20 minutes).
                clock.advance(chrono::Duration::minutes(30));
            }
        }));
    }
    let mut options = options(&emu, &f);
    options.progress_every = Duration::from_millis(5);
    let failed = discovery_run(
        &f.db,
        session,
        options,
        watcher.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert!(jumped.load(Ordering::SeqCst), "the clock jumped mid-run");
    assert_eq!(failed.state, "error", "{failed:?}");
    let why = failed.failure.clone().unwrap();
    assert_eq!(why.code, "ConsentExpired", "{why:?}");
    assert!(
        why.message.contains("sign in again"),
        "the message says what to do: {}",
        why.message
    );
    let kept: i64 = counts(&f.db)
        .into_iter()
        .filter(|(t, _)| t == "customers" || t == "daily_usage" || t == "subscriptions")
        .map(|(_, n)| n)
        .sum();
    assert!(kept > 0, "what the run wrote before is kept");

    // The user signs in again; the next run resumes and completes the data.
    let session = sign_in(&emu, &f).await;
    let next = discover(&emu, &f, session).await;
    assert_eq!(next.state, "completed", "{next:?}");
    assert_eq!(dump(&f.db, MASK), clean);
}
