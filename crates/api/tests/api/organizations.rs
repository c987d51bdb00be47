//! Customer organizations through the shared operations: grouping tenants of two partner
//! accounts, the one-organization-per-tenant rule, resolving what a user typed, and the
//! admin-only rule for changes.

use chrono::{DateTime, TimeZone, Utc};
use cspdesk_api::customers::dto::CustomerRef;
use cspdesk_api::shared::roles::BILLING_ADMINISTRATOR;
use cspdesk_api::{customers::organizations, ErrorCode};
use cspdesk_store::discovered::CustomerRow;
use cspdesk_store::{accounts, sign_in, Database};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 9, 30, 0).unwrap()
}

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

/// A database with two partner accounts: "CSP A" serves Contoso Ltd and Fabrikam, "CSP B"
/// serves another Contoso Ltd tenant. Returns the two account ids.
fn two_accounts() -> (tempfile::TempDir, Database, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("cspdesk.sqlite3")).unwrap();
    let a = accounts::add(&db, "CSP A", "0a1b2c3d-0000-4000-8000-00000000000a", now())
        .unwrap()
        .id;
    let b = accounts::add(&db, "CSP B", "0a1b2c3d-0000-4000-8000-00000000000b", now())
        .unwrap()
        .id;
    for (account, rows) in [
        (
            &a,
            vec![
                customer(
                    "11111111-0000-4000-8000-000000000001",
                    "Contoso Ltd",
                    "contoso.com",
                ),
                customer(
                    "11111111-0000-4000-8000-000000000002",
                    "Fabrikam",
                    "fabrikam.com",
                ),
            ],
        ),
        (
            &b,
            vec![customer(
                "22222222-0000-4000-8000-000000000001",
                "Contoso Ltd",
                "contoso.eu",
            )],
        ),
    ] {
        let mut ingest = db.ingest(account).unwrap();
        ingest.customers(&rows, now()).unwrap();
        ingest.commit().unwrap();
    }
    (dir, db, a, b)
}

