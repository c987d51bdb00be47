//! Azure Stack: the partner's Stack registrations and customer subscriptions through ARM,
//! and the usage each registration's Stack reports through its admin endpoint.

pub mod dto;
pub mod registrations;
pub mod usage;
