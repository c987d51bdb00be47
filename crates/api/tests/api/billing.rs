//! Billing against the emulator's preset M: every invoice's customers add up to its total to
//! the cent and each customer's lines to its row; resale is cost + markup + fee; exports read
//! back with the `csv` crate equal the database, neutralise formulas, and the customer-facing
//! export has no cost.

use std::collections::HashMap;

use cspdesk_api::billing::invoices::{self as billing};

use cspdesk_api::billing::dto::InvoiceDetailDto;
use cspdesk_api::billing::dto::InvoiceLinesPageDto;
use cspdesk_api::billing::dto::LineQueryDto;
use cspdesk_api::billing::export;
use cspdesk_api::billing::line_view::LineViews;
use cspdesk_api::billing::lines::{self as customer_lines, LinesInView};
use cspdesk_api::customers::dto::CustomerRef;
use cspdesk_api::customers::dto::{MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::markups;
use cspdesk_api::rating::{rate, reconcile};
use cspdesk_emulator::Preset;
use cspdesk_export::CsvOptions;
use cspdesk_store::Database;
use rust_decimal::Decimal;

use crate::rating::{dec, discovered, now};

/// A page of a customer's lines in invoice order.
fn lines_page(
    db: &Database,
    account: &str,
    invoice: &str,
    customer: &str,
    offset: u64,
    limit: u64,
) -> InvoiceLinesPageDto {
    let query = LineQueryDto::default();
    let lines = LinesInView::new(account, invoice, customer, &query);
    customer_lines::customer_lines(db, &LineViews::default(), &lines, offset, limit).unwrap()
}

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoices_add_up_per_customer_and_per_line_and_export_as_they_are() {
    let (dir, path, account) = discovered(Preset::M).await;
    let mut db = Database::open(&path).unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();

    let invoices = billing::invoices(&db).unwrap();
    assert!(
        invoices.len() >= 6,
        "preset M has invoices: {}",
        invoices.len()
    );
    // One customer with a markup: 12 %, 5 % on its first product, 50.00 a month.
    let first = billing::invoice_detail(&db, &account, &invoices[0].id).unwrap();
    let marked = first.customers[0].clone();
    let product = lines_page(&db, &account, &invoices[0].id, &marked.customer_id, 0, 1).lines[0]
        .product
        .clone()
        .unwrap();
    markups::set(
        &mut db,
        &MarkupTargetDto::Customer {
            customer: CustomerRef {
                account_id: account.clone(),
                customer_id: marked.customer_id.clone(),
            },
        },
        &[
            MarkupTermDto::Percent {
                percent: "12".into(),
            },
            MarkupTermDto::CategoryPercent {
                category: product.clone(),
                percent: Some("5".into()),
            },
            MarkupTermDto::MonthlyFee {
                fee: "50.00".into(),
            },
        ],
        chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        now(),
    )
    .unwrap();

    let mut checked_lines = 0u64;
    let mut marked_detail: Option<(String, InvoiceDetailDto)> = None;
    for inv in &invoices {
        assert!(inv.lines_complete, "{} is read whole", inv.id);
        let d = billing::invoice_detail(&db, &account, &inv.id).unwrap();
        assert!(
            d.matches_invoice,
            "{}: {} vs {}",
            inv.id, d.cost_total, inv.total
        );
        let cost: Decimal = d.customers.iter().map(|c| dec(&c.cost)).sum();
        assert_eq!(
            cost,
            dec(&inv.total),
            "{}: customers add up to the total",
            inv.id
        );
        assert_eq!(dec(&d.cost_total), cost);
        for c in &d.customers {
            assert_eq!(
                dec(&c.resale),
                dec(&c.cost) + dec(&c.markup) + dec(&c.fee),
                "{c:?}"
            );
            assert_eq!(dec(&c.margin), dec(&c.resale) - dec(&c.cost));
            let (mut n, mut sum, mut resale, mut offset) = (0u64, Decimal::ZERO, Decimal::ZERO, 0);
            loop {
                let page = lines_page(&db, &account, &inv.id, &c.customer_id, offset, 700);
                assert_eq!(page.total, c.lines);
                for l in &page.lines {
                    sum += dec(&l.cost);
                    resale += dec(&l.resale);
                }
                n += page.lines.len() as u64;
                offset += page.lines.len() as u64;
                if page.lines.is_empty() || offset >= page.total {
                    break;
                }
            }
            assert_eq!(n, c.lines, "{}: every line is paged once", c.customer_id);
            assert_eq!(
                sum,
                dec(&c.cost),
                "{}/{}: the lines add up to the row",
                inv.id,
                c.customer_id
            );
            assert_eq!(
                resale + dec(&c.fee),
                dec(&c.resale),
                "{}/{}",
                inv.id,
                c.customer_id
            );
            checked_lines += n;
            if inv.amends_of.is_some() {
                assert_eq!(c.fee, "0.00", "a note charges no monthly fee: {c:?}");
            } else if c.customer_id == marked.customer_id {
                assert_eq!(c.fee, "50.00");
                assert!(dec(&c.markup) > Decimal::ZERO, "{c:?}");
                marked_detail = Some((inv.id.clone(), d.clone()));
            } else {
                assert_eq!(c.resale, c.cost, "no markup: resold at cost");
            }
        }
    }
    assert!(checked_lines > 1000, "{checked_lines} lines checked");

    // Lines export: read back, it is the database.
    let (invoice_id, detail) = marked_detail.expect("the marked-up customer is invoiced");
    let row = detail
        .customers
        .iter()
        .find(|c| c.customer_id == marked.customer_id)
        .unwrap();
    let views = LineViews::default();
    let every_line = LineQueryDto::default();
    let in_view = LinesInView::new(&account, &invoice_id, &marked.customer_id, &every_line);
    let file = dir.path().join("lines.csv");
    let done = export::customer_lines(
        &db,
        &views,
        &in_view,
        false,
        &file,
        CsvOptions { bom: true },
    )
    .unwrap();
    assert_eq!(done.rows, row.lines);
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "the BOM asked for"
    );
    let plain = dir.path().join("lines-plain.csv");
    export::customer_lines(&db, &views, &in_view, false, &plain, CsvOptions::default()).unwrap();
    let (header, lines) = read_csv(&plain);
    assert!(header.contains(&"Cost".to_string()) && header.contains(&"Resale".to_string()));
    assert_eq!(lines.len() as u64, row.lines);
    let cost: Decimal = lines.iter().map(|l| dec(&l["Cost"])).sum();
    let resale: Decimal = lines.iter().map(|l| dec(&l["Resale"])).sum();
    assert_eq!(cost, dec(&row.cost));
    assert_eq!(resale + dec(&row.fee), dec(&row.resale));
    let page = lines_page(&db, &account, &invoice_id, &marked.customer_id, 0, 5_000);
    for (csv_line, db_line) in lines.iter().zip(&page.lines) {
        assert_eq!(
            csv_line["Product"],
            db_line.product.clone().unwrap_or_default()
        );
        assert_eq!(
            csv_line["Quantity"],
            db_line.quantity.clone().unwrap_or_default()
        );
        assert_eq!(
            csv_line["Currency"],
            db_line.currency.clone().unwrap_or_default()
        );
    }

    // Customer-facing: the resale only.
    let facing = dir.path().join("facing.csv");
    export::customer_lines(&db, &views, &in_view, true, &facing, CsvOptions::default()).unwrap();
    let (header, rows) = read_csv(&facing);
    for secret in [
        "Cost",
        "UnitPrice",
        "EffectiveUnitPrice",
        "Margin",
        "Resale",
    ] {
        assert!(
            !header.contains(&secret.to_string()),
            "{secret} in {header:?}"
        );
    }
    let text = std::fs::read_to_string(&facing).unwrap();
    assert!(
        !text.to_lowercase().contains("cost"),
        "no cost anywhere: {}",
        &text[..200.min(text.len())]
    );
    let amount: Decimal = rows.iter().map(|l| dec(&l["Amount"])).sum();
    assert_eq!(amount, resale);

    // FOCUS at resale: the columns FOCUS names, adding up to what the customer is billed.
    let focus = dir.path().join("focus.csv");
    let done = cspdesk_api::billing::focus::customer_charges(
        &db,
        &views,
        &in_view,
        cspdesk_api::billing::focus::Side::Resale,
        &focus,
        CsvOptions::default(),
    )
    .unwrap();
    let (header, rows) = read_csv(&focus);
    assert_eq!(
        header,
        cspdesk_api::billing::focus::COLUMNS
            .map(String::from)
            .to_vec()
    );
    assert_eq!(done.rows, row.lines + 1, "each line, and the fee");
    let billed: Decimal = rows.iter().map(|r| dec(&r["BilledCost"])).sum();
    assert_eq!(
        billed,
        dec(&row.resale),
        "the FOCUS file adds up to the customer's resale"
    );
    for r in &rows {
        let purchase = r["ChargeCategory"] == "Purchase";
        assert_eq!(
            r["EffectiveCost"],
            if purchase { "0.00" } else { &r["BilledCost"] },
            "a purchase covers its cycle ahead (FOCUS EffectiveCost-C-005-C): {r:?}"
        );
        assert_eq!(
            r["InvoiceIssuerName"], r["ProviderName"],
            "the partner resells"
        );
        assert_eq!(r["PublisherName"], "Microsoft");
        assert_eq!(r["BillingAccountId"], marked.customer_id);
        assert_eq!(r["BillingPeriodStart"], invoice_period_start(&detail));
        assert!(
            r["ChargePeriodEnd"] > r["ChargePeriodStart"],
            "the end is exclusive: {r:?}"
        );
        assert_eq!(r["x_MicrosoftInvoiceId"], invoice_id);
        assert_eq!(
            r["InvoiceId"], "",
            "the partner's own invoice number is not known"
        );
    }
    assert_eq!(rows.last().unwrap()["ServiceName"], "Service fee");

    // A company name that is a formula is neutralised; the rest of the table round-trips.
    let conn = rusqlite::Connection::open(&path).unwrap();
    let evil = "=HYPERLINK(\"http://evil.example\",\"Open\")";
    conn.execute(
        "UPDATE customers SET company_name = ?1 WHERE id = ?2",
        rusqlite::params![evil, marked.customer_id],
    )
    .unwrap();
    let customers_csv = dir.path().join("customers.csv");
    let done = export::customers(&db, now(), None, &customers_csv, CsvOptions::default()).unwrap();
    let (_, rows) = read_csv(&customers_csv);
    assert_eq!(done.rows as usize, rows.len());
    assert_eq!(
        rows.len(),
        cspdesk_api::customers::overview::list(&db, now())
            .unwrap()
            .len()
    );
    let evil_row = rows
        .iter()
        .find(|r| r["CustomerId"] == marked.customer_id)
        .unwrap();
    assert_eq!(evil_row["Company"], format!("'{evil}"));

    let inv_csv = dir.path().join("invoices.csv");
    export::invoices(&db, None, &inv_csv, CsvOptions::default()).unwrap();
    let (_, rows) = read_csv(&inv_csv);
    assert_eq!(rows.len(), invoices.len());
    for (r, i) in rows.iter().zip(&invoices) {
        assert_eq!(r["InvoiceNumber"], i.id);
        assert_eq!(dec(&r["Total"]), dec(&i.total));
    }
    // Reconciliation: a row per customer, a column per cause; refused customers say why.
    let rec_csv = dir.path().join("reconciliation.csv");
    let rec = reconcile::reconcile_period(&db, "2026-10").unwrap();
    let done =
        export::reconciliation(&db, "2026-10", None, &rec_csv, CsvOptions::default()).unwrap();
    let (header, rows) = read_csv(&rec_csv);
    assert_eq!(done.rows as usize, rec.customers.len());
    for cause in ["priceMismatch", "tierBoundary", "rounding", "fx"] {
        assert!(header.contains(&cause.to_string()), "{cause} column");
    }
    for (r, c) in rows.iter().zip(&rec.customers) {
        assert_eq!(r["CustomerId"], c.customer);
        match &c.refused {
            Some(why) => {
                assert_eq!(&r["NotComparedBecause"], why);
                assert_eq!(r["Difference"], "");
            }
            None => {
                assert_eq!(r["Difference"], "0.00", "preset M matches to the cent");
                assert_eq!(r["priceMismatch"], "0");
            }
        }
    }
    // Grouped by product, the lines add up to the customer's row, less its fee.
    let groups = customer_lines::customer_line_groups(
        &db,
        &views,
        &account,
        &invoice_id,
        &marked.customer_id,
    )
    .unwrap();
    let grouped_cost: Decimal = groups.iter().map(|g| dec(&g.cost)).sum();
    let grouped_resale: Decimal = groups.iter().map(|g| dec(&g.resale)).sum();
    assert_eq!(grouped_cost, dec(&row.cost));
    assert_eq!(grouped_resale + dec(&row.fee), dec(&row.resale));
    assert_eq!(groups.iter().map(|g| g.lines).sum::<u64>(), row.lines);

    let bad = export::invoices(
        &db,
        None,
        &dir.path().join("no/such/folder/x.csv"),
        CsvOptions::default(),
    )
    .unwrap_err();
    assert!(bad.message.contains("Choose a folder"), "{bad:?}");
}

