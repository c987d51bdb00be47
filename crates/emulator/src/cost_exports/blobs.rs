//! A minimal Azure Blob read endpoint over the files export runs wrote, path-style like azurite
//! (`/blobs/{account}/{container}/{blob}`), admitting only requests with a valid SAS: signature,
//! expiry (`se`, on the emulated clock) and permissions (`sp`: `r` to read, `l` to list).
//! The SAS signature is the emulator's own (HMAC over permissions, expiry and container, or a
//! directory of it for a directory SAS `sr=d` as Graph's billing manifests carry), not Azure's
//! string-to-sign; mint one with [`sas_query`], [`directory_sas_query`] or
//! `RunningEmulator::blob_sas_url`.

use std::collections::HashMap;
use std::path::{Component, PathBuf};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::server::{lock, AppState, Shared};

/// Storage service version advertised.
const VERSION: &str = "2021-08-06";

/// Account key of the emulated storage account(s), derived from the seed.
pub fn account_key(seed: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"cspdesk-emulator-blob-key/");
    h.update(seed.to_le_bytes());
    h.finalize().into()
}

/// Signs a container (`directory` `None`) or a directory of it.
fn signature(
    key: &[u8],
    account: &str,
    container: &str,
    directory: Option<&str>,
    sp: &str,
    se: &str,
) -> String {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    let resource = match directory {
        Some(dir) => format!("/{account}/{container}/{dir}"),
        None => format!("/{account}/{container}"),
    };
    m.update(format!("{sp}\n{se}\n{resource}").as_bytes());
    STANDARD.encode(m.finalize().into_bytes())
}

/// SAS query string (without `?`) granting `permissions` (e.g. `rl`) on a container until `expiry`.
pub fn sas_query(
    seed: u64,
    account: &str,
    container: &str,
    permissions: &str,
    expiry: DateTime<Utc>,
) -> String {
    let se = expiry.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let sig = signature(
        &account_key(seed),
        account,
        container,
        None,
        permissions,
        &se,
    );
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("sv", VERSION)
        .append_pair("sr", "c")
        .append_pair("sp", permissions)
        .append_pair("se", &se)
        .append_pair("sig", &sig)
        .finish()
}

/// Directory SAS query string (without `?`, `sr=d` with its depth `sdd`) granting `permissions`
/// on every blob under `directory` (no leading or trailing `/`) of a container until `expiry`,
/// in the parameter order of Microsoft's sample manifest (`sv`, `se`, `sr`, `sp`, `sdd`, `sig`).
pub fn directory_sas_query(
    seed: u64,
    account: &str,
    container: &str,
    directory: &str,
    permissions: &str,
    expiry: DateTime<Utc>,
) -> String {
    let se = expiry.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let sig = signature(
        &account_key(seed),
        account,
        container,
        Some(directory),
        permissions,
        &se,
    );
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("sv", VERSION)
        .append_pair("se", &se)
        .append_pair("sr", "d")
        .append_pair("sp", permissions)
        .append_pair("sdd", &directory.split('/').count().to_string())
        .append_pair("sig", &sig)
        .finish()
}

/// The storage service's answer to a SAS whose `se` has passed (also injected by the
/// `sas-expired` fault).
pub(crate) fn sas_expired() -> Response {
    storage_error(
        StatusCode::FORBIDDEN,
        "AuthenticationFailed",
        "Signature not valid in the specified time frame (expired).",
    )
}

fn storage_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>");
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/xml"));
    if let Ok(v) = HeaderValue::from_str(code) {
        res.headers_mut().insert("x-ms-error-code", v);
    }
    res
}

/// Checks the SAS of a request for permission letter `need`; `path` is the blob's path in the
/// container (or the listing's prefix), whose first `sdd` segments a directory SAS signs.
fn check_sas(
    s: &Shared,
    account: &str,
    container: &str,
    path: &str,
    q: &HashMap<String, String>,
    need: char,
) -> Result<(), Response> {
    let (Some(sp), Some(se), Some(sig)) = (q.get("sp"), q.get("se"), q.get("sig")) else {
        return Err(storage_error(
            StatusCode::FORBIDDEN,
            "AuthenticationFailed",
            "Server failed to authenticate the request: no SAS in the query.",
        ));
    };
    let directory = match q.get("sr").map(String::as_str) {
        Some("d") => {
            let depth: usize = q.get("sdd").and_then(|d| d.parse().ok()).unwrap_or(0);
            let segments: Vec<&str> = path.split('/').collect();
            if depth == 0 || segments.len() <= depth {
                return Err(storage_error(
                    StatusCode::FORBIDDEN,
                    "AuthorizationResourceTypeMismatch",
                    "This request is not authorized to perform this operation using this resource type.",
                ));
            }
            Some(segments[..depth].join("/"))
        }
        _ => None,
    };
    let key = account_key(s.world.seed);
    if signature(&key, account, container, directory.as_deref(), sp, se) != *sig {
        return Err(storage_error(
            StatusCode::FORBIDDEN,
            "AuthenticationFailed",
            "Signature did not match.",
        ));
    }
    let expiry = DateTime::parse_from_rfc3339(se).map_err(|_| {
        storage_error(
            StatusCode::FORBIDDEN,
            "AuthenticationFailed",
            "se is not a valid time.",
        )
    })?;
    if expiry.with_timezone(&Utc) <= s.clock.now() {
        return Err(sas_expired());
    }
    if !sp.contains(need) {
        return Err(storage_error(
            StatusCode::FORBIDDEN,
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
        ));
    }
    Ok(())
}

