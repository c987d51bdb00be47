//! Installing what a fresh Debian/Ubuntu machine lacks: the WebKitGTK build packages,
//! the end-to-end tools (Xvfb, WebKitWebDriver, tauri-driver), cargo-nextest, azurite, and
//! the UI's npm modules. As root it installs; otherwise it prints the exact command.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::process;

/// What the machine is being prepared for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Building and opening the app.
    Run,
    /// Running every test, end-to-end included.
    Test,
}

/// Debian packages that building the app needs (Tauri v2 on Linux).
const BUILD_PACKAGES: &[&str] = &[
    "libwebkit2gtk-4.1-dev",
    "build-essential",
    "pkg-config",
    "file",
    "libssl-dev",
    "libxdo-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    // partner-api talks to the desktop's Secret Service through libdbus.
    "libdbus-1-dev",
];

/// Debian packages the end-to-end tests need: a virtual display and WebKit's driver.
const TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    // partner-api's keyring tests start a private session bus with gnome-keyring on it.
    "dbus",
    "gnome-keyring",
];

/// Debian packages for Node.js when the machine has none.
const NODE_PACKAGES: &[&str] = &["nodejs", "npm"];

/// Installs everything needed for `purpose`.
pub fn everything(purpose: Purpose) -> Result<()> {
    process::step("checking what this machine needs");
    let mut wanted: Vec<&str> = BUILD_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        wanted.extend_from_slice(TEST_PACKAGES);
        if !python_can_make_venvs() {
            wanted.extend_from_slice(&["python3", "python3-venv", "python3-pip"]);
        }
    }
    if !process::on_path("node") || !process::on_path("npm") {
        wanted.extend_from_slice(NODE_PACKAGES);
    }
    apt_install(&wanted)?;
    check_node()?;
    npm_modules()?;
    if purpose == Purpose::Test {
        // Rust tests (cost exports) and the conformance suite both run azurite.
        crate::conformance::azurite()?;
        // The FOCUS export test runs the FinOps Foundation's validator.
        crate::focus::validator()?;
        cargo_tool(
            "cargo-nextest",
            &["nextest", "--version"],
            &["install", "cargo-nextest", "--locked"],
        )?;
        if !tauri_driver_installed() {
            process::cargo(
                &["install", "tauri-driver", "--version", "^2", "--locked"],
                Path::new("/"),
            )?;
        }
    }
    Ok(())
}

fn apt_install(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !deb_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "these system packages are missing: {}\ninstall them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends {}",
            missing.join(" "),
            missing.join(" ")
        );
    }
    process::step(&format!(
        "installing system packages: {}",
        missing.join(" ")
    ));
    process::run(Command::new("apt-get").arg("update"))?;
    process::run(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

fn deb_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${db:Status-Abbrev}", package])
        .output()
        .map(|o| o.status.success() && o.stdout.starts_with(b"ii"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Vite 8 needs Node 20.19 or newer; say so plainly rather than fail deep in a build.
fn check_node() -> Result<()> {
    let out = Command::new("node")
        .arg("--version")
        .output()
        .context("running node --version")?;
    let version = String::from_utf8_lossy(&out.stdout);
    let mut parts = version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .map(|p| p.parse::<u32>().unwrap_or(0));
    let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    if major < 20 || (major == 20 && minor < 19) {
        bail!("Node.js {} is too old: the UI build needs 20.19 or newer (install it from nodejs.org or your distribution's backports)", version.trim());
    }
    Ok(())
}

/// `npm ci` when ui/node_modules is missing or older than the lock file.
fn npm_modules() -> Result<()> {
    let ui = crate::workspace::root().join("ui");
    let stamp = ui.join("node_modules/.package-lock.json");
    let lock = ui.join("package-lock.json");
    let stale = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified()? < l.modified()?,
        _ => true,
    };
    if stale {
        process::step("installing the UI's npm modules");
        process::npm(&["ci", "--no-audit", "--no-fund"])?;
    }
    Ok(())
}

fn cargo_tool(name: &str, probe: &[&str], install: &[&str]) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let present = Command::new(&cargo)
        .args(probe)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !present {
        process::step(&format!("installing {name}"));
        process::cargo(install, Path::new("/"))?;
    }
    Ok(())
}

/// Debian splits `venv`/`ensurepip` out of python3; the conformance suite needs both.
fn python_can_make_venvs() -> bool {
    Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn tauri_driver_installed() -> bool {
    Command::new("tauri-driver")
        .arg("--help")
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}
