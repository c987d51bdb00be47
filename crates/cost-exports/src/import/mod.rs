//! Importing a source's export runs, plan then apply. The plan is pure: from the manifests
//! found in the container and the runs already imported it decides, per export, dataset and
//! month folder, which one run counts (the newest submitted) and whether it must be imported
//! (replacing the older one) or is already there. Applying a run streams its parts into one
//! write transaction, checks every part's row count against the manifest, and commits; any
//! failure rolls that run back, so a month always holds one whole run. Importing the same
//! runs again reads only the listing and writes nothing.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use cspdesk_store::cost_exports::runs::ImportedRun;
use cspdesk_store::cost_exports::sources::Scope;
use cspdesk_store::cost_exports::Dataset;

use crate::manifest::{ExportedScope, Manifest, PartFormat};

mod apply;
pub use apply::*;

/// How often (in rows) a running import reports progress.
const PROGRESS_EVERY: u64 = 10_000;

/// A run found in the container, with its manifest read.
#[derive(Debug, Clone)]
pub struct FoundRun {
    /// Path of its manifest.json.
    pub manifest_path: String,
    /// The manifest.
    pub manifest: Manifest,
}

/// Why a run found is not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// This very run is in the database already.
    AlreadyImported,
    /// A newer run of the same export, dataset and month counts instead.
    Superseded {
        /// The run that counts.
        by: String,
    },
    /// Not an actual or amortized cost dataset (FOCUS, price sheet, reservations...).
    NotCostDetails {
        /// exportConfig.type.
        kind: String,
    },
    /// Not CSV (plain or gzip).
    UnsupportedFormat {
        /// fileFormat / compressionMode.
        format: String,
    },
    /// Defined at another scope than the source's.
    OtherScope {
        /// exportConfig.resourceId.
        resource_id: String,
    },
    /// Neither the delivery path nor runInfo.startDate tells its month.
    NoMonth,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::AlreadyImported => f.write_str("already imported"),
            SkipReason::Superseded { by } => write!(f, "superseded by the newer run {by}"),
            SkipReason::NotCostDetails { kind } => {
                write!(f, "a {kind} export, not actual or amortized cost details")
            }
            SkipReason::UnsupportedFormat { format } => {
                write!(f, "delivered as {format}; only CSV (plain or gzip) is read")
            }
            SkipReason::OtherScope { resource_id } => write!(
                f,
                "defined at another scope than the source's ({resource_id})"
            ),
            SkipReason::NoMonth => f.write_str("its month cannot be told from its folder"),
        }
    }
}

/// A run not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRun {
    /// Run id.
    pub run_id: String,
    /// Path of its manifest.
    pub manifest_path: String,
    /// Why.
    pub reason: SkipReason,
}

/// A run to import.
#[derive(Debug, Clone)]
pub struct PlannedRun {
    /// What was found.
    pub found: FoundRun,
    /// Its dataset.
    pub dataset: Dataset,
    /// Its parts' format.
    pub format: PartFormat,
    /// `YYYYMMDD-YYYYMMDD`.
    pub month_folder: String,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The imported run it replaces.
    pub replaces: Option<String>,
}

/// What an import will do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Runs to import, by month folder, export and dataset.
    pub imports: Vec<PlannedRun>,
    /// Runs left as they are.
    pub skipped: Vec<SkippedRun>,
}

fn scope_matches(source: &Scope, run: &ExportedScope) -> bool {
    match (source, run) {
        // A manifest that names no billing scope cannot be checked; it is the source's.
        (_, ExportedScope::Unknown) => true,
        (Scope::BillingAccount(id), ExportedScope::BillingAccount(a)) => {
            id.as_deref().is_none_or(|id| id.eq_ignore_ascii_case(a))
        }
        (Scope::BillingProfile(id), ExportedScope::BillingProfile(p)) => {
            id.as_deref().is_none_or(|id| id.eq_ignore_ascii_case(p))
        }
        (Scope::Customer(id), ExportedScope::Customer(c)) => id.eq_ignore_ascii_case(c),
        _ => false,
    }
}

/// Decides which runs to import: per (export, dataset, month folder) the newest submitted
/// run counts; it is imported unless it is the one already imported.
pub fn plan(found: Vec<FoundRun>, imported: &[ImportedRun], scope: &Scope) -> Plan {
    let mut out = Plan::default();
    let imported_ids: HashSet<&str> = imported.iter().map(|r| r.run_id.as_str()).collect();
    // (month folder, dataset, export) -> its runs: (submitted, run id, the run when found
    // here, None for the one imported before).
    type Key = (String, Dataset, String);
    type Candidate = (DateTime<Utc>, String, Option<PlannedRun>);
    let mut groups: BTreeMap<Key, Vec<Candidate>> = BTreeMap::new();
    for r in imported {
        groups
            .entry((r.month_folder.clone(), r.dataset, r.export_name.clone()))
            .or_default()
            .push((r.submitted_at, r.run_id.clone(), None));
    }
    for f in found {
        let run_id = f.manifest.run_info.run_id.clone();
        let skip = |reason| SkippedRun {
            run_id: run_id.clone(),
            manifest_path: f.manifest_path.clone(),
            reason,
        };
        if imported_ids.contains(run_id.as_str()) {
            out.skipped.push(skip(SkipReason::AlreadyImported));
            continue;
        }
        let Some(dataset) = f.manifest.dataset() else {
            out.skipped.push(skip(SkipReason::NotCostDetails {
                kind: f.manifest.export_config.kind.clone(),
            }));
            continue;
        };
        let Some(format) = f.manifest.part_format() else {
            let d = &f.manifest.delivery_config;
            out.skipped.push(skip(SkipReason::UnsupportedFormat {
                format: format!("{} / {}", d.file_format, d.compression_mode),
            }));
            continue;
        };
        if !scope_matches(scope, &f.manifest.scope()) {
            out.skipped.push(skip(SkipReason::OtherScope {
                resource_id: f.manifest.export_config.resource_id.clone(),
            }));
            continue;
        }
        let Some(month_folder) = f.manifest.month_folder(&f.manifest_path) else {
            out.skipped.push(skip(SkipReason::NoMonth));
            continue;
        };
        let submitted_at = f.manifest.submitted().expect("checked when parsed");
        let key = (
            month_folder.clone(),
            dataset,
            f.manifest.export_config.export_name.clone(),
        );
        groups.entry(key).or_default().push((
            submitted_at,
            run_id,
            Some(PlannedRun {
                found: f,
                dataset,
                format,
                month_folder,
                submitted_at,
                replaces: None,
            }),
        ));
    }
    for (_, mut candidates) in groups {
        candidates.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let (_, newest_id, _) = candidates.last().expect("a group is never empty");
        let newest_id = newest_id.clone();
        let replaced = candidates
            .iter()
            .find(|c| c.2.is_none())
            .map(|c| c.1.clone());
        for (_, run_id, planned) in candidates {
            let Some(mut planned) = planned else {
                continue;
            };
            if run_id == newest_id {
                planned.replaces = replaced.clone();
                out.imports.push(planned);
            } else {
                out.skipped.push(SkippedRun {
                    run_id,
                    manifest_path: planned.found.manifest_path,
                    reason: SkipReason::Superseded {
                        by: newest_id.clone(),
                    },
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
