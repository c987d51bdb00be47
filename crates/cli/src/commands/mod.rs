//! One module per `cspdesk` subcommand.

pub mod account;
pub mod discover;
pub mod emulator;
pub mod org;
pub mod sign_in;
