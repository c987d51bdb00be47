//! Whether an account is signed in, as the Accounts page shows it: who, which roles,
//! when consent was given and when it lapses. Refresh tokens lapse after 90 days
//! without use, so the page warns two weeks ahead and says "Sign in again" after.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use cspdesk_store::{sign_in, Database};
use serde::Serialize;
use ts_rs::TS;

use crate::shared::roles::{access_for, role_name, Access};
use crate::ApiError;

/// Microsoft's refresh-token lifetime without use.
pub const REFRESH_TOKEN_INACTIVITY: Duration = Duration::days(90);
/// How long before the lapse the page starts warning.
pub const LAPSE_WARNING: Duration = Duration::days(14);

/// A directory role, with its name in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RoleDto {
    /// Role template id (`wids`).
    pub id: String,
    /// e.g. "Global Administrator".
    pub name: String,
}

/// An account's sign-in state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(
    tag = "state",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SignInStatus {
    /// Never signed in, or signed out.
    SignedOut,
    /// Signed in; tokens are in the keyring.
    SignedIn {
        /// User principal name.
        upn: String,
        /// The tenant that issued the token.
        tenant_id: String,
        /// Directory roles.
        roles: Vec<RoleDto>,
        /// What the roles allow in CSP Desk.
        access: Access,
        /// Whether the sign-in was MFA-backed.
        mfa: bool,
        /// When consent was given, RFC 3339.
        consented_at: String,
        /// When consent lapses unless used, RFC 3339.
        lapses_at: String,
        /// True within two weeks of the lapse.
        lapsing_soon: bool,
    },
    /// The refresh token lapsed or was rejected: the user must sign in again.
    Lapsed {
        /// Who was signed in.
        upn: String,
        /// When it lapsed, RFC 3339.
        lapsed_at: String,
    },
}

/// The account's sign-in state at `now`.
pub fn status(
    db: &Database,
    account_id: &str,
    now: DateTime<Utc>,
) -> Result<SignInStatus, ApiError> {
    let Some(s) = sign_in::session(db, account_id)? else {
        return Ok(SignInStatus::SignedOut);
    };
    let lapses = s.last_refreshed_at + REFRESH_TOKEN_INACTIVITY;
    if let Some(rejected) = s.rejected_at.filter(|r| *r < lapses) {
        return Ok(SignInStatus::Lapsed {
            upn: s.upn,
            lapsed_at: text(rejected),
        });
    }
    if now >= lapses {
        return Ok(SignInStatus::Lapsed {
            upn: s.upn,
            lapsed_at: text(lapses),
        });
    }
    Ok(SignInStatus::SignedIn {
        access: access_for(&s.roles),
        roles: s
            .roles
            .iter()
            .map(|id| RoleDto {
                id: id.clone(),
                name: role_name(id),
            })
            .collect(),
        upn: s.upn,
        tenant_id: s.tenant_id,
        mfa: s.mfa,
        consented_at: text(s.consented_at),
        lapses_at: text(lapses),
        lapsing_soon: lapses - now <= LAPSE_WARNING,
    })
}

fn text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use cspdesk_store::accounts;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn lapses_ninety_days_after_last_use_with_a_two_week_warning() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("s.sqlite3")).unwrap();
        let a = accounts::add(
            &db,
            "Contoso",
            "0a1b2c3d-0000-4000-8000-000000000001",
            at(2026, 1, 1),
        )
        .unwrap();
        assert_eq!(
            status(&db, &a.id, at(2026, 1, 1)).unwrap(),
            SignInStatus::SignedOut
        );
        sign_in::save_session(
            &db,
            &a.id,
            &sign_in::Session {
                upn: "admin@contoso.onmicrosoft.com".into(),
                user_oid: "u".into(),
                tenant_id: a.tenant_id.to_string(),
                roles: vec![crate::shared::roles::GLOBAL_ADMINISTRATOR.into()],
                mfa: true,
                consented_at: at(2026, 1, 1),
                last_refreshed_at: at(2026, 2, 1),
                rejected_at: None,
            },
        )
        .unwrap();
        match status(&db, &a.id, at(2026, 3, 1)).unwrap() {
            SignInStatus::SignedIn {
                lapses_at,
                lapsing_soon,
                access,
                roles,
                ..
            } => {
                assert_eq!(
                    lapses_at, "2026-05-02T12:00:00Z",
                    "90 days after the last refresh"
                );
                assert!(!lapsing_soon);
                assert_eq!(access, Access::Admin);
                assert_eq!(roles[0].name, "Global Administrator");
            }
            other => panic!("expected SignedIn, got {other:?}"),
        }
        assert!(matches!(
            status(&db, &a.id, at(2026, 4, 20)).unwrap(),
            SignInStatus::SignedIn {
                lapsing_soon: true,
                ..
            }
        ));
        assert_eq!(
            status(&db, &a.id, at(2026, 5, 2)).unwrap(),
            SignInStatus::Lapsed {
                upn: "admin@contoso.onmicrosoft.com".into(),
                lapsed_at: "2026-05-02T12:00:00Z".into()
            }
        );
        cspdesk_store::sign_in::mark_rejected(&db, &a.id, at(2026, 3, 3)).unwrap();
        assert_eq!(
            status(&db, &a.id, at(2026, 3, 4)).unwrap(),
            SignInStatus::Lapsed {
                upn: "admin@contoso.onmicrosoft.com".into(),
                lapsed_at: "2026-03-03T12:00:00Z".into()
            },
            "a token Microsoft rejected early shows as lapsed from that moment"
        );
    }
}
