//! Azure Stack Hub usage as read from each Stack's admin ARM, per registration: the admin
//! endpoint the partner set, the Stack's user subscriptions with their tenants, and the usage
//! records. An import writes one window in one transaction that first clears the window, so
//! importing the same days again replaces them and never doubles a quantity.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use crate::azure_stack::RegistrationKey;
use crate::error::{Error, Result};
use crate::Database;

/// Where a registration's Stack answers its admin ARM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminEndpoint {
    /// Admin ARM base URL (`https://adminmanagement.{region}.{fqdn}`), no trailing slash.
    pub endpoint: String,
    /// The Stack's Default Provider Subscription.
    pub provider_subscription_id: String,
    /// When it was set (RFC 3339).
    pub set_at: String,
}

/// One user subscription of a Stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSubscription {
    /// Stack subscription id (lowercase).
    pub id: String,
    /// Its tenant (lowercase; empty when the Stack names none).
    pub tenant_id: String,
    /// Owner.
    pub owner: String,
    /// Display name.
    pub display_name: String,
    /// Offer id.
    pub offer_id: String,
    /// State.
    pub state: String,
}

/// One usage record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// Stack user subscription.
    pub user_subscription_id: String,
    /// Local Stack meter id (upper case).
    pub meter_id: String,
    /// Resource URI from `instanceData`.
    pub resource_uri: String,
    /// Period start.
    pub usage_start: DateTime<Utc>,
    /// Period end.
    pub usage_end: DateTime<Utc>,
    /// Exact quantity.
    pub quantity: Decimal,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn time(text: String) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn decimal(text: String) -> rusqlite::Result<Decimal> {
    text.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// The four columns that name a registration of an account, as query parameters ?1..?4.
fn registration_params<'a>(account_id: &'a str, key: &'a RegistrationKey) -> [&'a str; 4] {
    [
        account_id,
        &key.subscription_id,
        &key.resource_group,
        &key.name,
    ]
}

fn registration_exists(db: &Database, account_id: &str, key: &RegistrationKey) -> Result<()> {
    let found: Option<i64> = db
        .conn()
        .query_row(
            "SELECT 1 FROM stack_registrations
             WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND name = ?4",
            params![
                account_id,
                key.subscription_id,
                key.resource_group,
                key.name
            ],
            |r| r.get(0),
        )
        .optional()?;
    found.map(|_| ()).ok_or_else(|| Error::NotFound {
        what: format!(
            "Azure Stack registration {} in resource group {} of subscription {}",
            key.name, key.resource_group, key.subscription_id
        ),
    })
}

/// Sets (or replaces) a registration's admin endpoint; the registration must be kept.
pub fn set_admin_endpoint(
    db: &Database,
    account_id: &str,
    key: &RegistrationKey,
    endpoint: &str,
    provider_subscription_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    registration_exists(db, account_id, key)?;
    db.conn().execute(
        "INSERT INTO stack_admin_endpoints
           (account_id, subscription_id, resource_group, registration, endpoint, provider_subscription_id, set_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT DO UPDATE SET endpoint = excluded.endpoint,
           provider_subscription_id = excluded.provider_subscription_id, set_at = excluded.set_at",
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name,
            endpoint,
            provider_subscription_id,
            stamp(now)
        ],
    )?;
    Ok(())
}

