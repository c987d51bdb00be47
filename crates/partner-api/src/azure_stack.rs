//! Azure Stack Hub CSP registrations through ARM (`Microsoft.AzureStack`, reference §9): the
//! partner's registrations and, per registration, the customer subscriptions whose tenants'
//! Stack usage is billed to that customer. Each documented refusal is a typed
//! [`StackRefusal`] with what it means and what to do, because the fix is always outside
//! CSP Desk (a mistyped id, a registration to redo, an email to Microsoft).

use std::fmt;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use crate::arm::{Arm, ArmAnswer, ArmFailure};
use crate::error::{Error, Result};

/// api-version used for `Microsoft.AzureStack` (latest stable, reference §9).
pub const AZURE_STACK_API_VERSION: &str = "2022-06-01";

/// More pages than any registration has mappings for; a server looping its `nextLink` stops here.
const MAX_PAGES: usize = 10_000;

/// The documented refusals of `Microsoft.AzureStack` when adding tenants (reference §9).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StackRefusal {
    /// Subscription, resource group or name do not point at a registration.
    RegistrationNotFound,
    /// The customer subscription rolls up to another CSP partner.
    BadCustomerSubscriptionId,
    /// The id is not a valid Azure subscription id.
    InvalidCustomerSubscriptionId,
    /// The mapping was never added (or the id is mistyped).
    CustomerSubscriptionNotFound,
    /// The registration is not approved for multi-tenancy.
    UnauthorizedCspRegistration,
    /// The registration bills by Capacity (disconnected): no tenants can be added.
    CustomerSubscriptionsNotAllowed,
    /// The id is not a CSP subscription.
    InvalidCspSubscription,
    /// Azure could not resolve the subscription's metadata upstream.
    MetadataResolverBadGateway,
}

impl StackRefusal {
    /// Every refusal, in the reference's order.
    pub const ALL: [StackRefusal; 8] = [
        StackRefusal::RegistrationNotFound,
        StackRefusal::BadCustomerSubscriptionId,
        StackRefusal::InvalidCustomerSubscriptionId,
        StackRefusal::CustomerSubscriptionNotFound,
        StackRefusal::UnauthorizedCspRegistration,
        StackRefusal::CustomerSubscriptionsNotAllowed,
        StackRefusal::InvalidCspSubscription,
        StackRefusal::MetadataResolverBadGateway,
    ];

    /// ARM's error code.
    pub fn arm_code(self) -> &'static str {
        match self {
            StackRefusal::RegistrationNotFound => "RegistrationNotFound",
            StackRefusal::BadCustomerSubscriptionId => "BadCustomerSubscriptionId",
            StackRefusal::InvalidCustomerSubscriptionId => "InvalidCustomerSubscriptionId",
            StackRefusal::CustomerSubscriptionNotFound => "CustomerSubscriptionNotFound",
            StackRefusal::UnauthorizedCspRegistration => "UnauthorizedCspRegistration",
            StackRefusal::CustomerSubscriptionsNotAllowed => "CustomerSubscriptionsNotAllowed",
            StackRefusal::InvalidCspSubscription => "InvalidCSPSubscription",
            StackRefusal::MetadataResolverBadGateway => "MetadataResolverBadGatewayError",
        }
    }

    /// The refusal of an ARM code (case-insensitive), if it is one of the eight.
    pub fn from_arm_code(code: &str) -> Option<StackRefusal> {
        StackRefusal::ALL
            .into_iter()
            .find(|r| r.arm_code().eq_ignore_ascii_case(code))
    }

    /// What it means, in words.
    pub fn meaning(self) -> &'static str {
        match self {
            StackRefusal::RegistrationNotFound => "Azure has no Azure Stack Hub registration with this subscription, resource group and name",
            StackRefusal::BadCustomerSubscriptionId => "this customer subscription belongs to a different CSP partner than the registration's subscription",
            StackRefusal::InvalidCustomerSubscriptionId => "this is not a valid Azure subscription id",
            StackRefusal::CustomerSubscriptionNotFound => "this customer subscription is not added to the registration",
            StackRefusal::UnauthorizedCspRegistration => "this registration is not approved by Microsoft for multi-tenancy, so it cannot bill customers",
            StackRefusal::CustomerSubscriptionsNotAllowed => "this registration uses the Capacity billing model (disconnected), which cannot add customer subscriptions",
            StackRefusal::InvalidCspSubscription => "this subscription is not a CSP subscription",
            StackRefusal::MetadataResolverBadGateway => "Azure could not look up the subscription's details (an upstream error on Microsoft's side)",
        }
    }

    /// What to do about it.
    pub fn remedy(self) -> &'static str {
        match self {
            StackRefusal::RegistrationNotFound => "Check the registration subscription, the resource group and the registration name (azurestack-<CloudDeploymentID>); refresh the registrations list",
            StackRefusal::BadCustomerSubscriptionId => "Use the customer's Azure subscription that your partner account created in Partner Center; a subscription of another reseller cannot be added",
            StackRefusal::InvalidCustomerSubscriptionId => "Enter the customer's Azure subscription id as a GUID (e.g. 2d2ab3a7-1b7a-4f3e-9c5b-7e1a0f8c3d21), or pick it from the discovered subscriptions",
            StackRefusal::CustomerSubscriptionNotFound => "Add the customer subscription first, or check the id for a typo",
            StackRefusal::UnauthorizedCspRegistration => "Ask Microsoft to approve the registration for multi-tenancy (azstCSP@microsoft.com), then add the subscription again",
            StackRefusal::CustomerSubscriptionsNotAllowed => "Re-register the Azure Stack Hub with the PayAsYouUse billing model to bill customers",
            StackRefusal::InvalidCspSubscription => "Check the id: it is usually mistyped. Use the customer's Azure subscription created through Partner Center",
            StackRefusal::MetadataResolverBadGateway => "Nothing is wrong with your input; try again in a few minutes",
        }
    }
}

