//! Writing one export run without holding the write lock for a whole run: [`begin`] records
//! it as `pending`; [`RunWriter::push`] adds rows (committed every [`BATCH`] rows, invisible to
//! readers, which only see `current` runs) and sums them exactly; [`RunWriter::commit`] writes
//! the totals and, in one short transaction, makes the run `current` and the run it replaces
//! (same export, dataset and month folder) `superseded`, whose rows are then deleted in short
//! transactions. A writer dropped before committing (a broken part, an expired SAS mid-run)
//! rolls back and deletes what it wrote: the month keeps what it had. Runs left `pending` or
//! `superseded` by a crash are deleted by [`discard_stale`] before the next run of the source.
//! One import per source at a time: the caller holds a lock (see `cspdesk_cost_exports`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::Database;

use super::{bad_text, Dataset};

/// An imported run as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRun {
    /// Run id (the folder name).
    pub run_id: String,
    /// Export name.
    pub export_name: String,
    /// Dataset.
    pub dataset: Dataset,
    /// `YYYYMMDD-YYYYMMDD`.
    pub month_folder: String,
    /// When Microsoft submitted the run.
    pub submitted_at: DateTime<Utc>,
    /// Rows imported (= the manifest's dataRowCount).
    pub row_count: u64,
    /// When it was imported.
    pub imported_at: DateTime<Utc>,
}

