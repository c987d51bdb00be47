//! One module per `cspdesk` subcommand.

pub mod account;
pub mod costs;
pub mod discover;
pub mod emulator;
pub mod export;
pub mod markup;
pub mod org;
pub mod prices;
pub mod rate;
pub mod sign_in;
pub mod stack;
pub mod stack_usage;
