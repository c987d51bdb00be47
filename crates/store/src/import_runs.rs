//! The one run history of every import from Microsoft (Discovery, Cost Management exports,
//! Azure Stack usage): each run is kept with its kind, the source it read (none for
//! Discovery), its trigger, times, heartbeat, counts and, for a failed run, the endpoint and
//! the reason in words. Whether a run marked InProgress is really running is decided by the
//! run lock its process holds (see `cspdesk_discovery::lock`), not by this table: the lock
//! holder closes a run left InProgress by a dead process as Stopped when it starts its own.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::discovered::{instant, parse_instant};
use crate::error::{Error, Result};
use crate::Database;

/// What an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RunKind {
    /// Partner Center: customers, subscriptions, usage, prices, invoices.
    Discovery,
    /// One Cost Management export source's new export runs.
    CostExports,
    /// One Azure Stack Hub registration's usage window.
    StackUsage,
    /// A Pricing API price sheet or a month's FX rates.
    Pricing,
}

impl RunKind {
    /// Every kind.
    pub const ALL: [RunKind; 4] = [
        RunKind::Discovery,
        RunKind::CostExports,
        RunKind::StackUsage,
        RunKind::Pricing,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Discovery => "discovery",
            RunKind::CostExports => "costExports",
            RunKind::StackUsage => "stackUsage",
            RunKind::Pricing => "pricing",
        }
    }

    /// The kind of a stored name (anything unknown reads as Discovery, the only kind before
    /// there were kinds).
    pub fn from_stored(text: &str) -> RunKind {
        RunKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text)
            .unwrap_or(RunKind::Discovery)
    }
}

/// Which runs exclude each other: one run per (kind, account, source) at a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RunKey {
    /// Kind.
    pub kind: RunKind,
    /// The partner account.
    pub account_id: String,
    /// None for Discovery; the cost source id; `subscription/resourceGroup/registration`.
    pub source: Option<String>,
}

impl RunKey {
    /// Discovery of an account.
    pub fn discovery(account_id: &str) -> RunKey {
        RunKey {
            kind: RunKind::Discovery,
            account_id: account_id.to_string(),
            source: None,
        }
    }

    /// Another kind, reading `source` of an account.
    pub fn of(kind: RunKind, account_id: &str, source: &str) -> RunKey {
        RunKey {
            kind,
            account_id: account_id.to_string(),
            source: Some(source.to_string()),
        }
    }
}

/// Pages and rows of one kind of data within a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityCount {
    /// Kind of data (`customers`, `dailyUsage`, `costRows`, `stackUsage`...).
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
    /// Items set aside (see [`crate::set_aside`]): the run read everything else.
    pub warnings: u64,
}

/// Why a run failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFailure {
    /// Machine code (the name of an API error code: `Unavailable`, `SasExpired`...).
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
    /// What it imports.
    pub kind: RunKind,
    /// Account.
    pub account_id: String,
    /// The source within the account (None for Discovery).
    pub source: Option<String>,
    /// The source's name when the run started.
    pub source_label: Option<String>,
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
    throttled_wait_ms, rows_written, entities, error_code, error_endpoint, error_message, write_ms,
    kind, source, source_label, warnings";

