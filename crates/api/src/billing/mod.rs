//! Billing: invoices, the customers on an invoice, a customer's lines as the user views
//! them (searched, filtered, sorted, kept), and their export to CSV and FOCUS.

pub mod dto;
pub mod export;
pub mod focus;
pub mod invoices;
pub(crate) mod line_order;
pub mod line_view;
pub mod lines;
pub mod rated_lines;
