//! The baseline Discovery's ingest is compared with, measured in the same run: the rows the
//! first run left in the discovered tables, inserted into a fresh SQLite file with the same
//! tables and indexes and the same pragmas (WAL, synchronous=NORMAL, foreign keys on), one
//! transaction per 2,000 rows through one prepared statement per table. Only the insert
//! transactions are timed; reading the rows back is not. At most `max_rows` are copied (the
//! same share of each table): a full copy of preset L's database would be a second ~13 GB
//! file on a disk that has room for one.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection, OpenFlags};

/// Rows per transaction.
const BATCH: usize = 2_000;

/// Tables that are not discovered data (as in `cspdesk_store::discovered::dump`).
pub const NOT_DISCOVERED: &[&str] = &[
    "import_runs",
    "discovery_schedule",
    "partner_accounts",
    "account_sessions",
    "organizations",
    "organization_members",
];

/// What the baseline inserted and how long the inserts took, for each repetition.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Rows inserted (timed) by one repetition.
    pub rows: u64,
    /// Time inside the insert transactions, per repetition.
    pub elapsed: Vec<Duration>,
}

impl Baseline {
    fn rates(&self) -> Vec<f64> {
        let mut rates: Vec<f64> = self
            .elapsed
            .iter()
            .map(|e| self.rows as f64 / e.as_secs_f64().max(1e-9))
            .collect();
        rates.sort_by(f64::total_cmp);
        rates
    }

    /// The median repetition's rows per second.
    pub fn rows_per_second(&self) -> f64 {
        let rates = self.rates();
        rates.get(rates.len() / 2).copied().unwrap_or(0.0)
    }

    /// Slowest and fastest repetition's rows per second.
    pub fn spread(&self) -> (f64, f64) {
        let rates = self.rates();
        (
            rates.first().copied().unwrap_or(0.0),
            rates.last().copied().unwrap_or(0.0),
        )
    }
}

fn names(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Discovered tables, parents before the tables whose foreign keys point at them.
fn tables_in_insert_order(src: &Connection) -> Result<Vec<String>> {
    let mut left: Vec<(String, Vec<String>)> = Vec::new();
    for table in names(
        src,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )? {
        if NOT_DISCOVERED.contains(&table.as_str()) {
            continue;
        }
        let parents = names(
            src,
            &format!("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{table}')"),
        )?;
        left.push((table, parents));
    }
    let mut ordered: Vec<String> = Vec::new();
    while !left.is_empty() {
        let ready = left
            .iter()
            .position(|(t, parents)| {
                parents
                    .iter()
                    .all(|p| p == t || ordered.contains(p) || NOT_DISCOVERED.contains(&p.as_str()))
            })
            .context("the discovered tables' foreign keys form a cycle")?;
        ordered.push(left.remove(ready).0);
    }
    Ok(ordered)
}

/// Creates `table` (and its indexes) in `dst` exactly as in `src`.
fn create_like(src: &Connection, dst: &Connection, table: &str) -> Result<()> {
    let mut stmt = src.prepare(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ?1 AND sql IS NOT NULL
         ORDER BY type = 'table' DESC, name",
    )?;
    let statements = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    for sql in statements {
        dst.execute_batch(&sql?)?;
    }
    Ok(())
}

/// Copies the first `limit` rows of `table` in batches, returning rows and the time inside
/// the inserts.
fn copy(
    src: &Connection,
    dst: &mut Connection,
    table: &str,
    limit: u64,
) -> Result<(u64, Duration)> {
    let columns = names(
        src,
        &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
    )?;
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let insert = format!(
        "INSERT INTO \"{table}\" ({}) VALUES ({})",
        quoted.join(", "),
        placeholders.join(", ")
    );
    // Paged by rowid; a WITHOUT ROWID table (no rowid to page by) by offset.
    let by_rowid = src
        .prepare(&format!("SELECT rowid FROM \"{table}\" LIMIT 0"))
        .is_ok();
    let mut read = src.prepare(&if by_rowid {
        format!(
            "SELECT rowid, {} FROM \"{table}\" WHERE rowid > ?1 ORDER BY rowid LIMIT {BATCH}",
            quoted.join(", ")
        )
    } else {
        format!(
            "SELECT 0, {} FROM \"{table}\" LIMIT {BATCH} OFFSET ?1",
            quoted.join(", ")
        )
    })?;
    let (mut after, mut rows, mut elapsed) = (i64::MIN, 0u64, Duration::ZERO);
    while rows < limit {
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH);
        let mut cursor = read.query([if by_rowid { after } else { rows as i64 }])?;
        while let Some(r) = cursor.next()? {
            if rows + batch.len() as u64 >= limit {
                break;
            }
            after = r.get(0)?;
            batch.push(
                (1..=columns.len())
                    .map(|i| r.get::<_, Value>(i))
                    .collect::<rusqlite::Result<_>>()?,
            );
        }
        if batch.is_empty() {
            break;
        }
        let began = Instant::now();
        let tx = dst.transaction()?;
        {
            let mut stmt = tx.prepare_cached(&insert)?;
            for row in &batch {
                stmt.execute(params_from_iter(row.iter()))?;
            }
        }
        tx.commit()?;
        elapsed += began.elapsed();
        rows += batch.len() as u64;
    }
    Ok((rows, elapsed))
}

