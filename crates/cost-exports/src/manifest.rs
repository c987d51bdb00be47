//! `manifest.json`, the file Cost Management writes last into each run's folder (reference
//! §10.1): which export and dataset the run is, when it was submitted, how it was delivered
//! (CSV or Parquet, gzip or not) and every part with its row count. The import trusts the
//! manifest, never file names, and checks its counts against the parts it reads. A manifest
//! that is not this shape is refused as [`Error::Manifest`], naming the field.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use cspdesk_store::cost_exports::Dataset;
use serde::Deserialize;

use crate::error::{Error, Result};

/// The fields of manifest.json CSP Desk reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// e.g. `2024-04-01`.
    #[serde(default)]
    pub manifest_version: String,
    /// Bytes in all parts.
    #[serde(default)]
    pub byte_count: u64,
    /// Number of parts.
    pub blob_count: u64,
    /// Data rows in all parts (headers excluded).
    pub data_row_count: u64,
    /// The export definition.
    pub export_config: ExportConfig,
    /// How it was delivered.
    #[serde(default)]
    pub delivery_config: DeliveryConfig,
    /// The run.
    pub run_info: RunInfo,
    /// The parts.
    pub blobs: Vec<ManifestBlob>,
}

/// `exportConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportConfig {
    /// Export name.
    pub export_name: String,
    /// ARM id of the export: names its scope.
    #[serde(default)]
    pub resource_id: String,
    /// Dataset version (e.g. `2023-12-01-preview` for MPA cost details).
    #[serde(default)]
    pub data_version: String,
    /// `ActualCost`, `AmortizedCost`, `FocusCost`, ...
    #[serde(rename = "type")]
    pub kind: String,
}

/// `deliveryConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryConfig {
    /// `Csv`, `Parquet`.
    #[serde(default = "csv")]
    pub file_format: String,
    /// `None`, `Gzip`, `Snappy`.
    #[serde(default = "none")]
    pub compression_mode: String,
    /// `OverwritePreviousReport` or `CreateNewReport`.
    #[serde(default)]
    pub data_overwrite_behavior: String,
}

fn csv() -> String {
    "Csv".into()
}

fn none() -> String {
    "None".into()
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        DeliveryConfig {
            file_format: csv(),
            compression_mode: none(),
            data_overwrite_behavior: String::new(),
        }
    }
}

/// `runInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunInfo {
    /// Run id (its folder's name).
    pub run_id: String,
    /// When it was submitted: a newer run of a month replaces an older one.
    pub submitted_time: String,
    /// First day covered.
    #[serde(default)]
    pub start_date: String,
    /// `Scheduled` or `OnDemand`.
    #[serde(default)]
    pub execution_type: String,
}

/// One entry of `blobs`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestBlob {
    /// Path inside the container.
    pub blob_name: String,
    /// Bytes.
    #[serde(default)]
    pub byte_count: Option<u64>,
    /// Data rows.
    #[serde(default)]
    pub data_row_count: Option<u64>,
}

/// How a run's parts are to be read, or why they cannot be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartFormat {
    /// CSV as is.
    Csv,
    /// gzip-compressed CSV.
    CsvGzip,
}

/// Reads a timestamp of a manifest (`2025-07-16T15:27:00.2762450Z`, with or without zone).
fn manifest_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

impl Manifest {
    /// Parses and checks the manifest at `path` (its path in the container).
    pub fn parse(path: &str, bytes: &[u8]) -> Result<Manifest> {
        let bad = |detail: String| Error::Manifest {
            path: path.to_string(),
            detail,
        };
        let text = std::str::from_utf8(bytes).map_err(|_| bad("it is not UTF-8 text".into()))?;
        let text = text.trim_start_matches('\u{feff}');
        let de = &mut serde_json::Deserializer::from_str(text);
        let manifest: Manifest = serde_path_to_error::deserialize(de).map_err(|e| {
            let at = e.path().to_string();
            let inner = e.into_inner();
            if at == "." || at.is_empty() {
                bad(inner.to_string())
            } else {
                bad(format!("{at}: {inner}"))
            }
        })?;
        if manifest.export_config.export_name.trim().is_empty() {
            return Err(bad("exportConfig.exportName is empty".into()));
        }
        if manifest.run_info.run_id.trim().is_empty() {
            return Err(bad("runInfo.runId is empty".into()));
        }
        if manifest.submitted().is_none() {
            return Err(bad(format!(
                "runInfo.submittedTime {:?} is not a time",
                manifest.run_info.submitted_time
            )));
        }
        if manifest.blobs.len() as u64 != manifest.blob_count {
            return Err(bad(format!(
                "blobCount is {} but blobs lists {}",
                manifest.blob_count,
                manifest.blobs.len()
            )));
        }
        for (i, b) in manifest.blobs.iter().enumerate() {
            if b.blob_name.trim().is_empty()
                || b.blob_name.split('/').any(|s| s == "..")
                || b.blob_name.starts_with('/')
            {
                return Err(bad(format!(
                    "blobs[{i}].blobName {:?} is not a path inside the container",
                    b.blob_name
                )));
            }
        }
        if manifest.blobs.iter().all(|b| b.data_row_count.is_some()) {
            let sum: u64 = manifest.blobs.iter().filter_map(|b| b.data_row_count).sum();
            if sum != manifest.data_row_count {
                return Err(bad(format!(
                    "dataRowCount is {} but the blobs' dataRowCount add up to {sum}",
                    manifest.data_row_count
                )));
            }
        }
        Ok(manifest)
    }

