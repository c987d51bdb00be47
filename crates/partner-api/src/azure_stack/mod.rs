//! Azure Stack Hub CSP registrations through ARM (`Microsoft.AzureStack`, reference §9): the
//! partner's registrations and, per registration, the customer subscriptions whose tenants'
//! Stack usage is billed to that customer. Each documented refusal is a typed
//! [`StackRefusal`] with what it means and what to do, because the fix is always outside
//! CSP Desk (a mistyped id, a registration to redo, an email to Microsoft).
//! Names and ids are read from the resource id (see [`resources`]); a list item that cannot be
//! read is kept aside with the reason ([`SetAside`]) and the rest of the list is read.

mod refusal;
mod resources;

pub use refusal::StackRefusal;
pub use resources::Listing;
use resources::{guid, mapping_of, read_items, registration_of, MappingJson, RegistrationJson};

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use crate::arm::{Arm, ArmAnswer, ArmFailure};
use crate::error::{Error, Result};

/// api-version used for `Microsoft.AzureStack` (latest stable, reference §9).
pub const AZURE_STACK_API_VERSION: &str = "2022-06-01";

/// More pages than any registration has mappings for; a server looping its `nextLink` stops here.
const MAX_PAGES: usize = 10_000;

/// Where a registration lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegistrationRef {
    /// The partner's CSP (or CSP Shared Services) subscription holding the registration.
    pub subscription_id: String,
    /// Resource group (often `azurestack`).
    pub resource_group: String,
    /// Registration name (usually `azurestack-{CloudID}`).
    pub name: String,
}

impl RegistrationRef {
    fn path(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.AzureStack/registrations/{}",
            segment(&self.subscription_id),
            segment(&self.resource_group),
            segment(&self.name)
        )
    }
}

/// An Azure Stack Hub registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackRegistration {
    /// Where it lives.
    pub at: RegistrationRef,
    /// Azure Stack CloudID (CloudDeploymentID).
    pub cloud_id: String,
    /// Object id of the Stack's identity connecting to Azure.
    pub object_id: String,
    /// `PayAsYouUse`, `Capacity`, `Development`, ...
    pub billing_model: String,
}

/// A customer subscription added to a registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerSubscription {
    /// The customer's Azure subscription id (lowercase GUID).
    pub subscription_id: String,
    /// The customer's directory tenant.
    pub tenant_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct List<T> {
    #[serde(default = "Vec::new")]
    value: Vec<T>,
    #[serde(default)]
    next_link: Option<String>,
}

/// The customer subscription id in the form ARM requires (lowercase GUID), or
/// [`StackRefusal::InvalidCustomerSubscriptionId`] without calling Azure.
pub fn customer_subscription_id(text: &str) -> Result<String> {
    match guid(text) {
        Some(id) => Ok(id),
        None => Err(Error::AzureStack {
            refusal: StackRefusal::InvalidCustomerSubscriptionId,
            detail: format!(
                "checked before calling Azure: '{}' is not a subscription GUID",
                text.trim()
            ),
        }),
    }
}

/// Azure Stack Hub registrations of one signed-in partner account.
#[derive(Clone, Debug)]
pub struct AzureStack {
    arm: Arm,
}

impl AzureStack {
    /// Azure Stack calls through `arm`.
    pub fn new(arm: Arm) -> AzureStack {
        AzureStack { arm }
    }

    /// Registrations in the partner subscription `subscription_id` (every resource group); an
    /// item whose resource id names no registration is kept aside.
    pub async fn registrations(&self, subscription_id: &str) -> Result<Listing<StackRegistration>> {
        let subscription_id =
            customer_subscription_id(subscription_id).map_err(|_| Error::AzureStack {
                refusal: StackRefusal::RegistrationNotFound,
                detail: format!(
                    "checked before calling Azure: '{}' is not a subscription GUID",
                    subscription_id.trim()
                ),
            })?;
        let first = format!(
            "/subscriptions/{subscription_id}/providers/Microsoft.AzureStack/registrations"
        );
        let items = self.all(&first, None).await?;
        Ok(read_items(&first, items, |r: RegistrationJson| {
            registration_of(&first, r)
        }))
    }

    /// One registration.
    pub async fn registration(&self, at: &RegistrationRef) -> Result<StackRegistration> {
        let path = at.path();
        let answer = self.call(Method::GET, &path, None, Some(at)).await?;
        let r: RegistrationJson = crate::client::decode(&path, &answer.body)?;
        registration_of(&path, r)
    }

    /// The customer subscriptions added to `at`, every page; an item without a subscription GUID
    /// or a tenant GUID is kept aside.
    pub async fn customer_subscriptions(
        &self,
        at: &RegistrationRef,
    ) -> Result<Listing<CustomerSubscription>> {
        let first = format!("{}/customerSubscriptions", at.path());
        let items = self.all(&first, Some(at)).await?;
        Ok(read_items(&first, items, |m: MappingJson| {
            mapping_of(&first, m, None)
        }))
    }

    /// One added customer subscription; [`StackRefusal::CustomerSubscriptionNotFound`] if absent.
    pub async fn customer_subscription(
        &self,
        at: &RegistrationRef,
        subscription_id: &str,
    ) -> Result<CustomerSubscription> {
        let id = customer_subscription_id(subscription_id)?;
        let path = format!("{}/customerSubscriptions/{id}", at.path());
        let answer = self.call(Method::GET, &path, None, Some(at)).await?;
        let m: MappingJson = crate::client::decode(&path, &answer.body)?;
        mapping_of(&path, m, Some(&id))
    }

