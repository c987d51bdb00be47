//! The routes of exports at the three scopes (billing account, billing profile, customer), each
//! a thin axum handler that names its scope and hands the request to `definitions`.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::definitions::handle;
use super::{blobs, ScopePath};
use crate::server::AppState;

type Q = Query<HashMap<String, String>>;

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
