//! Running child processes with the command shown first, so a failing step names itself.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

/// Prints a task heading.
pub fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// Runs `cmd`, failing with its command line when it fails.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", show(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("could not start {}", show(cmd)))?;
    if !status.success() {
        bail!("`{}` failed with {status}", show(cmd));
    }
    Ok(())
}

/// `cargo ARGS` in `dir`, with the same toolchain that runs xtask.
pub fn cargo(args: &[&str], dir: &Path) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run(Command::new(cargo).args(args).current_dir(dir))
}

/// `npm ARGS` in ui/.
pub fn npm(args: &[&str]) -> Result<()> {
    run(Command::new("npm")
        .args(args)
        .current_dir(crate::workspace::root().join("ui")))
}

/// Whether a program is on PATH.
pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|p| p.join(program).is_file()))
        .unwrap_or(false)
}

fn show(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}
