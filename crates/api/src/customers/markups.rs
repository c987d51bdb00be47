//! Customer markups as the markup editor and `cspdesk markup` see them: set terms from a day
//! for a customer tenant or an organization, list what is in effect, and show the history.
//! Changing markups needs admin access; reading does not.

use chrono::{DateTime, NaiveDate, Utc};
use cspdesk_store::markups::{self, Change, Scope, Term};
use cspdesk_store::{organizations, Database};
use rust_decimal::Decimal;

use crate::customers::dto::{
    CustomerRef, MarkupChangeDto, MarkupDto, MarkupTargetDto, MarkupTermDto,
};
use crate::shared::access::require_admin;
use crate::{ApiError, ErrorCode};
pub(super) fn parse(field: &str, text: &str) -> Result<Decimal, ApiError> {
    text.trim().parse::<Decimal>().map_err(|_| ApiError {
        code: ErrorCode::Validation,
        message: format!("{text:?} is not a decimal number: write it like 12, -5 or 50.00"),
        field: Some(field.into()),
    })
}

pub(super) fn term(t: &MarkupTermDto) -> Result<Term, ApiError> {
    Ok(match t {
        MarkupTermDto::Percent { percent } => Term::Percent(parse("percent", percent)?),
        MarkupTermDto::ListPercent { percent } => Term::ListPercent(parse("percent", percent)?),
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

pub(super) fn term_dto(t: &Term) -> MarkupTermDto {
    match t {
        Term::Percent(p) => MarkupTermDto::Percent {
            percent: p.to_string(),
        },
        Term::ListPercent(p) => MarkupTermDto::ListPercent {
            percent: p.to_string(),
        },
        Term::CategoryPercent { category, percent } => MarkupTermDto::CategoryPercent {
            category: category.clone(),
            percent: percent.map(|p| p.to_string()),
        },
        Term::MonthlyFee(f) => MarkupTermDto::MonthlyFee { fee: f.to_string() },
    }
}

pub(super) fn scope(
    db: &Database,
    target: &MarkupTargetDto,
) -> Result<(Scope, MarkupTargetDto, String), ApiError> {
    Ok(match target {
        MarkupTargetDto::Customer { customer } => {
            let name = cspdesk_store::discovered::customer_name(
                db,
                &customer.account_id,
                &customer.customer_id,
            )?
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

pub(super) fn change_dto(c: &Change) -> MarkupChangeDto {
    MarkupChangeDto {
        id: c.id.to_string(),
        effective_from: c.effective_from.to_string(),
        term: term_dto(&c.term),
        created_at: c
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

/// What is in effect on `on` given `history` (oldest first), the fee in the scope's one
/// billing currency (none while it has no invoice or usage, or has several).
pub(super) fn describe(
    db: &Database,
    (scope, target, name): (Scope, MarkupTargetDto, String),
    history: &[Change],
    on: NaiveDate,
) -> Result<MarkupDto, ApiError> {
    let mut currencies = markups::billing_currencies(db, &scope)?;
    let currency = (currencies.len() == 1).then(|| currencies.remove(0));
    let mut percent = None;
    let mut categories: std::collections::BTreeMap<String, Option<Decimal>> = Default::default();
    let mut fee = None;
    for c in history.iter().filter(|c| c.effective_from <= on) {
        match &c.term {
            Term::Percent(p) | Term::ListPercent(p) => percent = Some(*p),
            Term::CategoryPercent { category, percent } => {
                categories.insert(category.clone(), *percent);
            }
            Term::MonthlyFee(f) => fee = Some(*f).filter(|f| !f.is_zero()),
        }
    }
    Ok(MarkupDto {
        target,
        name,
        currency,
        on: on.to_string(),
        percent: percent.map(|p| p.to_string()),
        categories: categories
            .into_iter()
            .filter_map(|(c, p)| p.map(|p| (c, p.to_string())))
            .collect(),
        monthly_fee: fee.map(|f| f.to_string()),
        history: history.iter().map(change_dto).collect(),
    })
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
    let who = scope(db, target)?;
    let terms = terms.iter().map(term).collect::<Result<Vec<_>, _>>()?;
    markups::add(db, &who.0, &terms, effective_from, now)?;
    let history = markups::history(db, &who.0)?;
    describe(db, who, &history, effective_from)
}

/// A target's markup in effect on `on`, with its history.
pub fn get(db: &Database, target: &MarkupTargetDto, on: NaiveDate) -> Result<MarkupDto, ApiError> {
    let who = scope(db, target)?;
    let history = markups::history(db, &who.0)?;
    describe(db, who, &history, on)
}

/// Every target with markups, as in effect on `on`.
pub fn list(db: &Database, on: NaiveDate) -> Result<Vec<MarkupDto>, ApiError> {
    // `all` is ordered by scope, then as `history` orders one scope: group it as read.
    let mut groups: Vec<(Scope, Vec<Change>)> = Vec::new();
    for c in markups::all(db)? {
        match groups.last_mut() {
            Some((scope, changes)) if *scope == c.scope => changes.push(c),
            _ => groups.push((c.scope.clone(), vec![c])),
        }
    }
    let mut out = Vec::new();
    for (s, history) in groups {
        let target = match s {
            Scope::Customer {
                account_id,
                customer_id,
            } => MarkupTargetDto::Customer {
                customer: CustomerRef {
                    account_id,
                    customer_id,
                },
            },
            Scope::Organization { id } => MarkupTargetDto::Organization { organization: id },
        };
        out.push(describe(db, scope(db, &target)?, &history, on)?);
    }
    out.sort_by_key(|m| m.name.to_lowercase());
    Ok(out)
}

pub(super) fn markup_error(e: cspdesk_rating::markup::MarkupError) -> ApiError {
    ApiError {
        code: ErrorCode::Validation,
        message: e.to_string(),
        field: Some("markup".into()),
    }
}
