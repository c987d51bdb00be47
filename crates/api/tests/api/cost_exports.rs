//! Cost export sources through the shared operations: the SAS URL kept in the OS keyring and
//! nowhere in the database, import with progress, costs split per customer, organization and
//! pricing model, renewal of an expired SAS, and removal taking the SAS with it.
//!
//! The runs are served by the emulator's own SAS-guarded blob endpoint (in process, no Node):
//! what is tested here is the layer above the import, which does not depend on the storage
//! server; reading from a real one (azurite) is `crates/cost-exports`' integration test.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use cspdesk_api::cost_exports::dto::{
    CostDatasetDto, CostImportEvent, CostScopeKind, NewCostSource,
};
use cspdesk_api::cost_exports::{costs, import, sources};
use cspdesk_api::customers::dto::CustomerRef;
use cspdesk_api::{
    accounts::partner_accounts as accounts_api, customers::organizations, ErrorCode,
};
use cspdesk_emulator::cost_exports::run::{Dataset, RunRequest, RunSummary};
use cspdesk_emulator::{Emulator, EmulatorConfig, Preset, RunningEmulator};
use cspdesk_partner_api::{KeyringSecrets, SecretStore};
use cspdesk_store::discovered::CustomerRow;
use cspdesk_store::{accounts, Database};
use rust_decimal::Decimal;

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 10, 0, 0).unwrap()
}

pub(crate) struct Exports {
    _runtime: tokio::runtime::Runtime,
    emulator: RunningEmulator,
    _dir: tempfile::TempDir,
}

/// The emulator (preset S, clock frozen at [`now`]) serving February's actual and amortized runs.
pub(crate) fn exports() -> (Exports, RunSummary, RunSummary) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = EmulatorConfig::new(Preset::S, 12, now());
    config.clock_ticks = false;
    config.export_dir = Some(dir.path().to_path_buf());
    let emulator = runtime.block_on(Emulator::start(config)).unwrap();
    let february = (
        NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 2, 28).unwrap(),
    );
    let run = |dataset, run_id: &str| {
        let export = format!("{dataset:?}").to_lowercase();
        let request = RunRequest {
            rows_per_part: 2_000,
            ..RunRequest::new(
                &export,
                dataset,
                february,
                run_id,
                now() - Duration::days(40),
            )
        };
        emulator
            .write_export_run("partnerexports", "cost", &request)
            .unwrap()
    };
    let actual = run(Dataset::ActualCost, "run-actual");
    let amortized = run(Dataset::AmortizedCost, "run-amortized");
    (
        Exports {
            _runtime: runtime,
            emulator,
            _dir: dir,
        },
        actual,
        amortized,
    )
}

impl Exports {
    pub(crate) fn sas_url(&self, expiry: DateTime<Utc>) -> String {
        self.emulator
            .blob_sas_url("partnerexports", "cost", "rl", expiry)
    }
}

/// A database with the account "CSP" and its customers as Discovery would have stored them.
pub(crate) fn database(exports: &Exports) -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("cspdesk.sqlite3")).unwrap();
    let account = accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", now())
        .unwrap()
        .id;
    let world = exports.emulator.world();
    let rows: Vec<CustomerRow> = (0..world.customer_count())
        .map(|i| world.customer(i))
        .map(|c| CustomerRow {
            id: c.tenant_id.clone(),
            company_name: c.company_name.clone(),
            domain: c.domain.clone(),
            tenant_id: Some(c.tenant_id.clone()),
            commerce_id: None,
            relationship: None,
        })
        .collect();
    let mut ingest = db.ingest(&account).unwrap();
    ingest.customers(&rows, now()).unwrap();
    ingest.commit().unwrap();
    (dir, db)
}

pub(crate) fn new_source(sas_url: String) -> NewCostSource {
    NewCostSource {
        account: "CSP".into(),
        name: "MCA exports".into(),
        scope: CostScopeKind::BillingAccount,
        scope_id: None,
        sas_url,
        root_folder: Some("partner".into()),
    }
}

fn signature(url: &str) -> String {
    url.split("sig=").nth(1).unwrap().to_string()
}

