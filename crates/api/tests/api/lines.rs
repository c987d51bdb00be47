//! A customer's lines on an invoice as the Billing page sees them: every sorted, searched or
//! filtered view, read a page at a time, is exactly a reference sort of all the lines done
//! here independently (ties in invoice order, blanks last); its sums are the sums of its
//! lines to the cent; exports hold exactly its rows in its order; a kept view is dropped when
//! the lines or markups under it change; the kept views stay within their bounds.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone, Utc};
use cspdesk_api::billing::dto::{InvoiceLineDto, InvoiceLinesPageDto};
use cspdesk_api::billing::dto::{LineColumn, LineQueryDto};
use cspdesk_api::billing::export;
use cspdesk_api::billing::line_view::{LineViews, KEEP_VIEWS};
use cspdesk_api::billing::lines::{self as customer_lines, LinesInView};
use cspdesk_api::customers::dto::CustomerRef;
use cspdesk_api::customers::dto::{MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::markups;
use cspdesk_export::CsvOptions;
use cspdesk_store::discovered::{BillingLineRow, CustomerRow, InvoiceRow, LegacyLineRow};
use cspdesk_store::{accounts, Database};
use rust_decimal::Decimal;

use crate::rating::dec;

const INVOICE: &str = "G000LINES1";
const CUSTOMER: &str = "c-lines";
const OTHER: &str = "c-other";
const BILLING_LINES: i64 = 2_400;
const LEGACY_LINES: i64 = 100;

fn billing_line(customer: &str, n: i64) -> BillingLineRow {
    let products = [
        Some("Virtual Machines"),
        Some("Storage"),
        Some("storage archive"),
        Some("Bandwidth"),
        None,
    ];
    // Many ties, negative amounts, and one amount in two scales (1.23 and 1.230).
    let cents = (n * 7_919) % 97 - 20;
    let subtotal = if n % 10 == 0 {
        Decimal::new(cents * 10, 3)
    } else {
        Decimal::new(cents, 2)
    };
    BillingLineRow {
        customer_id: customer.to_string(),
        customer_name: Some("Lines Ltd".into()),
        product_id: "DZH318Z0BQ3X".into(),
        sku_id: Some("0001".into()),
        product_name: products[(n % 5) as usize].map(str::to_string),
        sku_name: (n % 17 != 0).then(|| format!("Meter {}", n % 12)),
        charge_type: if n % 7 == 0 { "Purchase" } else { "usage" }.into(),
        subscription_id: format!("sub-{}", n % 3),
        unit_price: Decimal::new(n % 11, 1),
        effective_unit_price: None,
        quantity: Decimal::new(n % 13, 0),
        billable_quantity: None,
        subtotal,
        tax_total: None,
        total_for_customer: None,
        currency: if n % 50 == 0 { "USD" } else { "EUR" }.into(),
        pc_to_bc_exchange_rate: None,
        charge_start_date: Some(format!("2026-10-{:02}T00:00:00Z", 1 + n % 28)),
        charge_end_date: Some("2026-10-31T00:00:00Z".into()),
        term: Default::default(),
    }
}

fn legacy_line(n: i64) -> LegacyLineRow {
    LegacyLineRow {
        customer_id: Some(CUSTOMER.into()),
        subscription_id: Some("legacy-sub".into()),
        resource_guid: Some(format!("guid-{n}")),
        resource_name: (n % 2 == 0).then(|| "Storage".into()),
        charge_start_date: Some("2026-10-03".into()),
        charge_end_date: Some("2026-10-31".into()),
        consumed_quantity: (n % 3 != 0).then(|| Decimal::new(n, 2)),
        pretax_charges: (n % 4 != 0).then(|| Decimal::new(n * 3 - 90, 2)),
        tax_amount: None,
        currency: Some("EUR".into()),
        unit_price: None,
        unit: None,
        billing_cycle_type: None,
    }
}

/// A database with one invoice: the customer's new-commerce and legacy lines, another
/// customer's lines in between, and a markup under which resale orders differently from cost.
fn fixture(dir: &std::path::Path) -> (Database, String) {
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
    let mut db = Database::open(&dir.join("lines.sqlite3")).unwrap();
    let account = accounts::add(&db, "Lines", "0a1b2c3d-0000-4000-8000-0000000000c1", now)
        .unwrap()
        .id;
    let mut w = db.ingest(&account).unwrap();
    let customer = |id: &str| CustomerRow {
        id: id.into(),
        company_name: format!("Company {id}"),
        domain: format!("{id}.example"),
        tenant_id: None,
        commerce_id: None,
        relationship: None,
    };
    w.customers(&[customer(CUSTOMER), customer(OTHER)], now)
        .unwrap();
    w.invoices(
        &[InvoiceRow {
            id: INVOICE.into(),
            invoice_date: Some("2026-11-08T00:00:00Z".into()),
            billing_period_start: Some("2026-10-01T00:00:00Z".into()),
            billing_period_end: Some("2026-10-31T00:00:00Z".into()),
            total_charges: Decimal::ZERO,
            paid_amount: None,
            currency: "EUR".into(),
            invoice_type: Some("Recurring".into()),
            document_type: Some("Invoice".into()),
            amends_of: None,
            streams: vec![("all".into(), "billinglineitems".into())],
        }],
        now,
    )
    .unwrap();
    let mut page = Vec::new();
    for n in 0..BILLING_LINES {
        page.push(billing_line(CUSTOMER, n));
        if n % 100 == 0 {
            page.push(billing_line(OTHER, n));
        }
    }
    w.billing_lines(INVOICE, &page).unwrap();
    let legacy: Vec<LegacyLineRow> = (0..LEGACY_LINES).map(legacy_line).collect();
    w.legacy_lines(INVOICE, "Azure", "usagelineitems", &legacy)
        .unwrap();
    w.commit().unwrap();
    mark_up(
        &mut db,
        &account,
        &[
            MarkupTermDto::Percent {
                percent: "10".into(),
            },
            MarkupTermDto::CategoryPercent {
                category: "Storage".into(),
                percent: Some("50".into()),
            },
            MarkupTermDto::MonthlyFee {
                fee: "25.00".into(),
            },
        ],
    );
    (db, account)
}

fn in_view<'a>(account: &'a str, query: &'a LineQueryDto) -> LinesInView<'a> {
    LinesInView::new(account, INVOICE, CUSTOMER, query)
}

/// Adds markup `terms` for the customer from the start of the year.
fn mark_up(db: &mut Database, account: &str, terms: &[MarkupTermDto]) {
    markups::set(
        db,
        &MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account.to_string(),
                customer_id: CUSTOMER.into(),
            },
        },
        terms,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        Utc.with_ymd_and_hms(2026, 11, 21, 11, 0, 0).unwrap(),
    )
    .unwrap();
}

