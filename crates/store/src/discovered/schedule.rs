//! When scheduled Discovery runs start: local wall-clock times, default 06:00 and 18:00.

use chrono::NaiveTime;
use rusqlite::{params, OptionalExtension};

use crate::error::{Error, Result};
use crate::Database;

/// The schedule as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Runs start by themselves while the app runs.
    pub enabled: bool,
    /// Local times, sorted, without duplicates.
    pub times: Vec<NaiveTime>,
}

/// Twice a day: before the working day and after it.
pub fn default_times() -> Vec<NaiveTime> {
    vec![
        NaiveTime::from_hms_opt(6, 0, 0).unwrap_or_default(),
        NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
    ]
}

/// Parses `HH:MM` times as typed; sorted and de-duplicated.
pub fn parse_times<S: AsRef<str>>(times: &[S]) -> Result<Vec<NaiveTime>> {
    let mut out = Vec::new();
    for t in times {
        let t = t.as_ref().trim();
        let parsed = NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| Error::Invalid {
            field: "times",
            message: format!("{t:?} is not a time of day: write it as HH:MM, e.g. 06:00 or 18:30"),
        })?;
        out.push(parsed);
    }
    if out.is_empty() {
        return Err(Error::Invalid {
            field: "times",
            message: "Give at least one time of day (HH:MM), or turn the schedule off".into(),
        });
    }
    if out.len() > 24 {
        return Err(Error::Invalid {
            field: "times",
            message: "At most 24 times a day: Partner Center throttles partners that poll more"
                .into(),
        });
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The stored schedule, or the default.
pub fn get(db: &Database) -> Result<Schedule> {
    let row: Option<(String, bool)> = db
        .conn()
        .query_row(
            "SELECT times, enabled FROM discovery_schedule WHERE singleton = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((times, enabled)) => {
            let list: Vec<&str> = times.split(',').filter(|t| !t.is_empty()).collect();
            Schedule {
                enabled,
                times: parse_times(&list).unwrap_or_else(|_| default_times()),
            }
        }
        None => Schedule {
            enabled: true,
            times: default_times(),
        },
    })
}

/// Stores the schedule.
pub fn set(db: &Database, schedule: &Schedule) -> Result<()> {
    let times: Vec<String> = schedule
        .times
        .iter()
        .map(|t| t.format("%H:%M").to_string())
        .collect();
    db.conn().execute(
        "INSERT INTO discovery_schedule (singleton, times, enabled) VALUES (1, ?1, ?2)
         ON CONFLICT (singleton) DO UPDATE SET times = excluded.times, enabled = excluded.enabled",
        params![times.join(","), schedule.enabled],
    )?;
    Ok(())
}
