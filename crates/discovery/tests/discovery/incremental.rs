use chrono::Duration;

use crate::harness::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_second_run_with_nothing_new_makes_few_requests_and_writes_nothing() {
    let emu = emulator(config()).await;
    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let first = discover(&emu, &f, session.clone()).await;
    assert_eq!(first.state, "completed", "{first:?}");
    let table_counts = counts(&f.db);
    for table in [
        "customers",
        "subscriptions",
        "azure_entitlements",
        "utilization_records",
        "rate_card_meters",
        "invoices",
        "billing_line_items",
        "daily_usage",
    ] {
        let n = table_counts.iter().find(|(t, _)| t == table).unwrap().1;
        assert!(n > 0, "the first run fills {table}: {table_counts:?}");
    }
    assert!(first.counts.rows_written > 1000, "{:?}", first.counts);
    let before_masked = dump(&f.db, &["customers_listed_at", "invoices_listed_at"]);

    emu.clock().advance(Duration::minutes(30));
    let second = discover(&emu, &f, session).await;
    assert_eq!(second.state, "completed", "{second:?}");
    assert_eq!(
        second.counts.rows_written, 0,
        "nothing new at Microsoft means nothing written: {:?}",
        second.counts
    );
    assert!(
        second.counts.requests * 20 <= first.counts.requests,
        "a run with nothing new makes at most 5% of the first run's requests: {} vs {}",
        second.counts.requests,
        first.counts.requests
    );
    eprintln!(
        "first run: {} requests, {} rows; second run: {} requests, {} rows; tables {table_counts:?}",
        first.counts.requests, first.counts.rows_written, second.counts.requests, second.counts.rows_written
    );
    let mask = ["customers_listed_at", "invoices_listed_at"];
    assert_eq!(
        dump(&f.db, &mask),
        before_masked,
        "the second run changed no data, only when the lists were last read"
    );
}
