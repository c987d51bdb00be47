//! `cspdesk login | logout | whoami | sandbox`: signing partner accounts in without a window.

use std::path::Path;
use std::sync::Mutex;

use anyhow::Context;
use clap::Args;
use cspdesk_api::accounts::dto::AccountDto;
use cspdesk_api::accounts::login;
use cspdesk_api::accounts::sandbox;
use cspdesk_api::shared::sign_in::SignInStatus;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

/// `cspdesk login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The account's name (or id).
    #[arg(long)]
    pub account: String,
    /// Sign in on another device with a code instead of opening a browser here.
    #[arg(long)]
    pub device_code: bool,
}

/// `cspdesk logout` and `cspdesk whoami`.
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// The account's name (or id).
    #[arg(long)]
    pub account: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `cspdesk sandbox`.
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Sign in at once as the sandbox's admin, without the consent page (scripts, tests).
    #[arg(long)]
    pub yes: bool,
}

pub(crate) fn open_db(db: Option<&Path>) -> anyhow::Result<Mutex<Database>> {
    Ok(Mutex::new(
        Database::open_default(db).context("opening the CSP Desk database")?,
    ))
}

pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// Cancels the sign-in on Ctrl-C, so the loopback listener is closed cleanly.
fn cancel_on_ctrl_c(rt: &tokio::runtime::Runtime) -> CancellationToken {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    rt.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_signal.cancel();
        }
    });
    cancel
}

/// Signs an account in through the browser (or with a device code).
pub fn login(db: Option<&Path>, args: LoginArgs) -> anyhow::Result<()> {
    let db = open_db(db)?;
    let rt = runtime()?;
    let cancel = cancel_on_ctrl_c(&rt);
    let now = chrono::Utc::now();
    let account = rt.block_on(async {
        if args.device_code {
            login::login_with_device_code(&db, &args.account, now, cancel, |prompt| {
                eprintln!(
                    "To sign in, open {} and enter the code {}",
                    prompt.verification_uri, prompt.user_code
                );
            })
            .await
        } else {
            login::login_with_browser(&db, &args.account, now, cancel, |url| {
                eprintln!("Opening your browser to sign in. If it does not open, visit:\n  {url}");
                if open::that_detached(url.as_str()).is_err() {
                    eprintln!("(no browser could be started; open the link above yourself)");
                }
                Ok(())
            })
            .await
        }
    })?;
    print_status(&account, false)
}

/// Signs an account out.
pub fn logout(db: Option<&Path>, args: AccountArgs) -> anyhow::Result<()> {
    let account = login::logout(&open_db(db)?, &args.account, chrono::Utc::now())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&account)?);
    } else {
        println!("signed out of {}", account.name);
    }
    Ok(())
}

/// Confirms the stored sign-in with Microsoft and prints who it is.
pub fn whoami(db: Option<&Path>, args: AccountArgs) -> anyhow::Result<()> {
    let db = open_db(db)?;
    let account = runtime()?.block_on(login::verify(&db, &args.account, chrono::Utc::now()))?;
    print_status(&account, args.json)
}

/// Adds the sandbox partner and, with `--yes`, signs it in as its admin.
pub fn sandbox(db: Option<&Path>, args: SandboxArgs) -> anyhow::Result<()> {
    let db = open_db(db)?;
    let rt = runtime()?;
    let now = chrono::Utc::now();
    let account = rt.block_on(async {
        let account = sandbox::ensure_account(&db, now).await?;
        eprintln!("sandbox partner added (tenant {})", account.tenant_id);
        if !args.yes {
            return Ok::<_, anyhow::Error>(None);
        }
        let signed = sandbox::sign_in_as_admin(&db, &account.id, now).await;
        Ok(Some(signed?))
    })?;
    match account {
        Some(a) => print_status(&a, false),
        None => {
            println!(
                "sign in with: cspdesk login --account {}",
                sandbox::SANDBOX_NAME
            );
            Ok(())
        }
    }
}

fn print_status(account: &AccountDto, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(account)?);
        return Ok(());
    }
    match &account.sign_in {
        SignInStatus::SignedIn {
            upn,
            roles,
            access,
            lapses_at,
            lapsing_soon,
            ..
        } => {
            let roles: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
            println!(
                "{}: signed in as {upn} ({}; {access:?} access)",
                account.name,
                roles.join(", ")
            );
            println!(
                "consent lapses {lapses_at} unless used{}",
                if *lapsing_soon {
                    " - soon: sign in again"
                } else {
                    ""
                }
            );
        }
        SignInStatus::Lapsed { upn, lapsed_at } => {
            println!("{}: the sign-in of {upn} lapsed {lapsed_at}: sign in again with `cspdesk login --account {}`", account.name, account.name);
        }
        SignInStatus::SignedOut => println!("{}: not signed in", account.name),
    }
    Ok(())
}
