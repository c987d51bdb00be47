//! Azure MCA partner billing for CSP Desk, read from Cost Management exports (reference §10):
//! a partner defines exports of its MPA cost details (actual and amortized) delivered to a
//! storage container, gives CSP Desk a SAS URL of that container, and CSP Desk imports every
//! new run into the database, to split costs per customer and show reservations and savings
//! plans by pricing model. No Tauri and no async here: the app and the CLI call [`import`]
//! from a thread that may block.
//!
//! The path: [`ContainerSas::parse`] checks the URL (the SAS itself then lives only in the
//! keyring) -> [`blobs::Container`] lists the container and finds each run's `manifest.json`
//! -> [`Manifest::parse`] -> [`import::plan`] (pure: newest run per export, dataset and month)
//! -> each run's CSV parts streamed through [`parts::read_part`] into one write transaction
//! of `cspdesk_store::cost_exports::runs`. Every import is a run of the one import pipeline
//! (`cspdesk_discovery::pipeline`): [`run`] takes the source's lock, records the run in the
//! history, reports progress to a sink and honours Stop; [`import`] is the same with nobody
//! watching.
#![deny(missing_docs)]

pub mod blobs;
mod error;
pub mod import;
pub mod manifest;
pub mod parts;
mod sas;

pub use error::{Error, Result};
pub use import::{
    failure, import, run, ImportSummary, Progress, RunOutcome, RunResult, SkipReason, SkippedRun,
};
pub use manifest::Manifest;
pub use sas::ContainerSas;
