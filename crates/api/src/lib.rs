//! The operations the desktop app and the `cspdesk` CLI share, with the DTOs they
//! exchange. Tauri commands and CLI subcommands are one-line calls into this crate, so
//! both shells behave the same; its DTOs are the source of the UI's TypeScript types.
#![deny(missing_docs)]

pub mod accounts;
pub mod app_info;
pub mod bindings;
mod error;
pub mod roles;
pub mod sign_in;

pub use error::{ApiError, ErrorCode};
