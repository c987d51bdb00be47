//! Preset M export runs imported from azurite: twice gives the same database; per-customer
//! totals equal the costInBillingCurrency sums computed here from the CSV parts themselves;
//! reservations and savings plans carry their pricing model in both views; a re-exported
//! month replaces the month; a corrupted or truncated part, a broken manifest or an expired
//! SAS is a typed error and leaves the database as it was; gzip parts read like plain ones.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cspdesk_cost_exports::blobs::Container;
use cspdesk_cost_exports::{import, ContainerSas, Error, SkipReason};
use cspdesk_emulator::cost_exports::run::{
    write_run_to_dir, Dataset as EmuDataset, RunRequest, RunSummary,
};
use cspdesk_emulator::world::World;
use cspdesk_emulator::Preset;
use cspdesk_store::cost_exports::sources::{self, NewSource, Scope, Source};
use cspdesk_store::cost_exports::totals::{self, Filter};
use cspdesk_store::cost_exports::{dump, runs, Dataset};
use cspdesk_store::{accounts, Database};
use rust_decimal::Decimal;
use tempfile::TempDir;

use crate::azurite::Azurite;

pub(crate) const CONTAINER: &str = "exports";

pub(crate) fn world() -> World {
    World::new(Preset::M, 7, NaiveDate::from_ymd_opt(2026, 4, 15).unwrap())
}

/// A day of February 2026 (a closed month of [`world`]).
fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 2, d).unwrap()
}

/// A test's Azure Storage (azurite with an empty container), partner and clock.
pub(crate) struct Setup {
    pub(crate) azurite: Azurite,
    pub(crate) world: World,
    pub(crate) now: DateTime<Utc>,
}

impl Setup {
    pub(crate) fn new() -> Setup {
        let azurite = Azurite::start();
        azurite.create_container(CONTAINER);
        Setup {
            azurite,
            world: world(),
            now: Utc::now(),
        }
    }

    /// Writes a run of the partner's billing-account export of `dataset` for February's
    /// days `first..=last`, submitted `hours_ago`, into a fresh folder.
    fn write(
        &self,
        dataset: EmuDataset,
        run_id: &str,
        (first, last): (u32, u32),
        hours_ago: i64,
        rows_per_part: usize,
    ) -> (TempDir, RunSummary) {
        let name = match dataset {
            EmuDataset::ActualCost => "mca-actual",
            EmuDataset::AmortizedCost => "mca-amortized",
        };
        let dir = tempfile::tempdir().unwrap();
        let request = RunRequest {
            rows_per_part,
            resource_id: format!(
                "/providers/Microsoft.Billing/billingAccounts/{}/providers/Microsoft.CostManagement/exports/{name}",
                self.world.partner.billing_account_id
            ),
            ..RunRequest::new(
                name,
                dataset,
                (day(first), day(last)),
                run_id,
                self.now - Duration::hours(hours_ago),
            )
        };
        let summary = write_run_to_dir(&self.world, &request, dir.path()).unwrap();
        (dir, summary)
    }

    /// [`Setup::write`], then uploaded as Cost Management delivers it.
    pub(crate) fn deliver(
        &self,
        dataset: EmuDataset,
        run_id: &str,
        days: (u32, u32),
        hours_ago: i64,
        rows_per_part: usize,
    ) -> (TempDir, RunSummary) {
        let (dir, summary) = self.write(dataset, run_id, days, hours_ago, rows_per_part);
        self.azurite.upload_dir(CONTAINER, dir.path());
        (dir, summary)
    }

    /// The container's SAS URL (Read + List) expiring at `expiry`, as a partner pastes it.
    fn sas_url(&self, expiry: DateTime<Utc>) -> String {
        self.azurite.container_sas_url(CONTAINER, expiry)
    }

    /// A SAS valid for a day.
    pub(crate) fn sas(&self) -> ContainerSas {
        ContainerSas::parse(&self.sas_url(self.now + Duration::days(1)), self.now).unwrap()
    }

    /// A database with one partner account and a billing-account source on `sas`'s container.
    pub(crate) fn database(&self, sas: &ContainerSas) -> (TempDir, Database, Source) {
        database(&self.world, sas, self.now)
    }
}

