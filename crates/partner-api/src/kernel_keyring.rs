//! The Linux fallback behind [`crate::KeyringStore`] when no Secret Service answers (headless
//! machines, CI; see `linux_keyring`): a `keyring` credential kept in the kernel
//! keyutils *user* keyring. keyring's own keyutils credential adds to the session keyring and
//! links into the persistent keyring; in CI containers and headless sessions the process does
//! not possess that session keyring, so every write fails (reported as `NoEntry`). The user
//! keyring belongs to the uid and is shared by its processes until logout or reboot, which is
//! what a desktop session and a test run both need.

use std::any::Any;

use keyring::credential::CredentialApi;
use keyring::Error as KeyringError;
use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};

/// One secret in the user keyring, described as `{service}:{user}`.
#[derive(Debug)]
pub(crate) struct UserKeyringCredential {
    description: String,
}

impl UserKeyringCredential {
    pub(crate) fn new(service: &str, user: &str) -> UserKeyringCredential {
        UserKeyringCredential {
            description: format!("{service}:{user}"),
        }
    }

    fn keyring() -> keyring::Result<KeyRing> {
        KeyRing::from_special_id(KeyRingIdentifier::User, true).map_err(failure)
    }
}

fn failure(e: KeyError) -> KeyringError {
    match e {
        // The kernel reports a missing key in several ways depending on timing (as keyring notes).
        KeyError::KeyDoesNotExist | KeyError::KeyRevoked | KeyError::KeyExpired => {
            KeyringError::NoEntry
        }
        other => KeyringError::PlatformFailure(Box::new(other)),
    }
}

impl CredentialApi for UserKeyringCredential {
    fn set_secret(&self, secret: &[u8]) -> keyring::Result<()> {
        if secret.is_empty() {
            return Err(KeyringError::Invalid(
                "secret".into(),
                "cannot be empty".into(),
            ));
        }
        // add_key replaces the payload of an existing key with the same description.
        Self::keyring()?
            .add_key(&self.description, secret)
            .map(|_| ())
            .map_err(failure)
    }

    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        let key = Self::keyring()?
            .search(&self.description)
            .map_err(failure)?;
        key.read_to_vec().map_err(failure)
    }

    fn delete_credential(&self) -> keyring::Result<()> {
        let key = Self::keyring()?
            .search(&self.description)
            .map_err(failure)?;
        key.invalidate().map_err(failure)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
