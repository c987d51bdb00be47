//! `cspdesk export ...`: the Billing, Customers and Subscriptions tables as CSV files, for
//! finance tools and scripts (RFC 4180, UTF-8, formula injection neutralised).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use cspdesk_api::billing::dto::ExportedDto;
use cspdesk_api::billing::dto::{LineColumn, LineQueryDto};
use cspdesk_api::billing::export::{self};
use cspdesk_api::billing::line_view::LineViews;
use cspdesk_api::billing::lines::LinesInView;
use cspdesk_export::CsvOptions;
use cspdesk_store::{accounts, Database};

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every invoice.
    Invoices(Out),
    /// One invoice's customers with cost, markup, fee, resale and margin.
    Invoice {
        /// The invoice number.
        #[arg(long)]
        id: String,
        /// The partner account (name or id); needed when several accounts are stored.
        #[arg(long)]
        account: Option<String>,
        #[command(flatten)]
        out: Out,
    },
    /// One customer's lines on an invoice.
    CustomerLines {
        /// The invoice number.
        #[arg(long)]
        invoice: String,
        /// The customer (tenant id).
        #[arg(long)]
        customer: String,
        /// The partner account (name or id); needed when several accounts are stored.
        #[arg(long)]
        account: Option<String>,
        /// For the customer: resale amounts only, no cost, prices or margin.
        #[arg(long)]
        customer_facing: bool,
        /// As FOCUS 1.2 (FinOps): Microsoft's charges at our cost, or with
        /// --customer-facing the partner's charges at resale, for the customer's own tools.
        #[arg(long)]
        focus: bool,
        #[command(flatten)]
        view: View,
        #[command(flatten)]
        out: Out,
    },
    /// Every customer with its month-to-date cost, resale and margin.
    Customers(Out),
    /// Every subscription with its month-to-date cost, resale and margin.
    Subscriptions(Out),
    /// One billing period's reconciliation, a row per customer, a column per cause.
    Reconciliation {
        /// The billing period, `YYYY-MM`.
        #[arg(long)]
        period: String,
        #[command(flatten)]
        out: Out,
    },
}

/// Which lines, in which order: the Billing page's search, product filter and sort.
#[derive(Debug, Args)]
pub struct View {
    /// Only lines whose product, SKU, subscription or charge type contain this text (case
    /// ignored).
    #[arg(long, default_value = "")]
    search: String,
    /// Only lines of this product (Azure plan usage: the meter category; "" for none).
    #[arg(long)]
    product: Option<String>,
    /// The column to sort by: line, product, sku, subscription, charge-type, charge-start,
    /// quantity, unit-price, cost or resale (ties keep invoice order; blanks last).
    #[arg(long, default_value = "line")]
    sort: LineColumn,
    /// Largest (or last) first.
    #[arg(long)]
    descending: bool,
}

impl View {
    fn query(self) -> LineQueryDto {
        LineQueryDto {
            sort: self.sort,
            descending: self.descending,
            search: self.search,
            product: self.product,
        }
    }
}

/// Where and how to write.
#[derive(Debug, Args)]
pub struct Out {
    /// The CSV file to write (replaced if it exists).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Start the file with a UTF-8 byte-order mark, for Excel on Windows.
    #[arg(long)]
    bom: bool,
}

impl Out {
    fn options(&self) -> CsvOptions {
        CsvOptions { bom: self.bom }
    }
}

/// The account an invoice belongs to: the one named, or the only one stored.
fn account_id(db: &Database, named: Option<&str>) -> anyhow::Result<String> {
    if let Some(name) = named {
        return Ok(accounts::find(db, name)?.id);
    }
    let all = accounts::list(db)?;
    match all.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => anyhow::bail!("no partner account is stored: add one and run Discovery first"),
        _ => anyhow::bail!("several partner accounts are stored: name one with --account"),
    }
}

/// Runs one export against the database at `db` (or the default).
pub fn run(db: Option<&Path>, cmd: ExportCommand) -> anyhow::Result<()> {
    let db = Database::open_default(db).context("opening the CSP Desk database")?;
    let now = chrono::Utc::now();
    let done: ExportedDto = match cmd {
        ExportCommand::Invoices(out) => export::invoices(&db, None, &out.out, out.options())?,
        ExportCommand::Invoice { id, account, out } => {
            let account = account_id(&db, account.as_deref())?;
            export::invoice_detail(&db, &account, &id, None, &out.out, out.options())?
        }
        ExportCommand::CustomerLines {
            invoice,
            customer,
            account,
            customer_facing,
            focus,
            view,
            out,
        } => {
            let account = account_id(&db, account.as_deref())?;
            let query = view.query();
            let lines = LinesInView::new(&account, &invoice, &customer, &query);
            let views = LineViews::default();
            if focus {
                let side = if customer_facing {
                    cspdesk_api::billing::focus::Side::Resale
                } else {
                    cspdesk_api::billing::focus::Side::Cost
                };
                cspdesk_api::billing::focus::customer_charges(
                    &db,
                    &views,
                    &lines,
                    side,
                    &out.out,
                    out.options(),
                )?
            } else {
                export::customer_lines(
                    &db,
                    &views,
                    &lines,
                    customer_facing,
                    &out.out,
                    out.options(),
                )?
            }
        }
        ExportCommand::Customers(out) => {
            export::customers(&db, now, None, &out.out, out.options())?
        }
        ExportCommand::Reconciliation { period, out } => {
            export::reconciliation(&db, &period, None, &out.out, out.options())?
        }
        ExportCommand::Subscriptions(out) => {
            export::subscriptions(&db, now, None, &out.out, out.options())?
        }
    };
    println!("wrote {} rows to {}", done.rows, done.path);
    Ok(())
}