    /// Adds (or, for a tenant already added, replaces) the customer subscription and reads it
    /// back: Microsoft documents `201 Created` with an empty body, its spec `200` with the resource
    /// (whose sample leaves `id` and `name` empty: the subscription is then the one put).
    pub async fn add_customer_subscription(
        &self,
        at: &RegistrationRef,
        subscription_id: &str,
        tenant_id: &str,
    ) -> Result<CustomerSubscription> {
        let id = customer_subscription_id(subscription_id)?;
        let path = format!("{}/customerSubscriptions/{id}", at.path());
        let body = json!({ "properties": { "tenantId": tenant_id } });
        let answer = self.call(Method::PUT, &path, Some(&body), Some(at)).await?;
        if answer.status == StatusCode::OK && !answer.body.is_empty() {
            let m: MappingJson = crate::client::decode(&path, &answer.body)?;
            return mapping_of(&path, m, Some(&id));
        }
        self.customer_subscription(at, &id).await
    }

    /// Removes the customer subscription; `false` when it was not there (ARM's 204).
    pub async fn remove_customer_subscription(
        &self,
        at: &RegistrationRef,
        subscription_id: &str,
    ) -> Result<bool> {
        let id = customer_subscription_id(subscription_id)?;
        let path = format!("{}/customerSubscriptions/{id}", at.path());
        let answer = self.call(Method::DELETE, &path, None, Some(at)).await?;
        Ok(answer.status != StatusCode::NO_CONTENT)
    }

    /// Every item of every page, raw: each is read on its own, so one odd item cannot fail
    /// the page.
    async fn all(
        &self,
        first: &str,
        at: Option<&RegistrationRef>,
    ) -> Result<Vec<serde_json::Value>> {
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        let mut seen = std::collections::HashSet::new();
        while let Some(link) = next.take() {
            if !seen.insert(link.clone()) || seen.len() > MAX_PAGES {
                return Err(Error::BadResponse {
                    endpoint: first.to_string(),
                    field: "nextLink".into(),
                    detail: "the list repeats a page; stopped reading it".into(),
                });
            }
            let answer = self.call(Method::GET, &link, None, at).await?;
            let page: List<serde_json::Value> = crate::client::decode(first, &answer.body)?;
            out.extend(page.value);
            next = page.next_link.filter(|l| !l.is_empty());
        }
        Ok(out)
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        at: Option<&RegistrationRef>,
    ) -> Result<ArmAnswer> {
        match self
            .arm
            .send(method, path, AZURE_STACK_API_VERSION, body)
            .await?
        {
            Ok(answer) => Ok(answer),
            Err(failure) => Err(refusal_of(path, failure, at)),
        }
    }
}

/// ARM's refusal as the error the UI shows.
fn refusal_of(path: &str, failure: ArmFailure, at: Option<&RegistrationRef>) -> Error {
    let ArmFailure { status, error } = failure;
    let detail = format!("Azure said {}: {}", error.code, error.message);
    if let Some(refusal) = StackRefusal::from_arm_code(&error.code) {
        return Error::AzureStack { refusal, detail };
    }
    let endpoint = path.split('?').next().unwrap_or(path).to_string();
    match (status, error.code.as_str()) {
        // ARM answers for the missing parent before the provider sees the call.
        (404, "ResourceGroupNotFound" | "SubscriptionNotFound" | "ResourceNotFound")
            if at.is_some() =>
        {
            Error::AzureStack {
                refusal: StackRefusal::RegistrationNotFound,
                detail,
            }
        }
        (403, _) => Error::Forbidden {
            endpoint,
            detail: format!("{detail}. The signed-in user needs the Contributor or Owner role on the registration subscription"),
        },
        (404, _) => Error::NotFound { endpoint },
        (500..=599, _) => Error::Unavailable { endpoint, detail },
        _ => Error::Rejected {
            endpoint,
            status,
            code: error.code,
            detail: error.message,
        },
    }
}

/// A path segment with anything but unreserved characters percent-encoded.
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_ids_are_checked_and_lowercased_before_any_call() {
        assert_eq!(
            customer_subscription_id(" {2D2AB3A7-1B7A-4F3E-9C5B-7E1A0F8C3D21} ").unwrap(),
            "2d2ab3a7-1b7a-4f3e-9c5b-7e1a0f8c3d21"
        );
        for bad in [
            "",
            "not-a-guid",
            "2d2ab3a71b7a4f3e9c5b7e1a0f8c3d21",
            "00000000-0000-0000-0000-000000000000",
        ] {
            match customer_subscription_id(bad) {
                Err(Error::AzureStack { refusal, .. }) => {
                    assert_eq!(
                        refusal,
                        StackRefusal::InvalidCustomerSubscriptionId,
                        "{bad}"
                    )
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn every_documented_code_maps_back_and_has_guidance() {
        for r in StackRefusal::ALL {
            assert_eq!(StackRefusal::from_arm_code(r.arm_code()), Some(r));
            assert!(r.meaning().len() > 20 && r.remedy().len() > 20, "{r}");
        }
        assert_eq!(
            StackRefusal::from_arm_code("invalidcspsubscription"),
            Some(StackRefusal::InvalidCspSubscription)
        );
        assert_eq!(StackRefusal::from_arm_code("SomethingElse"), None);
    }
}
