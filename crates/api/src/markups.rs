//! Customer markups as the markup editor and `cspdesk markup` see them: set terms from a day
//! for a customer tenant or an organization, list what is in effect, and show the history.
//! Changing markups needs admin access; reading does not.

use chrono::{DateTime, NaiveDate, Utc};
use cspdesk_store::markups::{self, Change, Scope, Term};
use cspdesk_store::{organizations, Database};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::require_admin;
use crate::customers_dto::CustomerRef;
use crate::{ApiError, ErrorCode};

/// Who a markup is for: a customer tenant, or an organization (id or name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum MarkupTargetDto {
    /// One customer tenant.
    Customer {
        /// The tenant.
        customer: CustomerRef,
    },
    /// An organization.
    Organization {
        /// Its id (or name, when typed).
        organization: String,
    },
}

/// One term of a markup. Percentages and fees are decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum MarkupTermDto {
    /// Percentage for every meter category without an override (negative = discount).
    Percent {
        /// E.g. "12".
        percent: String,
    },
    /// Percentage for one meter category; null removes the override.
    CategoryPercent {
        /// Meter category, e.g. "Virtual Machines".
        category: String,
        /// E.g. "5", or null.
        percent: Option<String>,
    },
    /// Fixed fee per billing period in the billing currency ("0" ends it).
    MonthlyFee {
        /// E.g. "50.00".
        fee: String,
    },
}

/// A stored change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MarkupChangeDto {
    /// Row id.
    pub id: String,
    /// First day it applies (YYYY-MM-DD).
    pub effective_from: String,
    /// What it sets.
    pub term: MarkupTermDto,
    /// When it was entered (RFC 3339).
    pub created_at: String,
}

/// A target's markup: what is in effect on a day, and every change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MarkupDto {
    /// For whom.
    pub target: MarkupTargetDto,
    /// Company or organization name.
    pub name: String,
    /// The day `percent`, `categories` and `monthly_fee` are read on.
    pub on: String,
    /// The general percentage in effect.
    pub percent: Option<String>,
    /// Category overrides in effect: (category, percentage).
    pub categories: Vec<(String, String)>,
    /// The monthly fee in effect.
    pub monthly_fee: Option<String>,
    /// Every change, oldest first.
    pub history: Vec<MarkupChangeDto>,
}

fn parse(field: &str, text: &str) -> Result<Decimal, ApiError> {
    text.trim().parse::<Decimal>().map_err(|_| ApiError {
        code: ErrorCode::Validation,
        message: format!("{text:?} is not a decimal number: write it like 12, -5 or 50.00"),
        field: Some(field.into()),
    })
}

fn term(t: &MarkupTermDto) -> Result<Term, ApiError> {
    Ok(match t {
        MarkupTermDto::Percent { percent } => Term::Percent(parse("percent", percent)?),
        MarkupTermDto::CategoryPercent { category, percent } => Term::CategoryPercent {
            category: category.trim().to_string(),
            percent: percent
                .as_deref()
                .map(|p| parse("categoryPercent", p))
                .transpose()?,
        },
        MarkupTermDto::MonthlyFee { fee } => Term::MonthlyFee(parse("fee", fee)?),
    })
}

fn term_dto(t: &Term) -> MarkupTermDto {
    match t {
        Term::Percent(p) => MarkupTermDto::Percent {
            percent: p.to_string(),
        },
        Term::CategoryPercent { category, percent } => MarkupTermDto::CategoryPercent {
            category: category.clone(),
            percent: percent.map(|p| p.to_string()),
        },
        Term::MonthlyFee(f) => MarkupTermDto::MonthlyFee { fee: f.to_string() },
    }
}

