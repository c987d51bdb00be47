//! A customer's subscriptions (legacy MS-AZR-0145P, Azure plan, seats) and the Azure
//! subscriptions (entitlements) inside an Azure plan. Neither collection is paged.
//!
//! Only the id is essential: older and special subscriptions come without `offerId` (or
//! `status`), and are kept with those fields empty. An item without an id is set aside
//! (see [`crate::paging`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::PartnerCenter;
use crate::customers::segment;
use crate::error::Result;
use crate::paging::Page;

/// A Partner Center subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// Commerce subscription id.
    pub id: String,
    /// Azure subscription id for legacy Azure offers.
    #[serde(default)]
    pub entitlement_id: Option<String>,
    /// Offer id, e.g. `MS-AZR-0145P` or `DZH318Z0BPS6:0001:...`. Older items come without it
    /// (Microsoft's own list sample has none); [`Subscription::offer`] falls back to the offer
    /// link.
    #[serde(default)]
    pub offer_id: Option<String>,
    /// Offer name.
    #[serde(default)]
    pub offer_name: Option<String>,
    /// Friendly name.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// Quantity (seats, or 1 for usage offers).
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub quantity: Option<Decimal>,
    /// Unit type.
    #[serde(default)]
    pub unit_type: Option<String>,
    /// `active`, `suspended`, ... (empty when not sent).
    #[serde(default)]
    pub status: String,
    /// `usage` or `license`.
    #[serde(default)]
    pub billing_type: Option<String>,
    /// Billing cycle.
    #[serde(default)]
    pub billing_cycle: Option<String>,
    /// Creation date as sent.
    #[serde(default)]
    pub creation_date: Option<String>,
    /// Commitment end date as sent.
    #[serde(default)]
    pub commitment_end_date: Option<String>,
    /// Term duration (`P1M`, `P1Y`).
    #[serde(default)]
    pub term_duration: Option<String>,
    /// Reseller of record (MPN id).
    #[serde(default)]
    pub partner_id: Option<String>,
    /// The order it was bought with.
    #[serde(default)]
    pub order_id: Option<String>,
    /// Last moment a new-commerce subscription can be cancelled for a refund.
    #[serde(default)]
    pub cancellation_allowed_until_date: Option<String>,
    /// Links; only `offer` is read, as the offer id of an item without `offerId`.
    #[serde(default)]
    pub links: Option<SubscriptionLinks>,
}

/// The links of a subscription that say what it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionLinks {
    /// `/offers/{offerId}?country=..` (legacy offers).
    #[serde(default)]
    pub offer: Option<crate::paging::Link>,
}

impl Subscription {
    /// The offer id: `offerId` as sent, else the last segment of the offer link (without its
    /// query); `None` when neither says.
    pub fn offer(&self) -> Option<String> {
        if let Some(id) = self.offer_id.as_deref().filter(|id| !id.trim().is_empty()) {
            return Some(id.to_string());
        }
        let uri = &self.links.as_ref()?.offer.as_ref()?.uri;
        let path = uri.split(['?', '#']).next().unwrap_or_default();
        path.rsplit('/')
            .next()
            .filter(|segment| !segment.is_empty())
            .map(str::to_string)
    }
}

/// An Azure subscription inside an Azure plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureEntitlement {
    /// Azure subscription id.
    pub id: String,
    /// Friendly name.
    #[serde(default)]
    pub friendly_name: Option<String>,
    /// `active`, ...
    #[serde(default)]
    pub status: Option<String>,
    /// The Azure plan's commerce subscription id.
    #[serde(default)]
    pub subscription_id: Option<String>,
}

impl PartnerCenter {
    /// Every subscription of a customer, or an error naming the first item that could not
    /// be read.
    pub async fn subscriptions(&self, customer_id: &str) -> Result<Vec<Subscription>> {
        let path = subscriptions_path(customer_id);
        self.all(&path).await
    }

    /// A customer's subscriptions as one page: the items read and those set aside.
    pub async fn subscriptions_page(&self, customer_id: &str) -> Result<Page<Subscription>> {
        self.page(&subscriptions_path(customer_id), None).await
    }

    /// The Azure subscriptions of an Azure plan subscription, or an error naming the first
    /// item that could not be read.
    pub async fn azure_entitlements(
        &self,
        customer_id: &str,
        subscription_id: &str,
    ) -> Result<Vec<AzureEntitlement>> {
        self.all(&entitlements_path(customer_id, subscription_id))
            .await
    }

    /// The Azure subscriptions of an Azure plan subscription as one page: the items read and
    /// those set aside.
    pub async fn azure_entitlements_page(
        &self,
        customer_id: &str,
        subscription_id: &str,
    ) -> Result<Page<AzureEntitlement>> {
        self.page(&entitlements_path(customer_id, subscription_id), None)
            .await
    }
}

fn subscriptions_path(customer_id: &str) -> String {
    format!("/v1/customers/{}/subscriptions", segment(customer_id))
}

fn entitlements_path(customer_id: &str, subscription_id: &str) -> String {
    format!(
        "/v1/customers/{}/subscriptions/{}/azureEntitlements",
        segment(customer_id),
        segment(subscription_id)
    )
}