/// Inserts the discovered rows of the database at `source` (at most `max_rows`) into a new
/// file at `target`, `repeats` times (a fresh file each time, removed afterwards).
pub fn measure(source: &Path, target: &Path, repeats: usize, max_rows: u64) -> Result<Baseline> {
    let mut out = Baseline::default();
    for _ in 0..repeats.max(1) {
        let copied = copy_all(source, target, max_rows);
        remove_database(target);
        let (rows, elapsed) = copied?;
        out.rows = rows;
        out.elapsed.push(elapsed);
    }
    Ok(out)
}

/// Removes an SQLite file with its WAL and shared-memory files.
pub fn remove_database(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(std::path::PathBuf::from(p));
    }
}

/// One repetition: rows inserted and the time inside the inserts.
fn copy_all(source: &Path, target: &Path, max_rows: u64) -> Result<(u64, Duration)> {
    let src = Connection::open_with_flags(source, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("opening {}", source.display()))?;
    let mut dst =
        Connection::open(target).with_context(|| format!("creating {}", target.display()))?;
    dst.pragma_update(None, "journal_mode", "WAL")?;
    dst.pragma_update(None, "synchronous", "NORMAL")?;
    dst.pragma_update(None, "foreign_keys", true)?;

    // The account the rows belong to: a parent row, not timed.
    create_like(&src, &dst, "partner_accounts")?;
    copy(&src, &mut dst, "partner_accounts", u64::MAX)?;
    let tables = tables_in_insert_order(&src)?;
    let mut sizes = Vec::with_capacity(tables.len());
    for table in &tables {
        sizes.push(
            src.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get::<_, i64>(0)
            })? as u64,
        );
    }
    // Tables others point at are copied whole, so every copied row finds its parent.
    let mut parents = Vec::new();
    for table in &tables {
        parents.extend(names(
            &src,
            &format!("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{table}')"),
        )?);
    }
    let share = (max_rows as f64 / sizes.iter().sum::<u64>().max(1) as f64).min(1.0);
    let (mut total, mut elapsed) = (0, Duration::ZERO);
    for (table, size) in tables.iter().zip(sizes) {
        create_like(&src, &dst, table)?;
        let limit = if parents.contains(table) {
            u64::MAX
        } else {
            (size as f64 * share).ceil() as u64
        };
        let (rows, spent) =
            copy(&src, &mut dst, table, limit).with_context(|| format!("copying {table}"))?;
        total += rows;
        elapsed += spent;
    }
    Ok((total, elapsed))
}
