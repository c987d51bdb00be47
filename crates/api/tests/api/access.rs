//! Who may change things, across features: finance-only sign-ins and a database opened
//! read-only refuse changes (accounts, schedules) and say why; an admin sign-in lifts it.

use chrono::TimeZone;
use chrono::{DateTime, Utc};
use cspdesk_api::shared::access::{current, require_admin, READ_ONLY_FILE};
use cspdesk_api::shared::roles::{Access, BILLING_ADMINISTRATOR, GLOBAL_ADMINISTRATOR};
use cspdesk_api::ErrorCode;
use cspdesk_store::sign_in as stored;
use cspdesk_store::{accounts, Database};

fn at(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, d, 9, 0, 0).unwrap()
}

fn sign(db: &Database, id: &str, upn: &str, role: &str) {
    stored::save_session(
        db,
        id,
        &stored::Session {
            upn: upn.into(),
            user_oid: "o".into(),
            tenant_id: "t".into(),
            roles: vec![role.into()],
            mfa: true,
            consented_at: at(1),
            last_refreshed_at: at(1),
            rejected_at: None,
        },
    )
    .unwrap();
}

#[test]
fn finance_only_sign_ins_make_the_app_read_only_and_an_admin_lifts_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
    let a = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", at(1)).unwrap();
    let b = accounts::add(&db, "B", "0a1b2c3d-0000-4000-8000-000000000002", at(1)).unwrap();
    assert!(
        require_admin(&db, at(2), "adding an account").is_ok(),
        "nobody signed in: the first account must be addable"
    );
    sign(&db, &a.id, "billing@a.example", BILLING_ADMINISTRATOR);
    let refused =
        cspdesk_api::accounts::partner_accounts::remove_by_id(&db, &b.id, at(2)).unwrap_err();
    assert_eq!(
        refused.code,
        ErrorCode::Forbidden,
        "finance may not remove accounts"
    );
    assert_eq!(accounts::list(&db).unwrap().len(), 2);
    let err = require_admin(&db, at(2), "adding an account").unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(
        err.message
            .contains("billing@a.example (Billing Administrator)"),
        "{}",
        err.message
    );
    sign(&db, &b.id, "admin@b.example", GLOBAL_ADMINISTRATOR);
    assert!(require_admin(&db, at(2), "adding an account").is_ok());
    assert_eq!(current(&db, at(2)).unwrap().0, Access::Admin);
}

#[test]
fn a_database_opened_read_only_is_finance_and_refuses_changes_saying_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite3");
    drop(Database::open(&path).unwrap());
    let ro = Database::open_read_only(&path).unwrap();
    assert!(ro.is_read_only());
    assert_eq!(
        current(&ro, at(2)).unwrap(),
        (Access::Finance, vec![READ_ONLY_FILE.to_string()])
    );
    let err = require_admin(&ro, at(2), "changing markups").unwrap_err();
    assert_eq!(err.code, ErrorCode::Forbidden);
    assert!(err.message.contains("--read-only"), "{}", err.message);
    assert!(
        cspdesk_api::accounts::app_info::describe(&ro, at(2))
            .unwrap()
            .read_only_database
    );
    let hub = cspdesk_api::discovery::runs::Hub::new();
    assert!(
        cspdesk_api::discovery::scheduled::due(&ro, &hub, Some(at(1)), at(2), &Utc)
            .unwrap()
            .is_empty(),
        "a read-only database is never refreshed"
    );
    let rw = Database::open(&path).unwrap();
    assert!(!rw.is_read_only());
    assert!(
        !cspdesk_api::accounts::app_info::describe(&rw, at(2))
            .unwrap()
            .read_only_database
    );
}
