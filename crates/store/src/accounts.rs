//! Partner accounts: the partner tenants a user manages. An account is the root of
//! everything discovered later, so its name and tenant id are validated here, once,
//! for the app and the CLI alike.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, ErrorCode, OptionalExtension};

use crate::error::{Error, Result};
use crate::tenant_id::TenantId;
use crate::Database;

/// Longest display name accepted; longer names break table layouts and are never needed.
pub const MAX_NAME_CHARS: usize = 100;

/// A stored partner account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Random id; also keys the account's keyring entry.
    pub id: String,
    /// Display name, unique ignoring case.
    pub name: String,
    /// The partner's Entra tenant.
    pub tenant_id: TenantId,
    /// When the account was added.
    pub created_at: DateTime<Utc>,
}

/// Validates a display name, returning it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::Invalid {
            field: "name",
            message: "Account name is empty: type the name your team uses for this partner account"
                .into(),
        });
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid {
            field: "name",
            message: format!("Account name is longer than {MAX_NAME_CHARS} characters: shorten it"),
        });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::Invalid {
            field: "name",
            message: "Account name contains a control character (tab, newline...): remove it"
                .into(),
        });
    }
    Ok(trimmed.to_string())
}

/// Validates a partner tenant id as typed by a user.
pub fn validate_tenant_id(tenant_id: &str) -> Result<TenantId> {
    tenant_id
        .parse()
        .map_err(|e: crate::tenant_id::InvalidTenantId| Error::Invalid {
            field: "tenantId",
            message: format!("Account Id: {e}"),
        })
}

/// Adds an account after validating both fields; `now` is its creation time.
pub fn add(db: &Database, name: &str, tenant_id: &str, now: DateTime<Utc>) -> Result<Account> {
    let name = validate_name(name)?;
    let tenant_id = validate_tenant_id(tenant_id)?;
    let account = Account {
        id: uuid::Uuid::new_v4().to_string(),
        name,
        tenant_id,
        created_at: now,
    };
    let inserted = db.conn().execute(
        "INSERT INTO partner_accounts (id, name, tenant_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            account.id,
            account.name,
            account.tenant_id.to_string(),
            account
                .created_at
                .to_rfc3339_opts(SecondsFormat::Millis, true)
        ],
    );
    match inserted {
        Ok(_) => Ok(account),
        Err(rusqlite::Error::SqliteFailure(e, Some(msg)))
            if e.code == ErrorCode::ConstraintViolation =>
        {
            Err(duplicate(db, &account, &msg)?)
        }
        Err(e) => Err(e.into()),
    }
}

fn duplicate(db: &Database, account: &Account, constraint: &str) -> Result<Error> {
    if constraint.contains("partner_accounts.name") {
        return Ok(Error::Duplicate {
            field: "name",
            message: format!(
                "An account named {:?} already exists: choose another name",
                account.name
            ),
        });
    }
    let holder: Option<String> = db
        .conn()
        .query_row(
            "SELECT name FROM partner_accounts WHERE tenant_id = ?1",
            [account.tenant_id.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    Ok(Error::Duplicate {
        field: "tenantId",
        message: format!(
            "Partner tenant {} is already added as {:?}: use that account",
            account.tenant_id,
            holder.unwrap_or_default()
        ),
    })
}

/// All accounts, ordered by name (case-insensitive).
pub fn list(db: &Database) -> Result<Vec<Account>> {
    let mut stmt = db.conn().prepare(
        "SELECT id, name, tenant_id, created_at FROM partner_accounts ORDER BY name COLLATE NOCASE, id",
    )?;
    let rows = stmt.query_map([], read_row)?;
    rows.collect::<rusqlite::Result<Vec<_>>>()
        .map_err(Error::from)
}

/// Finds an account by its display name (case-insensitive) or its id.
pub fn find(db: &Database, name_or_id: &str) -> Result<Account> {
    db.conn()
        .query_row(
            "SELECT id, name, tenant_id, created_at FROM partner_accounts WHERE name = ?1 OR id = ?1 ORDER BY name = ?1 DESC LIMIT 1",
            [name_or_id.trim()],
            read_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: format!("Partner account {:?}", name_or_id.trim()),
        })
}

/// Finds an account by its id only (the UI's rows carry ids; names can collide with ids).
pub fn get(db: &Database, id: &str) -> Result<Account> {
    db.conn()
        .query_row(
            "SELECT id, name, tenant_id, created_at FROM partner_accounts WHERE id = ?1",
            [id],
            read_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: format!("Partner account {id:?}"),
        })
}

