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
