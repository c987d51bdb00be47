//! Legacy Azure (MS-AZR-0145P) utilization records: seek paging with `seek_operation=Next`,
//! at most 1000 per page, and 204 + Retry-After while Microsoft's data is not ready (the
//! client waits and retries that like a throttle).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::PartnerCenter;
use crate::customers::segment;
use crate::error::Result;
use crate::paging::{Continuation, Page};

/// Largest page the API serves.
pub const MAX_UTILIZATION_PAGE: u32 = 1000;

/// Which records to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UtilizationQuery {
    /// Customer tenant id.
    pub customer_id: String,
    /// Commerce subscription id of the 0145P subscription.
    pub subscription_id: String,
    /// Reported-time window start (UTC).
    pub start: DateTime<Utc>,
    /// Reported-time window end (UTC).
    pub end: DateTime<Utc>,
    /// Records per page (capped at 1000).
    pub size: u32,
    /// Include `instanceData`.
    pub show_details: bool,
}

impl UtilizationQuery {
    fn path(&self) -> String {
        format!(
            "/v1/customers/{}/subscriptions/{}/utilizations/azure?start_time={}&end_time={}&granularity=daily&show_details={}&size={}",
            segment(&self.customer_id),
            segment(&self.subscription_id),
            self.start.format("%Y-%m-%dT%H:%M:%SZ"),
            self.end.format("%Y-%m-%dT%H:%M:%SZ"),
            self.show_details,
            self.size.clamp(1, MAX_UTILIZATION_PAGE)
        )
    }
}

/// One daily utilization record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UtilizationRecord {
    /// Usage start.
    pub usage_start_time: DateTime<Utc>,
    /// Usage end.
    pub usage_end_time: DateTime<Utc>,
    /// The meter.
    pub resource: UtilizationResource,
    /// Units consumed.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub quantity: Decimal,
    /// Unit of measure.
    #[serde(default)]
    pub unit: Option<String>,
    /// Instance details (`resourceUri`, `location`, `tags`, `additionalInfo`) as sent.
    #[serde(default)]
    pub instance_data: Option<serde_json::Value>,
}

/// The meter of a utilization record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UtilizationResource {
    /// Meter id.
    pub id: String,
    /// Meter name.
    #[serde(default)]
    pub name: Option<String>,
    /// Category.
    #[serde(default)]
    pub category: Option<String>,
    /// Subcategory.
    #[serde(default)]
    pub subcategory: Option<String>,
    /// Region.
    #[serde(default)]
    pub region: Option<String>,
}

impl PartnerCenter {
    /// One page of utilization records.
    pub async fn utilization_page(
        &self,
        query: &UtilizationQuery,
        next: Option<&Continuation>,
    ) -> Result<Page<UtilizationRecord>> {
        self.page(&query.path(), next).await
    }

    /// Every utilization record of the window, to the last page.
    pub async fn utilization(&self, query: &UtilizationQuery) -> Result<Vec<UtilizationRecord>> {
        self.all(&query.path()).await
    }
}
