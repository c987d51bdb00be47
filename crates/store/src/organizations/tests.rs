//! Organization rules checked against a real database: names, one organization per tenant,
//! all-or-nothing changes, and how typed text ranks its matches.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::accounts;
use crate::discovered::CustomerRow;
use crate::error::Error;
use crate::Database;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 30, 0).unwrap()
}

fn customer_row(id: &str, company: &str, domain: &str) -> CustomerRow {
    CustomerRow {
        id: id.into(),
        company_name: company.into(),
        domain: domain.into(),
        tenant_id: Some(id.into()),
        commerce_id: None,
        relationship: Some("reseller".into()),
    }
}

/// Two accounts; "CSP A" has Contoso, Fabrikam and Tailspin, "CSP B" has another Contoso.
struct Fixture {
    _dir: tempfile::TempDir,
    db: Database,
    a: String,
    b: String,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("o.sqlite3")).unwrap();
    let a = accounts::add(&db, "CSP A", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let b = accounts::add(&db, "CSP B", "0a1b2c3d-0000-4000-8000-000000000002", now())
        .unwrap()
        .id;
    let mut ingest = db.ingest(&a).unwrap();
    ingest
        .customers(
            &[
                customer_row("c-contoso", "Contoso Ltd", "contoso.com"),
                customer_row("c-fabrikam", "Fabrikam", "fabrikam.com"),
                customer_row("c-tailspin", "Tailspin", "tailspin.com"),
            ],
            now(),
        )
        .unwrap();
    ingest.commit().unwrap();
    let mut ingest = db.ingest(&b).unwrap();
    ingest
        .customers(
            &[customer_row("c-contoso-eu", "Contoso Ltd", "contoso.eu")],
            now(),
        )
        .unwrap();
    ingest.commit().unwrap();
    Fixture {
        _dir: dir,
        db,
        a,
        b,
    }
}

fn key(account: &str, customer: &str) -> CustomerKey {
    CustomerKey {
        account_id: account.into(),
        customer_id: customer.into(),
    }
}

fn member_ids(org: &Organization) -> Vec<&str> {
    org.members.iter().map(|m| m.customer_id.as_str()).collect()
}

#[test]
fn create_find_list_and_delete() {
    let f = fixture();
    let org = create(
        &f.db,
        "  Contoso Group ",
        &[key(&f.b, "c-contoso-eu"), key(&f.a, "c-contoso")],
        now(),
    )
    .unwrap();
    assert_eq!(org.name, "Contoso Group", "names are stored trimmed");
    assert_eq!(org.created_at, now());
    assert_eq!(
        org.members
            .iter()
            .map(|m| m.account_name.as_str())
            .collect::<Vec<_>>(),
        ["CSP A", "CSP B"],
        "same company name: members are then ordered by account name"
    );
    assert_eq!(org.members[0].domain, "contoso.com");
    create(&f.db, "adatum", &[], now()).unwrap();
    let names: Vec<_> = list(&f.db).unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(names, ["adatum", "Contoso Group"], "by name ignoring case");
    assert_eq!(find(&f.db, "contoso group").unwrap(), org);
    assert_eq!(find(&f.db, &org.id).unwrap(), org, "found by id too");

    let deleted = delete(&f.db, "CONTOSO GROUP").unwrap();
    assert_eq!(deleted, org, "delete returns the organization as it was");
    assert!(matches!(
        find(&f.db, "Contoso Group"),
        Err(Error::NotFound { .. })
    ));
    let left: i64 =
        f.db.conn()
            .query_row("SELECT count(*) FROM organization_members", [], |r| {
                r.get(0)
            })
            .unwrap();
    assert_eq!(left, 0, "deleting an organization releases its tenants");
    let customers: i64 =
        f.db.conn()
            .query_row("SELECT count(*) FROM customers", [], |r| r.get(0))
            .unwrap();
    assert_eq!(customers, 4, "the customers themselves stay");
}

#[test]
fn invalid_and_duplicate_names_are_refused() {
    let f = fixture();
    for bad in ["", "   ", "Tab\tName", &"x".repeat(MAX_NAME_CHARS + 1)] {
        assert!(
            matches!(
                create(&f.db, bad, &[], now()),
                Err(Error::Invalid { field: "name", .. })
            ),
            "{bad:?} must be refused"
        );
    }
    create(&f.db, "Contoso", &[], now()).unwrap();
    match create(&f.db, "CONTOSO", &[], now()) {
        Err(Error::Duplicate {
            field: "name",
            message,
        }) => assert!(message.contains("\"Contoso\""), "{message}"),
        other => panic!("expected a duplicate name, got {other:?}"),
    }
    assert_eq!(list(&f.db).unwrap().len(), 1);
}

