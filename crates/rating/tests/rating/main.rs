//! The rating crate driven through its public API: tier properties, price files, rating,
//! markups and reconciliation.

mod customer_period;
mod markup;
mod monthly;
mod price;
mod pricing_api;
mod rate;
mod reconcile;
mod support;
mod tiers;