#[test]
fn the_sas_lives_in_the_keyring_only_and_imported_costs_split_per_customer_and_organization() {
    let (exports, actual, amortized) = exports();
    let (dir, mut db) = database(&exports);
    let url = exports.sas_url(now() + Duration::days(10));
    let source = sources::add_source(&db, &new_source(url.clone()), now()).unwrap();
    assert!(
        source.sas_expiring_soon && !source.sas_expired,
        "10 days left: {source:?}"
    );
    assert!(!serde_json::to_string(&source)
        .unwrap()
        .contains(&signature(&url)));
    assert_eq!(
        KeyringSecrets::new()
            .load(&format!("cost-source-{}", source.id))
            .unwrap()
            .map(|s| s.expose().clone()),
        Some(url.clone()),
        "the keyring holds the SAS URL whole"
    );

    let mut events = Vec::new();
    let imported = import::import(&mut db, "CSP", None, now(), &mut |e| events.push(e)).unwrap();
    assert_eq!(imported.len(), 1);
    assert_eq!(imported[0].imported.len(), 2, "{:?}", imported[0]);
    assert_eq!(imported[0].rows, actual.data_rows + amortized.data_rows);
    assert!(events
        .iter()
        .any(|e| matches!(e, CostImportEvent::RunImported { .. })));
    let again = import::import(&mut db, "CSP", Some("mca exports"), now(), &mut |_| {}).unwrap();
    assert!(again[0].imported.is_empty() && again[0].skipped.iter().all(|s| s.already_imported));

    // Nothing under the data folder holds the signature: not the database, its WAL, or its SHM.
    let secret = signature(&url);
    for entry in std::fs::read_dir(dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{} holds the SAS signature",
            entry.path().display()
        );
    }

    // Two customers with costs form an organization: its total is theirs.
    let split = costs::split(&db, "CSP", CostDatasetDto::Actual, Some("2026-02")).unwrap();
    let total: Decimal = split
        .customers
        .iter()
        .map(|c| c.cost.parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(
        total, actual.cost_in_billing_currency,
        "the split adds up to the export"
    );
    let totals: Decimal = split
        .totals
        .iter()
        .map(|t| t.cost.parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(totals, total, "the totals row adds up the customers shown");
    // The Dashboard's exported-costs chart carries its figures as data too: the month's
    // customers, largest first, to the cent, as many as it draws.
    let dash = cspdesk_api::dashboard::figures::dashboard(&db, now()).unwrap();
    let mut charted = 0;
    for c in &dash.currencies {
        let Some(e) = &c.exported_costs else {
            assert!(c.charts.iter().all(|ch| ch.id != "exportedCosts"));
            continue;
        };
        charted += 1;
        assert_eq!(e.month, "2026-02");
        assert!(c.charts.iter().any(|ch| ch.id == "exportedCosts"));
        let mut theirs: Vec<Decimal> = split
            .customers
            .iter()
            .filter(|x| x.currency == c.currency)
            .map(|x| {
                x.cost
                    .parse::<Decimal>()
                    .unwrap()
                    .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
            })
            .collect();
        theirs.sort_by(|a, b| b.cmp(a));
        theirs.truncate(10);
        let ours: Vec<Decimal> = e
            .customers
            .iter()
            .map(|(_, cost)| cost.parse().unwrap())
            .collect();
        assert_eq!(ours, theirs, "{}", c.currency);
    }
    assert!(charted > 0, "some currency has exported costs charted");
    assert_eq!(
        split.totals.iter().map(|t| u64::from(t.rows)).sum::<u64>(),
        split
            .customers
            .iter()
            .map(|c| u64::from(c.rows))
            .sum::<u64>()
    );
    let pair: Vec<_> = split
        .customers
        .iter()
        .filter(|c| c.currency == split.customers[0].currency)
        .take(2)
        .cloned()
        .collect();
    assert_eq!(pair.len(), 2);
    let members: Vec<CustomerRef> = pair
        .iter()
        .map(|c| CustomerRef {
            account_id: split.account_id.clone(),
            customer_id: c.customer_tenant_id.clone().unwrap(),
        })
        .collect();
    organizations::create(&db, "Group", &members, now()).unwrap();
    let split = costs::split(&db, "CSP", CostDatasetDto::Actual, Some("2026-02")).unwrap();
    assert_eq!(split.organizations.len(), 1, "{:?}", split.organizations);
    let org = &split.organizations[0];
    assert_eq!(
        (org.organization_name.as_str(), org.customers),
        ("Group", 2)
    );
    assert_eq!(
        org.cost.parse::<Decimal>().unwrap(),
        pair.iter()
            .map(|c| c.cost.parse::<Decimal>().unwrap())
            .sum::<Decimal>()
    );
    assert!(
        split
            .customers
            .iter()
            .filter(|c| c.organization_name.as_deref() == Some("Group"))
            .count()
            == 2
    );
    for model in ["Reservation", "SavingsPlan"] {
        assert!(
            split
                .pricing_models
                .iter()
                .any(|p| p.pricing_model == model && p.commitment && p.charge_type == "Purchase"),
            "actual: {model} purchases: {:?}",
            split.pricing_models
        );
    }
    let amortized_split = costs::split(&db, "CSP", CostDatasetDto::Amortized, None).unwrap();
    assert!(amortized_split
        .pricing_models
        .iter()
        .any(|p| p.charge_type == "UnusedReservation" && p.pricing_model == "Reservation"));

    let tenant = pair[0].customer_tenant_id.clone().unwrap();
    let page = costs::customer_rows(
        &db,
        "CSP",
        &tenant,
        CostDatasetDto::Actual,
        Some("2026-02"),
        0,
        50,
    )
    .unwrap();
    assert_eq!(page.total, u64::from(pair[0].rows));
    assert_eq!(page.rows.len() as u64, page.total.min(50));
    assert!(
        page.rows.windows(2).all(|w| w[0].date <= w[1].date),
        "by date"
    );
    let keys: std::collections::HashSet<&str> = page.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys.len(), page.rows.len(), "each row has its own key");

    // The Customers page shows each customer's newest imported month from the exports.
    let listed = cspdesk_api::customers::overview::list(&db, now()).unwrap();
    let shown = listed
        .iter()
        .find(|c| c.tenant_id.as_deref() == Some(tenant.as_str()))
        .and_then(|c| c.exported_cost.clone())
        .expect("the customer's exported cost");
    assert_eq!(
        (
            shown.month.as_str(),
            shown.cost.as_str(),
            shown.currency.as_str()
        ),
        ("2026-02", pair[0].cost.as_str(), pair[0].currency.as_str())
    );

    sources::remove_source(&db, "CSP", "MCA exports", now()).unwrap();
    assert!(KeyringSecrets::new()
        .load(&format!("cost-source-{}", source.id))
        .unwrap()
        .is_none());
    assert!(costs::split(&db, "CSP", CostDatasetDto::Actual, None)
        .unwrap()
        .customers
        .is_empty());
}