fn scope(
    db: &Database,
    target: &MarkupTargetDto,
) -> Result<(Scope, MarkupTargetDto, String), ApiError> {
    Ok(match target {
        MarkupTargetDto::Customer { customer } => {
            let name = cspdesk_store::discovered::customers(db)?
                .into_iter()
                .find(|c| c.account_id == customer.account_id && c.id == customer.customer_id)
                .map(|c| c.company_name)
                .ok_or_else(|| ApiError {
                    code: ErrorCode::NotFound,
                    message: format!(
                        "Customer {} is not in the database: run Discovery, or check the id",
                        customer.customer_id
                    ),
                    field: Some("customer".into()),
                })?;
            (
                Scope::Customer {
                    account_id: customer.account_id.clone(),
                    customer_id: customer.customer_id.clone(),
                },
                target.clone(),
                name,
            )
        }
        MarkupTargetDto::Organization { organization } => {
            let org = organizations::find(db, organization)?;
            (
                Scope::Organization { id: org.id.clone() },
                MarkupTargetDto::Organization {
                    organization: org.id,
                },
                org.name,
            )
        }
    })
}

fn change_dto(c: &Change) -> MarkupChangeDto {
    MarkupChangeDto {
        id: c.id.to_string(),
        effective_from: c.effective_from.to_string(),
        term: term_dto(&c.term),
        created_at: c
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// What is in effect on `on` given `history` (oldest first).
fn describe(target: MarkupTargetDto, name: String, history: &[Change], on: NaiveDate) -> MarkupDto {
    let mut percent = None;
    let mut categories: std::collections::BTreeMap<String, Option<Decimal>> = Default::default();
    let mut fee = None;
    for c in history.iter().filter(|c| c.effective_from <= on) {
        match &c.term {
            Term::Percent(p) => percent = Some(*p),
            Term::CategoryPercent { category, percent } => {
                categories.insert(category.clone(), *percent);
            }
            Term::MonthlyFee(f) => fee = Some(*f).filter(|f| !f.is_zero()),
        }
    }
    MarkupDto {
        target,
        name,
        on: on.to_string(),
        percent: percent.map(|p| p.to_string()),
        categories: categories
            .into_iter()
            .filter_map(|(c, p)| p.map(|p| (c, p.to_string())))
            .collect(),
        monthly_fee: fee.map(|f| f.to_string()),
        history: history.iter().map(change_dto).collect(),
    }
}

/// Sets `terms` for `target` from `effective_from` (admin only); returns the markup as of
/// that day.
pub fn set(
    db: &mut Database,
    target: &MarkupTargetDto,
    terms: &[MarkupTermDto],
    effective_from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<MarkupDto, ApiError> {
    require_admin(db, now, "changing markups")?;
    let (scope, target, name) = scope(db, target)?;
    let terms = terms.iter().map(term).collect::<Result<Vec<_>, _>>()?;
    markups::add(db, &scope, &terms, effective_from, now)?;
    let history = markups::history(db, &scope)?;
    Ok(describe(target, name, &history, effective_from))
}

/// A target's markup in effect on `on`, with its history.
pub fn get(db: &Database, target: &MarkupTargetDto, on: NaiveDate) -> Result<MarkupDto, ApiError> {
    let (scope, target, name) = scope(db, target)?;
    let history = markups::history(db, &scope)?;
    Ok(describe(target, name, &history, on))
}

/// Every target with markups, as in effect on `on`.
pub fn list(db: &Database, on: NaiveDate) -> Result<Vec<MarkupDto>, ApiError> {
    let all = markups::all(db)?;
    let mut scopes: Vec<Scope> = Vec::new();
    for c in &all {
        if !scopes.contains(&c.scope) {
            scopes.push(c.scope.clone());
        }
    }
    let mut out = Vec::new();
    for s in scopes {
        let target = match &s {
            Scope::Customer {
                account_id,
                customer_id,
            } => MarkupTargetDto::Customer {
                customer: CustomerRef {
                    account_id: account_id.clone(),
                    customer_id: customer_id.clone(),
                },
            },
            Scope::Organization { id } => MarkupTargetDto::Organization {
                organization: id.clone(),
            },
        };
        out.push(get(db, &target, on)?);
    }
    out.sort_by_key(|m| m.name.to_lowercase());
    Ok(out)
}
