//! The four export actions: Microsoft's request bodies checked (400 with Graph's error body for
//! a bad one), the data they ask for resolved against the world, and a long-running operation
//! started whose `Location` the 202 carries. The blobs are written in the background; a data
//! version already written (or being written) is shared, not written again.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use chrono::Duration;
use serde_json::Value;

use super::admission::{admit, graph_error};
use super::rows::{AttributeSet, Selection};
use super::{files, Dataset, InjectedFailure, Operation, Outcome, BASE};
use crate::server::{lock, AppState, Shared};
use crate::world::billing::InvoiceKind;
use crate::world::{Currency, Month};

/// Microsoft's failed-operation code for every export that yields nothing.
pub(crate) const NO_DATA_CODE: &str = "5000";
/// Microsoft's message for it (`partners-billing-operation-get`, Example 2).
pub(crate) const NO_DATA: &str = "No data available";

fn invalid(s: &Shared, message: &str) -> Response {
    graph_error(s, StatusCode::BAD_REQUEST, "invalidRequest", message)
}

/// What the body asks for, before it is resolved against the world.
enum Target {
    Invoice(String),
    Period { last: bool, currency: String },
}

fn read_body(
    s: &Shared,
    dataset: Dataset,
    body: &[u8],
) -> Result<(Target, AttributeSet), Response> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| invalid(s, "The request body is not valid JSON."))?;
    let Some(obj) = value.as_object() else {
        return Err(invalid(s, "The request body must be a JSON object."));
    };
    let billed = matches!(
        dataset,
        Dataset::BilledUsage | Dataset::BilledReconciliation
    );
    let allowed: &[&str] = if billed {
        &["invoiceId", "attributeSet"]
    } else {
        &["billingPeriod", "currencyCode", "attributeSet"]
    };
    if let Some(k) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(invalid(
            s,
            &format!("The parameter '{k}' in the request payload is not a valid parameter for the operation 'export'."),
        ));
    }
    let attrs = match obj.get("attributeSet") {
        None | Some(Value::Null) => AttributeSet::Full,
        Some(Value::String(a)) => AttributeSet::parse(a).ok_or_else(|| {
            invalid(
                s,
                &format!("The attributeSet '{a}' is not valid: use full or basic."),
            )
        })?,
        Some(_) => return Err(invalid(s, "attributeSet must be a string: full or basic.")),
    };
    let text = |key: &str| {
        obj.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    let target = if billed {
        let Some(id) = text("invoiceId") else {
            return Err(invalid(s, "invoiceId is required."));
        };
        Target::Invoice(id.to_string())
    } else {
        let last = match text("billingPeriod") {
            Some("current") => false,
            Some("last") => true,
            Some(other) => {
                return Err(invalid(
                    s,
                    &format!("The billingPeriod '{other}' is not valid: use current or last."),
                ))
            }
            None => return Err(invalid(s, "billingPeriod is required (current or last).")),
        };
        let Some(currency) = text("currencyCode") else {
            return Err(invalid(s, "currencyCode is required."));
        };
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(invalid(
                s,
                &format!("The currencyCode '{currency}' is not an ISO 4217 code."),
            ));
        }
        Target::Period {
            last,
            currency: currency.to_string(),
        }
    };
    Ok((target, attrs))
}

/// The selection a target names, or the failed operation's message.
fn resolve(
    s: &Shared,
    dataset: Dataset,
    target: Target,
    attrs: AttributeSet,
) -> Result<Selection, String> {
    let today = s.clock.today();
    match target {
        Target::Invoice(id) => {
            let Some(inv) = s.world.invoice(&id, today) else {
                return Err(NO_DATA.to_string());
            };
            match inv.kind {
                // Legacy invoices are never served by Graph (reference §0, §7.3).
                InvoiceKind::Legacy => Err(match dataset {
                    Dataset::BilledUsage => {
                        format!("No usage data available currently for Invoice {}", inv.id)
                    }
                    _ => format!(
                        "No reconciliation data available currently for Invoice {}",
                        inv.id
                    ),
                }),
                InvoiceKind::Modern | InvoiceKind::AdjustmentNote => Ok(Selection {
                    dataset,
                    attrs,
                    invoice_number: inv.id.clone(),
                    month: inv.month,
                    currency: inv.currency,
                    through: inv.month.last_day(),
                    note: (inv.kind == InvoiceKind::AdjustmentNote).then_some(inv),
                }),
            }
        }
        Target::Period { last, currency } => {
            let currency = Currency::parse(&currency).ok_or_else(|| NO_DATA.to_string())?;
            let this_month = Month::of(today);
            let yesterday = today.pred_opt().unwrap_or(today);
            let (month, through) = if last {
                let m = this_month.prev();
                // Last month stays unbilled until its invoice is issued on the 8th, as on v1.
                if today < m.invoice_date() {
                    (m, m.last_day())
                } else {
                    return Err(NO_DATA.to_string());
                }
            } else {
                (this_month, yesterday)
            };
            Ok(Selection {
                dataset,
                attrs,
                invoice_number: String::new(),
                month,
                currency,
                through,
                note: None,
            })
        }
    }
}