pub(crate) fn database(
    world: &World,
    sas: &ContainerSas,
    now: DateTime<Utc>,
) -> (TempDir, Database, Source) {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(&dir.path().join("costs.sqlite3")).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now)
        .unwrap()
        .id;
    let source = sources::add(
        &db,
        &NewSource {
            account_id: &account,
            name: "MCA exports",
            scope: Scope::BillingAccount(Some(world.partner.billing_account_id.clone())),
            container_url: sas.container_url(),
            root_folder: "partner",
            sas_expires_at: sas.expires_at(),
        },
        now,
    )
    .unwrap();
    (dir, db, source)
}

type Sums = BTreeMap<(String, String, String), Decimal>;

/// Σ costInBillingCurrency per (billing month, customer, currency), read straight from the parts.
fn csv_sums(dir: &Path, parts: &[String]) -> Sums {
    let mut sums = Sums::new();
    for part in parts {
        let mut reader = csv::Reader::from_path(dir.join(part)).unwrap();
        let header = reader.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let (cost, tenant, currency, start) = (
            col("costInBillingCurrency"),
            col("customerTenantId"),
            col("billingCurrency"),
            col("billingPeriodStartDate"),
        );
        for rec in reader.records() {
            let rec = rec.unwrap();
            let start = NaiveDate::parse_from_str(&rec[start], "%m/%d/%Y").unwrap();
            *sums
                .entry((
                    start.format("%Y-%m").to_string(),
                    rec[tenant].to_lowercase(),
                    rec[currency].to_string(),
                ))
                .or_default() += Decimal::from_str(&rec[cost]).unwrap();
        }
    }
    sums
}

fn stored_sums(db: &Database, source: &Source, dataset: Dataset) -> Sums {
    totals::per_customer(
        db,
        &Filter {
            account_id: &source.account_id,
            dataset,
            month: None,
        },
    )
    .unwrap()
    .into_iter()
    .map(|t| {
        (
            (
                t.billing_month,
                t.customer_tenant_id.unwrap_or_default(),
                t.currency,
            ),
            t.cost.amount(),
        )
    })
    .collect()
}

fn models(db: &Database, source: &Source, dataset: Dataset) -> BTreeMap<(String, String), Decimal> {
    let mut out = BTreeMap::new();
    for t in totals::per_pricing_model(
        db,
        &Filter {
            account_id: &source.account_id,
            dataset,
            month: Some("2026-02"),
        },
    )
    .unwrap()
    {
        *out.entry((t.pricing_model, t.charge_type)).or_default() += t.cost.amount();
    }
    out
}