/// The Dashboard's months are the invoices' totals (closed) and the rated month so far
/// (open), per currency; rankings are ordered; every chart is an SVG with its title.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_adds_up_to_the_invoices_and_draws_its_charts() {
    let (_dir, path, _account) = discovered(Preset::S).await;
    let mut db = Database::open(&path).unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();
    let dash = cspdesk_api::dashboard::figures::dashboard(&db, now()).unwrap();
    assert!(!dash.currencies.is_empty());
    let invoices = billing::invoices(&db).unwrap();
    let customers = cspdesk_api::customers::overview::list(&db, now()).unwrap();
    for c in &dash.currencies {
        assert_eq!(c.ranked_period.as_deref(), Some("2026-10"));
        for m in &c.months {
            if m.open {
                assert_eq!(m.period, "2026-11");
                let mtd: Decimal = customers
                    .iter()
                    .filter(|x| x.currency.as_deref() == Some(&c.currency))
                    .filter_map(|x| x.month_to_date_cost.as_deref().map(dec))
                    .sum();
                assert_eq!(dec(&m.cost), mtd);
                assert_eq!(dec(&c.month_to_date), mtd, "{}", c.currency);
            } else {
                let invoiced: Decimal = invoices
                    .iter()
                    .filter(|i| {
                        i.currency == c.currency
                            && i.billing_period_start
                                .as_deref()
                                .is_some_and(|s| s.starts_with(&m.period))
                    })
                    .map(|i| dec(&i.total))
                    .sum();
                assert_eq!(dec(&m.cost), invoiced, "{} {}", c.currency, m.period);
                assert!(!m.not_invoiced, "{} is invoiced", m.period);
            }
        }
        let costs: Vec<Decimal> = c.top_customers.iter().map(|f| dec(&f.cost)).collect();
        assert!(
            costs.windows(2).all(|w| w[0] >= w[1]),
            "largest first: {costs:?}"
        );
        assert!(c.top_customers.len() <= 10);
        assert!(dec(&c.last_month_same_days) <= dec(&c.last_month));
        let ids: Vec<&str> = c.charts.iter().map(|ch| ch.id.as_str()).collect();
        assert_eq!(
            ids,
            ["trend", "topCustomers", "margin", "categories"],
            "{}",
            c.currency
        );
        for ch in &c.charts {
            assert!(
                ch.svg.starts_with("<svg") && ch.svg.contains(&ch.title),
                "{}",
                ch.id
            );
        }
        let png = cspdesk_api::dashboard::figures::chart_png(&c.charts[0].svg).unwrap();
        assert_eq!(&png[..4], b"\x89PNG");
    }
    // Early December, before Microsoft invoices November: November is charted from its rated
    // usage (nobody has a markup, so resale is the cost) and flagged, not dropped from the
    // trend; October stays the invoiced month the rankings use.
    let early_december =
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 3, 9, 0, 0).unwrap();
    let later = cspdesk_api::dashboard::figures::dashboard(&db, early_december).unwrap();
    let rated_november = cspdesk_api::rating::costs::costs(&db, None, "2026-11").unwrap();
    for c in &later.currencies {
        let november = c
            .months
            .iter()
            .find(|m| m.period == "2026-11")
            .unwrap_or_else(|| panic!("{}: November charted", c.currency));
        assert!(november.not_invoiced && !november.open, "{november:?}");
        let rated: Decimal = rated_november
            .iter()
            .filter(|x| x.currency == c.currency)
            .map(|x| dec(&x.cost))
            .sum();
        assert!(rated > Decimal::ZERO, "{}", c.currency);
        assert_eq!(dec(&november.cost), rated, "{}", c.currency);
        assert_eq!(dec(&november.resale), rated, "{}", c.currency);
        assert_eq!(c.ranked_period.as_deref(), Some("2026-10"));
    }

    // Unbilled usage, apart: November is open; it is what reconciliation compares with.
    let unbilled = billing::unbilled(&db).unwrap();
    assert!(!unbilled.is_empty());
    let november = reconcile::reconcile_period(&db, "2026-11").unwrap();
    for u in &unbilled {
        assert_eq!(u.period, "2026-11");
        assert!(u.customers > 0 && u.records > 0);
        let invoiced: Decimal = november
            .customers
            .iter()
            .filter(|r| r.currency.as_deref() == Some(&u.currency))
            .filter_map(|r| r.invoiced.as_deref().map(dec))
            .sum();
        assert_eq!(dec(&u.cost), invoiced, "{}", u.currency);
    }
}

/// The start of an invoice's billing period as a FOCUS date-time.
fn invoice_period_start(d: &InvoiceDetailDto) -> String {
    format!(
        "{}T00:00:00Z",
        d.invoice.billing_period_start.clone().unwrap()
    )
}