/// The runs imported from a source, by month folder, export and dataset.
pub fn imported(db: &Database, source_id: &str) -> Result<Vec<ImportedRun>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT run_id, export_name, dataset, month_folder, submitted_at, row_count, imported_at
         FROM cost_export_runs WHERE source_id = ?1 AND state = 'current'
         ORDER BY month_folder, export_name, dataset",
    )?;
    let rows = stmt.query_map([source_id], |r| {
        let dataset: String = r.get(2)?;
        let time = |i: usize| -> rusqlite::Result<DateTime<Utc>> {
            let text: String = r.get(i)?;
            DateTime::parse_from_rfc3339(&text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| bad_text(i, &text))
        };
        Ok(ImportedRun {
            run_id: r.get(0)?,
            export_name: r.get(1)?,
            dataset: Dataset::from_stored(&dataset).ok_or_else(|| bad_text(2, &dataset))?,
            month_folder: r.get(3)?,
            submitted_at: time(4)?,
            row_count: r.get::<_, i64>(5)?.max(0) as u64,
            imported_at: time(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The run about to be written, from its manifest.
#[derive(Debug, Clone)]
pub struct RunHeader<'a> {
    /// The source it was read from.
    pub source_id: &'a str,
    /// Run id.
    pub run_id: &'a str,
    /// Export name.
    pub export_name: &'a str,
    /// Dataset.
    pub dataset: Dataset,
    /// `YYYYMMDD-YYYYMMDD`.
    pub month_folder: &'a str,
    /// Path of manifest.json in the container.
    pub manifest_path: &'a str,
    /// When Microsoft submitted the run.
    pub submitted_at: DateTime<Utc>,
    /// Parts.
    pub blob_count: u64,
    /// Data rows the manifest announces.
    pub row_count: u64,
    /// Bytes the manifest announces.
    pub byte_count: u64,
}

/// One cost row (the MPA columns CSP Desk keeps), ready to store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CostRow {
    /// Index of the part in the manifest.
    pub blob: u32,
    /// CSV line in the part (the header is line 1).
    pub line: u64,
    /// `YYYY-MM` of the billing period (of the date when the period is empty).
    pub billing_month: String,
    /// invoiceId.
    pub invoice_id: Option<String>,
    /// billingPeriodStartDate.
    pub billing_period_start: Option<NaiveDate>,
    /// billingPeriodEndDate.
    pub billing_period_end: Option<NaiveDate>,
    /// date.
    pub date: NaiveDate,
    /// customerTenantId, lower case.
    pub customer_tenant_id: Option<String>,
    /// customerName.
    pub customer_name: Option<String>,
    /// SubscriptionId.
    pub subscription_id: Option<String>,
    /// subscriptionName.
    pub subscription_name: Option<String>,
    /// meterId.
    pub meter_id: Option<String>,
    /// meterName.
    pub meter_name: Option<String>,
    /// meterCategory.
    pub meter_category: Option<String>,
    /// meterSubCategory.
    pub meter_subcategory: Option<String>,
    /// meterRegion.
    pub meter_region: Option<String>,
    /// ProductName.
    pub product_name: Option<String>,
    /// chargeType (Usage, Purchase, Refund, UnusedReservation, UnusedSavingsPlan, ...).
    pub charge_type: String,
    /// PricingModel (On Demand, Reservation, Spot, SavingsPlan).
    pub pricing_model: Option<String>,
    /// reservationId.
    pub reservation_id: Option<String>,
    /// reservationName.
    pub reservation_name: Option<String>,
    /// benefitId.
    pub benefit_id: Option<String>,
    /// benefitName.
    pub benefit_name: Option<String>,
    /// quantity.
    pub quantity: Option<Decimal>,
    /// unitOfMeasure.
    pub unit_of_measure: Option<String>,
    /// effectivePrice.
    pub effective_price: Option<Decimal>,
    /// unitPrice.
    pub unit_price: Option<Decimal>,
    /// PayGPrice.
    pub payg_price: Option<Decimal>,
    /// costInBillingCurrency.
    pub cost: Decimal,
    /// billingCurrency.
    pub billing_currency: String,
    /// paygCostInBillingCurrency.
    pub payg_cost: Option<Decimal>,
    /// partnerEarnedCreditApplied.
    pub pec_applied: Option<bool>,
    /// partnerEarnedCreditRate.
    pub pec_rate: Option<Decimal>,
}

/// Key of the exact totals kept per run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct TotalKey {
    billing_month: String,
    customer_tenant_id: String,
    billing_currency: String,
    pricing_model: String,
    charge_type: String,
}

#[derive(Debug, Default)]
struct Total {
    customer_name: String,
    rows: u64,
    cost: Decimal,
    payg_cost: Decimal,
}

/// Rows written (or deleted) per transaction.
pub const BATCH: u64 = 20_000;

/// A run being written; nothing is visible to readers until [`RunWriter::commit`].
pub struct RunWriter<'db> {
    db: &'db Database,
    source_id: String,
    run_id: String,
    dataset: Dataset,
    now: String,
    totals: BTreeMap<TotalKey, Total>,
    rows: u64,
    in_batch: u64,
    replaced: Vec<String>,
    committed: bool,
}

fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// SQLite integers are signed; counts never come near the limit.
fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn decimal_text(d: Option<Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

/// Deletes a run's rows [`BATCH`] at a time, then the run (its totals go with it).
fn delete_run(db: &Database, source_id: &str, run_id: &str) -> Result<u64> {
    let conn = db.conn();
    let mut deleted = 0;
    loop {
        let n = conn.execute(
            "DELETE FROM cost_rows WHERE source_id = ?1 AND run_id = ?2 AND (blob, line) IN
               (SELECT blob, line FROM cost_rows WHERE source_id = ?1 AND run_id = ?2 LIMIT ?3)",
            params![source_id, run_id, count(BATCH)],
        )? as u64;
        deleted += n;
        if n < BATCH {
            break;
        }
    }
    conn.execute(
        "DELETE FROM cost_export_runs WHERE source_id = ?1 AND run_id = ?2",
        params![source_id, run_id],
    )?;
    Ok(deleted)
}

/// Deletes the runs of a source left `pending` or `superseded` (by a crash, or a failure whose
/// clean-up failed too); returns the rows deleted.
pub fn discard_stale(db: &Database, source_id: &str) -> Result<u64> {
    let stale: Vec<String> = {
        let mut stmt = db.conn().prepare_cached(
            "SELECT run_id FROM cost_export_runs WHERE source_id = ?1 AND state <> 'current' ORDER BY run_id",
        )?;
        let ids = stmt.query_map([source_id], |r| r.get(0))?;
        ids.collect::<rusqlite::Result<_>>()?
    };
    let mut deleted = 0;
    for id in stale {
        deleted += delete_run(db, source_id, &id)?;
    }
    Ok(deleted)
}

/// Starts writing `run` (`now` is the import time): stale runs of the source are deleted,
/// the run is recorded as pending and its first batch begins. A run already current is
/// refused as a duplicate.
pub fn begin<'db>(
    db: &'db Database,
    run: &RunHeader<'_>,
    now: DateTime<Utc>,
) -> Result<RunWriter<'db>> {
    discard_stale(db, run.source_id)?;
    let conn = db.conn();
    let current: Option<String> = conn
        .query_row(
            "SELECT month_folder FROM cost_export_runs WHERE source_id = ?1 AND run_id = ?2",
            params![run.source_id, run.run_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(month) = current {
        return Err(Error::Duplicate {
            field: "run",
            message: format!("export run {} ({month}) is already imported", run.run_id),
        });
    }
    let replaced: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT run_id FROM cost_export_runs WHERE source_id = ?1 AND state = 'current'
               AND export_name = ?2 AND dataset = ?3 AND month_folder = ?4",
        )?;
        let ids = stmt.query_map(
            params![
                run.source_id,
                run.export_name,
                run.dataset.as_str(),
                run.month_folder
            ],
            |r| r.get(0),
        )?;
        ids.collect::<rusqlite::Result<_>>()?
    };
    let now = time_text(now);
    conn.execute(
        "INSERT INTO cost_export_runs (source_id, run_id, state, export_name, dataset, month_folder,
             manifest_path, submitted_at, blob_count, row_count, byte_count, imported_at)
         VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            run.source_id,
            run.run_id,
            run.export_name,
            run.dataset.as_str(),
            run.month_folder,
            run.manifest_path,
            time_text(run.submitted_at),
            count(run.blob_count),
            count(run.row_count),
            count(run.byte_count),
            now,
        ],
    )?;
    let writer = RunWriter {
        db,
        source_id: run.source_id.to_string(),
        run_id: run.run_id.to_string(),
        dataset: run.dataset,
        now,
        totals: BTreeMap::new(),
        rows: 0,
        in_batch: 0,
        replaced,
        committed: false,
    };
    // From here a failure drops the writer, which deletes the pending run.
    writer.db.conn().execute_batch("BEGIN IMMEDIATE")?;
    Ok(writer)
}

