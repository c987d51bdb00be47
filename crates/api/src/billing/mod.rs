//! Billing: invoices, the customers on an invoice, a customer's lines as the user views
//! them (searched, filtered, sorted, kept), their export to CSV and FOCUS, and the
//! Reconciliation page's money (resale and margin beside rating's comparison).

pub mod dto;
pub mod export;
pub mod focus;
pub mod invoices;
pub(crate) mod line_order;
pub mod line_view;
pub mod lines;
pub mod rated_lines;
pub mod reconciliation;
