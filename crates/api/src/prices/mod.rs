//! Prices: what Microsoft's Pricing API sheets and FX rates held for an account say, for the
//! Prices page. The sheets by month and view, a sheet's rows paged from here (never the whole
//! 500,000 rows at once), a meter's price month by month in each billing currency, and the
//! FX rates of each month. Reads only: Discovery and `cspdesk prices import` write them
//! (`crate::rating::pricing_import`).

pub mod dto;
pub mod history;
pub mod sheet_view;
pub mod sheets;
