//! The conformance suite: Microsoft's own client libraries (MSAL, azure-mgmt-azurestack,
//! azure-storage-blob) run against `cspdesk emulator` to prove it speaks the real protocols.
//! Their Python environment and azurite are set up here, outside the clone.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};

use crate::{process, workspace};

/// Runs tests/conformance with pytest against the built `cspdesk` binary.
pub fn run() -> Result<()> {
    let root = workspace::root();
    let dir = root.join("tests/conformance");
    let venv = python_env(&dir.join("requirements.txt"))?;
    npm_modules(&dir)?;
    process::cargo(&["build", "-p", "cspdesk-cli"], &root)?;
    let cspdesk = workspace::target_dir()?.join("debug/cspdesk");
    process::run(
        Command::new(venv.join("bin/pytest"))
            .args(["-q", "-p", "no:cacheprovider", "."])
            .current_dir(&dir)
            .env("CSPDESK_BIN", &cspdesk)
            .env("AZURITE_BIN", dir.join("node_modules/.bin/azurite-blob"))
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

fn npm_modules(dir: &Path) -> Result<()> {
    if dir.join("node_modules/.bin/azurite-blob").exists() {
        return Ok(());
    }
    process::step("installing azurite (Microsoft's Azure Storage emulator)");
    process::run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir),
    )
}
