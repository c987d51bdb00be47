//! Integration tests of the operations the app and the CLI share, against a real SQLite
//! file, the real OS keyring and the in-process Microsoft emulator.

mod azure_stack;
mod billing;
mod cost_exports;
mod lines;
mod organizations;
mod rating;
mod sign_in;
