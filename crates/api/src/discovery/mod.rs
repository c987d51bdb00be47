//! Discovery: reading a partner's customers, subscriptions, invoices, usage and prices from
//! Microsoft into the database, started by hand or by the schedule, watched while it runs.

mod after_run;
pub mod dto;
mod progress;
pub mod runs;
pub mod scheduled;
