//! What the app keeps between commands: the open database (or why it could not be opened,
//! so the window can still start and say so next to the first action), and the sign-ins in
//! progress so Cancel can reach them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use cspdesk_api::ApiError;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

/// The managed state of the app.
pub struct AppState {
    db: Result<Mutex<Database>, ApiError>,
    sign_ins: Mutex<HashMap<String, CancellationToken>>,
}

impl AppState {
    /// Opens the database at `explicit`, else `CSPDESK_DB`, else the platform default.
    pub fn open(explicit: Option<&Path>) -> Self {
        Self {
            db: Database::open_default(explicit)
                .map(Mutex::new)
                .map_err(ApiError::from),
            sign_ins: Mutex::new(HashMap::new()),
        }
    }

    /// The database for one short, synchronous step.
    pub fn db(&self) -> Result<MutexGuard<'_, Database>, ApiError> {
        Ok(cspdesk_api::lock(self.shared()?))
    }

    /// The database for operations that lock it briefly around their own awaits.
    pub fn shared(&self) -> Result<&Mutex<Database>, ApiError> {
        self.db.as_ref().map_err(Clone::clone)
    }

    /// Registers a sign-in of `account` and returns its cancel token; a second sign-in of
    /// the same account cancels the first.
    pub fn begin_sign_in(&self, account: &str) -> CancellationToken {
        let token = CancellationToken::new();
        if let Some(previous) = self.sign_ins().insert(account.to_string(), token.clone()) {
            previous.cancel();
        }
        token
    }

    /// Cancels the sign-in of `account`, if one is waiting.
    pub fn cancel_sign_in(&self, account: &str) {
        if let Some(token) = self.sign_ins().remove(account) {
            token.cancel();
        }
    }

    /// Forgets a finished sign-in.
    pub fn end_sign_in(&self, account: &str) {
        self.sign_ins().remove(account);
    }

    fn sign_ins(&self) -> MutexGuard<'_, HashMap<String, CancellationToken>> {
        self.sign_ins.lock().unwrap_or_else(|p| p.into_inner())
    }
}
