//! Billing from Microsoft Graph's exports (issue 20) through the operations the app and the
//! CLI share: each Graph-served invoice names its data version and when it was read, and the
//! open month shows its other charges (licences ...) next to its unbilled usage.

use cspdesk_api::billing::invoices as billing;
use cspdesk_emulator::{FaultPlan, Preset};
use cspdesk_store::Database;

use crate::rating::discovered_with;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_name_their_data_version_and_the_open_month_its_charges() {
    let (_dir, path, _account, run) = discovered_with(Preset::S, FaultPlan::default(), false).await;
    assert_eq!(run.state, "completed");
    let db = Database::open(&path).unwrap();
    let invoices = billing::invoices(&db).unwrap();
    let graph: Vec<_> = invoices
        .iter()
        .filter(|i| i.data_version.is_some())
        .collect();
    assert!(
        !graph.is_empty(),
        "Graph-served invoices carry their eTag: {invoices:#?}"
    );
    assert!(
        graph
            .iter()
            .all(|i| i.data_read_at.is_some() && i.lines_complete),
        "with when it was read, and their lines complete: {graph:#?}"
    );
    assert!(
        invoices
            .iter()
            .filter(|i| i.id.starts_with('D'))
            .all(|i| i.data_version.is_none()),
        "legacy invoices stay on v1"
    );
    let open = billing::unbilled(&db).unwrap();
    let charges: Vec<_> = open
        .iter()
        .filter_map(|u| u.charges.as_ref())
        .flatten()
        .collect();
    assert!(
        !charges.is_empty(),
        "the open month's licences and other charges show: {open:#?}"
    );
    assert!(charges
        .iter()
        .all(|c| c.lines > 0 && c.amount.parse::<rust_decimal::Decimal>().is_ok()));
    // Usage is the column beside them, so no product here is a usage charge: the sandbox's
    // licences (Microsoft 365) are, its Azure meters' usage lines are not.
    assert!(
        charges
            .iter()
            .any(|c| c.product.starts_with("Microsoft 365")),
        "{charges:#?}"
    );
    let meters: std::collections::BTreeSet<String> = rusqlite::Connection::open(&path)
        .unwrap()
        .prepare("SELECT DISTINCT meter_category FROM daily_usage WHERE meter_category IS NOT NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!meters.is_empty(), "usage read");
    assert!(
        charges.iter().all(|c| !meters.contains(&c.product)),
        "no meter category's usage among the other charges: {charges:#?}"
    );
}
