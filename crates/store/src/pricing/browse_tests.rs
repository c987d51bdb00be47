//! The Prices page's reads over real SQLite: a sheet streamed and fetched back by rowid, a
//! meter across months' sheets, the account's billing currencies.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::discovered::InvoiceRow;
use crate::{accounts, Database, Error};

fn row(line: u64, meter: &str, min: Decimal, price: Decimal) -> StoredSheetRow {
    StoredSheetRow {
        line,
        meter_id: Some(meter.into()),
        product_id: "DZH318Z0C16V".into(),
        sku_id: "001J".into(),
        product_title: "Storage".into(),
        sku_title: format!("Hot LRS {meter}"),
        unit: "1 GB/Month".into(),
        meter_type: "1 GB/Month".into(),
        currency: "USD".into(),
        unit_price: price,
        tier_min: min,
        tier_max: None,
        effective_start: NaiveDate::from_ymd_opt(2018, 3, 1).unwrap(),
        effective_end: None,
        term: "payG-1".into(),
        billing_plan: String::new(),
        erp_price: None,
    }
}

fn write(db: &mut Database, account: &str, month: &str, rows: &[StoredSheetRow]) -> i64 {
    let key = SheetKey {
        account_id: account.into(),
        view: "azure_consumption".into(),
        market: "US".into(),
        month: month.into(),
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
    write_sheet::<Error>(db, &key, Timeline::History, None, None, now, |w| {
        rows.iter().try_for_each(|r| w.row(r))
    })
    .unwrap()
    .sheet
    .id
}

#[test]
fn a_sheet_is_streamed_in_file_order_and_fetched_back_by_rowid() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
    let acc = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", Utc::now())
        .unwrap()
        .id;
    let rows = [
        row(2, "m1", dec!(0), dec!(1.00)),
        row(3, "m1", dec!(100), dec!(0.80)),
        row(4, "m2", dec!(0), dec!(0.05)),
    ];
    let sheet = write(&mut db, &acc, "2026-09", &rows);
    let mut seen = Vec::new();
    each_sheet_row::<Error>(&db, sheet, |rowid, r| {
        seen.push((rowid, r.clone()));
        Ok(())
    })
    .unwrap();
    assert_eq!(
        seen.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>(),
        rows.to_vec(),
        "every row, as written, in file order"
    );
    let wanted = [seen[2].0, seen[0].0];
    let back = sheet_rows_at(&db, sheet, &wanted).unwrap();
    assert_eq!(back, vec![Some(seen[2].clone()), Some(seen[0].clone())]);

    // Replaced: the old rowids are no longer the sheet's, and say so.
    let again = write(&mut db, &acc, "2026-09", &rows[..1]);
    assert_eq!(
        sheet_rows_at(&db, sheet, &wanted).unwrap(),
        vec![None, None]
    );
    assert_ne!(again, sheet, "a replaced sheet has another id");
}

#[test]
fn a_meter_is_read_across_the_months_by_tier_and_currencies_from_invoices() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Database::open(&dir.path().join("db.sqlite3")).unwrap();
    let acc = accounts::add(&db, "A", "0a1b2c3d-0000-4000-8000-000000000001", Utc::now())
        .unwrap()
        .id;
    // October lists the second tier first: the read orders by tier.
    write(
        &mut db,
        &acc,
        "2026-10",
        &[
            row(2, "m1", dec!(100), dec!(0.90)),
            row(3, "m1", dec!(0), dec!(1.10)),
        ],
    );
    write(
        &mut db,
        &acc,
        "2026-09",
        &[
            row(2, "m1", dec!(0), dec!(1.00)),
            row(3, "m2", dec!(0), dec!(7)),
        ],
    );
    let got: Vec<(String, Decimal, Decimal)> = meter_rows(&db, &acc, "azure_consumption", " M1 ")
        .unwrap()
        .into_iter()
        .map(|m| (m.month, m.row.tier_min, m.row.unit_price))
        .collect();
    assert_eq!(
        got,
        vec![
            ("2026-09".into(), dec!(0), dec!(1.00)),
            ("2026-10".into(), dec!(0), dec!(1.10)),
            ("2026-10".into(), dec!(100), dec!(0.90)),
        ],
        "m1's rows only, by month then tier, the id matched in any case"
    );
    assert!(meter_rows(&db, &acc, "updatedlicensebased", "m1")
        .unwrap()
        .is_empty());

    assert!(billing_currencies(&db, &acc).unwrap().is_empty());
    let mut w = db.ingest(&acc).unwrap();
    let invoice = |id: &str, currency: &str| InvoiceRow {
        id: id.into(),
        invoice_date: None,
        billing_period_start: None,
        billing_period_end: None,
        total_charges: Decimal::ZERO,
        paid_amount: None,
        currency: currency.into(),
        invoice_type: None,
        document_type: None,
        amends_of: None,
        streams: vec![],
    };
    w.invoices(
        &[
            invoice("G1", "eur"),
            invoice("G2", "EUR"),
            invoice("G3", "GBP"),
        ],
        Utc::now(),
    )
    .unwrap();
    w.commit().unwrap();
    assert_eq!(billing_currencies(&db, &acc).unwrap(), vec!["EUR", "GBP"]);
}
