//! The one error type of the crate. Each variant is a situation the UI handles differently
//! (sign in again, wait, retry later, report a bug), so the UI branches on [`Error::code`] and
//! shows the message, which always says what to do. No message ever carries a token.

use std::time::Duration;

use serde::Serialize;

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Microsoft.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No refresh token is stored for the account.
    #[error("This account is not signed in. Choose \"Login with Microsoft\" to sign in.")]
    NotSignedIn,
    /// The refresh token was rejected (90 days unused, revoked, password changed).
    #[error("The Microsoft sign-in for this account has lapsed ({detail}). Sign in again.")]
    ConsentExpired {
        /// Microsoft's reason, e.g. `invalid_grant: AADSTS700082 ...`.
        detail: String,
    },
    /// The user pressed Deny (or closed consent) on Microsoft's page.
    #[error("Consent was declined on Microsoft's sign-in page ({detail}). Sign in again and choose Accept to let CSP Desk read Partner Center.")]
    ConsentDenied {
        /// The `error` / `error_description` Microsoft returned.
        detail: String,
    },
    /// Microsoft refused to exchange the code or device code for tokens.
    #[error("Microsoft refused the sign-in ({detail}). Sign in again; if it keeps failing, check the account's client id and tenant.")]
    SignInFailed {
        /// The OAuth error code and description.
        detail: String,
    },
    /// The sign-in was cancelled on purpose through its cancellation token (the user pressed
    /// Cancel). Not a failure: the UI returns to where it was, without an error banner.
    #[error("The sign-in was cancelled. Start it again when you are ready.")]
    SignInCancelled,
    /// The sign-in could not finish: it ran past its timeout, the browser could not be opened,
    /// the loopback listener could not be bound, or the device code expired.
    #[error("Sign-in did not finish ({reason}). Start it again when you are ready.")]
    SignInAborted {
        /// What stopped it, e.g. `timed out after 300 s`.
        reason: String,
    },
    /// The browser came back with a `state` this sign-in did not send (possible CSRF).
    #[error("The sign-in response did not match the request CSRF check (state mismatch) and was ignored. Start the sign-in again.")]
    StateMismatch,
    /// Partner Center requires MFA and the token has no `mfa` claim (401/900421).
    #[error(
        "Partner Center requires multi-factor authentication. Sign in again and complete MFA."
    )]
    MfaRequired,
    /// Partner Center kept answering 401 after a fresh token.
    #[error("Partner Center rejected the credentials for {endpoint} ({detail}). Sign in again.")]
    Unauthorized {
        /// Path called.
        endpoint: String,
        /// Partner Center's description.
        detail: String,
    },
    /// 403: the signed-in user's roles do not allow this call.
    #[error("Partner Center denied access to {endpoint} ({detail}). Ask a partner admin for the needed role.")]
    Forbidden {
        /// Path called.
        endpoint: String,
        /// Partner Center's description.
        detail: String,
    },
    /// 403/20002: the partner has no commerce relationship with the customer.
    #[error("The partner has no relationship with this customer ({endpoint}). It is skipped; re-establish the reseller relationship to include it.")]
    NoRelationship {
        /// Path called.
        endpoint: String,
    },
    /// 404.
    #[error("Partner Center has no {endpoint}. It may have been removed; refresh the list.")]
    NotFound {
        /// Path called.
        endpoint: String,
    },
    /// 429 persisted beyond the retry budget.
    #[error("Partner Center is throttling {endpoint}. Try again in {} s.", retry_after.as_secs())]
    Throttled {
        /// Path called.
        endpoint: String,
        /// The last Retry-After Microsoft asked for.
        retry_after: Duration,
    },
    /// 5xx, timeouts or dropped connections persisted beyond the retry budget.
    #[error("Microsoft is unavailable for {endpoint} ({detail}). Try again later.")]
    Unavailable {
        /// Path or URL called.
        endpoint: String,
        /// Status or transport failure.
        detail: String,
    },
    /// Another 4xx Partner Center answered (400, 409, ...).
    #[error("Partner Center rejected the request to {endpoint}: {status} {code} {detail}. This is likely a CSP Desk bug; please report it.")]
    Rejected {
        /// Path called.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// Partner Center error code (`800002`, ...).
        code: String,
        /// Partner Center's description.
        detail: String,
    },
    /// The body did not have the documented shape.
    #[error("Partner Center sent an unexpected answer from {endpoint} at `{field}`: {detail}. Retry later; if it persists, report it.")]
    BadResponse {
        /// Path called.
        endpoint: String,
        /// JSON path of the offending field (`items[3].quantity`), or `.` for the whole body.
        field: String,
        /// What was wrong.
        detail: String,
    },
    /// Settings that must not be used (e.g. plain http to a remote host).
    #[error("Invalid account setting `{setting}`: {detail}. Fix it in the account settings.")]
    InvalidSettings {
        /// Setting name.
        setting: String,
        /// What was wrong.
        detail: String,
    },
    /// The OS keyring failed.
    #[error("The system keyring failed ({detail}). Unlock the keyring and try again.")]
    Keyring {
        /// The keyring's message.
        detail: String,
    },
    /// Azure Stack Hub refused a registration call with one of its documented codes.
    #[error("{}. {}. ({detail})", capitalized(refusal.meaning()), refusal.remedy())]
    AzureStack {
        /// Which documented refusal.
        refusal: crate::azure_stack::StackRefusal,
        /// Azure's code and message.
        detail: String,
    },
    /// Microsoft Graph refused the partner billing exports: the app lacks the admin-consented
    /// delegated permission `PartnerBilling.Read.All` (or the user lacks a billing role).
    #[error("Microsoft Graph refused the partner billing exports ({detail}). The partner's Global Administrator must grant admin consent for the Microsoft Graph delegated permission PartnerBilling.Read.All to the app registration (Entra admin center > App registrations > API permissions), and the signed-in user needs the Admin agent or Billing admin role in Partner Center; then sign in again.")]
    GraphConsent {
        /// Microsoft's code and message.
        detail: String,
    },
    /// The Pricing API refused the signed-in user: it serves price sheets and FX rates only
    /// to Partner Center's Admin agents and Sales agents.
    #[error("The Pricing API refused the signed-in user ({detail}). Price sheets and FX rates need the Admin agent or Sales agent role in Partner Center: ask the partner's admin to give the user one of them (Partner Center > Account settings > User management), then try again.")]
    PricingRole {
        /// Microsoft's code and message.
        detail: String,
    },
    /// No consent to the Pricing API: the sign-in never asked for it, or the app registration
    /// lacks the permission.
    #[error("Microsoft Partner (the Pricing API) was not consented to ({detail}). The app registration needs the delegated permission user_impersonation of the API \"Microsoft Partner\" (https://api.partner.microsoft.com, application id 4990cffe-04e8-4e8b-808a-1175604b879f) in Entra admin center > App registrations > API permissions, with admin consent granted for the partner (Grant admin consent); or sign in again with the browser and consent.")]
    PricingConsent {
        /// Microsoft's code and message.
        detail: String,
    },
    /// A billing export's blob link was refused (its SAS expired or was revoked): the export
    /// must be asked for again, which brings a fresh link.
    #[error("The download link of {blob} expired before it was read (Azure Storage answered {status}). The export is asked for again.")]
    SasExpired {
        /// The blob's name (never its link).
        blob: String,
        /// HTTP status.
        status: u16,
    },
    /// Microsoft failed to prepare a billing export for a reason other than "no data".
    #[error("Microsoft could not prepare {export} ({code}: {message}). Try again later.")]
    ExportFailed {
        /// Which export, in words.
        export: String,
        /// The failed operation's code.
        code: String,
        /// Its message.
        message: String,
    },
    /// An Azure Stack Hub's usage API refused a call with one of its documented codes.
    #[error("{}. {}. ({detail})", capitalized(refusal.meaning()), refusal.remedy())]
    StackUsage {
        /// Which documented refusal.
        refusal: crate::stack_usage::UsageRefusal,
        /// The Stack's code and message, or the check that stopped the call.
        detail: String,
    },
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A small, stable code per [`Error`] variant for the UI to branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub enum ErrorCode {
    NotSignedIn,
    ConsentExpired,
    ConsentDenied,
    SignInFailed,
    SignInCancelled,
    SignInAborted,
    StateMismatch,
    MfaRequired,
    Unauthorized,
    Forbidden,
    NoRelationship,
    NotFound,
    Throttled,
    Unavailable,
    Rejected,
    BadResponse,
    InvalidSettings,
    Keyring,
    AzureStack,
    StackUsage,
    GraphConsent,
    PricingRole,
    PricingConsent,
    SasExpired,
    ExportFailed,
}

