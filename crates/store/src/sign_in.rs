//! Per-account sign-in settings (which authority, app and API hosts) and what the last
//! sign-in said (who, which roles, when consent was given and last used). Nothing
//! secret is kept here: tokens live only in the OS keyring.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension};

use crate::error::{Error, Result};
use crate::Database;

/// Where an account signs in and which API hosts it calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Identity authority, e.g. `https://login.microsoftonline.com`.
    pub authority: String,
    /// The partner's registered native app (client) id; `None` until set.
    pub client_id: Option<String>,
    /// Partner Center REST base.
    pub partner_center_base: String,
    /// Azure Resource Manager base.
    pub arm_base: String,
    /// Microsoft Graph base with its version (`https://graph.microsoft.com/v1.0`).
    pub graph_base: String,
    /// The Pricing API base with its version (`https://api.partner.microsoft.com/v1.0`).
    pub pricing_base: String,
    /// `Some(seed)`: the account is the sandbox, served by the embedded emulator.
    pub sandbox_seed: Option<u64>,
}

/// What the last successful sign-in or refresh told us about the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// User principal name.
    pub upn: String,
    /// The user's object id.
    pub user_oid: String,
    /// The tenant the token was issued by.
    pub tenant_id: String,
    /// Directory role template ids (`wids`).
    pub roles: Vec<String>,
    /// Whether the sign-in was MFA-backed.
    pub mfa: bool,
    /// When the user consented interactively.
    pub consented_at: DateTime<Utc>,
    /// The last successful use of the refresh token.
    pub last_refreshed_at: DateTime<Utc>,
    /// When Microsoft rejected the refresh token; `None` while it is good.
    pub rejected_at: Option<DateTime<Utc>>,
}

/// The account's sign-in settings.
pub fn settings(db: &Database, account_id: &str) -> Result<Settings> {
    db.conn()
        .query_row(
            "SELECT authority, client_id, partner_center_base, arm_base, sandbox_seed, graph_base, pricing_base FROM partner_accounts WHERE id = ?1",
            [account_id],
            |r| {
                Ok(Settings {
                    authority: r.get(0)?,
                    client_id: r.get(1)?,
                    partner_center_base: r.get(2)?,
                    arm_base: r.get(3)?,
                    sandbox_seed: r.get::<_, Option<i64>>(4)?.map(|s| s as u64),
                    graph_base: r.get(5)?,
                    pricing_base: r.get(6)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| not_found(account_id))
}

/// Replaces the account's sign-in settings (validated by the caller).
pub fn set_settings(db: &Database, account_id: &str, s: &Settings) -> Result<()> {
    let changed = db.conn().execute(
        "UPDATE partner_accounts SET authority = ?2, client_id = ?3, partner_center_base = ?4, arm_base = ?5, sandbox_seed = ?6, graph_base = ?7, pricing_base = ?8 WHERE id = ?1",
        params![account_id, s.authority, s.client_id, s.partner_center_base, s.arm_base, s.sandbox_seed.map(|v| v as i64), s.graph_base, s.pricing_base],
    )?;
    if changed == 0 {
        return Err(not_found(account_id));
    }
    Ok(())
}

/// The account's last sign-in, if it is signed in.
pub fn session(db: &Database, account_id: &str) -> Result<Option<Session>> {
    let row = db
        .conn()
        .query_row(
            "SELECT upn, user_oid, tenant_id, roles, mfa, consented_at, last_refreshed_at, rejected_at FROM account_sessions WHERE account_id = ?1",
            [account_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, bool>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, Option<String>>(7)?,
                ))
            },
        )
        .optional()?;
    let Some((upn, user_oid, tenant_id, roles, mfa, consented, refreshed, rejected)) = row else {
        return Ok(None);
    };
    Ok(Some(Session {
        upn,
        user_oid,
        tenant_id,
        roles: roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
        mfa,
        consented_at: parse_time(&consented, 5)?,
        last_refreshed_at: parse_time(&refreshed, 6)?,
        rejected_at: rejected.map(|t| parse_time(&t, 7)).transpose()?,
    }))
}

/// Records an interactive sign-in: replaces whatever was there, consent time included.
pub fn save_session(db: &Database, account_id: &str, s: &Session) -> Result<()> {
    db.conn().execute(
        "INSERT INTO account_sessions (account_id, upn, user_oid, tenant_id, roles, mfa, consented_at, last_refreshed_at, rejected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT(account_id) DO UPDATE SET upn = excluded.upn, user_oid = excluded.user_oid,
           tenant_id = excluded.tenant_id, roles = excluded.roles, mfa = excluded.mfa,
           consented_at = excluded.consented_at, last_refreshed_at = excluded.last_refreshed_at,
           rejected_at = excluded.rejected_at",
        params![
            account_id,
            s.upn,
            s.user_oid,
            s.tenant_id,
            s.roles.join(","),
            s.mfa,
            time_text(s.consented_at),
            time_text(s.last_refreshed_at),
            s.rejected_at.map(time_text)
        ],
    )?;
    Ok(())
}

/// Records a successful refresh: who and which roles may have changed; the consent time
/// stays that of the interactive sign-in, and the last use never moves backwards.
pub fn record_refresh(
    db: &Database,
    account_id: &str,
    upn: &str,
    roles: &[String],
    mfa: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    let changed = db.conn().execute(
        "UPDATE account_sessions SET upn = ?2, roles = ?3, mfa = ?4,
           last_refreshed_at = max(last_refreshed_at, ?5), rejected_at = NULL
         WHERE account_id = ?1",
        params![account_id, upn, roles.join(","), mfa, time_text(now)],
    )?;
    Ok(changed == 1)
}

/// Records that Microsoft rejected the stored refresh token at `now`.
pub fn mark_rejected(db: &Database, account_id: &str, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE account_sessions SET rejected_at = ?2 WHERE account_id = ?1",
        params![account_id, time_text(now)],
    )?;
    Ok(())
}

