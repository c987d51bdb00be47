//! End-to-end tests of the `cspdesk` binary: real process, real SQLite file.

mod account;
mod sign_in;
