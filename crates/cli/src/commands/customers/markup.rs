//! `cspdesk markup set | list | history`: customer markups (resale prices) headless.

use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use cspdesk_api::customers::dto::{MarkupDto, MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::organizations;
use cspdesk_api::customers::{markup_preview, markups};
use cspdesk_store::Database;

/// Who the markup is for.
#[derive(Debug, Args)]
pub struct Target {
    /// A customer: tenant id, domain or exact company name.
    #[arg(long, conflicts_with = "org", required_unless_present = "org")]
    customer: Option<String>,
    /// Look the customer up under this partner account only (name or id).
    #[arg(long, requires = "customer")]
    account: Option<String>,
    /// An organization (name or id) instead of a customer.
    #[arg(long)]
    org: Option<String>,
}

/// What to do with markups.
#[derive(Debug, Subcommand)]
pub enum MarkupCommand {
    /// Set markup terms from a day (default today): a percentage, category overrides, a fee.
    Set {
        #[command(flatten)]
        target: Target,
        /// Percentage on cost for every meter category (negative = discount), e.g. 12.
        #[arg(long, allow_hyphen_values = true, conflicts_with = "list_percent")]
        percent: Option<String>,
        /// Percentage on the list price instead ("list + x %"), e.g. 5: rated usage is resold
        /// at its list cost × (1 + x %); lines without a list price at their cost.
        #[arg(long, allow_hyphen_values = true)]
        list_percent: Option<String>,
        /// A category override as CATEGORY=PERCENT (repeatable), e.g. "Virtual Machines=5";
        /// CATEGORY= removes the override.
        #[arg(long = "category", value_name = "CATEGORY=PERCENT")]
        categories: Vec<String>,
        /// Fixed fee per billing period in the billing currency, e.g. 50.00 (0 ends it).
        #[arg(long)]
        fee: Option<String>,
        /// First day it applies (YYYY-MM-DD).
        #[arg(long)]
        from: Option<NaiveDate>,
        /// Show what the change would have done to the last closed months; save nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Every customer and organization with a markup, as in effect today.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every change of one customer's or organization's markup.
    History {
        #[command(flatten)]
        target: Target,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn target(db: &Database, t: &Target) -> anyhow::Result<MarkupTargetDto> {
    Ok(match (&t.customer, &t.org) {
        (Some(c), _) => MarkupTargetDto::Customer {
            customer: organizations::resolve_customer(db, c, t.account.as_deref())?,
        },
        (None, Some(o)) => MarkupTargetDto::Organization {
            organization: o.clone(),
        },
        (None, None) => anyhow::bail!("say whose markup: --customer or --org"),
    })
}

fn print(m: &MarkupDto) {
    println!("{} (as of {})", m.name, m.on);
    println!(
        "  percentage: {}",
        m.percent
            .as_deref()
            .map_or("none".into(), |p| format!("{p}%"))
    );
    for (category, p) in &m.categories {
        println!("  {category}: {p}%");
    }
    println!(
        "  monthly fee: {}",
        m.monthly_fee.as_deref().unwrap_or("none")
    );
}

/// Runs one markup subcommand against the database at `db` (or the default).
pub fn run(db: Option<&Path>, cmd: MarkupCommand) -> anyhow::Result<()> {
    let mut db = Database::open_default(db).context("opening the CSP Desk database")?;
    let now = chrono::Utc::now();
    let today = now.date_naive();
    match cmd {
        MarkupCommand::Set {
            target: t,
            percent,
            list_percent,
            categories,
            fee,
            from,
            dry_run,
        } => {
            let target = target(&db, &t)?;
            let mut terms = Vec::new();
            if let Some(percent) = percent {
                terms.push(MarkupTermDto::Percent { percent });
            }
            if let Some(percent) = list_percent {
                terms.push(MarkupTermDto::ListPercent { percent });
            }
            for c in categories {
                let (category, p) = c
                    .rsplit_once('=')
                    .with_context(|| format!("--category {c:?}: write it as CATEGORY=PERCENT"))?;
                terms.push(MarkupTermDto::CategoryPercent {
                    category: category.to_string(),
                    percent: (!p.trim().is_empty()).then(|| p.trim().to_string()),
                });
            }
            if let Some(fee) = fee {
                terms.push(MarkupTermDto::MonthlyFee { fee });
            }
            if dry_run {
                let preview =
                    markup_preview::preview(&db, &target, &terms, from.unwrap_or(today), now)?;
                if preview.months.is_empty() {
                    println!("Nothing is rated for the last closed months yet: run `cspdesk discover` and `cspdesk rate` first");
                }
                for m in &preview.months {
                    println!(
                        "{} {}: cost {}, resale {} -> {}, margin {} -> {} ({} customers)",
                        m.period,
                        m.currency,
                        m.cost,
                        m.resale_before,
                        m.resale_after,
                        m.margin_before,
                        m.margin_after,
                        m.customers
                    );
                }
                println!("(dry run: nothing saved)");
                return Ok(());
            }
            let m = markups::set(&mut db, &target, &terms, from.unwrap_or(today), now)?;
            print(&m);
        }
        MarkupCommand::List { json } => {
            let list = markups::list(&db, today)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("No markups yet: set one with `cspdesk markup set --customer NAME --percent 12`");
            } else {
                for m in &list {
                    print(m);
                }
            }
        }
        MarkupCommand::History { target: t, json } => {
            let m = markups::get(&db, &target(&db, &t)?, today)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&m.history)?);
            } else {
                println!("{}", m.name);
                for c in &m.history {
                    let what = match &c.term {
                        MarkupTermDto::Percent { percent } => format!("percentage {percent}%"),
                        MarkupTermDto::ListPercent { percent } => {
                            format!("list price + {percent}%")
                        }
                        MarkupTermDto::CategoryPercent { category, percent } => match percent {
                            Some(p) => format!("{category}: {p}%"),
                            None => format!("{category}: override removed"),
                        },
                        MarkupTermDto::MonthlyFee { fee } => format!("monthly fee {fee}"),
                    };
                    println!(
                        "  from {}: {what} (entered {})",
                        c.effective_from, c.created_at
                    );
                }
            }
        }
    }
    Ok(())
}
