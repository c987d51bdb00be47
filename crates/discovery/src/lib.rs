//! Discovery: one click pulls a partner's customers, subscriptions, usage, prices and
//! invoices into the database, and keeps them fresh by fetching only what is new.
//!
//! It is built as plan, then apply: [`plan`] computes from the cursors in the database, in a
//! pure function, what to fetch; the apply step (next: executing the plan with the Partner
//! Center client, one transaction per page with its cursor) does the I/O. [`run`] is the run
//! state machine every run goes through, and [`schedule`] decides when the next automatic run
//! is due. Time is always passed in.
//!
//! [`pipeline`] is the contract Discovery set and every other import from Microsoft shares
//! (cost exports, Azure Stack usage): the run record, the lock per (kind, account, source),
//! the progress sink and Stop. It lives here, below `cost-exports` and `api`, because
//! Discovery is its first user and the crates that need it already sit above this one.
#![deny(missing_docs)]

mod apply;
pub mod graph_plan;
pub mod lock;
pub mod pipeline;
pub mod plan;
pub mod progress;
pub mod rows;
pub mod run;
mod runner;
pub mod schedule;

pub use apply::Clock;
pub use pipeline::Run;
/// Discovery's mapping of a daily rated usage line into the row the store writes, public so a
/// test can put Microsoft's published rows through it.
pub use rows::daily_usage as daily_usage_row;
pub use runner::{run, RunOptions, StartError};

/// Graph exports a run downloads at once. The others wait, prepared, for a slot (their stage
/// says so). Why a bound: every export downloading holds its decoder, its HTTP buffers and two
/// staged batches, and the staged batches share one SQLite writer anyway, so more at once
/// only grew the peak memory with the exports' size (preset M, 1x / 4x / 8x usage rows:
/// 52 / 95 / 119 MB with all 12 steps downloading; see docs/bench-discovery.md).
pub const GRAPH_DOWNLOADS: usize = 4;
