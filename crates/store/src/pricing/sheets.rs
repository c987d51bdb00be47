//! Price sheets: written from the reader's rows in one transaction, listed, and read back
//! per month for rating (see the module above).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, OptionalExtension, Transaction};
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::rated::fingerprint::Fingerprint;
use crate::Database;

/// Which sheet: account, view, market and month.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SheetKey {
    /// The partner account.
    pub account_id: String,
    /// `azure_consumption` or `updatedlicensebased`.
    pub view: String,
    /// Market, upper case (`US`).
    pub market: String,
    /// `YYYY-MM`.
    pub month: String,
}

/// A past month's sheet, or the current month's so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeline {
    /// A closed month: read once.
    History,
    /// The month so far: replaced when read again.
    Current,
}

impl Timeline {
    fn as_str(self) -> &'static str {
        match self {
            Self::History => "history",
            Self::Current => "current",
        }
    }
}

/// One row as the reader gives it (one per line and meter id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSheetRow {
    /// 1-based line in the file.
    pub line: u64,
    /// Meter id, lower case (None for a licence).
    pub meter_id: Option<String>,
    /// `ProductId`.
    pub product_id: String,
    /// `SkuId`.
    pub sku_id: String,
    /// `ProductTitle`.
    pub product_title: String,
    /// `SkuTitle`.
    pub sku_title: String,
    /// `UnitOfMeasure`.
    pub unit: String,
    /// `MeterType` as written.
    pub meter_type: String,
    /// Currency, upper case.
    pub currency: String,
    /// `UnitPrice`.
    pub unit_price: Decimal,
    /// `PricingTierRangeMin` (empty was read as 0).
    pub tier_min: Decimal,
    /// `PricingTierRangeMax`.
    pub tier_max: Option<Decimal>,
    /// `EffectiveStartDate`.
    pub effective_start: NaiveDate,
    /// `EffectiveEndDate`.
    pub effective_end: Option<NaiveDate>,
    /// `TermDuration`.
    pub term: String,
    /// `BillingPlan`.
    pub billing_plan: String,
    /// `ERP Price`.
    pub erp_price: Option<Decimal>,
}

/// A stored sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredSheet {
    /// Its id.
    pub id: i64,
    /// Which sheet.
    pub key: SheetKey,
    /// History or current.
    pub timeline: Timeline,
    /// The file it was imported from, if any.
    pub file_name: Option<String>,
    /// The import run that wrote it.
    pub run_id: Option<i64>,
    /// Rows written.
    pub rows: u64,
    /// Rows set aside.
    pub set_aside: u64,
    /// Hash of its rows.
    pub fingerprint: String,
    /// When read (RFC 3339).
    pub read_at: String,
}

/// What [`write_sheet`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenSheet {
    /// The sheet as stored.
    pub sheet: StoredSheet,
    /// Whether it replaced a sheet held for the key.
    pub replaced: bool,
}

/// Feeds one sheet's rows into its transaction.
pub struct SheetWriter<'t> {
    tx: &'t Transaction<'t>,
    sheet_id: i64,
    rows: u64,
    set_aside: u64,
    print: Fingerprint,
}

fn opt_text<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

impl SheetWriter<'_> {
    /// Writes one row.
    pub fn row(&mut self, r: &StoredSheetRow) -> Result<()> {
        let unit_price = r.unit_price.to_string();
        let tier_min = r.tier_min.to_string();
        let tier_max = opt_text(&r.tier_max);
        let start = r.effective_start.to_string();
        let end = opt_text(&r.effective_end);
        let erp = opt_text(&r.erp_price);
        for f in [
            r.meter_id.as_deref(),
            Some(&r.currency),
            Some(&unit_price),
            Some(&tier_min),
            tier_max.as_deref(),
            Some(&start),
            end.as_deref(),
            Some(&r.product_id),
            Some(&r.sku_id),
            Some(&r.term),
            Some(&r.billing_plan),
            erp.as_deref(),
        ] {
            self.print.field(f);
        }
        self.print.end_row();
        self.tx
            .prepare_cached(
                "INSERT INTO pricing_sheet_rows (sheet_id, line, meter_id, product_id, sku_id,
                 product_title, sku_title, unit, meter_type, currency, unit_price, tier_min,
                 tier_max, effective_start, effective_end, term, billing_plan, erp_price)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?
            .execute(params![
                self.sheet_id,
                r.line as i64,
                r.meter_id,
                r.product_id,
                r.sku_id,
                r.product_title,
                r.sku_title,
                r.unit,
                r.meter_type,
                r.currency,
                unit_price,
                tier_min,
                tier_max,
                start,
                end,
                r.term,
                r.billing_plan,
                erp,
            ])?;
        self.rows += 1;
        Ok(())
    }

    /// Writes a row the reader set aside, with its line, column and reason.
    pub fn set_aside(&mut self, line: u64, column: &str, reason: &str) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO pricing_sheet_set_aside (sheet_id, line, column, reason)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![self.sheet_id, line as i64, column, reason])?;
        self.set_aside += 1;
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }
}

