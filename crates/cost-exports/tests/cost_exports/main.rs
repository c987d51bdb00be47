//! Importing Cost Management export runs end to end: the emulator's preset M runs (MPA
//! columns, actual and amortized) written as Cost Management delivers them, uploaded to a
//! real Azure Storage server (azurite) over HTTP, and imported through a SAS URL into a real
//! SQLite file.

mod azurite;
mod import;
mod pipeline;
mod samples;