#[test]
fn a_preset_m_month_imported_twice_gives_the_same_database_and_the_exports_sums() {
    let t = Setup::new();
    let (actual_dir, actual) = t.deliver(
        EmuDataset::ActualCost,
        "5d0c7c43-0000-4000-8000-00000000000a",
        (1, 28),
        3,
        25_000,
    );
    let (amortized_dir, amortized) = t.deliver(
        EmuDataset::AmortizedCost,
        "5d0c7c43-0000-4000-8000-00000000000b",
        (1, 28),
        3,
        25_000,
    );
    assert!(
        actual.parts.len() > 1,
        "preset M's month spans several parts"
    );
    let sas = t.sas();
    let (_d, mut db, source) = t.database(&sas);
    let mut events = 0;
    let first = import(&mut db, &source, &sas, t.now, &mut |_| events += 1).unwrap();
    let rows = actual.data_rows + amortized.data_rows;
    assert_eq!(first.imported.len(), 2, "{first:?}");
    assert_eq!(first.rows, rows, "every data row of both runs");
    assert!(events > 4, "progress was reported ({events} events)");
    eprintln!(
        "imported {} rows ({} actual + {} amortized, {} + {} parts) in {:.2} s: {:.0} rows/s",
        first.rows,
        actual.data_rows,
        amortized.data_rows,
        actual.parts.len(),
        amortized.parts.len(),
        first.elapsed.as_secs_f64(),
        first.rows as f64 / first.elapsed.as_secs_f64()
    );
    let once = dump(&db).unwrap();

    let second = import(
        &mut db,
        &source,
        &sas,
        t.now + Duration::hours(1),
        &mut |_| {},
    )
    .unwrap();
    assert!(second.imported.is_empty(), "nothing new: {second:?}");
    assert_eq!(second.rows, 0);
    assert_eq!(
        second
            .skipped
            .iter()
            .filter(|s| s.reason == SkipReason::AlreadyImported)
            .count(),
        2
    );
    assert!(
        dump(&db).unwrap() == once,
        "importing the same runs again leaves every cost table as it was"
    );

    for (dataset, dir, run) in [
        (Dataset::Actual, &actual_dir, &actual),
        (Dataset::Amortized, &amortized_dir, &amortized),
    ] {
        let expected = csv_sums(dir.path(), &run.parts);
        let stored = stored_sums(&db, &source, dataset);
        assert!(expected.len() > 50, "many customers: {}", expected.len());
        assert_eq!(
            stored, expected,
            "{dataset}: per customer and currency, the stored totals are the parts' exact sums"
        );
        assert_eq!(
            stored.values().sum::<Decimal>(),
            run.cost_in_billing_currency,
            "{dataset}: and they add up to what the emulator wrote"
        );
    }

    let actual_models = models(&db, &source, Dataset::Actual);
    let amortized_models = models(&db, &source, Dataset::Amortized);
    for key in [
        ("Reservation", "Purchase"),
        ("SavingsPlan", "Purchase"),
        ("On Demand", "Usage"),
    ] {
        let cost = actual_models.get(&(key.0.into(), key.1.into()));
        assert!(
            cost.is_some_and(|c| *c > Decimal::ZERO),
            "actual: {key:?} rows with cost: {actual_models:?}"
        );
    }
    for key in [
        ("Reservation", "Usage"),
        ("Reservation", "UnusedReservation"),
        ("SavingsPlan", "Usage"),
        ("SavingsPlan", "UnusedSavingsPlan"),
    ] {
        let cost = amortized_models.get(&(key.0.into(), key.1.into()));
        assert!(
            cost.is_some_and(|c| *c > Decimal::ZERO),
            "amortized: {key:?} rows with cost: {amortized_models:?}"
        );
    }
    assert!(
        !amortized_models
            .keys()
            .any(|(_, charge)| charge == "Purchase"),
        "amortized spreads purchases over the days: {amortized_models:?}"
    );
}

#[test]
fn a_re_exported_month_replaces_that_month_and_an_older_run_never_does() {
    let t = Setup::new();
    let (_first_dir, first) = t.deliver(EmuDataset::ActualCost, "run-1", (1, 28), 5, 20_000);
    // An account SAS (what Cost Management's cross-tenant delivery is given) reads as well.
    let url = format!(
        "{}/{CONTAINER}?{}",
        t.azurite.account_url(),
        t.azurite.account_sas("rl", t.now + Duration::days(1))
    );
    let sas = ContainerSas::parse(&url, t.now).unwrap();
    let (_d, mut db, source) = t.database(&sas);
    import(&mut db, &source, &sas, t.now, &mut |_| {}).unwrap();

    // The month exported again (days 1-14 only: a MonthToDate run), and an older run of the
    // month delivered late (CreateNewReport keeps every run's folder).
    let (again_dir, again) = t.deliver(EmuDataset::ActualCost, "run-2", (1, 14), 1, 20_000);
    t.deliver(EmuDataset::ActualCost, "run-0", (1, 28), 9, 20_000);

    let summary = import(&mut db, &source, &sas, t.now, &mut |_| {}).unwrap();
    assert_eq!(summary.imported.len(), 1, "{summary:?}");
    assert_eq!(summary.imported[0].run_id, "run-2");
    assert_eq!(summary.imported[0].replaced.as_deref(), Some("run-1"));
    assert_eq!(summary.rows, again.data_rows);
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.run_id == "run-0"
                && s.reason == SkipReason::Superseded { by: "run-2".into() }),
        "the older run is not imported: {:?}",
        summary.skipped
    );
    let imported = runs::imported(&db, &source.id).unwrap();
    assert_eq!(imported.len(), 1, "one run per export, dataset and month");
    assert_eq!(
        stored_sums(&db, &source, Dataset::Actual),
        csv_sums(again_dir.path(), &again.parts),
        "the month now holds exactly the re-exported run"
    );
    assert_ne!(
        again.cost_in_billing_currency, first.cost_in_billing_currency,
        "(the two runs differ, so the replacement shows)"
    );
    assert!(
        !dump(&db).unwrap().contains("\"run-1\""),
        "nothing of run-1 is left, not even its superseded rows"
    );
}

