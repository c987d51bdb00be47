//! Imports from Microsoft as one thing the user can name: every kind (Discovery, Cost
//! Management exports, Azure Stack usage) runs through the one pipeline
//! (`cspdesk_discovery::pipeline`), lands in one run history and stops by run id. It sits
//! above the features whose data it imports, so none of them depends on it.

pub mod cost_exports;
pub mod dto;
pub mod runs;
pub mod set_aside;
pub mod stack_usage;
