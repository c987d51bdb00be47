//! `--tls`: HTTPS with a generated CA that a client can trust.

use cspdesk_emulator::{EmulatorConfig, Preset};

use crate::common::*;

#[tokio::test]
async fn https_with_the_generated_ca_serves_discovery() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = EmulatorConfig::new(Preset::S, 1, now());
    config.tls_dir = Some(dir.path().to_path_buf());
    let emu = start_with(config).await;
    assert!(
        emu.url().starts_with("https://"),
        "TLS mode advertises an https URL: {}",
        emu.url()
    );
    let pem = std::fs::read(emu.ca_pem_path().expect("CA path")).unwrap();
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).unwrap())
        .build()
        .unwrap();
    let doc: serde_json::Value = trusting
        .get(format!(
            "{}/organizations/v2.0/.well-known/openid-configuration",
            emu.url()
        ))
        .send()
        .await
        .expect("the CA validates the server certificate")
        .json()
        .await
        .unwrap();
    assert!(doc["token_endpoint"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let untrusting = reqwest::Client::new();
    assert!(
        untrusting.get(emu.url()).send().await.is_err(),
        "without the CA the certificate is rejected"
    );
}
