//! Cost Management exports for the partner's MCA billing account: export definitions at billing
//! account, billing profile and customer scope (`Microsoft.CostManagement/exports`), runs that
//! write partitioned CSV + manifest.json, and a small blob endpoint serving those files behind a
//! SAS check (expiry and permissions) for clients that cannot use azurite.

pub mod blobs;
pub mod run;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Datelike, Duration, NaiveDate};
use serde_json::{json, Value};

use crate::arm::{admit, api_version};
use crate::server::{lock, AppState, Shared};
use crate::wire::{arm_error, json_response};
use crate::world::{Month, PlanKind};
use run::{Dataset, ExportScope, RunRequest};

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

/// Resolves the scope path to an export scope of the partner's billing account.
fn scope_of(
    s: &Shared,
    account: &str,
    profile: Option<&str>,
    customer: Option<&str>,
) -> Result<(String, ExportScope), Response> {
    let p = &s.world.partner;
    let not_found = |what: &str| {
        arm_error(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("{what} was not found for this partner."),
            None,
        )
    };
    if account != p.billing_account_id {
        return Err(not_found(&format!("Billing account '{account}'")));
    }
    let mut key = format!("/providers/Microsoft.Billing/billingAccounts/{account}");
    if let Some(bp) = profile {
        if bp != p.billing_profile_id {
            return Err(not_found(&format!("Billing profile '{bp}'")));
        }
        key.push_str(&format!("/billingProfiles/{bp}"));
        return Ok((key, ExportScope::BillingProfile));
    }
    if let Some(c) = customer {
        let known = (0..s.world.customer_count())
            .map(|i| s.world.customer(i))
            .any(|x| x.plan == PlanKind::AzurePlan && x.tenant_id.eq_ignore_ascii_case(c));
        if !known {
            return Err(not_found(&format!("Customer '{c}'")));
        }
        key.push_str(&format!("/customers/{c}"));
        return Ok((key, ExportScope::Customer(c.to_ascii_lowercase())));
    }
    Ok((key, ExportScope::BillingAccount))
}

type Q = Query<HashMap<String, String>>;

/// Path captures of the three scope shapes, normalised.
struct ScopePath {
    account: String,
    profile: Option<String>,
    customer: Option<String>,
    name: Option<String>,
}

async fn handle(
    s: AppState,
    method: &str,
    sp: ScopePath,
    headers: HeaderMap,
    q: HashMap<String, String>,
    body: Bytes,
    action: Option<&str>,
) -> Response {
    if let Err(r) = admit(&s, &headers) {
        return r;
    }
    if let Err(r) = api_version(&q, API_VERSIONS) {
        return r;
    }
    let (scope_key, scope) = match scope_of(
        &s,
        &sp.account,
        sp.profile.as_deref(),
        sp.customer.as_deref(),
    ) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let expand = q
        .get("$expand")
        .is_some_and(|e| e.eq_ignore_ascii_case("runHistory"));
    let Some(name) = sp.name else {
        let store = lock(&s.exports);
        let value: Vec<Value> = store
            .defs
            .iter()
            .filter(|((k, _), _)| *k == scope_key)
            .map(|(_, d)| export_json(d, expand))
            .collect();
        return json_response(StatusCode::OK, &json!({ "value": value }));
    };
    let key = (scope_key.clone(), name.to_ascii_lowercase());
    match (method, action) {
        ("GET", None) => match lock(&s.exports).defs.get(&key) {
            Some(d) => json_response(StatusCode::OK, &export_json(d, expand)),
            None => missing(&name),
        },
        ("DELETE", None) => {
            let removed = lock(&s.exports).defs.remove(&key).is_some();
            if removed {
                StatusCode::OK.into_response()
            } else {
                StatusCode::NO_CONTENT.into_response()
            }
        }
        ("PUT", None) => put(&s, key, scope_key, scope, name, &body),
        ("POST", Some("run")) => run_now(&s, &key, &headers),
        ("GET", Some("runHistory")) => match lock(&s.exports).defs.get(&key) {
            Some(d) => json_response(StatusCode::OK, &json!({ "value": d.runs })),
            None => missing(&name),
        },
        _ => arm_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The method is not allowed on this resource.",
            None,
        ),
    }
}

