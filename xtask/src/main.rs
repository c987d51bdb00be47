//! `cargo xtask`: the project's developer tasks, in Rust so they run the same on every
//! machine. `run` installs what is missing and opens the app; `test` runs every test
//! (Rust, UI, conformance of the emulator with Microsoft's clients, end-to-end);
//! `bench` runs a benchmark in release; `bundle` builds the .deb.

mod bench;
mod bundle;
mod conformance;
mod e2e;
mod focus;
mod process;
mod setup;
#[cfg(test)]
mod source_size;
mod workspace;

use anyhow::{bail, Result};

const USAGE: &str = "\
usage: cargo xtask <task>

  run [-- APP ARGS]   install what is missing, build the UI and the app, open the window
  test                every test: Rust (nextest; the FOCUS exports through the FinOps Foundation's
                      focus-validator), UI typecheck + lint + unit, emulator conformance
                      (Python: msal, azure-mgmt-azurestack, azure-storage-blob), end-to-end under Xvfb
  e2e                 only the end-to-end tests (builds the UI and the app first)
  focus               only the FOCUS 1.2 exports through the FinOps Foundation's focus-validator
  bench NAME [OPTS]   run a benchmark in release (all when none is named); report in target/bench/
                      discovery: --preset M|L (default both), --latency-ms N, --concurrency N,
                      --max-requests N
                      storage: --preset S|M|L (default M), --months N (history before the
                      start month, default 3; 12 = a year), --runs N, --keep-db PATH (keep the
                      discovered database), --db PATH (time the pages of a kept database only)
  bundle              build the .deb installer (release)
  setup               only install what is missing (system packages, npm modules, tauri-driver)
";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let task = args.next().unwrap_or_default();
    let rest: Vec<String> = args.skip_while(|a| a == "--").collect();
    match task.as_str() {
        "run" => run(&rest),
        "test" => test(),
        "e2e" => e2e_only(),
        "focus" => focus::run(),
        "bench" => bench::run(&rest),
        "bundle" => bundle::deb(),
        "setup" => setup::everything(setup::Purpose::Test),
        "" | "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task {other:?}\n{USAGE}"),
    }
}

fn run(app_args: &[String]) -> Result<()> {
    setup::everything(setup::Purpose::Run)?;
    let app = workspace::build_app()?;
    process::step("opening CSP Desk");
    let status = std::process::Command::new(&app).args(app_args).status()?;
    if !status.success() {
        bail!("CSP Desk exited with {status}");
    }
    Ok(())
}

/// The end-to-end step of [`test`] alone, for working on the window.
fn e2e_only() -> Result<()> {
    setup::everything(setup::Purpose::Test)?;
    let app = workspace::build_app()?;
    process::step("End-to-end: the real app under Xvfb, driven over WebDriver");
    e2e::run(&app)
}

fn test() -> Result<()> {
    setup::everything(setup::Purpose::Test)?;
    let root = workspace::root();
    process::step("UI: build (the app embeds it), typecheck, lint, unit tests");
    process::npm(&["run", "build"])?;
    process::npm(&["run", "lint"])?;
    process::npm(&["run", "test"])?;
    process::step("Rust: every crate with cargo nextest");
    // The cost-exports tests read export runs from a real Azure Storage server (azurite);
    // the FOCUS export test runs the FinOps Foundation's validator on our files.
    let azurite = conformance::azurite()?;
    let focus_validator = focus::validator()?;
    process::run(
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["nextest", "run", "--workspace", "--no-fail-fast"])
            .current_dir(&root)
            .env("AZURITE_BIN", azurite)
            .env("FOCUS_VALIDATOR", focus_validator),
    )?;
    process::step("Conformance: Microsoft's own client libraries against the emulator");
    conformance::run()?;
    let app = workspace::build_app()?;
    process::step("End-to-end: the real app under Xvfb, driven over WebDriver");
    e2e::run(&app)
}
