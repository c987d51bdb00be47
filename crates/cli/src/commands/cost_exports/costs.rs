//! `cspdesk costs source add | list | renew | remove`, `costs import` and `costs summary`:
//! Azure MCA partner billing from Cost Management exports, headless. A source is a storage
//! container the partner's exports are delivered to, reached with a SAS URL that goes to the
//! OS keyring (pass `--sas-url -` to read it from stdin, out of shell history and process
//! listings); `import` reads the new export runs; `summary` splits the costs per customer,
//! organization and pricing model.

use std::io::BufRead;
use std::path::Path;

use anyhow::{bail, Context};
use clap::Subcommand;
use cspdesk_api::cost_exports::dto::{
    CostDatasetDto, CostImportEvent, CostScopeKind, CostSourceDto, CostSplitDto, NewCostSource,
};
use cspdesk_api::cost_exports::{costs, import, sources};
use cspdesk_store::{accounts, Database};

/// What to do with cost export sources and their costs.
#[derive(Debug, Subcommand)]
pub enum CostsCommand {
    /// Export destinations (storage containers) of a partner account.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Import the new export runs of an account's sources (every account without --account).
    Import {
        /// The partner account (name or id).
        #[arg(long)]
        account: Option<String>,
        /// Only this source (name or id).
        #[arg(long)]
        source: Option<String>,
        /// Print the summary as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Imported costs per customer, organization and pricing model.
    Summary {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// One billing month (YYYY-MM); every month without.
        #[arg(long)]
        month: Option<String>,
        /// The amortized view (commitments spread over the days they cover) instead of actual cost.
        #[arg(long)]
        amortized: bool,
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
    },
}

/// What to do with sources.
#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Add a source: where an account's Cost Management exports are delivered.
    Add {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// A name for the source.
        #[arg(long)]
        name: String,
        /// Where the exports are defined: billing-account[:ID], billing-profile[:ID] or customer:TENANT.
        #[arg(long)]
        scope: String,
        /// The container's SAS URL (Read + List), or - to read it from stdin.
        #[arg(long, value_name = "URL")]
        sas_url: String,
        /// Only read runs under this folder (the exports' root folder path).
        #[arg(long, value_name = "PATH")]
        root_folder: Option<String>,
    },
    /// List sources with when their SAS expires (never the SAS).
    List {
        /// The partner account (name or id); every account without.
        #[arg(long)]
        account: Option<String>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Give a source a new SAS URL for the same container (before or after the old one expires).
    Renew {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// The source (name or id).
        source: String,
        /// The new SAS URL, or - to read it from stdin.
        #[arg(long, value_name = "URL")]
        sas_url: String,
    },
    /// Remove a source with its imported costs and its SAS.
    Remove {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// The source (name or id).
        source: String,
    },
}

fn sas_url(arg: String) -> anyhow::Result<String> {
    if arg != "-" {
        return Ok(arg);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the SAS URL from stdin")?;
    Ok(line.trim().to_string())
}

fn scope(text: &str) -> anyhow::Result<(CostScopeKind, Option<String>)> {
    let (kind, id) = match text.split_once(':') {
        Some((k, id)) => (k, Some(id.to_string())),
        None => (text, None),
    };
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "billing-account" => CostScopeKind::BillingAccount,
        "billing-profile" => CostScopeKind::BillingProfile,
        "customer" => CostScopeKind::Customer,
        other => bail!(
            "--scope {other:?} is not a scope: use billing-account[:ID], billing-profile[:ID] or customer:TENANT"
        ),
    };
    Ok((kind, id))
}

fn scope_text(s: &CostSourceDto) -> String {
    let kind = match s.scope {
        CostScopeKind::BillingAccount => "billing-account",
        CostScopeKind::BillingProfile => "billing-profile",
        CostScopeKind::Customer => "customer",
    };
    match &s.scope_id {
        Some(id) => format!("{kind}:{id}"),
        None => kind.to_string(),
    }
}

fn expiry_text(s: &CostSourceDto) -> String {
    if s.sas_expired {
        format!("{} (EXPIRED: renew it)", s.sas_expires_at)
    } else if s.sas_expiring_soon {
        format!("{} (expires soon)", s.sas_expires_at)
    } else {
        s.sas_expires_at.clone()
    }
}

/// Runs one costs subcommand against the database at `db` (or the default).
pub fn run(db: Option<&Path>, cmd: CostsCommand) -> anyhow::Result<()> {
    let mut db = Database::open_default(db).context("opening the CSP Desk database")?;
    let now = chrono::Utc::now();
    match cmd {
        CostsCommand::Source(SourceCommand::Add {
            account,
            name,
            scope: scope_arg,
            sas_url: url,
            root_folder,
        }) => {
            let (kind, scope_id) = scope(&scope_arg)?;
            let source = sources::add_source(
                &db,
                &NewCostSource {
                    account,
                    name,
                    scope: kind,
                    scope_id,
                    sas_url: sas_url(url)?,
                    root_folder,
                },
                now,
            )?;
            println!(
                "added source {:?} reading {} ({}); its SAS is in the keyring and expires {}",
                source.name,
                source.container_url,
                scope_text(&source),
                expiry_text(&source)
            );
        }
        CostsCommand::Source(SourceCommand::List { account, json }) => {
            let list = sources::list_sources(&db, account.as_deref(), now)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("No cost export sources: add one with `cspdesk costs source add`.");
            } else {
                let names: std::collections::HashMap<String, String> = accounts::list(&db)?
                    .into_iter()
                    .map(|a| (a.id, a.name))
                    .collect();
                println!(
                    "{:<16} {:<20} {:<34} {:>5}  {:<38} CONTAINER",
                    "ACCOUNT", "SOURCE", "SCOPE", "RUNS", "SAS EXPIRES"
                );
                for s in &list {
                    println!(
                        "{:<16} {:<20} {:<34} {:>5}  {:<38} {}{}",
                        names.get(&s.account_id).map_or("?", String::as_str),
                        s.name,
                        scope_text(s),
                        s.runs,
                        expiry_text(s),
                        s.container_url,
                        if s.root_folder.is_empty() {
                            String::new()
                        } else {
                            format!(" /{}", s.root_folder)
                        }
                    );
                }
            }
        }
        CostsCommand::Source(SourceCommand::Renew {
            account,
            source,
            sas_url: url,
        }) => {
            let s = sources::renew_sas(&db, &account, &source, &sas_url(url)?, now)?;
            println!(
                "renewed the SAS of {:?}: it expires {}",
                s.name,
                expiry_text(&s)
            );
        }
        CostsCommand::Source(SourceCommand::Remove { account, source }) => {
            let s = sources::remove_source(&db, &account, &source, now)?;
            println!(
                "removed source {:?} with its {} imported run(s) and its SAS",
                s.name, s.runs
            );
        }
        CostsCommand::Import {
            account,
            source,
            json,
        } => import(&mut db, account, source, json, now)?,
        CostsCommand::Summary {
            account,
            month,
            amortized,
            json,
        } => {
            let dataset = if amortized {
                CostDatasetDto::Amortized
            } else {
                CostDatasetDto::Actual
            };
            let split = costs::split(&db, &account, dataset, month.as_deref())?;
            if json {
                println!("{}", serde_json::to_string_pretty(&split)?);
            } else {
                print_split(&split);
            }
        }
    }
    Ok(())
}

