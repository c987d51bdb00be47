//! One export run as files: partitioned CSV parts with the MPA partner cost-details columns
//! (reference §10.2, byte-exact header) plus `manifest.json`, streamed part by part to a sink so
//! a large preset never holds a month of cost rows in memory. Test harnesses can call
//! [`write_run_to_dir`] and upload the folder to a real Azure Storage emulator (azurite).
//!
//! `columns` holds the file's columns and the leading ones every row shares, `usage` the rest
//! of a usage row, `commitments` the reservation and savings-plan rows, and `parts` cuts the
//! rows into CSV parts.

mod columns;
mod commitments;
mod parts;
mod usage;

pub use columns::MPA_COLUMNS;

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use crate::error::{EmulatorError, Result};
use crate::world::rating::PlanMonth;
use crate::world::{Customer, Month, PlanKind, World};
use columns::CustomerMonth;
use commitments::{commitment_columns, commitment_of, commitment_rows};
use parts::Parts;
use usage::usage_columns;

/// Which dataset an export produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dataset {
    /// Actual cost: reservation and savings-plan purchases appear as Purchase rows on the 1st.
    ActualCost,
    /// Amortized cost: purchases are spread over the days of the month as Usage rows.
    AmortizedCost,
}

/// Scope of an export in the partner's MCA billing account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExportScope {
    /// Whole billing account.
    BillingAccount,
    /// The (single) billing profile.
    BillingProfile,
    /// One customer, by tenant id.
    Customer(String),
}

/// What to export.
#[derive(Clone, Debug)]
pub struct RunRequest {
    /// Export name (folder under the root folder).
    pub export_name: String,
    /// Scope.
    pub scope: ExportScope,
    /// Dataset.
    pub dataset: Dataset,
    /// First day (inclusive).
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// Root folder inside the container.
    pub root_folder: String,
    /// Data rows per CSV part (each part repeats the header).
    pub rows_per_part: usize,
    /// Run id (folder name).
    pub run_id: String,
    /// When the run was submitted.
    pub submitted: DateTime<Utc>,
    /// `Scheduled` or `OnDemand`.
    pub execution_type: String,
    /// ARM resource id of the export definition (goes into the manifest).
    pub resource_id: String,
}

impl RunRequest {
    /// A run of the billing-account export `export_name` under root folder `partner`, in parts
    /// of 50,000 rows, submitted by the schedule (set other fields with struct update syntax).
    pub fn new(
        export_name: &str,
        dataset: Dataset,
        (from, to): (NaiveDate, NaiveDate),
        run_id: &str,
        submitted: DateTime<Utc>,
    ) -> RunRequest {
        RunRequest {
            export_name: export_name.into(),
            scope: ExportScope::BillingAccount,
            dataset,
            from,
            to,
            root_folder: "partner".into(),
            rows_per_part: 50_000,
            run_id: run_id.into(),
            submitted,
            execution_type: "Scheduled".into(),
            resource_id: String::new(),
        }
    }
}

/// Totals of a finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSummary {
    /// Folder of the run, relative to the container: `{root}/{export}/{YYYYMMDD-YYYYMMDD}/{runId}`.
    pub folder: String,
    /// Paths of the CSV parts, relative to the container.
    pub parts: Vec<String>,
    /// Path of manifest.json, relative to the container.
    pub manifest: String,
    /// Data rows written (headers excluded).
    pub data_rows: u64,
    /// Sum of costInBillingCurrency over all rows.
    pub cost_in_billing_currency: Decimal,
}

fn customers_in_scope(world: &World, scope: &ExportScope) -> Result<Vec<Customer>> {
    let all = (0..world.customer_count())
        .map(|i| world.customer(i))
        .filter(|c| c.plan == PlanKind::AzurePlan);
    match scope {
        ExportScope::BillingAccount | ExportScope::BillingProfile => Ok(all.collect()),
        ExportScope::Customer(id) => {
            let found: Vec<Customer> = all
                .filter(|c| c.tenant_id.eq_ignore_ascii_case(id))
                .collect();
            if found.is_empty() {
                return Err(EmulatorError::Export(format!(
                    "customer {id} is not an Azure plan customer of this billing account"
                )));
            }
            Ok(found)
        }
    }
}

