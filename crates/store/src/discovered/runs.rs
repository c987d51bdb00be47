//! The run history: every Discovery run is kept with its trigger, times, counts and, for a
//! failed run, the endpoint and reason. Whether a run marked InProgress is really running is
//! decided by the run lock its process holds (see `cspdesk_discovery`), not by this table.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{instant, parse_instant};
use crate::error::{Error, Result};
use crate::Database;

/// Pages and rows of one kind of data within a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCount {
    /// Kind of data (`customers`, `dailyUsage`, ...).
    pub entity: String,
    /// Pages read.
    pub pages: u64,
    /// Rows written.
    pub rows: u64,
}

/// Counters of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Requests sent, retries included.
    pub requests: u64,
    /// Throttled or not-ready answers waited out.
    pub throttled: u64,
    /// Milliseconds spent waiting on them.
    pub throttled_wait_ms: u64,
    /// Rows inserted or changed.
    pub rows_written: u64,
    /// Milliseconds spent in write transactions (the ingest cost, apart from the network).
    pub write_ms: u64,
    /// Per kind of data.
    pub entities: Vec<EntityCount>,
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFailure {
    /// Machine code (the API error code's name).
    pub code: String,
    /// The endpoint that failed.
    pub endpoint: Option<String>,
    /// What happened and what to do.
    pub message: String,
}

/// One stored run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// Run id.
    pub id: i64,
    /// Account.
    pub account_id: String,
    /// `manual` or `scheduled`.
    pub trigger: String,
    /// `inProgress`, `stopped`, `error` or `completed`.
    pub state: String,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: Option<DateTime<Utc>>,
    /// Last heartbeat.
    pub heartbeat_at: DateTime<Utc>,
    /// Counters.
    pub counts: RunCounts,
    /// For `error`.
    pub failure: Option<RunFailure>,
}

const COLUMNS: &str =
    "id, account_id, trigger, state, started_at, ended_at, heartbeat_at, requests, throttled,
    throttled_wait_ms, rows_written, entities, error_code, error_endpoint, error_message, write_ms";

fn record(r: &Row<'_>) -> rusqlite::Result<RunRecord> {
    let started: Option<String> = r.get(4)?;
    let heartbeat: Option<String> = r.get(6)?;
    let entities: String = r.get(11)?;
    let code: Option<String> = r.get(12)?;
    Ok(RunRecord {
        id: r.get(0)?,
        account_id: r.get(1)?,
        trigger: r.get(2)?,
        state: r.get(3)?,
        started_at: parse_instant(started).unwrap_or_default(),
        ended_at: parse_instant(r.get(5)?),
        heartbeat_at: parse_instant(heartbeat).unwrap_or_default(),
        counts: RunCounts {
            requests: r.get::<_, i64>(7)? as u64,
            throttled: r.get::<_, i64>(8)? as u64,
            throttled_wait_ms: r.get::<_, i64>(9)? as u64,
            rows_written: r.get::<_, i64>(10)? as u64,
            write_ms: r.get::<_, i64>(15)? as u64,
            entities: serde_json::from_str(&entities).unwrap_or_default(),
        },
        failure: match code {
            Some(code) => Some(RunFailure {
                code,
                endpoint: r.get(13)?,
                message: r.get::<_, Option<String>>(14)?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}

/// Starts a run for `account_id`. The caller holds the account's run lock (one run per
/// account across processes), so a run still marked InProgress belongs to a process that
/// died: it is closed as Stopped at its last heartbeat first.
pub fn start(
    db: &mut Database,
    account_id: &str,
    trigger: &str,
    now: DateTime<Utc>,
) -> Result<RunRecord> {
    let tx = db
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE discovery_runs SET state = 'stopped', ended_at = heartbeat_at
         WHERE account_id = ?1 AND state = 'inProgress'",
        params![account_id],
    )?;
    tx.execute(
        "INSERT INTO discovery_runs (account_id, trigger, state, started_at, heartbeat_at)
         VALUES (?1, ?2, 'inProgress', ?3, ?3)",
        params![account_id, trigger, instant(now)],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    get(db, id)
}

/// Saves a running run's counters and heartbeat.
pub fn heartbeat(db: &Database, id: i64, counts: &RunCounts, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE discovery_runs SET heartbeat_at = ?2, requests = ?3, throttled = ?4, throttled_wait_ms = ?5,
            rows_written = ?6, entities = ?7, write_ms = ?8 WHERE id = ?1 AND state = 'inProgress'",
        params![
            id,
            instant(now),
            counts.requests as i64,
            counts.throttled as i64,
            counts.throttled_wait_ms as i64,
            counts.rows_written as i64,
            serde_json::to_string(&counts.entities).unwrap_or_else(|_| "[]".into()),
            counts.write_ms as i64
        ],
    )?;
    Ok(())
}

/// Ends a run in `state` (`stopped`, `error` or `completed`).
pub fn finish(
    db: &Database,
    id: i64,
    state: &str,
    counts: &RunCounts,
    failure: Option<&RunFailure>,
    now: DateTime<Utc>,
) -> Result<RunRecord> {
    heartbeat(db, id, counts, now)?;
    db.conn().execute(
        "UPDATE discovery_runs SET state = ?2, ended_at = ?3, error_code = ?4, error_endpoint = ?5,
            error_message = ?6 WHERE id = ?1",
        params![
            id,
            state,
            instant(now),
            failure.map(|f| f.code.as_str()),
            failure.and_then(|f| f.endpoint.as_deref()),
            failure.map(|f| f.message.as_str())
        ],
    )?;
    get(db, id)
}

/// One run.
pub fn get(db: &Database, id: i64) -> Result<RunRecord> {
    db.conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM discovery_runs WHERE id = ?1"),
            params![id],
            record,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: format!("Discovery run {id}"),
        })
}

/// The newest `limit` runs of an account, newest first.
pub fn list(db: &Database, account_id: &str, limit: u32) -> Result<Vec<RunRecord>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM discovery_runs WHERE account_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account_id, limit], record)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the account's last Completed run ended.
pub fn last_success(db: &Database, account_id: &str) -> Result<Option<DateTime<Utc>>> {
    let at: Option<Option<String>> = db
        .conn()
        .query_row(
            "SELECT max(ended_at) FROM discovery_runs WHERE account_id = ?1 AND state = 'completed'",
            params![account_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(parse_instant(at.flatten()))
}
