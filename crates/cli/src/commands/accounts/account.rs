//! `cspdesk account add | list | remove`: the Accounts page, headless.

use std::path::Path;

use anyhow::Context;
use clap::Subcommand;
use cspdesk_api::accounts::dto::AccountSettingsDto;
use cspdesk_api::accounts::dto::{AccountDto, NewAccount};
use cspdesk_api::accounts::partner_accounts::{self as accounts};
use cspdesk_api::accounts::settings::{self as account_settings};
use cspdesk_api::ApiError;
use cspdesk_store::Database;

/// What to do with partner accounts.
#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Register a partner account.
    Add {
        /// Display name, e.g. "Contoso CSP".
        #[arg(long)]
        name: String,
        /// Partner tenant id (a GUID: Partner Center > Account settings > Account ID).
        #[arg(long)]
        tenant: String,
    },
    /// List the partner accounts.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove a partner account by name (or id).
    Remove {
        /// The account's name or id.
        name: String,
    },
    /// Show an account's sign-in settings.
    Show {
        /// The account's name or id.
        name: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change where an account signs in: its registered app and, if needed, the hosts.
    Set {
        /// The account's name or id.
        name: String,
        /// Application (client) ID of the native app registered for CSP Desk.
        #[arg(long)]
        client_id: Option<String>,
        /// Identity authority (default https://login.microsoftonline.com).
        #[arg(long)]
        authority: Option<String>,
        /// Partner Center REST base (default https://api.partnercenter.microsoft.com).
        #[arg(long)]
        partner_center: Option<String>,
        /// Azure Resource Manager base (default https://management.azure.com).
        #[arg(long)]
        arm: Option<String>,
        /// Microsoft Graph base with its version (default https://graph.microsoft.com/v1.0).
        #[arg(long)]
        graph: Option<String>,
        /// The Pricing API base with its version (default https://api.partner.microsoft.com/v1.0):
        /// price sheets and FX rates.
        #[arg(long)]
        pricing: Option<String>,
    },
}

/// Runs one account subcommand against the database at `db` (or the default).
pub fn run(db: Option<&Path>, cmd: AccountCommand) -> anyhow::Result<()> {
    let db = Database::open_default(db).context("opening the CSP Desk database")?;
    match cmd {
        AccountCommand::Add { name, tenant } => {
            let added = accounts::add(
                &db,
                &NewAccount {
                    name,
                    tenant_id: tenant,
                },
                chrono::Utc::now(),
            )
            .map_err(with_flag)?;
            println!(
                "added {} (partner tenant {}, id {})",
                added.name, added.tenant_id, added.id
            );
        }
        AccountCommand::List { json } => {
            let list = accounts::list(&db, chrono::Utc::now())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                print_table(&list);
            }
        }
        AccountCommand::Remove { name } => {
            let removed = accounts::remove(&db, &name, chrono::Utc::now())?;
            println!(
                "removed {} (partner tenant {})",
                removed.name, removed.tenant_id
            );
        }
        AccountCommand::Show { name, json } => {
            print_settings(&account_settings::get(&db, &name)?, json)?
        }
        AccountCommand::Set {
            name,
            client_id,
            authority,
            partner_center,
            arm,
            graph,
            pricing,
        } => {
            let mut settings = account_settings::get(&db, &name)?;
            if let Some(v) = client_id {
                settings.client_id = v;
            }
            if let Some(v) = authority {
                settings.authority = v;
            }
            if let Some(v) = partner_center {
                settings.partner_center_base = v;
            }
            if let Some(v) = arm {
                settings.arm_base = v;
            }
            if let Some(v) = graph {
                settings.graph_base = Some(v);
            }
            if let Some(v) = pricing {
                settings.pricing_base = Some(v);
            }
            let saved = account_settings::update(&db, &name, &settings, chrono::Utc::now())
                .map_err(with_flag)?;
            print_settings(&saved, false)?;
        }
    }
    Ok(())
}

/// Names the command-line flag behind a field error, so the message points at what to retype.
fn with_flag(e: ApiError) -> anyhow::Error {
    match e.field.as_deref() {
        Some("name") => anyhow::anyhow!("--name: {}", e.message),
        Some("tenantId") => anyhow::anyhow!("--tenant: {}", e.message),
        Some("clientId") => anyhow::anyhow!("--client-id: {}", e.message),
        Some("authority") => anyhow::anyhow!("--authority: {}", e.message),
        Some("partnerCenterBase") => anyhow::anyhow!("--partner-center: {}", e.message),
        Some("armBase") => anyhow::anyhow!("--arm: {}", e.message),
        Some("graphBase") => anyhow::anyhow!("--graph: {}", e.message),
        Some("pricingBase") => anyhow::anyhow!("--pricing: {}", e.message),
        _ => e.into(),
    }
}

fn print_table(list: &[AccountDto]) {
    if list.is_empty() {
        println!(
            "no partner accounts yet: add one with `cspdesk account add --name NAME --tenant GUID`"
        );
        return;
    }
    let width = list
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:width$}  {:36}  CREATED", "NAME", "PARTNER TENANT");
    for a in list {
        println!("{:width$}  {:36}  {}", a.name, a.tenant_id, a.created_at);
    }
}

fn print_settings(s: &AccountSettingsDto, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(s)?);
    } else {
        let client = if s.client_id.is_empty() {
            "(not set: cspdesk account set NAME --client-id GUID)"
        } else {
            &s.client_id
        };
        println!(
            "client id       {client}\nauthority       {}\npartner center  {}\narm             {}\ngraph           {}\npricing         {}",
            s.authority,
            s.partner_center_base,
            s.arm_base,
            s.graph_base.as_deref().unwrap_or(""),
            s.pricing_base.as_deref().unwrap_or("")
        );
    }
    Ok(())
}
