//! Customers: the discovered customers and their subscriptions, the organizations that group
//! them, and the markups that turn their cost into resale.

pub mod dto;
pub mod markup_preview;
pub mod markups;
pub mod organizations;
pub mod overview;
pub mod resale;
