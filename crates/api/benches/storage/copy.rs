//! The same daily usage rows written twice, batch by batch, in the same loop: through
//! CSP Desk's ingest (Graph staging: `stage_usage` per 2,000 rows, each batch its own
//! transaction, then `commit_graph_export` swaps the export in) into a fresh database, and
//! as a plain batched insert (one prepared statement, 2,000 rows per transaction) into the
//! wide text table daily usage had before migration 0019, no index. Only the write
//! transactions are timed. The rows are also written to a CSV (every column as text) for
//! DuckDB and Parquet, gzip-compressed when its name ends in `.gz` (a year of preset L is
//! about 19 GB as plain CSV). Without a plain path (`--layouts no-old`), only our ingest
//! writes: the old layout of a year of preset L would take about 27 GB.

use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{NaiveDate, TimeZone, Utc};
use cspdesk_store::discovered::{DailyUsageRow, GraphDataset, GraphExportVersion};
use cspdesk_store::{accounts, Database};
use rusqlite::{params, Connection};
use rust_decimal::Decimal;

/// Rows per transaction, as Discovery's Graph staging and the plain insert.
const BATCH: usize = 2_000;

/// The columns of the view (and of the old table), in order.
pub const COLUMNS: &str = "account_id, source, customer_id, invoice_number, subscription_id,
    entitlement_id, usage_date, meter_id, meter_name, meter_category, meter_region,
    resource_uri, unit_of_measure, charge_type, quantity, unit_price, effective_unit_price,
    billing_pre_tax_total, billing_currency, pricing_pre_tax_total, pricing_currency,
    pc_to_bc_exchange_rate, partner_earned_credit_rate";

/// daily_usage as 0004 + 0013 left it (the old layout), without its indexes.
const OLD_TABLE: &str = "CREATE TABLE daily_usage (
    account_id TEXT NOT NULL, source TEXT NOT NULL, customer_id TEXT NOT NULL,
    invoice_number TEXT, subscription_id TEXT NOT NULL, entitlement_id TEXT NOT NULL,
    usage_date TEXT NOT NULL, meter_id TEXT NOT NULL, meter_name TEXT, meter_category TEXT,
    meter_region TEXT, resource_uri TEXT, unit_of_measure TEXT, charge_type TEXT,
    quantity TEXT NOT NULL, unit_price TEXT, effective_unit_price TEXT NOT NULL,
    billing_pre_tax_total TEXT NOT NULL, billing_currency TEXT NOT NULL,
    pricing_pre_tax_total TEXT, pricing_currency TEXT, pc_to_bc_exchange_rate TEXT,
    partner_earned_credit_rate TEXT NOT NULL DEFAULT '0') STRICT";

/// The old layout's two indexes (0004, 0005), built after the timed inserts to measure its size.
pub const OLD_INDEXES: &str = "
    CREATE INDEX daily_usage_by_source ON daily_usage(account_id, source);
    CREATE INDEX daily_usage_by_customer_day ON daily_usage(account_id, customer_id, usage_date);";

/// What the copy measured.
pub struct Copied {
    pub rows: u64,
    pub ours: Duration,
    pub plain: Duration,
}

fn dec(text: Option<String>) -> Result<Option<Decimal>> {
    text.map(|t| Decimal::from_str(&t).with_context(|| format!("decimal {t:?}")))
        .transpose()
}

fn row(r: &rusqlite::Row<'_>) -> Result<DailyUsageRow> {
    let day: String = r.get(6)?;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")?;
    let need = |d: Option<Decimal>| d.context("a NOT NULL decimal was NULL");
    Ok(DailyUsageRow {
        customer_id: r.get(2)?,
        invoice_number: r.get(3)?,
        subscription_id: r.get(4)?,
        entitlement_id: r.get(5)?,
        usage_date: Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).context("midnight")?),
        meter_id: r.get(7)?,
        meter_name: r.get(8)?,
        meter_category: r.get(9)?,
        meter_region: r.get(10)?,
        resource_uri: r.get(11)?,
        unit_of_measure: r.get(12)?,
        charge_type: r.get(13)?,
        quantity: need(dec(r.get(14)?)?)?,
        unit_price: dec(r.get(15)?)?,
        effective_unit_price: need(dec(r.get(16)?)?)?,
        billing_pre_tax_total: need(dec(r.get(17)?)?)?,
        billing_currency: r.get(18)?,
        pricing_pre_tax_total: dec(r.get(19)?)?,
        pricing_currency: r.get(20)?,
        pc_to_bc_exchange_rate: dec(r.get(21)?)?,
        partner_earned_credit_rate: need(dec(r.get(22)?)?)?,
    })
}

