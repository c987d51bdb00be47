//! Append-only schema migrations embedded in the binary and tracked by
//! `PRAGMA user_version`. A shipped migration is never edited: add a new file.

use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// SQLite virtual machine instructions between two progress beats of a running migration:
/// often enough for a window to show it is moving, rarely enough to cost nothing (tests beat
/// more often, so a small database beats too).
const BEAT_OPS: i32 = if cfg!(test) { 1_000 } else { 1_000_000 };

/// Where an upgrade of an existing database stands: which of its migrations runs, and a
/// count that moves while it works. SQLite runs a migration's SQL as one batch, so there is
/// no row count to report; the beats are SQLite's own progress callbacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpgradeStep {
    /// Which migration of this upgrade runs, from 1.
    pub step: usize,
    /// How many migrations this upgrade applies.
    pub steps: usize,
    /// The schema version the step brings the file to.
    pub version: i64,
    /// What the step does, in words (its file's first comment line).
    pub what: String,
    /// Progress callbacks SQLite made during this step so far.
    pub beats: u64,
}

/// Told of each step as it starts and at each beat; called on the upgrading thread.
pub type UpgradeReport = Arc<dyn Fn(&UpgradeStep) + Send + Sync>;

/// What a migration does: the first line of its leading comment, up to its first colon,
/// full stop or parenthesis.
pub(crate) fn what(sql: &str) -> String {
    let line = sql.lines().next().unwrap_or_default();
    let line = line.trim_start_matches('-').trim();
    line.split([':', '.', '('])
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches(',')
        .to_string()
}

/// The schema version of the file at `path` when opening it would upgrade it (an existing
/// file an older CSP Desk wrote), else `None`: no file yet (creating one takes a moment),
/// already current, or newer (opening it says so).
pub(crate) fn pending(path: &Path) -> Result<Option<i64>> {
    if !path.exists() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((found < LATEST).then_some(found))
}

/// Every migration in order; the schema version is the number applied.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_partner_accounts.sql"),
    include_str!("migrations/0002_account_sign_in.sql"),
    include_str!("migrations/0003_session_rejected.sql"),
    include_str!("migrations/0004_discovery.sql"),
    include_str!("migrations/0005_rating.sql"),
    include_str!("migrations/0006_markups.sql"),
    include_str!("migrations/0007_price_sheets.sql"),
    include_str!("migrations/0008_billing.sql"),
    include_str!("migrations/0009_azure_stack.sql"),
    include_str!("migrations/0010_cost_exports.sql"),
    include_str!("migrations/0011_stack_usage.sql"),
    include_str!("migrations/0012_import_runs.sql"),
    include_str!("migrations/0013_partner_earned_credit_rate.sql"),
    include_str!("migrations/0014_set_aside_items.sql"),
    include_str!("migrations/0015_invoice_amendments.sql"),
    include_str!("migrations/0016_graph_billing_exports.sql"),
    include_str!("migrations/0017_pricing_sheets.sql"),
    include_str!("migrations/0018_pricing_base.sql"),
    include_str!("migrations/0019_compact_daily_usage.sql"),
    include_str!("migrations/0020_line_terms.sql"),
    include_str!("migrations/0021_input_versions.sql"),
    include_str!("migrations/0022_rated_month_sums.sql"),
    include_str!("migrations/0023_charge_start_index.sql"),
    include_str!("migrations/0024_rated_lines_clustered.sql"),
    include_str!("migrations/0025_scaled_usage_decimals.sql"),
];

/// The newest schema version this build understands.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database up to [`LATEST`], each migration in its own transaction with the
/// version bump, so a crash leaves the file at a whole version.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    report: Option<&UpgradeReport>,
) -> Result<()> {
    let current = check_readable(conn, path)?;
    // The SQL functions a migration's SQL calls (0025 converts stored decimals in Rust).
    crate::usage_decimal::register(conn)?;
    let steps = MIGRATIONS.len().saturating_sub(current as usize);
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        if let Some(report) = report {
            let step = UpgradeStep {
                step: index + 1 - current as usize,
                steps,
                version: index as i64 + 1,
                what: what(sql),
                beats: 0,
            };
            announce(conn, report, step)?;
        }
        // Immediate, and the version read again inside: another process (a second window,
        // the CLI) that applied this step meanwhile is seen, not applied over.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found <= index as i64 {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
        }
        tx.commit()?;
    }
    if steps > 0 {
        crate::reclaim::reclaim(conn, report, steps, crate::reclaim::RECLAIM_BYTES)?;
    }
    if report.is_some() {
        conn.progress_handler(0, None::<fn() -> bool>)?;
    }
    Ok(())
}