/// Removes an account, found by name or id; returns what was removed.
pub fn remove(db: &Database, name_or_id: &str) -> Result<Account> {
    let account = find(db, name_or_id)?;
    db.conn()
        .execute("DELETE FROM partner_accounts WHERE id = ?1", [&account.id])?;
    Ok(account)
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    let tenant: String = row.get(2)?;
    let created: String = row.get(3)?;
    Ok(Account {
        id: row.get(0)?,
        name: row.get(1)?,
        tenant_id: tenant.parse().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
        })?,
        created_at: DateTime::parse_from_rfc3339(&created)
            .map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    3,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?
            .with_timezone(&Utc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TENANT: &str = "0a1b2c3d-0000-4000-8000-000000000001";

    fn db() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("t.sqlite3")).unwrap();
        (dir, db)
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 9, 30, 0).unwrap()
    }

    #[test]
    fn add_list_remove_round_trip() {
        let (_d, db) = db();
        let a = add(&db, "  Contoso ", TENANT, now()).unwrap();
        assert_eq!(a.name, "Contoso", "names are stored trimmed");
        add(&db, "adatum", "0a1b2c3d-0000-4000-8000-000000000002", now()).unwrap();
        let names: Vec<_> = list(&db).unwrap().into_iter().map(|a| a.name).collect();
        assert_eq!(names, ["adatum", "Contoso"], "sorted by name ignoring case");
        assert_eq!(
            list(&db).unwrap()[1],
            a,
            "what is read back equals what was added"
        );
        assert_eq!(remove(&db, "CONTOSO").unwrap().id, a.id);
        assert_eq!(list(&db).unwrap().len(), 1);
        assert!(matches!(
            remove(&db, "Contoso"),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn invalid_input_names_the_field_and_writes_nothing() {
        let (_d, db) = db();
        let cases = [
            ("", TENANT, "name"),
            ("X", "not-a-guid", "tenantId"),
            ("Tab\tName", TENANT, "name"),
        ];
        for (name, tenant, field) in cases {
            match add(&db, name, tenant, now()) {
                Err(Error::Invalid { field: f, .. }) => {
                    assert_eq!(f, field, "for {name:?}/{tenant:?}")
                }
                other => panic!("expected Invalid for {name:?}/{tenant:?}, got {other:?}"),
            }
        }
        assert!(list(&db).unwrap().is_empty());
    }

    #[test]
    fn duplicates_are_rejected_per_field() {
        let (_d, db) = db();
        add(&db, "Contoso", TENANT, now()).unwrap();
        match add(
            &db,
            "contoso",
            "0a1b2c3d-0000-4000-8000-000000000009",
            now(),
        ) {
            Err(Error::Duplicate {
                field: "name",
                message,
            }) => assert!(message.contains("already exists")),
            other => panic!("expected a duplicate name, got {other:?}"),
        }
        match add(&db, "Other", &TENANT.to_uppercase(), now()) {
            Err(Error::Duplicate {
                field: "tenantId",
                message,
            }) => assert!(message.contains("\"Contoso\"")),
            other => panic!("expected a duplicate tenant, got {other:?}"),
        }
        assert_eq!(list(&db).unwrap().len(), 1);
    }

    #[test]
    fn accounts_persist_across_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.sqlite3");
        let a = add(&Database::open(&path).unwrap(), "Contoso", TENANT, now()).unwrap();
        let again = list(&Database::open(&path).unwrap()).unwrap();
        assert_eq!(again, vec![a]);
    }
}