fn import(
    db: &mut Database,
    account: Option<String>,
    source: Option<String>,
    json: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let targets: Vec<String> = match account {
        Some(a) => vec![a],
        None => {
            let with_sources: std::collections::BTreeSet<String> =
                sources::list_sources(db, None, now)?
                    .into_iter()
                    .map(|s| s.account_id)
                    .collect();
            if with_sources.is_empty() {
                bail!(
                    "no account has a cost export source: add one with `cspdesk costs source add`"
                );
            }
            with_sources.into_iter().collect()
        }
    };
    let mut all = Vec::new();
    for account in targets {
        let mut report = |e: CostImportEvent| {
            if json {
                return;
            }
            match e {
                CostImportEvent::Listed {
                    source_name,
                    manifests,
                } => eprintln!("{source_name}: {manifests} export run(s) in the container"),
                CostImportEvent::Planned { runs, rows, .. } if runs > 0 => {
                    eprintln!("importing {runs} run(s), {rows} rows")
                }
                CostImportEvent::RunImported { run } => eprintln!(
                    "  {} {:?} {}: {} rows{}",
                    run.month_folder,
                    run.dataset,
                    run.export_name,
                    run.rows,
                    run.replaced
                        .map(|r| format!(" (replaces run {r})"))
                        .unwrap_or_default()
                ),
                _ => {}
            }
        };
        all.extend(import::import(
            db,
            &account,
            source.as_deref(),
            now,
            &mut report,
        )?);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
        return Ok(());
    }
    for s in &all {
        let skipped = s.skipped.iter().filter(|k| !k.already_imported).count();
        println!(
            "{}: {} run(s) found, {} imported, {} already imported, {} skipped; {} rows in {} ms",
            s.source_name,
            s.runs_found,
            s.imported.len(),
            s.skipped.len() - skipped,
            skipped,
            s.rows,
            s.duration_ms
        );
        for r in &s.imported {
            println!(
                "  {} {:<9} {:<24} {:>9} rows{}",
                r.month_folder,
                format!("{:?}", r.dataset).to_lowercase(),
                r.export_name,
                r.rows,
                r.replaced
                    .as_ref()
                    .map(|x| format!("  replaces {x}"))
                    .unwrap_or_default()
            );
        }
        for k in s.skipped.iter().filter(|k| !k.already_imported) {
            println!("  skipped {}: {}", k.manifest_path, k.reason);
        }
    }
    Ok(())
}

