//! Where things are: the workspace root, cargo's target directory (which CI keeps
//! outside the clone), and the built app.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::process;

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask has a parent directory")
        .to_path_buf()
}

/// Cargo's target directory, honouring CARGO_TARGET_DIR and config.
pub fn target_dir() -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root())
        .output()
        .context("running cargo metadata")?;
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading cargo metadata")?;
    let dir = meta["target_directory"]
        .as_str()
        .context("cargo metadata has no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// Builds the UI and the desktop app (debug, self-contained) and returns the binary.
pub fn build_app() -> Result<PathBuf> {
    process::step("building the UI and the desktop app");
    process::npm(&["run", "build"])?;
    process::cargo(&["build", "-p", "cspdesk-app"], &root())?;
    Ok(target_dir()?.join("debug").join("cspdesk-app"))
}
