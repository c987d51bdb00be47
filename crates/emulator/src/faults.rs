//! Fault injection: a small text syntax naming a route, a failure kind and a rate, decided by a
//! seeded counter so a failing run can be replayed exactly.
//!
//! Syntax: comma-separated rules `ROUTE:KIND@RATE`, e.g. `utilization:503@0.1,invoices:malformed@0.05`.
//! - `ROUTE`: `customers`, `subscriptions`, `utilization`, `ratecard`, `invoices`, `lineitems`,
//!   `token`, `authorize`, `azurestack`, `stackadmin` (the Stack admin ARM),
//!   `exports`, `blobs`, `graph` (Microsoft Graph's partner-billing reports), `graphblobs` (the
//!   blobs of Graph's billing exports), or `*` for every route.
//! - `KIND`: `500`, `503`, `504`, `429`, `drop` (connection closed before a response),
//!   `truncate` (complete HTTP response whose JSON stops half-way), `malformed` (JSON with a
//!   syntax error), `expired-token` (401 as if the caller's token had just expired);
//!   for Graph: `failed-operation` (an export's operation ends failed, code 5000),
//!   `bad-line` (one JSON line inside a gzip blob is broken), `sas-expired` (the blob host
//!   answers 403 as for a SAS past its expiry). On `graph` routes the 429, status and
//!   expired-token faults answer Graph's error bodies.
//! - `RATE`: probability in `[0, 1]`, as a decimal (`1` = every request).
//!
//! The n-th request to a route fails iff a draw keyed by (seed, route, rule, n) falls under the
//! rate, so the same seed and the same request sequence give the same faults.
//!
//! An [`Omission`] is the other kind of misbehaviour: not a failed request but an odd item, as
//! older or special items are. Every answer whose path and query contain its text loses one key
//! from one item of its `items` (`{"items":[...]}` bodies), on every request, as data that
//! lacks the key would. Set with [`FaultPlan::omit`] (tests) or the rule
//! `omit:PATH_TEXT#INDEX.KEY` in the `--faults` text (no rate: it always applies), e.g.
//! `omit:invoicelineitemtype=usagelineitems#3.billingPreTaxTotal`.

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
    /// A Graph export's operation ends `failed` (code 5000).
    FailedOperation,
    /// One JSON line inside a gzip JSON Lines blob is broken.
    BadLine,
    /// The blob host answers 403 as for an expired SAS.
    SasExpired,
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
            "failed-operation" | "failed_operation" => FaultKind::FailedOperation,
            "bad-line" | "bad_line" => FaultKind::BadLine,
            "sas-expired" | "sas_expired" => FaultKind::SasExpired,
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

/// One key left out of one item of the answers whose path contains `path_contains`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omission {
    /// Text the path and query must contain (compared without regard to case).
    pub path_contains: String,
    /// Index of the item in the answer's `items`.
    pub index: usize,
    /// The key to leave out.
    pub key: String,
}

/// The set of fault rules of a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// Rules, tried in order.
    pub rules: Vec<FaultRule>,
    /// Keys left out of items (see [`Omission`]).
    pub omissions: Vec<Omission>,
}

impl FaultPlan {
    /// Parses the `--faults` syntax (empty text = no faults).
    pub fn parse(spec: &str) -> Result<FaultPlan, EmulatorError> {
        let mut plan = FaultPlan::default();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad = |reason: &str| EmulatorError::FaultSpec {
                spec: part.to_string(),
                reason: reason.to_string(),
            };
            if let Some(rest) = part.strip_prefix("omit:") {
                let (path, item) = rest
                    .rsplit_once('#')
                    .ok_or_else(|| bad("missing `#INDEX.KEY` after the path text"))?;
                let (index, key) = item
                    .split_once('.')
                    .ok_or_else(|| bad("missing `.KEY` after the index"))?;
                let index = index
                    .parse()
                    .map_err(|_| bad("the index is not a number"))?;
                plan = plan.omit(path, index, key);
                continue;
            }
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
            plan.rules.push(FaultRule {
                route: route.trim().to_ascii_lowercase(),
                kind,
                rate_ppm,
            });
        }
        Ok(plan)
    }

    /// This plan, and `key` left out of item `index` of every answer whose path and query
    /// contain `path_contains`.
    pub fn omit(mut self, path_contains: &str, index: usize, key: &str) -> FaultPlan {
        self.omissions.push(Omission {
            path_contains: path_contains.to_ascii_lowercase(),
            index,
            key: key.to_string(),
        });
        self
    }

    /// `body` with the keys the omissions matching `path_and_query` leave out, or `None`
    /// when none matches (or the body has no such item).
    pub fn omit_from(&self, path_and_query: &str, body: &[u8]) -> Option<Vec<u8>> {
        let path = path_and_query.to_ascii_lowercase();
        let matching: Vec<&Omission> = self
            .omissions
            .iter()
            .filter(|o| path.contains(&o.path_contains))
            .collect();
        if matching.is_empty() {
            return None;
        }
        let mut json: serde_json::Value = serde_json::from_slice(body).ok()?;
        let items = json.get_mut("items")?.as_array_mut()?;
        let mut changed = false;
        for o in matching {
            if let Some(item) = items.get_mut(o.index).and_then(|i| i.as_object_mut()) {
                changed |= item.remove(&o.key).is_some();
            }
        }
        changed.then(|| serde_json::to_vec(&json).unwrap_or_default())
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
    fn an_omission_leaves_one_key_out_of_one_item_of_matching_answers() {
        let plan = FaultPlan::parse("omit:usagelineitems#1.billingPreTaxTotal").unwrap();
        assert!(plan.rules.is_empty());
        let body = br#"{"totalCount":2,"items":[{"a":1,"billingPreTaxTotal":2},{"a":3,"billingPreTaxTotal":4}]}"#;
        let out = plan
            .omit_from(
                "/v1/invoices/G1/lineitems?provider=onetime&invoicelineitemtype=usagelineitems",
                body,
            )
            .expect("the path matches");
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            v["items"][0]["billingPreTaxTotal"], 2,
            "other items keep it"
        );
        assert!(
            v["items"][1].get("billingPreTaxTotal").is_none(),
            "item 1 loses it"
        );
        assert_eq!(v["items"][1]["a"], 3, "and keeps the rest");
        assert!(
            plan.omit_from("/v1/customers", body).is_none(),
            "other paths untouched"
        );
        assert!(FaultPlan::parse("omit:x#one.k").is_err());
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
