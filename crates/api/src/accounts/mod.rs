//! Partner accounts: the accounts themselves, their sign-in settings, signing in and out
//! with Microsoft (or the sandbox partner the emulator plays), and what the app tells the
//! user about itself and their access.

pub mod app_info;
pub mod database_opening;
pub mod dto;
pub(crate) mod endpoints;
pub mod login;
pub mod partner_accounts;
#[cfg(feature = "sandbox")]
pub mod sandbox;
#[cfg(not(feature = "sandbox"))]
#[path = "no_sandbox.rs"]
pub mod sandbox;
pub mod settings;