/// Every line of the view, read `size` lines a page as the table would.
fn read_all(
    db: &Database,
    views: &LineViews,
    account: &str,
    query: &LineQueryDto,
    size: u64,
) -> (Vec<InvoiceLineDto>, InvoiceLinesPageDto) {
    let first =
        customer_lines::customer_lines(db, views, &in_view(account, query), 0, size).unwrap();
    let mut lines = first.lines.clone();
    while (lines.len() as u64) < first.total {
        let page = customer_lines::customer_lines(
            db,
            views,
            &in_view(account, query),
            lines.len() as u64,
            size,
        )
        .unwrap();
        assert_eq!(page.total, first.total, "the view keeps its size");
        assert!(!page.lines.is_empty(), "a page inside the view has lines");
        lines.extend(page.lines);
    }
    (lines, first)
}

/// The reference ordering, written apart from the backend's: text with each run of digits
/// padded to a fixed width and lower-cased, then the exact text; decimals parsed.
fn natural_key(text: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once('\0')) {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            let digits = run.trim_start_matches('0');
            out.push_str(&format!("{digits:0>20}"));
            run.clear();
        }
        if c != '\0' {
            out.extend(c.to_lowercase());
        }
    }
    out
}

enum Key {
    Blank,
    Text(String, String),
    Number(Decimal),
}

fn key(l: &InvoiceLineDto, column: LineColumn) -> Key {
    let text = |t: &Option<String>| match t.as_deref() {
        None | Some("") => Key::Blank,
        Some(t) => Key::Text(natural_key(t), t.to_string()),
    };
    let number = |t: Option<&str>| {
        t.and_then(|t| t.parse().ok())
            .map_or(Key::Blank, Key::Number)
    };
    match column {
        LineColumn::Line => Key::Number(Decimal::from(l.position)),
        LineColumn::Product => text(&l.product),
        LineColumn::Sku => text(&l.sku),
        LineColumn::Subscription => text(&l.subscription_id),
        LineColumn::ChargeType => text(&l.charge_type),
        LineColumn::ChargeStart => text(&l.charge_start),
        LineColumn::Quantity => number(l.quantity.as_deref()),
        LineColumn::UnitPrice => number(l.unit_price.as_deref()),
        LineColumn::Cost => number(Some(&l.cost)),
        LineColumn::Resale => number(Some(&l.resale)),
    }
}

