//! Customer organizations as the Customers page and `cspdesk org` see them: tenants that are
//! one customer, billed together. Reading is open to everyone; changing needs admin access.

use chrono::{DateTime, SecondsFormat, Utc};
use cspdesk_store::organizations::{self, CustomerKey, MatchedBy, Organization};
use cspdesk_store::{accounts, Database};

use crate::customers::dto::{CustomerRef, OrganizationDto, OrganizationMemberDto};
use crate::{ApiError, ErrorCode};

const CHANGE: &str = "changing customer organizations";

/// All organizations by name, each with its tenants by company name.
pub fn list(db: &Database) -> Result<Vec<OrganizationDto>, ApiError> {
    Ok(organizations::list(db)?.into_iter().map(dto).collect())
}

/// The organization with this name (ignoring case) or id.
pub fn get(db: &Database, name_or_id: &str) -> Result<OrganizationDto, ApiError> {
    Ok(dto(organizations::find(db, name_or_id)?))
}

/// Creates an organization holding `members`; `now` is its creation time. Nothing is
/// written when the name is taken or a tenant already belongs to another organization.
pub fn create(
    db: &Database,
    name: &str,
    members: &[CustomerRef],
    now: DateTime<Utc>,
) -> Result<OrganizationDto, ApiError> {
    crate::shared::access::require_admin(db, now, CHANGE)?;
    Ok(dto(organizations::create(db, name, &keys(members), now)?))
}

/// Adds tenants to the organization with this name or id (a tenant already in it stays as
/// it is); refused, naming the other organization, when a tenant belongs to another one.
pub fn add_members(
    db: &Database,
    organization: &str,
    members: &[CustomerRef],
    now: DateTime<Utc>,
) -> Result<OrganizationDto, ApiError> {
    crate::shared::access::require_admin(db, now, CHANGE)?;
    Ok(dto(organizations::add_members(
        db,
        organization,
        &keys(members),
    )?))
}

/// Adds tenants to the organization named `name`, creating it first when there is none
/// (what `cspdesk org add` does). Returns it and whether it was created.
pub fn create_or_add(
    db: &Database,
    name: &str,
    members: &[CustomerRef],
    now: DateTime<Utc>,
) -> Result<(OrganizationDto, bool), ApiError> {
    crate::shared::access::require_admin(db, now, CHANGE)?;
    match organizations::find(db, name) {
        Ok(org) => Ok((
            dto(organizations::add_members(db, &org.id, &keys(members))?),
            false,
        )),
        Err(cspdesk_store::Error::NotFound { .. }) => Ok((
            dto(organizations::create(db, name, &keys(members), now)?),
            true,
        )),
        Err(e) => Err(e.into()),
    }
}

/// Removes tenants from the organization with this name or id; refused when one is not in it.
pub fn remove_members(
    db: &Database,
    organization: &str,
    members: &[CustomerRef],
    now: DateTime<Utc>,
) -> Result<OrganizationDto, ApiError> {
    crate::shared::access::require_admin(db, now, CHANGE)?;
    Ok(dto(organizations::remove_members(
        db,
        organization,
        &keys(members),
    )?))
}

/// Deletes the organization with this name or id (its customers stay) and returns it as it was.
pub fn delete(
    db: &Database,
    organization: &str,
    now: DateTime<Utc>,
) -> Result<OrganizationDto, ApiError> {
    crate::shared::access::require_admin(db, now, CHANGE)?;
    Ok(dto(organizations::delete(db, organization)?))
}

/// Finds the customer a user typed: its customer or tenant id, its domain, or its exact
/// company name (all ignoring case), optionally only under the partner account `account`
/// (name or id). An id match beats a domain match, which beats a company name match; more
/// than one customer at the best level is refused, listing them and their accounts.
pub fn resolve_customer(
    db: &Database,
    typed: &str,
    account: Option<&str>,
) -> Result<CustomerRef, ApiError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(ApiError {
            code: ErrorCode::Validation,
            message: "The customer is empty: type its company name, domain or tenant id".into(),
            field: Some("customer".into()),
        });
    }
    let account = account.map(|a| accounts::find(db, a)).transpose()?;
    let found = organizations::find_customers(db, typed, account.as_ref().map(|a| a.id.as_str()))?;
    let Some(best) = found.first().map(|m| m.matched_by) else {
        let under = account
            .map(|a| format!(" under partner account {:?}", a.name))
            .unwrap_or_default();
        return Err(ApiError {
            code: ErrorCode::NotFound,
            message: format!(
                "No customer{under} has the tenant id, domain or company name {typed:?}: check the spelling, or run Discovery if the customer is new"
            ),
            field: Some("customer".into()),
        });
    };
    let best: Vec<_> = found.into_iter().filter(|m| m.matched_by == best).collect();
    if let [only] = &best[..] {
        return Ok(CustomerRef {
            account_id: only.member.account_id.clone(),
            customer_id: only.member.customer_id.clone(),
        });
    }
    let by = match best[0].matched_by {
        MatchedBy::Id => "id",
        MatchedBy::Domain => "domain",
        MatchedBy::CompanyName => "company name",
    };
    let candidates: Vec<String> = best
        .iter()
        .map(|m| format!("{} (tenant {})", m.member.describe(), m.member.customer_id))
        .collect();
    Err(ApiError {
        code: ErrorCode::Validation,
        message: format!(
            "{typed:?} is the {by} of {} customers: {}; name the partner account too (--account ACCOUNT), or type the tenant id",
            best.len(),
            candidates.join("; ")
        ),
        field: Some("customer".into()),
    })
}

fn keys(members: &[CustomerRef]) -> Vec<CustomerKey> {
    members
        .iter()
        .map(|m| CustomerKey {
            account_id: m.account_id.clone(),
            customer_id: m.customer_id.clone(),
        })
        .collect()
}

fn dto(org: Organization) -> OrganizationDto {
    OrganizationDto {
        id: org.id,
        name: org.name,
        created_at: org.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        members: org
            .members
            .into_iter()
            .map(|m| OrganizationMemberDto {
                account_id: m.account_id,
                account_name: m.account_name,
                customer_id: m.customer_id,
                company_name: m.company_name,
                domain: m.domain,
            })
            .collect(),
    }
}