/// Writes the sheet of `key` in one transaction (see the module above): what the key held is
/// replaced, `fill` feeds the rows; an error from `fill` (a refused header, a failed write)
/// rolls everything back and is returned as it was.
#[allow(clippy::too_many_arguments)]
pub fn write_sheet<E: From<Error>>(
    db: &mut Database,
    key: &SheetKey,
    timeline: Timeline,
    file_name: Option<&str>,
    run_id: Option<i64>,
    now: DateTime<Utc>,
    fill: impl FnOnce(&mut SheetWriter<'_>) -> std::result::Result<(), E>,
) -> std::result::Result<WrittenSheet, E> {
    let tx = db.conn_mut().transaction().map_err(Error::from)?;
    let replaced = tx
        .execute(
            "DELETE FROM pricing_sheets WHERE account_id = ?1 AND view = ?2 AND market = ?3 AND month = ?4",
            params![key.account_id, key.view, key.market, key.month],
        )
        .map_err(Error::from)?
        > 0;
    let read_at = now.to_rfc3339_opts(SecondsFormat::Secs, true);
    tx.execute(
        "INSERT INTO pricing_sheets (account_id, view, market, month, timeline, file_name,
         run_id, rows, set_aside, fingerprint, read_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, '', ?8)",
        params![
            key.account_id,
            key.view,
            key.market,
            key.month,
            timeline.as_str(),
            file_name,
            run_id,
            read_at
        ],
    )
    .map_err(Error::from)?;
    let sheet_id = tx.last_insert_rowid();
    let mut writer = SheetWriter {
        tx: &tx,
        sheet_id,
        rows: 0,
        set_aside: 0,
        print: Fingerprint::default(),
    };
    fill(&mut writer)?;
    let (rows, set_aside, fingerprint) = (writer.rows, writer.set_aside, writer.print.hex());
    tx.execute(
        "UPDATE pricing_sheets SET rows = ?2, set_aside = ?3, fingerprint = ?4 WHERE id = ?1",
        params![sheet_id, rows as i64, set_aside as i64, fingerprint],
    )
    .map_err(Error::from)?;
    tx.commit().map_err(Error::from)?;
    Ok(WrittenSheet {
        sheet: StoredSheet {
            id: sheet_id,
            key: key.clone(),
            timeline,
            file_name: file_name.map(str::to_string),
            run_id,
            rows,
            set_aside,
            fingerprint,
            read_at,
        },
        replaced,
    })
}

/// Whether the past month's sheet of `key` is held (Discovery then does not fetch it again).
pub fn holds_history(db: &Database, key: &SheetKey) -> Result<bool> {
    Ok(db
        .conn()
        .query_row(
            "SELECT 1 FROM pricing_sheets WHERE account_id = ?1 AND view = ?2 AND market = ?3
             AND month = ?4 AND timeline = 'history'",
            params![key.account_id, key.view, key.market, key.month],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The account's sheets of `view` (every view when `None`), by month then market.
pub fn sheets(db: &Database, account_id: &str, view: Option<&str>) -> Result<Vec<StoredSheet>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT id, account_id, view, market, month, timeline, file_name, run_id, rows,
         set_aside, fingerprint, read_at FROM pricing_sheets
         WHERE account_id = ?1 AND (?2 IS NULL OR view = ?2) ORDER BY month, market, view",
    )?;
    let rows = stmt.query_map(params![account_id, view], |r| {
        Ok(StoredSheet {
            id: r.get(0)?,
            key: SheetKey {
                account_id: r.get(1)?,
                view: r.get(2)?,
                market: r.get(3)?,
                month: r.get(4)?,
            },
            timeline: if r.get::<_, String>(5)? == "history" {
                Timeline::History
            } else {
                Timeline::Current
            },
            file_name: r.get(6)?,
            run_id: r.get(7)?,
            rows: r.get::<_, i64>(8)? as u64,
            set_aside: r.get::<_, i64>(9)? as u64,
            fingerprint: r.get(10)?,
            read_at: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rows of sheet `sheet_id`, in file order.
pub fn sheet_rows(db: &Database, sheet_id: i64) -> Result<Vec<StoredSheetRow>> {
    let mut out = Vec::new();
    super::browse::each_sheet_row::<Error>(db, sheet_id, |_, row| {
        out.push(row.clone());
        Ok(())
    })?;
    Ok(out)
}
