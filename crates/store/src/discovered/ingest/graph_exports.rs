//! Writing a Microsoft Graph billing export: its rows are staged blob by blob (each batch
//! its own transaction, out of every reader's sight), then [`Ingest::commit_graph_export`]
//! replaces the invoice's or open period's rows with them and records the export's data
//! version, in one transaction. Usage stages straight into `daily_usage_facts` under a
//! staged source, which the commit renames: each usage row is written once. A download stopped or killed half-way leaves the previous
//! version whole and some staged rows, which the next read of that export clears first.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::invoices::LINE_COLUMNS;
use super::Ingest;
use crate::discovered::instant;
use crate::discovered::rows::{BillingLineRow, DailyUsageRow};
use crate::error::Result;

/// The four Graph billing exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GraphDataset {
    /// An invoice's billed daily rated usage (scope: the invoice id).
    BilledUsage,
    /// An invoice's billed reconciliation lines (scope: the invoice id).
    BilledReconciliation,
    /// An open period's unbilled daily rated usage (scope: `YYYY-MM:CUR`).
    UnbilledUsage,
    /// What an open period will bill (scope: `YYYY-MM:CUR`).
    UnbilledReconciliation,
}

impl GraphDataset {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            GraphDataset::BilledUsage => "billedUsage",
            GraphDataset::BilledReconciliation => "billedReconciliation",
            GraphDataset::UnbilledUsage => "unbilledUsage",
            GraphDataset::UnbilledReconciliation => "unbilledReconciliation",
        }
    }

    /// From stored text.
    pub fn parse(text: &str) -> Option<GraphDataset> {
        [
            GraphDataset::BilledUsage,
            GraphDataset::BilledReconciliation,
            GraphDataset::UnbilledUsage,
            GraphDataset::UnbilledReconciliation,
        ]
        .into_iter()
        .find(|d| d.as_str() == text)
    }

    /// Whether its rows are usage (else reconciliation lines).
    pub fn is_usage(self) -> bool {
        matches!(
            self,
            GraphDataset::BilledUsage | GraphDataset::UnbilledUsage
        )
    }

    /// The key of an export's staged rows and set-aside lines: `graph/{dataset}/{scope}`.
    pub fn key(self, scope: &str) -> String {
        format!("graph/{}/{scope}", self.as_str())
    }
}

/// A version of one export, as stored whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphExportVersion {
    /// Which export.
    pub dataset: GraphDataset,
    /// Invoice id, or `YYYY-MM:CUR`.
    pub scope: String,
    /// The manifest's eTag; `None` when Microsoft had no data.
    pub e_tag: Option<String>,
    /// The manifest's `createdDateTime` as sent.
    pub manifest_created_at: Option<String>,
    /// When it was read.
    pub read_at: DateTime<Utc>,
    /// Blobs read.
    pub blobs: u64,
    /// Rows set aside.
    pub set_aside: u64,
}

