//! Resale from markups: the markups in effect for a customer on each day, applied to its
//! rated cost line by line (rounded to the cent per line), for a month or the month so far.

use chrono::{DateTime, NaiveDate, Utc};
use cspdesk_store::markups::{self, Change, Scope, Term};
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::markups::*;
use crate::{ApiError, ErrorCode};

/// Resale of `cost_lines` of `period` for a customer (`own`) in an organization (`org`),
/// with the stored markups plus `extra` changes (a same-day change of the same term replaces
/// the stored one). Without any percentage a line resells at cost (a 0 % baseline under the
/// organization's terms, the lowest precedence).
pub(super) fn resale_of(
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
pub(super) fn resale_detail(
    db: &Database,
    cost_lines: &[cspdesk_rating::markup::CostLine],
    own: &Scope,
    org: Option<&Scope>,
    extra: &[Change],
    period: &cspdesk_rating::period::BillingPeriod,
) -> Result<cspdesk_rating::markup::Resale, ApiError> {
    CustomerMarkups::with(db, own, org, extra)?.resale(cost_lines, period)
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
            // A general percentage, on cost or on list, replaces either (one per day).
            let slot = |t: &MarkupTerm| match t {
                MarkupTerm::Percent { .. } | MarkupTerm::ListPercent { .. } => (0, None),
                MarkupTerm::CategoryPercent { category, .. } => (1, Some(category.clone())),
                MarkupTerm::MonthlyFee { .. } => (2, None),
            };
            list.retain(|c| {
                !(c.effective_from == change.effective_from && slot(&c.term) == slot(&change.term))
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

pub(super) fn period_error(e: cspdesk_rating::period::PeriodError) -> ApiError {
    ApiError {
        code: ErrorCode::Internal,
        message: e.to_string(),
        field: None,
    }
}

/// What markups apply to: each rated line's day, category, billed cost and list cost (a
/// line rated before list costs were kept reads 0 with a cost: not known, so a list markup
/// takes its cost until it is rated again).
pub(super) fn cost_lines(
    lines: &[cspdesk_store::rated::StoredRatedLine],
) -> Vec<cspdesk_rating::markup::CostLine> {
    lines
        .iter()
        .map(|l| cspdesk_rating::markup::CostLine {
            usage_date: l.usage_date,
            meter_category: l.meter_category.clone(),
            cost: l.billing_pre_tax_total.amount(),
            list_cost: Some(l.list_cost.amount())
                .filter(|list| !list.is_zero() || l.billing_pre_tax_total.amount().is_zero()),
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
    period_resale(
        db,
        account_id,
        customer_id,
        organization_id,
        today.year(),
        today.month(),
    )
}

/// The resale of a customer's rated lines of one calendar month, with its markups (and the
/// month's fee): `None` when nothing of the month is rated.
pub fn period_resale(
    db: &Database,
    account_id: &str,
    customer_id: &str,
    organization_id: Option<&str>,
    year: i32,
    month: u32,
) -> Result<Option<Decimal>, ApiError> {
    let period =
        cspdesk_rating::period::BillingPeriod::calendar_month(year, month).map_err(period_error)?;
    let key = format!("{year:04}-{month:02}");
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

pub(super) fn rating_change(c: &Change) -> cspdesk_rating::markup::MarkupChange {
    use cspdesk_rating::markup::{MarkupChange, MarkupTerm};
    MarkupChange {
        effective_from: c.effective_from,
        term: match &c.term {
            Term::Percent(p) => MarkupTerm::Percent { percent: *p },
            Term::ListPercent(p) => MarkupTerm::ListPercent { percent: *p },
            Term::CategoryPercent { category, percent } => MarkupTerm::CategoryPercent {
                category: category.clone(),
                percent: *percent,
            },
            Term::MonthlyFee(f) => MarkupTerm::MonthlyFee { fee: *f },
        },
    }
}

pub(super) fn history_of(
    changes: Vec<cspdesk_rating::markup::MarkupChange>,
) -> Result<cspdesk_rating::markup::MarkupHistory, ApiError> {
    cspdesk_rating::markup::MarkupHistory::new(changes).map_err(|e| ApiError {
        code: ErrorCode::Validation,
        message: e.to_string(),
        field: Some("markup".into()),
    })
}
