//! `cspdesk org` and `cspdesk markup`: customer organizations and markups.

pub mod markup;
pub mod org;
