//! `cspdesk rate [--account NAME] [--period YYYY-MM]` rates the imported usage that changed
//! since the last rating; `cspdesk reconcile --period YYYY-MM [--account NAME] [--json]`
//! compares the rated Azure plan cost with the invoice's daily rated usage, per customer, with
//! each customer's resale and margin, then the period's licence charges billed away from
//! their term's licence sheet price (both prices; `--json`: one object with `licenceFlag`).

use std::path::Path;

use anyhow::Context;
use clap::Args;
use cspdesk_api::rating::dto::{RateSummaryDto, ReconciliationDto};
use cspdesk_api::rating::licence_check::{
    check_licences, LicenceCheckDto, SheetChoice, TermDatedBy,
};
use cspdesk_api::rating::rate;
use cspdesk_store::Database;

/// `cspdesk rate`.
#[derive(Debug, Args)]
pub struct RateArgs {
    /// Rate this partner account only (name or id); all accounts by default.
    #[arg(long)]
    pub account: Option<String>,
    /// Rate this billing period only (YYYY-MM); every period with usage by default.
    #[arg(long, value_name = "YYYY-MM")]
    pub period: Option<String>,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `cspdesk reconcile`.
#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// The billing period (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub period: String,
    /// Reconcile this partner account only (name or id); all accounts by default.
    #[arg(long)]
    pub account: Option<String>,
    /// Print one JSON object per customer, one per line, instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Rates what changed and prints what was rated.
pub fn rate(db: Option<&Path>, args: RateArgs) -> anyhow::Result<()> {
    let mut db = Database::open_default(db).context("opening the CSP Desk database")?;
    let summary = rate::rate(
        &mut db,
        args.account.as_deref(),
        args.period.as_deref(),
        chrono::Utc::now(),
    )?;
    if args.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        print_summary(&summary);
    }
    Ok(())
}

fn print_summary(s: &RateSummaryDto) {
    for p in &s.periods {
        let who = p.customer_name.as_deref().unwrap_or(&p.customer_id);
        match &p.refused {
            Some(why) => println!("{}  {}  {who}: not rated: {why}", p.account_name, p.period),
            None => println!(
                "{}  {}  {who}: {} lines from {} usage records, {} {}",
                p.account_name,
                p.period,
                p.lines,
                p.usage_records,
                p.cost.as_deref().unwrap_or("0"),
                p.currency.as_deref().unwrap_or_default()
            ),
        }
    }
    println!(
        "rated {} customer-period(s) ({} lines), {} unchanged, {} refused, {} removed",
        s.rated, s.lines_written, s.unchanged, s.refused, s.removed
    );
}

/// Reconciles a period and prints one line (or JSON object) per customer.
pub fn reconcile(db: Option<&Path>, args: ReconcileArgs) -> anyhow::Result<()> {
    let db = Database::open_default(db).context("opening the CSP Desk database")?;
    let rows = cspdesk_api::billing::reconciliation::reconcile(
        &db,
        &args.period,
        args.account.as_deref(),
    )?;
    let licences = check_licences(
        &db,
        args.account.as_deref(),
        Some(&args.period),
        SheetChoice::OrderMonth,
    )?;
    if args.json {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let flags = licences
            .flags
            .iter()
            .map(|f| serde_json::json!({ "licenceFlag": f }));
        let lines = rows
            .iter()
            .map(serde_json::to_value)
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .chain(flags);
        for line in lines {
            // A reader that went away (a closed pipe, `| head`) has all it wanted.
            if writeln!(out, "{line}").is_err() {
                break;
            }
        }
    } else {
        print_table(&rows);
        print_licences(&licences);
    }
    Ok(())
}

fn print_licences(l: &LicenceCheckDto) {
    if l.checked + l.not_checked == 0 {
        return;
    }
    println!(
        "licences: {} charges checked against their term's licence sheet price, {} without their term month's sheet; terms dated by the lines' subscription start: {}, by the subscription's creation (the lines sent no term dates): {}",
        l.checked, l.not_checked, l.dated_by_line, l.dated_by_creation
    );
    for f in &l.flags {
        println!(
            "  licence billed away from its term's price: {} {} {} ({} {} {}, term from {}{}): billed {} {}, list {} {} (x{}) on {}",
            f.customer,
            f.product,
            f.subscription_id,
            f.term,
            f.billing_plan,
            f.charge_type,
            f.term_month,
            match f.term_dated_by {
                TermDatedBy::LineTerm => "",
                TermDatedBy::SubscriptionCreation => ", dated by the subscription's creation",
            },
            f.billed_unit_price,
            f.currency,
            f.list_unit_price,
            f.currency,
            f.quantity,
            f.document,
        );
    }
}

fn print_table(rows: &[ReconciliationDto]) {
    if rows.is_empty() {
        println!("nothing to reconcile: no rated usage and no invoice usage for this period");
        return;
    }
    for r in rows {
        let who = r.customer_name.as_deref().unwrap_or(&r.customer);
        let cur = r.currency.as_deref().unwrap_or_default();
        match &r.refused {
            Some(why) => println!("{who}: refused: {why}"),
            None => {
                println!(
                    "{who}: rated {} {cur}, invoiced {} {cur}, resale {} {cur}, margin {} {cur}, difference {}, unexplained {} ({} of {} lines equal)",
                    r.rated.as_deref().unwrap_or("-"),
                    r.invoiced.as_deref().unwrap_or("-"),
                    r.resale.as_deref().unwrap_or("-"),
                    r.margin.as_deref().unwrap_or("-"),
                    r.difference.as_deref().unwrap_or("-"),
                    r.unexplained.as_deref().unwrap_or("-"),
                    r.lines_matched,
                    r.lines_compared,
                );
                for (cause, amount) in &r.causes {
                    println!("    {cause}: {amount}");
                }
            }
        }
    }
}