fn reference(all: &[InvoiceLineDto], q: &LineQueryDto) -> Vec<InvoiceLineDto> {
    let needle = q.search.trim().to_lowercase();
    let mut shown: Vec<InvoiceLineDto> = all
        .iter()
        .filter(|l| {
            q.product
                .as_ref()
                .is_none_or(|p| l.product.as_deref().unwrap_or("") == p)
        })
        .filter(|l| {
            needle.is_empty()
                || [&l.product, &l.sku, &l.subscription_id, &l.charge_type]
                    .iter()
                    .any(|t| {
                        t.as_deref()
                            .is_some_and(|t| t.to_lowercase().contains(&needle))
                    })
        })
        .cloned()
        .collect();
    shown.sort_by(|a, b| {
        let by_value = match (key(a, q.sort), key(b, q.sort)) {
            (Key::Blank, Key::Blank) => Ordering::Equal,
            (Key::Blank, _) => return Ordering::Greater,
            (_, Key::Blank) => return Ordering::Less,
            (Key::Text(x, xe), Key::Text(y, ye)) => x.cmp(&y).then(xe.cmp(&ye)),
            (Key::Number(x), Key::Number(y)) => x.cmp(&y),
            _ => unreachable!("one column, one kind"),
        };
        if q.descending {
            by_value.reverse()
        } else {
            by_value
        }
        .then(a.position.cmp(&b.position))
    });
    shown
}

fn query(sort: LineColumn, descending: bool, search: &str, product: Option<&str>) -> LineQueryDto {
    LineQueryDto {
        sort,
        descending,
        search: search.into(),
        product: product.map(str::to_string),
    }
}

/// Σ cost and resale per currency, exact.
fn sums(lines: &[InvoiceLineDto]) -> BTreeMap<String, (u64, Decimal, Decimal)> {
    let mut by = BTreeMap::<String, (u64, Decimal, Decimal)>::new();
    for l in lines {
        let e = by
            .entry(l.currency.clone().unwrap_or_default())
            .or_default();
        e.0 += 1;
        e.1 += dec(&l.cost);
        e.2 += dec(&l.resale);
    }
    by
}

