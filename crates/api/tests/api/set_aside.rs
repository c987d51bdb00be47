//! Acceptance 4 of issue 18 through the operations the app and the CLI share (v1 line items,
//! read with no Graph cut-over): Microsoft sends daily rated usage pages whose first line lacks its amount. Discovery completes with
//! a warning per such line, the run's details name invoice, page, index and field with the
//! line as sent, the other lines are written, and Reconciliation counts the set-aside lines
//! of the customer and period as their own cause, not as unexplained.

use cspdesk_api::imports::runs::import_run_dto;
use cspdesk_api::imports::set_aside;
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_emulator::{FaultPlan, Preset};
use cspdesk_store::{import_runs, Database};

use crate::rating::{discovered_with, now};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_line_missing_its_amount_is_a_warning_in_the_runs_details_and_its_own_cause_in_reconciliation(
) {
    let faults = FaultPlan::default().omit(
        "invoicelineitemtype=usagelineitems",
        0,
        "billingPreTaxTotal",
    );
    let (_dir, path, _account, run) = discovered_with(Preset::S, faults, true).await;
    let mut db = Database::open(&path).unwrap();
    let history = import_run_dto(&import_runs::get(&db, run.id).unwrap(), now());
    assert!(
        history.run.warnings > 0,
        "the run history counts the warnings: {history:?}"
    );

    let items = set_aside::of_run(&db, &run.id.to_string()).unwrap();
    assert_eq!(
        items.len() as u32,
        history.run.warnings,
        "one item per warning"
    );
    for item in &items {
        assert_eq!((item.field.as_str(), item.index), ("billingPreTaxTotal", 0));
        assert!(item.page >= 1 && item.invoice_id.is_some(), "{item:?}");
        assert!(item.raw.contains("meterId") && !item.raw.contains("billingPreTaxTotal"));
    }
    assert!(
        set_aside::of_run(&db, "not a run").is_err(),
        "a run id is a number"
    );

    rate::rate(&mut db, None, None, now()).unwrap();
    let billed: Vec<_> = items
        .iter()
        .filter(|i| {
            !i.invoice_id
                .as_deref()
                .unwrap_or("")
                .starts_with("unbilled:")
        })
        .collect();
    assert!(!billed.is_empty(), "invoices' usage had lines set aside");
    let mut seen = 0;
    for period in ["2026-08", "2026-09", "2026-10"] {
        let rec = reconcile::reconcile_period(&db, period).unwrap();
        for c in &rec.customers {
            seen += c.set_aside_lines;
            assert!(
                c.unexplained.as_deref().is_none_or(|u| u == "0.00"),
                "a set-aside line is not unexplained: {c:?}"
            );
        }
    }
    assert_eq!(
        seen as usize,
        billed.len(),
        "Reconciliation counts every set-aside line of the invoiced periods under its customer"
    );
}
