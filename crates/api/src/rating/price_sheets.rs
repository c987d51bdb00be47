//! Price files a partner imports: its own price sheet, the Azure plan price list exported
//! from Partner Center or a Pricing API consumption sheet (CSV, the same columns), or a page of the public Retail Prices API (JSON). Each is
//! parsed whole by `cspdesk_rating::price` (a bad row refuses the file, naming file, line and
//! column; nothing is stored), checked against the account's other imports for conflicting
//! prices, and stored. Rating then prices a meter from the best source in effect on the day
//! (partner sheet, price list, rate card, retail prices: [`PriceOrigin`]'s order), and
//! rates again every customer-period whose prices changed.

use std::path::Path;

use chrono::{DateTime, Datelike, Utc};
use cspdesk_rating::price::{
    parse_consumption_sheet, parse_partner_price_sheet, parse_retail_prices, retail_entries,
    within_month, PriceBook, PriceEntry, PriceOrigin,
};
use cspdesk_store::{accounts, price_sheets, Database};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::shared::periods::parse_period;
use crate::{ApiError, ErrorCode};

/// The kinds of price file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum PriceFileKind {
    /// Our CSV: MeterId, TierStart, UnitPrice, Currency, EffectiveFrom.
    PartnerSheet,
    /// Partner Center's Azure plan price list export (CSV).
    PriceList,
    /// One page of the Azure Retail Prices API (JSON).
    RetailPrices,
}

impl PriceFileKind {
    fn origin(self) -> PriceOrigin {
        match self {
            Self::PartnerSheet => PriceOrigin::PartnerSheet,
            Self::PriceList => PriceOrigin::PriceList,
            Self::RetailPrices => PriceOrigin::RetailPrices,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::PartnerSheet => "partnerSheet",
            Self::PriceList => "priceList",
            Self::RetailPrices => "retailPrices",
        }
    }
}

/// An imported price file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PriceSheetDto {
    /// Its id (to remove it).
    pub id: i64,
    /// `partnerSheet`, `priceList` or `retailPrices`.
    pub kind: String,
    /// The file's name.
    pub file_name: String,
    /// Prices (meter, currency, start day) it holds.
    pub entries: u32,
    /// When imported (RFC 3339).
    pub imported_at: String,
}

fn dto(s: price_sheets::PriceSheet) -> PriceSheetDto {
    PriceSheetDto {
        id: s.id,
        kind: s.origin,
        file_name: s.file_name,
        entries: s.entries,
        imported_at: s.imported_at,
    }
}

fn bad_file(message: String) -> ApiError {
    ApiError::new(ErrorCode::Validation, message, Some("file"))
}

/// Parses `text` (the content of `file_name`) as `kind`.
pub fn parse(
    kind: PriceFileKind,
    file_name: &str,
    text: &str,
) -> Result<Vec<PriceEntry>, ApiError> {
    let parsed = match kind {
        PriceFileKind::PartnerSheet => parse_partner_price_sheet(file_name, text.as_bytes()),
        PriceFileKind::PriceList => return price_list(file_name, text),
        PriceFileKind::RetailPrices => {
            parse_retail_prices(file_name, text).and_then(|page| retail_entries(page.rows))
        }
    };
    let entries = parsed.map_err(|e| bad_file(format!("{e}. Nothing was imported.")))?;
    if entries.is_empty() {
        return Err(bad_file(format!(
            "{file_name} holds no prices (a Retail Prices page counts only Consumption items). Nothing was imported."
        )));
    }
    Ok(entries)
}

