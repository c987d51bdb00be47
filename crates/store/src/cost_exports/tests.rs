//! The cost tables on their own: sources, a run written and replaced, a writer dropped
//! half-way, and the split totals (customer, organization, pricing model).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::runs::{self, CostRow, RunHeader};
use super::sources::{self, NewSource, Scope};
use super::totals::{self, Filter};
use super::{dump, Dataset};
use crate::discovered::CustomerRow;
use crate::{accounts, organizations, Database, Error, Money};

const A: &str = "11111111-0000-4000-8000-00000000000a";
const B: &str = "11111111-0000-4000-8000-00000000000b";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn db() -> (tempfile::TempDir, Database, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("c.sqlite3")).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    (dir, db, account)
}

fn source(db: &Database, account: &str, name: &str, folder: &str) -> sources::Source {
    sources::add(
        db,
        &NewSource {
            account_id: account,
            name,
            scope: Scope::BillingAccount(None),
            container_url: "https://acct.blob.core.windows.net/exports",
            root_folder: folder,
            sas_expires_at: now() + chrono::Duration::days(30),
        },
        now(),
    )
    .unwrap()
}

fn header<'a>(source: &'a str, run: &'a str, submitted: DateTime<Utc>) -> RunHeader<'a> {
    RunHeader {
        source_id: source,
        run_id: run,
        export_name: "partner-daily",
        dataset: Dataset::Actual,
        month_folder: "20260201-20260228",
        manifest_path: "p/partner-daily/20260201-20260228/x/manifest.json",
        submitted_at: submitted,
        blob_count: 1,
        row_count: 3,
        byte_count: 100,
    }
}

fn row(line: u64, tenant: &str, model: &str, charge: &str, cost: &str) -> CostRow {
    CostRow {
        blob: 0,
        line,
        billing_month: "2026-02".into(),
        date: NaiveDate::from_ymd_opt(2026, 2, 3).unwrap(),
        customer_tenant_id: Some(tenant.into()),
        customer_name: Some(format!("Customer {}", &tenant[35..])),
        charge_type: charge.into(),
        pricing_model: Some(model.into()),
        cost: dec(cost),
        payg_cost: Some(dec(cost) * dec("1.5")),
        billing_currency: "EUR".into(),
        ..CostRow::default()
    }
}

fn write(db: &Database, source: &str, run: &str, rows: &[CostRow]) {
    let mut w = runs::begin(db, &header(source, run, now()), now()).unwrap();
    for r in rows {
        w.push(r).unwrap();
    }
    assert_eq!(w.commit().unwrap(), rows.len() as u64);
}

#[test]
fn sources_refuse_a_sas_query_a_taken_name_and_a_folder_read_twice() {
    let (_d, db, account) = db();
    let first = source(&db, &account, "MCA exports", "partner");
    let mut again = NewSource {
        account_id: &account,
        name: "mca EXPORTS",
        scope: Scope::Customer(A.into()),
        container_url: "https://acct.blob.core.windows.net/other",
        root_folder: "",
        sas_expires_at: now(),
    };
    assert!(
        matches!(
            sources::add(&db, &again, now()),
            Err(Error::Duplicate { field: "name", .. })
        ),
        "names are unique per account ignoring case"
    );
    again.name = "Second";
    again.container_url = "https://acct.blob.core.windows.net/exports";
    again.root_folder = "/partner/";
    assert!(
        matches!(
            sources::add(&db, &again, now()),
            Err(Error::Duplicate {
                field: "sasUrl",
                ..
            })
        ),
        "the same container folder twice would count every cost twice"
    );
    again.container_url = "https://acct.blob.core.windows.net/exports?sv=1&sig=abc";
    assert!(
        matches!(
            sources::add(&db, &again, now()),
            Err(Error::Invalid {
                field: "sasUrl",
                ..
            })
        ),
        "a SAS query never reaches the database"
    );
    let listed = sources::list(&db, Some(&account)).unwrap();
    assert_eq!(
        listed,
        vec![first.clone()],
        "nothing but the first was stored"
    );
    assert_eq!(
        sources::find(&db, &account, "mca exports").unwrap().id,
        first.id
    );
    let renewed = now() + chrono::Duration::days(90);
    sources::set_sas_expiry(&db, &first.id, renewed).unwrap();
    assert_eq!(
        sources::find(&db, &account, &first.id)
            .unwrap()
            .sas_expires_at,
        renewed
    );
}

