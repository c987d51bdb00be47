//! `cspdesk stack`: Azure Stack registrations, customer subscriptions and usage.

pub mod stack;
pub mod stack_usage;
