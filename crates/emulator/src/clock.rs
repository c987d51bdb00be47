//! The emulator's notion of "now". Billing periods, invoice dates, token expiry and rate-limit
//! refills all read this clock, so tests can jump across a month end or past a token's expiry
//! instead of waiting.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// A settable clock shared by every part of one running emulator.
///
/// A *frozen* clock only moves when told to; a *ticking* clock also follows wall time from the
/// last instant it was set, which is what an interactive sandbox wants.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Mutex<Anchor>>,
}

#[derive(Debug)]
struct Anchor {
    at: DateTime<Utc>,
    since: Instant,
    ticking: bool,
}

impl Clock {
    /// A clock that stays at `now` until [`Clock::set`] or [`Clock::advance`] is called.
    pub fn frozen(now: DateTime<Utc>) -> Self {
        Self::new(now, false)
    }

    /// A clock that starts at `now` and then follows wall time.
    pub fn ticking(now: DateTime<Utc>) -> Self {
        Self::new(now, true)
    }

    fn new(at: DateTime<Utc>, ticking: bool) -> Self {
        Clock {
            inner: Arc::new(Mutex::new(Anchor {
                at,
                since: Instant::now(),
                ticking,
            })),
        }
    }

    /// The current emulated instant.
    pub fn now(&self) -> DateTime<Utc> {
        let anchor = self.lock();
        if anchor.ticking {
            let elapsed = Duration::from_std(anchor.since.elapsed()).unwrap_or(Duration::zero());
            anchor.at + elapsed
        } else {
            anchor.at
        }
    }

    /// The current emulated UTC date.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    /// Jumps to `now` (forwards or backwards).
    pub fn set(&self, now: DateTime<Utc>) {
        let mut anchor = self.lock();
        anchor.at = now;
        anchor.since = Instant::now();
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let now = self.now();
        self.set(now + by);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Anchor> {
        // A poisoned clock only means a panicking test thread held it; the value is still valid.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let start = Utc.with_ymd_and_hms(2026, 4, 15, 10, 0, 0).unwrap();
        let clock = Clock::frozen(start);
        assert_eq!(
            clock.now(),
            start,
            "a frozen clock must not follow wall time"
        );
        clock.advance(Duration::hours(2));
        assert_eq!(
            clock.now(),
            start + Duration::hours(2),
            "advance must add exactly the duration"
        );
    }
}
