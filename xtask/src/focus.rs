//! The FinOps Foundation's FOCUS validator (`focus-validator`, PyPI), which judges our FOCUS
//! 1.2 exports in `crates/api/tests/api/focus.rs`. It needs Python 3.12 or newer, which the
//! system Python may not be: the first `python3.N` (N >= 12) on the PATH or under pyenv makes
//! its virtualenv, under the target directory like the conformance suite's.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{process, workspace};

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

/// A Python 3.12 or newer: on the PATH, else one pyenv installed.
fn python() -> Result<PathBuf> {
    for minor in (12..=14).rev() {
        let name = format!("python3.{minor}");
        if process::on_path(&name) {
            return Ok(PathBuf::from(name));
        }
    }
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
                let bin = e.path().join("bin/python3");
                (minor >= 12 && bin.exists()).then_some((minor, bin))
            })
            .collect();
        found.sort();
        if let Some((_, bin)) = found.pop() {
            return Ok(bin);
        }
    }
    bail!(
        "focus-validator needs Python 3.12 or newer and none was found: install python3.12 \
         (or `pyenv install 3.12`) and run again"
    )
}
