//! Writing what Discovery read: one [`Ingest`] per page, committed with the cursor that
//! records the page. Re-read collections are upserted so that only real changes count as
//! rows written; collections read in windows (usage, line items) are cleared when their
//! window starts again from its first page, so a repeated window never duplicates rows.
//!
//! The writes are grouped by what they import: `customers` (customers, subscriptions,
//! entitlements), `legacy_azure` (legacy usage and the rate card that prices it),
//! `invoices` (invoices and their billed lines) and `daily_usage` (daily rated usage,
//! billed or unbilled).

mod customers;
mod daily_usage;
mod graph_exports;
#[cfg(test)]
mod graph_tests;
mod invoices;
mod legacy_azure;
mod set_aside;
#[cfg(test)]
pub(crate) mod tests;
mod usage_keys;
#[cfg(test)]
mod usage_tests;

pub use graph_exports::{GraphDataset, GraphExportVersion};
pub(crate) use usage_keys::day_number;

use rusqlite::{params, Transaction};
use rust_decimal::Decimal;

use crate::error::Result;
use crate::Database;

/// One write transaction of Discovery for one account.
pub struct Ingest<'a> {
    tx: Transaction<'a>,
    account: String,
    rows: u64,
    usage_keys: usage_keys::UsageKeys,
}

/// Decimal text with the scale Microsoft sent ("10.50" stays "10.50").
fn dec(d: &Decimal) -> String {
    d.to_string()
}

fn opt_dec(d: &Option<Decimal>) -> Option<String> {
    d.as_ref().map(dec)
}

impl Database {
    /// Starts a write transaction for `account_id`'s discovered data.
    pub fn ingest(&mut self, account_id: &str) -> Result<Ingest<'_>> {
        // IMMEDIATE: some writes read first (which entitlements are gone); a deferred
        // transaction could then fail at once on another connection's commit instead of
        // waiting out busy_timeout.
        let tx = self
            .conn_mut()
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(Ingest {
            tx,
            account: account_id.to_string(),
            rows: 0,
            usage_keys: Default::default(),
        })
    }
}

impl Ingest<'_> {
    /// Rows inserted or changed so far in this transaction.
    pub fn rows_written(&self) -> u64 {
        self.rows
    }

    /// Commits everything, returning the rows inserted or changed.
    pub fn commit(self) -> Result<u64> {
        self.tx.commit()?;
        Ok(self.rows)
    }

    fn ensure_cursor_row(&self) -> Result<()> {
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO discovery_cursors (account_id) VALUES (?1)")?
            .execute(params![self.account])?;
        Ok(())
    }
}
