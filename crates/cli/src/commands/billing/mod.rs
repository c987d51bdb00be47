//! `cspdesk export`: billing tables to CSV and FOCUS.

pub mod export;
