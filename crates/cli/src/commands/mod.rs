//! One module per `cspdesk` subcommand.

pub mod account;
pub mod emulator;
pub mod sign_in;
