//! When Discovery runs by itself: twice a day at configured local times (06:00 and 18:00 by
//! default), and at start-up when the last success is older than twelve hours, so a laptop
//! that was closed at 06:00 still catches up. Pure functions of the clock they are given; the
//! app's loop sleeps until [`next_run`] and never starts a run while one is in progress.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};

/// Default local times of the two daily runs.
pub fn default_times() -> Vec<NaiveTime> {
    vec![
        NaiveTime::from_hms_opt(6, 0, 0).expect("valid time"),
        NaiveTime::from_hms_opt(18, 0, 0).expect("valid time"),
    ]
}

/// How old the last success may be before start-up runs Discovery at once.
pub const STALE_AFTER: Duration = Duration::hours(12);

/// Whether the app should run Discovery as it starts.
pub fn due_at_startup(last_success: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_success.is_none_or(|t| now - t > STALE_AFTER)
}

/// The first configured local time strictly after `now`, in `now`'s time zone. A time that
/// does not exist that day (the hour skipped by daylight saving) runs at the first instant
/// after the gap; an ambiguous one (the hour repeated) runs at its first occurrence.
pub fn next_run<Tz: TimeZone>(times: &[NaiveTime], now: &DateTime<Tz>) -> Option<DateTime<Tz>> {
    let zone = now.timezone();
    let today = now.date_naive();
    (0..=2)
        .flat_map(|days| {
            let day = today + Duration::days(days);
            times.iter().map(move |t| day.and_time(*t))
        })
        .filter_map(|local| {
            zone.from_local_datetime(&local).earliest().or_else(|| {
                // Inside a DST gap: step forward a minute at a time to the first real instant.
                (1..=180).find_map(|m| {
                    zone.from_local_datetime(&(local + Duration::minutes(m)))
                        .earliest()
                })
            })
        })
        .filter(|at| at > now)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn at(h: u32, m: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 21, h, m, 0)
            .unwrap()
    }

    #[test]
    fn the_next_run_is_the_next_configured_local_time() {
        let times = default_times();
        assert_eq!(next_run(&times, &at(5, 59)), Some(at(6, 0)));
        assert_eq!(
            next_run(&times, &at(6, 0)),
            Some(at(18, 0)),
            "strictly after now: no double run at 06:00"
        );
        assert_eq!(
            next_run(&times, &at(18, 30)),
            Some(
                FixedOffset::east_opt(3600)
                    .unwrap()
                    .with_ymd_and_hms(2026, 11, 22, 6, 0, 0)
                    .unwrap()
            ),
            "after the evening run comes tomorrow morning"
        );
        assert_eq!(
            next_run(&[], &at(12, 0)),
            None,
            "no times configured: no automatic runs"
        );
    }

    #[test]
    fn daylight_saving_gaps_and_repeats_still_give_one_run() {
        use chrono_tz::Europe::Berlin;
        let two_thirty = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        // 29 March 2026: Berlin skips 02:00-03:00; the run happens at the first real instant.
        let before = Berlin.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        let run = next_run(&[two_thirty], &before).unwrap();
        assert_eq!(run, Berlin.with_ymd_and_hms(2026, 3, 29, 3, 0, 0).unwrap());
        // 25 October 2026: 02:30 happens twice; the run is at the first one only.
        let before = Berlin.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        let first = next_run(&[two_thirty], &before).unwrap();
        assert_eq!(
            first.naive_utc(),
            chrono::NaiveDate::from_ymd_opt(2026, 10, 25)
                .unwrap()
                .and_hms_opt(0, 30, 0)
                .unwrap()
        );
        let after_first = next_run(&[two_thirty], &first).unwrap();
        assert_eq!(
            after_first.date_naive(),
            chrono::NaiveDate::from_ymd_opt(2026, 10, 26).unwrap(),
            "the repeated hour does not run twice"
        );
    }

    #[test]
    fn start_up_catches_up_after_twelve_hours() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
        assert!(due_at_startup(None, now), "never succeeded: run now");
        assert!(!due_at_startup(Some(now - Duration::hours(12)), now));
        assert!(due_at_startup(
            Some(now - Duration::hours(12) - Duration::seconds(1)),
            now
        ));
    }
}
