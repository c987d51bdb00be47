//! Customer markups as stored: append-only changes, each setting one term (a percentage, a
//! percentage for one meter category, a fixed monthly fee) from a day, for a customer tenant
//! or an organization. Nothing is ever updated in place, so the history is complete; a second
//! change of the same term on the same day replaces the first (a correction).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Row};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::Database;

/// Who a markup is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One customer tenant of one partner account.
    Customer {
        /// Partner account.
        account_id: String,
        /// Customer id.
        customer_id: String,
    },
    /// An organization (its tenants without a markup of their own).
    Organization {
        /// Organization id.
        id: String,
    },
}

/// What a change sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// Percentage for every category without an override (negative = discount).
    Percent(Decimal),
    /// The same, applied to the list price instead of the cost ("list + x %"); stored as a
    /// `percent` change with basis `list`, so it replaces a cost percentage of the same day.
    ListPercent(Decimal),
    /// Percentage for one meter category; `None` removes the override.
    CategoryPercent {
        /// Meter category as Microsoft names it.
        category: String,
        /// The percentage.
        percent: Option<Decimal>,
    },
    /// Fixed fee per billing period in the billing currency (0 ends it).
    MonthlyFee(Decimal),
}

/// One stored change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Row id.
    pub id: i64,
    /// For whom.
    pub scope: Scope,
    /// What.
    pub term: Term,
    /// From which day.
    pub effective_from: NaiveDate,
    /// When it was entered.
    pub created_at: DateTime<Utc>,
}

fn invalid(message: String) -> Error {
    Error::Invalid {
        field: "markup",
        message,
    }
}

/// Checks a term as typed: a percentage of at least -100 (a 100% discount), a fee of at
/// least 0, a named category.
pub fn validate(term: &Term) -> Result<()> {
    let pct = |p: Decimal| {
        if p < Decimal::from(-100) {
            Err(invalid(format!(
                "A markup of {p}% would sell below zero: use -100 or more (negative is a discount)"
            )))
        } else if p > Decimal::from(10_000) {
            Err(invalid(format!(
                "A markup of {p}% is not plausible: use at most 10000"
            )))
        } else {
            Ok(())
        }
    };
    match term {
        Term::Percent(p) | Term::ListPercent(p) => pct(*p),
        Term::CategoryPercent { category, percent } => {
            if category.trim().is_empty() {
                return Err(invalid(
                    "Name the meter category the percentage is for (e.g. Virtual Machines)".into(),
                ));
            }
            percent.map_or(Ok(()), pct)
        }
        Term::MonthlyFee(fee) if fee.is_sign_negative() && !fee.is_zero() => Err(invalid(format!(
            "A monthly fee of {fee} is negative: use a discount percentage instead"
        ))),
        Term::MonthlyFee(_) => Ok(()),
    }
}

fn scope_columns(scope: &Scope) -> (Option<&str>, Option<&str>, Option<&str>) {
    match scope {
        Scope::Customer {
            account_id,
            customer_id,
        } => (Some(account_id), Some(customer_id), None),
        Scope::Organization { id } => (None, None, Some(id)),
    }
}

type TermColumns<'a> = (
    &'static str,
    Option<&'a str>,
    Option<String>,
    Option<String>,
);

fn basis_of(term: &Term) -> &'static str {
    match term {
        Term::ListPercent(_) => "list",
        _ => "cost",
    }
}

fn term_columns(term: &Term) -> TermColumns<'_> {
    match term {
        Term::Percent(p) | Term::ListPercent(p) => ("percent", None, Some(p.to_string()), None),
        Term::CategoryPercent { category, percent } => (
            "categoryPercent",
            Some(category.as_str()),
            percent.map(|p| p.to_string()),
            None,
        ),
        Term::MonthlyFee(f) => ("monthlyFee", None, None, Some(f.to_string())),
    }
}

