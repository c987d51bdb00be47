//! Finding the customers a typed text names (an id, a domain or a company name), under every
//! partner account or one, with the organization each already belongs to.

use rusqlite::params;

use super::{CustomerMatch, MatchedBy, Member};
use crate::error::Result;
use crate::Database;

/// The customers whose customer id or tenant id, domain, or company name equals `typed`
/// (ignoring case and surrounding spaces), optionally only under one partner account; the
/// most precise matches first.
pub fn find_customers(
    db: &Database,
    typed: &str,
    account_id: Option<&str>,
) -> Result<Vec<CustomerMatch>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT c.account_id, a.name, c.id, c.company_name, c.domain,
                CASE WHEN c.id = ?1 COLLATE NOCASE OR c.tenant_id = ?1 COLLATE NOCASE THEN 0
                     WHEN c.domain = ?1 COLLATE NOCASE THEN 1
                     ELSE 2 END AS rank,
                o.name
         FROM customers c
         JOIN partner_accounts a ON a.id = c.account_id
         LEFT JOIN organization_members m ON m.account_id = c.account_id AND m.customer_id = c.id
         LEFT JOIN organizations o ON o.id = m.organization_id
         WHERE (c.id = ?1 COLLATE NOCASE OR c.tenant_id = ?1 COLLATE NOCASE
                OR c.domain = ?1 COLLATE NOCASE OR c.company_name = ?1 COLLATE NOCASE)
           AND (?2 IS NULL OR c.account_id = ?2)
         ORDER BY rank, a.name COLLATE NOCASE, c.company_name COLLATE NOCASE, c.id",
    )?;
    let rows = stmt.query_map(params![typed.trim(), account_id], |r| {
        Ok(CustomerMatch {
            member: Member {
                account_id: r.get(0)?,
                account_name: r.get(1)?,
                customer_id: r.get(2)?,
                company_name: r.get(3)?,
                domain: r.get(4)?,
            },
            matched_by: match r.get::<_, i64>(5)? {
                0 => MatchedBy::Id,
                1 => MatchedBy::Domain,
                _ => MatchedBy::CompanyName,
            },
            organization: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
