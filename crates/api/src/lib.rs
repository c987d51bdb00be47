//! The operations the desktop app and the `cspdesk` CLI share, with the DTOs they
//! exchange. Tauri commands and CLI subcommands are one-line calls into this crate, so
//! both shells behave the same; its DTOs are the source of the UI's TypeScript types.
//!
//! One folder per feature a user can name; `shared` holds what every feature stands on.
//! Features depend on `shared` and on features below them, never in a cycle
//! (`tests/api/feature_cycles.rs` fails on one).
#![deny(missing_docs)]

pub mod accounts;
pub mod azure_stack;
pub mod billing;
pub mod bindings;
pub mod cost_exports;
pub mod customers;
pub mod dashboard;
pub mod discovery;
pub mod imports;
pub mod prices;
pub mod rating;
pub mod shared;

pub use shared::database::lock;
pub use shared::errors::{ApiError, ErrorCode};
