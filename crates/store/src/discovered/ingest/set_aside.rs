//! Writing the items a page set aside (see [`crate::set_aside`]) in the page's own
//! transaction, and retiring them when their collection is read again, the same way the
//! collection's rows are cleared.

use rusqlite::params;

use super::Ingest;
use crate::error::Result;
use crate::set_aside::SetAsideRow;

impl Ingest<'_> {
    /// Records the items of a page of `collection` that run `run_id` set aside.
    pub fn set_aside(
        &mut self,
        run_id: i64,
        collection: &str,
        items: &[SetAsideRow],
    ) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO set_aside_items (account_id, run_id, collection, endpoint, invoice_id,
                customer_id, page, item_index, field, reason, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for s in items {
            stmt.execute(params![
                self.account,
                run_id,
                collection,
                s.endpoint,
                s.invoice_id,
                s.customer_id,
                s.page,
                s.index,
                s.field,
                s.reason,
                s.raw
            ])?;
        }
        Ok(())
    }

    /// `collection` is read again from its start: what it set aside before is no longer
    /// current (the runs that read it keep their list).
    pub fn retire_set_aside(&mut self, collection: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE set_aside_items SET current = 0
                 WHERE account_id = ?1 AND collection = ?2 AND current = 1",
            )?
            .execute(params![self.account, collection])?;
        Ok(())
    }

    /// The invoice's billed usage replaces its period's unbilled usage: so do the items set
    /// aside from that unbilled usage (see `drop_unbilled_of_invoice`).
    pub fn retire_unbilled_set_aside_of_invoice(&mut self, invoice: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE set_aside_items SET current = 0
                 WHERE account_id = ?1 AND current = 1 AND invoice_id = (
                    SELECT 'unbilled:' || substr(billing_period_start, 1, 7) || ':' || currency
                    FROM invoices WHERE account_id = ?1 AND id = ?2)",
            )?
            .execute(params![self.account, invoice])?;
        Ok(())
    }
}
