//! Discovery end to end against the emulator over real loopback HTTP into real SQLite files:
//! incremental runs, faults, malformed pages, lapsed consent, and processes killed mid-run.

mod consent;
mod faults;
mod graph;
mod graph_blobs;
mod harness;
mod incremental;
mod notes;
mod stop;
