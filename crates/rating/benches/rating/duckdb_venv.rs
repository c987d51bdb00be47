//! Python with `duckdb` for the benchmarks that compare with DuckDB (rating, and the
//! storage benchmark of cspdesk-api, which includes this file by path): the system's
//! `python3` when it imports `duckdb`, else a venv at `~/.cache/cspdesk/bench-venv` made
//! (with pip) on first use.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// The DuckDB release installed into the venv when none is importable.
const DUCKDB_PIN: &str = "duckdb==2.0.0";

fn imports_duckdb(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import duckdb"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(cmd: &mut Command) -> Result<()> {
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    if !status.success() {
        bail!("{cmd:?} failed with {status}");
    }
    Ok(())
}

/// A Python interpreter that imports `duckdb`, installing it into the bench venv if needed.
pub fn python() -> Result<PathBuf> {
    let system = PathBuf::from("python3");
    if imports_duckdb(&system) {
        return Ok(system);
    }
    let home = std::env::var_os("HOME").context("HOME is not set (the venv lives under it)")?;
    let venv = Path::new(&home).join(".cache/cspdesk/bench-venv");
    let python = venv.join("bin/python");
    if !imports_duckdb(&python) {
        eprintln!("==> installing {DUCKDB_PIN} into {}", venv.display());
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", DUCKDB_PIN]))?;
    }
    Ok(python)
}
