//! Azure Stack Hub registrations as last read from Azure, per partner account: the
//! subscriptions the partner named as holding registrations, each registration, and the
//! customer subscriptions added to it. Azure is the truth; these rows let the page open
//! offline, say when they were read, and name the customer behind each subscription.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::params;

use crate::error::Result;
use crate::Database;

/// Where a registration lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrationKey {
    /// The partner subscription holding it.
    pub subscription_id: String,
    /// Its resource group.
    pub resource_group: String,
    /// Its name.
    pub name: String,
}

/// A registration as last read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Where it lives.
    pub key: RegistrationKey,
    /// Azure Stack CloudID.
    pub cloud_id: String,
    /// Object id of the Stack's identity.
    pub object_id: String,
    /// `PayAsYouUse`, `Capacity`, `Development`.
    pub billing_model: String,
    /// When Azure last listed it (RFC 3339).
    pub read_at: String,
    /// Customer subscriptions added to it, as last read.
    pub customer_subscriptions: u32,
}

/// A customer subscription added to a registration, with the discovered customer it
/// belongs to when Discovery has seen it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackCustomerSubscription {
    /// The customer's Azure subscription id.
    pub subscription_id: String,
    /// The customer's directory tenant.
    pub tenant_id: String,
    /// When Azure last listed it (RFC 3339).
    pub read_at: String,
    /// The discovered customer's id, company name and the subscription's friendly name.
    pub customer: Option<(String, String, Option<String>)>,
}

/// A discovered customer's Azure subscription, offered when adding one to a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzureSubscriptionChoice {
    /// Customer id.
    pub customer_id: String,
    /// Company name.
    pub company_name: String,
    /// The customer's directory tenant.
    pub tenant_id: String,
    /// The Azure subscription id.
    pub subscription_id: String,
    /// Its friendly name.
    pub friendly_name: Option<String>,
}

fn stamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Names `subscription_id` (a lowercase GUID) as holding registrations; adding it twice is one.
pub fn add_subscription(
    db: &Database,
    account_id: &str,
    subscription_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    db.conn().execute(
        "INSERT INTO stack_subscriptions (account_id, subscription_id, added_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![account_id, subscription_id, stamp(now)],
    )?;
    Ok(())
}

/// Forgets a registration subscription and what was read under it; `false` if it was not named.
pub fn remove_subscription(db: &Database, account_id: &str, subscription_id: &str) -> Result<bool> {
    let n = db.conn().execute(
        "DELETE FROM stack_subscriptions WHERE account_id = ?1 AND subscription_id = ?2",
        params![account_id, subscription_id],
    )?;
    Ok(n > 0)
}

