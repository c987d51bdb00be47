//! The long-running operation (`runningOperation` with `Retry-After` until the preparation time
//! has passed and the blobs are written, then `exportSuccessOperation` pointing at the manifest
//! or `failedOperation` with code 5000) and the manifest with a fresh directory SAS.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::admission::{admit, graph_error};
use super::{Operation, Outcome, ACCOUNT, BASE};
use crate::cost_exports::blobs::directory_sas_query;
use crate::server::{lock, AppState, Shared};
use crate::wire::json_response;

/// `createdDateTime` as Microsoft's sample writes it (no zone).
fn created_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// `lastActionDateTime` as Microsoft's sample writes it (seven fractional digits, `Z`).
fn action_text(t: DateTime<Utc>) -> String {
    format!(
        "{}{:07}Z",
        t.format("%Y-%m-%dT%H:%M:%S."),
        t.timestamp_subsec_nanos() / 100
    )
}

fn not_found(s: &Shared, what: &str, id: &str) -> Response {
    graph_error(
        s,
        StatusCode::NOT_FOUND,
        "itemNotFound",
        &format!("The {what} '{id}' was not found."),
    )
}

fn find(s: &Shared, id: &str) -> Option<Operation> {
    lock(&s.graph).operations.get(id).cloned()
}

/// `GET /reports/partners/billing/operations/{id}`.
pub(crate) async fn operation(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = admit(&s, &headers) {
        return r;
    }
    let Some(op) = find(&s, &id) else {
        return not_found(&s, "operation", &id);
    };
    let now = s.clock.now();
    let outcome = lock(&op.outcome).clone();
    let common = |odata: &str, status: &str, last: DateTime<Utc>| {
        json!({
            "@odata.type": format!("#microsoft.graph.partners.billing.{odata}"),
            "id": id,
            "status": status,
            "createdDateTime": created_text(op.created),
            "lastActionDateTime": action_text(last),
        })
    };
    match outcome {
        Some(Outcome::Failed { code, message }) if now >= op.ready_at => {
            let mut body = common("failedOperation", "failed", op.ready_at);
            body["error"] = json!({ "message": message, "code": code });
            json_response(StatusCode::OK, &body)
        }
        Some(Outcome::Ready(_)) if now >= op.ready_at => {
            let mut body = common("exportSuccessOperation", "succeeded", op.ready_at);
            body["resourceLocation@odata.navigationLink"] =
                json!(format!("{}{BASE}/manifests/{}", s.base_url, op.manifest_id));
            json_response(StatusCode::OK, &body)
        }
        _ => {
            let left = (op.ready_at - now).num_seconds().max(1);
            let mut res = json_response(
                StatusCode::OK,
                &common("runningOperation", "running", op.created),
            );
            res.headers_mut()
                .insert("retry-after", HeaderValue::from(left as u64));
            res
        }
    }
}

/// `GET /reports/partners/billing/manifests/{id}`.
pub(crate) async fn manifest(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = admit(&s, &headers) {
        return r;
    }
    let op = {
        let store = lock(&s.graph);
        store
            .manifests
            .get(&id)
            .and_then(|op| store.operations.get(op))
            .cloned()
    };
    let now = s.clock.now();
    let version = match op.as_ref().map(|op| (op, lock(&op.outcome).clone())) {
        Some((op, Some(Outcome::Ready(v)))) if now >= op.ready_at => v,
        _ => return not_found(&s, "manifest", &id),
    };
    let ttl = Duration::from_std(s.knobs().graph_sas_ttl).unwrap_or_else(|_| Duration::hours(12));
    let sas = directory_sas_query(
        s.world.seed,
        ACCOUNT,
        version.container,
        &version.directory,
        "rl",
        now + ttl,
    );
    let blobs: Vec<Value> = version
        .blobs
        .iter()
        .map(|name| json!({ "name": name, "partitionValue": "default" }))
        .collect();
    let body = json!({
        "id": id,
        "schemaVersion": "1",
        "dataFormat": "compressedJSONLines",
        "createdDateTime": format!("{}Z", op.map_or(now, |o| o.ready_at).format("%Y-%m-%dT%H:%M:%S%.3f")),
        "eTag": version.etag,
        "partnerTenantId": s.world.partner.tenant_id,
        "rootDirectory": format!("{}/blobs/{ACCOUNT}/{}/{}", s.base_url, version.container, version.directory),
        "sasToken": sas,
        "partitionType": "Default",
        "blobCount": blobs.len(),
        "blobs": blobs,
    });
    json_response(StatusCode::OK, &body)
}