#[test]
fn a_tenant_cannot_join_two_organizations_and_nothing_is_half_written() {
    let f = fixture();
    create(&f.db, "Contoso Group", &[key(&f.a, "c-contoso")], now()).unwrap();
    let err = create(
        &f.db,
        "Other",
        &[key(&f.a, "c-fabrikam"), key(&f.a, "c-contoso")],
        now(),
    )
    .unwrap_err();
    match err {
        Error::Invalid {
            field: "members",
            message,
        } => {
            assert!(
                message.contains("\"Contoso Group\""),
                "names the other organization: {message}"
            );
            assert!(message.contains("\"Contoso Ltd\""), "{message}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(
        matches!(find(&f.db, "Other"), Err(Error::NotFound { .. })),
        "the refused create rolled back the organization too"
    );

    create(&f.db, "Fabrikam", &[], now()).unwrap();
    let err = add_members(
        &f.db,
        "Fabrikam",
        &[key(&f.a, "c-fabrikam"), key(&f.a, "c-contoso")],
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"Contoso Group\""), "{err}");
    assert!(
        find(&f.db, "Fabrikam").unwrap().members.is_empty(),
        "a refused add adds nothing"
    );
}

#[test]
fn adding_a_member_twice_is_a_no_op_and_unknown_customers_are_not_found() {
    let f = fixture();
    create(&f.db, "Contoso Group", &[key(&f.a, "c-contoso")], now()).unwrap();
    let org = add_members(
        &f.db,
        "contoso group",
        &[
            key(&f.a, "c-contoso"),
            key(&f.b, "c-contoso-eu"),
            key(&f.b, "c-contoso-eu"),
        ],
    )
    .unwrap();
    assert_eq!(member_ids(&org), ["c-contoso", "c-contoso-eu"]);
    assert!(matches!(
        add_members(&f.db, "Contoso Group", &[key(&f.a, "nope")]),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        add_members(&f.db, "Missing", &[key(&f.a, "c-contoso")]),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn remove_members_refuses_a_tenant_that_is_not_in_it() {
    let f = fixture();
    create(
        &f.db,
        "Group",
        &[key(&f.a, "c-contoso"), key(&f.a, "c-fabrikam")],
        now(),
    )
    .unwrap();
    let err = remove_members(
        &f.db,
        "Group",
        &[key(&f.a, "c-contoso"), key(&f.a, "c-tailspin")],
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field: "members", message } if message.contains("\"Tailspin\"")),
        "{err:?}"
    );
    assert_eq!(
        member_ids(&find(&f.db, "Group").unwrap()),
        ["c-contoso", "c-fabrikam"],
        "a refused removal removes nothing"
    );
    let org = remove_members(
        &f.db,
        "Group",
        &[key(&f.a, "c-contoso"), key(&f.a, "c-contoso")],
    )
    .unwrap();
    assert_eq!(member_ids(&org), ["c-fabrikam"]);
}

#[test]
fn find_customers_ranks_ids_over_domains_over_names() {
    let f = fixture();
    create(&f.db, "Group", &[key(&f.a, "c-contoso")], now()).unwrap();
    let by_name = find_customers(&f.db, " contoso ltd ", None).unwrap();
    assert_eq!(by_name.len(), 2, "one Contoso Ltd under each account");
    assert!(by_name
        .iter()
        .all(|m| m.matched_by == MatchedBy::CompanyName));
    assert_eq!(by_name[0].organization.as_deref(), Some("Group"));
    assert_eq!(by_name[1].organization, None);
    let in_b = find_customers(&f.db, "Contoso Ltd", Some(&f.b)).unwrap();
    assert_eq!(in_b.len(), 1);
    assert_eq!(in_b[0].member.customer_id, "c-contoso-eu");
    let by_domain = find_customers(&f.db, "CONTOSO.EU", None).unwrap();
    assert_eq!(by_domain[0].matched_by, MatchedBy::Domain);
    let by_id = find_customers(&f.db, "C-FABRIKAM", None).unwrap();
    assert_eq!(by_id[0].matched_by, MatchedBy::Id);
    assert!(find_customers(&f.db, "nobody", None).unwrap().is_empty());
}