    /// When the run was submitted.
    pub fn submitted(&self) -> Option<DateTime<Utc>> {
        manifest_time(&self.run_info.submitted_time)
    }

    /// The dataset, when it is one CSP Desk imports (`Usage` is the older name of actual cost).
    pub fn dataset(&self) -> Option<Dataset> {
        match self.export_config.kind.to_ascii_lowercase().as_str() {
            "actualcost" | "usage" => Some(Dataset::Actual),
            "amortizedcost" => Some(Dataset::Amortized),
            _ => None,
        }
    }

    /// How to read the parts, when CSP Desk can (CSV, plain or gzip).
    pub fn part_format(&self) -> Option<PartFormat> {
        if !self.delivery_config.file_format.eq_ignore_ascii_case("csv") {
            return None;
        }
        match self
            .delivery_config
            .compression_mode
            .to_ascii_lowercase()
            .as_str()
        {
            "" | "none" => Some(PartFormat::Csv),
            "gzip" => Some(PartFormat::CsvGzip),
            _ => None,
        }
    }

    /// The run's month folder: `YYYYMMDD-YYYYMMDD` from the delivery path
    /// `{root}/{export}/{YYYYMMDD-YYYYMMDD}/{runId}/manifest.json`, else the month of
    /// `runInfo.startDate`.
    pub fn month_folder(&self, manifest_path: &str) -> Option<String> {
        let segments: Vec<&str> = manifest_path.split('/').collect();
        if segments.len() >= 3 {
            let folder = segments[segments.len() - 3];
            if let Some((a, b)) = folder.split_once('-') {
                let day = |t: &str| NaiveDate::parse_from_str(t, "%Y%m%d").ok();
                if let (Some(a), Some(b)) = (day(a), day(b)) {
                    if a <= b {
                        return Some(folder.to_string());
                    }
                }
            }
        }
        let start = self.run_info.start_date.get(..10)?;
        let first = NaiveDate::parse_from_str(start, "%Y-%m-%d").ok()?;
        let first = first.with_day0(0)?;
        let next = first.checked_add_months(chrono::Months::new(1))?;
        let last = next.pred_opt()?;
        Some(format!(
            "{}-{}",
            first.format("%Y%m%d"),
            last.format("%Y%m%d")
        ))
    }

    /// The scope named by `exportConfig.resourceId`.
    pub fn scope(&self) -> ExportedScope {
        ExportedScope::of(&self.export_config.resource_id)
    }
}

/// The billing scope an export was defined at, read from its ARM id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportedScope {
    /// `billingAccounts/{id}`.
    BillingAccount(String),
    /// `billingAccounts/{a}/billingProfiles/{id}`.
    BillingProfile(String),
    /// `billingAccounts/{a}/customers/{id}` (lower case).
    Customer(String),
    /// Not a billing scope (or not given).
    Unknown,
}

