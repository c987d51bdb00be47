//! Customer markups as the markup editor and `cspdesk markup` see them: set terms from a day
//! for a customer tenant or an organization, list what is in effect, and show the history.
//! Changing markups needs admin access; reading does not.

use chrono::{DateTime, NaiveDate, Utc};
use cspdesk_store::markups::{self, Change, Scope, Term};
use cspdesk_store::{organizations, Database};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::shared::access::require_admin;
use crate::customers::dto::CustomerRef;
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
        let (_, target, name) = scope(db, &target)?;
        out.push(describe(target, name, &history, on));
    }
    out.sort_by_key(|m| m.name.to_lowercase());
    Ok(out)
}

/// One closed month of a markup preview, in one billing currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PreviewMonthDto {
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Customers with rated usage in it.
    pub customers: u32,
    /// Rated cost.
    pub cost: String,
    /// Resale with the markups as they are.
    pub resale_before: String,
    /// Resale with the proposed change.
    pub resale_after: String,
    /// Margin as it is.
    pub margin_before: String,
    /// Margin with the change.
    pub margin_after: String,
}

/// What a proposed markup change would have done to the last closed months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MarkupPreviewDto {
    /// Oldest first; empty when nothing is rated yet (say so in the page).
    pub months: Vec<PreviewMonthDto>,
}

/// Closed months a preview covers.
const PREVIEW_MONTHS: usize = 3;

fn rating_change(c: &Change) -> cspdesk_rating::markup::MarkupChange {
    use cspdesk_rating::markup::{MarkupChange, MarkupTerm};
    MarkupChange {
        effective_from: c.effective_from,
        term: match &c.term {
            Term::Percent(p) => MarkupTerm::Percent { percent: *p },
            Term::CategoryPercent { category, percent } => MarkupTerm::CategoryPercent {
                category: category.clone(),
                percent: *percent,
            },
            Term::MonthlyFee(f) => MarkupTerm::MonthlyFee { fee: *f },
        },
    }
}

fn history_of(
    changes: Vec<cspdesk_rating::markup::MarkupChange>,
) -> Result<cspdesk_rating::markup::MarkupHistory, ApiError> {
    cspdesk_rating::markup::MarkupHistory::new(changes).map_err(|e| ApiError {
        code: ErrorCode::Validation,
        message: e.to_string(),
        field: Some("markup".into()),
    })
}

/// Resale of `cost_lines` of `period` for a customer (`own`) in an organization (`org`),
/// with the stored markups plus `extra` changes (a same-day change of the same term replaces
/// the stored one). Without any percentage a line resells at cost (a 0 % baseline under the
/// organization's terms, the lowest precedence).
fn resale_of(
    db: &Database,
    cost_lines: &[cspdesk_rating::markup::CostLine],
    own: &Scope,
    org: Option<&Scope>,
    extra: &[Change],
    period: &cspdesk_rating::period::BillingPeriod,
) -> Result<Decimal, ApiError> {
    resale_detail(db, cost_lines, own, org, extra, period).map(|r| r.resale_total)
}

/// [`resale_of`] line by line (in `cost_lines` order) with the period's fee apart.
fn resale_detail(
    db: &Database,
    cost_lines: &[cspdesk_rating::markup::CostLine],
    own: &Scope,
    org: Option<&Scope>,
    extra: &[Change],
    period: &cspdesk_rating::period::BillingPeriod,
) -> Result<cspdesk_rating::markup::Resale, ApiError> {
    CustomerMarkups::with(db, own, org, extra)?.resale(cost_lines, period)
}

fn markup_error(e: cspdesk_rating::markup::MarkupError) -> ApiError {
    ApiError {
        code: ErrorCode::Validation,
        message: e.to_string(),
        field: Some("markup".into()),
    }
}

/// One customer's markups, its own and its organization's, read once to price any number of
/// its lines. Without any percentage a line resells at cost (a 0 % baseline under the
/// organization's terms, the lowest precedence).
#[derive(Debug, Clone)]
pub struct CustomerMarkups {
    mine: cspdesk_rating::markup::MarkupHistory,
    theirs: cspdesk_rating::markup::MarkupHistory,
}

