//! The legacy CSP Azure rate card (`/v1/ratecards/azure`): meter prices with quantity tiers
//! and the offer terms (overage discount). Prices stay decimal from the wire on.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::client::PartnerCenter;
use crate::error::Result;

/// The Azure rate card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateCard {
    /// Locale of names.
    #[serde(default)]
    pub locale: Option<String>,
    /// Currency of rates.
    pub currency: String,
    /// Always false.
    #[serde(default)]
    pub is_tax_included: bool,
    /// Meters.
    pub meters: Vec<Meter>,
    /// Offer terms.
    #[serde(default)]
    pub offer_terms: Vec<OfferTerm>,
}

/// One meter's prices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meter {
    /// Meter id.
    pub id: String,
    /// Meter name.
    pub name: String,
    /// Quantity threshold (as sent, e.g. `"0"`) -> unit rate.
    #[serde(deserialize_with = "crate::decimal::map")]
    pub rates: BTreeMap<String, Decimal>,
    /// Category.
    #[serde(default)]
    pub category: Option<String>,
    /// Subcategory.
    #[serde(default)]
    pub subcategory: Option<String>,
    /// Region.
    #[serde(default)]
    pub region: Option<String>,
    /// Unit.
    #[serde(default)]
    pub unit: Option<String>,
    /// Free units per month.
    #[serde(default, deserialize_with = "crate::decimal::optional")]
    pub included_quantity: Option<Decimal>,
    /// Effective date as sent.
    #[serde(default)]
    pub effective_date: Option<String>,
}

/// An offer term such as the overage discount.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferTerm {
    /// Name, e.g. `Overage discount`.
    pub name: String,
    /// Discount fraction, e.g. 0.15.
    #[serde(deserialize_with = "crate::decimal::required")]
    pub discount: Decimal,
    /// Meters the discount does not apply to.
    #[serde(default)]
    pub excluded_meter_ids: Vec<String>,
    /// Effective date as sent.
    #[serde(default)]
    pub effective_date: Option<String>,
}

impl PartnerCenter {
    /// The rate card in `currency` / `region` (Microsoft's defaults USD / US when `None`).
    pub async fn rate_card(
        &self,
        currency: Option<&str>,
        region: Option<&str>,
    ) -> Result<RateCard> {
        // The serializer is not Send: build the query in a block so it is gone before `.await`.
        let query = {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some(c) = currency {
                query.append_pair("currency", c);
            }
            if let Some(r) = region {
                query.append_pair("region", r);
            }
            query.finish()
        };
        let path = if query.is_empty() {
            "/v1/ratecards/azure".to_string()
        } else {
            format!("/v1/ratecards/azure?{query}")
        };
        self.get(&path, &[]).await
    }
}
