//! `cspdesk stack ...`: Azure Stack Hub registrations and the customer subscriptions added to
//! them, through ARM as the signed-in account, for operators who script tenant onboarding.

use std::path::Path;

use clap::{Args, Subcommand};
use cspdesk_api::azure_stack::dto::{
    AddStackCustomerDto, RegistrationRefDto, StackCustomerSubscriptionDto, StackOverviewDto,
};
use cspdesk_api::azure_stack::registrations::{self as azure_stack};

use crate::commands::accounts::sign_in::{open_db, runtime};

/// Azure Stack Hub subcommands.
#[derive(Debug, Subcommand)]
pub enum StackCommand {
    /// Registrations: list (as kept, or read from Azure with --refresh).
    #[command(subcommand)]
    Registration(RegistrationCommand),
    /// Partner subscriptions holding registrations: add, remove.
    #[command(subcommand)]
    Subscription(SubscriptionCommand),
    /// Customer subscriptions of a registration: add, list, remove, verify.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Usage read from each Stack's admin endpoint: import, list (rated totals).
    #[command(subcommand)]
    Usage(super::stack_usage::UsageCommand),
}

/// `stack registration ...`
#[derive(Debug, Subcommand)]
pub enum RegistrationCommand {
    /// List the account's registrations.
    List {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// Read them from Azure first (otherwise: as last read).
        #[arg(long)]
        refresh: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Set where the registration's Stack answers its admin Resource Manager
    /// (https://adminmanagement.<region>.<fqdn>) and its Default Provider Subscription.
    Endpoint {
        #[command(flatten)]
        at: RegistrationArgs,
        /// The admin endpoint URL.
        endpoint: String,
        /// The Stack's Default Provider Subscription id.
        #[arg(long)]
        provider_subscription: String,
    },
}

/// `stack subscription ...`
#[derive(Debug, Subcommand)]
pub enum SubscriptionCommand {
    /// Name a CSP (or CSP Shared Services) subscription holding registrations, and read them.
    Add {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// The subscription id.
        subscription: String,
    },
    /// Forget a subscription and what was read under it (nothing changes in Azure).
    Remove {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// The subscription id.
        subscription: String,
    },
}

/// Which registration.
#[derive(Debug, Args)]
pub struct RegistrationArgs {
    /// The partner account (name or id).
    #[arg(long)]
    pub(super) account: String,
    /// The registration's name (azurestack-<CloudID>).
    #[arg(long)]
    registration: String,
    /// Its resource group.
    #[arg(long, default_value = "azurestack")]
    resource_group: String,
    /// The partner subscription holding it (default: the account's only one).
    #[arg(long)]
    registration_subscription: Option<String>,
}

/// `stack customer ...`
#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Add a customer's Azure subscription: its tenant's Stack usage is billed to it.
    Add {
        #[command(flatten)]
        at: RegistrationArgs,
        /// The customer's Azure subscription id.
        subscription: String,
        /// The customer's tenant id (default: from Discovery).
        #[arg(long)]
        tenant: Option<String>,
    },
    /// List the customer subscriptions (as kept; `stack registration list --refresh` reads Azure).
    List {
        #[command(flatten)]
        at: RegistrationArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove a customer subscription: its tenant's usage goes to the default subscription.
    Remove {
        #[command(flatten)]
        at: RegistrationArgs,
        /// The customer's Azure subscription id.
        subscription: String,
    },
    /// Ask Azure whether a customer subscription is still added.
    Verify {
        #[command(flatten)]
        at: RegistrationArgs,
        /// The customer's Azure subscription id.
        subscription: String,
    },
}

/// Runs one `stack` subcommand.
pub fn run(db: Option<&Path>, cmd: StackCommand) -> anyhow::Result<()> {
    let db = open_db(db)?;
    let rt = runtime()?;
    let now = chrono::Utc::now();
    match cmd {
        StackCommand::Registration(RegistrationCommand::List {
            account,
            refresh,
            json,
        }) => {
            let overview = if refresh {
                rt.block_on(azure_stack::refresh(&db, &account, now))?
            } else {
                azure_stack::overview(&cspdesk_api::lock(&db), &account)?
            };
            print_overview(&overview, json)?;
        }
        StackCommand::Registration(RegistrationCommand::Endpoint {
            at,
            endpoint,
            provider_subscription,
        }) => {
            super::stack_usage::set_endpoint(&db, &at, &endpoint, &provider_subscription, now)?;
        }
        StackCommand::Usage(cmd) => super::stack_usage::run(&db, &rt, cmd, now)?,
        StackCommand::Subscription(SubscriptionCommand::Add {
            account,
            subscription,
        }) => {
            let overview = rt.block_on(azure_stack::add_registration_subscription(
                &db,
                &account,
                &subscription,
                now,
            ))?;
            print_overview(&overview, false)?;
        }
        StackCommand::Subscription(SubscriptionCommand::Remove {
            account,
            subscription,
        }) => {
            let overview = azure_stack::remove_registration_subscription(
                &cspdesk_api::lock(&db),
                &account,
                &subscription,
                now,
            )?;
            print_overview(&overview, false)?;
        }
        StackCommand::Customer(CustomerCommand::Add {
            at,
            subscription,
            tenant,
        }) => {
            let registration = registration(&db, &at)?;
            let list = rt.block_on(azure_stack::add_customer_subscription(
                &db,
                &at.account,
                &AddStackCustomerDto {
                    registration,
                    subscription_id: subscription.clone(),
                    tenant_id: tenant,
                },
                now,
            ))?;
            println!("Added {subscription} to {}.", at.registration);
            print_customers(&list, false)?;
        }
        StackCommand::Customer(CustomerCommand::List { at, json }) => {
            let registration = registration(&db, &at)?;
            let list = azure_stack::customer_subscriptions(
                &cspdesk_api::lock(&db),
                &at.account,
                &registration,
            )?;
            print_customers(&list, json)?;
        }
        StackCommand::Customer(CustomerCommand::Remove { at, subscription }) => {
            let registration = registration(&db, &at)?;
            let list = rt.block_on(azure_stack::remove_customer_subscription(
                &db,
                &at.account,
                &registration,
                &subscription,
                now,
            ))?;
            println!(
                "Removed {subscription} from {}: its tenant's usage now bills to the registration's subscription.",
                at.registration
            );
            print_customers(&list, false)?;
        }
        StackCommand::Customer(CustomerCommand::Verify { at, subscription }) => {
            let registration = registration(&db, &at)?;
            rt.block_on(azure_stack::verify_customer_subscription(
                &db,
                &at.account,
                &registration,
                &subscription,
                now,
            ))?;
            println!("Azure has {subscription} added to {}.", at.registration);
        }
    }
    Ok(())
}

/// The registration named by `at`.
pub(super) fn registration(
    db: &std::sync::Mutex<cspdesk_store::Database>,
    at: &RegistrationArgs,
) -> anyhow::Result<RegistrationRefDto> {
    let subscription_id = match &at.registration_subscription {
        Some(s) => s.trim().to_ascii_lowercase(),
        None => {
            let overview = azure_stack::overview(&cspdesk_api::lock(db), &at.account)?;
            match overview.subscriptions.as_slice() {
                [only] => only.clone(),
                [] => anyhow::bail!("{} has no Azure Stack registration subscription: add one with `cspdesk stack subscription add --account {} SUBSCRIPTION`", at.account, at.account),
                _ => anyhow::bail!("{} has several registration subscriptions: name one with --registration-subscription", at.account),
            }
        }
    };
    Ok(RegistrationRefDto {
        subscription_id,
        resource_group: at.resource_group.clone(),
        name: at.registration.clone(),
    })
}

fn print_overview(overview: &StackOverviewDto, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(overview)?);
        return Ok(());
    }
    for s in &overview.set_aside {
        eprintln!(
            "warning: Azure listed an item CSP Desk could not read and did not keep: {} ({}, item {} of {})",
            s.reason, s.field, s.index, s.endpoint
        );
    }
    if overview.subscriptions.is_empty() {
        println!("No registration subscription yet: add the CSP subscription holding your Azure Stack Hub registrations with `cspdesk stack subscription add --account NAME SUBSCRIPTION`.");
        return Ok(());
    }
    if overview.registrations.is_empty() {
        println!(
            "No registrations found in {}.",
            overview.subscriptions.join(", ")
        );
    }
    for r in &overview.registrations {
        println!(
            "{}  {}/{}  {}  cloud {}  {} customer subscription(s)  read {}",
            r.at.name,
            r.at.subscription_id,
            r.at.resource_group,
            r.billing_model,
            r.cloud_id,
            r.customer_subscriptions,
            r.read_at
        );
    }
    Ok(())
}

fn print_customers(list: &[StackCustomerSubscriptionDto], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(list)?);
    } else if list.is_empty() {
        println!("No customer subscriptions: every tenant's usage bills to the registration's subscription.");
    } else {
        for m in list {
            println!(
                "{}  tenant {}  {}",
                m.subscription_id,
                m.tenant_id,
                m.company_name
                    .as_deref()
                    .unwrap_or("(customer not discovered)")
            );
        }
    }
    Ok(())
}