fn csv_field(out: &mut impl Write, v: Option<&str>) -> Result<()> {
    if let Some(v) = v {
        if v.contains([',', '"', '\n']) {
            write!(out, "\"{}\"", v.replace('"', "\"\""))?;
        } else {
            out.write_all(v.as_bytes())?;
        }
    }
    Ok(())
}

fn plain_insert(
    plain: &mut Connection,
    account: &str,
    source: &str,
    batch: &[DailyUsageRow],
) -> Result<Duration> {
    let began = Instant::now();
    let tx = plain.transaction()?;
    {
        let mut stmt = tx.prepare_cached(&format!(
            "INSERT INTO daily_usage ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
             ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)"
        ))?;
        for u in batch {
            stmt.execute(params![
                account,
                source,
                u.customer_id,
                u.invoice_number,
                u.subscription_id,
                u.entitlement_id,
                u.usage_date.date_naive().to_string(),
                u.meter_id,
                u.meter_name,
                u.meter_category,
                u.meter_region,
                u.resource_uri,
                u.unit_of_measure,
                u.charge_type,
                u.quantity.to_string(),
                u.unit_price.map(|d| d.to_string()),
                u.effective_unit_price.to_string(),
                u.billing_pre_tax_total.to_string(),
                u.billing_currency,
                u.pricing_pre_tax_total.map(|d| d.to_string()),
                u.pricing_currency,
                u.pc_to_bc_exchange_rate.map(|d| d.to_string()),
                u.partner_earned_credit_rate.to_string()
            ])?;
        }
    }
    tx.commit()?;
    Ok(began.elapsed())
}

/// The export a source's rows come from, as Discovery reads them through Graph.
fn export_of(source: &str) -> (GraphDataset, String) {
    match source.strip_prefix("unbilled:") {
        Some(scope) => (GraphDataset::UnbilledUsage, scope.to_string()),
        None => (GraphDataset::BilledUsage, source.to_string()),
    }
}

/// Where the CSV goes: a file, or a gzip stream whose trailer `finish` writes.
enum CsvSink {
    Plain(std::fs::File),
    Gzip(flate2::write::GzEncoder<std::fs::File>),
}

impl CsvSink {
    fn finish(self) -> Result<()> {
        match self {
            Self::Plain(mut f) => f.flush()?,
            Self::Gzip(g) => {
                g.finish()?;
            }
        }
        Ok(())
    }
}

impl Write for CsvSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Self::Plain(f) => f.write(buf),
            Self::Gzip(g) => g.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Self::Plain(f) => f.flush(),
            Self::Gzip(g) => g.flush(),
        }
    }
}

