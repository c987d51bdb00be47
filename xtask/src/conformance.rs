//! The conformance suite: Microsoft's own client libraries (MSAL, azure-mgmt-azurestack,
//! azure-storage-blob) run against `cspdesk emulator` to prove it speaks the real protocols.
//! Their Python environment is set up here, outside the clone; azurite (npm) under
//! tests/conformance/node_modules, where the Rust tests of cost exports find it too.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::{process, workspace};

/// Runs tests/conformance with pytest against the built `cspdesk` binary.
pub fn run() -> Result<()> {
    let root = workspace::root();
    let dir = root.join("tests/conformance");
    let venv = python_env(&dir.join("requirements.txt"))?;
    let azurite = azurite()?;
    process::cargo(&["build", "-p", "cspdesk-cli"], &root)?;
    let cspdesk = workspace::target_dir()?.join("debug/cspdesk");
    process::run(
        Command::new(venv.join("bin/pytest"))
            .args(["-q", "-p", "no:cacheprovider", "."])
            .current_dir(&dir)
            .env("CSPDESK_BIN", &cspdesk)
            .env("AZURITE_BIN", azurite)
            .env_remove("REQUESTS_CA_BUNDLE"),
    )
}

/// A virtualenv under the target directory, re-made when requirements.txt changes.
fn python_env(requirements: &Path) -> Result<PathBuf> {
    let venv = workspace::target_dir()?.join("conformance-venv");
    let wanted = std::fs::read_to_string(requirements).context("reading requirements.txt")?;
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(venv);
    }
    process::step("setting up the conformance suite's Python environment");
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    process::run(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    process::run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(venv)
}

/// azurite's blob server (Microsoft's Azure Storage emulator), installed when missing. The
/// conformance suite and `crates/cost-exports`' tests get its path as `AZURITE_BIN`.
pub fn azurite() -> Result<PathBuf> {
    let dir = workspace::root().join("tests/conformance");
    let bin = dir.join("node_modules/.bin/azurite-blob");
    if !bin.exists() {
        process::step("installing azurite (Microsoft's Azure Storage emulator)");
        process::run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir),
        )?;
    }
    Ok(bin)
}