/// The key of a data version: what is selected and everything that changes its rows.
fn version_key(s: &Shared, sel: &Selection) -> String {
    format!(
        "{:?}|{}|{}|{:?}|{}|{}|{}",
        sel.dataset,
        sel.attrs.name(),
        sel.invoice_number,
        sel.month,
        sel.currency.code(),
        sel.through,
        s.world.restatement(sel.month)
    )
}

fn start(
    s: &AppState,
    dataset: Dataset,
    headers: &HeaderMap,
    injected: bool,
    body: &[u8],
) -> Response {
    if let Err(r) = admit(s, headers) {
        return r;
    }
    let (target, attrs) = match read_body(s, dataset, body) {
        Ok(t) => t,
        Err(r) => return r,
    };
    let now = s.clock.now();
    let knobs = s.knobs();
    let id = s.next_guid();
    let outcome = match resolve(s, dataset, target, attrs) {
        _ if injected => Arc::new(Mutex::new(Some(Outcome::Failed {
            code: NO_DATA_CODE.into(),
            message: NO_DATA.into(),
        }))),
        Err(message) => Arc::new(Mutex::new(Some(Outcome::Failed {
            code: NO_DATA_CODE.into(),
            message,
        }))),
        Ok(sel) => {
            let key = version_key(s, &sel);
            let mut store = lock(&s.graph);
            match store.versions.get(&key) {
                Some(shared) => shared.clone(),
                None => {
                    let slot = Arc::new(Mutex::new(None));
                    store.versions.insert(key, slot.clone());
                    let (state, writing, rows_per_blob) =
                        (s.clone(), slot.clone(), knobs.graph_rows_per_blob);
                    tokio::task::spawn_blocking(move || {
                        let done = match files::write_version(&state, &sel, rows_per_blob) {
                            Ok(Some(v)) => Outcome::Ready(Arc::new(v)),
                            Ok(None) => Outcome::Failed {
                                code: NO_DATA_CODE.into(),
                                message: NO_DATA.into(),
                            },
                            Err(e) => {
                                tracing::error!("writing a Graph export's blobs failed: {e}");
                                Outcome::Failed {
                                    code: NO_DATA_CODE.into(),
                                    message: NO_DATA.into(),
                                }
                            }
                        };
                        *lock(&writing) = Some(done);
                    });
                    slot
                }
            }
        }
    };
    let preparation =
        Duration::from_std(knobs.graph_preparation).unwrap_or_else(|_| Duration::zero());
    let op = Operation {
        created: now,
        ready_at: now + preparation,
        manifest_id: s.next_guid(),
        outcome,
    };
    {
        let mut store = lock(&s.graph);
        store.manifests.insert(op.manifest_id.clone(), id.clone());
        store.operations.insert(id.clone(), op);
    }
    let mut res = StatusCode::ACCEPTED.into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{}{BASE}/operations/{id}", s.base_url)) {
        res.headers_mut().insert("location", v);
    }
    res
}

macro_rules! export_handler {
    ($name:ident, $dataset:expr) => {
        pub(crate) async fn $name(
            State(s): State<AppState>,
            headers: HeaderMap,
            injected: Option<Extension<InjectedFailure>>,
            body: axum::body::Bytes,
        ) -> Response {
            start(&s, $dataset, &headers, injected.is_some(), &body)
        }
    };
}

export_handler!(billed_usage, Dataset::BilledUsage);
export_handler!(unbilled_usage, Dataset::UnbilledUsage);
export_handler!(billed_reconciliation, Dataset::BilledReconciliation);
export_handler!(unbilled_reconciliation, Dataset::UnbilledReconciliation);
