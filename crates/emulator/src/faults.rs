//! Fault injection: a small text syntax naming a route, a failure kind and a rate, decided by a
//! seeded counter so a failing run can be replayed exactly.
//!
//! Syntax: comma-separated rules `ROUTE:KIND@RATE`, e.g. `utilization:503@0.1,invoices:malformed@0.05`.
//! - `ROUTE`: `customers`, `subscriptions`, `utilization`, `ratecard`, `invoices`, `lineitems`,
//!   `token`, `authorize`, `azurestack`, `stackadmin` (the Stack admin ARM),
//!   `exports`, `blobs`, or `*` for every route.
//! - `KIND`: `500`, `503`, `504`, `429`, `drop` (connection closed before a response),
//!   `truncate` (complete HTTP response whose JSON stops half-way), `malformed` (JSON with a
//!   syntax error), `expired-token` (401 as if the caller's token had just expired).
//! - `RATE`: probability in `[0, 1]`, as a decimal (`1` = every request).
//!
//! The n-th request to a route fails iff a draw keyed by (seed, route, rule, n) falls under the
//! rate, so the same seed and the same request sequence give the same faults.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::entropy::{fnv, tag, Draw};
use crate::error::EmulatorError;

/// One way a request can fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// HTTP status with a Partner Center error body (500, 503 or 504).
    Status(u16),
    /// 429 with Retry-After, as if throttled.
    Throttle,
    /// The connection is closed without a complete response.
    Drop,
    /// The JSON body is cut in half (the HTTP message itself is complete).
    Truncate,
    /// The JSON body has a syntax error.
    Malformed,
    /// 401 as if the access token had expired.
    ExpiredToken,
}

impl FromStr for FaultKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "500" => FaultKind::Status(500),
            "503" => FaultKind::Status(503),
            "504" => FaultKind::Status(504),
            "429" => FaultKind::Throttle,
            "drop" => FaultKind::Drop,
            "truncate" | "truncated" => FaultKind::Truncate,
            "malformed" => FaultKind::Malformed,
            "expired-token" | "expired_token" => FaultKind::ExpiredToken,
            other => return Err(format!("unknown fault kind `{other}`")),
        })
    }
}

/// A rule: fail `route` with `kind` at `rate_ppm` parts per million.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultRule {
    /// Route name or `*`.
    pub route: String,
    /// Failure kind.
    pub kind: FaultKind,
    /// Rate in parts per million.
    pub rate_ppm: u64,
}

/// The set of fault rules of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// Rules, tried in order.
    pub rules: Vec<FaultRule>,
}

impl FaultPlan {
    /// Parses the `--faults` syntax (empty text = no faults).
    pub fn parse(spec: &str) -> Result<FaultPlan, EmulatorError> {
        let mut rules = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = |reason: &str| EmulatorError::FaultSpec {
                spec: part.to_string(),
                reason: reason.to_string(),
            };
            let (route, rest) = part
                .split_once(':')
                .ok_or_else(|| bad("missing `:` between route and kind"))?;
            let (kind, rate) = rest.split_once('@').ok_or_else(|| bad("missing `@RATE`"))?;
            let kind = FaultKind::from_str(kind).map_err(|e| bad(&e))?;
            let rate =
                Decimal::from_str(rate.trim()).map_err(|_| bad("rate is not a decimal number"))?;
            if rate < Decimal::ZERO || rate > Decimal::ONE {
                return Err(bad("rate must be between 0 and 1"));
            }
            let rate_ppm = (rate * Decimal::from(1_000_000u32))
                .trunc()
                .to_string()
                .parse::<u64>()
                .map_err(|_| bad("rate"))?;
            rules.push(FaultRule {
                route: route.trim().to_ascii_lowercase(),
                kind,
                rate_ppm,
            });
        }
        Ok(FaultPlan { rules })
    }

    /// The fault (if any) for the `counter`-th request to `route`.
    pub fn decide(&self, seed: u64, route: &str, counter: u64) -> Option<FaultKind> {
        self.rules.iter().enumerate().find_map(|(i, rule)| {
            if rule.route != "*" && rule.route != route {
                return None;
            }
            let roll =
                Draw::new(seed, &[tag::FAULT, fnv(route), i as u64, counter]).below(1_000_000);
            (roll < rule.rate_ppm).then_some(rule.kind)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let plan = FaultPlan::parse("utilization:503@0.1, invoices:malformed@0.05").unwrap();
        assert_eq!(plan.rules.len(), 2);
        assert_eq!(
            plan.rules[0],
            FaultRule {
                route: "utilization".into(),
                kind: FaultKind::Status(503),
                rate_ppm: 100_000
            }
        );
        assert_eq!(plan.rules[1].kind, FaultKind::Malformed);
        assert!(
            FaultPlan::parse("utilization:418@0.1").is_err(),
            "unknown kinds must be rejected"
        );
        assert!(
            FaultPlan::parse("utilization:503@2").is_err(),
            "rates above 1 must be rejected"
        );
    }

    #[test]
    fn decisions_are_deterministic_and_near_the_rate() {
        let plan = FaultPlan::parse("utilization:500@0.25").unwrap();
        let a: Vec<bool> = (0..4000)
            .map(|n| plan.decide(9, "utilization", n).is_some())
            .collect();
        let b: Vec<bool> = (0..4000)
            .map(|n| plan.decide(9, "utilization", n).is_some())
            .collect();
        assert_eq!(a, b, "same seed and counter must give the same decision");
        let hits = a.iter().filter(|x| **x).count();
        assert!(
            (800..1200).contains(&hits),
            "25% of 4000 ≈ 1000, got {hits}"
        );
        assert_eq!(
            (0..100)
                .filter(|n| plan.decide(9, "customers", *n).is_some())
                .count(),
            0
        );
    }
}
