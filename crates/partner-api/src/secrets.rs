//! Secrets other than refresh tokens, such as the SAS URL that opens a Cost Management export
//! container: kept in the same OS keyring as the tokens, under the same rules (on Linux the
//! desktop's Secret Service when one answers, else the kernel user keyring; see
//! `linux_keyring`), and handed out only wrapped in [`Sensitive`]. Keys are random ids the
//! caller persists (never the secret), so two databases never share an entry.

use crate::error::{Error, Result};
use crate::sensitive::Sensitive;

/// Where secrets are kept.
pub trait SecretStore: Send + Sync {
    /// The secret stored under `key`, if any.
    fn load(&self, key: &str) -> Result<Option<Sensitive<String>>>;
    /// Stores (or replaces) the secret under `key`.
    fn save(&self, key: &str, secret: &Sensitive<String>) -> Result<()>;
    /// Removes the secret under `key` (absent is fine).
    fn delete(&self, key: &str) -> Result<()>;
}

/// The OS keyring (service `cspdesk`, like the refresh tokens).
#[derive(Clone, Debug)]
pub struct KeyringSecrets {
    service: String,
}

impl KeyringSecrets {
    /// Entries under service `cspdesk`.
    pub fn new() -> KeyringSecrets {
        KeyringSecrets::with_service("cspdesk")
    }

    /// Entries under another service name (tests, side-by-side installs).
    pub fn with_service(service: impl Into<String>) -> KeyringSecrets {
        KeyringSecrets {
            service: service.into(),
        }
    }
}

impl Default for KeyringSecrets {
    fn default() -> Self {
        KeyringSecrets::new()
    }
}

fn keyring_error(e: keyring::Error) -> Error {
    // keyring's messages name the platform failure, never the secret.
    Error::Keyring {
        detail: e.to_string(),
    }
}

#[cfg(target_os = "linux")]
impl SecretStore for KeyringSecrets {
    fn load(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match crate::linux_keyring::get_password(&self.service, key) {
            Ok(text) => Ok(Some(Sensitive::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn save(&self, key: &str, secret: &Sensitive<String>) -> Result<()> {
        crate::linux_keyring::set_password(&self.service, key, secret.expose())
            .map_err(keyring_error)
    }

    fn delete(&self, key: &str) -> Result<()> {
        match crate::linux_keyring::delete_credential(&self.service, key) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl SecretStore for KeyringSecrets {
    fn load(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match keyring::Entry::new(&self.service, key).and_then(|e| e.get_password()) {
            Ok(text) => Ok(Some(Sensitive::new(text))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    fn save(&self, key: &str, secret: &Sensitive<String>) -> Result<()> {
        keyring::Entry::new(&self.service, key)
            .and_then(|e| e.set_password(secret.expose()))
            .map_err(keyring_error)
    }

    fn delete(&self, key: &str) -> Result<()> {
        match keyring::Entry::new(&self.service, key).and_then(|e| e.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_round_trips_through_the_keyring_and_is_gone_after_delete() {
        let store = KeyringSecrets::with_service("cspdesk-test-secrets");
        let key = format!("secret-{}", uuid::Uuid::new_v4().simple());
        assert!(
            store.load(&key).unwrap().is_none(),
            "a fresh key holds nothing"
        );
        let secret = Sensitive::new("https://a.blob.core.windows.net/c?sig=s3cr3t".to_string());
        store.save(&key, &secret).unwrap();
        assert_eq!(store.load(&key).unwrap().as_ref(), Some(&secret));
        store.delete(&key).unwrap();
        assert!(store.load(&key).unwrap().is_none(), "deleted");
        store.delete(&key).unwrap();
    }
}
