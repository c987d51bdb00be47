//! What a run read through Microsoft Graph's billing exports, and the floor that puts on its
//! wall time: Microsoft prepares an export before anything can be downloaded (the emulator's
//! operation stays `running` for its preparation delay), and every blob byte has to come
//! through the partner's link to Azure Storage at some bandwidth. Exports are prepared side
//! by side, so the floor counts the delay once: preparation + blob bytes / bandwidth.

use std::path::Path;
use std::time::Duration;

use anyhow::Result;

/// The Graph side of one run.
#[derive(Debug, Clone, Default)]
pub struct GraphFigures {
    /// Exports stored with a data version or as "no data".
    pub exports: u64,
    /// Blobs the stored versions were read from.
    pub blobs: u64,
    /// Usage and reconciliation rows the stored versions hold.
    pub rows: u64,
    /// Compressed bytes of every blob the emulator wrote for the run.
    pub blob_bytes: u64,
    /// How long each export operation stayed `running`.
    pub preparation: Duration,
    /// The link speed the floor assumes, bytes per second.
    pub bandwidth: f64,
}

impl GraphFigures {
    /// preparation + blob bytes / bandwidth.
    pub fn floor(&self) -> Duration {
        self.preparation + Duration::from_secs_f64(self.blob_bytes as f64 / self.bandwidth)
    }
}

/// Bytes of every `*.json.gz` under `dir` (the emulator's blob host writes nothing else so named).
fn gz_bytes(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let path = e.path();
            match e.file_type() {
                Ok(t) if t.is_dir() => gz_bytes(&path),
                Ok(_) if path.to_string_lossy().ends_with(".json.gz") => {
                    e.metadata().map_or(0, |m| m.len())
                }
                _ => 0,
            }
        })
        .sum()
}

/// The figures of the run that left `db` and the emulator's blobs under `blob_dir`.
pub fn measure(
    db: &Path,
    blob_dir: &Path,
    preparation: Duration,
    bandwidth: f64,
) -> Result<GraphFigures> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let (exports, blobs, rows) = conn.query_row(
        "SELECT count(*), coalesce(sum(blobs), 0), coalesce(sum(rows), 0) FROM graph_exports",
        [],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        },
    )?;
    Ok(GraphFigures {
        exports: exports as u64,
        blobs: blobs as u64,
        rows: rows as u64,
        blob_bytes: gz_bytes(blob_dir),
        preparation,
        bandwidth,
    })
}

/// Peak and current resident memory of this process (`VmHWM`, `VmRSS`, bytes), Linux only.
pub fn memory() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}