impl CustomerMarkups {
    /// The stored markups of a customer in an organization (or none).
    pub fn load(
        db: &Database,
        account_id: &str,
        customer_id: &str,
        organization_id: Option<&str>,
    ) -> Result<Self, ApiError> {
        let own = Scope::Customer {
            account_id: account_id.to_string(),
            customer_id: customer_id.to_string(),
        };
        let org = organization_id.map(|id| Scope::Organization { id: id.to_string() });
        Self::with(db, &own, org.as_ref(), &[])
    }

    /// The stored markups of `own` and `org` plus `extra` changes (a same-day change of the
    /// same term replaces the stored one).
    fn with(
        db: &Database,
        own: &Scope,
        org: Option<&Scope>,
        extra: &[Change],
    ) -> Result<Self, ApiError> {
        use cspdesk_rating::markup::{MarkupChange, MarkupTerm};
        let baseline = MarkupChange {
            effective_from: NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or_default(),
            term: MarkupTerm::Percent {
                percent: Decimal::ZERO,
            },
        };
        let mut mine: Vec<MarkupChange> = markups::history(db, own)?
            .iter()
            .map(rating_change)
            .collect();
        let mut theirs: Vec<MarkupChange> = vec![baseline];
        if let Some(org) = org {
            theirs.extend(markups::history(db, org)?.iter().map(rating_change));
        }
        for e in extra {
            let list = if &e.scope == own {
                &mut mine
            } else {
                &mut theirs
            };
            let change = rating_change(e);
            list.retain(|c| {
                !(c.effective_from == change.effective_from
                    && std::mem::discriminant(&c.term) == std::mem::discriminant(&change.term)
                    && match (&c.term, &change.term) {
                        (
                            MarkupTerm::CategoryPercent { category: a, .. },
                            MarkupTerm::CategoryPercent { category: b, .. },
                        ) => a == b,
                        _ => true,
                    })
            });
            list.push(change);
        }
        Ok(Self {
            mine: history_of(mine)?,
            theirs: history_of(theirs)?,
        })
    }

    fn markups(&self) -> cspdesk_rating::markup::Markups<'_> {
        cspdesk_rating::markup::Markups {
            customer: Some(&self.mine),
            organization: Some(&self.theirs),
        }
    }

    /// `cost_lines` of `period` marked up: each line's resale, and the period's fee apart.
    pub fn resale(
        &self,
        cost_lines: &[cspdesk_rating::markup::CostLine],
        period: &cspdesk_rating::period::BillingPeriod,
    ) -> Result<cspdesk_rating::markup::Resale, ApiError> {
        cspdesk_rating::markup::resale(cost_lines, &self.markups(), period).map_err(markup_error)
    }

    /// The fee charged for `period` (rounded, as [`Self::resale`] rounds it).
    pub fn fee(&self, period: &cspdesk_rating::period::BillingPeriod) -> Decimal {
        cspdesk_rating::markup::round_cents(self.markups().fee_for(period))
    }

    /// One line's resale (rounded to the cent, as [`Self::resale`] rounds each line).
    pub fn line_resale(
        &self,
        cost: Decimal,
        category: Option<&str>,
        date: NaiveDate,
        period: &cspdesk_rating::period::BillingPeriod,
    ) -> Result<Decimal, ApiError> {
        cspdesk_rating::markup::mark_up(cost, category, date, &self.markups(), period)
            .map(|l| l.resale)
            .map_err(markup_error)
    }
}

fn period_error(e: cspdesk_rating::period::PeriodError) -> ApiError {
    ApiError {
        code: ErrorCode::Internal,
        message: e.to_string(),
        field: None,
    }
}

/// What markups apply to: each rated line's day, category and billed cost.
fn cost_lines(
    lines: &[cspdesk_store::rated::StoredRatedLine],
) -> Vec<cspdesk_rating::markup::CostLine> {
    lines
        .iter()
        .map(|l| cspdesk_rating::markup::CostLine {
            usage_date: l.usage_date,
            meter_category: l.meter_category.clone(),
            cost: l.billing_pre_tax_total.amount(),
        })
        .collect()
}