fn decimal(text: Option<String>) -> rusqlite::Result<Option<Decimal>> {
    text.map(|t| {
        t.parse::<Decimal>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

fn change(r: &Row<'_>) -> rusqlite::Result<Change> {
    let account: Option<String> = r.get(1)?;
    let customer: Option<String> = r.get(2)?;
    let org: Option<String> = r.get(3)?;
    let scope = match (account, customer, org) {
        (Some(account_id), Some(customer_id), _) => Scope::Customer {
            account_id,
            customer_id,
        },
        (_, _, Some(id)) => Scope::Organization { id },
        _ => Scope::Organization { id: String::new() },
    };
    let kind: String = r.get(4)?;
    let term = match kind.as_str() {
        "percent" if r.get::<_, String>(10)? == "list" => {
            Term::ListPercent(decimal(r.get(6)?)?.unwrap_or_default())
        }
        "percent" => Term::Percent(decimal(r.get(6)?)?.unwrap_or_default()),
        "categoryPercent" => Term::CategoryPercent {
            category: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
            percent: decimal(r.get(6)?)?,
        },
        _ => Term::MonthlyFee(decimal(r.get(7)?)?.unwrap_or_default()),
    };
    let from: String = r.get(8)?;
    let created: String = r.get(9)?;
    Ok(Change {
        id: r.get(0)?,
        scope,
        term,
        effective_from: NaiveDate::parse_from_str(&from, "%Y-%m-%d").unwrap_or_default(),
        created_at: DateTime::parse_from_rfc3339(&created)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default(),
    })
}

const COLUMNS: &str = "id, account_id, customer_id, organization_id, term, category, percent, fee, effective_from, created_at, basis";

/// Records `terms` for `scope` from `effective_from`, in one transaction.
pub fn add(
    db: &mut Database,
    scope: &Scope,
    terms: &[Term],
    effective_from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Change>> {
    if terms.is_empty() {
        return Err(invalid(
            "Nothing to change: give a percentage, a category percentage or a monthly fee".into(),
        ));
    }
    for t in terms {
        validate(t)?;
    }
    let (account, customer, org) = scope_columns(scope);
    let tx = db.conn_mut().transaction()?;
    let mut ids = Vec::new();
    for t in terms {
        let (kind, category, percent, fee) = term_columns(t);
        tx.execute(
            "DELETE FROM markup_changes WHERE account_id IS ?1 AND customer_id IS ?2 AND organization_id IS ?3
               AND term = ?4 AND category IS ?5 AND effective_from = ?6",
            params![account, customer, org, kind, category, effective_from.to_string()],
        )?;
        tx.execute(
            "INSERT INTO markup_changes (account_id, customer_id, organization_id, term, category, percent, fee,
                effective_from, created_at, basis) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                account,
                customer,
                org,
                kind,
                category,
                percent,
                fee,
                effective_from.to_string(),
                now.to_rfc3339_opts(SecondsFormat::Secs, true),
                basis_of(t)
            ],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Error::NotFound {
                    what: "the customer or organization of this markup".into(),
                }
            }
            other => other.into(),
        })?;
        ids.push(tx.last_insert_rowid());
    }
    tx.commit()?;
    let mut out = Vec::new();
    for id in ids {
        out.push(get(db, id)?);
    }
    Ok(out)
}

/// One change.
pub fn get(db: &Database, id: i64) -> Result<Change> {
    db.conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM markup_changes WHERE id = ?1"),
            params![id],
            change,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: format!("markup change {id}"),
        })
}

/// Every change of `scope`, oldest first (by day, then by entry).
pub fn history(db: &Database, scope: &Scope) -> Result<Vec<Change>> {
    let (account, customer, org) = scope_columns(scope);
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM markup_changes WHERE account_id IS ?1 AND customer_id IS ?2 AND organization_id IS ?3
         ORDER BY effective_from, id"
    ))?;
    let rows = stmt.query_map(params![account, customer, org], change)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every change of every scope, grouped by scope in the order first entered.
pub fn all(db: &Database) -> Result<Vec<Change>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM markup_changes ORDER BY organization_id, account_id, customer_id, effective_from, id"
    ))?;
    let rows = stmt.query_map([], change)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A value that changes whenever any markup does: changes are only added, and a same-day
