//! How long to wait before trying a failed call again. Partner Center asks for patience in two
//! ways: 429/204 with `Retry-After` (never call earlier), and 5xx/timeouts (exponential backoff
//! with jitter so many clients do not retry in lockstep). A throttled call waits the longer of
//! the two, so a 429 that names no wait still backs off further each time instead of hammering
//! at a flat pace. Both budgets are bounded so a call ends in [`crate::Error::Throttled`] or
//! [`crate::Error::Unavailable`] instead of hanging.

use std::time::Duration;

/// Retry budget of a [`crate::PartnerCenter`] client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts for 5xx, 408, timeouts and dropped connections (including the first).
    pub max_attempts: u32,
    /// First backoff; doubles per attempt.
    pub base_delay: Duration,
    /// Cap of one backoff.
    pub max_delay: Duration,
    /// Throttled (429) or not-ready (204) answers honoured before giving up.
    pub max_throttle_waits: u32,
    /// A `Retry-After` longer than this is not waited for: the call fails with `Throttled`.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_throttle_waits: 8,
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// Backoff before attempt `attempt + 1` after `attempt` failures, with `jitter` in `[0, 1)`
    /// scaling the delay between 50% and 100% ("equal jitter").
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        capped.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }

    /// Wait after a `Retry-After` of `retry_after`: at least that long (plus a little jitter so
    /// a whole fleet does not return in the same millisecond), or `None` when over the cap.
    pub fn honour_retry_after(&self, retry_after: Duration, jitter: f64) -> Option<Duration> {
        (retry_after <= self.max_retry_after)
            .then(|| retry_after + Duration::from_millis((jitter.clamp(0.0, 1.0) * 250.0) as u64))
    }
}

impl RetryPolicy {
    /// Wait before the `attempt`-th retry of a throttled (429) or not-ready (204) call: the
    /// longer of `Retry-After` (absent counts as zero) and the exponential backoff of
    /// `attempt`. `None` when the `Retry-After` is beyond [`RetryPolicy::max_retry_after`].
    pub fn throttle_wait(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        let floor = match retry_after {
            Some(asked) => self.honour_retry_after(asked, jitter)?,
            None => Duration::ZERO,
        };
        Some(floor.max(self.backoff(attempt, jitter)))
    }
}

/// Seconds of a `Retry-After` header (the HTTP-date form is not used by Partner Center).
pub(crate) fn parse_retry_after(value: Option<&str>) -> Option<Duration> {
    value?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_jitter_stays_within_half_to_full() {
        let p = RetryPolicy {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        assert_eq!(p.backoff(1, 1.0), Duration::from_secs(1));
        assert_eq!(
            p.backoff(2, 1.0),
            Duration::from_secs(2),
            "second retry waits twice as long"
        );
        assert_eq!(
            p.backoff(10, 1.0),
            Duration::from_secs(5),
            "never beyond max_delay"
        );
        assert_eq!(
            p.backoff(2, 0.0),
            Duration::from_secs(1),
            "jitter never goes below half"
        );
    }

    #[test]
    fn retry_after_is_a_floor_and_too_long_waits_are_refused() {
        let p = RetryPolicy::default();
        let wait = p.honour_retry_after(Duration::from_secs(30), 0.9).unwrap();
        assert!(
            wait >= Duration::from_secs(30),
            "must never call before Retry-After: {wait:?}"
        );
        assert_eq!(
            p.honour_retry_after(Duration::from_secs(3600), 0.0),
            None,
            "an hour is beyond the budget: fail with Throttled"
        );
        assert_eq!(
            p.throttle_wait(1, Some(Duration::from_secs(3600)), 0.0),
            None,
            "the throttle wait refuses the same over-long Retry-After"
        );
        assert_eq!(
            parse_retry_after(Some(" 57 ")),
            Some(Duration::from_secs(57))
        );
        assert_eq!(
            parse_retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            None
        );
    }

    #[test]
    fn a_throttle_without_retry_after_backs_off_exponentially_and_stays_bounded() {
        let p = RetryPolicy {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            ..RetryPolicy::default()
        };
        let waits: Vec<Duration> = (1..=5)
            .map(|attempt| p.throttle_wait(attempt, None, 1.0).unwrap())
            .collect();
        assert_eq!(
            waits,
            [1, 2, 4, 8, 8].map(Duration::from_secs),
            "no Retry-After: doubling per throttle up to max_delay, not a flat second"
        );
        assert_eq!(
            p.throttle_wait(1, Some(Duration::from_secs(30)), 0.0),
            Some(Duration::from_secs(30)),
            "a Retry-After longer than the backoff is the wait"
        );
        assert_eq!(
            p.throttle_wait(5, Some(Duration::from_secs(1)), 1.0),
            Some(Duration::from_secs(8)),
            "a short Retry-After does not cut the backoff of a fifth throttle"
        );
    }
}
