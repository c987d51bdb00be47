//! Issue 16, licences: a charge is checked against the sheet of the month ITS TERM started,
//! renewals included. The emulator's `P1M` seats renew every month and its `P1Y` seats at
//! their anniversary, each renewal priced at its month's sheet, and every line says its term
//! (`SubscriptionStartDate`...): the sandbox's charges are all dated by their lines and none is
//! flagged. On a renewed line, the rule before issue 16 (the subscription's creation month)
//! is shown to misjudge in both directions, and a line without term dates falls back to that
//! rule and is counted apart.

use std::path::Path;

use cspdesk_api::rating::licence_check::{check_licences, SheetChoice, TermDatedBy};
use cspdesk_emulator::Preset;
use cspdesk_store::pricing::{self, LicenceCharge, TermDating};
use cspdesk_store::Database;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::licence_check::prices;
use crate::rating::{dec, discover, Discovered};

async fn sandbox() -> Discovered {
    let d = discover(Preset::S, false, |_| {}).await;
    prices(&d).await;
    d
}

/// Rewrites the stored line of charge `c` with `set` (`?1` the price given).
fn rewrite(d: &Discovered, c: &LicenceCharge, set: &str, price: Decimal) {
    let sql = format!(
        "UPDATE billing_line_items SET {set} WHERE account_id = ?2 AND subscription_id = ?3
           AND charge_start_date = ?4 AND 'invoice ' || invoice_id = ?5"
    );
    let params = rusqlite::params![
        price.to_string(),
        d.account,
        c.subscription_id,
        c.charge_start,
        c.document
    ];
    let changed = Connection::open(&d.db)
        .unwrap()
        .execute(&sql, params)
        .unwrap();
    assert_eq!(changed, 1, "one line: {c:?}");
}

/// The licence sheet price of (market, month) for `c`'s product and term.
fn sheet_price(db: &Database, account: &str, c: &LicenceCharge, month: &str) -> Option<Decimal> {
    let sheets = pricing::sheets(db, account, Some("updatedlicensebased")).unwrap();
    let sheet = sheets
        .iter()
        .find(|s| s.key.market == c.market && s.key.month == month)?;
    pricing::sheet_rows(db, sheet.id)
        .unwrap()
        .into_iter()
        .find(|r| r.product_id == c.product_id && r.term == c.term)
        .map(|r| r.unit_price)
}

