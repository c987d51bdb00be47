//! Customer organizations: customer tenants, possibly under several partner accounts, that
//! are one customer and are billed together. A tenant belongs to at most one organization;
//! the rules (names, membership) are checked here once, for the app and the CLI alike, and
//! every change of several rows is one transaction.
//!
//! The types and the name rule are here; `changes` creates, fills, empties and deletes
//! organizations, `lookup` reads them back, and `candidates` finds the customers a typed text
//! names, the tenants a user is about to add.

mod candidates;
mod changes;
mod lookup;
#[cfg(test)]
mod tests;

pub use candidates::find_customers;
pub use changes::{add_members, create, delete, remove_members};
pub use lookup::{find, list};

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// Longest organization name accepted, as for account names.
pub const MAX_NAME_CHARS: usize = 100;

/// A customer tenant, named by the partner account it was discovered under and its
/// Partner Center customer id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomerKey {
    /// The partner account.
    pub account_id: String,
    /// The customer id.
    pub customer_id: String,
}

/// A customer tenant as a member (or candidate member) of an organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The partner account.
    pub account_id: String,
    /// That account's name.
    pub account_name: String,
    /// The customer id.
    pub customer_id: String,
    /// Company name.
    pub company_name: String,
    /// Primary domain.
    pub domain: String,
}

impl Member {
    /// The tenant as a user recognises it: `"Contoso Ltd" (contoso.com) under account "CSP"`.
    pub fn describe(&self) -> String {
        format!(
            "{:?} ({}) under account {:?}",
            self.company_name, self.domain, self.account_name
        )
    }

    /// The key of this tenant.
    pub fn key(&self) -> CustomerKey {
        CustomerKey {
            account_id: self.account_id.clone(),
            customer_id: self.customer_id.clone(),
        }
    }
}

/// An organization with its member tenants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    /// Random id.
    pub id: String,
    /// Name, unique ignoring case.
    pub name: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Its tenants, by company name.
    pub members: Vec<Member>,
}

/// How a typed text matched a customer, from the most to the least precise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchedBy {
    /// The customer id or the tenant id.
    Id,
    /// The primary domain.
    Domain,
    /// The company name.
    CompanyName,
}

/// A customer found by [`find_customers`], with the organization it belongs to, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerMatch {
    /// The customer.
    pub member: Member,
    /// How it matched.
    pub matched_by: MatchedBy,
    /// The name of the organization it already belongs to.
    pub organization: Option<String>,
}

/// Validates an organization name, returning it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err(Error::Invalid {
            field: "name",
            message:
                "Organization name is empty: type the name of the customer these tenants belong to"
                    .into(),
        });
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(Error::Invalid {
            field: "name",
            message: format!(
                "Organization name is longer than {MAX_NAME_CHARS} characters: shorten it"
            ),
        });
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Error::Invalid {
            field: "name",
            message: "Organization name contains a control character (tab, newline...): remove it"
                .into(),
        });
    }
    Ok(trimmed.to_string())
}
