//! What the app keeps between commands: the open database, or why it could not be
//! opened, so the window can still start and say so next to the first action.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use cspdesk_api::ApiError;
use cspdesk_store::Database;

/// The managed state of the app.
pub struct AppState {
    db: Result<Mutex<Database>, ApiError>,
}

impl AppState {
    /// Opens the database at `explicit`, else `CSPDESK_DB`, else the platform default.
    pub fn open(explicit: Option<&Path>) -> Self {
        Self {
            db: Database::open_default(explicit)
                .map(Mutex::new)
                .map_err(ApiError::from),
        }
    }

    /// The database for one command. A poisoned lock only means an earlier command
    /// panicked mid-way; SQLite's transactions keep the file consistent, so carry on.
    pub fn db(&self) -> Result<MutexGuard<'_, Database>, ApiError> {
        match &self.db {
            Ok(m) => Ok(m.lock().unwrap_or_else(|p| p.into_inner())),
            Err(e) => Err(e.clone()),
        }
    }
}
