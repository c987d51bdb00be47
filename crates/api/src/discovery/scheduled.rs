//! Which accounts the app's schedule starts a run for, decided from the clock it is given:
//! at start-up every signed-in account whose last success is older than twelve hours, and
//! afterwards every signed-in account when a configured local time has passed since the
//! previous check. Accounts already running (here or in another process) are skipped, so
//! runs never overlap.

use chrono::{DateTime, TimeZone, Utc};
use cspdesk_discovery::{lock as run_lock, schedule as timing};
use cspdesk_store::discovered::{runs, schedule};
use cspdesk_store::{accounts, Database};

use crate::discovery::runs::Hub;
use crate::shared::sign_in::{status, SignInStatus};
use crate::ApiError;

/// Accounts to start a scheduled run for at `now`; `previous` is the last check (None at
/// start-up). Times of day are read in `zone` (the workstation's local zone in the app).
pub fn due<Tz: TimeZone>(
    db: &Database,
    hub: &Hub,
    previous: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    zone: &Tz,
) -> Result<Vec<String>, ApiError> {
    // A database opened read-only is browsed, never refreshed.
    if db.is_read_only() {
        return Ok(Vec::new());
    }
    let sched = schedule::get(db)?;
    if !sched.enabled {
        return Ok(Vec::new());
    }
    let time_passed = previous.is_some_and(|prev| {
        timing::next_run(&sched.times, &prev.with_timezone(zone))
            .is_some_and(|next| next.with_timezone(&Utc) <= now)
    });
    let mut out = Vec::new();
    for account in accounts::list(db)? {
        if !matches!(status(db, &account.id, now)?, SignInStatus::SignedIn { .. }) {
            continue;
        }
        if hub.is_running(&account.id) || run_lock::is_running(db.path(), &account.id) {
            continue;
        }
        let due = match previous {
            None => timing::due_at_startup(runs::last_success(db, &account.id)?, now),
            Some(_) => time_passed,
        };
        if due {
            out.push(account.id);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, FixedOffset};
    use cspdesk_store::sign_in::{save_session, Session};

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, h, m, 0).unwrap()
    }

    fn setup() -> (tempfile::TempDir, Database, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("a.sqlite3")).unwrap();
        let signed = accounts::add(
            &db,
            "Signed",
            "0a1b2c3d-0000-4000-8000-000000000001",
            at(0, 0),
        )
        .unwrap()
        .id;
        let out = accounts::add(&db, "Out", "0a1b2c3d-0000-4000-8000-000000000002", at(0, 0))
            .unwrap()
            .id;
        save_session(
            &db,
            &signed,
            &Session {
                upn: "admin@contoso.example".into(),
                user_oid: "u".into(),
                tenant_id: "0a1b2c3d-0000-4000-8000-000000000001".into(),
                roles: vec!["62e90394-69f5-4237-9190-012177145e10".into()],
                mfa: true,
                consented_at: at(0, 0),
                last_refreshed_at: at(0, 0),
                rejected_at: None,
            },
        )
        .unwrap();
        (dir, db, signed, out)
    }

    #[test]
    fn start_up_catches_up_signed_in_accounts_then_the_configured_times_start_runs() {
        let (_dir, mut db, signed, _) = setup();
        let hub = Hub::new();
        let utc = Utc;
        assert_eq!(
            due(&db, &hub, None, at(9, 0), &utc).unwrap(),
            vec![signed.clone()],
            "never discovered: start-up runs it; the signed-out account is skipped"
        );
        let run = runs::start(&mut db, &signed, "scheduled", at(9, 0)).unwrap();
        runs::finish(
            &db,
            run.id,
            "completed",
            &Default::default(),
            None,
            at(9, 5),
        )
        .unwrap();
        assert!(
            due(&db, &hub, None, at(12, 0), &utc).unwrap().is_empty(),
            "a success 3 hours ago needs no catch-up"
        );
        assert!(
            due(&db, &hub, Some(at(17, 59)), at(18, 0), &utc)
                .unwrap()
                .contains(&signed),
            "18:00 has passed since the last check"
        );
        assert!(
            due(&db, &hub, Some(at(18, 0)), at(18, 1), &utc)
                .unwrap()
                .is_empty(),
            "and only once"
        );
        let paris = FixedOffset::east_opt(3600).unwrap();
        assert!(
            due(&db, &hub, Some(at(16, 59)), at(17, 0), &paris)
                .unwrap()
                .contains(&signed),
            "times are local: 18:00 in UTC+1 is 17:00 UTC"
        );
        schedule::set(
            &db,
            &schedule::Schedule {
                enabled: false,
                times: timing::default_times(),
            },
        )
        .unwrap();
        assert!(
            due(
                &db,
                &hub,
                Some(at(17, 59)),
                at(18, 0) + Duration::minutes(1),
                &utc
            )
            .unwrap()
            .is_empty(),
            "a disabled schedule starts nothing"
        );
    }
}