/// A price list or Pricing API consumption sheet, read as Microsoft writes it (`M/D/YYYY`
/// dates, an empty tier minimum, a unit in `MeterType`). A row priced for another offer (a
/// reservation, a savings plan) is left out; any other odd row refuses the file, naming it, as
/// an import is the partner's deliberate act and it can fix the file.
fn price_list(file_name: &str, text: &str) -> Result<Vec<PriceEntry>, ApiError> {
    let sheet = parse_consumption_sheet(file_name, text.as_bytes())
        .map_err(|e| bad_file(format!("{e}. Nothing was imported.")))?;
    if let Some(odd) = sheet.set_aside.iter().find(|s| !s.is_other_offer()) {
        return Err(bad_file(format!(
            "{file_name}, line {}, column {}: {}. Nothing was imported.",
            odd.line, odd.column, odd.reason
        )));
    }
    if sheet.entries.is_empty() {
        return Err(bad_file(format!(
            "{file_name} holds no consumption prices. Nothing was imported."
        )));
    }
    Ok(sheet.entries)
}

fn read_file(path: &Path) -> Result<(String, String), ApiError> {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let text = std::fs::read_to_string(path).map_err(|e| {
        bad_file(format!(
            "could not read {}: {e}. Check the path and that it is a UTF-8 text file.",
            path.display()
        ))
    })?;
    Ok((file_name, text))
}

