//! Rating: our own figures for the usage Discovery imported, from the prices we hold (rate
//! cards and imported price sheets), reconciled against the invoice, and the costs so far.

pub mod price_sheets;
pub mod rate;
