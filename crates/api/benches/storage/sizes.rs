//! Bytes on disk, from SQLite's `dbstat` table (every page of every table and index,
//! overflow pages included): the daily usage objects of a database, and the file itself
//! after a checkpoint.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::Connection;

/// Daily usage's tables in the compact layout (0019) and in the old one; their indexes
/// count with them.
pub const COMPACT_TABLES: &[&str] = &[
    "daily_usage_facts",
    "usage_sources",
    "usage_subjects",
    "usage_meters",
    "usage_resources",
    "usage_terms",
];
pub const OLD_TABLES: &[&str] = &["daily_usage"];

/// One object's pages.
pub struct Object {
    pub name: String,
    pub bytes: u64,
}

/// Sizes of `tables` and their indexes, and of the whole file.
pub struct Sizes {
    pub objects: Vec<Object>,
    pub file: u64,
}

impl Sizes {
    pub fn usage_bytes(&self) -> u64 {
        self.objects.iter().map(|o| o.bytes).sum()
    }
}

/// Checkpoints `db` (so the file holds every page) and measures it.
pub fn measure(db: &Path, tables: &[&str]) -> Result<Sizes> {
    let conn = Connection::open(db)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let mut objects = Vec::new();
    let mut stmt = conn
        .prepare(
            "SELECT m.name, sum(d.pgsize) FROM sqlite_master m JOIN dbstat d ON d.name = m.name
             WHERE m.tbl_name = ?1 GROUP BY m.name ORDER BY m.type DESC, m.name",
        )
        .context("dbstat (SQLITE_ENABLE_DBSTAT_VTAB)")?;
    for table in tables {
        let rows = stmt.query_map([table], |r| {
            Ok(Object {
                name: r.get(0)?,
                bytes: r.get::<_, i64>(1)? as u64,
            })
        })?;
        for o in rows {
            objects.push(o?);
        }
    }
    drop(stmt);
    drop(conn);
    let file = std::fs::metadata(db)?.len();
    Ok(Sizes { objects, file })
}

/// One table with its indexes, and its rows.
pub struct TableSize {
    pub table: String,
    pub bytes: u64,
    pub rows: u64,
}

/// The `n` largest tables of `db` (each with its indexes), largest first, after a checkpoint:
/// where the file's bytes go once everything is rated.
pub fn largest(db: &Path, n: usize) -> Result<(Vec<TableSize>, u64)> {
    let conn = Connection::open(db)?;
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let tables: Vec<(String, i64)> = conn
        .prepare(
            "SELECT m.tbl_name, sum(d.pgsize) FROM sqlite_master m JOIN dbstat d ON d.name = m.name
             WHERE m.type IN ('table', 'index') GROUP BY m.tbl_name ORDER BY 2 DESC LIMIT ?1",
        )
        .context("dbstat (SQLITE_ENABLE_DBSTAT_VTAB)")?
        .query_map([n as i64], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (table, bytes) in tables {
        let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
            r.get(0)
        })?;
        out.push(TableSize {
            table,
            bytes: bytes as u64,
            rows: rows as u64,
        });
    }
    drop(conn);
    Ok((out, std::fs::metadata(db)?.len()))
}