/// The subscriptions named for an account, in the order added.
pub fn subscriptions(db: &Database, account_id: &str) -> Result<Vec<String>> {
    let conn = db.conn();
    let mut stmt = conn.prepare(
        "SELECT subscription_id FROM stack_subscriptions WHERE account_id = ?1 ORDER BY added_at, subscription_id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces what is kept of `subscription_id`'s registrations with `read` (Azure's full list),
/// in one transaction: registrations Azure no longer lists go, with their customer subscriptions.
pub fn replace_registrations(
    db: &mut Database,
    account_id: &str,
    subscription_id: &str,
    read: &[Registration],
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = db.conn_mut().transaction()?;
    {
        let mut keep = tx.prepare(
            "INSERT INTO stack_registrations
               (account_id, subscription_id, resource_group, name, cloud_id, object_id, billing_model, read_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (account_id, subscription_id, resource_group, name) DO UPDATE SET
               cloud_id = excluded.cloud_id, object_id = excluded.object_id,
               billing_model = excluded.billing_model, read_at = excluded.read_at",
        )?;
        for r in read {
            keep.execute(params![
                account_id,
                subscription_id,
                r.key.resource_group,
                r.key.name,
                r.cloud_id,
                r.object_id,
                r.billing_model,
                stamp(now)
            ])?;
        }
        tx.execute(
            "DELETE FROM stack_registrations WHERE account_id = ?1 AND subscription_id = ?2 AND read_at <> ?3",
            params![account_id, subscription_id, stamp(now)],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Every registration kept for an account.
pub fn registrations(db: &Database, account_id: &str) -> Result<Vec<Registration>> {
    let conn = db.conn();
    let mut stmt = conn.prepare(
        "SELECT r.subscription_id, r.resource_group, r.name, r.cloud_id, r.object_id, r.billing_model, r.read_at,
                (SELECT count(*) FROM stack_customer_subscriptions c
                  WHERE c.account_id = r.account_id AND c.subscription_id = r.subscription_id
                    AND c.resource_group = r.resource_group AND c.registration = r.name)
         FROM stack_registrations r WHERE r.account_id = ?1
         ORDER BY r.subscription_id, r.resource_group, r.name",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok(Registration {
            key: RegistrationKey {
                subscription_id: r.get(0)?,
                resource_group: r.get(1)?,
                name: r.get(2)?,
            },
            cloud_id: r.get(3)?,
            object_id: r.get(4)?,
            billing_model: r.get(5)?,
            read_at: r.get(6)?,
            customer_subscriptions: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces the customer subscriptions kept for a registration with Azure's full list.
pub fn replace_customer_subscriptions(
    db: &mut Database,
    account_id: &str,
    key: &RegistrationKey,
    read: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = db.conn_mut().transaction()?;
    tx.execute(
        "DELETE FROM stack_customer_subscriptions
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4",
        params![account_id, key.subscription_id, key.resource_group, key.name],
    )?;
    {
        let mut put = tx.prepare(PUT_CUSTOMER_SUBSCRIPTION)?;
        for (subscription, tenant) in read {
            put.execute(params![
                account_id,
                key.subscription_id,
                key.resource_group,
                key.name,
                subscription,
                tenant,
                stamp(now)
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

const PUT_CUSTOMER_SUBSCRIPTION: &str = "INSERT INTO stack_customer_subscriptions
   (account_id, subscription_id, resource_group, registration, customer_subscription_id, tenant_id, read_at)
 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
 ON CONFLICT DO UPDATE SET tenant_id = excluded.tenant_id, read_at = excluded.read_at";

/// Keeps one customer subscription Azure just confirmed added. Azure keeps one subscription
/// per tenant and registration, so an earlier one of the same tenant goes.
pub fn put_customer_subscription(
    db: &mut Database,
    account_id: &str,
    key: &RegistrationKey,
    subscription_id: &str,
    tenant_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = db.conn_mut().transaction()?;
    tx.execute(
        "DELETE FROM stack_customer_subscriptions
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4
           AND lower(tenant_id) = lower(?5) AND customer_subscription_id <> ?6",
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name,
            tenant_id,
            subscription_id
        ],
    )?;
    tx.execute(
        PUT_CUSTOMER_SUBSCRIPTION,
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name,
            subscription_id,
            tenant_id,
            stamp(now)
        ],
    )?;
    tx.commit()?;
    Ok(())
}

/// Forgets one customer subscription Azure just removed.
pub fn remove_customer_subscription(
    db: &Database,
    account_id: &str,
    key: &RegistrationKey,
    subscription_id: &str,
) -> Result<()> {
    db.conn().execute(
        "DELETE FROM stack_customer_subscriptions
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4
           AND customer_subscription_id = ?5",
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name,
            subscription_id
        ],
    )?;
    Ok(())
}

/// The customer subscriptions kept for a registration, with their discovered customers.
pub fn customer_subscriptions(
    db: &Database,
    account_id: &str,
    key: &RegistrationKey,
) -> Result<Vec<StackCustomerSubscription>> {
    let conn = db.conn();
    // A customer's Azure subscription is an entitlement of its Azure plan subscription.
    let mut stmt = conn.prepare(
        "SELECT m.customer_subscription_id, m.tenant_id, m.read_at, c.id, c.company_name, e.friendly_name
         FROM stack_customer_subscriptions m
         LEFT JOIN azure_entitlements e ON e.account_id = m.account_id AND lower(e.id) = m.customer_subscription_id
         LEFT JOIN subscriptions s ON s.account_id = e.account_id AND s.id = e.subscription_id
         LEFT JOIN customers c ON c.account_id = s.account_id AND c.id = s.customer_id
         WHERE m.account_id = ?1 AND m.subscription_id = ?2 AND m.resource_group = ?3 AND m.registration = ?4
         GROUP BY m.customer_subscription_id
         ORDER BY m.customer_subscription_id",
    )?;
    let rows = stmt.query_map(
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name
        ],
        |r| {
            let customer: Option<String> = r.get(3)?;
            Ok(StackCustomerSubscription {
                subscription_id: r.get(0)?,
                tenant_id: r.get(1)?,
                read_at: r.get(2)?,
                customer: match customer {
                    Some(id) => Some((id, r.get(4)?, r.get(5)?)),
                    None => None,
                },
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Discovered customers' Azure subscriptions (Azure plan entitlements), by company name.
pub fn azure_subscription_choices(
    db: &Database,
    account_id: &str,
) -> Result<Vec<AzureSubscriptionChoice>> {
    let conn = db.conn();
    let mut stmt = conn.prepare(
        "SELECT c.id, c.company_name, COALESCE(c.tenant_id, c.id), lower(e.id), e.friendly_name
         FROM azure_entitlements e
         JOIN subscriptions s ON s.account_id = e.account_id AND s.id = e.subscription_id
         JOIN customers c ON c.account_id = s.account_id AND c.id = s.customer_id
         WHERE e.account_id = ?1
         ORDER BY c.company_name COLLATE NOCASE, e.friendly_name, e.id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok(AzureSubscriptionChoice {
            customer_id: r.get(0)?,
            company_name: r.get(1)?,
            tenant_id: r.get(2)?,
            subscription_id: r.get(3)?,
            friendly_name: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;

    fn key(name: &str) -> RegistrationKey {
        RegistrationKey {
            subscription_id: "11111111-1111-4111-8111-111111111111".into(),
            resource_group: "azurestack".into(),
            name: name.into(),
        }
    }

    fn reg(name: &str) -> Registration {
        Registration {
            key: key(name),
            cloud_id: format!("cloud-{name}"),
            object_id: "o".into(),
            billing_model: "PayAsYouUse".into(),
            read_at: String::new(),
            customer_subscriptions: 0,
        }
    }

    #[test]
    fn registrations_follow_azure_and_one_subscription_per_tenant_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let account = accounts::add(
            &db,
            "Contoso",
            "0a1b2c3d-0000-4000-8000-000000000001",
            Utc::now(),
        )
        .unwrap();
        let sub = "11111111-1111-4111-8111-111111111111";
        let t0 = Utc::now();
        add_subscription(&db, &account.id, sub, t0).unwrap();
        add_subscription(&db, &account.id, sub, t0).unwrap();
        assert_eq!(subscriptions(&db, &account.id).unwrap(), vec![sub]);

        replace_registrations(&mut db, &account.id, sub, &[reg("a"), reg("b")], t0).unwrap();
        let c1 = "22222222-2222-4222-8222-222222222222";
        let c2 = "33333333-3333-4333-8333-333333333333";
        put_customer_subscription(&mut db, &account.id, &key("a"), c1, "tenant-x", t0).unwrap();
        // Same tenant again: Azure overwrites the tenant's mapping, so the first one goes.
        put_customer_subscription(&mut db, &account.id, &key("a"), c2, "TENANT-X", t0).unwrap();
        let kept = customer_subscriptions(&db, &account.id, &key("a")).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].subscription_id, c2);
        assert_eq!(kept[0].customer, None, "not discovered: no customer named");

        // Azure no longer lists "a": it and its customer subscriptions go.
        let t1 = t0 + chrono::Duration::seconds(5);
        replace_registrations(&mut db, &account.id, sub, &[reg("b")], t1).unwrap();
        let regs = registrations(&db, &account.id).unwrap();
        assert_eq!(regs.len(), 1);
        assert_eq!(regs[0].key.name, "b");
        assert!(customer_subscriptions(&db, &account.id, &key("a"))
            .unwrap()
            .is_empty());

        assert!(remove_subscription(&db, &account.id, sub).unwrap());
        assert!(registrations(&db, &account.id).unwrap().is_empty());
        assert!(!remove_subscription(&db, &account.id, sub).unwrap());
    }
}
