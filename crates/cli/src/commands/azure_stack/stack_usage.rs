//! `cspdesk stack usage ...` and `cspdesk stack registration endpoint`: Azure Stack Hub usage
//! read from each Stack's admin endpoint, attributed to the mapped customer subscription or the
//! registration's default subscription, and rated per vCPU-hour; for operators who script the
//! month's Stack billing.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use clap::Subcommand;
use cspdesk_api::azure_stack::dto::{
    ImportStackUsageDto, SetStackAdminEndpointDto, StackAttributionDto, StackUsageTotalDto,
};
use cspdesk_api::azure_stack::usage::{self as stack_usage};
use cspdesk_store::Database;

use super::stack::{registration, RegistrationArgs};

/// `stack usage ...`
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Import daily usage of a registration's Stack (needs its admin endpoint set).
    Import {
        #[command(flatten)]
        at: RegistrationArgs,
        /// First day, YYYY-MM-DD (UTC; default: the first of yesterday's month).
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD (UTC; default: yesterday).
        #[arg(long)]
        to: Option<String>,
    },
    /// Rated Azure Stack totals per billed subscription and month, from what was imported.
    List {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// Only this month, YYYY-MM.
        #[arg(long)]
        month: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Sets a registration's admin endpoint and prints the account's endpoints.
pub fn set_endpoint(
    db: &Mutex<Database>,
    at: &RegistrationArgs,
    endpoint: &str,
    provider_subscription: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let input = SetStackAdminEndpointDto {
        registration: registration(db, at)?,
        endpoint: endpoint.to_string(),
        provider_subscription_id: provider_subscription.to_string(),
    };
    let all = stack_usage::set_admin_endpoint(&cspdesk_api::lock(db), &at.account, &input, now)?;
    for e in all {
        println!(
            "{}  {}  provider subscription {}  set {}",
            e.registration.name, e.endpoint, e.provider_subscription_id, e.set_at
        );
    }
    Ok(())
}

/// Runs one `stack usage` subcommand.
pub fn run(
    db: &Mutex<Database>,
    rt: &tokio::runtime::Runtime,
    cmd: UsageCommand,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    match cmd {
        UsageCommand::Import { at, from, to } => {
            let input = ImportStackUsageDto {
                registration: registration(db, &at)?,
                from,
                to,
            };
            let done = rt.block_on(cspdesk_api::imports::stack_usage::import_usage(
                db,
                &at.account,
                &input,
                now,
            ))?;
            println!(
                "Imported {} usage record(s) of {} user subscription(s) from {} to {} ({} replaced).",
                done.records, done.user_subscriptions, done.from, done.to, done.replaced
            );
        }
        UsageCommand::List {
            account,
            month,
            json,
        } => {
            let totals =
                stack_usage::usage_totals(&cspdesk_api::lock(db), &account, month.as_deref(), now)?;
            print_totals(&totals, json)?;
        }
    }
    Ok(())
}

fn print_totals(totals: &[StackUsageTotalDto], json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(totals)?);
        return Ok(());
    }
    if totals.is_empty() {
        println!("No Azure Stack usage imported: set the registration's endpoint (`cspdesk stack registration endpoint`), then `cspdesk stack usage import`.");
    }
    for t in totals {
        let who = match t.attribution {
            StackAttributionDto::Customer => t
                .company_name
                .clone()
                .unwrap_or_else(|| format!("tenant {}", t.tenant_id.as_deref().unwrap_or("?"))),
            StackAttributionDto::Default => "default subscription (unregistered tenants)".into(),
        };
        let unpriced = if t.unpriced_lines > 0 {
            format!(
                "  ({} meter(s) without an Azure Stack price)",
                t.unpriced_lines
            )
        } else {
            String::new()
        };
        println!(
            "{}  Azure Stack  {}  {}  {} {}{unpriced}",
            t.month, t.subscription_id, who, t.amount, t.currency
        );
        for l in &t.lines {
            println!(
                "    {}  {} {}  x {}  = {}",
                l.meter_name,
                l.quantity,
                l.unit,
                l.rate.as_deref().unwrap_or("-"),
                l.amount.as_deref().unwrap_or("unpriced")
            );
        }
    }
    Ok(())
}