impl Ingest<'_> {
    /// Forgets what an interrupted download of `export_key` staged, and the set-aside lines
    /// of the export's last read (they are found again as it is read).
    pub fn clear_staged(&mut self, export_key: &str) -> Result<()> {
        self.clear_staged_rows(export_key)?;
        self.retire_set_aside(export_key)
    }

    /// Stages a batch of an export's usage rows: straight into `daily_usage_facts`, under a
    /// staged source named by `export_key` that no reader sees.
    pub fn stage_usage(&mut self, export_key: &str, rows: &[DailyUsageRow]) -> Result<u64> {
        self.insert_usage(export_key, true, rows)
    }

    /// Stages a batch of an export's reconciliation lines.
    pub fn stage_lines(&mut self, export_key: &str, rows: &[BillingLineRow]) -> Result<u64> {
        self.insert_lines("graph_staged_lines", "export_key", export_key, rows)
    }

    /// Moves `export_key`'s staged lines into `table` under `key`; the number moved.
    fn unstage_lines(
        &mut self,
        export_key: &str,
        table: &str,
        key_column: &str,
        key: &str,
    ) -> Result<u64> {
        let moved = self
            .tx
            .prepare_cached(&format!(
                "INSERT INTO {table} (account_id, {key_column}, {LINE_COLUMNS})
                 SELECT account_id, ?3, {LINE_COLUMNS} FROM graph_staged_lines
                 WHERE account_id = ?1 AND export_key = ?2 ORDER BY rowid"
            ))?
            .execute(params![self.account, export_key, key])? as u64;
        self.clear_staged_rows(export_key)?;
        Ok(moved)
    }

    /// Makes `export_key`'s staged usage the usage of `source` (whose rows the caller has
    /// cleared): the staged source is renamed, so no row is written again; the number of
    /// rows it holds.
    fn unstage_usage(&mut self, export_key: &str, source: &str) -> Result<u64> {
        let moved: Option<i64> = self
            .tx
            .prepare_cached(
                "UPDATE usage_sources SET source = ?3, staged = 0
                 WHERE account_id = ?1 AND source = ?2 AND staged = 1 RETURNING next_ordinal",
            )?
            .query_row(params![self.account, export_key, source], |r| r.get(0))
            .optional()?;
        if moved.is_some() {
            crate::rated::versions::source_changed(&self.tx, &self.account, source)?;
        }
        self.clear_staged_rows(export_key)?;
        Ok(moved.unwrap_or(0) as u64)
    }

    /// Replaces the rows of `version`'s invoice or period with the export's staged rows
    /// (none when Microsoft had no data) and records the version. A billed export also drops
    /// the unbilled copy of its period (usage, or what the period was going to bill) and
    /// closes the invoice's v1 line-item collection of the same data, which Graph now serves.
    pub fn commit_graph_export(&mut self, version: &GraphExportVersion) -> Result<u64> {
        let key = version.dataset.key(&version.scope);
        let scope = version.scope.as_str();
        let delete = |table: &str, column: &str| {
            format!("DELETE FROM {table} WHERE account_id = ?1 AND {column} = ?2")
        };
        let moved = match version.dataset {
            GraphDataset::BilledUsage => {
                self.clear_daily_usage(scope)?;
                let moved = self.unstage_usage(&key, scope)?;
                self.drop_unbilled_of_invoice(scope)?;
                self.retire_unbilled_set_aside_of_invoice(scope)?;
                self.close_v1_stream(scope, "usagelineitems")?;
                moved
            }
            GraphDataset::BilledReconciliation => {
                self.forget_totals(scope)?;
                self.tx
                    .prepare_cached(&delete("billing_line_items", "invoice_id"))?
                    .execute(params![self.account, scope])?;
                let moved = self.unstage_lines(&key, "billing_line_items", "invoice_id", scope)?;
                self.close_v1_stream(scope, "billinglineitems")?;
                // What the period was going to bill is now billed: the invoice is the record.
                self.tx
                    .prepare_cached(
                        "DELETE FROM unbilled_reconciliation_lines WHERE account_id = ?1 AND source = (
                            SELECT substr(billing_period_start, 1, 7) || ':' || currency
                            FROM invoices WHERE account_id = ?1 AND id = ?2)",
                    )?
                    .execute(params![self.account, scope])?;
                moved
            }
            GraphDataset::UnbilledUsage => {
                let source = format!("unbilled:{scope}");
                self.clear_daily_usage(&source)?;
                let (month, currency) = scope.split_once(':').unwrap_or((scope, ""));
                // The period's invoice may have come out since the export was asked for: its
                // billed usage is then the record, and an unbilled copy would count twice.
                if self.invoiced(month, currency)? {
                    self.clear_staged_rows(&key)?;
                    0
                } else {
                    self.unstage_usage(&key, &source)?
                }
            }
            GraphDataset::UnbilledReconciliation => {
                self.tx
                    .prepare_cached(&delete("unbilled_reconciliation_lines", "source"))?
                    .execute(params![self.account, scope])?;
                self.unstage_lines(&key, "unbilled_reconciliation_lines", "source", scope)?
            }
        };
        self.rows += moved;
        self.tx
            .prepare_cached(
                "INSERT INTO graph_exports (account_id, dataset, scope, e_tag, manifest_created_at, read_at, blobs, rows, set_aside)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (account_id, dataset, scope) DO UPDATE SET e_tag = excluded.e_tag,
                    manifest_created_at = excluded.manifest_created_at, read_at = excluded.read_at,
                    blobs = excluded.blobs, rows = excluded.rows, set_aside = excluded.set_aside",
            )?
            .execute(params![
                self.account,
                version.dataset.as_str(),
                scope,
                version.e_tag,
                version.manifest_created_at,
                instant(version.read_at),
                version.blobs as i64,
                moved as i64,
                version.set_aside as i64
            ])?;
        Ok(moved)
    }

    /// The export's data version is unchanged: only when it was read moves.
    pub fn graph_export_unchanged(
        &mut self,
        dataset: GraphDataset,
        scope: &str,
        read_at: DateTime<Utc>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE graph_exports SET read_at = ?4 WHERE account_id = ?1 AND dataset = ?2 AND scope = ?3",
            )?
            .execute(params![self.account, dataset.as_str(), scope, instant(read_at)])?;
        Ok(())
    }

    fn clear_staged_rows(&mut self, export_key: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "DELETE FROM graph_staged_lines WHERE account_id = ?1 AND export_key = ?2",
            )?
            .execute(params![self.account, export_key])?;
        // A staged source's facts go with it (ON DELETE CASCADE).
        self.tx
            .prepare_cached(
                "DELETE FROM usage_sources WHERE account_id = ?1 AND source = ?2 AND staged = 1",
            )?
            .execute(params![self.account, export_key])?;
        Ok(())
    }

    /// Marks the invoice's v1 new-commerce collection of `kind` (`usagelineitems` or
    /// `billinglineitems`, however Microsoft spelled it) complete: Graph served it.
    fn close_v1_stream(&mut self, invoice: &str, kind: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "UPDATE invoice_line_streams SET complete = 1, resume = NULL
                 WHERE account_id = ?1 AND invoice_id = ?2
                   AND replace(lower(provider), '_', '') = 'onetime'
                   AND replace(lower(kind), '_', '') = ?3",
            )?
            .execute(params![self.account, invoice, kind])?;
        Ok(())
    }
}
