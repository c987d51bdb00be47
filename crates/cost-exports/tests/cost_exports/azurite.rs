//! A real Azure Storage server for the tests: Microsoft's azurite (npm), started per test on a
//! free loopback port with its documented development account, loaded over HTTP with an
//! account SAS signed by that account's well-known key (Azure's string-to-sign), and read by
//! the import through container or account SAS URLs minted the same way.
//!
//! The binary comes from `AZURITE_BIN` (set by `cargo xtask test`) or from where `cargo xtask
//! setup` installs it (`tests/conformance/node_modules/.bin/azurite-blob`). Without it the
//! tests fail, saying how to get it: they never pass by skipping.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// azurite's development account (public, documented by Microsoft).
pub const ACCOUNT: &str = "devstoreaccount1";
const KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const VERSION: &str = "2021-08-06";

fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AZURITE_BIN").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.exists(),
            "AZURITE_BIN={} does not exist: run `cargo xtask setup` to install azurite",
            path.display()
        );
        return path;
    }
    let installed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/conformance/node_modules/.bin/azurite-blob");
    assert!(
        installed.exists(),
        "azurite-blob (Microsoft's Azure Storage emulator) is needed by these tests and was not found: \
         run `cargo xtask setup` (it installs it under tests/conformance/node_modules) or set AZURITE_BIN"
    );
    installed
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sign(text: &str) -> String {
    let key = STANDARD.decode(KEY).unwrap();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(text.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn encode(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes()).collect()
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A running azurite; killed when dropped.
pub struct Azurite {
    child: Child,
    port: u16,
    _data: tempfile::TempDir,
    http: reqwest::blocking::Client,
}

impl Drop for Azurite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Azurite {
    /// Starts azurite and waits until it accepts connections.
    pub fn start() -> Azurite {
        let bin = binary();
        let data = tempfile::tempdir().unwrap();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(&bin)
                .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
                .arg("--location")
                .arg(data.path())
                .args(["--silent", "--skipApiVersionCheck"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {}: {e}", bin.display()));
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Azurite {
                        child,
                        port,
                        _data: data,
                        http: reqwest::blocking::Client::new(),
                    };
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("azurite ({}) did not start listening", bin.display());
    }

    /// `http://127.0.0.1:PORT/devstoreaccount1`.
    pub fn account_url(&self) -> String {
        format!("http://127.0.0.1:{}/{ACCOUNT}", self.port)
    }

    /// An account SAS (Blob service, container + object) with `permissions` until `expiry`.
    pub fn account_sas(&self, permissions: &str, expiry: DateTime<Utc>) -> String {
        let se = time(expiry);
        let to_sign = format!("{ACCOUNT}\n{permissions}\nb\nsco\n\n{se}\n\n\n{VERSION}\n\n");
        format!(
            "sv={VERSION}&ss=b&srt=sco&sp={permissions}&se={}&sig={}",
            encode(&se),
            encode(&sign(&to_sign))
        )
    }

    /// A service SAS for `container` (`sr=c`) with `permissions` until `expiry`.
    pub fn container_sas(
        &self,
        container: &str,
        permissions: &str,
        expiry: DateTime<Utc>,
    ) -> String {
        let se = time(expiry);
        let fields = [
            permissions.to_string(),
            String::new(),
            se.clone(),
            format!("/blob/{ACCOUNT}/{container}"),
            String::new(),
            String::new(),
            String::new(),
            VERSION.to_string(),
            "c".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        format!(
            "sv={VERSION}&sr=c&sp={permissions}&se={}&sig={}",
            encode(&se),
            encode(&sign(&fields.join("\n")))
        )
    }

    /// The SAS URL of `container` a partner would paste (Read + List, valid for a day).
    pub fn container_sas_url(&self, container: &str, expiry: DateTime<Utc>) -> String {
        format!(
            "{}/{container}?{}",
            self.account_url(),
            self.container_sas(container, "rl", expiry)
        )
    }

    fn writer_sas(&self) -> String {
        self.account_sas("rwdlac", Utc::now() + chrono::Duration::hours(2))
    }

    /// Creates `container`.
    pub fn create_container(&self, container: &str) {
        let res = self
            .http
            .put(format!(
                "{}/{container}?restype=container&{}",
                self.account_url(),
                self.writer_sas()
            ))
            .header("x-ms-version", VERSION)
            .header("content-length", "0")
            .send()
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            201,
            "create container: {:?}",
            res.text()
        );
    }

    /// Uploads one blob over HTTP (Put Blob, BlockBlob).
    pub fn put(&self, container: &str, name: &str, bytes: Vec<u8>) {
        let path: Vec<String> = name.split('/').map(encode).collect();
        let res = self
            .http
            .put(format!(
                "{}/{container}/{}?{}",
                self.account_url(),
                path.join("/"),
                self.writer_sas()
            ))
            .header("x-ms-version", VERSION)
            .header("x-ms-blob-type", "BlockBlob")
            .body(bytes)
            .send()
            .unwrap();
        assert_eq!(res.status().as_u16(), 201, "put {name}: {:?}", res.text());
    }

    /// Uploads every file under `dir` (names relative to it), manifests last, as Cost
    /// Management writes them.
    pub fn upload_dir(&self, container: &str, dir: &Path) {
        let mut files = Vec::new();
        walk(dir, dir, &mut files);
        files.sort_by_key(|(name, _)| (name.ends_with("manifest.json"), name.clone()));
        for (name, path) in files {
            self.put(container, &name, std::fs::read(path).unwrap());
        }
    }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(base, &p, out);
        } else {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p));
        }
    }
}