impl fmt::Display for StackRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.arm_code())
    }
}

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
struct RegistrationJson {
    id: String,
    name: String,
    #[serde(default)]
    properties: RegistrationProps,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RegistrationProps {
    #[serde(default)]
    cloud_id: Option<String>,
    #[serde(default)]
    object_id: Option<String>,
    #[serde(default)]
    billing_model: Option<String>,
}

#[derive(Deserialize)]
struct MappingJson {
    name: String,
    #[serde(default)]
    properties: MappingProps,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct MappingProps {
    #[serde(default)]
    tenant_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct List<T> {
    value: Vec<T>,
    #[serde(default)]
    next_link: Option<String>,
}

/// The customer subscription id in the form ARM requires (lowercase GUID), or
/// [`StackRefusal::InvalidCustomerSubscriptionId`] without calling Azure.
pub fn customer_subscription_id(text: &str) -> Result<String> {
    let trimmed = text.trim().trim_start_matches('{').trim_end_matches('}');
    match uuid::Uuid::try_parse(trimmed) {
        Ok(u) if trimmed.len() == 36 && !u.is_nil() => Ok(u.hyphenated().to_string()),
        _ => Err(Error::AzureStack {
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

    /// Registrations in the partner subscription `subscription_id` (every resource group).
    pub async fn registrations(&self, subscription_id: &str) -> Result<Vec<StackRegistration>> {
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
        let items: Vec<RegistrationJson> = self.all(&first, None).await?;
        items
            .into_iter()
            .map(|r| registration_of(&first, r))
            .collect()
    }

    /// One registration.
    pub async fn registration(&self, at: &RegistrationRef) -> Result<StackRegistration> {
        let path = at.path();
        let answer = self.call(Method::GET, &path, None, Some(at)).await?;
        let r: RegistrationJson = crate::client::decode(&path, &answer.body)?;
        registration_of(&path, r)
    }

    /// The customer subscriptions added to `at`, every page.
    pub async fn customer_subscriptions(
        &self,
        at: &RegistrationRef,
    ) -> Result<Vec<CustomerSubscription>> {
        let first = format!("{}/customerSubscriptions", at.path());
        let items: Vec<MappingJson> = self.all(&first, Some(at)).await?;
        Ok(items.into_iter().map(mapping_of).collect())
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
        Ok(mapping_of(m))
    }

    /// Adds (or, for a tenant already added, replaces) the customer subscription and reads it
    /// back: Microsoft documents `201 Created` with an empty body, its spec `200` with the resource.
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
            return Ok(mapping_of(m));
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

    async fn all<T: serde::de::DeserializeOwned>(
        &self,
        first: &str,
        at: Option<&RegistrationRef>,
    ) -> Result<Vec<T>> {
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
            let page: List<T> = crate::client::decode(first, &answer.body)?;
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

fn registration_of(endpoint: &str, r: RegistrationJson) -> Result<StackRegistration> {
    // `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.AzureStack/registrations/{name}`
    let parts: Vec<&str> = r.id.split('/').collect();
    let find = |key: &str| {
        parts
            .iter()
            .position(|p| p.eq_ignore_ascii_case(key))
            .and_then(|i| parts.get(i + 1))
            .map(|s| s.to_string())
    };
    let (Some(subscription_id), Some(resource_group)) =
        (find("subscriptions"), find("resourceGroups"))
    else {
        return Err(Error::BadResponse {
            endpoint: endpoint.to_string(),
            field: "id".into(),
            detail: format!("'{}' is not a registration resource id", r.id),
        });
    };
    Ok(StackRegistration {
        at: RegistrationRef {
            subscription_id,
            resource_group,
            name: r.name,
        },
        cloud_id: r.properties.cloud_id.unwrap_or_default(),
        object_id: r.properties.object_id.unwrap_or_default(),
        billing_model: r.properties.billing_model.unwrap_or_default(),
    })
}

fn mapping_of(m: MappingJson) -> CustomerSubscription {
    CustomerSubscription {
        subscription_id: m.name.to_ascii_lowercase(),
        tenant_id: m.properties.tenant_id.unwrap_or_default(),
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