fn missing(name: &str) -> Response {
    arm_error(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("Export '{name}' was not found."),
        Some(name),
    )
}

fn put(
    s: &Shared,
    key: (String, String),
    scope_key: String,
    scope: ExportScope,
    name: String,
    body: &[u8],
) -> Response {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContent",
            "The request body is not valid JSON.",
            None,
        );
    };
    let props = &v["properties"];
    let kind = props["definition"]["type"].as_str().unwrap_or_default();
    if !matches!(kind, "ActualCost" | "AmortizedCost" | "Usage") {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("definition.type '{kind}' is not supported by the emulator; use ActualCost, AmortizedCost or Usage."),
            Some("properties.definition.type"),
        );
    }
    if props["format"].as_str().is_some_and(|f| f != "Csv") {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "Only format Csv is supported for partner cost details.",
            Some("properties.format"),
        );
    }
    if props["deliveryInfo"]["destination"]["container"]
        .as_str()
        .is_none()
    {
        return arm_error(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            "deliveryInfo.destination.container is required.",
            Some("properties.deliveryInfo"),
        );
    }
    let mut store = lock(&s.exports);
    let given_etag = v["eTag"].as_str().map(|e| e.trim_matches('"').to_string());
    let (status, etag, runs) = match store.defs.get(&key) {
        Some(existing) => {
            if given_etag.as_deref() != Some(format!("{:x}", existing.etag).as_str()) {
                return arm_error(
                    StatusCode::PRECONDITION_FAILED,
                    "PreconditionFailed",
                    "Updating an export requires its current eTag in the request body.",
                    Some("eTag"),
                );
            }
            (StatusCode::OK, existing.etag + 1, existing.runs.clone())
        }
        None => (StatusCode::CREATED, 1, Vec::new()),
    };
    let def = ExportDef {
        id: format!("{scope_key}/providers/Microsoft.CostManagement/exports/{name}"),
        name,
        scope,
        properties: props.clone(),
        etag,
        runs,
    };
    let body = export_json(&def, false);
    store.defs.insert(key, def);
    json_response(status, &body)
}

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

fn run_now(s: &Shared, key: &(String, String), headers: &HeaderMap) -> Response {
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
    let record = json!({
        "id": format!("{}/runHistory/{run_id}", def.id),
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
            "blobCount": summary.parts.len(),
            "dataRowCount": summary.data_rows,
            "storageAccount": account,
            "container": container,
        }
    });
    if let Some(d) = lock(&s.exports).defs.get_mut(key) {
        d.runs.push(record.clone());
    }
    json_response(StatusCode::OK, &record)
}

fn scope_path(
    account: String,
    profile: Option<String>,
    customer: Option<String>,
    name: Option<String>,
) -> ScopePath {
    ScopePath {
        account,
        profile,
        customer,
        name,
    }
}

