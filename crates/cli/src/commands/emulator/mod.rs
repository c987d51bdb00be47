//! `cspdesk emulator`: serve the Microsoft cloud emulator.

pub mod serve;
