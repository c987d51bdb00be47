//! An Azure Stack Hub's usage as its operator reads it from the Stack's own admin ARM
//! (reference §9.1): `Microsoft.Commerce.Admin/subscriberUsageAggregates` per user subscription,
//! meter and period, and `Microsoft.Subscriptions.Admin/subscriptions`, which names the tenant
//! behind each user subscription (what attribution to a customer needs). The window is checked
//! before calling (hour boundary, midnight for daily, end before `now`), because the Stack
//! refuses anything else; its documented refusals become [`UsageRefusal`] with a remedy.

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Timelike, Utc};
use reqwest::Method;
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::arm::{Arm, ArmFailure};
use crate::error::{Error, Result};

/// api-version of `Microsoft.Commerce.Admin` (reference §9.1).
pub const STACK_USAGE_API_VERSION: &str = "2015-06-01-preview";
/// api-version of `Microsoft.Subscriptions.Admin`.
pub const STACK_SUBSCRIPTIONS_API_VERSION: &str = "2015-11-01";
/// More pages than any window has; a Stack repeating its `nextLink` is stopped before this.
const MAX_PAGES: usize = 100_000;

/// The documented refusals of the Stack usage API (reference §9.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UsageRefusal {
    /// `NoApiVersion`.
    NoApiVersion,
    /// `InvalidProperty`: a time not on the boundary, a bad token, start after end.
    InvalidProperty,
    /// `RequestEndTimeIsInFuture`.
    RequestEndTimeIsInFuture,
    /// `SubscriberIdIsNotDirectTenant`.
    SubscriberIdIsNotDirectTenant,
    /// `SubscriptionIdMissingInRequest`.
    SubscriptionIdMissingInRequest,
    /// `InvalidAggregationGranularity`.
    InvalidAggregationGranularity,
    /// `ServiceUnavailable` (503) still answered after the retries.
    ServiceUnavailable,
}

impl UsageRefusal {
    /// Every refusal, in the reference's order.
    pub const ALL: [UsageRefusal; 7] = [
        UsageRefusal::NoApiVersion,
        UsageRefusal::InvalidProperty,
        UsageRefusal::RequestEndTimeIsInFuture,
        UsageRefusal::SubscriberIdIsNotDirectTenant,
        UsageRefusal::SubscriptionIdMissingInRequest,
        UsageRefusal::InvalidAggregationGranularity,
        UsageRefusal::ServiceUnavailable,
    ];

    /// The Stack's error code.
    pub fn code(self) -> &'static str {
        match self {
            UsageRefusal::NoApiVersion => "NoApiVersion",
            UsageRefusal::InvalidProperty => "InvalidProperty",
            UsageRefusal::RequestEndTimeIsInFuture => "RequestEndTimeIsInFuture",
            UsageRefusal::SubscriberIdIsNotDirectTenant => "SubscriberIdIsNotDirectTenant",
            UsageRefusal::SubscriptionIdMissingInRequest => "SubscriptionIdMissingInRequest",
            UsageRefusal::InvalidAggregationGranularity => "InvalidAggregationGranularity",
            UsageRefusal::ServiceUnavailable => "ServiceUnavailable",
        }
    }

    fn from_code(code: &str) -> Option<UsageRefusal> {
        UsageRefusal::ALL
            .into_iter()
            .find(|r| r.code().eq_ignore_ascii_case(code))
    }

    /// What it means.
    pub fn meaning(self) -> &'static str {
        match self {
            UsageRefusal::NoApiVersion => "the usage request had no api-version",
            UsageRefusal::InvalidProperty => "the usage window or a parameter is not valid",
            UsageRefusal::RequestEndTimeIsInFuture => "the usage window ends now or in the future",
            UsageRefusal::SubscriberIdIsNotDirectTenant => {
                "the subscriber is not a user subscription of this Azure Stack Hub"
            }
            UsageRefusal::SubscriptionIdMissingInRequest => {
                "the usage request named no provider subscription"
            }
            UsageRefusal::InvalidAggregationGranularity => {
                "the aggregation granularity is neither daily nor hourly"
            }
            UsageRefusal::ServiceUnavailable => "the Azure Stack Hub usage service is unavailable",
        }
    }

    /// What to do.
    pub fn remedy(self) -> &'static str {
        match self {
            UsageRefusal::NoApiVersion | UsageRefusal::SubscriptionIdMissingInRequest => {
                "Check the registration's admin endpoint and Default Provider Subscription id"
            }
            UsageRefusal::InvalidProperty => {
                "Use whole UTC hours (whole days for daily usage) with the start before the end"
            }
            UsageRefusal::RequestEndTimeIsInFuture => {
                "End the window at a past hour (daily: at the latest today at midnight UTC)"
            }
            UsageRefusal::SubscriberIdIsNotDirectTenant => {
                "Pick a subscription listed by the Stack's admin portal"
            }
            UsageRefusal::InvalidAggregationGranularity => "Ask for daily or hourly usage",
            UsageRefusal::ServiceUnavailable => "Try again in a few minutes",
        }
    }
}