#[test]
fn tenants_of_two_accounts_form_one_organization() {
    let (_dir, db, a, b) = two_accounts();
    let contoso_com = organizations::resolve_customer(&db, "CONTOSO.COM", None).unwrap();
    assert_eq!(contoso_com.account_id, a, "found by domain, ignoring case");
    let contoso_eu = organizations::resolve_customer(&db, "contoso ltd", Some("csp b")).unwrap();
    assert_eq!(
        contoso_eu,
        CustomerRef {
            account_id: b.clone(),
            customer_id: "22222222-0000-4000-8000-000000000001".into(),
        },
        "an ambiguous company name is settled by the account"
    );

    let org = organizations::create(
        &db,
        "Contoso Group",
        std::slice::from_ref(&contoso_com),
        now(),
    )
    .unwrap();
    assert_eq!(org.created_at, "2026-11-21T09:30:00Z");
    let org =
        organizations::add_members(&db, &org.id, std::slice::from_ref(&contoso_eu), now()).unwrap();
    let json = serde_json::to_value(&org).unwrap();
    assert_eq!(json["name"], "Contoso Group");
    assert_eq!(
        json["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["accountName"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["CSP A", "CSP B"],
        "the DTO crosses in camelCase, members by company name then account"
    );
    assert_eq!(json["members"][1]["domain"], "contoso.eu");
    assert_eq!(organizations::list(&db).unwrap(), vec![org.clone()]);
    assert_eq!(organizations::get(&db, "contoso group").unwrap(), org);

    // The Customers page shows the organization next to each tenant.
    let listed = cspdesk_store::discovered::customers(&db).unwrap();
    let grouped: Vec<_> = listed
        .iter()
        .filter(|c| c.organization_name.as_deref() == Some("Contoso Group"))
        .map(|c| c.domain.as_str())
        .collect();
    assert_eq!(grouped, ["contoso.com", "contoso.eu"]);

    let org = organizations::remove_members(&db, "Contoso Group", &[contoso_com], now()).unwrap();
    assert_eq!(org.members.len(), 1);
    let deleted = organizations::delete(&db, "Contoso Group", now()).unwrap();
    assert_eq!(deleted.members.len(), 1, "delete returns what it removed");
    assert!(organizations::list(&db).unwrap().is_empty());
    assert_eq!(
        cspdesk_store::discovered::customers(&db).unwrap().len(),
        3,
        "deleting an organization keeps its customers"
    );
}

#[test]
fn a_tenant_in_another_organization_is_refused_by_name() {
    let (_dir, db, _a, _b) = two_accounts();
    let contoso = organizations::resolve_customer(&db, "contoso.com", None).unwrap();
    let fabrikam = organizations::resolve_customer(&db, "Fabrikam", None).unwrap();
    organizations::create(&db, "Contoso Group", std::slice::from_ref(&contoso), now()).unwrap();
    let err = organizations::create(&db, "Everyone", &[fabrikam, contoso], now()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation, "{err:?}");
    assert_eq!(err.field.as_deref(), Some("members"));
    assert!(
        err.message.contains("\"Contoso Group\""),
        "names the organization it is in: {}",
        err.message
    );
    assert_eq!(
        organizations::list(&db).unwrap().len(),
        1,
        "nothing of the refused create is kept"
    );

    let dup = organizations::create(&db, "contoso group", &[], now()).unwrap_err();
    assert_eq!(dup.code, ErrorCode::Duplicate);
    assert_eq!(dup.field.as_deref(), Some("name"));
}

#[test]
fn resolving_says_what_is_missing_or_ambiguous() {
    let (_dir, db, _a, _b) = two_accounts();
    let err = organizations::resolve_customer(&db, "Contoso Ltd", None).unwrap_err();
    assert_eq!(err.code, ErrorCode::Validation, "{err:?}");
    assert!(
        err.message.contains("\"CSP A\"") && err.message.contains("\"CSP B\""),
        "lists the candidates' accounts: {}",
        err.message
    );
    assert!(err.message.contains("--account"), "{}", err.message);

    let err = organizations::resolve_customer(&db, "Northwind", None).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "{err:?}");
    assert!(err.message.contains("\"Northwind\""), "{}", err.message);

    let err = organizations::resolve_customer(&db, "Fabrikam", Some("CSP B")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(err.message.contains("\"CSP B\""), "{}", err.message);

    let err = organizations::resolve_customer(&db, "Fabrikam", Some("No Such CSP")).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound, "an unknown account is named");

    let by_tenant =
        organizations::resolve_customer(&db, "22222222-0000-4000-8000-000000000001", None).unwrap();
    assert_eq!(
        by_tenant.customer_id,
        "22222222-0000-4000-8000-000000000001"
    );
}

#[test]
fn finance_access_may_read_but_not_change_organizations() {
    let (_dir, db, a, _b) = two_accounts();
    let contoso = organizations::resolve_customer(&db, "contoso.com", None).unwrap();
    organizations::create(&db, "Contoso Group", std::slice::from_ref(&contoso), now()).unwrap();
    sign_in::save_session(
        &db,
        &a,
        &sign_in::Session {
            upn: "billing@a.example".into(),
            user_oid: "oid".into(),
            tenant_id: "0a1b2c3d-0000-4000-8000-00000000000a".into(),
            roles: vec![BILLING_ADMINISTRATOR.into()],
            mfa: true,
            consented_at: now(),
            last_refreshed_at: now(),
            rejected_at: None,
        },
    )
    .unwrap();

    let refusals = [
        organizations::create(&db, "New", &[], now()).unwrap_err(),
        organizations::add_members(&db, "Contoso Group", &[], now()).unwrap_err(),
        organizations::create_or_add(&db, "Contoso Group", &[], now()).unwrap_err(),
        organizations::remove_members(&db, "Contoso Group", &[contoso], now()).unwrap_err(),
        organizations::delete(&db, "Contoso Group", now()).unwrap_err(),
    ];
    for err in refusals {
        assert_eq!(err.code, ErrorCode::Forbidden, "{err:?}");
        assert!(
            err.message.contains("customer organizations"),
            "{}",
            err.message
        );
    }
    let orgs = organizations::list(&db).unwrap();
    assert_eq!(orgs.len(), 1, "finance can still read");
    assert_eq!(orgs[0].members.len(), 1, "and nothing changed");
}