/// Rewrites the CSV part at `path` with `edit` applied to its data record `index`.
fn edit_record(path: &Path, index: usize, edit: impl Fn(&mut Vec<String>, &csv::StringRecord)) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    edit(&mut records[index], &header);
    let mut writer = csv::Writer::from_path(path).unwrap();
    writer.write_record(&header).unwrap();
    for r in records {
        writer.write_record(&r).unwrap();
    }
    writer.flush().unwrap();
}

#[test]
fn a_corrupted_or_truncated_part_or_a_broken_manifest_changes_nothing() {
    let t = Setup::new();
    let days = (1, 3);
    t.deliver(EmuDataset::ActualCost, "good", days, 9, 1_000);
    let sas = t.sas();
    let (_d, mut db, source) = t.database(&sas);
    import(&mut db, &source, &sas, t.now, &mut |_| {}).unwrap();
    let before = dump(&db).unwrap();
    // (The listing is followed through NextMarker whatever the page size.)
    let container = Container::new(sas.clone()).unwrap();
    let whole = container.list("partner/").unwrap();
    assert!(whole.len() >= 4, "parts and manifest: {whole:?}");
    assert_eq!(container.list_in_pages("partner/", Some(2)).unwrap(), whole);

    // A newer run whose second part has a cost that is not a number on its 8th data row.
    let (broken, run) = t.write(EmuDataset::ActualCost, "corrupted", days, 8, 1_000);
    assert!(run.parts.len() >= 3, "several parts: {}", run.parts.len());
    edit_record(&broken.path().join(&run.parts[1]), 7, |r, h| {
        let col = h.iter().position(|c| c == "costInBillingCurrency").unwrap();
        r[col] = "12,34".into();
    });
    t.azurite.upload_dir(CONTAINER, broken.path());
    match import(&mut db, &source, &sas, t.now, &mut |_| {}) {
        Err(Error::BadValue {
            blob, line, column, ..
        }) => {
            assert_eq!(
                (blob.as_str(), line, column.as_str()),
                (run.parts[1].as_str(), 9, "costInBillingCurrency")
            );
        }
        other => panic!("expected BadValue, got {other:?}"),
    }
    assert!(
        dump(&db).unwrap() == before,
        "the failed run left no row and the month keeps the good run"
    );

    // A newer run still, whose first part lost its last rows (a truncated upload).
    let (truncated, run) = t.write(EmuDataset::ActualCost, "truncated", days, 7, 1_000);
    let first = truncated.path().join(&run.parts[0]);
    let text = std::fs::read_to_string(&first).unwrap();
    let kept: Vec<&str> = text.lines().collect();
    std::fs::write(&first, kept[..kept.len() - 3].join("\n") + "\n").unwrap();
    t.azurite.upload_dir(CONTAINER, truncated.path());
    match import(&mut db, &source, &sas, t.now, &mut |_| {}) {
        Err(Error::RowCount {
            blob,
            expected,
            found,
        }) => {
            assert_eq!(blob, run.parts[0]);
            assert_eq!(expected, found + 3);
        }
        other => panic!("expected RowCount, got {other:?}"),
    }
    assert!(dump(&db).unwrap() == before);

    // And a run whose manifest is not what Cost Management writes: refused before any write.
    let (mangled, run) = t.write(EmuDataset::ActualCost, "mangled", days, 6, 1_000);
    let manifest = mangled.path().join(&run.manifest);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        text.replacen("\"dataRowCount\":", "\"dataRowCount\": \"many\", \"x\":", 1),
    )
    .unwrap();
    t.azurite.upload_dir(CONTAINER, mangled.path());
    match import(&mut db, &source, &sas, t.now, &mut |_| {}) {
        Err(e @ Error::Manifest { .. }) => {
            assert!(
                e.to_string().contains(&run.manifest),
                "names the manifest: {e}"
            );
        }
        other => panic!("expected Manifest, got {other:?}"),
    }
    assert!(dump(&db).unwrap() == before);
}