pub(crate) fn root(s: &Shared) -> PathBuf {
    lock(&s.exports).dir(
        &s.config.export_dir,
        s.base_url.rsplit(':').next().unwrap_or("0"),
    )
}

fn safe(rel: &str) -> bool {
    std::path::Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
}

fn list_files(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, u64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            list_files(base, &p, out);
        } else if let (Ok(rel), Ok(meta)) = (p.strip_prefix(base), e.metadata()) {
            out.push((rel.to_string_lossy().replace('\\', "/"), meta.len()));
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn container(
    State(s): State<AppState>,
    Path((account, container)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let prefix = q.get("prefix").cloned().unwrap_or_default();
    if let Err(r) = check_sas(&s, &account, &container, &prefix, &q, 'l') {
        return r;
    }
    if q.get("comp").map(String::as_str) != Some("list") {
        return storage_error(
            StatusCode::BAD_REQUEST,
            "InvalidQueryParameterValue",
            "Only restype=container&comp=list is supported.",
        );
    }
    let base = root(&s).join(&account).join(&container);
    let mut files = Vec::new();
    list_files(&base, &base, &mut files);
    let blobs: String = files
        .iter()
        .filter(|(name, _)| name.starts_with(&prefix))
        .map(|(name, len)| {
            format!(
                "<Blob><Name>{}</Name><Properties><Last-Modified>Mon, 01 Jan 2024 00:00:00 GMT</Last-Modified><Etag>0x8D{:012X}</Etag>\
                 <Content-Length>{len}</Content-Length><Content-Type>{}</Content-Type><BlobType>BlockBlob</BlobType>\
                 <LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState></Properties></Blob>",
                xml_escape(name),
                crate::entropy::fnv(name) & 0xFFFF_FFFF_FFFF,
                if name.ends_with(".json") { "application/json" } else { "text/csv" }
            )
        })
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"{}/blobs/{account}/\" ContainerName=\"{}\">\
         <Prefix>{}</Prefix><Blobs>{blobs}</Blobs><NextMarker /></EnumerationResults>",
        s.base_url,
        xml_escape(&container),
        xml_escape(&prefix)
    );
    let mut res = (StatusCode::OK, body).into_response();
    res.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/xml"));
    res.headers_mut()
        .insert("x-ms-version", HeaderValue::from_static(VERSION));
    res
}

async fn blob(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((account, container, path)): Path<(String, String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = check_sas(&s, &account, &container, &path, &q, 'r') {
        return r;
    }
    if !safe(&path) {
        return storage_error(
            StatusCode::BAD_REQUEST,
            "InvalidResourceName",
            "The blob name is not valid.",
        );
    }
    let full = root(&s).join(&account).join(&container).join(&path);
    let Ok(bytes) = std::fs::read(&full) else {
        return storage_error(
            StatusCode::NOT_FOUND,
            "BlobNotFound",
            "The specified blob does not exist.",
        );
    };
    let total = bytes.len();
    let range = headers
        .get("x-ms-range")
        .or_else(|| headers.get("range"))
        .and_then(|v| v.to_str().ok())
        .and_then(|r| {
            let (a, b) = r.strip_prefix("bytes=")?.split_once('-')?;
            let start: usize = a.parse().ok()?;
            let end: usize = if b.is_empty() {
                total.saturating_sub(1)
            } else {
                b.parse::<usize>().ok()?.min(total.saturating_sub(1))
            };
            (start <= end && start < total).then_some((start, end))
        });
    let (status, body, content_range) = match range {
        Some((a, b)) => (
            StatusCode::PARTIAL_CONTENT,
            bytes[a..=b].to_vec(),
            Some(format!("bytes {a}-{b}/{total}")),
        ),
        None => (StatusCode::OK, bytes, None),
    };
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static(if path.ends_with(".json") {
            "application/json"
        } else if path.ends_with(".gz") {
            "application/octet-stream"
        } else {
            "text/csv"
        }),
    );
    h.insert("x-ms-blob-type", HeaderValue::from_static("BlockBlob"));
    h.insert("x-ms-version", HeaderValue::from_static(VERSION));
    h.insert("accept-ranges", HeaderValue::from_static("bytes"));
    h.insert(
        "last-modified",
        HeaderValue::from_static("Mon, 01 Jan 2024 00:00:00 GMT"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "\"0x8D{:012X}\"",
        crate::entropy::fnv(&path) & 0xFFFF_FFFF_FFFF
    )) {
        h.insert("etag", v);
    }
    if let Some(cr) = content_range.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.insert("content-range", cr);
    }
    res
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/blobs/{account}/{container}", get(container))
        .route("/blobs/{account}/{container}/{*path}", get(blob))
}
