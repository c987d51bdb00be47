//! Secrets (access and refresh tokens, authorization codes, PKCE verifiers) travel wrapped so a
//! stray `{:?}`, log line or error message cannot leak them, and so they can never be written
//! out through serde by accident: [`Sensitive`] deliberately has no `Serialize` impl.
//!
//! ```compile_fail
//! // Does not compile: a secret cannot be serialized.
//! let token = cspdesk_partner_api::Sensitive::new(String::from("eyJ..."));
//! serde_json::to_string(&token).unwrap();
//! ```

use std::fmt;

/// A secret value that prints as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Sensitive(value)
    }

    /// The secret itself, for the one place that must send it (an HTTP header, the keyring).
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the secret.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive([redacted])")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Sensitive(value)
    }
}