/// Forgets the account's sign-in (sign-out, or consent found lapsed).
pub fn clear_session(db: &Database, account_id: &str) -> Result<()> {
    db.conn().execute(
        "DELETE FROM account_sessions WHERE account_id = ?1",
        [account_id],
    )?;
    Ok(())
}

fn not_found(account_id: &str) -> Error {
    Error::NotFound {
        what: format!("Partner account {account_id:?}"),
    }
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn parse_time(text: &str, column: usize) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            Error::Sqlite(rusqlite::Error::FromSqlConversionFailure(
                column,
                rusqlite::types::Type::Text,
                Box::new(e),
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;
    use chrono::TimeZone;

    fn t(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 8, 0, 0).unwrap()
    }

    #[test]
    fn new_accounts_default_to_microsofts_endpoints_without_a_client_id() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("s.sqlite3")).unwrap();
        let a =
            accounts::add(&db, "Contoso", "0a1b2c3d-0000-4000-8000-000000000001", t(1)).unwrap();
        let s = settings(&db, &a.id).unwrap();
        assert_eq!(s.authority, "https://login.microsoftonline.com");
        assert_eq!(
            s.partner_center_base,
            "https://api.partnercenter.microsoft.com"
        );
        assert_eq!(s.arm_base, "https://management.azure.com");
        assert_eq!(s.graph_base, "https://graph.microsoft.com/v1.0");
        assert_eq!(s.pricing_base, "https://api.partner.microsoft.com/v1.0");
        assert_eq!(
            s.client_id, None,
            "each partner registers its own app; there is no default"
        );
        assert_eq!(s.sandbox_seed, None);
    }

    #[test]
    fn settings_and_sessions_round_trip_and_die_with_the_account() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("s.sqlite3")).unwrap();
        let a =
            accounts::add(&db, "Contoso", "0a1b2c3d-0000-4000-8000-000000000001", t(1)).unwrap();
        let s = Settings {
            authority: "http://127.0.0.1:1234".into(),
            client_id: Some("c3d9a1f2-4b6e-4d8a-9f1c-2e7b5a0d6c48".into()),
            partner_center_base: "http://127.0.0.1:1234".into(),
            arm_base: "http://127.0.0.1:1234".into(),
            graph_base: "http://127.0.0.1:1234/v1.0".into(),
            pricing_base: "http://127.0.0.1:1234/partner/v1.0".into(),
            sandbox_seed: Some(7),
        };
        set_settings(&db, &a.id, &s).unwrap();
        assert_eq!(settings(&db, &a.id).unwrap(), s);
        assert_eq!(session(&db, &a.id).unwrap(), None);
        let mut signed = Session {
            upn: "admin@contoso.onmicrosoft.com".into(),
            user_oid: "u1".into(),
            tenant_id: a.tenant_id.to_string(),
            roles: vec!["62e90394-69f5-4237-9190-012177145e10".into()],
            mfa: true,
            consented_at: t(2),
            last_refreshed_at: t(2),
            rejected_at: None,
        };
        save_session(&db, &a.id, &signed).unwrap();
        assert!(record_refresh(&db, &a.id, &signed.upn, &[], true, t(5)).unwrap());
        assert!(record_refresh(&db, &a.id, &signed.upn, &[], true, t(4)).unwrap());
        signed.last_refreshed_at = t(5);
        signed.roles = vec![];
        assert_eq!(
            session(&db, &a.id).unwrap(),
            Some(signed),
            "a refresh keeps the consent time and never moves last use back"
        );
        accounts::remove(&db, &a.id).unwrap();
        let left: i64 = db
            .conn()
            .query_row("SELECT count(*) FROM account_sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0, "a removed account leaves no session behind");
        assert!(matches!(settings(&db, &a.id), Err(Error::NotFound { .. })));
    }
}
