//! Billing sources: where a partner account's Cost Management exports are delivered (a
//! storage container), at which scope they were defined, and until when the SAS that opens
//! the container is valid. Only the container's address is stored, never the SAS query: the
//! SAS lives in the OS keyring under the source's random id.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, ErrorCode, OptionalExtension};

use crate::error::{Error, Result};
use crate::Database;

use super::bad_text;

/// Longest source name accepted.
pub const MAX_NAME_CHARS: usize = 100;

/// The scope an export was defined at (reference §10.1, MPA partners).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `billingAccounts/{id}`: every customer of the partner's MCA billing account.
    BillingAccount(Option<String>),
    /// `billingAccounts/{a}/billingProfiles/{id}`.
    BillingProfile(Option<String>),
    /// `billingAccounts/{a}/customers/{tenant}`: one customer (lower-case tenant id).
    Customer(String),
}

impl Scope {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Scope::BillingAccount(_) => "billingAccount",
            Scope::BillingProfile(_) => "billingProfile",
            Scope::Customer(_) => "customer",
        }
    }

    /// The id, when known.
    pub fn id(&self) -> Option<&str> {
        match self {
            Scope::BillingAccount(id) | Scope::BillingProfile(id) => id.as_deref(),
            Scope::Customer(id) => Some(id),
        }
    }

    fn from_stored(kind: &str, id: Option<String>) -> Option<Scope> {
        match (kind, id) {
            ("billingAccount", id) => Some(Scope::BillingAccount(id)),
            ("billingProfile", id) => Some(Scope::BillingProfile(id)),
            ("customer", Some(id)) => Some(Scope::Customer(id)),
            _ => None,
        }
    }
}

/// A stored source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Random id; keys the keyring entry holding the SAS.
    pub id: String,
    /// The partner account.
    pub account_id: String,
    /// Name, unique per account ignoring case.
    pub name: String,
    /// Where the exports were defined.
    pub scope: Scope,
    /// The container's address without any query (`https://acct.blob.core.windows.net/c`).
    pub container_url: String,
    /// Only runs under this folder are read (`''`: the whole container).
    pub root_folder: String,
    /// When the SAS stops working (its `se=`).
    pub sas_expires_at: DateTime<Utc>,
    /// When the source was added.
    pub created_at: DateTime<Utc>,
}

/// What [`add`] stores.
#[derive(Debug, Clone)]
pub struct NewSource<'a> {
    /// The partner account (id).
    pub account_id: &'a str,
    /// Name as typed.
    pub name: &'a str,
    /// Scope.
    pub scope: Scope,
    /// The container's address without the SAS query.
    pub container_url: &'a str,
    /// Folder prefix inside the container.
    pub root_folder: &'a str,
    /// The SAS's expiry.
    pub sas_expires_at: DateTime<Utc>,
}

/// Validates a source name, returning it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    let problem = if trimmed.is_empty() {
        Some("Source name is empty: name the export destination (e.g. \"MCA exports\")".to_string())
    } else if trimmed.chars().count() > MAX_NAME_CHARS {
        Some(format!(
            "Source name is longer than {MAX_NAME_CHARS} characters: shorten it"
        ))
    } else if trimmed.chars().any(char::is_control) {
        Some("Source name contains a control character (tab, newline...): remove it".into())
    } else {
        None
    };
    match problem {
        Some(message) => Err(Error::Invalid {
            field: "name",
            message,
        }),
        None => Ok(trimmed.to_string()),
    }
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Adds a source after checking its name and that the account does not already read the
/// same container folder (which would count every cost twice); `now` is its creation time.
pub fn add(db: &Database, new: &NewSource<'_>, now: DateTime<Utc>) -> Result<Source> {
    let name = validate_name(new.name)?;
    if new.container_url.contains('?') {
        // A guard for callers: the SAS query must never reach the database.
        return Err(Error::Invalid {
            field: "sasUrl",
            message: "the container address to store still has a query (the SAS): store it without"
                .into(),
        });
    }
    let root_folder = new.root_folder.trim_matches('/').to_string();
    let tx = db.conn().unchecked_transaction()?;
    let same_place: Option<String> = tx
        .query_row(
            "SELECT name FROM cost_sources WHERE account_id = ?1 AND container_url = ?2 AND root_folder = ?3",
            params![new.account_id, new.container_url, root_folder],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = same_place {
        return Err(Error::Duplicate {
            field: "sasUrl",
            message: format!(
                "source {other:?} already reads this container folder: importing it twice would count every cost twice; renew that source's SAS instead"
            ),
        });
    }
    let source = Source {
        id: uuid::Uuid::new_v4().to_string(),
        account_id: new.account_id.to_string(),
        name,
        scope: new.scope.clone(),
        container_url: new.container_url.to_string(),
        root_folder,
        sas_expires_at: new.sas_expires_at,
        created_at: now,
    };
    let inserted = tx.execute(
        "INSERT INTO cost_sources (id, account_id, name, scope_kind, scope_id, container_url, root_folder, sas_expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            source.id,
            source.account_id,
            source.name,
            source.scope.kind(),
            source.scope.id(),
            source.container_url,
            source.root_folder,
            time_text(source.sas_expires_at),
            time_text(source.created_at),
        ],
    );
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            return Err(Error::Duplicate {
                field: "name",
                message: format!(
                    "this account already has a source named {:?}: choose another name",
                    source.name
                ),
            });
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit()?;
    Ok(source)
}

const COLUMNS: &str = "id, account_id, name, scope_kind, scope_id, container_url, root_folder, sas_expires_at, created_at";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Source> {
    let kind: String = r.get(3)?;
    let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
        let text: String = r.get(i)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| bad_text(i, &text))
    };
    Ok(Source {
        id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get(2)?,
        scope: Scope::from_stored(&kind, r.get(4)?).ok_or_else(|| bad_text(3, &kind))?,
        container_url: r.get(5)?,
        root_folder: r.get(6)?,
        sas_expires_at: time(7)?,
        created_at: time(8)?,
    })
}

/// The sources of one account (or of every account), by account and name.
pub fn list(db: &Database, account_id: Option<&str>) -> Result<Vec<Source>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM cost_sources WHERE ?1 IS NULL OR account_id = ?1
         ORDER BY account_id, name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([account_id], read_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The account's source with this name (ignoring case) or id.
pub fn find(db: &Database, account_id: &str, name_or_id: &str) -> Result<Source> {
    db.conn()
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM cost_sources WHERE account_id = ?1 AND (name = ?2 COLLATE NOCASE OR id = ?2)"
            ),
            params![account_id, name_or_id.trim()],
            read_row,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: format!("Cost export source {:?}", name_or_id.trim()),
        })
}

/// Records a renewed SAS's expiry (the SAS itself goes to the keyring).
pub fn set_sas_expiry(db: &Database, id: &str, expires_at: DateTime<Utc>) -> Result<()> {
    let changed = db.conn().execute(
        "UPDATE cost_sources SET sas_expires_at = ?2 WHERE id = ?1",
        params![id, time_text(expires_at)],
    )?;
    if changed == 0 {
        return Err(Error::NotFound {
            what: format!("Cost export source {id:?}"),
        });
    }
    Ok(())
}

/// Removes a source with its imported runs and rows.
pub fn remove(db: &Database, id: &str) -> Result<()> {
    db.conn()
        .execute("DELETE FROM cost_sources WHERE id = ?1", [id])?;
    Ok(())
}
