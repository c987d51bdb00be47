//! The fault-injection middleware: decides per request (see [`crate::faults`]) whether to
//! answer in place of the handler (a status, 429, a dropped connection, an expired token, an
//! expired SAS), to damage the handler's answer (truncated or malformed JSON, a broken line
//! inside a gzip JSON Lines blob), to mark a Graph export so its operation fails, or to leave
//! out keys (omissions). Each surface's failures carry that surface's error body.

use std::io::{Read, Write};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::faults::{FaultKind, FaultPlan};
use crate::server::{lock, route_of, AppState};
use crate::{graph, partner_center, wire};

pub(crate) async fn inject_faults(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let route = route_of(req.uri().path());
    let plan = state.knobs().faults;
    if plan.rules.is_empty() {
        return with_omissions(&plan, req, next).await;
    }
    let counter = {
        let mut counters = lock(&state.fault_counters);
        let slot = counters.entry(route).or_insert(0);
        *slot += 1;
        *slot - 1
    };
    let decided = plan.decide(state.world.seed, route, counter);
    match decided {
        None => with_omissions(&plan, req, next).await,
        Some(kind) if route == "graph" || route == "graphblobs" => {
            graph_fault(&state, route, kind, req, next).await
        }
        // Graph's own kinds mean nothing elsewhere.
        Some(FaultKind::FailedOperation | FaultKind::BadLine | FaultKind::SasExpired) => {
            with_omissions(&plan, req, next).await
        }
        Some(kind) => generic(&state, kind, req, next).await,
    }
}

/// A fault on a Partner Center, ARM or blob route.
async fn generic(state: &AppState, kind: FaultKind, req: Request, next: Next) -> Response {
    let route = route_of(req.uri().path());
    match kind {
        // The Stack admin ARM answers outages in ARM's shape (reference §9.1: 503 ServiceUnavailable).
        FaultKind::Status(code) if route == "stackadmin" => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut res = wire::arm_error(
                status,
                "ServiceUnavailable",
                "Injected fault: the Azure Stack Hub usage service is unavailable; retry later.",
                None,
            );
            res.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            res
        }
        FaultKind::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut res = wire::pc_error(
                status,
                "800003",
                "Injected fault: the service encountered an unexpected error.",
            );
            if code == 503 {
                res.headers_mut()
                    .insert("retry-after", HeaderValue::from_static("1"));
            }
            res
        }
        FaultKind::Throttle => wire::throttled(1),
        FaultKind::ExpiredToken => partner_center::guard::unauthorized(
            state,
            "400",
            "Access denied: the access token has expired (injected).",
        ),
        FaultKind::Drop => {
            let failing = futures_util::stream::once(async {
                Err::<Bytes, std::io::Error>(std::io::Error::other(
                    "connection dropped (injected fault)",
                ))
            });
            Response::new(Body::from_stream(failing))
        }
        kind @ (FaultKind::Truncate | FaultKind::Malformed) => {
            let res = next.run(req).await;
            let (mut parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let damaged: Vec<u8> = if kind == FaultKind::Truncate {
                bytes[..bytes.len() / 2].to_vec()
            } else {
                damage_json(&bytes)
            };
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(damaged))
        }
        FaultKind::FailedOperation | FaultKind::BadLine | FaultKind::SasExpired => {
            next.run(req).await
        }
    }
}

/// The answer, with the keys the plan's omissions leave out of its items.
async fn with_omissions(plan: &FaultPlan, req: Request, next: Next) -> Response {
    if plan.omissions.is_empty() {
        return next.run(req).await;
    }
    let path = req
        .uri()
        .path_and_query()
        .map_or(req.uri().path(), |p| p.as_str())
        .to_string();
    let (mut parts, body) = next.run(req).await.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    match plan.omit_from(&path, &bytes) {
        Some(odd) => {
            parts.headers.remove("content-length");
            Response::from_parts(parts, Body::from(odd))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

/// Breaks JSON syntax: the first `:` becomes `=` (or a stray `{` is appended if there is none).
fn damage_json(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match out.iter().position(|b| *b == b':') {
        Some(i) => out[i] = b'=',
        None => out.extend_from_slice(b"{"),
    }
    out
}

/// A fault on Graph's partner-billing routes or its blobs, in Graph's (or the blob host's) shape.
async fn graph_fault(
    state: &AppState,
    route: &str,
    kind: FaultKind,
    mut req: Request,
    next: Next,
) -> Response {
    match kind {
        FaultKind::Throttle => graph::graph_throttled(state, 1),
        FaultKind::Status(code) if route == "graph" => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let mut res = graph::graph_error(
                state,
                status,
                if code == 503 {
                    "serviceNotAvailable"
                } else {
                    "generalException"
                },
                "Injected fault: the service is unavailable; retry later.",
            );
            res.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            res
        }
        FaultKind::ExpiredToken if route == "graph" => graph::graph_error(
            state,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Access token has expired or is not yet valid.",
        ),
        FaultKind::FailedOperation => {
            req.extensions_mut().insert(graph::InjectedFailure);
            next.run(req).await
        }
        FaultKind::SasExpired if route == "graphblobs" => crate::cost_exports::blobs::sas_expired(),
        FaultKind::BadLine if route == "graphblobs" => {
            let res = next.run(req).await;
            if res.status() != StatusCode::OK {
                return res;
            }
            let (mut parts, body) = res.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            parts.headers.remove("content-length");
            parts.headers.remove("content-md5");
            Response::from_parts(
                parts,
                Body::from(break_a_line(&bytes).unwrap_or(bytes.to_vec())),
            )
        }
        FaultKind::Drop
        | FaultKind::Truncate
        | FaultKind::Malformed
        | FaultKind::Status(_)
        | FaultKind::ExpiredToken => generic(state, kind, req, next).await,
        FaultKind::BadLine | FaultKind::SasExpired => next.run(req).await,
    }
}

/// The gzip JSON Lines `bytes` with the first `:` of its middle line turned into `=`.
fn break_a_line(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut text)
        .ok()?;
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|i| *i < text.len())
        .collect();
    let line = *starts.get(starts.len() / 2)?;
    let colon = text[line..].iter().position(|b| *b == b':')? + line;
    text[colon] = b'=';
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text).ok()?;
    gz.finish().ok()
}
