//! Every import in one run history: a cost export import started in the background (as the
//! app does) is a run with its events, listed beside Discovery's runs with the same five
//! states, stopped by its id; a run left InProgress by a dead process shows as Stopped and
//! has nothing to stop.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use cspdesk_api::discovery::dto::RunStateDto;
use cspdesk_api::discovery::runs::Hub;
use cspdesk_api::imports::cost_exports as cost_exports_run;
use cspdesk_api::imports::dto::{ImportEvent, ImportKindDto};
use cspdesk_api::imports::runs::{self as import_runs, Imports};
use cspdesk_api::{cost_exports, ErrorCode};
use cspdesk_partner_api::KeyringSecrets;
use cspdesk_store::import_runs::{self as runs, RunCounts, RunKey};
use cspdesk_store::{accounts, Database};

use crate::cost_exports::{database, exports, new_source, now};

/// Events heard by the window, per run id.
fn watch(imports: &Imports) -> Arc<Mutex<Vec<ImportEvent>>> {
    let heard = Arc::new(Mutex::new(Vec::new()));
    let sink = heard.clone();
    imports.watch(
        "main",
        Arc::new(move |e: &ImportEvent| sink.lock().unwrap().push(e.clone())),
    );
    heard
}

fn finished(heard: &Mutex<Vec<ImportEvent>>, run_id: &str) -> Option<RunStateDto> {
    heard.lock().unwrap().iter().find_map(|e| match e {
        ImportEvent::Finished { run } if run.run.id == run_id => Some(run.run.state),
        _ => None,
    })
}

fn wait_finished(heard: &Mutex<Vec<ImportEvent>>, run_id: &str) -> RunStateDto {
    for _ in 0..600 {
        if let Some(state) = finished(heard, run_id) {
            return state;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("run {run_id} did not finish");
}

#[test]
fn every_kind_is_in_one_history_and_a_background_import_stops_by_its_id() {
    let (exports, actual, amortized) = exports();
    let (dir, db) = database(&exports);
    let path = dir.path().join("cspdesk.sqlite3");
    let source = cost_exports::sources::add_source(
        &db,
        &new_source(exports.sas_url(now() + chrono::Duration::days(10))),
        now(),
    )
    .unwrap();
    let account = accounts::find(&db, "CSP").unwrap().id;
    // A Discovery run of yesterday, as Discovery records it.
    let mut writer = Database::open(&path).unwrap();
    let discovery = runs::start(
        &mut writer,
        &RunKey::discovery(&account),
        None,
        "scheduled",
        now(),
    )
    .unwrap();
    runs::finish(
        &writer,
        discovery.id,
        "completed",
        &RunCounts::default(),
        None,
        now(),
    )
    .unwrap();

    let hub = Hub::new();
    let imports = Imports::new();
    let heard = watch(&imports);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let start = |source: &str| {
        runtime.block_on(cost_exports_run::start_with(
            &imports,
            path.clone(),
            "CSP".into(),
            source.into(),
            Arc::new(now),
            Arc::new(KeyringSecrets::new()),
        ))
    };

    // Started, then asked to stop by its id at once: it ends Stopped, nothing half written.
    let stopped = start(&source.id).unwrap();
    assert_eq!(
        (
            stopped.kind,
            stopped.run.state,
            stopped.source_name.as_deref()
        ),
        (
            ImportKindDto::CostExports,
            RunStateDto::InProgress,
            Some("MCA exports")
        )
    );
    import_runs::stop(&hub, &imports, &db, &stopped.run.id).unwrap();
    assert_eq!(wait_finished(&heard, &stopped.run.id), RunStateDto::Stopped);
    let e = import_runs::stop(&hub, &imports, &db, &stopped.run.id).unwrap_err();
    assert_eq!(
        e.code,
        ErrorCode::NotFound,
        "a finished run has nothing to stop"
    );

    // Started again: it runs to the end and the window heard it all.
    let done = start("mca exports").unwrap();
    assert_eq!(wait_finished(&heard, &done.run.id), RunStateDto::Completed);
    {
        let heard = heard.lock().unwrap();
        let of_run = |e: &&ImportEvent| match e {
            ImportEvent::Started { run } | ImportEvent::Finished { run } => {
                run.run.id == done.run.id
            }
            ImportEvent::Progress { progress } => progress.run_id == done.run.id,
        };
        let events: Vec<&ImportEvent> = heard.iter().filter(of_run).collect();
        assert!(matches!(events.first(), Some(ImportEvent::Started { .. })));
        assert!(events.len() > 3, "progress between: {events:?}");
    }
    // Nothing new: the next import completes having written nothing.
    let again = start(&source.id).unwrap();
    assert_eq!(wait_finished(&heard, &again.run.id), RunStateDto::Completed);

    // A run a dead process left InProgress: shown Stopped, nothing to stop.
    let dead = runs::start(
        &mut writer,
        &RunKey::of(
            cspdesk_store::import_runs::RunKind::StackUsage,
            &account,
            "sub/rg/reg",
        ),
        Some("reg"),
        "manual",
        now(),
    )
    .unwrap();

    let history = import_runs::history(&hub, &imports, &db, Some("CSP"), now()).unwrap();
    let shown: Vec<(ImportKindDto, RunStateDto)> =
        history.iter().map(|r| (r.kind, r.run.state)).collect();
    assert_eq!(
        shown,
        [
            (ImportKindDto::StackUsage, RunStateDto::Stopped),
            (ImportKindDto::CostExports, RunStateDto::Completed),
            (ImportKindDto::CostExports, RunStateDto::Completed),
            (ImportKindDto::CostExports, RunStateDto::Stopped),
            (ImportKindDto::Discovery, RunStateDto::Completed),
        ],
        "newest first, every kind"
    );
    assert_eq!(
        history[2].run.rows_written + history[3].run.rows_written,
        (actual.data_rows + amortized.data_rows) as u32,
        "the stopped import kept whole export runs, the next one read the rest"
    );
    assert_eq!(
        history[1].run.rows_written, 0,
        "the re-import wrote nothing"
    );
    let e = import_runs::stop(&hub, &imports, &db, &dead.id.to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = import_runs::stop(&hub, &imports, &db, "not a number").unwrap_err();
    assert_eq!(
        (e.code, e.field.as_deref()),
        (ErrorCode::Validation, Some("runId"))
    );
    // The JSON the UI gets: the run's fields flattened beside kind and source.
    let json = serde_json::to_value(&history[4]).unwrap();
    assert_eq!(json["kind"], "discovery");
    assert_eq!(json["state"], "completed");
    assert_eq!(json["trigger"], "scheduled");
}
