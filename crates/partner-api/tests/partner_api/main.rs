//! Integration tests of the partner-api crate against the in-process emulator: sign-in flows,
//! refresh, the keyring, paging to the last page, and the failure modes Partner Center shows;
//! `links` plays a hostile Partner Center with a local stub.

mod common;
mod graph_billing;
mod keyring;
mod links;
mod login;
mod paging;
mod pricing;
mod refresh;
mod resilience;
mod samples;
mod sensitive;
mod stack_usage;
