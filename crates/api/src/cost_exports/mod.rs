//! Azure MCA partner billing from Cost Management exports, as the app and `cspdesk costs` see
//! it: billing sources per partner account (the SAS URL checked, then kept only in the OS
//! keyring; SQLite holds the container's address and when the SAS expires), importing their
//! new export runs with progress, and the costs split per customer, per customer
//! organization and per pricing model in the actual or amortized view. Adding, renewing and
//! removing sources needs admin access; importing and reading do not.

pub mod costs;
pub mod dto;
pub mod import;
pub mod sources;
