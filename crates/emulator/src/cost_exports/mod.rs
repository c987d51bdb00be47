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
use chrono::{DateTime, Duration, Months, SecondsFormat, Utc};
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
    /// The managed identity the export writes with (`identity` of the PUT, completed with the
    /// principal and tenant ids Microsoft assigns), and the `location` it was created in.
    identity: Option<Value>,
    location: Option<String>,
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

/// An export as ARM answers it. `now` dates `nextRunTimeEstimate`, which Microsoft adds to an
/// export whose schedule is active.
fn export_json(d: &ExportDef, expand: bool, now: DateTime<Utc>) -> Value {
    let mut properties = d.properties.clone();
    if let Some(next) = next_run_estimate(&d.properties["schedule"], now) {
        properties["nextRunTimeEstimate"] = json!(next);
    }
    if expand {
        properties["runHistory"] = json!({ "value": d.runs });
    }
    let mut body = json!({
        "id": d.id,
        "name": d.name,
        "type": "Microsoft.CostManagement/exports",
        "eTag": format!("\"{:x}\"", d.etag),
        "properties": properties,
    });
    if let Some(identity) = &d.identity {
        body["identity"] = identity.clone();
    }
    if let Some(location) = &d.location {
        body["location"] = json!(location);
    }
    body
}

/// When an active schedule would next run: its days start at `recurrencePeriod.from` and step
/// by the recurrence; Microsoft's example estimates 23:00 UTC of the day. The emulator runs no
/// schedule itself, so this is only the estimate ARM shows.
fn next_run_estimate(schedule: &Value, now: DateTime<Utc>) -> Option<String> {
    if schedule["status"].as_str() != Some("Active") {
        return None;
    }
    let date = |k: &str| {
        schedule["recurrencePeriod"][k]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let mut at = date("from")?.date_naive().and_hms_opt(23, 0, 0)?.and_utc();
    while at <= now {
        at = match schedule["recurrence"].as_str() {
            Some("Weekly") => at + Duration::days(7),
            Some("Monthly") => at.checked_add_months(Months::new(1))?,
            Some("Annually") => at.checked_add_months(Months::new(12))?,
            _ => at + Duration::days(1),
        };
    }
    match date("to") {
        Some(to) if at > to => None,
        _ => Some(at.to_rfc3339_opts(SecondsFormat::Secs, true)),
    }
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
