//! `cspdesk prices import | list | remove`: the price files rating uses before the rate card
//! (a partner price sheet, the Azure plan price list export, a Retail Prices API page).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use cspdesk_api::rating::price_sheets::{self, PriceFileKind};
use cspdesk_store::Database;

/// The kind of a price file, as typed on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Our CSV: MeterId, TierStart, UnitPrice, Currency, EffectiveFrom.
    PartnerSheet,
    /// Partner Center's Azure plan price list export (CSV).
    PriceList,
    /// One page of the Azure Retail Prices API (JSON).
    Retail,
}

impl From<Kind> for PriceFileKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::PartnerSheet => PriceFileKind::PartnerSheet,
            Kind::PriceList => PriceFileKind::PriceList,
            Kind::Retail => PriceFileKind::RetailPrices,
        }
    }
}

/// What to do with price files.
#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Import a price file for an account; the next `cspdesk rate` (or Discovery) rates
    /// again what its prices change. A bad row refuses the whole file, naming line and column.
    Import {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// What the file is.
        #[arg(long, value_enum)]
        kind: Kind,
        /// With `--kind price-list`: the file is the Pricing API consumption sheet of this
        /// month (YYYY-MM); its prices are kept for that month only, so each month's usage is
        /// rated with its own month's sheet.
        #[arg(long)]
        month: Option<String>,
        /// The file.
        file: PathBuf,
    },
    /// List an account's imported price files.
    List {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Remove an imported price file (by the id `list` shows).
    Remove {
        /// The partner account (name or id).
        #[arg(long)]
        account: String,
        /// The sheet's id.
        id: i64,
    },
}

/// Runs one prices subcommand against the database at `db` (or the default).
pub fn run(db: Option<&Path>, cmd: PricesCommand) -> anyhow::Result<()> {
    let mut db = Database::open_default(db).context("opening the CSP Desk database")?;
    match cmd {
        PricesCommand::Import {
            account,
            kind,
            month,
            file,
        } => {
            let now = chrono::Utc::now();
            let sheet = match (month, kind) {
                (None, _) => price_sheets::import(&mut db, &account, kind.into(), &file, now)?,
                (Some(month), Kind::PriceList) => {
                    price_sheets::import_month_sheet(&mut db, &account, &month, &file, now)?
                }
                (Some(_), _) => {
                    anyhow::bail!(
                        "--month goes with --kind price-list (a Pricing API consumption sheet)"
                    )
                }
            };
            println!(
                "Imported {} ({} prices) as price sheet {}. Run `cspdesk rate --account {account}` to rate with it.",
                sheet.file_name, sheet.entries, sheet.id
            );
        }
        PricesCommand::List { account, json } => {
            let list = price_sheets::list(&db, &account)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else if list.is_empty() {
                println!("No price files imported for {account}: rating uses the rate card Discovery reads.");
            } else {
                println!(
                    "{:>4}  {:<13} {:>8}  {:<20}  FILE",
                    "ID", "KIND", "PRICES", "IMPORTED"
                );
                for s in list {
                    println!(
                        "{:>4}  {:<13} {:>8}  {:<20}  {}",
                        s.id, s.kind, s.entries, s.imported_at, s.file_name
                    );
                }
            }
        }
        PricesCommand::Remove { account, id } => {
            price_sheets::remove(&mut db, &account, id)?;
            println!("Removed price sheet {id}. Run `cspdesk rate --account {account}` to rate without it.");
        }
    }
    Ok(())
}