fn print_split(split: &CostSplitDto) {
    let view = match split.dataset {
        CostDatasetDto::Actual => "actual cost",
        CostDatasetDto::Amortized => "amortized cost",
    };
    if split.customers.is_empty() {
        println!(
            "No imported {view}{}: run `cspdesk costs import` first (months with costs: {}).",
            split
                .month
                .as_ref()
                .map(|m| format!(" in {m}"))
                .unwrap_or_default(),
            if split.months.is_empty() {
                "none".into()
            } else {
                split.months.join(", ")
            }
        );
        return;
    }
    println!("Per customer ({view}):");
    println!(
        "{:<8} {:<32} {:<37} {:<20} {:<4} {:>16} {:>16}",
        "MONTH", "CUSTOMER", "TENANT", "ORGANIZATION", "CUR", "COST", "COMMITMENTS"
    );
    for c in &split.customers {
        println!(
            "{:<8} {:<32} {:<37} {:<20} {:<4} {:>16} {:>16}",
            c.month,
            c.customer_name,
            c.customer_tenant_id.as_deref().unwrap_or("(none)"),
            c.organization_name.as_deref().unwrap_or(""),
            c.currency,
            c.cost,
            c.commitment_cost
        );
    }
    if !split.organizations.is_empty() {
        println!("\nPer organization:");
        println!(
            "{:<8} {:<32} {:>9} {:<4} {:>16}",
            "MONTH", "ORGANIZATION", "CUSTOMERS", "CUR", "COST"
        );
        for o in &split.organizations {
            println!(
                "{:<8} {:<32} {:>9} {:<4} {:>16}",
                o.month, o.organization_name, o.customers, o.currency, o.cost
            );
        }
    }
    println!("\nPer pricing model:");
    println!(
        "{:<8} {:<12} {:<18} {:<4} {:>9} {:>16}",
        "MONTH", "PRICING", "CHARGE", "CUR", "ROWS", "COST"
    );
    for p in &split.pricing_models {
        println!(
            "{:<8} {:<12} {:<18} {:<4} {:>9} {:>16}",
            p.month,
            if p.pricing_model.is_empty() {
                "(none)"
            } else {
                &p.pricing_model
            },
            p.charge_type,
            p.currency,
            p.rows,
            p.cost
        );
    }
}
