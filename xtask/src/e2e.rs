//! The end-to-end run: a virtual X display (Xvfb), tauri-driver in front of WebKit's
//! WebDriver, and the Node test runner driving the real app window (tests/e2e).

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{conformance, process, workspace};

/// Children that must not outlive the run, killed on drop even when a step fails.
struct Background(Vec<Child>);

impl Drop for Background {
    fn drop(&mut self) {
        for child in self.0.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs tests/e2e against the app binary `app`.
pub fn run(app: &Path) -> Result<()> {
    // The Azure costs step loads the emulator's export runs (written by the CLI) into a real
    // Azure Storage server (azurite) and connects the app to it.
    process::cargo(&["build", "-p", "cspdesk-cli"], &workspace::root())?;
    let cli = workspace::target_dir()?.join("debug").join("cspdesk");
    let azurite = conformance::azurite()?;
    let mut background = Background(Vec::new());
    let display = free_display()?;
    background.0.push(
        Command::new("Xvfb")
            .args([
                display.as_str(),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting Xvfb")?,
    );
    wait_for(
        &format!("/tmp/.X11-unix/X{}", &display[1..]),
        Duration::from_secs(10),
    )?;

    let port = free_port()?;
    let native_port = free_port()?;
    let artifacts = workspace::target_dir()?.join("e2e-artifacts");
    std::fs::create_dir_all(&artifacts)?;
    // The app answers its save dialog with this path: WebDriver cannot reach a native dialog.
    let saved_csv = artifacts.join("exported.csv");
    let _ = std::fs::remove_file(&saved_csv);
    background.0.push(
        Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("DISPLAY", &display)
            .env("CSPDESK_SAVE_DIALOG_PATH", &saved_csv)
            .stdout(Stdio::null())
            .spawn()
            .context("starting tauri-driver")?,
    );
    wait_for_port(port, Duration::from_secs(10))?;

    let root = workspace::root();
    // Newer Node versions take files, not a folder, after --test.
    let mut suites: Vec<PathBuf> = std::fs::read_dir(root.join("tests/e2e"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    suites.sort();
    // `E2E_ONLY=prices` runs the suites whose file name holds that text (a quick look at one
    // page); CI runs them all.
    if let Ok(only) = std::env::var("E2E_ONLY") {
        suites.retain(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&only))
        });
    }
    process::run(
        Command::new("node")
            .args(["--test", "--test-concurrency=1", "--test-timeout=300000"])
            .args(&suites)
            .current_dir(&root)
            .env("DISPLAY", &display)
            .env("WEBDRIVER_URL", format!("http://127.0.0.1:{port}"))
            .env("CSPDESK_APP", app)
            .env("E2E_ARTIFACTS", &artifacts)
            .env("E2E_SAVED_CSV", &saved_csv)
            .env("CSPDESK_CLI", &cli)
            .env("AZURITE_BIN", &azurite)
            .env_remove("CSPDESK_DB"),
    )?;
    eprintln!("screenshots: {}", artifacts.display());
    Ok(())
}

fn free_display() -> Result<String> {
    (90..190)
        .find(|n| {
            !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .map(|n| format!(":{n}"))
        .context("no free X display number between :90 and :189")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_for(path: &str, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    while !Path::new(path).exists() {
        if start.elapsed() > timeout {
            bail!("{path} did not appear within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn wait_for_port(port: u16, timeout: Duration) -> Result<()> {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > timeout {
            bail!("tauri-driver did not listen on port {port} within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}