/// Every admin endpoint set for an account, with its registration.
pub fn admin_endpoints(
    db: &Database,
    account_id: &str,
) -> Result<Vec<(RegistrationKey, AdminEndpoint)>> {
    let conn = db.conn();
    let mut stmt = conn.prepare(
        "SELECT subscription_id, resource_group, registration, endpoint, provider_subscription_id, set_at
         FROM stack_admin_endpoints WHERE account_id = ?1
         ORDER BY subscription_id, resource_group, registration",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((
            RegistrationKey {
                subscription_id: r.get(0)?,
                resource_group: r.get(1)?,
                name: r.get(2)?,
            },
            AdminEndpoint {
                endpoint: r.get(3)?,
                provider_subscription_id: r.get(4)?,
                set_at: r.get(5)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportCounts {
    /// Records the window held before (replaced).
    pub replaced: u64,
    /// Records written.
    pub written: u64,
}

/// Keeps one imported window of a registration's Stack, in one transaction: its user
/// subscriptions as just listed, and the usage records whose periods lie in
/// `[window_start, window_end)`, replacing whatever that window held.
#[allow(clippy::too_many_arguments)]
pub fn replace_window(
    db: &mut Database,
    account_id: &str,
    key: &RegistrationKey,
    window_start: DateTime<Utc>,
    window_end: DateTime<Utc>,
    subscriptions: &[UserSubscription],
    usage: &[UsageRow],
    now: DateTime<Utc>,
) -> Result<ImportCounts> {
    registration_exists(db, account_id, key)?;
    let reg = params![
        account_id,
        key.subscription_id,
        key.resource_group,
        key.name
    ];
    let tx = db.conn_mut().transaction()?;
    tx.execute(
        "DELETE FROM stack_user_subscriptions
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4",
        reg,
    )?;
    {
        let mut put = tx.prepare(
            "INSERT INTO stack_user_subscriptions
               (account_id, subscription_id, resource_group, registration, user_subscription_id,
                tenant_id, owner, display_name, offer_id, state, read_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT DO NOTHING",
        )?;
        for s in subscriptions {
            put.execute(params![
                account_id,
                key.subscription_id,
                key.resource_group,
                key.name,
                s.id,
                s.tenant_id,
                s.owner,
                s.display_name,
                s.offer_id,
                s.state,
                stamp(now)
            ])?;
        }
    }
    let replaced = tx.execute(
        "DELETE FROM stack_usage
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4
           AND usage_start >= ?5 AND usage_end <= ?6",
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name,
            stamp(window_start),
            stamp(window_end)
        ],
    )? as u64;
    let mut written = 0u64;
    {
        // A record reported twice within one answer keeps its last quantity, never a sum.
        let mut put = tx.prepare(
            "INSERT INTO stack_usage
               (account_id, subscription_id, resource_group, registration, user_subscription_id,
                meter_id, resource_uri, usage_start, usage_end, quantity, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT DO UPDATE SET usage_end = excluded.usage_end, quantity = excluded.quantity,
               imported_at = excluded.imported_at",
        )?;
        for u in usage {
            written += put.execute(params![
                account_id,
                key.subscription_id,
                key.resource_group,
                key.name,
                u.user_subscription_id,
                u.meter_id,
                u.resource_uri,
                stamp(u.usage_start),
                stamp(u.usage_end),
                u.quantity.to_string(),
                stamp(now)
            ])? as u64;
        }
    }
    tx.commit()?;
    Ok(ImportCounts { replaced, written })
}

/// A registration's user subscriptions as last imported.
pub fn user_subscriptions(
    db: &Database,
    account_id: &str,
    key: &RegistrationKey,
) -> Result<Vec<UserSubscription>> {
    let conn = db.conn();
    let mut stmt = conn.prepare(
        "SELECT user_subscription_id, tenant_id, owner, display_name, offer_id, state
         FROM stack_user_subscriptions
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4
         ORDER BY user_subscription_id",
    )?;
    let rows = stmt.query_map(
        rusqlite::params_from_iter(registration_params(account_id, key)),
        |r| {
            Ok(UserSubscription {
                id: r.get(0)?,
                tenant_id: r.get(1)?,
                owner: r.get(2)?,
                display_name: r.get(3)?,
                offer_id: r.get(4)?,
                state: r.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the newest usage record of `account_id` (any registration) starts, if any.
pub fn newest_usage_start(db: &Database, account_id: &str) -> Result<Option<DateTime<Utc>>> {
    let newest: Option<String> = db.conn().query_row(
        "SELECT max(usage_start) FROM stack_usage WHERE account_id = ?1",
        [account_id],
        |r| r.get(0),
    )?;
    Ok(newest.map(time).transpose()?)
}

/// A registration's usage records starting in `[from, to)`, in period order.
pub fn usage(
    db: &Database,
    account_id: &str,
    key: &RegistrationKey,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<UsageRow>> {
    let conn = db.conn();
    let mut stmt = conn.prepare(
        "SELECT user_subscription_id, meter_id, resource_uri, usage_start, usage_end, quantity
         FROM stack_usage
         WHERE account_id = ?1 AND subscription_id = ?2 AND resource_group = ?3 AND registration = ?4
           AND usage_start >= ?5 AND usage_start < ?6
         ORDER BY usage_start, user_subscription_id, meter_id, resource_uri",
    )?;
    let rows = stmt.query_map(
        params![
            account_id,
            key.subscription_id,
            key.resource_group,
            key.name,
            stamp(from),
            stamp(to)
        ],
        |r| {
            Ok(UsageRow {
                user_subscription_id: r.get(0)?,
                meter_id: r.get(1)?,
                resource_uri: r.get(2)?,
                usage_start: time(r.get(3)?)?,
                usage_end: time(r.get(4)?)?,
                quantity: decimal(r.get(5)?)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure_stack::{self, Registration};
    use chrono::TimeZone;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, 0, 0, 0).unwrap()
    }

    fn setup() -> (tempfile::TempDir, Database, String, RegistrationKey) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
        let account =
            crate::accounts::add(&db, "A", "11111111-1111-4111-8111-111111111111", day(1))
                .unwrap()
                .id;
        let sub = "22222222-2222-4222-8222-222222222222";
        azure_stack::add_subscription(&db, &account, sub, day(1)).unwrap();
        let key = RegistrationKey {
            subscription_id: sub.into(),
            resource_group: "azurestack".into(),
            name: "azurestack-x".into(),
        };
        let mut db = db;
        azure_stack::replace_registrations(
            &mut db,
            &account,
            sub,
            &[Registration {
                key: key.clone(),
                cloud_id: "c".into(),
                object_id: "o".into(),
                billing_model: "PayAsYouUse".into(),
                read_at: String::new(),
                customer_subscriptions: 0,
            }],
            day(1),
        )
        .unwrap();
        (dir, db, account, key)
    }

    fn row(d: u32, q: &str) -> UsageRow {
        UsageRow {
            user_subscription_id: "u1".into(),
            meter_id: "FAB6EB84-500B-4A09-A8CA-7358F8BBAEA5".into(),
            resource_uri: "/subscriptions/u1/vm".into(),
            usage_start: day(d),
            usage_end: day(d + 1),
            quantity: q.parse().unwrap(),
        }
    }

    #[test]
    fn importing_a_window_again_replaces_it_and_keeps_the_days_outside() {
        let (_dir, mut db, account, key) = setup();
        let sub = UserSubscription {
            id: "u1".into(),
            tenant_id: "t1".into(),
            owner: "o".into(),
            display_name: "d".into(),
            offer_id: "x".into(),
            state: "Enabled".into(),
        };
        let first = [row(1, "96"), row(2, "96"), row(3, "96")];
        let subs = std::slice::from_ref(&sub);
        let import = |db: &mut Database, at: u32| {
            replace_window(db, &account, &key, day(1), day(4), subs, &first, day(at)).unwrap()
        };
        import(&mut db, 10);
        let again = import(&mut db, 11);
        assert_eq!(
            again,
            ImportCounts {
                replaced: 3,
                written: 3
            },
            "the window is replaced whole"
        );
        let kept = usage(&db, &account, &key, day(1), day(31)).unwrap();
        assert_eq!(kept.len(), 3, "never doubled");
        // A narrower window replaces only its own days, with the Stack's corrected quantity.
        replace_window(
            &mut db,
            &account,
            &key,
            day(2),
            day(3),
            &[sub],
            &[row(2, "95.5")],
            day(12),
        )
        .unwrap();
        let kept = usage(&db, &account, &key, day(1), day(31)).unwrap();
        let total: Decimal = kept.iter().map(|r| r.quantity).sum();
        assert_eq!(total, "287.5".parse::<Decimal>().unwrap());
        assert_eq!(user_subscriptions(&db, &account, &key).unwrap().len(), 1);
    }

    #[test]
    fn endpoints_belong_to_kept_registrations() {
        let (_dir, db, account, key) = setup();
        set_admin_endpoint(
            &db,
            &account,
            &key,
            "https://adminmanagement.local.azurestack.external",
            "p",
            day(2),
        )
        .unwrap();
        set_admin_endpoint(
            &db,
            &account,
            &key,
            "https://adminmanagement.east.contoso.com",
            "p",
            day(3),
        )
        .unwrap();
        let all = admin_endpoints(&db, &account).unwrap();
        assert_eq!(all.len(), 1, "set again replaces");
        assert_eq!(
            all[0].1.endpoint,
            "https://adminmanagement.east.contoso.com"
        );
        let other = RegistrationKey {
            name: "azurestack-none".into(),
            ..key
        };
        assert!(matches!(
            set_admin_endpoint(&db, &account, &other, "https://x", "p", day(2)),
            Err(Error::NotFound { .. })
        ));
    }
}
