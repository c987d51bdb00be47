//! Microsoft's published export manifests (`tests/fixtures/microsoft/cost_exports/`) through the
//! crate's real parser and plan (issue 18): the improved exports' `manifest.json` is read with
//! its values (and planned as the reservation dataset it is, not imported); the older
//! partitioning manifest, which has no export or run, is refused naming what it lacks.

use chrono::{TimeZone, Utc};
use cspdesk_cost_exports::import::{plan, FoundRun, SkipReason};
use cspdesk_cost_exports::manifest::{ExportedScope, PartFormat};
use cspdesk_cost_exports::{Error, Manifest};
use cspdesk_store::cost_exports::sources::Scope;

fn sample(file: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../tests/fixtures/microsoft/cost_exports/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("Microsoft's sample {path}: {e}"))
}

const PATH: &str =
    "folder/sample/20250301-20250331/bbac73f1-9a05-4de6-84ab-c72b568a03b4/manifest.json";

#[test]
fn the_published_manifest_is_read_with_its_values() {
    let m = Manifest::parse(PATH, &sample("manifest.json")).expect("Microsoft's sample parses");
    assert_eq!(m.manifest_version, "2024-04-01");
    assert_eq!(
        (m.blob_count, m.data_row_count, m.byte_count),
        (1, 36, 8032)
    );
    assert_eq!(m.export_config.export_name, "sample");
    assert_eq!(m.export_config.kind, "ReservationRecommendations");
    assert_eq!(m.export_config.data_version, "2023-05-01");
    assert_eq!(m.run_info.run_id, "bbac73f1-9a05-4de6-84ab-c72b568a03b4");
    assert_eq!(m.run_info.execution_type, "OnDemand");
    assert_eq!(
        m.submitted(),
        Some(
            Utc.with_ymd_and_hms(2025, 3, 21, 21, 4, 6).unwrap()
                + chrono::Duration::nanoseconds(523_444_700)
        ),
        "seven fractional digits, as Cost Management writes them"
    );
    assert_eq!(
        m.delivery_config.data_overwrite_behavior,
        "OverwritePreviousReport"
    );
    assert_eq!(m.part_format(), Some(PartFormat::Csv));
    assert_eq!(m.scope(), ExportedScope::BillingAccount("1234567".into()));
    assert_eq!(m.month_folder(PATH).as_deref(), Some("20250301-20250331"));
    assert_eq!(m.blobs.len(), 1);
    assert_eq!(
        m.blobs[0].blob_name, " folder/sample/ 00000000-0000-0000-0000-000000000000/part0.csv",
        "the part's name is kept as Microsoft wrote it, spaces included"
    );
    assert_eq!(
        (m.blobs[0].byte_count, m.blobs[0].data_row_count),
        (Some(8032), Some(36))
    );
    assert_eq!(
        m.dataset(),
        None,
        "reservation recommendations are not cost details"
    );
}

#[test]
fn the_published_manifest_plans_as_a_skipped_reservation_export() {
    let manifest = Manifest::parse(PATH, &sample("manifest.json")).unwrap();
    let p = plan(
        vec![FoundRun {
            manifest_path: PATH.into(),
            manifest,
        }],
        &[],
        &Scope::BillingAccount(Some("1234567".into())),
    );
    assert!(p.imports.is_empty());
    assert_eq!(p.skipped.len(), 1);
    assert_eq!(
        p.skipped[0].reason,
        SkipReason::NotCostDetails {
            kind: "ReservationRecommendations".into()
        },
        "kept aside with its reason, not dropped"
    );
}

#[test]
fn the_older_partitioning_manifest_is_refused_naming_what_it_lacks() {
    match Manifest::parse(
        "blobName_manifest.json",
        &sample("manifest-2021-01-01.json"),
    ) {
        Err(Error::Manifest { detail, .. }) => assert!(
            detail.contains("exportConfig"),
            "the 2021-01-01 manifest has no export definition: {detail}"
        ),
        other => panic!("refused as a manifest without its export: {other:?}"),
    }
}