fn record(r: &Row<'_>) -> rusqlite::Result<RunRecord> {
    let started: Option<String> = r.get(4)?;
    let heartbeat: Option<String> = r.get(6)?;
    let entities: String = r.get(11)?;
    let code: Option<String> = r.get(12)?;
    let kind: String = r.get(16)?;
    Ok(RunRecord {
        id: r.get(0)?,
        kind: RunKind::from_stored(&kind),
        account_id: r.get(1)?,
        source: r.get(17)?,
        source_label: r.get(18)?,
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
            warnings: r.get::<_, i64>(19)? as u64,
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

/// Starts a run of `key`. The caller holds the key's run lock (one run per kind, account
/// and source across processes), so a run of the key still marked InProgress belongs to a
/// process that died: it is closed as Stopped at its last heartbeat first.
pub fn start(
    db: &mut Database,
    key: &RunKey,
    source_label: Option<&str>,
    trigger: &str,
    now: DateTime<Utc>,
) -> Result<RunRecord> {
    let tx = db
        .conn_mut()
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    tx.execute(
        "UPDATE import_runs SET state = 'stopped', ended_at = heartbeat_at
         WHERE account_id = ?1 AND kind = ?2 AND source IS ?3 AND state = 'inProgress'",
        params![key.account_id, key.kind.as_str(), key.source],
    )?;
    tx.execute(
        "INSERT INTO import_runs (account_id, kind, source, source_label, trigger, state, started_at, heartbeat_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'inProgress', ?6, ?6)",
        params![
            key.account_id,
            key.kind.as_str(),
            key.source,
            source_label,
            trigger,
            instant(now)
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.commit()?;
    get(db, id)
}

/// Saves a running run's counters and heartbeat.
pub fn heartbeat(db: &Database, id: i64, counts: &RunCounts, now: DateTime<Utc>) -> Result<()> {
    db.conn().execute(
        "UPDATE import_runs SET heartbeat_at = ?2, requests = ?3, throttled = ?4, throttled_wait_ms = ?5,
            rows_written = ?6, entities = ?7, write_ms = ?8, warnings = ?9
         WHERE id = ?1 AND state = 'inProgress'",
        params![
            id,
            instant(now),
            counts.requests as i64,
            counts.throttled as i64,
            counts.throttled_wait_ms as i64,
            counts.rows_written as i64,
            serde_json::to_string(&counts.entities).unwrap_or_else(|_| "[]".into()),
            counts.write_ms as i64,
            counts.warnings as i64
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
        "UPDATE import_runs SET state = ?2, ended_at = ?3, error_code = ?4, error_endpoint = ?5,
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
            &format!("SELECT {COLUMNS} FROM import_runs WHERE id = ?1"),
            params![id],
            record,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound {
            what: format!("import run {id}"),
        })
}

/// Which runs a listing returns (every field optional: None = any).
#[derive(Debug, Clone, Default)]
pub struct RunFilter<'a> {
    /// One account.
    pub account_id: Option<&'a str>,
    /// One kind.
    pub kind: Option<RunKind>,
    /// One source (with `kind`).
    pub source: Option<&'a str>,
}

/// The newest `limit` runs matching `filter`, newest first.
pub fn list(db: &Database, filter: &RunFilter<'_>, limit: u32) -> Result<Vec<RunRecord>> {
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {COLUMNS} FROM import_runs
         WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR source = ?3)
         ORDER BY id DESC LIMIT ?4"
    ))?;
    let rows = stmt.query_map(
        params![
            filter.account_id,
            filter.kind.map(RunKind::as_str),
            filter.source,
            limit
        ],
        record,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// When the key's last Completed run ended.
pub fn last_success(db: &Database, key: &RunKey) -> Result<Option<DateTime<Utc>>> {
    let at: Option<Option<String>> = db
        .conn()
        .query_row(
            "SELECT max(ended_at) FROM import_runs
             WHERE account_id = ?1 AND kind = ?2 AND source IS ?3 AND state = 'completed'",
            params![key.account_id, key.kind.as_str(), key.source],
            |r| r.get(0),
        )
        .optional()?;
    Ok(parse_instant(at.flatten()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0).unwrap()
    }

    #[test]
    fn runs_of_every_kind_share_one_history_and_a_dead_run_closes_only_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("runs.sqlite3")).unwrap();
        let account =
            crate::accounts::add(&db, "CSP", "0a1b2c3d-0000-4000-8000-000000000001", at(0))
                .unwrap()
                .id;
        let discovery = RunKey::discovery(&account);
        let cost = RunKey::of(RunKind::CostExports, &account, "src-1");
        let other_cost = RunKey::of(RunKind::CostExports, &account, "src-2");
        let d = start(&mut db, &discovery, None, "manual", at(1)).unwrap();
        let c = start(&mut db, &cost, Some("MCA exports"), "manual", at(1)).unwrap();
        let o = start(&mut db, &other_cost, Some("Other"), "manual", at(1)).unwrap();
        assert_eq!(
            (c.kind, c.source.as_deref()),
            (RunKind::CostExports, Some("src-1"))
        );
        assert_eq!(c.source_label.as_deref(), Some("MCA exports"));
        // The cost source's process died: its next run closes it, and no other key's run.
        let c2 = start(&mut db, &cost, Some("MCA exports"), "manual", at(2)).unwrap();
        assert_eq!(get(&db, c.id).unwrap().state, "stopped");
        assert_eq!(
            get(&db, c.id).unwrap().ended_at,
            Some(at(1)),
            "at its last heartbeat"
        );
        assert_eq!(
            get(&db, d.id).unwrap().state,
            "inProgress",
            "Discovery is another key"
        );
        assert_eq!(
            get(&db, o.id).unwrap().state,
            "inProgress",
            "another source is another key"
        );
        let failure = RunFailure {
            code: "SasExpired".into(),
            endpoint: None,
            message: "the SAS expired".into(),
        };
        let ended = finish(
            &db,
            c2.id,
            "error",
            &RunCounts::default(),
            Some(&failure),
            at(3),
        )
        .unwrap();
        assert_eq!(ended.failure, Some(failure));
        let all = list(&db, &RunFilter::default(), 10).unwrap();
        assert_eq!(
            all.iter().map(|r| r.id).collect::<Vec<_>>(),
            [c2.id, o.id, c.id, d.id],
            "newest first, every kind"
        );
        let only = RunFilter {
            kind: Some(RunKind::CostExports),
            source: Some("src-1"),
            ..RunFilter::default()
        };
        assert_eq!(list(&db, &only, 10).unwrap().len(), 2);
        assert_eq!(last_success(&db, &cost).unwrap(), None);
        finish(&db, d.id, "completed", &RunCounts::default(), None, at(4)).unwrap();
        assert_eq!(last_success(&db, &discovery).unwrap(), Some(at(4)));
        assert_eq!(last_success(&db, &cost).unwrap(), None);
    }

    #[test]
    fn discovery_history_written_before_kinds_reads_as_discovery() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        {
            // A database at schema 11, with a Discovery run in the old table.
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            crate::migration::migrate_to(&mut conn, 11).unwrap();
            conn.execute_batch(
                "INSERT INTO partner_accounts (id, name, tenant_id, created_at)
                 VALUES ('a1', 'CSP', '0a1b2c3d-0000-4000-8000-000000000001', '2026-03-01T00:00:00Z');
                 INSERT INTO discovery_runs (account_id, trigger, state, started_at, ended_at, heartbeat_at, rows_written)
                 VALUES ('a1', 'scheduled', 'completed', '2026-03-02T01:00:00.000Z', '2026-03-02T02:00:00.000Z', '2026-03-02T02:00:00.000Z', 42);",
            )
            .unwrap();
        }
        let db = Database::open(&path).unwrap();
        let runs = list(&db, &RunFilter::default(), 10).unwrap();
        assert_eq!(runs.len(), 1, "the old run is kept");
        let r = &runs[0];
        assert_eq!(
            (
                r.kind,
                r.source.as_deref(),
                r.trigger.as_str(),
                r.state.as_str(),
                r.counts.rows_written
            ),
            (RunKind::Discovery, None, "scheduled", "completed", 42)
        );
        assert_eq!(r.ended_at, Some(at(2)));
    }
}