#[test]
fn an_expired_sas_is_refused_by_csp_desk_and_by_azure_storage() {
    let t = Setup::new();
    t.deliver(EmuDataset::ActualCost, "r", (1, 2), 1, 10_000);
    let expired_url = t.sas_url(t.now - Duration::minutes(5));
    let signature = expired_url.split("sig=").nth(1).unwrap().to_string();

    let err = ContainerSas::parse(&expired_url, t.now).unwrap_err();
    assert!(matches!(err, Error::SasExpired { .. }), "{err:?}");

    // A machine whose clock is an hour behind accepts it; Azure Storage does not.
    let behind = t.now - Duration::hours(1);
    let sas = ContainerSas::parse(&expired_url, behind).unwrap();
    let (_d, mut db, source) = database(&t.world, &sas, behind);
    let before = dump(&db).unwrap();
    let err = import(&mut db, &source, &sas, behind, &mut |_| {}).unwrap_err();
    assert!(matches!(err, Error::SasRejected { .. }), "{err:?}");
    let message = format!("{err} {err:?}");
    assert!(
        !message.contains(&signature) && !message.contains("sig="),
        "the SAS never appears in an error: {message}"
    );
    // At the right time the import refuses it before asking anything.
    assert!(matches!(
        import(&mut db, &source, &sas, t.now, &mut |_| {}),
        Err(Error::SasExpired { .. })
    ));
    assert!(dump(&db).unwrap() == before, "nothing was written");
}

#[test]
fn gzip_parts_import_like_plain_ones() {
    let t = Setup::new();
    let (files, run) = t.write(EmuDataset::AmortizedCost, "gz", (1, 7), 1, 5_000);
    let expected = csv_sums(files.path(), &run.parts);
    // Delivered as Cost Management does with compressionMode Gzip: part_*.csv.gz.
    let manifest_path = files.path().join(&run.manifest);
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["deliveryConfig"]["compressionMode"] = "Gzip".into();
    for blob in manifest["blobs"].as_array_mut().unwrap() {
        let name = blob["blobName"].as_str().unwrap().to_string();
        let plain = std::fs::read(files.path().join(&name)).unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&plain).unwrap();
        let gz = gz.finish().unwrap();
        blob["byteCount"] = gz.len().into();
        blob["blobName"] = format!("{name}.gz").into();
        std::fs::write(files.path().join(format!("{name}.gz")), gz).unwrap();
        std::fs::remove_file(files.path().join(&name)).unwrap();
    }
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    t.azurite.upload_dir(CONTAINER, files.path());

    let sas = t.sas();
    let (_d, mut db, source) = t.database(&sas);
    let summary = import(&mut db, &source, &sas, t.now, &mut |_| {}).unwrap();
    assert_eq!(summary.rows, run.data_rows);
    assert_eq!(stored_sums(&db, &source, Dataset::Amortized), expected);
}

#[test]
fn one_import_per_source_at_a_time_across_processes() {
    let world = world();
    let now = Utc::now();
    // Nothing listens there: the lock is checked before any request.
    let sas = ContainerSas::parse(
        &format!("http://127.0.0.1:9/{CONTAINER}?sv=2021-08-06&sr=c&sp=rl&se=2099-01-01&sig=x"),
        now,
    )
    .unwrap();
    let (dir, mut db, source) = database(&world, &sas, now);
    let held = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(
            dir.path()
                .canonicalize()
                .unwrap()
                .join(format!("costs.sqlite3.cost-import-{}.lock", source.id)),
        )
        .unwrap();
    held.try_lock().unwrap();
    match import(&mut db, &source, &sas, now, &mut |_| {}) {
        Err(Error::AlreadyRunning { source_name }) => assert_eq!(source_name, "MCA exports"),
        other => panic!("expected AlreadyRunning, got {other:?}"),
    }
    drop(held);
    assert!(
        matches!(
            import(&mut db, &source, &sas, now, &mut |_| {}),
            Err(Error::Network { .. })
        ),
        "once released the import goes ahead (and finds no server)"
    );
}