#[test]
fn a_newer_run_of_the_month_replaces_the_older_and_a_dropped_writer_changes_nothing() {
    let (_d, db, account) = db();
    let src = source(&db, &account, "S", "");
    write(
        &db,
        &src.id,
        "run-1",
        &[
            row(2, A, "On Demand", "Usage", "10.50"),
            row(3, A, "Reservation", "Purchase", "41.61"),
            row(4, B, "On Demand", "Usage", "1.25"),
        ],
    );
    let before = dump(&db).unwrap();

    let mut w = runs::begin(&db, &header(&src.id, "run-2", now()), now()).unwrap();
    assert_eq!(w.replaced(), ["run-1".to_string()]);
    w.push(&row(2, A, "On Demand", "Usage", "99")).unwrap();
    drop(w);
    assert_eq!(
        dump(&db).unwrap(),
        before,
        "a run that never commits leaves the month as it was"
    );

    write(
        &db,
        &src.id,
        "run-2",
        &[row(2, A, "On Demand", "Usage", "7")],
    );
    let imported = runs::imported(&db, &src.id).unwrap();
    assert_eq!(imported.len(), 1, "one run per export, dataset and month");
    assert_eq!(imported[0].run_id, "run-2");
    let f = Filter {
        account_id: &account,
        dataset: Dataset::Actual,
        month: Some("2026-02"),
    };
    let per = totals::per_customer(&db, &f).unwrap();
    assert_eq!(per.len(), 1, "B's rows went with the replaced run: {per:?}");
    assert_eq!(per[0].cost, Money::new(dec("7")));
}