/// Copies every daily usage row of `from` (read through the `daily_usage` view, source by
/// source, in stored order) into `ours` and `plain` (when given), and into `csv`.
pub fn copy(from: &Path, ours: &Path, plain: Option<&Path>, csv: &Path) -> Result<Copied> {
    let src = Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut ours_db = Database::open(ours)?;
    let now = Utc::now();
    let account = accounts::add(
        &ours_db,
        "Contoso",
        "0a1b2c3d-0000-4000-8000-000000000001",
        now,
    )?
    .id;
    let mut plain_db = match plain {
        Some(path) => {
            let db = Connection::open(path)?;
            db.pragma_update(None, "journal_mode", "WAL")?;
            db.pragma_update(None, "synchronous", "NORMAL")?;
            db.execute_batch(OLD_TABLE)?;
            Some(db)
        }
        None => None,
    };
    let file = std::fs::File::create(csv)?;
    let sink = if csv.extension().is_some_and(|e| e == "gz") {
        CsvSink::Gzip(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::fast(),
        ))
    } else {
        CsvSink::Plain(file)
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 20, sink);
    writeln!(
        out,
        "{}",
        COLUMNS
            .split(',')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(",")
    )?;

    let sources: Vec<String> = src
        .prepare("SELECT source FROM usage_sources WHERE staged = 0 ORDER BY source")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut copied = Copied {
        rows: 0,
        ours: Duration::ZERO,
        plain: Duration::ZERO,
    };
    // The decimals as their text (0025 stores them as scaled integers).
    let text = cspdesk_store::usage_decimal::text_sql;
    let mut rows_of = src.prepare(&format!(
        "SELECT s.account_id, s.source, j.customer_id, t.invoice_number, j.subscription_id,
            j.entitlement_id, date(f.day + 2440587.5), m.meter_id, m.meter_name, m.meter_category,
            m.meter_region, r.resource_uri, m.unit_of_measure, t.charge_type, {},
            {}, {}, {}, t.billing_currency,
            {}, t.pricing_currency, t.pc_to_bc_exchange_rate,
            t.partner_earned_credit_rate
         FROM usage_sources s JOIN daily_usage_facts f ON f.source_id = s.id
         JOIN usage_subjects j ON j.id = f.subject_id JOIN usage_meters m ON m.id = f.meter_id
         JOIN usage_resources r ON r.id = f.resource_id JOIN usage_terms t ON t.id = f.terms_id
         WHERE s.source = ?1 AND s.staged = 0 ORDER BY f.ordinal",
        text("f.quantity"),
        text("f.unit_price"),
        text("f.effective_unit_price"),
        text("f.billing_pre_tax_total"),
        text("f.pricing_pre_tax_total"),
    ))?;
    for source in &sources {
        let (dataset, scope) = export_of(source);
        let key = dataset.key(&scope);
        let mut batch = Vec::with_capacity(BATCH);
        let mut rows = rows_of.query([source])?;
        let mut flush = |batch: &mut Vec<DailyUsageRow>, copied: &mut Copied| -> Result<()> {
            if let Some(plain_db) = plain_db.as_mut() {
                copied.plain += plain_insert(plain_db, &account, source, batch)?;
            }
            let began = Instant::now();
            let mut w = ours_db.ingest(&account)?;
            w.stage_usage(&key, batch)?;
            w.commit()?;
            copied.ours += began.elapsed();
            copied.rows += batch.len() as u64;
            batch.clear();
            Ok(())
        };
        loop {
            let next = rows.next()?;
            if let Some(r) = next {
                for i in 0..23 {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    let v: Option<String> = if i == 0 {
                        Some(account.clone())
                    } else {
                        r.get(i)?
                    };
                    csv_field(&mut out, v.as_deref())?;
                }
                out.write_all(b"\n")?;
                batch.push(row(r)?);
            }
            let end = next.is_none();
            if batch.len() >= BATCH || (end && !batch.is_empty()) {
                flush(&mut batch, &mut copied)?;
            }
            if end {
                break;
            }
        }
        let began = Instant::now();
        let mut w = ours_db.ingest(&account)?;
        w.commit_graph_export(&GraphExportVersion {
            dataset,
            scope,
            e_tag: Some("bench".into()),
            manifest_created_at: None,
            read_at: now,
            blobs: 1,
            set_aside: 0,
        })?;
        w.commit()?;
        copied.ours += began.elapsed();
    }
    out.into_inner()
        .map_err(|e| anyhow::anyhow!("writing the CSV: {}", e.error()))?
        .finish()?;
    Ok(copied)
}

/// Runs migration 0019's SQL on the old layout's copy (after the tables it expects from
/// earlier migrations that the copy lacks), timed, then 0025's, and checks the view gives
/// every row.
pub fn migrate_old(plain: &Path, rows: u64) -> Result<Duration> {
    let mut conn = Connection::open(plain)?;
    conn.execute_batch(
        "CREATE TABLE partner_accounts (id TEXT PRIMARY KEY NOT NULL) STRICT;
         INSERT INTO partner_accounts SELECT DISTINCT account_id FROM daily_usage;
         CREATE TABLE graph_staged_usage (account_id TEXT) STRICT;",
    )?;
    // 0025's SQL calls a Rust function (scaled decimals), registered as the store does.
    cspdesk_store::usage_decimal::register(&conn)?;
    let mut timed = |sql: &str| -> Result<Duration> {
        let began = Instant::now();
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.commit()?;
        Ok(began.elapsed())
    };
    let took = timed(include_str!(
        "../../../store/src/migrations/0019_compact_daily_usage.sql"
    ))?;
    // Then 0025 (scaled decimals) on the converted copy, timed apart (stderr only).
    let scaled = timed(include_str!(
        "../../../store/src/migrations/0025_scaled_usage_decimals.sql"
    ))?
    .as_secs_f64();
    eprintln!(
        "==> migration 0025 on the converted copy: {scaled:.1} s ({:.0} rows/s)",
        rows as f64 / scaled.max(1e-9)
    );
    let seen: i64 = conn.query_row("SELECT count(*) FROM daily_usage", [], |r| r.get(0))?;
    anyhow::ensure!(
        seen as u64 == rows,
        "the migrated view has {seen} rows, not {rows}"
    );
    Ok(took)
}
