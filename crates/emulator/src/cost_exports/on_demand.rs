//! Running an export now (`POST .../exports/{name}/run`): the period its timeframe covers on
//! the emulated clock, the files written under the destination container, and the run-history
//! record the definition keeps.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, Duration, NaiveDate};
use serde_json::{json, Value};

use super::run::{self, Dataset, RunRequest};
use super::{missing, ExportDef};
use crate::server::{lock, Shared};
use crate::wire::arm_error;
use crate::world::Month;

/// Period a run covers, from the definition's timeframe and the emulated clock.
fn period(def: &ExportDef, today: NaiveDate) -> Result<(NaiveDate, NaiveDate), Response> {
    let d = &def.properties["definition"];
    let this = Month::of(today);
    let yesterday = today - Duration::days(1);
    match d["timeframe"].as_str().unwrap_or("MonthToDate") {
        "TheLastMonth" | "TheLastBillingMonth" => {
            Ok((this.prev().first_day(), this.prev().last_day()))
        }
        "TheCurrentMonth" => Ok((this.first_day(), this.last_day().min(yesterday))),
        "Custom" => {
            let parse = |k: &str| {
                d["timePeriod"][k]
                    .as_str()
                    .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.date_naive())
            };
            match (parse("from"), parse("to")) {
                (Some(f), Some(t)) if t >= f && (t - f).num_days() <= 31 => {
                    Ok((f, t.min(yesterday)))
                }
                (Some(_), Some(_)) => Err(arm_error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "timePeriod must span at most one month.",
                    Some("timePeriod"),
                )),
                _ => Err(arm_error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    "Custom timeframe needs timePeriod.from and timePeriod.to.",
                    Some("timePeriod"),
                )),
            }
        }
        _ if today.day0() == 0 => Ok((this.prev().first_day(), this.prev().last_day())),
        _ => Ok((this.first_day(), yesterday)),
    }
}

/// Storage account name of a destination (last segment of its resource id, or `storageAccount`).
fn account_of(dest: &Value) -> String {
    dest["resourceId"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .or_else(|| dest["storageAccount"].as_str())
        .unwrap_or("emulatorstorage")
        .to_string()
}

pub(super) fn run_now(s: &Shared, key: &(String, String), headers: &HeaderMap) -> Response {
    let (def, dir, run_no) = {
        let mut store = lock(&s.exports);
        let dir = store.dir(
            &s.config.export_dir,
            s.base_url.rsplit(':').next().unwrap_or("0"),
        );
        store.runs += 1;
        let runs = store.runs;
        match store.defs.get(key) {
            Some(d) => (d.clone(), dir, runs),
            None => return missing(&key.1),
        }
    };
    let today = s.clock.today();
    let (from, to) = match period(&def, today) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let dest = &def.properties["deliveryInfo"]["destination"];
    let container = dest["container"].as_str().unwrap_or("exports").to_string();
    let account = account_of(dest);
    let now = s.clock.now();
    let run_id = crate::entropy::Draw::new(
        s.world.seed,
        &[
            crate::entropy::tag::REQUEST,
            crate::entropy::fnv(&def.id),
            run_no,
        ],
    )
    .guid();
    let dataset = if def.properties["definition"]["type"] == "AmortizedCost" {
        Dataset::AmortizedCost
    } else {
        Dataset::ActualCost
    };
    let req = RunRequest {
        export_name: def.name.clone(),
        scope: def.scope.clone(),
        dataset,
        from,
        to,
        root_folder: dest["rootFolderPath"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        rows_per_part: s.config.export_rows_per_part,
        run_id: run_id.clone(),
        submitted: now,
        execution_type: "OnDemand".into(),
        resource_id: def.id.clone(),
    };
    let target = dir.join(&account).join(&container);
    let summary = match run::write_run_to_dir(&s.world, &req, &target) {
        Ok(sm) => sm,
        Err(e) => {
            return arm_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "ExportRunFailed",
                e.to_string(),
                None,
            )
        }
    };
    let submitted_by = headers
        .get("authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| crate::identity::jwt::verify(&s.key, h.trim_start_matches("Bearer ")).ok())
        .and_then(|c| c["upn"].as_str().map(str::to_string))
        .unwrap_or_else(|| "System".into());
    // The run's settings are the export's as they were when it ran (Microsoft's `runSettings`).
    let mut settings = def.properties.clone();
    if let Some(o) = settings.as_object_mut() {
        o.remove("schedule");
    }
    let record = json!({
        "id": format!("{}/Run/{run_id}", def.id),
        "properties": {
            "executionType": "OnDemand",
            "status": "Completed",
            "submittedBy": submitted_by,
            "submittedTime": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "processingStartTime": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "processingEndTime": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "startDate": format!("{}T00:00:00Z", from.format("%Y-%m-%d")),
            "endDate": format!("{}T00:00:00Z", to.format("%Y-%m-%d")),
            "fileName": summary.folder,
            "manifestFile": summary.manifest,
            "runSettings": settings,
        }
    });
    if let Some(d) = lock(&s.exports).defs.get_mut(key) {
        d.runs.push(record);
    }
    // Microsoft answers a run with 200 and no body; the run shows in the run history.
    StatusCode::OK.into_response()
}
