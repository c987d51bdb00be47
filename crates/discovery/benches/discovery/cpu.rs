//! CPU time of this process split by thread name (Linux `/proc`), so a run can say how much
//! of the machine went to the in-process emulator and how much to Discovery itself. Elsewhere
//! it reads nothing and the report says so.

use std::collections::HashMap;
use std::time::Duration;

/// CPU time per thread id at one moment, with each thread's name.
#[derive(Debug, Default, Clone)]
pub struct Snapshot {
    threads: HashMap<String, (String, Duration)>,
}

/// CPU spent between two snapshots.
#[derive(Debug, Clone, Copy, Default)]
pub struct Split {
    /// By threads whose name starts with the emulator's prefix.
    pub emulator: Duration,
    /// By every other thread (Discovery's runtime, its blocking pool, the main thread).
    pub ours: Duration,
    /// Whether `/proc` could be read at all.
    pub measured: bool,
}

fn thread_cpu(dir: &std::path::Path) -> Option<Duration> {
    // schedstat: nanoseconds on CPU first; stat: utime + stime in clock ticks (100 Hz).
    if let Ok(s) = std::fs::read_to_string(dir.join("schedstat")) {
        if let Some(ns) = s.split_whitespace().next().and_then(|n| n.parse().ok()) {
            return Some(Duration::from_nanos(ns));
        }
    }
    let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Reads every thread of this process.
pub fn snapshot() -> Snapshot {
    let mut threads = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc/self/task") else {
        return Snapshot { threads };
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        let name = std::fs::read_to_string(dir.join("comm"))
            .unwrap_or_default()
            .trim()
            .to_string();
        if let Some(cpu) = thread_cpu(&dir) {
            threads.insert(
                entry.file_name().to_string_lossy().into_owned(),
                (name, cpu),
            );
        }
    }
    Snapshot { threads }
}

/// CPU spent from `before` to `after`, split by `emulator_prefix`. Threads that ended in
/// between are lost, which is why the runtimes keep their threads alive.
pub fn split(before: &Snapshot, after: &Snapshot, emulator_prefix: &str) -> Split {
    let mut out = Split {
        measured: !after.threads.is_empty(),
        ..Split::default()
    };
    for (tid, (name, cpu)) in &after.threads {
        let start = before.threads.get(tid).map(|(_, c)| *c).unwrap_or_default();
        let spent = cpu.saturating_sub(start);
        if name.starts_with(emulator_prefix) {
            out.emulator += spent;
        } else {
            out.ours += spent;
        }
    }
    out
}

/// The 1-minute load average, where `/proc/loadavg` exists.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
