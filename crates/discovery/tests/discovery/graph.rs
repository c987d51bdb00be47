//! New-commerce billing data through Microsoft Graph's exports (issue 20), with the emulator's
//! v1 cut-over on (v1 answers no data for Graph-era periods, as Microsoft's does): usage and
//! reconciliation land per invoice and open period, a second run downloads no blob, a
//! restated month changes only that month's rows, and a run stopped mid-export or one whose
//! blobs break leaves what a fault-free run leaves.

use std::sync::Arc;

use cspdesk_discovery::progress::ExportStage;
use cspdesk_emulator::world::Month;
use rusqlite::Connection;
use tokio_util::sync::CancellationToken;

use crate::harness::*;

const MASK: &[&str] = cspdesk_store::discovered::VOLATILE_COLUMNS;

fn query(db: &std::path::Path, sql: &str) -> Vec<(String, String)> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let text = |v: rusqlite::types::Value| match v {
        rusqlite::types::Value::Text(t) => t,
        rusqlite::types::Value::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    };
    stmt.query_map([], |r| Ok((text(r.get(0)?), text(r.get(1)?))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn graph_exports_fill_the_invoices_and_open_periods_and_an_unchanged_version_downloads_nothing(
) {
    let mut cfg = config();
    cfg.v1_cutover = true;
    let emu = emulator(cfg).await;
    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let end = discover(&emu, &f, session.clone()).await;
    assert_eq!(end.state, "completed", "{end:?}");

    let usage = query(
        &f.db,
        "SELECT source, count(*) FROM daily_usage GROUP BY source ORDER BY source",
    );
    assert!(
        usage.iter().any(|(s, _)| s.starts_with('G')),
        "billed usage of the Graph-era invoices is stored: {usage:?}"
    );
    assert!(
        usage
            .iter()
            .any(|(s, _)| s.starts_with("unbilled:2026-11:")),
        "the open period's unbilled usage is stored: {usage:?}"
    );
    let open = query(
        &f.db,
        "SELECT source, count(*) FROM unbilled_reconciliation_lines GROUP BY source",
    );
    assert!(
        !open.is_empty(),
        "the open month's charges (licences ...) are stored"
    );
    let versions = query(
        &f.db,
        "SELECT dataset || '/' || scope, coalesce(e_tag, '-') FROM graph_exports ORDER BY 1",
    );
    assert!(
        versions.iter().filter(|(_, e)| e != "-").count() >= 8,
        "each export's data version is kept (a note's usage export has none: no data): {versions:?}"
    );
    let totals = query(
        &f.db,
        "SELECT i.id, i.total_charges FROM invoices i WHERE i.id LIKE 'G%' ORDER BY i.id",
    );
    assert!(!totals.is_empty());
    let staged = query(
        &f.db,
        "SELECT 'usage', count(*) FROM usage_sources WHERE staged = 1
         UNION ALL SELECT 'lines', count(*) FROM graph_staged_lines",
    );
    assert!(
        staged.iter().all(|(_, n)| n == "0"),
        "nothing is left staged: {staged:?}"
    );
    // Each line keeps the term it charges (issue 16's licence check dates a renewal by it).
    let undated = query(
        &f.db,
        "SELECT 'billed', count(*) FROM billing_line_items
           WHERE order_date IS NULL OR subscription_start_date IS NULL OR subscription_end_date IS NULL
         UNION ALL SELECT 'unbilled', count(*) FROM unbilled_reconciliation_lines
           WHERE order_date IS NULL OR subscription_start_date IS NULL OR subscription_end_date IS NULL
         UNION ALL SELECT 'annual', count(*) FROM billing_line_items
           WHERE term_and_billing_cycle LIKE 'One-Year%'",
    );
    assert_eq!(
        undated[..2],
        [
            ("billed".into(), "0".into()),
            ("unbilled".into(), "0".into())
        ],
        "{undated:?}"
    );
    assert_ne!(
        undated[2].1, "0",
        "annual terms are billed too: {undated:?}"
    );
    const BILLED: &str = "SELECT source, count(*) || ':' || group_concat(billing_pre_tax_total) FROM daily_usage
        WHERE source LIKE 'G%' GROUP BY source UNION ALL
        SELECT invoice_id, count(*) || ':' || group_concat(subtotal) FROM billing_line_items GROUP BY invoice_id";
    let first = query(&f.db, BILLED);

    // A day later every recent export is asked for again; none changed, so no blob is read.
    emu.clock().advance(chrono::Duration::hours(21));
    let watcher = Arc::new(Watcher::default());
    let mut paced = options(&emu, &f);
    paced.progress_every = std::time::Duration::from_millis(1);
    let again = cspdesk_discovery::run(
        &f.db,
        session.clone(),
        paced,
        watcher.clone(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(again.state, "completed", "{again:?}");
    let seen = watcher.seen.lock().unwrap().clone();
    let last = seen.last().cloned().unwrap();
    assert!(
        last.exports
            .iter()
            .any(|e| e.stage == ExportStage::Unchanged),
        "the exports show in the progress: {:?}",
        last.exports
    );
    for p in &seen {
        for e in p.exports.iter().filter(|e| e.key.contains("/billed")) {
            assert!(
                !matches!(e.stage, ExportStage::Downloading { .. }) && e.rows == 0,
                "an unchanged billed export downloads nothing: {e:?}"
            );
        }
    }
    assert_eq!(
        query(&f.db, BILLED),
        first,
        "the billed rows are as they were"
    );

    // Late usage restates September: only its invoices' rows change.
    emu.restate_month(Month {
        year: 2026,
        month: 9,
    });
    emu.clock().advance(chrono::Duration::hours(21));
    let before = query(
        &f.db,
        "SELECT source, group_concat(quantity) FROM daily_usage GROUP BY source ORDER BY source",
    );
    let third = discover(&emu, &f, session).await;
    assert_eq!(third.state, "completed", "{third:?}");
    let after = query(
        &f.db,
        "SELECT source, group_concat(quantity) FROM daily_usage GROUP BY source ORDER BY source",
    );
    let changed: Vec<&String> = after
        .iter()
        .filter(|row| !before.contains(row))
        .map(|(s, _)| s)
        .collect();
    assert!(!changed.is_empty(), "September's usage changed");
    assert!(
        changed.iter().any(|s| s.starts_with("G2609"))
            && changed
                .iter()
                .all(|s| s.starts_with("G2609") || s.starts_with("unbilled:2026-11:")),
        "only September's invoices change (and the open month, a day later): {changed:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stop_mid_export_leaves_the_previous_version_and_the_next_run_ends_as_a_clean_one() {
    let mut cfg = config();
    cfg.v1_cutover = true;
    cfg.graph_rows_per_blob = 200;
    let emu = emulator(cfg).await;
    let clean = reference(&emu, MASK).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let stop = CancellationToken::new();
    let watcher = Arc::new(Watcher::default());
    {
        let stop = stop.clone();
        *watcher.on_progress.lock().unwrap() = Some(Box::new(move |p| {
            if p.exports
                .iter()
                .any(|e| matches!(e.stage, ExportStage::Downloading { blob: 2.., .. }))
            {
                stop.cancel();
            }
        }));
    }
    let mut options = options(&emu, &f);
    options.progress_every = std::time::Duration::from_millis(2);
    let stopped = cspdesk_discovery::run(&f.db, session.clone(), options, watcher, stop)
        .await
        .unwrap();
    assert_eq!(stopped.state, "stopped", "{stopped:?}");
    let half: i64 = Connection::open(&f.db)
        .unwrap()
        .query_row("SELECT count(*) FROM graph_exports", [], |r| r.get(0))
        .unwrap();
    let next = discover(&emu, &f, session).await;
    assert_eq!(next.state, "completed", "{next:?}");
    assert_eq!(
        dump(&f.db, MASK),
        clean,
        "after {half} exports stored before the stop"
    );
}

/// One mapping: the same partner read through v1 line items (no cut-over) and through Graph's
/// exports stores the same usage and invoice lines, so Rating and Reconciliation see the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn graph_rows_are_the_rows_v1_gives() {
    let emu = emulator(config()).await;
    let v1 = fixture(&emu);
    let session = sign_in(&emu, &v1).await;
    assert_eq!(discover_v1(&emu, &v1, session).await.state, "completed");
    let graph = fixture(&emu);
    let session = sign_in(&emu, &graph).await;
    assert_eq!(discover(&emu, &graph, session).await.state, "completed");
    let tables = ["daily_usage", "billing_line_items"];
    let of = |f: &Fixture| {
        cspdesk_store::discovered::dump_tables(
            &cspdesk_store::Database::open(&f.db).unwrap(),
            &tables,
            MASK,
        )
        .unwrap()
    };
    let (a, b) = (of(&v1), of(&graph));
    let differ: Vec<(&str, &str)> = a
        .lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .take(3)
        .collect();
    assert!(a == b, "v1 and Graph rows differ, first: {differ:#?}");
}

/// Without the admin's consent to `PartnerBilling.Read.All`, Graph answers 403: the run ends
/// in Error saying what the partner's admin must consent to, and keeps what v1 gave.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn without_the_graph_consent_the_run_says_what_the_admin_must_grant() {
    let mut cfg = config();
    cfg.graph_admin_consent = false;
    let emu = emulator(cfg).await;
    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    let end = discover(&emu, &f, session).await;
    assert_eq!(end.state, "error", "{end:?}");
    let why = end.failure.unwrap();
    assert_eq!(why.code, "GraphConsent", "{why:?}");
    assert!(
        why.message.contains("PartnerBilling.Read.All") && why.message.contains("admin consent"),
        "{}",
        why.message
    );
    let customers: i64 = Connection::open(&f.db)
        .unwrap()
        .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    assert!(customers > 0, "what Partner Center gave is kept");
}

/// Acceptance 4 of issue 20 for the Graph exports: operations that fail, 429 storms and
/// outages on Graph, blobs cut short and SAS links refused: within two runs the database
/// equals a fault-free run's (broken lines and expired links: `graph_blobs.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn graph_faults_end_in_the_data_of_a_fault_free_run() {
    let mut cfg = config();
    cfg.v1_cutover = true;
    cfg.graph_rows_per_blob = 300;
    let emu = emulator(cfg).await;
    let clean = reference(&emu, MASK).await;

    let f = fixture(&emu);
    let session = sign_in(&emu, &f).await;
    emu.set_faults(
        cspdesk_emulator::FaultPlan::parse(
            "graph:429@0.2,graph:503@0.05,graph:failed-operation@0.05,graphblobs:truncate@0.03,graphblobs:sas-expired@0.03,graphblobs:drop@0.03",
        )
        .unwrap(),
    );
    let mut runs = vec![discover(&emu, &f, session.clone()).await];
    if runs[0].state != "completed" {
        runs.push(discover(&emu, &f, session.clone()).await);
    }
    emu.set_faults(cspdesk_emulator::FaultPlan::default());
    let third = discover(&emu, &f, session.clone()).await;
    assert_eq!(third.state, "completed", "{runs:?} {third:?}");
    assert_eq!(dump(&f.db, MASK), clean, "after {runs:?}");
}
