//! `cargo xtask bundle`: the .deb installer, built by the Tauri CLI from npm. The CLI
//! is pointed at src-tauri/ (where tauri.conf.json is linked) and ui/.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{process, setup, workspace};

/// Builds a release .deb and prints where it is.
pub fn deb() -> Result<()> {
    setup::everything(setup::Purpose::Run)?;
    let root = workspace::root();
    process::step("building the UI");
    process::npm(&["run", "build"])?;
    process::step("building the release app and its .deb");
    process::run(
        Command::new(root.join("ui/node_modules/.bin/tauri"))
            .args(["build", "--bundles", "deb", "--ci"])
            .env("TAURI_APP_PATH", root.join("src-tauri"))
            .env("TAURI_FRONTEND_PATH", root.join("ui"))
            .current_dir(&root),
    )?;
    let dir = workspace::target_dir()?.join("release/bundle/deb");
    let deb = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "deb") && p.to_string_lossy().contains("CSP Desk")
        })
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .context("the Tauri CLI made no .deb")?;
    // Tauri names the file after the product ("CSP Desk_0.1.0_amd64.deb"); a copy under the
    // Debian package's own name (read from the package itself) is easier to type and script.
    let field = |name: &str| -> Result<String> {
        let out = Command::new("dpkg-deb")
            .arg("-f")
            .arg(&deb)
            .arg(name)
            .output()?;
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let debian_name = dir.join(format!(
        "{}_{}_{}.deb",
        field("Package")?,
        field("Version")?,
        field("Architecture")?
    ));
    std::fs::copy(&deb, &debian_name)?;
    println!("{}", debian_name.display());
    eprintln!(
        "install it with: sudo apt install {}",
        debian_name.display()
    );
    Ok(())
}