#[test]
fn totals_split_per_customer_organization_and_pricing_model_exactly() {
    let (_d, mut db, account) = db();
    {
        let mut ingest = db.ingest(&account).unwrap();
        ingest
            .customers(
                &[CustomerRow {
                    id: A.into(),
                    company_name: "Contoso".into(),
                    domain: "contoso.com".into(),
                    tenant_id: Some(A.into()),
                    commerce_id: None,
                    relationship: None,
                }],
                now(),
            )
            .unwrap();
        ingest.commit().unwrap();
    }
    let org = organizations::create(
        &db,
        "Contoso Group",
        &[organizations::CustomerKey {
            account_id: account.clone(),
            customer_id: A.into(),
        }],
        now(),
    )
    .unwrap();
    let src = source(&db, &account, "S", "");
    // 0.1 + 0.2 is where floating point would show.
    write(
        &db,
        &src.id,
        "run-1",
        &[
            row(2, A, "On Demand", "Usage", "0.1"),
            row(3, A, "On Demand", "Usage", "0.2"),
            row(4, A, "SavingsPlan", "Purchase", "73.00"),
            row(5, B, "Reservation", "Purchase", "41.61"),
        ],
    );
    let f = Filter {
        account_id: &account,
        dataset: Dataset::Actual,
        month: None,
    };
    let per = totals::per_customer(&db, &f).unwrap();
    let a = per
        .iter()
        .find(|t| t.customer_tenant_id.as_deref() == Some(A))
        .unwrap();
    assert_eq!(a.cost, Money::new(dec("73.30")), "exact: 0.1 + 0.2 + 73.00");
    assert_eq!(a.commitment_cost, Money::new(dec("73.00")));
    assert_eq!(a.payg_cost, Money::new(dec("109.95")));
    assert_eq!(a.rows, 3);
    assert_eq!(
        a.organization.as_ref().map(|o| o.name.as_str()),
        Some("Contoso Group"),
        "A is a member of {}",
        org.name
    );
    let b = per
        .iter()
        .find(|t| t.customer_tenant_id.as_deref() == Some(B))
        .unwrap();
    assert_eq!(b.organization, None, "B is in no organization");

    let models = totals::per_pricing_model(&db, &f).unwrap();
    let cost_of = |m: &str| {
        models
            .iter()
            .filter(|t| t.pricing_model == m)
            .map(|t| t.cost)
            .sum::<Money>()
    };
    assert_eq!(cost_of("On Demand"), Money::new(dec("0.3")));
    assert_eq!(cost_of("SavingsPlan"), Money::new(dec("73.00")));
    assert_eq!(cost_of("Reservation"), Money::new(dec("41.61")));
    assert!(
        totals::per_customer(
            &db,
            &Filter {
                dataset: Dataset::Amortized,
                ..f
            }
        )
        .unwrap()
        .is_empty(),
        "the amortized view holds only amortized runs"
    );

    let page = totals::customer_rows(&db, &f, &A.to_uppercase(), 1, 10).unwrap();
    assert_eq!(page.total, 3, "tenant ids match whatever their case");
    assert_eq!(page.rows.len(), 2, "the page starts at the offset");
    assert_eq!(totals::months(&db, &account).unwrap(), vec!["2026-02"]);

    sources::remove(&db, &src.id).unwrap();
    assert!(
        totals::per_customer(&db, &f).unwrap().is_empty(),
        "removing the source removes its runs, rows and totals"
    );
    let left: i64 = db
        .conn()
        .query_row("SELECT count(*) FROM cost_rows", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_run_is_invisible_until_committed_and_a_crashed_one_is_discarded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.sqlite3");
    let db = Database::open(&path).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let src = source(&db, &account, "S", "");
    write(
        &db,
        &src.id,
        "run-1",
        &[row(2, A, "On Demand", "Usage", "1")],
    );
    let before = dump(&db).unwrap();
    let f = Filter {
        account_id: &account,
        dataset: Dataset::Actual,
        month: None,
    };
    let many = runs::BATCH + 5;
    let big = |line: u64| row(line + 2, B, "On Demand", "Usage", "0.01");

    // A second process writes a bigger run: its first batch is committed, yet unseen.
    let other = Database::open(&path).unwrap();
    let mut w = runs::begin(&other, &header(&src.id, "run-2", now()), now()).unwrap();
    for line in 0..many {
        w.push(&big(line)).unwrap();
    }
    let seen = totals::per_customer(&db, &f).unwrap();
    assert_eq!(seen.len(), 1, "readers see run-1 only: {seen:?}");
    assert_eq!(seen[0].customer_tenant_id.as_deref(), Some(A));
    // It crashes: the open batch is lost, the committed one stays behind as 'pending'.
    std::mem::forget(w);
    drop(other);
    assert_ne!(dump(&db).unwrap(), before, "the crash left rows");
    assert_eq!(totals::per_customer(&db, &f).unwrap(), seen, "still unseen");
    assert_eq!(runs::discard_stale(&db, &src.id).unwrap(), runs::BATCH);
    assert_eq!(dump(&db).unwrap(), before, "the next import starts clean");

    // Written whole, it replaces run-1 and run-1's rows are gone.
    let mut w = runs::begin(&db, &header(&src.id, "run-2", now()), now()).unwrap();
    for line in 0..many {
        w.push(&big(line)).unwrap();
    }
    assert_eq!(w.commit().unwrap(), many);
    let seen = totals::per_customer(&db, &f).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].cost, Money::new(dec("0.01") * Decimal::from(many)));
    let left: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM cost_rows WHERE run_id = 'run-1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "the replaced run's rows are deleted");
    assert!(
        matches!(
            runs::begin(&db, &header(&src.id, "run-2", now()), now()),
            Err(Error::Duplicate { .. })
        ),
        "a run already imported is not written twice"
    );
}