/// The resale of a customer's rated lines of the month `now` is in (month to date), with its
/// markups: `None` when nothing of the month is rated.
pub fn month_to_date_resale(
    db: &Database,
    account_id: &str,
    customer_id: &str,
    organization_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Decimal>, ApiError> {
    use chrono::Datelike;
    let today = now.date_naive();
    let period = cspdesk_rating::period::BillingPeriod::calendar_month(today.year(), today.month())
        .map_err(period_error)?;
    let key = format!("{:04}-{:02}", today.year(), today.month());
    let lines = cspdesk_store::rated::lines(db, account_id, &key, Some(customer_id))?;
    if lines.is_empty() {
        return Ok(None);
    }
    let cost_lines = cost_lines(&lines);
    let own = Scope::Customer {
        account_id: account_id.to_string(),
        customer_id: customer_id.to_string(),
    };
    let org = organization_id.map(|id| Scope::Organization { id: id.to_string() });
    resale_of(db, &cost_lines, &own, org.as_ref(), &[], &period).map(Some)
}

/// `cost_lines` of one customer in `period` marked up with its markups (its own, else its
/// organization's): each line's resale, and the period's fee apart.
pub fn customer_resale(
    db: &Database,
    cost_lines: &[cspdesk_rating::markup::CostLine],
    account_id: &str,
    customer_id: &str,
    organization_id: Option<&str>,
    period: &cspdesk_rating::period::BillingPeriod,
) -> Result<cspdesk_rating::markup::Resale, ApiError> {
    CustomerMarkups::load(db, account_id, customer_id, organization_id)?.resale(cost_lines, period)
}

/// Who has a markup: customers with their own, and organizations (whose members without one
/// take it). Everyone else resells at cost, so their lines need no marking up.
#[derive(Debug, Default)]
pub struct Marked {
    customers: std::collections::HashSet<(String, String)>,
    organizations: std::collections::HashSet<String>,
}

impl Marked {
    /// Reads every markup change once.
    pub fn load(db: &Database) -> Result<Self, ApiError> {
        let mut m = Self::default();
        for change in markups::all(db)? {
            match change.scope {
                Scope::Customer {
                    account_id,
                    customer_id,
                } => {
                    m.customers.insert((account_id, customer_id));
                }
                Scope::Organization { id } => {
                    m.organizations.insert(id);
                }
            }
        }
        Ok(m)
    }

    /// Whether the customer (in `organization`, if any) has a markup of any kind.
    pub fn has(&self, account_id: &str, customer_id: &str, organization: Option<&str>) -> bool {
        self.customers
            .contains(&(account_id.to_string(), customer_id.to_string()))
            || organization.is_some_and(|o| self.organizations.contains(o))
    }
}

/// The resale of each of `lines` (one customer's rated lines of `period`, in any order) with
/// the customer's markups, in the same order; the monthly fee is the customer's, not a
/// line's, and is left out.
pub fn line_resale(
    db: &Database,
    lines: &[cspdesk_store::rated::StoredRatedLine],
    account_id: &str,
    customer_id: &str,
    organization_id: Option<&str>,
    period: &cspdesk_rating::period::BillingPeriod,
) -> Result<Vec<Decimal>, ApiError> {
    Ok(customer_resale(
        db,
        &cost_lines(lines),
        account_id,
        customer_id,
        organization_id,
        period,
    )?
    .lines
    .into_iter()
    .map(|l| l.resale)
    .collect())
}

/// Resale of the last closed months as they are and with `terms` from `effective_from`
/// (nothing is saved). Customers without any markup resell at cost (0 %).
pub fn preview(
    db: &Database,
    target: &MarkupTargetDto,
    terms: &[MarkupTermDto],
    effective_from: NaiveDate,
    now: DateTime<Utc>,
) -> Result<MarkupPreviewDto, ApiError> {
    use chrono::Datelike;
    use cspdesk_rating::period::BillingPeriod;

    let (scope, _, _) = scope(db, target)?;
    let proposed: Vec<Term> = terms.iter().map(term).collect::<Result<_, _>>()?;
    for t in &proposed {
        markups::validate(t)?;
    }
    let proposed: Vec<Change> = proposed
        .into_iter()
        .map(|term| Change {
            id: 0,
            scope: scope.clone(),
            term,
            effective_from,
            created_at: now,
        })
        .collect();
    // Which tenants: the customer, or the organization's members.
    let customers: Vec<_> = cspdesk_store::discovered::customers(db)?
        .into_iter()
        .filter(|c| match &scope {
            Scope::Customer {
                account_id,
                customer_id,
            } => &c.account_id == account_id && &c.id == customer_id,
            Scope::Organization { id } => c.organization_id.as_deref() == Some(id.as_str()),
        })
        .collect();
    let today = now.date_naive();
    let mut period = BillingPeriod::calendar_month(today.year(), today.month())
        .and_then(|p| p.previous())
        .map_err(period_error)?;
    let mut months = Vec::new();
    for _ in 0..PREVIEW_MONTHS {
        let key = format!("{:04}-{:02}", period.start().year(), period.start().month());
        // (currency) -> (customers, cost, before, after)
        let mut sums: std::collections::BTreeMap<String, (u32, Decimal, Decimal, Decimal)> =
            Default::default();
        for c in &customers {
            let lines = cspdesk_store::rated::lines(db, &c.account_id, &key, Some(&c.id))?;
            let Some(currency) = lines.first().map(|l| l.billing_currency.clone()) else {
                continue;
            };
            let cost_lines = cost_lines(&lines);
            let own = Scope::Customer {
                account_id: c.account_id.clone(),
                customer_id: c.id.clone(),
            };
            let org = c
                .organization_id
                .clone()
                .map(|id| Scope::Organization { id });
            let total =
                |extra: &[Change]| resale_of(db, &cost_lines, &own, org.as_ref(), extra, &period);
            let before = total(&[])?;
            let after = total(&proposed)?;
            let cost: Decimal = cost_lines.iter().map(|l| l.cost).sum();
            let e = sums.entry(currency).or_default();
            e.0 += 1;
            e.1 += cost;
            e.2 += before;
            e.3 += after;
        }
        for (currency, (n, cost, before, after)) in sums {
            months.push(PreviewMonthDto {
                period: key.clone(),
                currency,
                customers: n,
                cost: cost.to_string(),
                resale_before: before.to_string(),
                resale_after: after.to_string(),
                margin_before: (before - cost).to_string(),
                margin_after: (after - cost).to_string(),
            });
        }
        period = period.previous().map_err(period_error)?;
    }
    months.reverse();
    Ok(MarkupPreviewDto { months })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use cspdesk_store::discovered::CustomerRow;
    use cspdesk_store::rated::{self, RatedLineRow, RatingStateRow, UsageKind};
    use cspdesk_store::{accounts, Money};

    fn dec(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn line(day: u32, category: &str, cost: &str) -> RatedLineRow {
        line_in(10, day, category, cost)
    }

    fn line_in(month: u32, day: u32, category: &str, cost: &str) -> RatedLineRow {
        RatedLineRow {
            subscription_id: "s1".into(),
            entitlement_id: "e1".into(),
            meter_id: format!("m-{category}-{day}"),
            usage_date: NaiveDate::from_ymd_opt(2026, month, day).unwrap(),
            usage_kind: UsageKind::AzurePlan,
            meter_name: None,
            meter_category: Some(category.into()),
            records: 1,
            quantity: Decimal::ONE,
            unit_price: dec(cost),
            effective_unit_price: dec(cost),
            credit_rate: Decimal::ZERO,
            discount: Decimal::ZERO,
            fx_rate: Decimal::ONE,
            pricing_currency: "USD".into(),
            pricing_total: Money::new(dec(cost)),
            billing_pre_tax_total: Money::new(dec(cost)),
            billing_currency: "USD".into(),
            price_origin: "test".into(),
        }
    }

    fn rated_customer(
        db: &mut Database,
        now: DateTime<Utc>,
        period: &str,
        lines: &[RatedLineRow],
    ) -> String {
        let account = accounts::add(db, "A", "0a1b2c3d-0000-4000-8000-000000000001", now)
            .unwrap()
            .id;
        let mut w = db.ingest(&account).unwrap();
        w.customers(
            &[CustomerRow {
                id: "c1".into(),
                company_name: "Contoso".into(),
                domain: "contoso.example".into(),
                tenant_id: None,
                commerce_id: None,
                relationship: None,
            }],
            now,
        )
        .unwrap();
        w.commit().unwrap();
        rated::replace(
            db,
            &account,
            &RatingStateRow {
                customer_id: "c1".into(),
                period: period.into(),
                usage_records: lines.len() as u64,
                usage_fingerprint: "f".into(),
                price_cards: "USD".into(),
                prices_fingerprint: "p".into(),
                rules: 0,
                lines: lines.len() as u32,
                refused: None,
                rated_at: now,
            },
            lines,
        )
        .unwrap();
        account
    }

    #[test]
    fn customers_show_month_to_date_cost_resale_and_margin_with_their_markup() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let account = rated_customer(
            &mut db,
            now,
            "2026-11",
            &[
                line_in(11, 3, "Virtual Machines", "100.00"),
                line_in(11, 4, "Storage", "10.00"),
            ],
        );
        let listed = crate::customers::overview::list(&db, now).unwrap();
        assert_eq!(listed[0].month_to_date_cost.as_deref(), Some("110.00"));
        assert_eq!(
            listed[0].month_to_date_resale.as_deref().map(dec),
            Some(dec("110.00")),
            "no markup: resold at cost"
        );
        let target = MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account,
                customer_id: "c1".into(),
            },
        };
        set(
            &mut db,
            &target,
            &[
                MarkupTermDto::Percent {
                    percent: "10".into(),
                },
                MarkupTermDto::CategoryPercent {
                    category: "Virtual Machines".into(),
                    percent: Some("5".into()),
                },
            ],
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            now,
        )
        .unwrap();
        let listed = crate::customers::overview::list(&db, now).unwrap();
        // 100.00 × 1.05 + 10.00 × 1.10 = 116.00
        assert_eq!(
            listed[0].month_to_date_resale.as_deref().map(dec),
            Some(dec("116.00"))
        );
        assert_eq!(
            listed[0].month_to_date_margin.as_deref().map(dec),
            Some(dec("6.00"))
        );
    }

    #[test]
    fn the_preview_shows_a_closed_months_resale_before_and_after_without_saving() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let lines = vec![
            line(3, "Virtual Machines", "100.00"),
            line(4, "Storage", "33.33"),
            line(5, "Storage", "0.05"),
        ];
        let account = rated_customer(&mut db, now, "2026-10", &lines);
        let target = MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account,
                customer_id: "c1".into(),
            },
        };
        let terms = vec![
            MarkupTermDto::Percent {
                percent: "12".into(),
            },
            MarkupTermDto::CategoryPercent {
                category: "Virtual Machines".into(),
                percent: Some("5".into()),
            },
            MarkupTermDto::MonthlyFee {
                fee: "50.00".into(),
            },
        ];
        let from = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        let p = preview(&db, &target, &terms, from, now).unwrap();
        let october = p
            .months
            .iter()
            .find(|m| m.period == "2026-10")
            .expect("October is a closed month with rated usage");
        // Independently: VM 100.00 × 1.05 = 105.00; storage 33.33 × 1.12 = 37.3296 → 37.33,
        // 0.05 × 1.12 = 0.056 → 0.06 (half away from zero per line); fee 50.00.
        let expected_after = dec("105.00") + dec("37.33") + dec("0.06") + dec("50.00");
        assert_eq!(october.cost, "133.38");
        assert_eq!(
            dec(&october.resale_before),
            dec("133.38"),
            "no markup yet: resold at cost"
        );
        assert_eq!(dec(&october.resale_after), expected_after);
        assert_eq!(dec(&october.margin_after), expected_after - dec("133.38"));
        assert!(
            markups::history(
                &db,
                &Scope::Customer {
                    account_id: match &target {
                        MarkupTargetDto::Customer { customer } => customer.account_id.clone(),
                        MarkupTargetDto::Organization { .. } => unreachable!(),
                    },
                    customer_id: "c1".into()
                }
            )
            .unwrap()
            .is_empty(),
            "a preview saves nothing"
        );
    }
}
