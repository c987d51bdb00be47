//! Where a refresh token lives between runs: only in the OS keyring, under a random per-account
//! id, so two databases (or two accounts) never share or overwrite each other's token and the
//! database never holds a secret. The entry also carries the consent metadata (when consent was
//! given, when the token was last used) as JSON, so the Accounts page can say when the consent
//! lapses without a second store; [`TokenStore::consent`] reads it without exposing the token.
//! Access tokens are never stored. On Linux a desktop's Secret Service keeps the entry across
//! reboots and headless machines fall back to the kernel keyring; `linux_keyring` says how.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sensitive::Sensitive;

/// A refresh token lapses after this long unused (Microsoft's fixed 90-day lifetime).
pub const REFRESH_TOKEN_INACTIVITY_DAYS: i64 = 90;

/// Random, non-secret id of one partner account's keyring entry. Persist it with the account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountKey(String);

impl AccountKey {
    /// A fresh random key for a new account.
    pub fn generate() -> AccountKey {
        AccountKey(format!("account-{}", uuid::Uuid::new_v4().simple()))
    }

    /// A key read back from the database.
    pub fn from_stored(text: impl Into<String>) -> AccountKey {
        AccountKey(text.into())
    }

    /// The text to persist.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Non-secret facts about a consent, for "signed in as ... since ..., lapses on ...".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRecord {
    /// Who consented.
    pub upn: String,
    /// Partner tenant.
    pub tenant_id: String,
    /// When the interactive sign-in happened.
    pub consented_at: DateTime<Utc>,
    /// When the refresh token was last redeemed (or first issued).
    pub last_refreshed_at: DateTime<Utc>,
}

impl ConsentRecord {
    /// When the stored refresh token lapses if it is not used again.
    pub fn lapses_at(&self) -> DateTime<Utc> {
        self.last_refreshed_at + Duration::days(REFRESH_TOKEN_INACTIVITY_DAYS)
    }

    /// Whether the consent has lapsed at `now`.
    pub fn has_lapsed(&self, now: DateTime<Utc>) -> bool {
        now >= self.lapses_at()
    }
}

/// What a [`TokenStore`] keeps per account.
#[derive(Clone, Debug)]
pub struct StoredConsent {
    /// The newest refresh token.
    pub refresh_token: Sensitive<String>,
    /// Metadata about it.
    pub record: ConsentRecord,
}

/// Persistent home of refresh tokens.
pub trait TokenStore: Send + Sync {
    /// The stored consent of `key`, if any.
    fn load(&self, key: &AccountKey) -> Result<Option<StoredConsent>>;
    /// Replaces the stored consent of `key`.
    fn save(&self, key: &AccountKey, consent: &StoredConsent) -> Result<()>;
    /// Removes the entry of `key` (absent is fine).
    fn delete(&self, key: &AccountKey) -> Result<()>;
    /// The metadata only.
    fn consent(&self, key: &AccountKey) -> Result<Option<ConsentRecord>> {
        Ok(self.load(key)?.map(|c| c.record))
    }
}

/// The OS keyring: Keychain on macOS, Credential Manager on Windows; on Linux the desktop's
/// Secret Service when one answers, else the kernel keyutils user keyring (see `linux_keyring`).
#[derive(Clone, Debug)]
pub struct KeyringStore {
    service: String,
}

/// The keyring entry's JSON; the only place a refresh token is ever serialized.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    refresh_token: String,
    #[serde(flatten)]
    record: ConsentRecord,
}

impl KeyringStore {
    /// Entries under service `cspdesk`.
    pub fn new() -> KeyringStore {
        KeyringStore::with_service("cspdesk")
    }

    /// Entries under another service name (tests, side-by-side installs).
    pub fn with_service(service: impl Into<String>) -> KeyringStore {
        KeyringStore {
            service: service.into(),
        }
    }

    #[cfg(target_os = "linux")]
    fn read(&self, key: &AccountKey) -> keyring::Result<String> {
        crate::linux_keyring::get_password(&self.service, key.as_str())
    }

    #[cfg(target_os = "linux")]
    fn write(&self, key: &AccountKey, text: &str) -> keyring::Result<()> {
        crate::linux_keyring::set_password(&self.service, key.as_str(), text)
    }

    #[cfg(target_os = "linux")]
    fn remove(&self, key: &AccountKey) -> keyring::Result<()> {
        crate::linux_keyring::delete_credential(&self.service, key.as_str())
    }

    #[cfg(not(target_os = "linux"))]
    fn read(&self, key: &AccountKey) -> keyring::Result<String> {
        keyring::Entry::new(&self.service, key.as_str())?.get_password()
    }

    #[cfg(not(target_os = "linux"))]
    fn write(&self, key: &AccountKey, text: &str) -> keyring::Result<()> {
        keyring::Entry::new(&self.service, key.as_str())?.set_password(text)
    }

    #[cfg(not(target_os = "linux"))]
    fn remove(&self, key: &AccountKey) -> keyring::Result<()> {
        keyring::Entry::new(&self.service, key.as_str())?.delete_credential()
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new()
    }
}

fn keyring_error(e: keyring::Error) -> Error {
    Error::Keyring {
        detail: e.to_string(),
    }
}

impl TokenStore for KeyringStore {
    fn load(&self, key: &AccountKey) -> Result<Option<StoredConsent>> {
        let text = match self.read(key) {
            Ok(text) => Sensitive::new(text),
            Err(keyring::Error::NoEntry) => return Ok(None),
            Err(e) => return Err(keyring_error(e)),
        };
        // serde's message could quote the entry, which holds the token: keep only the position.
        let entry: Entry = serde_json::from_str(text.expose()).map_err(|e| Error::Keyring {
            detail: format!(
                "the stored entry is unreadable (line {}, column {}); sign in again",
                e.line(),
                e.column()
            ),
        })?;
        Ok(Some(StoredConsent {
            refresh_token: Sensitive::new(entry.refresh_token),
            record: entry.record,
        }))
    }

    fn save(&self, key: &AccountKey, consent: &StoredConsent) -> Result<()> {
        let entry = Entry {
            refresh_token: consent.refresh_token.expose().clone(),
            record: consent.record.clone(),
        };
        let text = Sensitive::new(serde_json::to_string(&entry).map_err(|e| Error::Keyring {
            detail: e.to_string(),
        })?);
        self.write(key, text.expose()).map_err(keyring_error)
    }

    fn delete(&self, key: &AccountKey) -> Result<()> {
        match self.remove(key) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn consent_lapses_ninety_days_after_last_use() {
        let used = Utc.with_ymd_and_hms(2026, 1, 10, 8, 0, 0).unwrap();
        let record = ConsentRecord {
            upn: "u".into(),
            tenant_id: "t".into(),
            consented_at: used,
            last_refreshed_at: used,
        };
        assert_eq!(
            record.lapses_at(),
            Utc.with_ymd_and_hms(2026, 4, 10, 8, 0, 0).unwrap(),
            "90 days after the last refresh"
        );
        assert!(
            !record.has_lapsed(record.lapses_at() - Duration::seconds(1)),
            "still valid just before"
        );
        assert!(
            record.has_lapsed(record.lapses_at()),
            "lapsed at the instant"
        );
    }

    #[test]
    fn account_keys_are_random() {
        assert_ne!(
            AccountKey::generate(),
            AccountKey::generate(),
            "two accounts must never share a keyring entry"
        );
    }
}
