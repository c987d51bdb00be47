//! Who hears a registry's run events (the app's window, the CLI's printer): one watcher per
//! name, so a reloaded window replaces its old one. Discovery's Hub and the imports' registry
//! both keep their watchers here.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A watcher of events `E`.
pub type Watcher<E> = Arc<dyn Fn(&E) + Send + Sync>;

/// The watchers of one registry, by name.
pub struct Watchers<E> {
    by_name: Mutex<HashMap<String, Watcher<E>>>,
}

impl<E> Default for Watchers<E> {
    fn default() -> Self {
        Self {
            by_name: Mutex::new(HashMap::new()),
        }
    }
}

impl<E> Watchers<E> {
    /// Sets the watcher called `name`, replacing the one it had.
    pub fn set(&self, name: &str, watcher: Watcher<E>) {
        self.by_name
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), watcher);
    }

    /// Tells every watcher; the lock is not held while they run, so a watcher may watch too.
    pub fn emit(&self, event: &E) {
        let watchers: Vec<Watcher<E>> = self
            .by_name
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect();
        for w in watchers {
            w(event);
        }
    }
}