/// Imports the file at `path` for `account` (name or id).
pub fn import(
    db: &mut Database,
    account: &str,
    kind: PriceFileKind,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PriceSheetDto, ApiError> {
    let (file_name, text) = read_file(path)?;
    let entries = parse(kind, &file_name, &text)?;
    store(db, account, kind, &file_name, entries, now)
}

/// Imports the Pricing API consumption sheet of `month` (`YYYY-MM`) at `path`: its prices cut
/// to that month ([`within_month`]), so each month's usage is rated with its own month's
/// sheet, and sheets of several months stand side by side. Stored as a price list named
/// `file (YYYY-MM)`; an imported partner sheet still overrides it by effective date.
pub fn import_month_sheet(
    db: &mut Database,
    account: &str,
    month: &str,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<PriceSheetDto, ApiError> {
    let period = parse_period(month)?;
    let (file_name, text) = read_file(path)?;
    let key = (period.start().year(), period.start().month());
    let entries = within_month(price_list(&file_name, &text)?, key);
    if entries.is_empty() {
        return Err(bad_file(format!(
            "{file_name} holds no price in effect in {month}: is it that month's sheet? Nothing was imported."
        )));
    }
    let name = format!("{file_name} ({month})");
    store(db, account, PriceFileKind::PriceList, &name, entries, now)
}

fn store(
    db: &mut Database,
    account: &str,
    kind: PriceFileKind,
    file_name: &str,
    entries: Vec<PriceEntry>,
    now: DateTime<Utc>,
) -> Result<PriceSheetDto, ApiError> {
    let account = accounts::find(db, account)?;
    // Conflicts with the sheets already imported are refused now, not at rating time.
    let mut book = PriceBook::from_entries(stored_entries(db, &account.id)?)
        .map_err(|e| bad_file(format!("the imported price sheets conflict: {e}")))?;
    book.add(entries.iter().cloned()).map_err(|e| {
        bad_file(format!(
            "{file_name} conflicts with a price sheet already imported: {e}. Nothing was imported."
        ))
    })?;
    let json: Vec<String> = entries
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<_, _>>()
        .map_err(|e| ApiError::new(ErrorCode::Internal, e.to_string(), None))?;
    debug_assert!(entries.iter().all(|e| e.origin == kind.origin()));
    Ok(dto(price_sheets::import(
        db,
        &account.id,
        kind.name(),
        file_name,
        &json,
        now,
    )?))
}

/// The account's imported sheets, oldest first.
pub fn list(db: &Database, account: &str) -> Result<Vec<PriceSheetDto>, ApiError> {
    let account = accounts::find(db, account)?;
    Ok(price_sheets::list(db, &account.id)?
        .into_iter()
        .map(dto)
        .collect())
}

/// Removes one imported sheet.
pub fn remove(db: &mut Database, account: &str, id: i64) -> Result<(), ApiError> {
    let account = accounts::find(db, account)?;
    Ok(price_sheets::remove(db, &account.id, id)?)
}

/// Every entry of the account's imported sheets.
pub fn stored_entries(db: &Database, account_id: &str) -> Result<Vec<PriceEntry>, ApiError> {
    price_sheets::entries(db, account_id)?
        .iter()
        .map(|json| {
            serde_json::from_str(json).map_err(|e| {
                ApiError::new(
                    ErrorCode::Storage,
                    format!("a stored price sheet entry is unreadable ({e}): remove the sheet and import it again"),
                    None,
                )
            })
        })
        .collect()
}

/// The fingerprints of the account's sheets, joined: rating compares it to tell changed prices.
pub fn fingerprint(db: &Database, account_id: &str) -> Result<String, ApiError> {
    Ok(price_sheets::list(db, account_id)?
        .into_iter()
        .map(|s| s.fingerprint)
        .collect::<Vec<_>>()
        .join("+"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn documented() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/microsoft/pricing/azure-consumption.csv"
        ))
        .unwrap()
    }

    #[test]
    fn microsofts_documented_sheet_imports_as_a_price_list() {
        let entries = parse(PriceFileKind::PriceList, "sheet.csv", &documented()).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(
            entries[0]
                .price
                .tiers
                .cost(rust_decimal::Decimal::ONE)
                .to_string(),
            "15"
        );
    }

    #[test]
    fn an_odd_row_or_a_missing_column_refuses_the_import_naming_it() {
        let text = documented();
        let row = text.lines().nth(1).unwrap().replace("\"15\"", "\"x\"");
        let err = parse(
            PriceFileKind::PriceList,
            "odd.csv",
            &format!("{text}{row}\n"),
        )
        .unwrap_err();
        assert!(
            err.message.contains("line 3, column UnitPrice"),
            "{}",
            err.message
        );
        let reservation = text
            .lines()
            .nth(1)
            .unwrap()
            .replace("\"1 Node/Month\",\"Azure\"", "\"Reservation\",\"Azure\"");
        let entries = parse(
            PriceFileKind::PriceList,
            "r.csv",
            &format!("{text}{reservation}\n"),
        )
        .unwrap();
        assert_eq!(entries.len(), 1, "another offer's row is left out");
        let err = parse(
            PriceFileKind::PriceList,
            "no.csv",
            &text.replace("\"UnitPrice\",", ""),
        )
        .unwrap_err();
        assert!(
            err.message.contains("UnitPrice") && err.message.contains("Nothing was imported"),
            "{}",
            err.message
        );
    }

    #[test]
    fn two_months_sheets_each_price_their_own_month() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 21, 10, 0, 0).unwrap();
        let account = accounts::add(&db, "Contoso", "00000000-0000-0000-0000-0000000000aa", now)
            .unwrap()
            .id;
        let (sept, oct) = (dir.path().join("sept.csv"), dir.path().join("oct.csv"));
        std::fs::write(&sept, documented()).unwrap();
        std::fs::write(&oct, documented().replace("\"15\"", "\"16.5\"")).unwrap();
        let first = import_month_sheet(&mut db, &account, "2026-09", &sept, now).unwrap();
        assert_eq!(first.file_name, "sept.csv (2026-09)");
        import_month_sheet(&mut db, &account, "2026-10", &oct, now).unwrap();
        let book = PriceBook::from_entries(stored_entries(&db, &account).unwrap()).unwrap();
        let meter = "cb0969aa-aaaa-4d6c-ab4b-7e182fa06aff";
        let price = |m, d| {
            let day = chrono::NaiveDate::from_ymd_opt(2026, m, d).unwrap();
            book.tiers(meter, day, "USD")
                .map(|t| t.cost(rust_decimal::Decimal::ONE).to_string())
        };
        assert_eq!(price(9, 30).as_deref(), Some("15"));
        assert_eq!(price(10, 1).as_deref(), Some("16.5"));
        assert_eq!(price(11, 1), None, "no sheet for November");
        let err = import_month_sheet(&mut db, &account, "2017-01", &sept, now).unwrap_err();
        assert!(
            err.message.contains("no price in effect in 2017-01"),
            "{}",
            err.message
        );
    }
}
