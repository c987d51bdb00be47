//! `cspdesk prices`, `rate` and `reconcile`: price sheets, rating and reconciliation.

pub mod prices;
pub mod rate;
