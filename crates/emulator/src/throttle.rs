//! Per-route token buckets keyed per partner or per partner+customer, answering 429 with
//! Retry-After like Partner Center. Buckets refill on the emulated clock, so a test can
//! exhaust a bucket and then advance time instead of sleeping.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// What a bucket is keyed by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThrottleScope {
    /// One bucket per partner tenant.
    Partner,
    /// One bucket per partner tenant and customer tenant.
    PartnerCustomer,
}

/// A limit for one route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Route name (see [`crate::faults`] for names).
    pub route: String,
    /// Bucket key.
    pub scope: ThrottleScope,
    /// Requests per minute; also the burst size.
    pub per_minute: u64,
}

/// All rate limits of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Limits, first match wins.
    pub limits: Vec<RateLimit>,
}

impl Default for RateLimits {
    /// Documented limits: 500 requests/minute per tenant for the Customer and Subscription resources.
    fn default() -> Self {
        RateLimits {
            limits: vec![
                RateLimit {
                    route: "customers".into(),
                    scope: ThrottleScope::Partner,
                    per_minute: 500,
                },
                RateLimit {
                    route: "subscriptions".into(),
                    scope: ThrottleScope::PartnerCustomer,
                    per_minute: 500,
                },
            ],
        }
    }
}

impl RateLimits {
    /// No limits at all.
    pub fn none() -> Self {
        RateLimits { limits: Vec::new() }
    }

    /// Adds or replaces the limit of `route`.
    pub fn with(mut self, route: &str, scope: ThrottleScope, per_minute: u64) -> Self {
        self.limits.retain(|l| l.route != route);
        self.limits.push(RateLimit {
            route: route.to_string(),
            scope,
            per_minute,
        });
        self
    }
}

/// Live buckets of a running emulator.
#[derive(Debug, Default)]
pub(crate) struct Buckets {
    state: Mutex<HashMap<(String, String), (u64, i64)>>,
}

impl Buckets {
    /// Takes one token; `Err(retry_after_secs)` when the bucket is empty.
    pub(crate) fn take(
        &self,
        limits: &RateLimits,
        route: &str,
        partner: &str,
        customer: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), u64> {
        let Some(limit) = limits.limits.iter().find(|l| l.route == route) else {
            return Ok(());
        };
        if limit.per_minute == 0 {
            return Err(60);
        }
        let key = match (limit.scope, customer) {
            (ThrottleScope::PartnerCustomer, Some(c)) => {
                format!("{partner}/{}", c.to_ascii_lowercase())
            }
            _ => partner.to_string(),
        };
        let capacity = limit.per_minute * 1000;
        let now_ms = now.timestamp_millis();
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (milli, at) = state
            .entry((route.to_string(), key))
            .or_insert((capacity, now_ms));
        let elapsed = (now_ms - *at).max(0) as u64;
        // Refill in thousandths of a token: per_minute tokens per 60,000 ms.
        *milli = (*milli + elapsed * limit.per_minute / 60).min(capacity);
        *at = now_ms;
        if *milli >= 1000 {
            *milli -= 1000;
            Ok(())
        } else {
            let wait_ms = (1000 - *milli) * 60 / limit.per_minute;
            Err(wait_ms.div_ceil(1000).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    #[test]
    fn bucket_empties_then_refills_on_the_emulated_clock() {
        let limits = RateLimits::none().with("customers", ThrottleScope::Partner, 3);
        let buckets = Buckets::default();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        for i in 0..3 {
            assert!(
                buckets.take(&limits, "customers", "p", None, t0).is_ok(),
                "burst request {i} fits the bucket"
            );
        }
        let retry = buckets
            .take(&limits, "customers", "p", None, t0)
            .unwrap_err();
        assert_eq!(retry, 20, "3/min refills one token every 20 s");
        assert!(
            buckets
                .take(&limits, "customers", "p", None, t0 + Duration::seconds(20))
                .is_ok(),
            "refilled after Retry-After"
        );
    }

    #[test]
    fn partner_customer_scope_keeps_customers_apart() {
        let limits = RateLimits::none().with("subscriptions", ThrottleScope::PartnerCustomer, 1);
        let buckets = Buckets::default();
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(buckets
            .take(&limits, "subscriptions", "p", Some("a"), t0)
            .is_ok());
        assert!(
            buckets
                .take(&limits, "subscriptions", "p", Some("a"), t0)
                .is_err(),
            "customer a is exhausted"
        );
        assert!(
            buckets
                .take(&limits, "subscriptions", "p", Some("b"), t0)
                .is_ok(),
            "customer b has its own bucket"
        );
    }
}
