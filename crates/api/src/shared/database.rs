//! The database handle the app shares between its commands: one connection behind a mutex.

/// Locks the shared database for one short step. A poisoned lock only means an earlier
/// caller panicked mid-way; SQLite's transactions keep the file consistent, so carry on.
pub fn lock(
    db: &std::sync::Mutex<cspdesk_store::Database>,
) -> std::sync::MutexGuard<'_, cspdesk_store::Database> {
    db.lock().unwrap_or_else(|p| p.into_inner())
}
