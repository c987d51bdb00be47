//! HTTPS material for clients that insist on https authorities (MSAL, Azure SDKs): a fresh CA
//! written to disk so the caller can trust it, and a leaf for localhost and the listen address.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType,
};

use crate::error::{EmulatorError, Result};

/// Generated TLS material.
pub struct TlsMaterial {
    /// Where the CA certificate PEM was written.
    pub ca_pem_path: PathBuf,
    /// Leaf certificate chain PEM (leaf then CA).
    pub cert_pem: String,
    /// Leaf private key PEM.
    pub key_pem: String,
}

fn tls_err(e: rcgen::Error) -> EmulatorError {
    EmulatorError::Tls(e.to_string())
}

/// Generates a CA and a leaf for `localhost` and `ip`, writing `emulator-ca.pem` into `dir`.
pub fn generate(dir: &Path, ip: IpAddr) -> Result<TlsMaterial> {
    let ca_key = KeyPair::generate().map_err(tls_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "CSP Desk Emulator CA");
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_err)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().map_err(tls_err)?;
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).map_err(tls_err)?;
    leaf.subject_alt_names.push(SanType::IpAddress(ip));
    if ip != IpAddr::from([127, 0, 0, 1]) {
        leaf.subject_alt_names
            .push(SanType::IpAddress(IpAddr::from([127, 0, 0, 1])));
    }
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).map_err(tls_err)?;
    std::fs::create_dir_all(dir).map_err(|source| EmulatorError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let ca_pem_path = dir.join("emulator-ca.pem");
    std::fs::write(&ca_pem_path, ca_cert.pem()).map_err(|source| EmulatorError::Io {
        path: ca_pem_path.display().to_string(),
        source,
    })?;
    Ok(TlsMaterial {
        ca_pem_path,
        cert_pem: format!("{}{}", leaf_cert.pem(), ca_cert.pem()),
        key_pem: leaf_key.serialize_pem(),
    })
}
