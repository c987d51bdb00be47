//! What the Azure Stack operations exchange with the shells: registrations and the customer
//! subscriptions mapped to them, a registration's admin endpoint, usage imports and totals.

use cspdesk_partner_api::RegistrationRef;
use cspdesk_store::azure_stack::RegistrationKey;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A registration as last read from Azure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackRegistrationDto {
    /// Where it lives.
    pub at: RegistrationRefDto,
    /// Azure Stack CloudID (CloudDeploymentID).
    pub cloud_id: String,
    /// `PayAsYouUse`, `Capacity`, `Development`.
    pub billing_model: String,
    /// Whether customer subscriptions can be added (only PayAsYouUse bills tenants).
    pub accepts_customers: bool,
    /// Customer subscriptions added, as last read.
    pub customer_subscriptions: u32,
    /// When Azure last listed it (RFC 3339).
    pub read_at: String,
}

/// Subscription, resource group and name of a registration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationRefDto {
    /// The partner subscription holding it.
    pub subscription_id: String,
    /// Resource group.
    pub resource_group: String,
    /// Registration name.
    pub name: String,
}

/// What the Azure Stack page shows for an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackOverviewDto {
    /// Partner subscriptions named as holding registrations.
    pub subscriptions: Vec<String>,
    /// Their registrations.
    pub registrations: Vec<StackRegistrationDto>,
    /// Items Azure sent in this refresh that could not be read and were not kept (always empty
    /// when the overview is read from the database).
    pub set_aside: Vec<StackSetAsideDto>,
}

/// A registration or customer subscription Azure listed that could not be read as Microsoft
/// documents it: not kept, shown with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackSetAsideDto {
    /// The list it came from (ARM path).
    pub endpoint: String,
    /// Its position in that list, from 0.
    pub index: u32,
    /// The field that could not be read.
    pub field: String,
    /// Why.
    pub reason: String,
    /// The item as Azure sent it.
    pub raw: String,
}

/// A customer subscription added to a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackCustomerSubscriptionDto {
    /// The customer's Azure subscription id.
    pub subscription_id: String,
    /// The customer's directory tenant.
    pub tenant_id: String,
    /// The discovered customer it belongs to, when known.
    pub customer_id: Option<String>,
    /// That customer's company name.
    pub company_name: Option<String>,
    /// The subscription's friendly name, when discovered.
    pub friendly_name: Option<String>,
    /// When Azure last listed it (RFC 3339).
    pub read_at: String,
}

/// A discovered customer's Azure subscription that can be added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackSubscriptionChoiceDto {
    /// Customer id.
    pub customer_id: String,
    /// Company name.
    pub company_name: String,
    /// The customer's tenant.
    pub tenant_id: String,
    /// The Azure subscription id.
    pub subscription_id: String,
    /// Its friendly name.
    pub friendly_name: Option<String>,
}

/// A customer subscription to add: picked from the discovered ones or typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddStackCustomerDto {
    /// The registration.
    pub registration: RegistrationRefDto,
    /// The customer's Azure subscription id (any case, braces allowed).
    pub subscription_id: String,
    /// The customer's tenant; taken from Discovery when left out.
    pub tenant_id: Option<String>,
}

impl From<&RegistrationRefDto> for RegistrationKey {
    fn from(r: &RegistrationRefDto) -> RegistrationKey {
        RegistrationKey {
            subscription_id: r.subscription_id.clone(),
            resource_group: r.resource_group.clone(),
            name: r.name.clone(),
        }
    }
}

impl From<&RegistrationRefDto> for RegistrationRef {
    fn from(r: &RegistrationRefDto) -> RegistrationRef {
        RegistrationRef {
            subscription_id: r.subscription_id.clone(),
            resource_group: r.resource_group.clone(),
            name: r.name.clone(),
        }
    }
}

/// A registration's Stack admin endpoint, as set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackAdminEndpointDto {
    /// The registration.
    pub registration: RegistrationRefDto,
    /// Admin ARM base URL, e.g. `https://adminmanagement.local.azurestack.external`.
    pub endpoint: String,
    /// The Stack's Default Provider Subscription id.
    pub provider_subscription_id: String,
    /// When it was set (RFC 3339).
    pub set_at: String,
}

/// What to set for a registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetStackAdminEndpointDto {
    /// The registration.
    pub registration: RegistrationRefDto,
    /// Admin ARM base URL (https; http only on loopback).
    pub endpoint: String,
    /// The Stack's Default Provider Subscription id (a GUID, shown in the Stack's admin portal).
    pub provider_subscription_id: String,
}

/// A window of usage to import: whole UTC days, both inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImportStackUsageDto {
    /// The registration.
    pub registration: RegistrationRefDto,
    /// First day `YYYY-MM-DD`; default the first day of the month of yesterday.
    pub from: Option<String>,
    /// Last day `YYYY-MM-DD`; default yesterday (the Stack reports only finished periods).
    pub to: Option<String>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackUsageImportDto {
    /// The registration.
    pub registration: RegistrationRefDto,
    /// First day imported.
    pub from: String,
    /// Last day imported.
    pub to: String,
    /// The Stack's user subscriptions listed.
    pub user_subscriptions: u32,
    /// Usage records written.
    pub records: u32,
    /// Records the window held before and were replaced.
    pub replaced: u32,
}

/// Who a total is billed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum StackAttributionDto {
    /// The customer subscription mapped for the tenant on the registration.
    Customer,
    /// The registration (default) subscription: the tenant is not mapped.
    Default,
}

/// One meter of a total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackUsageLineDto {
    /// Local Stack meter id.
    pub meter_id: String,
    /// Meter name.
    pub meter_name: String,
    /// Unit (`vCPU Hours` for VMs: one rate for every size).
    pub unit: String,
    /// Summed quantity (decimal text).
    pub quantity: String,
    /// Price per unit, when the rate card prices the meter.
    pub rate: Option<String>,
    /// Cost at full precision with at least cents, when priced.
    pub amount: Option<String>,
}

/// Azure Stack usage of one billed subscription in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackUsageTotalDto {
    /// `YYYY-MM`.
    pub month: String,
    /// The registration whose Stack reported it.
    pub registration: RegistrationRefDto,
    /// Customer subscription or registration (default) subscription.
    pub attribution: StackAttributionDto,
    /// The subscription billed.
    pub subscription_id: String,
    /// The customer's tenant (customer attribution only).
    pub tenant_id: Option<String>,
    /// The discovered customer, when known.
    pub customer_id: Option<String>,
    /// Its company name.
    pub company_name: Option<String>,
    /// Currency of `amount`.
    pub currency: String,
    /// Sum of the priced lines (full precision, at least cents).
    pub amount: String,
    /// Lines without a price (their usage is not in `amount`).
    pub unpriced_lines: u32,
    /// Per meter.
    pub lines: Vec<StackUsageLineDto>,
}

/// A customer's rated Azure Stack usage in the newest month imported, for the Customers page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct StackCostDto {
    /// `YYYY-MM`.
    pub month: String,
    /// Rated amount, every registration added up.
    pub amount: String,
    /// Currency.
    pub currency: String,
}
