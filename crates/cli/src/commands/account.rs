//! `cspdesk account add | list | remove`: the Accounts page, headless.

use std::path::Path;

use anyhow::Context;
use clap::Subcommand;
use cspdesk_api::accounts::{self, AccountDto, NewAccount};
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
    }
    Ok(())
}

/// Names the command-line flag behind a field error, so the message points at what to retype.
fn with_flag(e: ApiError) -> anyhow::Error {
    match e.field.as_deref() {
        Some("name") => anyhow::anyhow!("--name: {}", e.message),
        Some("tenantId") => anyhow::anyhow!("--tenant: {}", e.message),
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