impl Error {
    /// The variant as a stable code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotSignedIn => ErrorCode::NotSignedIn,
            Error::ConsentExpired { .. } => ErrorCode::ConsentExpired,
            Error::ConsentDenied { .. } => ErrorCode::ConsentDenied,
            Error::SignInFailed { .. } => ErrorCode::SignInFailed,
            Error::SignInCancelled => ErrorCode::SignInCancelled,
            Error::SignInAborted { .. } => ErrorCode::SignInAborted,
            Error::StateMismatch => ErrorCode::StateMismatch,
            Error::MfaRequired => ErrorCode::MfaRequired,
            Error::Unauthorized { .. } => ErrorCode::Unauthorized,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::NoRelationship { .. } => ErrorCode::NoRelationship,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Throttled { .. } => ErrorCode::Throttled,
            Error::Unavailable { .. } => ErrorCode::Unavailable,
            Error::Rejected { .. } => ErrorCode::Rejected,
            Error::BadResponse { .. } => ErrorCode::BadResponse,
            Error::InvalidSettings { .. } => ErrorCode::InvalidSettings,
            Error::Keyring { .. } => ErrorCode::Keyring,
            Error::AzureStack { .. } => ErrorCode::AzureStack,
            Error::StackUsage { .. } => ErrorCode::StackUsage,
            Error::GraphConsent { .. } => ErrorCode::GraphConsent,
            Error::PricingRole { .. } => ErrorCode::PricingRole,
            Error::PricingConsent { .. } => ErrorCode::PricingConsent,
            Error::SasExpired { .. } => ErrorCode::SasExpired,
            Error::ExportFailed { .. } => ErrorCode::ExportFailed,
        }
    }

    /// Whether the user must sign in again before anything else works.
    pub fn needs_sign_in(&self) -> bool {
        matches!(
            self.code(),
            ErrorCode::NotSignedIn
                | ErrorCode::ConsentExpired
                | ErrorCode::MfaRequired
                | ErrorCode::Unauthorized
        )
    }

    pub(crate) fn invalid_settings(setting: &str, detail: impl Into<String>) -> Error {
        Error::InvalidSettings {
            setting: setting.to_string(),
            detail: detail.into(),
        }
    }
}