impl fmt::Display for UsageRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Daily or hourly usage records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// One record per resource and UTC day.
    Daily,
    /// One record per resource and UTC hour.
    Hourly,
}

impl Granularity {
    fn query(self) -> &'static str {
        match self {
            Granularity::Daily => "daily",
            Granularity::Hourly => "hourly",
        }
    }
}

/// A reported-time window the Stack will accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    granularity: Granularity,
}

impl UsageWindow {
    /// Checks a window as the Stack would: both ends on whole UTC hours (midnight for daily),
    /// start before end, and end before `now` (the Stack refuses now or later).
    pub fn new(
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        granularity: Granularity,
        now: DateTime<Utc>,
    ) -> Result<UsageWindow> {
        let refuse = |refusal: UsageRefusal, detail: String| Error::StackUsage {
            refusal,
            detail: format!("checked before calling the Stack: {detail}"),
        };
        for (name, t) in [("start", start), ("end", end)] {
            let on_hour = t.minute() == 0 && t.second() == 0 && t.nanosecond() == 0;
            if !on_hour || (granularity == Granularity::Daily && t.hour() != 0) {
                return Err(refuse(
                    UsageRefusal::InvalidProperty,
                    format!(
                        "the {name} {} is not on a {} boundary",
                        t.to_rfc3339(),
                        if granularity == Granularity::Daily {
                            "midnight"
                        } else {
                            "whole-hour"
                        }
                    ),
                ));
            }
        }
        if start >= end {
            return Err(refuse(
                UsageRefusal::InvalidProperty,
                format!(
                    "the start {} is not before the end {}",
                    start.to_rfc3339(),
                    end.to_rfc3339()
                ),
            ));
        }
        if end >= now {
            return Err(refuse(
                UsageRefusal::RequestEndTimeIsInFuture,
                format!(
                    "the end {} is not before now ({})",
                    end.to_rfc3339(),
                    now.to_rfc3339()
                ),
            ));
        }
        Ok(UsageWindow {
            start,
            end,
            granularity,
        })
    }

    /// Start of the window.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// End of the window (exclusive).
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// One usage record of a user subscription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageAggregate {
    /// The Stack user subscription.
    pub subscription_id: String,
    /// Local Stack meter id, upper case (reference §9.2).
    pub meter_id: String,
    /// Period start.
    pub usage_start: DateTime<Utc>,
    /// Period end.
    pub usage_end: DateTime<Utc>,
    /// Quantity in the meter's unit, exact.
    pub quantity: Decimal,
    /// `instanceData`'s resource URI (empty when the Stack sent none).
    pub resource_uri: String,
}

/// One user subscription of the Stack.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StackUserSubscription {
    /// Stack subscription id.
    pub subscription_id: String,
    /// Directory tenant of the subscriber.
    #[serde(default)]
    pub tenant_id: String,
    /// Owner.
    #[serde(default)]
    pub owner: String,
    /// Display name.
    #[serde(default)]
    pub display_name: String,
    /// Offer id.
    #[serde(default)]
    pub offer_id: String,
    /// State (`Enabled`, `Disabled`, ...).
    #[serde(default)]
    pub state: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<T> {
    value: Vec<T>,
    #[serde(default)]
    next_link: Option<String>,
}

#[derive(Deserialize)]
struct AggregateJson {
    properties: AggregateProps,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AggregateProps {
    subscription_id: String,
    usage_start_time: DateTime<Utc>,
    usage_end_time: DateTime<Utc>,
    #[serde(default)]
    instance_data: Option<String>,
    #[serde(deserialize_with = "crate::decimal::required")]
    quantity: Decimal,
    meter_id: String,
}

/// The admin ARM of one Azure Stack Hub.
#[derive(Clone, Debug)]
pub struct StackAdmin {
    arm: Arm,
}

impl StackAdmin {
    /// A client on `arm` (built with [`Arm::stack_admin`]).
    pub fn new(arm: Arm) -> StackAdmin {
        StackAdmin { arm }
    }

    /// Every usage record reported in `window` for the Stack whose Default Provider
    /// Subscription is `provider_subscription`, optionally for one subscriber only.
    pub async fn usage(
        &self,
        provider_subscription: &str,
        window: &UsageWindow,
        subscriber: Option<&str>,
    ) -> Result<Vec<UsageAggregate>> {
        let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        // The serializer is not Send: finish it before the first await.
        let first = {
            let mut query = url::form_urlencoded::Serializer::new(format!(
                "/subscriptions/{}/providers/Microsoft.Commerce.Admin/subscriberUsageAggregates?",
                segment(provider_subscription)
            ));
            query
                .append_pair("reportedStartTime", &stamp(window.start))
                .append_pair("reportedEndTime", &stamp(window.end))
                .append_pair("aggregationGranularity", window.granularity.query());
            if let Some(s) = subscriber {
                query.append_pair("subscriberId", s);
            }
            query.finish()
        };
        let items: Vec<AggregateJson> = self.all(&first, STACK_USAGE_API_VERSION).await?;
        Ok(items
            .into_iter()
            .map(|i| {
                let p = i.properties;
                UsageAggregate {
                    resource_uri: resource_uri(p.instance_data.as_deref()),
                    subscription_id: p.subscription_id.to_ascii_lowercase(),
                    meter_id: p.meter_id.to_ascii_uppercase(),
                    usage_start: p.usage_start_time,
                    usage_end: p.usage_end_time,
                    quantity: p.quantity,
                }
            })
            .collect())
    }

