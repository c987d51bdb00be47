//! Customers of the partner: the seek-paged list (`/v1/customers?size=`) and one customer by
//! tenant id (404 when unknown, 403/20002 without a relationship).

use serde::{Deserialize, Serialize};

use crate::client::PartnerCenter;
use crate::error::Result;
use crate::paging::{Continuation, Page};

/// A customer tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer tenant id.
    pub id: String,
    /// Commerce id.
    #[serde(default)]
    pub commerce_id: Option<String>,
    /// Company profile.
    pub company_profile: CompanyProfile,
    /// `reseller`, `advisor`, `none`, ...
    #[serde(default)]
    pub relationship_to_partner: Option<String>,
    /// Only on get-by-id.
    #[serde(default)]
    pub allow_delegated_access: Option<bool>,
    /// Indirect reseller's partner id.
    #[serde(default)]
    pub associated_partner_id: Option<String>,
}

/// The customer's company profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyProfile {
    /// Tenant id (equals the customer id).
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Default domain.
    pub domain: String,
    /// Company name.
    pub company_name: String,
}

impl PartnerCenter {
    /// One page of customers (`size` 0 = server default); pass the previous page's `next` to continue.
    pub async fn customers_page(
        &self,
        size: u32,
        next: Option<&Continuation>,
    ) -> Result<Page<Customer>> {
        self.page(&format!("/v1/customers?size={size}"), next).await
    }

    /// Every customer, to the last page.
    pub async fn customers(&self, size: u32) -> Result<Vec<Customer>> {
        self.all(&format!("/v1/customers?size={size}")).await
    }

    /// One customer by tenant id.
    pub async fn customer(&self, customer_id: &str) -> Result<Customer> {
        self.get(&format!("/v1/customers/{}", segment(customer_id)), &[])
            .await
    }
}

/// A path segment, percent-encoded (ids come from earlier answers, not from us).
pub(crate) fn segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}
