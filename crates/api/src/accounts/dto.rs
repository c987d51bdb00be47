//! What the account operations exchange with the shells: partner accounts, their sign-in
//! settings, sign-in events and what the app says about itself.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::shared::roles::Access;
use crate::shared::sign_in::SignInStatus;

/// A partner account as shown in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountDto {
    /// Stable id (also keys the keyring entry).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Partner tenant GUID, lower case.
    pub tenant_id: String,
    /// When it was added, RFC 3339 UTC.
    pub created_at: String,
    /// Whether it is the sandbox partner served by the embedded emulator.
    pub sandbox: bool,
    /// Whether someone is signed in, and until when.
    pub sign_in: SignInStatus,
}

/// What the user types to add an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NewAccount {
    /// Display name.
    pub name: String,
    /// Partner tenant GUID as typed.
    pub tenant_id: String,
}

/// An account's sign-in settings as the settings form shows and sends them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountSettingsDto {
    /// Identity authority, e.g. `https://login.microsoftonline.com`.
    pub authority: String,
    /// The partner's registered native app (client) id; empty until set.
    pub client_id: String,
    /// Partner Center REST base.
    pub partner_center_base: String,
    /// Azure Resource Manager base.
    pub arm_base: String,
    /// Microsoft Graph base with its version; absent keeps the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub graph_base: Option<String>,
    /// The Pricing API base with its version; absent keeps the stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pricing_base: Option<String>,
}

/// What the status bar shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    /// CSP Desk version.
    pub version: String,
    /// The database file in use.
    pub database_path: String,
    /// What the signed-in user may do: Finance hides adding, removing and settings.
    pub access: Access,
    /// Who makes the app read-only, in words (empty for Admin).
    pub access_reason: String,
    /// The database file was opened read-only (`--read-only`): browse and export only.
    pub read_only_database: bool,
}

/// What a browser sign-in tells the page while it waits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum LoginEvent {
    /// The authorize page is ready; `opened` says whether the system browser took it.
    BrowserOpened {
        /// Microsoft's (or the emulator's) sign-in page for this attempt.
        url: String,
        /// False when no browser could be started: the page offers the link instead.
        opened: bool,
    },
}
