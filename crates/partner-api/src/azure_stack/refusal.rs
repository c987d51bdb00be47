//! The documented refusals of `Microsoft.AzureStack` when adding tenants (reference §9), each
//! with what it means and what to do: the fix is always outside CSP Desk.

use std::fmt;

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
