//! The Dashboard: figures and charts across every customer and month.

pub mod dto;
pub mod figures;
