//! What every feature stands on and no feature owns: the error that crosses to the shells,
//! who may change things (access, roles, the sign-in status they are read from), amounts as
//! DTO text, billing periods as text, the shared database handle and the watchers of run events. Nothing here depends on a feature.

pub mod access;
pub(crate) mod amount_text;
pub mod database;
pub(crate) mod errors;
pub mod periods;
pub mod roles;
pub mod sign_in;
pub mod watchers;