impl ExportedScope {
    /// Reads the scope from an export's resource id.
    pub fn of(resource_id: &str) -> ExportedScope {
        let segments: Vec<&str> = resource_id.split('/').filter(|s| !s.is_empty()).collect();
        let after = |name: &str| {
            segments
                .iter()
                .position(|s| s.eq_ignore_ascii_case(name))
                .and_then(|i| segments.get(i + 1))
                .map(|s| s.to_string())
        };
        if let Some(c) = after("customers") {
            ExportedScope::Customer(c.to_ascii_lowercase())
        } else if let Some(p) = after("billingProfiles") {
            ExportedScope::BillingProfile(p)
        } else if let Some(a) = after("billingAccounts") {
            ExportedScope::BillingAccount(a)
        } else {
            ExportedScope::Unknown
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The manifest of reference §10.1, as Cost Management writes it.
    pub(crate) const SAMPLE: &str = r#"{"manifestVersion":"2024-04-01","byteCount":8032,"blobCount":1,"dataRowCount":36,
 "exportConfig":{"exportName":"focus-daily","resourceId":"/providers/Microsoft.Billing/billingAccounts/123/providers/Microsoft.CostManagement/exports/focus-daily",
   "dataVersion":"1.0","apiVersion":"2025-03-01","type":"AmortizedCost","timeFrame":"MonthToDate","granularity":"Daily"},
 "deliveryConfig":{"partitionData":true,"dataOverwriteBehavior":"OverwritePreviousReport","fileFormat":"Csv",
   "compressionMode":"Gzip","containerUri":"/subscriptions/x/storageAccounts/acct","rootFolderPath":"partner"},
 "runInfo":{"executionType":"Scheduled","submittedTime":"2025-07-16T15:27:00.2762450Z",
   "runId":"bbac73f1-9a05-4de6-84ab-c72b568a03b4","startDate":"2025-07-01T00:00:00","endDate":"2025-07-16T00:00:00Z"},
 "blobs":[{"blobName":"partner/focus-daily/20250701-20250731/bbac73f1-9a05-4de6-84ab-c72b568a03b4/part_0_0001.csv.gz","byteCount":8032,"dataRowCount":36}]}"#;

    const PATH: &str =
        "partner/focus-daily/20250701-20250731/bbac73f1-9a05-4de6-84ab-c72b568a03b4/manifest.json";

    #[test]
    fn the_documented_manifest_reads_whole() {
        let m = Manifest::parse(PATH, SAMPLE.as_bytes()).unwrap();
        assert_eq!(m.run_info.run_id, "bbac73f1-9a05-4de6-84ab-c72b568a03b4");
        assert_eq!(m.dataset(), Some(Dataset::Amortized));
        assert_eq!(m.part_format(), Some(PartFormat::CsvGzip));
        assert_eq!(
            m.submitted(),
            Some(
                Utc.with_ymd_and_hms(2025, 7, 16, 15, 27, 0).unwrap()
                    + chrono::Duration::nanoseconds(276_245_000)
            ),
            "seven fractional digits are kept to the 100 ns"
        );
        assert_eq!(m.month_folder(PATH).as_deref(), Some("20250701-20250731"));
        assert_eq!(
            m.month_folder("elsewhere/manifest.json").as_deref(),
            Some("20250701-20250731"),
            "without the documented layout the month comes from startDate"
        );
        assert_eq!(m.scope(), ExportedScope::BillingAccount("123".into()));
        assert_eq!(m.blobs[0].data_row_count, Some(36));
    }

    #[test]
    fn what_is_not_an_importable_run_is_told_apart_from_a_broken_manifest() {
        let focus = SAMPLE.replace("\"AmortizedCost\"", "\"FocusCost\"");
        assert_eq!(
            Manifest::parse(PATH, focus.as_bytes()).unwrap().dataset(),
            None
        );
        let parquet = SAMPLE.replace("\"Csv\"", "\"Parquet\"");
        assert_eq!(
            Manifest::parse(PATH, parquet.as_bytes())
                .unwrap()
                .part_format(),
            None
        );
    }

    #[test]
    fn malformed_manifests_are_refused_naming_the_field() {
        let cases = [
            ("not json at all", "line 1 column"),
            (
                &SAMPLE.replace("\"runId\":\"bbac73f1-9a05-4de6-84ab-c72b568a03b4\",", "")[..],
                "runInfo",
            ),
            (
                &SAMPLE.replace("\"blobCount\":1", "\"blobCount\":2")[..],
                "blobCount is 2",
            ),
            (
                &SAMPLE.replace("\"dataRowCount\":36,\n", "\"dataRowCount\":35,\n")[..],
                "add up to 36",
            ),
            (
                &SAMPLE.replace("2025-07-16T15:27:00.2762450Z", "yesterday")[..],
                "submittedTime",
            ),
            (
                &SAMPLE.replace("\"blobName\":\"partner/", "\"blobName\":\"../")[..],
                "blobs[0].blobName",
            ),
            (
                &SAMPLE.replace("\"dataRowCount\":36,\n", "\"dataRowCount\":\"36\",\n")[..],
                "dataRowCount",
            ),
        ];
        for (text, says) in cases {
            let err = Manifest::parse(PATH, text.as_bytes()).unwrap_err();
            let message = err.to_string();
            assert!(
                matches!(err, Error::Manifest { .. }) && message.contains(says),
                "{says:?} expected in: {message}"
            );
            assert!(message.contains(PATH), "the manifest is named: {message}");
        }
    }

    #[test]
    fn scopes_are_read_from_the_export_id() {
        let base = "/providers/Microsoft.Billing/billingAccounts/acct";
        assert_eq!(
            ExportedScope::of(&format!(
                "{base}/customers/0A1B2C3D-0000-4000-8000-000000000001/providers/Microsoft.CostManagement/exports/x"
            )),
            ExportedScope::Customer("0a1b2c3d-0000-4000-8000-000000000001".into())
        );
        assert_eq!(
            ExportedScope::of(&format!(
                "{base}/billingProfiles/BP1/providers/Microsoft.CostManagement/exports/x"
            )),
            ExportedScope::BillingProfile("BP1".into())
        );
        assert_eq!(ExportedScope::of(""), ExportedScope::Unknown);
    }
}
