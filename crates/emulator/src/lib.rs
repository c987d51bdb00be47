//! The Microsoft cloud emulator: a test double of identity, Partner Center, ARM, Cost
//! Management exports, Microsoft Graph's partner-billing exports and the Pricing API's price
//! sheets and FX rates, so every test and the sandbox run without Microsoft.
//!
//! Start one in-process with [`Emulator::start`]; see [`docs`] for the behaviours the
//! reference leaves UNVERIFIED and which choice the emulator makes.
#![deny(missing_docs)]
#![recursion_limit = "256"]
// Handlers return early with a finished HTTP response as the error; boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod arm;
pub mod clock;
pub mod config;
pub mod cost_exports;
pub mod docs;
pub mod error;
pub mod faults;
pub mod graph;
pub mod identity;
mod injection;
pub mod partner_center;
pub mod pricing;
pub mod server;
pub mod throttle;
pub mod tls;
pub mod wire;
pub mod world;

pub(crate) mod entropy;

pub use clock::Clock;
pub use config::{EmulatorConfig, Preset, StackPutStyle};
pub use error::{EmulatorError, Result};
pub use faults::{FaultKind, FaultPlan};
pub use identity::CLIENT_ID;
pub use server::{Emulator, RunningEmulator};
pub use throttle::{RateLimit, RateLimits, ThrottleScope};
pub use world::tenancy::{roles, Partner, User};

/// Re-exported so callers (the CLI, tests) can build [`EmulatorConfig::now`] without their own pin.
pub use chrono;
