//! `cargo xtask bundle`: the .deb installer, built by the Tauri CLI from npm. The CLI
//! is pointed at src-tauri/ (where tauri.conf.json is linked) and ui/. It is installed on
//! demand under the target directory rather than listed in ui/package.json: its per-platform
//! binaries are optional packages our registry does not all serve, which breaks `npm ci`.
//!
//! The package also installs the `cspdesk` command line as `/usr/bin/cspdesk`, so a partner can
//! run Discovery from cron or a systemd timer. Its release binary lives in the target directory,
//! which differs per machine, so its path is given to the Tauri CLI as a config override rather
//! than written into tauri.conf.json; the built package is then checked to hold both programs.

use std::process::Command;

use anyhow::{Context, Result};

use crate::{process, setup, workspace};

/// The Tauri CLI that matches the `tauri` crate pinned in Cargo.toml.
const TAURI_CLI_VERSION: &str = "2.12.5";

/// Builds a release .deb and prints where it is.
pub fn deb() -> Result<()> {
    setup::everything(setup::Purpose::Run)?;
    let root = workspace::root();
    process::step("building the UI");
    process::npm(&["run", "build"])?;
    let cli_dir = workspace::target_dir()?.join("tauri-cli");
    let tauri = cli_dir.join("node_modules/.bin/tauri");
    if !tauri.exists() {
        process::step("installing the Tauri CLI");
        std::fs::create_dir_all(&cli_dir)?;
        process::run(
            Command::new("npm")
                .args([
                    "install",
                    "--no-save",
                    "--no-package-lock",
                    "--no-audit",
                    "--no-fund",
                    "--prefix",
                ])
                .arg(&cli_dir)
                .arg(format!("@tauri-apps/cli@{TAURI_CLI_VERSION}")),
        )?;
    }
    process::step("building the release command line");
    process::run(Command::new("cargo").args(["build", "--release", "-p", "cspdesk-cli"]))?;
    let cli = workspace::target_dir()?.join("release/cspdesk");
    let files = serde_json::json!({
        "bundle": { "linux": { "deb": { "files": { "/usr/bin/cspdesk": cli } } } }
    });
    process::step("building the release app and its .deb");
    process::run(
        Command::new(&tauri)
            .args(["build", "--bundles", "deb", "--ci", "--config"])
            .arg(files.to_string())
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
    let listing = Command::new("dpkg-deb").arg("-c").arg(&deb).output()?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    // dpkg-deb lists `usr/bin/x` or `./usr/bin/x` depending on how the archive was made.
    for program in ["usr/bin/cspdesk-app", "usr/bin/cspdesk"] {
        anyhow::ensure!(
            listing.lines().any(|l| {
                let path = l.rsplit(' ').next().unwrap_or_default();
                path.trim_start_matches("./") == program
            }),
            "{} does not install {program}",
            deb.display()
        );
    }
    std::fs::copy(&deb, &debian_name)?;
    println!("{}", debian_name.display());
    eprintln!(
        "install it with: sudo apt install {}",
        debian_name.display()
    );
    Ok(())
}
