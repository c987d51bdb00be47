//! Rating: our own figures for the usage Discovery imported, from the prices we hold (rate
//! cards and imported price sheets), reconciled against the invoice, and the costs so far.
//! The rules themselves are pure and live in `cspdesk_rating`; here they meet the database.

pub mod costs;
pub mod dto;
mod headline;
pub mod licence_check;
mod month_prices;
pub mod price_sheets;
pub mod prices;
pub mod pricing_fetch;
pub mod pricing_import;
pub mod rate;
pub mod reconcile;
mod reconcile_customer;
