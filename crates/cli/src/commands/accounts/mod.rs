//! `cspdesk account`, `login`, `logout`, `whoami` and `sandbox`: partner accounts and signing in.

pub mod account;
pub mod sign_in;
