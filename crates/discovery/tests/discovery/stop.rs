//! Stop from the user: the run ends Stopped on a page boundary, progress was reported while
//! it ran, and the next run completes the data exactly.

use std::sync::Arc;
use std::time::Duration;

use cspdesk_discovery::run as discovery_run;
use cspdesk_store::discovered::VOLATILE_COLUMNS;
use tokio_util::sync::CancellationToken;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stop_ends_the_run_stopped_and_the_next_run_resumes_to_the_same_data() {
    let mut cfg = config();
    cfg.latency = Duration::from_millis(20);
    let emu = emulator(cfg).await;
    let clean = reference(&emu, VOLATILE_COLUMNS).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let stop = CancellationToken::new();
    let watcher = Arc::new(Watcher::default());
    {
        let stop = stop.clone();
        *watcher.on_progress.lock().unwrap() = Some(Box::new(move |p| {
            if p.rows_written > 0 {
                stop.cancel();
            }
        }));
    }
    let mut options = options(&emu, &f);
    options.progress_every = Duration::from_millis(5);
    let stopped = discovery_run(&f.db, session.clone(), options, watcher.clone(), stop)
        .await
        .unwrap();
    assert_eq!(stopped.state, "stopped", "{stopped:?}");
    assert!(stopped.failure.is_none());
    let seen = watcher.seen.lock().unwrap().clone();
    assert!(seen.len() >= 2, "progress was reported while it ran");
    assert!(
        seen.windows(2).all(|w| w[0].fraction <= w[1].fraction),
        "the bar never moves back"
    );
    assert!(
        seen.iter().any(|p| p.requests > 0),
        "requests are counted as they happen"
    );

    let next = discover(&emu, &f, session).await;
    assert_eq!(next.state, "completed", "{next:?}");
    assert_eq!(dump(&f.db, VOLATILE_COLUMNS), clean);
}