#[test]
fn every_view_is_the_reference_sort_of_the_lines_and_adds_up_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let (db, account) = fixture(dir.path());
    let views = LineViews::default();
    let (all, first) = read_all(&db, &views, &account, &LineQueryDto::default(), 5_000);
    let n = (BILLING_LINES + LEGACY_LINES) as u64;
    assert_eq!(
        first.total, n,
        "the other customer's lines are not the customer's"
    );
    assert_eq!(first.all, n);
    assert_eq!(
        all.iter().map(|l| l.position).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>(),
        "invoice order numbers the lines 1 to n"
    );
    assert!(
        all[..BILLING_LINES as usize]
            .iter()
            .all(|l| l.source == "billing")
            && all[BILLING_LINES as usize..]
                .iter()
                .all(|l| l.source == "legacy"),
        "new-commerce lines first"
    );
    // Resale is not cost in another order: Storage is marked up 50 %, the rest 10 %.
    let storage = all
        .iter()
        .find(|l| l.product.as_deref() == Some("Storage") && dec(&l.cost) > Decimal::ONE)
        .unwrap();
    assert_eq!(
        dec(&storage.resale),
        (dec(&storage.cost) * Decimal::new(15, 1))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    );

    let queries = [
        query(LineColumn::Line, true, "", None),
        query(LineColumn::Cost, false, "", None),
        query(LineColumn::Cost, true, "", None),
        query(LineColumn::Resale, true, "", None),
        query(LineColumn::Resale, false, "meter 1", None),
        query(LineColumn::Product, false, "", None),
        query(LineColumn::Product, true, "", None),
        query(LineColumn::Sku, false, "", None),
        query(LineColumn::Sku, true, "STOR", None),
        query(LineColumn::Subscription, true, "", Some("Bandwidth")),
        query(LineColumn::ChargeType, false, "purchase", None),
        query(LineColumn::ChargeStart, true, "", Some("")),
        query(LineColumn::Quantity, false, "", None),
        query(LineColumn::Quantity, true, "", Some("Storage")),
        query(LineColumn::UnitPrice, true, " sub-2 ", None),
        query(LineColumn::Line, false, "no such thing", None),
    ];
    for q in &queries {
        let expected = reference(&all, q);
        let (got, first) = read_all(&db, &views, &account, q, 333);
        assert_eq!(
            first.total as usize,
            expected.len(),
            "{q:?}: the count of what is in view"
        );
        assert_eq!(first.all, n, "{q:?}: every line");
        assert_eq!(
            got.iter().map(|l| l.position).collect::<Vec<_>>(),
            expected.iter().map(|l| l.position).collect::<Vec<_>>(),
            "{q:?}: the pages are the reference order, ties in invoice order"
        );
        assert_eq!(got, expected, "{q:?}: the same lines, field for field");
        let view_sums: BTreeMap<String, (u64, Decimal, Decimal)> = first
            .sums
            .iter()
            .map(|s| (s.currency.clone(), (s.lines, dec(&s.cost), dec(&s.resale))))
            .collect();
        assert_eq!(
            view_sums,
            sums(&expected),
            "{q:?}: the sums are those of the lines in view"
        );
    }
    assert!(
        sums(&reference(&all, &queries[4])).len() == 2,
        "the fixture has lines in two currencies to add up apart"
    );
    // Blanks last in both directions.
    let (by_sku, _) = read_all(
        &db,
        &views,
        &account,
        &query(LineColumn::Sku, true, "", None),
        5_000,
    );
    let blanks = by_sku.iter().position(|l| l.sku.is_none()).unwrap();
    assert!(
        by_sku[blanks..].iter().all(|l| l.sku.is_none()),
        "blanks after every SKU, descending"
    );

    // Grouped by product: every line, whatever the view, adding up to the customer.
    let groups =
        customer_lines::customer_line_groups(&db, &views, &account, INVOICE, CUSTOMER).unwrap();
    assert_eq!(groups.iter().map(|g| g.lines).sum::<u64>(), n);
    let all_sums = sums(&all);
    let cost: Decimal = all_sums.values().map(|s| s.1).sum();
    let resale: Decimal = all_sums.values().map(|s| s.2).sum();
    assert_eq!(groups.iter().map(|g| dec(&g.cost)).sum::<Decimal>(), cost);
    assert_eq!(
        groups.iter().map(|g| dec(&g.resale)).sum::<Decimal>(),
        resale
    );
    let detail = cspdesk_api::billing::invoices::invoice_detail(&db, &account, INVOICE).unwrap();
    let row = detail
        .customers
        .iter()
        .find(|c| c.customer_id == CUSTOMER)
        .unwrap();
    assert_eq!(
        dec(&row.cost),
        cost,
        "the lines add up to the customer's row"
    );
    assert_eq!(
        dec(&row.resale),
        resale + dec("25.00"),
        "and with the fee, to its resale"
    );

    let (kept, _) = views.kept();
    assert!(
        kept <= KEEP_VIEWS,
        "{kept} views kept, at most {KEEP_VIEWS}"
    );
}

fn read_csv(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            header
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_string))
                .collect()
        })
        .collect()
}

