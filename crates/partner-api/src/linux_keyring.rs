//! Where [`crate::KeyringStore`] keeps a token on Linux. The kernel keyring works everywhere
//! but is emptied at logout and reboot, so on a desktop every reboot would mean signing in
//! again; the desktop's Secret Service (gnome-keyring, KWallet) keeps secrets on disk, encrypted
//! with the login password. Headless machines and CI have no session bus and keep using the
//! kernel user keyring (see `kernel_keyring`).
//!
//! - **Choice.** The Secret Service is used when `DBUS_SESSION_BUS_ADDRESS` is set and the
//!   service answers within [`PROBE_TIMEOUT`]; otherwise the kernel keyring, exactly as before.
//!   Without that variable no D-Bus call is made at all (libdbus would otherwise try to
//!   autolaunch a bus), so a headless start never waits. The answer holds for the process.
//! - **Reads** try the Secret Service, then the kernel keyring, so a token saved before the
//!   desktop keyring was available (or by a headless run) is still found.
//! - **Saves** go to the Secret Service and then remove the kernel copy of that key, so no
//!   older copy of a refresh token outlives its replacement.
//! - **Deletes** remove the entry from both.
//! - **Failures** of an answering Secret Service (say, the unlock prompt was dismissed) are
//!   reported, not papered over with the kernel keyring, so a token never silently lands in the
//!   store that forgets it at reboot.
//!
//! Nothing records which store holds a token: the read order makes a record unnecessary, and a
//! secret never goes anywhere but the keyrings themselves.

use std::sync::OnceLock;
use std::time::Duration;

use dbus::blocking::stdintf::org_freedesktop_dbus::Properties;
use dbus::blocking::Connection;
use keyring::secret_service::SsCredential;
use keyring::{Entry, Error as KeyringError};

use crate::kernel_keyring::UserKeyringCredential;

/// How long a session bus gets to show that a Secret Service answers. Long enough for the bus
/// to start an activatable gnome-keyring, short enough that a broken bus barely delays start-up.
pub(crate) const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

const SECRETS_NAME: &str = "org.freedesktop.secrets";
const SECRETS_PATH: &str = "/org/freedesktop/secrets";
const SECRETS_INTERFACE: &str = "org.freedesktop.Secret.Service";

/// Reads the entry of `user`, wherever it was stored.
pub(crate) fn get_password(service: &str, user: &str) -> keyring::Result<String> {
    if secret_service_answers() {
        match desktop(service, user)?.get_password() {
            Err(KeyringError::NoEntry) => {}
            found_or_failed => return found_or_failed,
        }
    }
    kernel(service, user).get_password()
}

/// Stores the entry of `user` in the most durable store available.
pub(crate) fn set_password(service: &str, user: &str, text: &str) -> keyring::Result<()> {
    if !secret_service_answers() {
        return kernel(service, user).set_password(text);
    }
    desktop(service, user)?.set_password(text)?;
    if let Err(e) = absent_is_fine(kernel(service, user).delete_credential()) {
        // The new token is saved and is what reads find first; failing the save here would
        // make the caller think it was lost. The kernel copy goes at logout anyway.
        tracing::warn!(error = %e, "could not remove an older token copy from the kernel keyring");
    }
    Ok(())
}

/// Removes the entry of `user` from every store (absent is fine).
pub(crate) fn delete_credential(service: &str, user: &str) -> keyring::Result<()> {
    let from_desktop = if secret_service_answers() {
        absent_is_fine(desktop(service, user)?.delete_credential())
    } else {
        Ok(())
    };
    // Both are attempted before reporting, so one failing store never keeps the other's copy.
    let from_kernel = absent_is_fine(kernel(service, user).delete_credential());
    from_desktop.and(from_kernel)
}

fn absent_is_fine(outcome: keyring::Result<()>) -> keyring::Result<()> {
    match outcome {
        Err(KeyringError::NoEntry) => Ok(()),
        other => other,
    }
}

fn desktop(service: &str, user: &str) -> keyring::Result<Entry> {
    // No target: items go to the default collection ("login"), which the desktop unlocks at login.
    let credential = SsCredential::new_with_target(None, service, user)?;
    Ok(Entry::new_with_credential(Box::new(credential)))
}

fn kernel(service: &str, user: &str) -> Entry {
    Entry::new_with_credential(Box::new(UserKeyringCredential::new(service, user)))
}

fn secret_service_answers() -> bool {
    static ANSWERS: OnceLock<bool> = OnceLock::new();
    *ANSWERS.get_or_init(|| {
        let answers = probe();
        tracing::debug!(
            secret_service = answers,
            "chose the Linux keyring for refresh tokens"
        );
        answers
    })
}

fn probe() -> bool {
    let has_bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty());
    if !has_bus {
        return false;
    }
    let Ok(connection) = Connection::new_session() else {
        return false;
    };
    // Reading a property of the Service interface proves a Secret Service (not just any owner
    // of the name) is there; the call also starts an activatable one.
    connection
        .with_proxy(SECRETS_NAME, SECRETS_PATH, PROBE_TIMEOUT)
        .get::<Vec<dbus::Path<'static>>>(SECRETS_INTERFACE, "Collections")
        .is_ok()
}