/// The UI receives `{"code": "...", "message": "..."}`: a code to branch on, a sentence to show.
impl Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Error", 2)?;
        s.serialize_field("code", &self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_small_stable_strings() {
        let code = Error::Throttled {
            endpoint: "/v1/customers".into(),
            retry_after: Duration::from_secs(30),
        }
        .code();
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            "\"throttled\"",
            "the UI matches on this exact string"
        );
        assert!(
            Error::ConsentExpired { detail: "x".into() }.needs_sign_in(),
            "a lapsed consent sends the user to sign in"
        );
        assert!(
            !Error::NotFound {
                endpoint: "/v1/x".into()
            }
            .needs_sign_in(),
            "a missing resource is not a sign-in problem"
        );
        assert_eq!(
            serde_json::to_string(&Error::SignInCancelled.code()).unwrap(),
            "\"signInCancelled\"",
            "the UI tells a deliberate cancel from a timeout by this code, not by the message"
        );
        assert_ne!(
            Error::SignInCancelled.code(),
            Error::SignInAborted {
                reason: "timed out after 300 s".into()
            }
            .code(),
            "cancel and timeout are different codes"
        );
        assert!(
            !Error::SignInCancelled.needs_sign_in(),
            "cancelling is not a lapsed sign-in"
        );
        let json = serde_json::to_value(Error::MfaRequired).unwrap();
        assert_eq!(json["code"], "mfaRequired", "the UI branches on code");
        assert!(
            json["message"].as_str().unwrap().contains("Sign in again"),
            "and shows a message saying what to do: {json}"
        );
    }
}