#[test]
fn exports_hold_exactly_the_rows_in_view_in_view_order() {
    let dir = tempfile::tempdir().unwrap();
    let (db, account) = fixture(dir.path());
    let views = LineViews::default();
    let q = query(LineColumn::Resale, true, "meter 1", Some("Storage"));
    let (shown, _) = read_all(&db, &views, &account, &q, 5_000);
    assert!(shown.len() > 50, "a view worth exporting: {}", shown.len());

    let file = dir.path().join("lines.csv");
    let done = export::customer_lines(
        &db,
        &views,
        &in_view(&account, &q),
        false,
        &file,
        CsvOptions::default(),
    )
    .unwrap();
    let rows = read_csv(&file);
    assert_eq!(done.rows as usize, shown.len());
    assert_eq!(rows.len(), shown.len(), "exactly the rows in view");
    for (r, l) in rows.iter().zip(&shown) {
        assert_eq!(r["Product"], "Storage");
        assert_eq!(r["Sku"], l.sku.clone().unwrap_or_default());
        assert_eq!(dec(&r["Cost"]), dec(&l.cost));
        assert_eq!(r["Resale"], l.resale, "in view order");
        assert_eq!(
            r["SubscriptionId"],
            l.subscription_id.clone().unwrap_or_default()
        );
    }

    // A fresh cache (the CLI's) works the same view out again, to the same file.
    let again = dir.path().join("again.csv");
    export::customer_lines(
        &db,
        &LineViews::default(),
        &in_view(&account, &q),
        false,
        &again,
        CsvOptions::default(),
    )
    .unwrap();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(&again).unwrap()
    );

    let facing = dir.path().join("facing.csv");
    export::customer_lines(
        &db,
        &views,
        &in_view(&account, &q),
        true,
        &facing,
        CsvOptions::default(),
    )
    .unwrap();
    let amounts: Vec<String> = read_csv(&facing)
        .into_iter()
        .map(|r| r["Amount"].clone())
        .collect();
    assert_eq!(
        amounts,
        shown.iter().map(|l| l.resale.clone()).collect::<Vec<_>>()
    );

    // FOCUS: the rows in view; the fee only with every line in view.
    let focus = dir.path().join("focus.csv");
    let done = cspdesk_api::billing::focus::customer_charges(
        &db,
        &views,
        &in_view(&account, &q),
        cspdesk_api::billing::focus::Side::Resale,
        &focus,
        CsvOptions::default(),
    )
    .unwrap();
    let billed: Vec<String> = read_csv(&focus)
        .into_iter()
        .map(|r| r["BilledCost"].clone())
        .collect();
    assert_eq!(
        done.rows as usize,
        shown.len(),
        "no fee line in a filtered view"
    );
    assert_eq!(
        billed,
        shown.iter().map(|l| l.resale.clone()).collect::<Vec<_>>()
    );
    let by_cost = query(LineColumn::Cost, false, "", None);
    let done = cspdesk_api::billing::focus::customer_charges(
        &db,
        &views,
        &in_view(&account, &by_cost),
        cspdesk_api::billing::focus::Side::Resale,
        &focus,
        CsvOptions::default(),
    )
    .unwrap();
    let rows = read_csv(&focus);
    assert_eq!(
        done.rows,
        (BILLING_LINES + LEGACY_LINES) as u64 + 1,
        "every line, and the fee"
    );
    assert_eq!(rows.last().unwrap()["ServiceName"], "Service fee");
    let (sorted, _) = read_all(&db, &views, &account, &by_cost, 5_000);
    assert_eq!(
        rows[..sorted.len()]
            .iter()
            .map(|r| r["BilledCost"].clone())
            .collect::<Vec<_>>(),
        sorted.iter().map(|l| l.resale.clone()).collect::<Vec<_>>(),
        "in view order"
    );
}

#[test]
fn a_kept_view_is_worked_out_again_when_its_lines_or_markups_change() {
    let dir = tempfile::tempdir().unwrap();
    let (mut db, account) = fixture(dir.path());
    let views = LineViews::default();
    let by_resale = query(LineColumn::Resale, true, "", None);
    let (before, _) = read_all(&db, &views, &account, &by_resale, 5_000);

    mark_up(
        &mut db,
        &account,
        &[MarkupTermDto::CategoryPercent {
            category: "Bandwidth".into(),
            percent: Some("300".into()),
        }],
    );
    let (after, _) = read_all(&db, &views, &account, &by_resale, 5_000);
    assert_ne!(before, after, "a new markup reprices the view");
    let (all, _) = read_all(&db, &views, &account, &LineQueryDto::default(), 5_000);
    assert_eq!(
        after,
        reference(&all, &by_resale),
        "and orders it by the new resale"
    );

    let mut w = db.ingest(&account).unwrap();
    w.billing_lines(INVOICE, &[billing_line(CUSTOMER, 99_999)])
        .unwrap();
    w.commit().unwrap();
    let (grown, first) = read_all(&db, &views, &account, &by_resale, 5_000);
    assert_eq!(
        first.total,
        (BILLING_LINES + LEGACY_LINES) as u64 + 1,
        "a line read since"
    );
    assert_eq!(grown.len(), after.len() + 1);
}

#[test]
fn the_kept_views_stay_within_their_bounds() {
    let dir = tempfile::tempdir().unwrap();
    let (db, account) = fixture(dir.path());
    let views = LineViews::default();
    for i in 0..KEEP_VIEWS + 4 {
        let q = query(LineColumn::Cost, false, &format!("meter {i}"), None);
        customer_lines::customer_lines(&db, &views, &in_view(&account, &q), 0, 10).unwrap();
        let (kept, _) = views.kept();
        assert!(kept <= KEEP_VIEWS, "{kept} views after {} queries", i + 1);
    }
    // The same view asked again in other words is the one kept, not another.
    let (kept, lines) = views.kept();
    let q = query(LineColumn::Cost, false, "  METER 11 ", None);
    customer_lines::customer_lines(&db, &views, &in_view(&account, &q), 0, 10).unwrap();
    assert_eq!(
        views.kept(),
        (kept, lines),
        "\"  METER 11 \" is the view of \"meter 11\""
    );
}
