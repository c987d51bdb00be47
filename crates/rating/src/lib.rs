//! CSP Desk's rating core: what Microsoft charges the partner for Azure usage, what the
//! partner charges its customers, and why the invoice differs from our figures. Pure
//! functions over plain data: no database, no network, no clock (dates are passed in).
//! Money is `rust_decimal::Decimal` throughout, never `f64`.
//!
//! - [`tiers`]: graduated tier tables and cumulative costs.
//! - [`period`]: billing periods (calendar month, or a partner start day).
//! - [`price`]: price files (rate card, Azure plan price list, Retail Prices API, the
//!   partner's own sheet) and the [`price::PriceBook`] that answers by effective date.
//! - [`rate`]: a meter's usage records in a period → one rated line per record, each at its
//!   own tier positions, with partner earned credit, FX and Microsoft's rounding (EUP to 6
//!   decimals, totals floored to cents).
//! - [`customer_period`]: one customer-period's Azure plan and legacy records → the day
//!   lines we store, or a typed [`customer_period::Refusal`] saying why not.
//! - [`markup`]: customer and organization markups → resale and margin.
//! - [`reconcile`]: our rated lines against the invoice's daily rated usage, the difference
//!   attributed to causes.
//! - [`stack`]: Azure Stack Hub usage attributed to the mapped customer subscription or the
//!   registration's default subscription, rated per vCPU-hour from Region "Azure Stack" prices.
#![deny(missing_docs)]

pub mod customer_period;
pub mod error;
pub mod markup;
pub mod period;
pub mod price;
pub mod rate;
pub mod reconcile;
pub mod set_aside;
pub mod stack;
pub mod tiers;

pub use error::{Error, Result};