#[test]
fn bad_or_expired_sas_urls_are_refused_and_a_renewed_one_imports() {
    let (exports, _, _) = exports();
    let (_dir, mut db) = database(&exports);
    let expired = sources::add_source(
        &db,
        &new_source(exports.sas_url(now() - Duration::hours(1))),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        (expired.code, expired.field.as_deref()),
        (ErrorCode::SasExpired, Some("sasUrl"))
    );
    let read_only =
        exports
            .emulator
            .blob_sas_url("partnerexports", "cost", "r", now() + Duration::days(1));
    let err = sources::add_source(&db, &new_source(read_only), now()).unwrap_err();
    assert_eq!(
        (err.code, err.field.as_deref()),
        (ErrorCode::Validation, Some("sasUrl")),
        "{err:?}"
    );
    let mut customer = new_source(exports.sas_url(now() + Duration::days(1)));
    customer.scope = CostScopeKind::Customer;
    let err = sources::add_source(&db, &customer, now()).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("scopeId"), "{err:?}");
    assert!(
        sources::list_sources(&db, None, now()).unwrap().is_empty(),
        "nothing was stored"
    );

    let expiry = now() + Duration::days(1);
    let source = sources::add_source(&db, &new_source(exports.sas_url(expiry)), now()).unwrap();
    let later = expiry + Duration::hours(1);
    let err = import::import(&mut db, "CSP", None, later, &mut |_| {}).unwrap_err();
    assert_eq!(err.code, ErrorCode::SasExpired, "{err:?}");
    assert!(sources::list_sources(&db, Some("CSP"), later).unwrap()[0].sas_expired);

    let other = exports.emulator.blob_sas_url(
        "partnerexports",
        "elsewhere",
        "rl",
        later + Duration::days(30),
    );
    let err = sources::renew_sas(&db, "CSP", "MCA exports", &other, later).unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::Validation,
        "another container: {err:?}"
    );
    // The emulator's clock moves on with ours; the renewed SAS is valid at both.
    exports.emulator.clock().set(later);
    let renewed = sources::renew_sas(
        &db,
        "CSP",
        &source.id,
        &exports.sas_url(later + Duration::days(30)),
        later,
    )
    .unwrap();
    assert!(!renewed.sas_expired && !renewed.sas_expiring_soon);
    let imported = import::import(&mut db, "CSP", None, later, &mut |_| {}).unwrap();
    assert_eq!(imported[0].imported.len(), 2);
    // Removing the account takes its sources' SAS out of the keyring too.
    accounts_api::remove(&db, "CSP", later).unwrap();
    assert!(KeyringSecrets::new()
        .load(&format!("cost-source-{}", source.id))
        .unwrap()
        .is_none());
}

#[test]
fn an_import_started_from_async_code_runs_off_its_workers_with_its_own_connection() {
    let (exports, actual, amortized) = exports();
    let (dir, db) = database(&exports);
    sources::add_source(
        &db,
        &new_source(exports.sas_url(now() + Duration::days(10))),
        now(),
    )
    .unwrap();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(0_u32));
    let counter = heard.clone();
    // The app's commands run on a tokio runtime, where the blocking storage client must not.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let imported = runtime
        .block_on(import::import_in_background(
            dir.path().join("cspdesk.sqlite3"),
            "CSP".into(),
            None,
            now(),
            move |_| *counter.lock().unwrap() += 1,
            import::RunWatch::unwatched(now()),
        ))
        .unwrap();
    assert_eq!(imported[0].rows, actual.data_rows + amortized.data_rows);
    assert!(*heard.lock().unwrap() > 0, "progress reached the caller");
    // The caller's own connection sees the runs the import's connection committed.
    let split = costs::split(&db, "CSP", CostDatasetDto::Actual, None).unwrap();
    assert_eq!(split.months, vec!["2026-02".to_string()]);
}
