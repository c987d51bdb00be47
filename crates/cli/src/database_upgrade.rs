//! A database an older CSP Desk wrote is upgraded before a command runs, with its progress on
//! standard error: a large upgrade takes minutes (migration 0019 converts preset L's 10M
//! usage rows in about 80 s), and a terminal that says nothing for that long looks hung. The
//! window shows the same steps (`DatabaseUpgrade`).

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use cspdesk_store::{Database, UpgradeReport, UpgradeStep};

/// How often a running step says it is still working.
const EVERY: Duration = Duration::from_secs(5);

/// Upgrades the database `explicit` (else `CSPDESK_DB`, else the default) names when an
/// older CSP Desk wrote it, telling `out` each step as it starts and, every few seconds,
/// that it is still running. Nothing is written when there is nothing to upgrade.
pub fn upgrade_first(explicit: Option<&Path>, out: Box<dyn Write + Send>) -> Result<()> {
    let path = Database::resolve_path(explicit)?;
    let Some(from) = Database::pending_upgrade(&path)
        .with_context(|| format!("reading the database {}", path.display()))?
    else {
        return Ok(());
    };
    // An empty file is a new database, made in a moment: nothing to announce.
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == 0) {
        return Ok(());
    }
    let began = Instant::now();
    let out = Arc::new(Mutex::new(out));
    let said = Arc::clone(&out);
    let last = Mutex::new((0usize, began));
    let report: UpgradeReport = Arc::new(move |s: &UpgradeStep| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let new_step = last.0 != s.step;
        if !new_step && now.duration_since(last.1) < EVERY {
            return;
        }
        *last = (s.step, now);
        let mut out = said.lock().unwrap_or_else(|e| e.into_inner());
        let elapsed = now.duration_since(began).as_secs();
        let _ = if new_step {
            writeln!(
                out,
                "upgrading the database: step {} of {}, {} ({elapsed} s)",
                s.step, s.steps, s.what
            )
        } else {
            writeln!(
                out,
                "upgrading the database: step {} of {} still running ({elapsed} s)",
                s.step, s.steps
            )
        };
    });
    {
        let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
        writeln!(
            out,
            "upgrading the database {} from schema {from}: do not stop it; stopped, it starts \
             again from the last whole step",
            path.display()
        )?;
    }
    Database::open_reporting(&path, report)
        .with_context(|| format!("upgrading the database {}", path.display()))?;
    let mut out = out.lock().unwrap_or_else(|e| e.into_inner());
    writeln!(
        out,
        "database upgraded in {:.1} s",
        began.elapsed().as_secs_f64()
    )?;
    Ok(())
}
