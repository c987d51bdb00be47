//! `cspdesk`: CSP Desk without a window. Every subcommand is a thin call into the same
//! engine crates the desktop app uses, for scripts, cron and tests.

mod commands;
mod database_upgrade;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand};

/// CSP Desk on the command line.
#[derive(Debug, Parser)]
#[command(
    name = "cspdesk",
    version,
    about = "CSP Desk: Microsoft CSP billing on your workstation"
)]
struct Cli {
    /// The database file (default: the platform data dir, e.g. ~/.local/share/cspdesk/cspdesk.sqlite3).
    #[arg(long, global = true, env = cspdesk_store::DB_ENV_VAR, value_name = "PATH", value_parser = clap::builder::NonEmptyStringValueParser::new().map(PathBuf::from))]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Partner accounts: add, list, remove.
    #[command(subcommand)]
    Account(commands::accounts::account::AccountCommand),
    /// Customer organizations (tenants that are one customer): list, add, show, remove.
    #[command(subcommand)]
    Org(commands::customers::org::OrgCommand),
    /// Customer markups (resale prices): set, list, history.
    #[command(subcommand)]
    Markup(commands::customers::markup::MarkupCommand),
    /// Sign a partner account in with Microsoft (browser, or --device-code).
    Login(commands::accounts::sign_in::LoginArgs),
    /// Sign a partner account out (removes its token from the keyring).
    Logout(commands::accounts::sign_in::AccountArgs),
    /// Confirm an account's sign-in with Microsoft and show who it is.
    Whoami(commands::accounts::sign_in::AccountArgs),
    /// Add the sandbox partner served by the embedded emulator (--yes also signs it in).
    Sandbox(commands::accounts::sign_in::SandboxArgs),
    /// Import customers, subscriptions, usage, prices and invoices from Partner Center.
    Discover(commands::discovery::discover::DiscoverArgs),
    /// Price files rating uses before the rate card: import, list, remove.
    #[command(subcommand)]
    Prices(commands::rating::prices::PricesCommand),
    /// Tables to CSV: invoices, invoice, customer-lines, customers, subscriptions.
    #[command(subcommand)]
    Export(commands::billing::export::ExportCommand),
    /// Azure MCA partner billing from Cost Management exports: sources, import, summary.
    #[command(subcommand)]
    Costs(commands::cost_exports::costs::CostsCommand),
    /// Rate the imported usage that changed since the last rating.
    Rate(commands::rating::rate::RateArgs),
    /// Compare rated cost with the invoice's daily rated usage, per customer.
    Reconcile(commands::rating::rate::ReconcileArgs),
    /// Azure Stack Hub registrations and their customer subscriptions (through ARM).
    #[command(subcommand)]
    Stack(commands::azure_stack::stack::StackCommand),
    /// Serve the Microsoft cloud emulator (identity, Partner Center, ARM, exports).
    Emulator(commands::emulator::serve::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Emulator(_)) {
        if let Err(e) =
            database_upgrade::upgrade_first(cli.db.as_deref(), Box::new(std::io::stderr()))
        {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    }
    let result = match cli.command {
        Command::Account(cmd) => commands::accounts::account::run(cli.db.as_deref(), cmd),
        Command::Org(cmd) => commands::customers::org::run(cli.db.as_deref(), cmd),
        Command::Markup(cmd) => commands::customers::markup::run(cli.db.as_deref(), cmd),
        Command::Login(args) => commands::accounts::sign_in::login(cli.db.as_deref(), args),
        Command::Logout(args) => commands::accounts::sign_in::logout(cli.db.as_deref(), args),
        Command::Whoami(args) => commands::accounts::sign_in::whoami(cli.db.as_deref(), args),
        Command::Sandbox(args) => commands::accounts::sign_in::sandbox(cli.db.as_deref(), args),
        Command::Discover(args) => commands::discovery::discover::run(cli.db.as_deref(), args),
        Command::Prices(cmd) => commands::rating::prices::run(cli.db.as_deref(), cmd),
        Command::Export(cmd) => commands::billing::export::run(cli.db.as_deref(), cmd),
        Command::Costs(cmd) => commands::cost_exports::costs::run(cli.db.as_deref(), cmd),
        Command::Rate(args) => commands::rating::rate::rate(cli.db.as_deref(), args),
        Command::Reconcile(args) => commands::rating::rate::reconcile(cli.db.as_deref(), args),
        Command::Stack(cmd) => commands::azure_stack::stack::run(cli.db.as_deref(), cmd),
        Command::Emulator(args) => commands::emulator::serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