/// Streams the files of one run to `sink(path, bytes)`: parts first, `manifest.json` last.
pub fn run_export(
    world: &World,
    req: &RunRequest,
    sink: &mut dyn FnMut(&str, Vec<u8>) -> Result<()>,
) -> Result<RunSummary> {
    if req.to < req.from {
        return Err(EmulatorError::Export(
            "the time period ends before it starts".into(),
        ));
    }
    let customers = customers_in_scope(world, &req.scope)?;
    let month_folder = format!(
        "{}-{}",
        Month::of(req.from).first_day().format("%Y%m%d"),
        Month::of(req.from).last_day().format("%Y%m%d")
    );
    let folder = format!(
        "{}/{}/{month_folder}/{}",
        req.root_folder.trim_matches('/'),
        req.export_name,
        req.run_id
    )
    .trim_start_matches('/')
    .to_string();
    let p = &world.partner;
    let mut parts = Parts {
        sink,
        folder: folder.clone(),
        rows_per_part: req.rows_per_part.max(1),
        current: None,
        rows_in_part: 0,
        written: Vec::new(),
    };
    let mut total = Decimal::ZERO;
    let mut month = Month::of(req.from);
    while month <= Month::of(req.to) {
        for c in &customers {
            let (region, location) = c.region();
            let at = CustomerMonth {
                partner: p,
                customer: c,
                month,
                fx: world.fx(c.currency, month),
                region,
                location,
            };
            let mut pm = PlanMonth::new(world, c.clone(), month, req.to.min(month.last_day()));
            while let Some(row) = pm.next() {
                if row.key.day < req.from {
                    continue;
                }
                let mut rec = at.leading(row.key.day);
                rec.extend(usage_columns(&at, &pm, &row));
                total += row.billing_total;
                parts.push(&rec)?;
            }
            if let Some(cm) = commitment_of(world, c) {
                for row in commitment_rows(world, req, &cm, &at) {
                    let mut rec = at.leading(row.date);
                    rec.extend(commitment_columns(&at, &cm, &row));
                    total += row.cost;
                    parts.push(&rec)?;
                }
            }
        }
        month = month.next();
    }
    parts.flush()?;
    let written = std::mem::take(&mut parts.written);
    let data_rows: u64 = written.iter().map(|w| w.2).sum();
    let manifest = json!({
        "manifestVersion": "2024-04-01",
        "byteCount": written.iter().map(|w| w.1).sum::<u64>(),
        "blobCount": written.len(),
        "dataRowCount": data_rows,
        "exportConfig": {
            "exportName": req.export_name,
            "resourceId": req.resource_id,
            "dataVersion": "2023-12-01-preview",
            "apiVersion": "2025-03-01",
            "type": match req.dataset { Dataset::ActualCost => "ActualCost", Dataset::AmortizedCost => "AmortizedCost" },
            "timeFrame": "Custom",
            "granularity": "Daily",
        },
        "deliveryConfig": {
            "partitionData": true,
            "dataOverwriteBehavior": "CreateNewReport",
            "fileFormat": "Csv",
            "compressionMode": "None",
            "containerUri": "",
            "rootFolderPath": req.root_folder,
        },
        "runInfo": {
            "executionType": req.execution_type,
            "submittedTime": req.submitted.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "runId": req.run_id,
            "startDate": format!("{}T00:00:00", req.from.format("%Y-%m-%d")),
            "endDate": format!("{}T00:00:00Z", req.to.format("%Y-%m-%d")),
        },
        "blobs": written.iter().map(|(name, bytes, rows)| json!({ "blobName": name, "byteCount": bytes, "dataRowCount": rows })).collect::<Vec<_>>(),
    });
    let manifest_path = format!("{folder}/manifest.json");
    let body =
        serde_json::to_vec_pretty(&manifest).map_err(|e| EmulatorError::Export(e.to_string()))?;
    (parts.sink)(&manifest_path, body)?;
    Ok(RunSummary {
        folder,
        parts: written.into_iter().map(|w| w.0).collect(),
        manifest: manifest_path,
        data_rows,
        cost_in_billing_currency: total,
    })
}

/// Runs an export and writes its files under `dir` (paths relative to the container).
pub fn write_run_to_dir(world: &World, req: &RunRequest, dir: &Path) -> Result<RunSummary> {
    let mut sink = |path: &str, bytes: Vec<u8>| -> Result<()> {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(|source| EmulatorError::Io {
                path: parent.display().to_string(),
                source,
            })?;
        }
        std::fs::write(&full, bytes).map_err(|source| EmulatorError::Io {
            path: full.display().to_string(),
            source,
        })
    };
    run_export(world, req, &mut sink)
}
