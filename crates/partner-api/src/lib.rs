//! Microsoft identity and Partner Center for CSP Desk: signing a partner user in (authorization
//! code + PKCE through the system browser, or the device code on a headless machine), keeping the
//! refresh token in the OS keyring, and calling Partner Center with paging, retries, throttling and
//! errors the UI can branch on. No Tauri here: the app and the CLI both sit on top of this crate.
//!
//! The usual path:
//! 1. [`ApiSettings`] per partner account (defaults are Microsoft's real endpoints).
//! 2. [`sign_in_with_browser`] (or [`sign_in_with_device_code`]) yields a [`TokenSet`].
//! 3. [`Session::start`] stores its refresh token in a [`TokenStore`] ([`KeyringStore`]).
//! 4. [`PartnerCenter::new`] calls the API as that session; 401s refresh it once.
#![deny(missing_docs)]

mod arm;
mod authority;
mod azure_stack;
mod backoff;
mod bearer;
mod body;
mod claims;
mod client;
mod customers;
mod decimal;
mod device_code;
pub mod earned_credit;
mod error;
pub mod graph_billing;
mod invoices;
#[cfg(target_os = "linux")]
mod kernel_keyring;
mod line_items;
#[cfg(target_os = "linux")]
mod linux_keyring;
mod login;
mod paging;
pub mod pricing;
mod ratecard;
mod redirect;
mod resource_call;
mod secrets;
mod sensitive;
mod session;
mod settings;
mod stack_usage;
mod subscriptions;
mod tokens;
mod utilization;

pub use arm::{Arm, ArmAnswer, ArmErrorBody, ArmFailure};
pub use authority::{
    redeem_code, sign_in_scopes, AuthorizationRequest, Resource, TokenSet, ARM_SCOPE,
    GRAPH_BILLING_SCOPE, PRICING_SCOPE,
};
pub use azure_stack::{
    customer_subscription_id, AzureStack, CustomerSubscription, Listing, RegistrationRef,
    StackRefusal, StackRegistration, AZURE_STACK_API_VERSION,
};
pub use backoff::RetryPolicy;
pub use claims::{roles, SignedInUser};
pub use client::{CallEvent, CallObserver, ClientOptions, PartnerCenter};
pub use customers::{CompanyProfile, Customer};
pub use device_code::{sign_in_with_device_code, DeviceCodePrompt};
pub use error::{Error, ErrorCode, Result};
pub use graph_billing::GraphBilling;
pub use invoices::{Invoice, InvoiceDetail};
pub use line_items::{
    BilledLineItem, DailyRatedUsageLineItem, LegacyLineItem, LineItem, LineItemQuery,
    UnbilledPeriod, MAX_LINE_ITEM_PAGE,
};
pub use login::{sign_in_with_browser, BrowserSignIn};
pub use paging::{Continuation, Link, LinkHeader, Page, PageGuard, SetAside};
pub use ratecard::{Meter, OfferTerm, RateCard};
pub use secrets::{KeyringSecrets, SecretStore};
pub use sensitive::Sensitive;
pub use session::{Clock, Session, PERSIST_RETRY_INTERVAL};
pub use settings::{default_scopes, ApiSettings, DEFAULT_GRAPH, DEFAULT_PRICING};
pub use stack_usage::{
    Granularity, StackAdmin, StackUserSubscription, UsageAggregate, UsageRefusal, UsageWindow,
    STACK_SUBSCRIPTIONS_API_VERSION, STACK_USAGE_API_VERSION,
};
pub use subscriptions::{AzureEntitlement, Subscription, SubscriptionLinks};
pub use tokens::{
    AccountKey, ConsentRecord, KeyringStore, StoredConsent, TokenStore,
    REFRESH_TOKEN_INACTIVITY_DAYS,
};
pub use utilization::{
    UtilizationQuery, UtilizationRecord, UtilizationResource, MAX_UTILIZATION_PAGE,
};
