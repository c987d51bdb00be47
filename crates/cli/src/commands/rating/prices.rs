//! `cspdesk prices import | list | remove`: the price files rating uses before the rate card
//! (a partner price sheet, the Azure plan price list export, a Retail Prices API page).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Subcommand, ValueEnum};
use cspdesk_api::rating::price_sheets::{self, PriceFileKind};
use cspdesk_api::rating::pricing_import::{self, PricingImportDto, SheetView};

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
    /// A Pricing API price sheet of one month (`--month`), kept as Microsoft's sheet of that
    /// month: the Azure plan's usage of the month is rated with it.
    PricingSheet,
    /// A month's Pricing API FX rates (`--month`).
    FxRates,
}

/// Which Pricing API sheet a `pricing-sheet` file is.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum View {
    /// `azure_consumption`: the Azure plan's meters.
    AzureConsumption,
    /// `updatedlicensebased`: new-commerce licences.
    Licence,
}

impl From<View> for SheetView {
    fn from(v: View) -> Self {
        match v {
            View::AzureConsumption => SheetView::AzureConsumption,
            View::Licence => SheetView::Licence,
        }
    }
}

impl Kind {
    fn file_kind(self) -> Option<PriceFileKind> {
        match self {
            Kind::PartnerSheet => Some(PriceFileKind::PartnerSheet),
            Kind::PriceList => Some(PriceFileKind::PriceList),
            Kind::Retail => Some(PriceFileKind::RetailPrices),
            Kind::PricingSheet | Kind::FxRates => None,
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
        /// rated with its own month's sheet. Required with `pricing-sheet` and `fx-rates`.
        #[arg(long)]
        month: Option<String>,
        /// With `--kind pricing-sheet`: the sheet's market (default: the first row's Market).
        #[arg(long)]
        market: Option<String>,
        /// With `--kind pricing-sheet`: which sheet it is.
        #[arg(long, value_enum, default_value = "azure-consumption")]
        view: View,
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
            market,
            view,
            file,
        } => {
            let now = chrono::Utc::now();
            if matches!(kind, Kind::PricingSheet | Kind::FxRates) {
                let Some(month) = month else {
                    anyhow::bail!("--kind pricing-sheet and fx-rates need --month YYYY-MM");
                };
                let done = match kind {
                    Kind::FxRates => {
                        pricing_import::import_fx(&mut db, &account, &month, &file, now)?
                    }
                    _ => pricing_import::import_sheet(
                        &mut db,
                        &account,
                        view.into(),
                        &month,
                        market.as_deref(),
                        &file,
                        now,
                    )?,
                };
                print_pricing(&done, &account);
                return Ok(());
            }
            let Some(file_kind) = kind.file_kind() else {
                unreachable!("the Pricing API kinds returned above");
            };
            let sheet = match (month, kind) {
                (None, _) => price_sheets::import(&mut db, &account, file_kind, &file, now)?,
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

fn print_pricing(done: &PricingImportDto, account: &str) {
    let what = match &done.market {
        Some(market) => format!("the {} sheet of {} ({market})", done.view, done.month),
        None => format!("the FX rates of {}", done.month),
    };
    println!(
        "Imported {what}: {} rows{}, {} set aside (import run {}). Run `cspdesk rate --account {account}` to rate with it.",
        done.rows,
        if done.replaced { ", replacing the month's" } else { "" },
        done.set_aside,
        done.run_id
    );
    for s in &done.set_aside_rows {
        println!("  line {}, column {}: {}", s.line, s.column, s.reason);
    }
}
