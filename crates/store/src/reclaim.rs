//! Giving the disk back what an upgrade freed. A migration that converts a table (0019,
//! 0024, 0025) builds the new one and drops the old, and SQLite keeps the dropped pages inside
//! the file for later writes: an upgraded preset L file kept 3.5 GB of its 8.5 GB free. The
//! upgrade ends with a VACUUM when that is worth it, reported as one more step.

use rusqlite::Connection;

use crate::error::Result;
use crate::migration::{announce, UpgradeReport, UpgradeStep, LATEST};

/// Free pages an upgrade must leave, at least, for [`reclaim`] to give them back.
pub(crate) const RECLAIM_BYTES: i64 = 64 << 20;

/// Gives the disk back the pages an upgrade freed, when they are at least `min_bytes` and a
/// quarter of the file: the conversions rebuild their tables (0019, 0024, 0025), and SQLite
/// keeps a dropped table's pages inside the file for later writes (preset L: 3.5 GB of an
/// 8.5 GB file after 0024 and 0025; VACUUM made it 4.8 GB in 44 s). Reported as one more
/// step. VACUUM needs free disk for a copy of what is kept; without it the file stays as it
/// was, whole and usable, and the upgrade is still done: its error is not the upgrade's.
pub(crate) fn reclaim(
    conn: &mut Connection,
    report: Option<&UpgradeReport>,
    steps: usize,
    min_bytes: i64,
) -> Result<()> {
    let (page_size, pages, free): (i64, i64, i64) = conn.query_row(
        "SELECT page_size, page_count, freelist_count
         FROM pragma_page_size, pragma_page_count, pragma_freelist_count",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    if free == 0 || free * page_size < min_bytes || free * 4 < pages {
        return Ok(());
    }
    if let Some(report) = report {
        let step = UpgradeStep {
            step: steps + 1,
            steps: steps + 1,
            version: LATEST,
            what: "Giving back the space the upgrade freed".into(),
            beats: 0,
        };
        announce(conn, report, step)?;
    }
    let _ = conn.execute_batch("VACUUM");
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn the_space_an_upgrade_freed_goes_back_to_the_disk_as_one_more_step() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("freed.sqlite3");
        let mut conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE kept (x TEXT); INSERT INTO kept VALUES ('stays');
             CREATE TABLE dropped (x TEXT);
             WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
             INSERT INTO dropped SELECT printf('%0500d', i) FROM n;
             DROP TABLE dropped;",
        )
        .unwrap();
        let size = || std::fs::metadata(&path).unwrap().len();
        let before = size();
        let seen = Arc::new(std::sync::Mutex::new(Vec::<UpgradeStep>::new()));
        let sink = Arc::clone(&seen);
        let report: UpgradeReport =
            Arc::new(move |s: &UpgradeStep| sink.lock().unwrap().push(s.clone()));

        // Less freed than the floor: left as it is, nothing said.
        reclaim(&mut conn, Some(&report), 2, i64::MAX).unwrap();
        assert_eq!(size(), before);
        assert!(seen.lock().unwrap().is_empty());

        reclaim(&mut conn, Some(&report), 2, 0).unwrap();
        conn.progress_handler(0, None::<fn() -> bool>).unwrap();
        assert!(size() * 4 < before, "{} of {before} bytes", size());
        let kept: String = conn
            .query_row("SELECT x FROM kept", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "stays");
        let seen = seen.lock().unwrap();
        assert_eq!((seen[0].step, seen[0].steps, seen[0].beats), (3, 3, 0));
        assert_eq!(seen[0].what, "Giving back the space the upgrade freed");
        drop(conn);
    }
}