/// Tells `report` that `step` starts, then beats while SQLite works on it.
pub(crate) fn announce(
    conn: &mut Connection,
    report: &UpgradeReport,
    mut step: UpgradeStep,
) -> Result<()> {
    report(&step);
    let report = Arc::clone(report);
    conn.progress_handler(
        BEAT_OPS,
        Some(move || {
            step.beats += 1;
            report(&step);
            false
        }),
    )?;
    Ok(())
}

/// Brings a fresh database to exactly `version`, as a file written by an older build: tests
/// of a migration start from the schema before it, whatever came after.
#[cfg(test)]
pub(crate) fn migrate_to(conn: &mut Connection, version: usize) -> Result<()> {
    crate::usage_decimal::register(conn)?;
    for (index, sql) in MIGRATIONS.iter().enumerate().take(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version just before the migration whose SQL contains `marker`: tests find a
/// migration by what it does, whatever its number becomes.
#[cfg(test)]
pub(crate) fn version_before(marker: &str) -> usize {
    MIGRATIONS
        .iter()
        .position(|m| m.contains(marker))
        .expect("a migration with the marker")
}

/// The SQL of the migration that brings the file to `version`.
#[cfg(test)]
pub(crate) fn sql_of(version: usize) -> &'static str {
    MIGRATIONS[version - 1]
}

/// Returns the file's schema version, refusing one newer than this build.
pub(crate) fn check_readable(conn: &Connection, path: &Path) -> Result<i64> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > LATEST {
        return Err(Error::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: LATEST,
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Database;

    #[test]
    fn every_migration_says_what_it_does_in_a_few_words() {
        for sql in MIGRATIONS {
            let what = what(sql);
            assert!(
                (4..=100).contains(&what.len()),
                "{what:?} is the first comment line of {}",
                &sql[..60.min(sql.len())]
            );
        }
        assert_eq!(
            what(MIGRATIONS[0]),
            "Partner accounts",
            "up to the colon of the first line"
        );
        assert_eq!(
            what("-- Daily rated usage stored compactly (issue 19): what repeats\n"),
            "Daily rated usage stored compactly"
        );
    }

    #[test]
    fn an_upgrade_reports_each_step_it_applies_and_beats_while_one_works() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite3");
        // From just before the compact usage migration, with usage for it to convert.
        let from = MIGRATIONS
            .iter()
            .position(|m| m.contains("CREATE TABLE daily_usage_facts"))
            .unwrap();
        {
            let mut conn = Connection::open(&path).unwrap();
            migrate_to(&mut conn, from).unwrap();
            conn.execute_batch(
                "INSERT INTO partner_accounts (id, name, tenant_id, created_at)
                     VALUES ('a1', 'Contoso', '0a1b2c3d-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z');
                 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
                 INSERT INTO daily_usage (account_id, source, customer_id, subscription_id, entitlement_id,
                     usage_date, meter_id, quantity, unit_price, effective_unit_price, billing_pre_tax_total,
                     billing_currency, partner_earned_credit_rate)
                 SELECT 'a1', 'G1', 'c', 'p', 'e', '2026-01-01', 'm' || (i % 7), i, '1', '1', i, 'USD', '0'
                 FROM n;",
            )
            .unwrap();
        }
        assert_eq!(pending(&path).unwrap(), Some(from as i64));
        assert_eq!(pending(&dir.path().join("none.sqlite3")).unwrap(), None);
        let seen = Arc::new(std::sync::Mutex::new(Vec::<UpgradeStep>::new()));
        let sink = Arc::clone(&seen);
        let report: UpgradeReport =
            Arc::new(move |s: &UpgradeStep| sink.lock().unwrap().push(s.clone()));
        let db = Database::open_reporting(&path, report).unwrap();
        assert_eq!(db.schema_version().unwrap(), LATEST);
        assert_eq!(pending(&path).unwrap(), None, "upgraded: nothing pending");
        let count: i64 = db
            .conn()
            .query_row("SELECT count(*) FROM daily_usage_facts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 500, "the upgrade converted the usage");
        let seen = seen.lock().unwrap();
        let steps = LATEST as usize - from;
        let starts: Vec<_> = seen.iter().filter(|s| s.beats == 0).collect();
        assert_eq!(
            starts
                .iter()
                .map(|s| (s.step, s.steps, s.version))
                .collect::<Vec<_>>(),
            (1..=steps)
                .map(|k| (k, steps, (from + k) as i64))
                .collect::<Vec<_>>(),
            "each migration applied is announced once, in order"
        );
        assert_eq!(starts[0].what, what(MIGRATIONS[from]));
        let beats: Vec<u64> = seen
            .iter()
            .filter(|s| s.step == 1)
            .map(|s| s.beats)
            .collect();
        assert!(
            beats.len() > 1,
            "the conversion beat while it worked: {beats:?}"
        );
        assert!(
            beats.windows(2).all(|w| w[1] == w[0] + 1),
            "a step's beats count up one at a time: {beats:?}"
        );
    }

    #[test]
    fn fresh_database_reaches_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        assert_eq!(db.schema_version().unwrap(), LATEST);
    }

    #[test]
    fn reopening_does_not_reapply_migrations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.sqlite3");
        drop(Database::open(&path).unwrap());
        // A second open would fail on CREATE TABLE if migrations ran twice.
        let db = Database::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), LATEST);
    }

    #[test]
    fn a_version_one_database_keeps_its_accounts_when_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute(
                "INSERT INTO partner_accounts VALUES ('a1', 'Contoso', '0a1b2c3d-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z')",
                [],
            )
            .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
        }
        let db = Database::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), LATEST);
        let (name, authority): (String, String) = db
            .conn()
            .query_row(
                "SELECT name, authority FROM partner_accounts WHERE id = 'a1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(name, "Contoso");
        assert_eq!(
            authority, "https://login.microsoftonline.com",
            "new columns get Microsoft's defaults"
        );
    }

    #[test]
    fn partner_earned_credit_flags_become_rates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("before.sqlite3");
        // The version just before the migration that turns the flag into a rate.
        let before = MIGRATIONS
            .iter()
            .position(|m| m.contains("ADD COLUMN partner_earned_credit_rate"))
            .unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..before] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO partner_accounts (id, name, tenant_id, created_at)
                     VALUES ('a1', 'Contoso', '0a1b2c3d-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z');
                 INSERT INTO daily_usage (account_id, source, customer_id, subscription_id, entitlement_id,
                     usage_date, meter_id, quantity, unit_price, effective_unit_price, billing_pre_tax_total,
                     billing_currency, has_partner_earned_credit)
                 VALUES ('a1', 'G1', 'c', 'p', 'e', '2026-01-01', 'flag-on', '1', '1', '0.85', '0.85', 'USD', 1),
                        ('a1', 'G1', 'c', 'p', 'e', '2026-01-01', 'flag-off', '1', '1', '1', '1', 'USD', 0),
                        ('a1', 'G1', 'c', 'p', 'e', '2026-01-01', 'no-flag-85', '1', '0.02', '0.017', '0.01', 'USD', NULL),
                        ('a1', 'G1', 'c', 'p', 'e', '2026-01-01', 'no-flag-full', '1', '0.02', '0.02', '0.02', 'USD', NULL),
                        ('a1', 'G1', 'c', 'p', 'e', '2026-01-01', 'no-flag-no-price', '1', NULL, '0.5', '0.5', 'USD', NULL);",
            )
            .unwrap();
            conn.pragma_update(None, "user_version", before as i64)
                .unwrap();
        }
        let db = Database::open(&path).unwrap();
        let rates: Vec<(String, String)> = db
            .conn()
            .prepare(
                "SELECT m.meter_id, t.partner_earned_credit_rate FROM daily_usage_facts f
                 JOIN usage_meters m ON m.id = f.meter_id JOIN usage_terms t ON t.id = f.terms_id
                 ORDER BY f.ordinal",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let expected = [
            ("flag-on", "0.15"),
            ("flag-off", "0"),
            ("no-flag-85", "0.15"),
            ("no-flag-full", "0"),
            ("no-flag-no-price", "0"),
        ];
        assert_eq!(
            rates,
            expected
                .map(|(m, r)| (m.to_string(), r.to_string()))
                .to_vec(),
            "a flag becomes its rate; without one, a price 85 % of the list price says 15 %"
        );
        let flag: rusqlite::Result<i64> = db.conn().query_row(
            "SELECT count(has_partner_earned_credit) FROM daily_usage",
            [],
            |r| r.get(0),
        );
        assert!(flag.is_err(), "the invented flag is gone");
    }

    #[test]
    fn daily_usage_converts_in_place_to_the_compact_tables_and_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("before-0019.sqlite3");
        let compact = MIGRATIONS
            .iter()
            .position(|m| m.contains("CREATE TABLE daily_usage_facts"))
            .unwrap();
        let mut conn = Connection::open(&path).unwrap();
        migrate_to(&mut conn, compact).unwrap();
        // Two records with one subject, day, meter and resource (charge types differ), one
        // without a resource or unit price, an unbilled source, and a row an interrupted
        // Graph download left staged.
        conn.execute_batch(
            "INSERT INTO partner_accounts (id, name, tenant_id, created_at)
                 VALUES ('a1', 'Contoso', '0a1b2c3d-0000-4000-8000-000000000001', '2026-01-01T00:00:00Z');
             INSERT INTO daily_usage (account_id, source, customer_id, invoice_number, subscription_id,
                 entitlement_id, usage_date, meter_id, meter_name, meter_category, meter_region,
                 resource_uri, unit_of_measure, charge_type, quantity, unit_price,
                 effective_unit_price, billing_pre_tax_total, billing_currency,
                 pricing_pre_tax_total, pricing_currency, pc_to_bc_exchange_rate,
                 partner_earned_credit_rate)
             VALUES ('a1', 'G1', 'c1', 'G1', 'p1', 'e1', '2026-10-01', 'm1', 'D2s v3', 'Virtual Machines',
                     'US East', '/r/vm1', '1 Hour', 'new', '24', '0.096', '0.0816', '1.95', 'EUR',
                     '1.95', 'USD', '0.91', '0.15'),
                    ('a1', 'G1', 'c1', 'G1', 'p1', 'e1', '2026-10-01', 'm1', 'D2s v3', 'Virtual Machines',
                     'US East', '/r/vm1', '1 Hour', 'refund', '-2.50', '0.096', '0.0816', '-0.20', 'EUR',
                     '-0.20', 'USD', '0.91', '0.15'),
                    ('a1', 'G1', 'c2', 'G1', 'p2', 'e2', '2026-10-31', 'm2', NULL, NULL, NULL, NULL,
                     NULL, NULL, '0.000001', NULL, '0', '0.00', 'EUR', NULL, NULL, NULL, '0'),
                    ('a1', 'unbilled:2026-11:EUR', 'c1', NULL, 'p1', 'e1', '2026-11-02', 'm1', 'D2s v3',
                     'Virtual Machines', 'US East', '/r/vm1', '1 Hour', 'new', '1.5', '0.096',
                     '0.0816', '0.12', 'EUR', '0.12', 'USD', '0.91', '0.15');
             INSERT INTO graph_staged_usage (account_id, export_key, customer_id, subscription_id,
                 entitlement_id, usage_date, meter_id, quantity, effective_unit_price,
                 billing_pre_tax_total, billing_currency, partner_earned_credit_rate)
             VALUES ('a1', 'graph/billedUsage/G2', 'c1', 'p1', 'e1', '2026-12-01', 'm1', '9', '1', '9', 'EUR', '0');",
        )
        .unwrap();
        conn.pragma_update(None, "user_version", compact as i64)
            .unwrap();
        drop(conn);
        let view =
            |db: &Database| crate::discovered::dump_tables(db, &["daily_usage"], &[]).unwrap();
        let before = view(&Database::open_read_only(&path).unwrap());

        // Killed half-way: the migration's transaction never commits, so the file is still
        // at the version before, rows untouched, and the next open converts from the start.
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            tx.execute_batch(MIGRATIONS[compact]).unwrap();
            drop(tx);
            let version: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, compact as i64);
        }
        assert_eq!(view(&Database::open_read_only(&path).unwrap()), before);

        let db = Database::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), LATEST);
        assert!(before.contains("## daily_usage (4 rows)"), "{before}");
        assert_eq!(view(&db), before, "every row reads back as stored before");
        let (facts, meters, staged): (i64, i64, i64) = db
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM daily_usage_facts), (SELECT count(*) FROM usage_meters),
                        (SELECT count(*) FROM sqlite_master WHERE name = 'graph_staged_usage')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((facts, meters, staged), (4, 2, 0));

        // 0021 seeds a version for every customer-period held, so the first rate after the
        // upgrade finds them without a scan (G1's invoice is not stored: no invoice side).
        let seeded: Vec<(String, String, String, i64)> = db
            .conn()
            .prepare(
                "SELECT period, customer_id, kind, version FROM input_versions ORDER BY 1, 2, 3",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let row = |p: &str, c: &str, k: &str| (p.to_string(), c.to_string(), k.to_string(), 1);
        assert_eq!(
            seeded,
            [
                row("2026-10", "c1", "usage"),
                row("2026-10", "c2", "usage"),
                row("2026-11", "c1", "invoice"),
                row("2026-11", "c1", "usage"),
            ]
        );
    }

    #[test]
    fn newer_database_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE future_stuff (x TEXT); INSERT INTO future_stuff VALUES ('keep me');",
            )
            .unwrap();
            conn.pragma_update(None, "user_version", LATEST + 7)
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Database::open(&path).unwrap_err();
        match &err {
            Error::NewerSchema {
                found, supported, ..
            } => {
                assert_eq!(*found, LATEST + 7);
                assert_eq!(*supported, LATEST);
            }
            other => panic!("expected NewerSchema, got {other:?}"),
        }
        assert!(err.to_string().contains("newer version of CSP Desk"));
        let conn = Connection::open(&path).unwrap();
        let kept: String = conn
            .query_row("SELECT x FROM future_stuff", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "keep me");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            version,
            LATEST + 7,
            "the newer file's version must not be rewritten"
        );
        drop(conn);
        assert_eq!(std::fs::read(&path).unwrap().len(), before.len());
    }
}