/// Adds a licence sheet for `month` (absent) as a copy of `from`'s rows at `factor` times
/// their prices: the subscription's creation month's sheet, which the check never needs.
fn copy_sheet(db: &Path, account: &str, market: &str, from: &str, month: &str, factor: &str) {
    let conn = Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO pricing_sheets (account_id, view, market, month, timeline, rows, set_aside,
            fingerprint, read_at)
         SELECT account_id, view, market, ?4, 'history', rows, 0, 'test', read_at
         FROM pricing_sheets WHERE account_id = ?1 AND view = 'updatedlicensebased'
           AND market = ?2 AND month = ?3",
        rusqlite::params![account, market, from, month],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    conn.execute(
        "INSERT INTO pricing_sheet_rows SELECT ?5, line, meter_id, product_id, sku_id,
            product_title, sku_title, unit, meter_type, currency,
            CAST(round(CAST(unit_price AS REAL) * CAST(?4 AS REAL), 2) AS TEXT),
            tier_min, tier_max, effective_start, effective_end, term, billing_plan, erp_price
         FROM pricing_sheet_rows WHERE sheet_id = (SELECT id FROM pricing_sheets
           WHERE account_id = ?1 AND view = 'updatedlicensebased' AND market = ?2 AND month = ?3)",
        rusqlite::params![account, market, from, factor, id],
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn every_sandbox_licence_is_dated_by_its_own_term_and_none_is_flagged() {
    let d = sandbox().await;
    let db = Database::open(&d.db).unwrap();
    let charges = pricing::licence_charges(&db, &d.account, None).unwrap();
    let renewed = charges
        .iter()
        .filter(|c| c.term_month != c.created_month)
        .count();
    let annual = charges.iter().filter(|c| c.term == "P1Y").count();
    eprintln!(
        "{} charges, {renewed} in a renewed term, {annual} on an annual term",
        charges.len()
    );
    assert!(renewed > 0, "the sandbox bills renewed terms");
    assert!(annual > 0, "and annual ones");
    assert!(
        charges
            .iter()
            .any(|c| c.term == "P1Y" && c.term_month != c.created_month),
        "an annual term renewed at its anniversary"
    );
    assert!(charges.iter().all(|c| c.dated_by == TermDating::LineTerm));

    let check = check_licences(&db, None, None, SheetChoice::OrderMonth).unwrap();
    assert_eq!(check.checked as usize, charges.len(), "{check:?}");
    assert_eq!(
        (check.dated_by_line as usize, check.dated_by_creation),
        (charges.len(), 0)
    );
    assert!(check.flags.is_empty(), "{:#?}", check.flags);
    d.emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_renewed_term_is_checked_against_its_renewal_months_sheet_not_its_creations() {
    let d = sandbox().await;
    let db = Database::open(&d.db).unwrap();
    let charges = pricing::licence_charges(&db, &d.account, None).unwrap();
    // A monthly seat billed in a renewed term, on an invoice.
    let c = charges
        .iter()
        .find(|c| {
            c.term == "P1M" && c.term_month != c.created_month && c.document.starts_with("invoice ")
        })
        .expect("a renewed monthly seat")
        .clone();
    let renewal = sheet_price(&db, &d.account, &c, &c.term_month).expect("its term's sheet");
    assert_eq!(c.unit_price, renewal, "billed at its renewal month's price");
    // The creation month's sheet, 10 % below: what the subscription was first bought at.
    copy_sheet(
        &d.db,
        &d.account,
        &c.market,
        &c.term_month,
        &c.created_month,
        "0.9",
    );
    let original = sheet_price(&db, &d.account, &c, &c.created_month).unwrap();
    assert_ne!(original, renewal);
    let of = |flags: &[cspdesk_api::rating::licence_check::LicenceFlagDto]| {
        flags
            .iter()
            .filter(|f| {
                (&f.document, &f.subscription_id, &f.charge_start)
                    == (&c.document, &c.subscription_id, &c.charge_start)
            })
            .cloned()
            .collect::<Vec<_>>()
    };

    // Billed at its renewal's price: the check passes it, the old rule flags it.
    let check = check_licences(&db, None, None, SheetChoice::OrderMonth).unwrap();
    assert!(of(&check.flags).is_empty(), "{:#?}", check.flags);
    let old = check_licences(&db, None, None, SheetChoice::SubscriptionCreation).unwrap();
    let flagged = of(&old.flags);
    assert_eq!(flagged.len(), 1, "the old rule flags it: {:#?}", old.flags);
    assert_eq!(dec(&flagged[0].list_unit_price), original);

    // Billed at the original term's price although it renewed: flagged, with both prices.
    rewrite(&d, &c, "unit_price = ?1", original);
    let check = check_licences(&db, None, None, SheetChoice::OrderMonth).unwrap();
    let flagged = of(&check.flags);
    assert_eq!(flagged.len(), 1, "{:#?}", check.flags);
    let f = &flagged[0];
    assert_eq!(
        (dec(&f.billed_unit_price), dec(&f.list_unit_price)),
        (original, renewal)
    );
    assert_eq!(dec(&f.difference), original - renewal);
    assert_eq!(f.term_month, c.term_month);
    assert_eq!(f.term_dated_by, TermDatedBy::LineTerm);
    let old = check_licences(&db, None, None, SheetChoice::SubscriptionCreation).unwrap();
    assert!(of(&old.flags).is_empty(), "the old rule lets it pass");

    // The same line without its term dates: dated by its subscription's creation, counted
    // as such, and its flag says so.
    rewrite(
        &d,
        &c,
        "subscription_start_date = NULL, unit_price = ?1",
        renewal,
    );
    let check = check_licences(&db, None, None, SheetChoice::OrderMonth).unwrap();
    assert_eq!(check.dated_by_creation, 1, "{check:?}");
    assert_eq!(check.dated_by_line + 1, check.checked + check.not_checked);
    let flagged = of(&check.flags);
    assert_eq!(flagged.len(), 1, "{:#?}", check.flags);
    assert_eq!(flagged[0].term_dated_by, TermDatedBy::SubscriptionCreation);
    assert_eq!(flagged[0].term_month, c.created_month);
    assert_eq!(dec(&flagged[0].list_unit_price), original);
    d.emu.shutdown().await;
}