pub(crate) fn routes() -> Router<AppState> {
    const A: &str = "/providers/Microsoft.Billing/billingAccounts/{account}";
    const E: &str = "/providers/Microsoft.CostManagement/exports";
    async fn acct_list(
        State(s): State<AppState>,
        h: HeaderMap,
        Path(a): Path<String>,
        Query(q): Q,
    ) -> Response {
        handle(
            s,
            "GET",
            scope_path(a, None, None, None),
            h,
            q,
            Bytes::new(),
            None,
        )
        .await
    }
    async fn acct_one(
        State(s): State<AppState>,
        m: axum::http::Method,
        h: HeaderMap,
        Path((a, n)): Path<(String, String)>,
        Query(q): Q,
        b: Bytes,
    ) -> Response {
        handle(
            s,
            m.as_str(),
            scope_path(a, None, None, Some(n)),
            h,
            q,
            b,
            None,
        )
        .await
    }
    async fn acct_action(
        State(s): State<AppState>,
        m: axum::http::Method,
        h: HeaderMap,
        Path((a, n, act)): Path<(String, String, String)>,
        Query(q): Q,
    ) -> Response {
        handle(
            s,
            m.as_str(),
            scope_path(a, None, None, Some(n)),
            h,
            q,
            Bytes::new(),
            Some(action_name(&act)),
        )
        .await
    }
    async fn bp_list(
        State(s): State<AppState>,
        h: HeaderMap,
        Path((a, p)): Path<(String, String)>,
        Query(q): Q,
    ) -> Response {
        handle(
            s,
            "GET",
            scope_path(a, Some(p), None, None),
            h,
            q,
            Bytes::new(),
            None,
        )
        .await
    }
    async fn bp_one(
        State(s): State<AppState>,
        m: axum::http::Method,
        h: HeaderMap,
        Path((a, p, n)): Path<(String, String, String)>,
        Query(q): Q,
        b: Bytes,
    ) -> Response {
        handle(
            s,
            m.as_str(),
            scope_path(a, Some(p), None, Some(n)),
            h,
            q,
            b,
            None,
        )
        .await
    }
    async fn bp_action(
        State(s): State<AppState>,
        m: axum::http::Method,
        h: HeaderMap,
        Path((a, p, n, act)): Path<(String, String, String, String)>,
        Query(q): Q,
    ) -> Response {
        handle(
            s,
            m.as_str(),
            scope_path(a, Some(p), None, Some(n)),
            h,
            q,
            Bytes::new(),
            Some(action_name(&act)),
        )
        .await
    }
    async fn cu_list(
        State(s): State<AppState>,
        h: HeaderMap,
        Path((a, c)): Path<(String, String)>,
        Query(q): Q,
    ) -> Response {
        handle(
            s,
            "GET",
            scope_path(a, None, Some(c), None),
            h,
            q,
            Bytes::new(),
            None,
        )
        .await
    }
    async fn cu_one(
        State(s): State<AppState>,
        m: axum::http::Method,
        h: HeaderMap,
        Path((a, c, n)): Path<(String, String, String)>,
        Query(q): Q,
        b: Bytes,
    ) -> Response {
        handle(
            s,
            m.as_str(),
            scope_path(a, None, Some(c), Some(n)),
            h,
            q,
            b,
            None,
        )
        .await
    }
    async fn cu_action(
        State(s): State<AppState>,
        m: axum::http::Method,
        h: HeaderMap,
        Path((a, c, n, act)): Path<(String, String, String, String)>,
        Query(q): Q,
    ) -> Response {
        handle(
            s,
            m.as_str(),
            scope_path(a, None, Some(c), Some(n)),
            h,
            q,
            Bytes::new(),
            Some(action_name(&act)),
        )
        .await
    }
    Router::new()
        .route(&format!("{A}{E}"), get(acct_list))
        .route(
            &format!("{A}{E}/{{name}}"),
            get(acct_one).put(acct_one).delete(acct_one),
        )
        .route(
            &format!("{A}{E}/{{name}}/{{action}}"),
            get(acct_action).post(acct_action),
        )
        .route(&format!("{A}/billingProfiles/{{profile}}{E}"), get(bp_list))
        .route(
            &format!("{A}/billingProfiles/{{profile}}{E}/{{name}}"),
            get(bp_one).put(bp_one).delete(bp_one),
        )
        .route(
            &format!("{A}/billingProfiles/{{profile}}{E}/{{name}}/{{action}}"),
            get(bp_action).post(bp_action),
        )
        .route(&format!("{A}/customers/{{customer}}{E}"), get(cu_list))
        .route(
            &format!("{A}/customers/{{customer}}{E}/{{name}}"),
            get(cu_one).put(cu_one).delete(cu_one),
        )
        .route(
            &format!("{A}/customers/{{customer}}{E}/{{name}}/{{action}}"),
            get(cu_action).post(cu_action),
        )
        .merge(blobs::routes())
}

fn action_name(raw: &str) -> &'static str {
    match raw.to_ascii_lowercase().as_str() {
        "run" => "run",
        "runhistory" => "runHistory",
        _ => "unknown",
    }
}
