//! Integration tests of the emulator over real HTTP: one binary, one module per concern.

mod azure_stack;
mod common;
mod determinism;
mod exports;
mod faults;
mod graph;
mod headers;
mod identity;
mod invoices;
mod mfa;
mod paging;
mod parity;
mod pricing;
mod stack_admin;
mod throttling;
mod tls;
