//! Cost Management exports for the partner's MCA billing account: export definitions at billing
//! account, billing profile and customer scope (`Microsoft.CostManagement/exports`), runs that
//! write partitioned CSV + manifest.json, and a small blob endpoint serving those files behind a
//! SAS check (expiry and permissions) for clients that cannot use azurite.
//!
//! `definitions` serves the export definitions, `on_demand` runs one now, `run` writes a run's
//! files, `blobs` serves them, and `routes` maps the three scope shapes onto all of it.

pub mod blobs;
mod definitions;
mod on_demand;
mod routes;
pub mod run;

use std::collections::BTreeMap;
use std::path::PathBuf;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Value};

use crate::wire::arm_error;
use run::ExportScope;

pub(crate) use routes::routes;

/// api-versions of `Microsoft.CostManagement/exports`.
pub const API_VERSIONS: &[&str] = &[
    "2025-03-01",
    "2024-08-01",
    "2023-08-01",
    "2023-07-01-preview",
];

/// One export definition.
#[derive(Debug, Clone)]
struct ExportDef {
    id: String,
    name: String,
    scope: ExportScope,
    properties: Value,
    etag: u64,
    runs: Vec<Value>,
}

/// Export definitions of a running emulator.
#[derive(Debug, Default)]
pub struct ExportStore {
    defs: BTreeMap<(String, String), ExportDef>,
    runs: u64,
    dir: Option<PathBuf>,
}

impl ExportStore {
    /// Folder holding blobs written by runs (`{account}/{container}/...`).
    pub(crate) fn dir(&mut self, configured: &Option<PathBuf>, port_hint: &str) -> PathBuf {
        self.dir
            .get_or_insert_with(|| {
                configured.clone().unwrap_or_else(|| {
                    std::env::temp_dir().join(format!(
                        "cspdesk-emulator-exports-{}-{port_hint}",
                        std::process::id()
                    ))
                })
            })
            .clone()
    }
}

fn export_json(d: &ExportDef, expand: bool) -> Value {
    let mut properties = d.properties.clone();
    if expand {
        properties["runHistory"] = json!({ "value": d.runs });
    }
    json!({
        "id": d.id,
        "name": d.name,
        "type": "Microsoft.CostManagement/exports",
        "eTag": format!("\"{:x}\"", d.etag),
        "properties": properties,
    })
}

/// Path captures of the three scope shapes, normalised.
struct ScopePath {
    account: String,
    profile: Option<String>,
    customer: Option<String>,
    name: Option<String>,
}

fn missing(name: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("Export '{name}' was not found."),
        Some(name),
    )
}
