//! The FinOps Foundation's FOCUS validator (`focus-validator`, PyPI), which judges our FOCUS
//! 1.2 exports in `crates/api/tests/api/focus.rs`. It needs Python 3.12 or newer, which the
//! system Python may not be: the first Python that says it is 3.12+ (on the PATH or under
//! pyenv) makes its virtualenv, under the target directory like the conformance suite's.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, Context, Result};

use crate::{process, workspace};

/// `cargo xtask focus`: the validator installed when missing, then the FOCUS export test.
pub fn run() -> Result<()> {
    let validator = validator()?;
    process::step(
        "FOCUS 1.2: our cost and resale exports through the FinOps Foundation's validator",
    );
    process::run(
        Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "nextest",
                "run",
                "-p",
                "cspdesk-api",
                "--test",
                "api",
                "-E",
                "test(/^focus::/)",
            ])
            .current_dir(workspace::root())
            .env("FOCUS_VALIDATOR", validator),
    )
}

/// The validator's entry point, installed when missing or when tests/focus/requirements.txt
/// changed. The Rust test finds it there, or through `FOCUS_VALIDATOR`.
pub fn validator() -> Result<PathBuf> {
    let requirements = workspace::root().join("tests/focus/requirements.txt");
    let venv = workspace::target_dir()?.join("focus-venv");
    let bin = venv.join("bin/focus-validator");
    let wanted =
        std::fs::read_to_string(&requirements).context("reading tests/focus/requirements.txt")?;
    let stamp = venv.join("requirements.installed");
    if bin.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(bin);
    }
    process::step("setting up the FOCUS validator's Python environment (Python 3.12+)");
    if venv.exists() {
        std::fs::remove_dir_all(&venv)?;
    }
    process::run(Command::new(python()?).args(["-m", "venv"]).arg(&venv))?;
    process::run(
        Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted)?;
    Ok(bin)
}

/// A Python 3.12 or newer: `python3.N` or `python3` on the PATH, else the newest pyenv
/// installed. Each is asked its version: a pyenv shim is on the PATH even when its version is
/// not the one selected, and then it fails.
fn python() -> Result<PathBuf> {
    let mut candidates: Vec<PathBuf> = (12..=14)
        .rev()
        .map(|minor| PathBuf::from(format!("python3.{minor}")))
        .chain([PathBuf::from("python3")])
        .collect();
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    if let Some(versions) = pyenv.map(|p| p.join("versions")) {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir(&versions)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let minor: u32 = name.strip_prefix("3.")?.split('.').next()?.parse().ok()?;
                Some((minor, e.path().join("bin/python3")))
            })
            .collect();
        found.sort();
        candidates.extend(found.into_iter().rev().map(|(_, bin)| bin));
    }
    candidates
        .into_iter()
        .find(|python| is_312_or_newer(python))
        .ok_or_else(|| {
            anyhow!(
                "focus-validator needs Python 3.12 or newer and none was found: install python3.12 \
                 (or `pyenv install 3.12`) and run again"
            )
        })
}

fn is_312_or_newer(python: &Path) -> bool {
    Command::new(python)
        .args([
            "-c",
            "import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)",
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}
