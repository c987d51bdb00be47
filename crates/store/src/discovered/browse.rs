//! Reading discovered customers and subscriptions for the Customers and Subscriptions
//! pages: whole lists in one query each (10,000 customers are a few megabytes), joined with
//! account names, subscription counts and organizations.

use rusqlite::{params, OptionalExtension};

use crate::error::Result;
use crate::Database;

/// A customer row of the Customers page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerListRow {
    /// Account id.
    pub account_id: String,
    /// Account name.
    pub account_name: String,
    /// Customer id.
    pub id: String,
    /// Company name.
    pub company_name: String,
    /// Domain.
    pub domain: String,
    /// Tenant id.
    pub tenant_id: Option<String>,
    /// Relationship as sent.
    pub relationship: Option<String>,
    /// Partner Center serves it.
    pub reachable: bool,
    /// Number of subscriptions.
    pub subscription_count: u32,
    /// Organization id.
    pub organization_id: Option<String>,
    /// Organization name.
    pub organization_name: Option<String>,
}

/// Every customer of every account, by company name.
pub fn customers(db: &Database) -> Result<Vec<CustomerListRow>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT c.account_id, a.name, c.id, c.company_name, c.domain, c.tenant_id, c.relationship, c.reachable,
                (SELECT count(*) FROM subscriptions s WHERE s.account_id = c.account_id AND s.customer_id = c.id),
                o.id, o.name
         FROM customers c
         JOIN partner_accounts a ON a.id = c.account_id
         LEFT JOIN organization_members m ON m.account_id = c.account_id AND m.customer_id = c.id
         LEFT JOIN organizations o ON o.id = m.organization_id
         ORDER BY c.company_name COLLATE NOCASE, c.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(CustomerListRow {
            account_id: r.get(0)?,
            account_name: r.get(1)?,
            id: r.get(2)?,
            company_name: r.get(3)?,
            domain: r.get(4)?,
            tenant_id: r.get(5)?,
            relationship: r.get(6)?,
            reachable: r.get(7)?,
            subscription_count: r.get(8)?,
            organization_id: r.get(9)?,
            organization_name: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One customer's company name, if it is known.
pub fn customer_name(db: &Database, account_id: &str, customer_id: &str) -> Result<Option<String>> {
    Ok(db
        .conn()
        .prepare_cached("SELECT company_name FROM customers WHERE account_id = ?1 AND id = ?2")?
        .query_row(params![account_id, customer_id], |r| r.get(0))
        .optional()?)
}

/// The organization a customer belongs to, if any.
pub fn customer_organization(
    db: &Database,
    account_id: &str,
    customer_id: &str,
) -> Result<Option<String>> {
    Ok(db
        .conn()
        .prepare_cached(
            "SELECT organization_id FROM organization_members WHERE account_id = ?1 AND customer_id = ?2",
        )?
        .query_row(params![account_id, customer_id], |r| r.get(0))
        .optional()?)
}

/// An Azure entitlement of an Azure plan subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitlementRow {
    /// Azure subscription id.
    pub id: String,
    /// Name.
    pub friendly_name: Option<String>,
    /// Status.
    pub status: Option<String>,
}

/// A subscription row of the Subscriptions page.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // the columns of `subscriptions`, documented in 0004_discovery.sql
pub struct SubscriptionListRow {
    pub account_id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub id: String,
    pub kind: String,
    pub offer_id: String,
    pub offer_name: Option<String>,
    pub friendly_name: Option<String>,
    pub status: String,
    pub quantity: Option<String>,
    pub unit_type: Option<String>,
    pub billing_cycle: Option<String>,
    pub billing_type: Option<String>,
    pub creation_date: Option<String>,
    pub commitment_end_date: Option<String>,
    pub term_duration: Option<String>,
    pub entitlements: Vec<EntitlementRow>,
}

/// Subscriptions of every customer, or of one (`(account_id, customer_id)`).
pub fn subscriptions(
    db: &Database,
    customer: Option<(&str, &str)>,
) -> Result<Vec<SubscriptionListRow>> {
    let (account, cust) = customer.unzip();
    let mut stmt = db.conn().prepare_cached(
        "SELECT s.account_id, s.customer_id, c.company_name, s.id, s.kind, s.offer_id, s.offer_name,
                s.friendly_name, s.status, s.quantity, s.unit_type, s.billing_cycle, s.billing_type,
                s.creation_date, s.commitment_end_date, s.term_duration
         FROM subscriptions s JOIN customers c ON c.account_id = s.account_id AND c.id = s.customer_id
         WHERE (?1 IS NULL OR (s.account_id = ?1 AND s.customer_id = ?2))
         ORDER BY c.company_name COLLATE NOCASE, s.offer_name, s.id",
    )?;
    let rows = stmt.query_map(params![account, cust], |r| {
        Ok(SubscriptionListRow {
            account_id: r.get(0)?,
            customer_id: r.get(1)?,
            customer_name: r.get(2)?,
            id: r.get(3)?,
            kind: r.get(4)?,
            offer_id: r.get(5)?,
            offer_name: r.get(6)?,
            friendly_name: r.get(7)?,
            status: r.get(8)?,
            quantity: r.get(9)?,
            unit_type: r.get(10)?,
            billing_cycle: r.get(11)?,
            billing_type: r.get(12)?,
            creation_date: r.get(13)?,
            commitment_end_date: r.get(14)?,
            term_duration: r.get(15)?,
            entitlements: Vec::new(),
        })
    })?;
    let mut out: Vec<SubscriptionListRow> = rows.collect::<rusqlite::Result<_>>()?;
    let mut ent = db.conn().prepare_cached(
        "SELECT account_id, subscription_id, id, friendly_name, status FROM azure_entitlements
         WHERE (?1 IS NULL OR account_id = ?1) ORDER BY subscription_id, id",
    )?;
    let mut by_sub: std::collections::HashMap<(String, String), Vec<EntitlementRow>> =
        std::collections::HashMap::new();
    for row in ent.query_map(params![account], |r| {
        Ok((
            (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
            EntitlementRow {
                id: r.get(2)?,
                friendly_name: r.get(3)?,
                status: r.get(4)?,
            },
        ))
    })? {
        let (key, e) = row?;
        by_sub.entry(key).or_default().push(e);
    }
    for s in &mut out {
        if let Some(list) = by_sub.remove(&(s.account_id.clone(), s.id.clone())) {
            s.entitlements = list;
        }
    }
    Ok(out)
}
