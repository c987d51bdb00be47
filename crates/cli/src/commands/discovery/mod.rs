//! `cspdesk discover`: Discovery from the command line.

pub mod discover;
