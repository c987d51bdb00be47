//! The error every operation returns to a shell: a small code the UI branches on and a
//! message that says what happened and what to do. The UI never parses the message.

use cspdesk_partner_api::{StackRefusal, UsageRefusal};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure happened; the UI picks its reaction from this alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum ErrorCode {
    /// An input is not acceptable; `field` names it.
    Validation,
    /// A unique value is already taken; `field` names it.
    Duplicate,
    /// The thing asked for does not exist (any more).
    NotFound,
    /// The database file belongs to a newer CSP Desk.
    NewerDatabase,
    /// The database could not be opened or written.
    Storage,
    /// The database is being upgraded for this version of CSP Desk: wait, then try again.
    Upgrading,
    /// An unexpected failure inside CSP Desk (a bug); the message says where.
    Internal,
    /// The account is not signed in: offer "Login with Microsoft".
    NotSignedIn,
    /// The sign-in lapsed or was revoked: offer "Sign in again".
    ConsentExpired,
    /// The user declined consent on Microsoft's page.
    ConsentDenied,
    /// Microsoft refused the sign-in, or the wrong tenant signed in.
    SignInFailed,
    /// The sign-in timed out or no browser could be used.
    SignInAborted,
    /// The user (or a newer sign-in) cancelled the sign-in: nothing to show.
    SignInCancelled,
    /// Microsoft refused the credentials even after a fresh token (wrong role or host).
    Unauthorized,
    /// Partner Center requires MFA and the sign-in had none.
    MfaRequired,
    /// The signed-in user may not do this (403), or the partner has no relationship.
    Forbidden,
    /// Microsoft is throttling; the message says how long to wait.
    Throttled,
    /// Microsoft is unavailable (5xx, timeouts) after retries.
    Unavailable,
    /// Microsoft answered something malformed; the message names endpoint and field.
    BadResponse,
    /// The OS keyring failed.
    Keyring,
    /// An import of the same kind and source (Discovery, a cost export source, a Stack
    /// registration's usage) is already running for the account, here or in another process.
    AlreadyRunning,
    /// A cost export source's SAS expired or was refused by Azure Storage: offer "Renew SAS".
    SasExpired,
}

/// An error as it crosses to the UI: `{code, message, field}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{message}")]
pub struct ApiError {
    /// The kind of failure.
    pub code: ErrorCode,
    /// What happened and what to do, in words for the user.
    pub message: String,
    /// The input field at fault, when there is one (`name`, `tenantId`, ...).
    pub field: Option<String>,
}

impl ApiError {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>, field: Option<&str>) -> Self {
        Self {
            code,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }
}

impl From<cspdesk_store::Error> for ApiError {
    fn from(e: cspdesk_store::Error) -> Self {
        use cspdesk_store::Error as E;
        let message = e.to_string();
        match e {
            E::Invalid { field, .. } => Self::new(ErrorCode::Validation, message, Some(field)),
            E::Duplicate { field, .. } => Self::new(ErrorCode::Duplicate, message, Some(field)),
            E::NotFound { .. } => Self::new(ErrorCode::NotFound, message, None),
            E::NewerSchema { .. } => Self::new(ErrorCode::NewerDatabase, message, None),
            E::NoDataDir | E::CreateDir { .. } | E::BadMoney { .. } | E::Sqlite(_) => {
                Self::new(ErrorCode::Storage, message, None)
            }
        }
    }
}

impl From<cspdesk_partner_api::Error> for ApiError {
    fn from(e: cspdesk_partner_api::Error) -> Self {
        use cspdesk_partner_api::Error as E;
        let message = e.to_string();
        let (code, field) = match &e {
            E::NotSignedIn => (ErrorCode::NotSignedIn, None),
            E::ConsentExpired { .. } => (ErrorCode::ConsentExpired, None),
            E::Unauthorized { .. } => (ErrorCode::Unauthorized, None),
            E::SignInCancelled => (ErrorCode::SignInCancelled, None),
            E::ConsentDenied { .. } => (ErrorCode::ConsentDenied, None),
            E::SignInFailed { .. } | E::StateMismatch => (ErrorCode::SignInFailed, None),
            E::SignInAborted { .. } => (ErrorCode::SignInAborted, None),
            E::MfaRequired => (ErrorCode::MfaRequired, None),
            E::Forbidden { .. }
            | E::NoRelationship { .. }
            | E::GraphConsent { .. }
            | E::PricingRole { .. }
            | E::PricingConsent { .. } => (ErrorCode::Forbidden, None),
            E::NotFound { .. } => (ErrorCode::NotFound, None),
            E::Throttled { .. } => (ErrorCode::Throttled, None),
            E::Unavailable { .. } | E::SasExpired { .. } | E::ExportFailed { .. } => {
                (ErrorCode::Unavailable, None)
            }
            E::Rejected { .. } => (ErrorCode::Internal, None),
            E::BadResponse { .. } => (ErrorCode::BadResponse, None),
            E::InvalidSettings { setting, .. } => (ErrorCode::Validation, Some(setting.as_str())),
            E::Keyring { .. } => (ErrorCode::Keyring, None),
            E::AzureStack { refusal, .. } => {
                let (code, field) = stack_refusal_code(*refusal);
                (code, Some(field))
            }
            E::StackUsage { refusal, .. } => {
                let (code, field) = usage_refusal_code(*refusal);
                (code, Some(field))
            }
        };
        Self::new(code, message, field)
    }
}

/// The ApiError code and field each documented Azure Stack refusal reaches the UI with.
fn stack_refusal_code(refusal: StackRefusal) -> (ErrorCode, &'static str) {
    match refusal {
        StackRefusal::RegistrationNotFound => (ErrorCode::NotFound, "registration"),
        StackRefusal::CustomerSubscriptionNotFound => (ErrorCode::NotFound, "subscriptionId"),
        StackRefusal::BadCustomerSubscriptionId
        | StackRefusal::InvalidCustomerSubscriptionId
        | StackRefusal::InvalidCspSubscription => (ErrorCode::Validation, "subscriptionId"),
        StackRefusal::UnauthorizedCspRegistration
        | StackRefusal::CustomerSubscriptionsNotAllowed => (ErrorCode::Forbidden, "registration"),
        StackRefusal::MetadataResolverBadGateway => (ErrorCode::Unavailable, "subscriptionId"),
    }
}

/// The ApiError code and field each documented Stack usage refusal reaches the UI with.
fn usage_refusal_code(refusal: UsageRefusal) -> (ErrorCode, &'static str) {
    match refusal {
        UsageRefusal::ServiceUnavailable => (ErrorCode::Unavailable, "registration"),
        UsageRefusal::NoApiVersion | UsageRefusal::SubscriptionIdMissingInRequest => {
            (ErrorCode::Validation, "endpoint")
        }
        UsageRefusal::SubscriberIdIsNotDirectTenant => (ErrorCode::Validation, "subscriberId"),
        UsageRefusal::InvalidProperty
        | UsageRefusal::RequestEndTimeIsInFuture
        | UsageRefusal::InvalidAggregationGranularity => (ErrorCode::Validation, "to"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crosses_as_code_message_field() {
        let e = ApiError::from(cspdesk_store::Error::Invalid {
            field: "tenantId",
            message: "bad".into(),
        });
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "Validation", "message": "bad", "field": "tenantId"})
        );
    }
}
