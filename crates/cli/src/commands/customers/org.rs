//! `cspdesk org list | add | show | remove`: customer organizations (tenants that are one
//! customer, billed together), headless.

use std::path::Path;

use anyhow::Context;
use clap::Subcommand;
use cspdesk_api::customers::dto::{CustomerRef, OrganizationDto};
use cspdesk_api::customers::organizations;
use cspdesk_store::Database;

/// What to do with customer organizations.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// List the organizations with their tenants.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Add customers to an organization, creating it if there is none with that name.
    Add {
        /// The organization's name, e.g. "Contoso Group".
        name: String,
        /// Customers to add: tenant id, domain or exact company name.
        customers: Vec<String>,
        /// Look the customers up under this partner account only (name or id).
        #[arg(long, value_name = "ACCOUNT")]
        account: Option<String>,
    },
    /// Show one organization and its tenants.
    Show {
        /// The organization's name (or id).
        name: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove customers from an organization, or without customers delete it (its
    /// customers stay).
    Remove {
        /// The organization's name (or id).
        name: String,
        /// Customers to remove: tenant id, domain or exact company name.
        customers: Vec<String>,
        /// Look the customers up under this partner account only (name or id).
        #[arg(long, value_name = "ACCOUNT")]
        account: Option<String>,
    },
}

/// Runs one org subcommand against the database at `db` (or the default).
pub fn run(db: Option<&Path>, cmd: OrgCommand) -> anyhow::Result<()> {
    let db = Database::open_default(db).context("opening the CSP Desk database")?;
    let now = chrono::Utc::now();
    match cmd {
        OrgCommand::List { json } => {
            let list = organizations::list(&db)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print_list(&list);
            }
        }
        OrgCommand::Add {
            name,
            customers,
            account,
        } => {
            let members = resolve(&db, &customers, account.as_deref())?;
            let before = organizations::get(&db, &name).ok();
            let (org, created) = organizations::create_or_add(&db, &name, &members, now)?;
            if created {
                println!("created organization {}", org.name);
            }
            if !members.is_empty() {
                let added = org.members.len() - before.map_or(0, |o| o.members.len());
                println!("added {added} tenant(s) to {}", org.name);
            }
            print_org(&org);
        }
        OrgCommand::Show { name, json } => {
            let org = organizations::get(&db, &name)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&org)?);
            } else {
                print_org(&org);
            }
        }
        OrgCommand::Remove {
            name,
            customers,
            account,
        } if customers.is_empty() => {
            if account.is_some() {
                anyhow::bail!(
                    "--account only applies to the customers to remove: name them, or leave --account out to delete the organization"
                );
            }
            let org = organizations::delete(&db, &name, now)?;
            println!(
                "deleted organization {} ({} tenant(s) released; the customers stay)",
                org.name,
                org.members.len()
            );
        }
        OrgCommand::Remove {
            name,
            customers,
            account,
        } => {
            let members = resolve(&db, &customers, account.as_deref())?;
            let before = organizations::get(&db, &name)?.members.len();
            let org = organizations::remove_members(&db, &name, &members, now)?;
            println!(
                "removed {} tenant(s) from {}",
                before - org.members.len(),
                org.name
            );
            print_org(&org);
        }
    }
    Ok(())
}

/// Resolves every typed customer, naming the one at fault.
fn resolve(
    db: &Database,
    customers: &[String],
    account: Option<&str>,
) -> anyhow::Result<Vec<CustomerRef>> {
    customers
        .iter()
        .map(|typed| {
            organizations::resolve_customer(db, typed, account)
                .map_err(|e| anyhow::anyhow!("customer {typed:?}: {}", e.message))
        })
        .collect()
}

fn print_list(list: &[OrganizationDto]) {
    if list.is_empty() {
        println!("no organizations yet: group tenants with `cspdesk org add NAME CUSTOMER...`");
        return;
    }
    let width = list
        .iter()
        .map(|o| o.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:width$}  {:>7}  COMPANIES", "NAME", "TENANTS");
    for o in list {
        let companies: Vec<&str> = o.members.iter().map(|m| m.company_name.as_str()).collect();
        println!(
            "{:width$}  {:>7}  {}",
            o.name,
            o.members.len(),
            companies.join(", ")
        );
    }
}

fn print_org(org: &OrganizationDto) {
    println!("{} (created {})", org.name, org.created_at);
    if org.members.is_empty() {
        println!(
            "no tenants yet: add some with `cspdesk org add {:?} CUSTOMER...`",
            org.name
        );
        return;
    }
    let col = |f: fn(&cspdesk_api::customers::dto::OrganizationMemberDto) -> &str, head: &str| {
        org.members
            .iter()
            .map(|m| f(m).chars().count())
            .max()
            .unwrap_or(0)
            .max(head.chars().count())
    };
    let company = col(|m| &m.company_name, "COMPANY");
    let domain = col(|m| &m.domain, "DOMAIN");
    let account = col(|m| &m.account_name, "ACCOUNT");
    println!(
        "{:company$}  {:domain$}  {:account$}  CUSTOMER ID",
        "COMPANY", "DOMAIN", "ACCOUNT"
    );
    for m in &org.members {
        println!(
            "{:company$}  {:domain$}  {:account$}  {}",
            m.company_name, m.domain, m.account_name, m.customer_id
        );
    }
}
