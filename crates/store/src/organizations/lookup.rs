//! Reading organizations back: all of them, one by name or id, each with its member
//! tenants, and one customer as a (candidate) member.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{CustomerKey, Member, Organization};
use crate::error::{Error, Result};
use crate::Database;

/// All organizations by name (ignoring case), each with its members by company name.
pub fn list(db: &Database) -> Result<Vec<Organization>> {
    read(db.conn(), None)
}

/// Finds an organization by its id or its name (ignoring case and surrounding spaces).
pub fn find(db: &Database, name_or_id: &str) -> Result<Organization> {
    let id = find_id(db.conn(), name_or_id)?;
    read_one(db.conn(), &id)
}

/// One customer with its account name, if it exists.
pub(super) fn customer(conn: &Connection, key: &CustomerKey) -> Result<Option<Member>> {
    Ok(conn
        .query_row(
            "SELECT c.account_id, a.name, c.id, c.company_name, c.domain
             FROM customers c JOIN partner_accounts a ON a.id = c.account_id
             WHERE c.account_id = ?1 AND c.id = ?2",
            params![key.account_id, key.customer_id],
            read_member,
        )
        .optional()?)
}

/// The id of the organization named `name_or_id` (ignoring case) or with that id; a name
/// wins over an id, as for accounts.
pub(super) fn find_id(conn: &Connection, name_or_id: &str) -> Result<String> {
    conn.query_row(
        "SELECT id FROM organizations WHERE name = ?1 OR id = ?1 ORDER BY name = ?1 DESC LIMIT 1",
        [name_or_id.trim()],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: format!("Organization {:?}", name_or_id.trim()),
    })
}

pub(super) fn read_one(conn: &Connection, id: &str) -> Result<Organization> {
    read(conn, Some(id))?.pop().ok_or_else(|| Error::NotFound {
        what: format!("Organization {id:?}"),
    })
}

/// Organizations (all, or the one with `id`) with their members, in two queries.
fn read(conn: &Connection, id: Option<&str>) -> Result<Vec<Organization>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, created_at FROM organizations WHERE (?1 IS NULL OR id = ?1)
         ORDER BY name COLLATE NOCASE, id",
    )?;
    let mut orgs = stmt
        .query_map([id], |r| {
            let created: String = r.get(2)?;
            Ok(Organization {
                id: r.get(0)?,
                name: r.get(1)?,
                created_at: DateTime::parse_from_rfc3339(&created)
                    .map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            2,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?
                    .with_timezone(&Utc),
                members: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT m.organization_id, c.account_id, a.name, c.id, c.company_name, c.domain
         FROM organization_members m
         JOIN customers c ON c.account_id = m.account_id AND c.id = m.customer_id
         JOIN partner_accounts a ON a.id = c.account_id
         WHERE (?1 IS NULL OR m.organization_id = ?1)
         ORDER BY c.company_name COLLATE NOCASE, a.name COLLATE NOCASE, c.id",
    )?;
    let mut by_org: std::collections::HashMap<String, Vec<Member>> =
        std::collections::HashMap::new();
    for row in stmt.query_map([id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Member {
                account_id: r.get(1)?,
                account_name: r.get(2)?,
                customer_id: r.get(3)?,
                company_name: r.get(4)?,
                domain: r.get(5)?,
            },
        ))
    })? {
        let (org, member) = row?;
        by_org.entry(org).or_default().push(member);
    }
    for org in &mut orgs {
        org.members = by_org.remove(&org.id).unwrap_or_default();
    }
    Ok(orgs)
}

fn read_member(r: &rusqlite::Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        account_id: r.get(0)?,
        account_name: r.get(1)?,
        customer_id: r.get(2)?,
        company_name: r.get(3)?,
        domain: r.get(4)?,
    })
}
