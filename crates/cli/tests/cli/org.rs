//! `cspdesk org ...` as a script would use it. Customers come from Discovery, so each test
//! writes them into the CLI's database the way Discovery does, through the store's `Ingest`.

use std::path::{Path, PathBuf};

use cspdesk_store::discovered::CustomerRow;
use cspdesk_store::{accounts, Database};

use crate::cspdesk;

const CONTOSO_COM: &str = "11111111-0000-4000-8000-000000000001";
const CONTOSO_EU: &str = "11111111-0000-4000-8000-000000000002";
const FABRIKAM: &str = "11111111-0000-4000-8000-000000000003";
const NORTHWIND: &str = "22222222-0000-4000-8000-000000000001";

fn customer(id: &str, company: &str, domain: &str) -> CustomerRow {
    CustomerRow {
        id: id.into(),
        company_name: company.into(),
        domain: domain.into(),
        tenant_id: Some(id.into()),
        commerce_id: None,
        relationship: Some("reseller".into()),
    }
}

/// The "Contoso" partner account with three customers (two tenants of Contoso Ltd), and a
/// second account "Woodgrove" serving another Contoso Ltd tenant and Northwind.
pub fn with_customers() -> (tempfile::TempDir, PathBuf) {
    let (dir, path) = crate::with_contoso();
    let mut db = Database::open(&path).unwrap();
    let contoso = accounts::find(&db, "Contoso").unwrap().id;
    let woodgrove = accounts::add(
        &db,
        "Woodgrove",
        "0a1b2c3d-0000-4000-8000-000000000002",
        chrono::Utc::now(),
    )
    .unwrap()
    .id;
    for (account, rows) in [
        (
            &contoso,
            vec![
                customer(CONTOSO_COM, "Contoso Ltd", "contoso.com"),
                customer(CONTOSO_EU, "Contoso Europe", "contoso.eu"),
                customer(FABRIKAM, "Fabrikam", "fabrikam.com"),
            ],
        ),
        (
            &woodgrove,
            vec![
                customer(NORTHWIND, "Northwind", "northwind.com"),
                customer(
                    "22222222-0000-4000-8000-000000000002",
                    "Contoso Ltd",
                    "contoso.co.uk",
                ),
            ],
        ),
    ] {
        let mut ingest = db.ingest(account).unwrap();
        ingest.customers(&rows, chrono::Utc::now()).unwrap();
        ingest.commit().unwrap();
    }
    (dir, path)
}

pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = cspdesk(db, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = cspdesk(db, args);
    assert!(!out.status.success(), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn show_json(db: &Path, name: &str) -> serde_json::Value {
    serde_json::from_str(&ok(db, &["org", "show", name, "--json"])).expect("show --json is JSON")
}

fn member_ids(org: &serde_json::Value) -> Vec<String> {
    org["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["customerId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn add_creates_then_extends_and_list_and_show_print_it() {
    let (_dir, db) = with_customers();
    let out = ok(
        &db,
        &[
            "org",
            "add",
            "Contoso Group",
            "contoso.com",
            "Contoso Europe",
        ],
    );
    assert!(out.contains("created organization Contoso Group"), "{out}");
    assert!(out.contains("added 2 tenant(s)"), "{out}");
    let out = ok(
        &db,
        &[
            "org",
            "add",
            "contoso group",
            "Contoso Ltd",
            "--account",
            "Woodgrove",
        ],
    );
    assert!(
        !out.contains("created organization"),
        "the second add reuses the organization: {out}"
    );
    assert!(out.contains("added 1 tenant(s) to Contoso Group"), "{out}");
    // Adding a member again changes nothing.
    let out = ok(&db, &["org", "add", "Contoso Group", CONTOSO_COM]);
    assert!(out.contains("added 0 tenant(s)"), "{out}");

    let org = show_json(&db, "CONTOSO GROUP");
    assert_eq!(org["name"], "Contoso Group");
    assert_eq!(
        member_ids(&org),
        [
            CONTOSO_EU,
            CONTOSO_COM,
            "22222222-0000-4000-8000-000000000002"
        ],
        "members by company name, then account"
    );
    assert_eq!(org["members"][2]["accountName"], "Woodgrove");

    let table = ok(&db, &["org", "show", "Contoso Group"]);
    assert!(table.contains("COMPANY"), "{table}");
    assert!(
        table.lines().any(|l| l.contains("Contoso Ltd")
            && l.contains("contoso.co.uk")
            && l.contains("Woodgrove")),
        "{table}"
    );

    ok(&db, &["org", "add", "Fabrikam Holdings", "fabrikam.com"]);
    let list: serde_json::Value =
        serde_json::from_str(&ok(&db, &["org", "list", "--json"])).unwrap();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Contoso Group", "Fabrikam Holdings"]);
    let table = ok(&db, &["org", "list"]);
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("Contoso Group") && l.contains(" 3 ")),
        "the table counts tenants: {table}"
    );
}

#[test]
fn a_tenant_cannot_join_two_organizations() {
    let (_dir, db) = with_customers();
    ok(&db, &["org", "add", "Contoso Group", "contoso.com"]);
    let err = fails(&db, &["org", "add", "Other", "fabrikam.com", "contoso.com"]);
    assert!(
        err.contains("\"Contoso Group\""),
        "the error names the other organization: {err}"
    );
    assert!(
        fails(&db, &["org", "show", "Other"]).contains("not found"),
        "the refused add created nothing"
    );
}

#[test]
fn remove_members_then_delete_the_organization() {
    let (_dir, db) = with_customers();
    ok(
        &db,
        &[
            "org",
            "add",
            "Group",
            "contoso.com",
            "contoso.eu",
            "fabrikam.com",
        ],
    );
    let out = ok(&db, &["org", "remove", "Group", "Fabrikam"]);
    assert!(out.contains("removed 1 tenant(s) from Group"), "{out}");
    assert_eq!(
        member_ids(&show_json(&db, "Group")),
        [CONTOSO_EU, CONTOSO_COM]
    );

    let err = fails(&db, &["org", "remove", "Group", "northwind.com"]);
    assert!(err.contains("is not in organization \"Group\""), "{err}");
    assert_eq!(member_ids(&show_json(&db, "Group")).len(), 2);

    let out = ok(&db, &["org", "remove", "group"]);
    assert!(out.contains("deleted organization Group"), "{out}");
    assert!(out.contains("2 tenant(s) released"), "{out}");
    assert_eq!(ok(&db, &["org", "list", "--json"]).trim(), "[]");
    assert!(fails(&db, &["org", "remove", "Group"]).contains("not found"));
    // The tenants are free again.
    ok(&db, &["org", "add", "Again", "contoso.com"]);
}

#[test]
fn unknown_and_ambiguous_customers_are_explained() {
    let (_dir, db) = with_customers();
    let err = fails(&db, &["org", "add", "Group", "contoso.com", "tailspin.com"]);
    assert!(err.contains("\"tailspin.com\""), "{err}");
    assert!(err.contains("No customer"), "{err}");
    assert_eq!(
        ok(&db, &["org", "list", "--json"]).trim(),
        "[]",
        "an unknown customer stops the whole command before anything is written"
    );

    let err = fails(&db, &["org", "add", "Group", "Contoso Ltd"]);
    assert!(
        err.contains("\"Contoso\"") && err.contains("\"Woodgrove\""),
        "lists the candidates' accounts: {err}"
    );
    assert!(err.contains("--account"), "{err}");

    let err = fails(
        &db,
        &[
            "org",
            "add",
            "Group",
            "fabrikam.com",
            "--account",
            "Woodgrove",
        ],
    );
    assert!(err.contains("\"Woodgrove\""), "{err}");
    let err = fails(&db, &["org", "add", "Tab\tName"]);
    assert!(err.contains("control character"), "{err}");
}

#[test]
fn finance_access_is_refused_changes_but_may_read() {
    let (_dir, db) = with_customers();
    ok(&db, &["org", "add", "Group", "contoso.com"]);
    // A sign-in with only the Billing Administrator role makes the app read-only.
    let store = Database::open(&db).unwrap();
    let contoso = accounts::find(&store, "Contoso").unwrap().id;
    let now = chrono::Utc::now();
    cspdesk_store::sign_in::save_session(
        &store,
        &contoso,
        &cspdesk_store::sign_in::Session {
            upn: "billing@contoso.example".into(),
            user_oid: "oid".into(),
            tenant_id: "0a1b2c3d-0000-4000-8000-000000000001".into(),
            roles: vec![cspdesk_api::shared::roles::BILLING_ADMINISTRATOR.into()],
            mfa: true,
            consented_at: now,
            last_refreshed_at: now,
            rejected_at: None,
        },
    )
    .unwrap();
    drop(store);

    for args in [
        &["org", "add", "Group", "fabrikam.com"][..],
        &["org", "add", "New"],
        &["org", "remove", "Group", "contoso.com"],
        &["org", "remove", "Group"],
    ] {
        let err = fails(&db, args);
        assert!(
            err.contains("read-only (finance) access"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(member_ids(&show_json(&db, "Group")), [CONTOSO_COM]);
    ok(&db, &["org", "list"]);
}
