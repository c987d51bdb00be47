//! Changing organizations: creating one, adding and removing tenants, deleting one. Each
//! change is one transaction, and nothing is written unless every tenant in it is accepted
//! (a tenant belongs to at most one organization).

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, ErrorCode, OptionalExtension};

use super::lookup::{customer, find_id, read_one};
use super::{validate_name, CustomerKey, Organization};
use crate::error::{Error, Result};
use crate::Database;

/// Creates an organization named `name` holding `members`; `now` is its creation time.
/// Nothing is written unless the name and every member are accepted.
pub fn create(
    db: &Database,
    name: &str,
    members: &[CustomerKey],
    now: DateTime<Utc>,
) -> Result<Organization> {
    let name = validate_name(name)?;
    let id = uuid::Uuid::new_v4().to_string();
    let tx = db.conn().unchecked_transaction()?;
    let inserted = tx.execute(
        "INSERT INTO organizations (id, name, created_at) VALUES (?1, ?2, ?3)",
        params![id, name, now.to_rfc3339_opts(SecondsFormat::Millis, true)],
    );
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            let holder: String = tx.query_row(
                "SELECT name FROM organizations WHERE name = ?1",
                [&name],
                |r| r.get(0),
            )?;
            return Err(Error::Duplicate {
                field: "name",
                message: format!(
                    "An organization named {holder:?} already exists: choose another name, or add the tenants to it"
                ),
            });
        }
        Err(e) => return Err(e.into()),
    }
    insert_members(&tx, &id, &name, members)?;
    let org = read_one(&tx, &id)?;
    tx.commit()?;
    Ok(org)
}

/// Adds tenants to an organization found by name or id. A tenant already in it is left as
/// it is; a tenant in another organization is refused, naming that organization, and then
/// nothing is added.
pub fn add_members(
    db: &Database,
    organization: &str,
    members: &[CustomerKey],
) -> Result<Organization> {
    let tx = db.conn().unchecked_transaction()?;
    let id = find_id(&tx, organization)?;
    let name: String =
        tx.query_row("SELECT name FROM organizations WHERE id = ?1", [&id], |r| {
            r.get(0)
        })?;
    insert_members(&tx, &id, &name, members)?;
    let org = read_one(&tx, &id)?;
    tx.commit()?;
    Ok(org)
}

/// Removes tenants from an organization found by name or id. A tenant that is not in it is
/// refused and then nothing is removed.
pub fn remove_members(
    db: &Database,
    organization: &str,
    members: &[CustomerKey],
) -> Result<Organization> {
    let tx = db.conn().unchecked_transaction()?;
    let id = find_id(&tx, organization)?;
    let org = read_one(&tx, &id)?;
    for (i, key) in members.iter().enumerate() {
        let removed = tx.execute(
            "DELETE FROM organization_members WHERE organization_id = ?1 AND account_id = ?2 AND customer_id = ?3",
            params![id, key.account_id, key.customer_id],
        )?;
        // A tenant listed twice was removed the first time.
        if removed == 0 && !members[..i].contains(key) {
            let who = customer(&tx, key)?
                .map(|m| m.describe())
                .unwrap_or_else(|| format!("Customer {:?}", key.customer_id));
            return Err(Error::Invalid {
                field: "members",
                message: format!(
                    "{who} is not in organization {:?}: nothing was removed; check the tenant",
                    org.name
                ),
            });
        }
    }
    let org = read_one(&tx, &id)?;
    tx.commit()?;
    Ok(org)
}

/// Deletes an organization found by name or id, releasing its tenants (the customers stay);
/// returns it as it was.
pub fn delete(db: &Database, organization: &str) -> Result<Organization> {
    let tx = db.conn().unchecked_transaction()?;
    let id = find_id(&tx, organization)?;
    let org = read_one(&tx, &id)?;
    tx.execute("DELETE FROM organizations WHERE id = ?1", [&id])?;
    tx.commit()?;
    Ok(org)
}

/// Inserts `members` into organization `id` (named `name`, for messages).
fn insert_members(conn: &Connection, id: &str, name: &str, members: &[CustomerKey]) -> Result<()> {
    for key in members {
        let Some(member) = customer(conn, key)? else {
            return Err(Error::NotFound {
                what: format!(
                    "Customer {:?} of partner account {:?}",
                    key.customer_id, key.account_id
                ),
            });
        };
        let current: Option<(String, String)> = conn
            .query_row(
                "SELECT o.id, o.name FROM organization_members m JOIN organizations o ON o.id = m.organization_id
                 WHERE m.account_id = ?1 AND m.customer_id = ?2",
                params![key.account_id, key.customer_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match current {
            Some((other, _)) if other == id => {}
            Some((_, other_name)) => {
                return Err(Error::Invalid {
                    field: "members",
                    message: format!(
                        "{} already belongs to organization {other_name:?}; a tenant can be in only one organization: remove it from {other_name:?} first, then add it to {name:?}",
                        member.describe()
                    ),
                });
            }
            None => {
                conn.execute(
                    "INSERT INTO organization_members (organization_id, account_id, customer_id) VALUES (?1, ?2, ?3)",
                    params![id, key.account_id, key.customer_id],
                )?;
            }
        }
    }
    Ok(())
}