    /// The Stack's user subscriptions with their tenants.
    pub async fn user_subscriptions(
        &self,
        provider_subscription: &str,
    ) -> Result<Vec<StackUserSubscription>> {
        let first = format!(
            "/subscriptions/{}/providers/Microsoft.Subscriptions.Admin/subscriptions",
            segment(provider_subscription)
        );
        let mut subs: Vec<StackUserSubscription> =
            self.all(&first, STACK_SUBSCRIPTIONS_API_VERSION).await?;
        for s in &mut subs {
            s.subscription_id = s.subscription_id.to_ascii_lowercase();
            s.tenant_id = s.tenant_id.to_ascii_lowercase();
        }
        Ok(subs)
    }

    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        first: &str,
        api_version: &str,
    ) -> Result<Vec<T>> {
        let endpoint = first.split('?').next().unwrap_or(first).to_string();
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        let mut seen = HashSet::new();
        while let Some(link) = next.take() {
            if !seen.insert(link.clone()) || seen.len() > MAX_PAGES {
                return Err(Error::BadResponse {
                    endpoint,
                    field: "nextLink".into(),
                    detail: "the Stack repeats a page; stopped reading it".into(),
                });
            }
            let answer = match self.arm.send(Method::GET, &link, api_version, None).await? {
                Ok(answer) => answer,
                Err(failure) => return Err(refusal_of(&endpoint, failure)),
            };
            let page: Page<T> = crate::client::decode(&endpoint, &answer.body)?;
            out.extend(page.value);
            next = page.next_link.filter(|l| !l.is_empty());
        }
        Ok(out)
    }
}

fn refusal_of(endpoint: &str, failure: ArmFailure) -> Error {
    let ArmFailure { status, error } = failure;
    match UsageRefusal::from_code(&error.code) {
        Some(refusal) => Error::StackUsage {
            refusal,
            detail: format!("the Stack said {}: {}", error.code, error.message),
        },
        None => Error::Rejected {
            endpoint: endpoint.to_string(),
            status,
            code: error.code,
            detail: error.message,
        },
    }
}

/// The resource URI inside `instanceData`, a JSON document sent as a string.
fn resource_uri(instance_data: Option<&str>) -> String {
    instance_data
        .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .and_then(|v| {
            v["Microsoft.Resources"]["resourceUri"]
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_default()
}

fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap()
    }

    #[test]
    fn windows_are_checked_as_the_stack_checks_them() {
        let now = at(20, 10, 30);
        let refusal = |r: Result<UsageWindow>| match r {
            Err(Error::StackUsage { refusal, .. }) => Some(refusal),
            _ => None,
        };
        assert!(UsageWindow::new(at(1, 0, 0), at(3, 0, 0), Granularity::Daily, now).is_ok());
        assert!(UsageWindow::new(at(1, 5, 0), at(3, 7, 0), Granularity::Hourly, now).is_ok());
        assert_eq!(
            refusal(UsageWindow::new(
                at(1, 5, 0),
                at(3, 0, 0),
                Granularity::Daily,
                now
            )),
            Some(UsageRefusal::InvalidProperty),
            "daily windows start at midnight"
        );
        assert_eq!(
            refusal(UsageWindow::new(
                at(1, 5, 30),
                at(3, 0, 0),
                Granularity::Hourly,
                now
            )),
            Some(UsageRefusal::InvalidProperty),
            "hourly windows start on the hour"
        );
        assert_eq!(
            refusal(UsageWindow::new(
                at(3, 0, 0),
                at(3, 0, 0),
                Granularity::Daily,
                now
            )),
            Some(UsageRefusal::InvalidProperty),
            "an empty window"
        );
        assert_eq!(
            refusal(UsageWindow::new(
                at(19, 0, 0),
                at(21, 0, 0),
                Granularity::Daily,
                now
            )),
            Some(UsageRefusal::RequestEndTimeIsInFuture)
        );
        assert_eq!(
            refusal(UsageWindow::new(
                at(20, 9, 0),
                at(20, 10, 0),
                Granularity::Hourly,
                at(20, 10, 0)
            )),
            Some(UsageRefusal::RequestEndTimeIsInFuture),
            "ending exactly now is refused too"
        );
    }

    #[test]
    fn instance_data_is_a_json_string() {
        let text =
            r#"{"Microsoft.Resources":{"resourceUri":"/subscriptions/s/vm1","location":"local"}}"#;
        assert_eq!(resource_uri(Some(text)), "/subscriptions/s/vm1");
        assert_eq!(resource_uri(Some("not json")), "");
        assert_eq!(resource_uri(None), "");
    }

    #[test]
    fn every_documented_code_is_known() {
        for r in UsageRefusal::ALL {
            assert_eq!(UsageRefusal::from_code(r.code()), Some(r));
        }
    }
}
