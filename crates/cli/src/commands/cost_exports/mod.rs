//! `cspdesk costs`: cost export sources, their import and the split costs.

pub mod costs;