/// correction or a removed organization deletes some, so the count and the newest id
/// together move with every write. Views of marked-up amounts kept in memory compare it.
pub fn version(db: &Database) -> Result<(i64, i64)> {
    Ok(db.conn().query_row(
        "SELECT count(*), coalesce(max(id), 0) FROM markup_changes",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// The currencies Microsoft bills the scope's customers in (an organization: its members'),
/// from their invoices' lines and their newest daily usage (one row each, through the index:
/// a customer's usage is all in one currency), in order. A monthly fee is charged in the
/// billing currency, so with exactly one it is the fee's.
pub fn billing_currencies(db: &Database, scope: &Scope) -> Result<Vec<String>> {
    let (account, customer, organization) = match scope {
        Scope::Customer {
            account_id,
            customer_id,
        } => (Some(account_id.as_str()), Some(customer_id.as_str()), None),
        Scope::Organization { id } => (None, None, Some(id.as_str())),
    };
    let mut stmt = db.conn().prepare_cached(
        "WITH who(account_id, customer_id) AS (
             SELECT ?1, ?2 WHERE ?3 IS NULL
             UNION SELECT account_id, customer_id FROM organization_members
                   WHERE organization_id = ?3)
         SELECT i.currency FROM invoices i JOIN who w ON w.account_id = i.account_id
         WHERE EXISTS (SELECT 1 FROM billing_line_items b WHERE b.account_id = i.account_id
                         AND b.invoice_id = i.id AND b.customer_id = w.customer_id)
            OR EXISTS (SELECT 1 FROM legacy_line_items l WHERE l.account_id = i.account_id
                         AND l.invoice_id = i.id AND l.customer_id = w.customer_id)
         UNION
         SELECT c FROM (SELECT (SELECT t.billing_currency
                                FROM usage_subjects j
                                CROSS JOIN usage_sources s
                                CROSS JOIN daily_usage_facts f
                                    ON f.source_id = s.id AND f.subject_id = j.id
                                JOIN usage_terms t ON t.id = f.terms_id
                                WHERE j.account_id = w.account_id
                                  AND j.customer_id = w.customer_id
                                  AND s.account_id = j.account_id AND s.staged = 0
                                ORDER BY f.day DESC LIMIT 1) AS c FROM who w)
         WHERE c IS NOT NULL
         ORDER BY 1",
    )?;
    let rows = stmt.query_map(params![account, customer, organization], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;
    use crate::discovered::CustomerRow;
    use chrono::TimeZone;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn changes_are_kept_as_history_and_a_same_day_change_is_a_correction() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let account = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", now)
            .unwrap()
            .id;
        let mut w = db.ingest(&account).unwrap();
        w.customers(
            &[CustomerRow {
                id: "c1".into(),
                company_name: "C".into(),
                domain: "c.example".into(),
                tenant_id: None,
                commerce_id: None,
                relationship: None,
            }],
            now,
        )
        .unwrap();
        w.commit().unwrap();
        let scope = Scope::Customer {
            account_id: account.clone(),
            customer_id: "c1".into(),
        };
        add(
            &mut db,
            &scope,
            &[Term::Percent(Decimal::new(10, 0))],
            d(1),
            now,
        )
        .unwrap();
        add(
            &mut db,
            &scope,
            &[
                Term::Percent(Decimal::new(12, 0)),
                Term::CategoryPercent {
                    category: "Virtual Machines".into(),
                    percent: Some(Decimal::new(5, 0)),
                },
                Term::MonthlyFee(Decimal::new(5000, 2)),
            ],
            d(15),
            now,
        )
        .unwrap();
        add(
            &mut db,
            &scope,
            &[Term::Percent(Decimal::new(11, 0))],
            d(15),
            now,
        )
        .unwrap();
        let h = history(&db, &scope).unwrap();
        assert_eq!(
            h.len(),
            4,
            "10% on the 1st, then three terms on the 15th: {h:?}"
        );
        assert_eq!(h[0].term, Term::Percent(Decimal::new(10, 0)));
        assert!(
            h.iter()
                .any(|c| c.term == Term::Percent(Decimal::new(11, 0))),
            "the same-day correction replaced 12%"
        );
        assert!(!h
            .iter()
            .any(|c| c.term == Term::Percent(Decimal::new(12, 0))));
        assert_eq!(
            history(&db, &Scope::Organization { id: "x".into() }).unwrap(),
            vec![]
        );
        assert!(matches!(
            add(
                &mut db,
                &scope,
                &[Term::Percent(Decimal::new(-101, 0))],
                d(20),
                now
            ),
            Err(Error::Invalid { .. })
        ));
        let unknown = Scope::Customer {
            account_id: account,
            customer_id: "nobody".into(),
        };
        assert!(matches!(
            add(
                &mut db,
                &unknown,
                &[Term::MonthlyFee(Decimal::ONE)],
                d(20),
                now
            ),
            Err(Error::NotFound { .. })
        ));
    }
}
