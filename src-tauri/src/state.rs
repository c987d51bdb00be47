//! What the app keeps between commands: the database (open, still upgrading on a thread, or
//! why it could not be opened, so the window can still start and say so next to the first
//! action), and the sign-ins in progress so Cancel can reach them.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use cspdesk_api::accounts::database_opening::DatabaseOpening;
use cspdesk_api::billing::line_view::LineViews;
use cspdesk_api::discovery::runs::Hub;
use cspdesk_api::imports::runs::Imports;
use cspdesk_api::prices::sheet_view::SheetViews;
use cspdesk_api::ApiError;
use cspdesk_store::Database;
use std::time::Instant;
use tokio_util::sync::CancellationToken;

/// The managed state of the app.
pub struct AppState {
    db: Arc<DatabaseOpening>,
    /// Discovery runs of this process and the window's subscription to their events.
    pub discovery: Arc<Hub>,
    /// Every other import's live runs (cost exports, Stack usage), stoppable by run id.
    pub imports: Arc<Imports>,
    /// The Billing page's sorted and filtered views of a customer's lines, kept between
    /// the pages the table scrolls to (bounded).
    pub line_views: LineViews,
    /// The Prices page's searched and sorted views of a price sheet (bounded).
    pub sheet_views: SheetViews,
    /// Per account: the waiting sign-in's number and cancel token.
    sign_ins: Mutex<HashMap<String, (u64, CancellationToken)>>,
    next_sign_in: AtomicU64,
}

/// One registered sign-in; its number tells it apart from a newer one of the same account.
pub struct SignInTicket {
    account: String,
    number: u64,
    token: CancellationToken,
}

impl SignInTicket {
    /// The token the sign-in watches.
    pub fn cancel_token(&self) -> CancellationToken {
        self.token.clone()
    }
}

impl AppState {
    /// Opens the database at `explicit`, else `CSPDESK_DB`, else the platform default; a file
    /// an older CSP Desk wrote is upgraded on a thread while the window shows it.
    pub fn open(explicit: Option<&Path>, read_only: bool) -> Self {
        Self {
            db: DatabaseOpening::open(explicit, read_only, Instant::now()),
            sign_ins: Mutex::new(HashMap::new()),
            next_sign_in: AtomicU64::new(1),
            discovery: Hub::new(),
            imports: Imports::new(),
            line_views: LineViews::default(),
            sheet_views: SheetViews::default(),
        }
    }

    /// Where opening the database stands (the window shows an upgrade).
    pub fn opening(&self) -> &DatabaseOpening {
        &self.db
    }

    /// The database for one short, synchronous step.
    pub fn db(&self) -> Result<MutexGuard<'_, Database>, ApiError> {
        Ok(cspdesk_api::lock(self.shared()?))
    }

    /// The database for operations that lock it briefly around their own awaits.
    pub fn shared(&self) -> Result<&Mutex<Database>, ApiError> {
        self.db.database()
    }

    /// Registers a sign-in of `account`; a second sign-in of the same account cancels the first.
    pub fn begin_sign_in(&self, account: &str) -> SignInTicket {
        let number = self.next_sign_in.fetch_add(1, Ordering::Relaxed);
        let token = CancellationToken::new();
        if let Some((_, previous)) = self
            .sign_ins()
            .insert(account.to_string(), (number, token.clone()))
        {
            previous.cancel();
        }
        SignInTicket {
            account: account.to_string(),
            number,
            token,
        }
    }

    /// Cancels the sign-in of `account`, if one is waiting.
    pub fn cancel_sign_in(&self, account: &str) {
        if let Some((_, token)) = self.sign_ins().remove(account) {
            token.cancel();
        }
    }

    /// Forgets a finished sign-in, unless a newer one of the same account replaced it (whose
    /// Cancel must keep working).
    pub fn end_sign_in(&self, ticket: SignInTicket) {
        let mut sign_ins = self.sign_ins();
        if sign_ins
            .get(&ticket.account)
            .is_some_and(|(number, _)| *number == ticket.number)
        {
            sign_ins.remove(&ticket.account);
        }
    }

    fn sign_ins(&self) -> MutexGuard<'_, HashMap<String, (u64, CancellationToken)>> {
        self.sign_ins.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_older_sign_in_does_not_unregister_the_newer_one() {
        let dir =
            std::env::temp_dir().join(format!("cspdesk-state-{}.sqlite3", std::process::id()));
        let state = AppState::open(Some(&dir), false);
        let first = state.begin_sign_in("a");
        let first_token = first.cancel_token();
        let second = state.begin_sign_in("a");
        assert!(
            first_token.is_cancelled(),
            "a second sign-in cancels the first"
        );
        state.end_sign_in(first);
        state.cancel_sign_in("a");
        assert!(
            second.cancel_token().is_cancelled(),
            "Cancel still reaches the newer sign-in"
        );
        let _ = std::fs::remove_file(&dir);
    }
}