impl RunWriter<'_> {
    /// Adds one row.
    pub fn push(&mut self, row: &CostRow) -> Result<()> {
        let mut insert = self.db.conn().prepare_cached(
            "INSERT INTO cost_rows (source_id, run_id, blob, line, dataset, billing_month, invoice_id,
                 billing_period_start, billing_period_end, date, customer_tenant_id, customer_name,
                 subscription_id, subscription_name, meter_id, meter_name, meter_category,
                 meter_subcategory, meter_region, product_name, charge_type, pricing_model,
                 reservation_id, reservation_name, benefit_id, benefit_name, quantity,
                 unit_of_measure, effective_price, unit_price, payg_price, cost, billing_currency,
                 payg_cost, pec_applied, pec_rate)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36)",
        )?;
        insert.execute(params![
            self.source_id,
            self.run_id,
            row.blob,
            count(row.line),
            self.dataset.as_str(),
            row.billing_month,
            row.invoice_id,
            date_text(row.billing_period_start),
            date_text(row.billing_period_end),
            row.date.format("%Y-%m-%d").to_string(),
            row.customer_tenant_id,
            row.customer_name,
            row.subscription_id,
            row.subscription_name,
            row.meter_id,
            row.meter_name,
            row.meter_category,
            row.meter_subcategory,
            row.meter_region,
            row.product_name,
            row.charge_type,
            row.pricing_model,
            row.reservation_id,
            row.reservation_name,
            row.benefit_id,
            row.benefit_name,
            decimal_text(row.quantity),
            row.unit_of_measure,
            decimal_text(row.effective_price),
            decimal_text(row.unit_price),
            decimal_text(row.payg_price),
            row.cost.to_string(),
            row.billing_currency,
            decimal_text(row.payg_cost),
            row.pec_applied,
            decimal_text(row.pec_rate),
        ])?;
        let total = self
            .totals
            .entry(TotalKey {
                billing_month: row.billing_month.clone(),
                customer_tenant_id: row.customer_tenant_id.clone().unwrap_or_default(),
                billing_currency: row.billing_currency.clone(),
                pricing_model: row.pricing_model.clone().unwrap_or_default(),
                charge_type: row.charge_type.clone(),
            })
            .or_default();
        if let Some(name) = row.customer_name.as_deref().filter(|n| !n.is_empty()) {
            if total.customer_name.is_empty() {
                total.customer_name = name.to_string();
            }
        }
        total.rows += 1;
        total.cost += row.cost;
        total.payg_cost += row.payg_cost.unwrap_or_default();
        self.rows += 1;
        self.in_batch += 1;
        if self.in_batch >= BATCH {
            self.db.conn().execute_batch("COMMIT; BEGIN IMMEDIATE")?;
            self.in_batch = 0;
        }
        Ok(())
    }

    /// Rows pushed so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Ids of the runs this one replaces (removed when it commits).
    pub fn replaced(&self) -> &[String] {
        &self.replaced
    }

    /// Writes the run's totals, makes it current in place of the run it replaces, and deletes
    /// that run's rows; returns the rows written.
    pub fn commit(mut self) -> Result<u64> {
        let conn = self.db.conn();
        {
            let mut insert = conn.prepare_cached(
                "INSERT INTO cost_run_totals (source_id, run_id, dataset, billing_month, customer_tenant_id,
                     customer_name, billing_currency, pricing_model, charge_type, rows, cost, payg_cost)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?;
            for (k, t) in &self.totals {
                insert.execute(params![
                    self.source_id,
                    self.run_id,
                    self.dataset.as_str(),
                    k.billing_month,
                    k.customer_tenant_id,
                    t.customer_name,
                    k.billing_currency,
                    k.pricing_model,
                    k.charge_type,
                    count(t.rows),
                    t.cost.to_string(),
                    t.payg_cost.to_string(),
                ])?;
            }
        }
        for old in &self.replaced {
            conn.execute(
                "UPDATE cost_export_runs SET state = 'superseded' WHERE source_id = ?1 AND run_id = ?2",
                params![self.source_id, old],
            )?;
        }
        conn.execute(
            "UPDATE cost_export_runs SET state = 'current', imported_at = ?3 WHERE source_id = ?1 AND run_id = ?2",
            params![self.source_id, self.run_id, self.now],
        )?;
        conn.execute_batch("COMMIT")?;
        self.committed = true;
        for old in &self.replaced {
            // Invisible already: should this fail, the next import's discard_stale deletes it.
            let _ = delete_run(self.db, &self.source_id, old);
        }
        Ok(self.rows)
    }
}

impl Drop for RunWriter<'_> {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let conn = self.db.conn();
        if !conn.is_autocommit() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        // Batches already committed are deleted; if that fails too, discard_stale will.
        let _ = delete_run(self.db, &self.source_id, &self.run_id);
    }
}
