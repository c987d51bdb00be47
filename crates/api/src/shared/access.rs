//! Who may change things. The desktop user's access is the best their sign-ins give:
//! Admin when any account is signed in with an admin role, Finance (read-only) when every
//! sign-in carries only billing or reader roles. With nobody signed in yet the app stays
//! Admin, or no one could add the first account.

use chrono::{DateTime, Utc};
use cspdesk_store::{accounts, Database};

use crate::shared::roles::Access;
use crate::shared::sign_in::{self, SignInStatus};
use crate::{ApiError, ErrorCode};

/// Why a database opened read-only gives finance access only.
pub const READ_ONLY_FILE: &str = "the database file, opened read-only (--read-only)";

/// The app's access at `now`, with the roles that decided it (for the message). A database
/// opened read-only is always Finance: browsing and export, no Discovery, no editing.
pub fn current(db: &Database, now: DateTime<Utc>) -> Result<(Access, Vec<String>), ApiError> {
    if db.is_read_only() {
        return Ok((Access::Finance, vec![READ_ONLY_FILE.into()]));
    }
    let mut finance_roles = Vec::new();
    let mut anyone = false;
    for account in accounts::list(db)? {
        // A sign-in record that cannot be read counts as Finance: never more access than known.
        let Ok(status) = sign_in::status(db, &account.id, now) else {
            anyone = true;
            finance_roles.push(format!("{} (unreadable sign-in record)", account.name));
            continue;
        };
        if let SignInStatus::SignedIn {
            access, roles, upn, ..
        } = status
        {
            anyone = true;
            if access == Access::Admin {
                return Ok((Access::Admin, vec![]));
            }
            let names: Vec<String> = roles.into_iter().map(|r| r.name).collect();
            finance_roles.push(format!(
                "{upn} ({})",
                if names.is_empty() {
                    "no directory role".into()
                } else {
                    names.join(", ")
                }
            ));
        }
    }
    Ok((
        if anyone {
            Access::Finance
        } else {
            Access::Admin
        },
        finance_roles,
    ))
}

/// Refuses `action` unless the app has Admin access.
pub fn require_admin(db: &Database, now: DateTime<Utc>, action: &str) -> Result<(), ApiError> {
    if db.is_read_only() {
        return Err(ApiError {
            code: ErrorCode::Forbidden,
            message: format!(
                "This database is open read-only: {action} needs CSP Desk started without --read-only."
            ),
            field: None,
        });
    }
    match current(db, now)? {
        (Access::Admin, _) => Ok(()),
        (Access::Finance, who) => Err(ApiError {
            code: ErrorCode::Forbidden,
            message: format!(
                "You are signed in with read-only (finance) access as {}: {action} needs a partner admin (Global Administrator). Sign in as one, or ask one to do it.",
                who.join("; ")
            ),
            field: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shared::roles::{BILLING_ADMINISTRATOR, GLOBAL_ADMINISTRATOR};
    use chrono::TimeZone;
    use cspdesk_store::sign_in as stored;

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
        let refused = crate::accounts::partner_accounts::remove_by_id(&db, &b.id, at(2)).unwrap_err();
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
            crate::accounts::app_info::describe(&ro, at(2))
                .unwrap()
                .read_only_database
        );
        let hub = crate::discovery::runs::Hub::new();
        assert!(
            crate::discovery::scheduled::due(&ro, &hub, Some(at(1)), at(2), &Utc)
                .unwrap()
                .is_empty(),
            "a read-only database is never refreshed"
        );
        let rw = Database::open(&path).unwrap();
        assert!(!rw.is_read_only());
        assert!(
            !crate::accounts::app_info::describe(&rw, at(2))
                .unwrap()
                .read_only_database
        );
    }
}
