//! `cargo xtask bench billing`: a partner with one invoice of 1,000,000 lines for one large
//! customer, 1,000 for another and 100 for each of 999 more (1,100,900 lines), written through the
//! same `Ingest` Discovery uses. Measured in one run, release build:
//! - time to the first screen of each Billing level (invoices; the invoice's customers, cold
//!   then kept), p50/p95 over repeated calls;
//! - the large customer's lines in three views (invoice order, sorted by cost, searched):
//!   the first request, which works the view out (on a fresh cache each time), then its
//!   first page and a page 90 % down, kept;
//! - CSV export of the large customer's 1,000,000 lines by `cspdesk export customer-lines`
//!   (a real process) in rows/s, in invoice order and sorted by cost, against `sqlite3 -csv`
//!   writing the same rows from the same file, as a ratio;
//! - peak RSS of that export against exporting a 1,000-line customer (each in its own
//!   process, read with `/usr/bin/time -f %M`).
//!
//! The report goes to target/bench/billing.md.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use cspdesk_api::billing::dto::{LineColumn, LineQueryDto};
use cspdesk_api::billing::line_view::LineViews;
use cspdesk_api::billing::lines::{self as customer_lines, LinesInView};
use cspdesk_store::discovered::{BillingLineRow, InvoiceRow};
use cspdesk_store::{accounts, Database};
use rust_decimal::Decimal;

const LARGE: u64 = 1_000_000;
const SMALL_CUSTOMERS: u64 = 999;
const SMALL_LINES: u64 = 100;
const INVOICE: &str = "G000BENCH1";
const REPEATS: usize = 40;
/// First requests of a view (each works out a million lines' order).
const COLD_REPEATS: usize = 5;

fn line(customer: &str, n: u64) -> BillingLineRow {
    let cents = Decimal::new(i64::try_from(n % 9_973 + 1).unwrap_or(1), 2);
    BillingLineRow {
        customer_id: customer.to_string(),
        customer_name: Some(format!("Company {customer}")),
        product_id: "DZH318Z0BQ3X".into(),
        sku_id: Some("0001".into()),
        product_name: Some(
            ["Virtual Machines", "Storage", "Bandwidth", "SQL Database"][(n % 4) as usize].into(),
        ),
        sku_name: Some(format!("Meter {}", n % 50)),
        charge_type: "usage".into(),
        subscription_id: format!("{customer}-plan"),
        unit_price: cents,
        effective_unit_price: Some(cents),
        quantity: Decimal::ONE,
        billable_quantity: None,
        subtotal: cents,
        tax_total: None,
        total_for_customer: Some(cents),
        currency: "USD".into(),
        pc_to_bc_exchange_rate: Some(Decimal::ONE),
        charge_start_date: Some("2026-10-01T00:00:00Z".into()),
        charge_end_date: Some("2026-10-31T00:00:00Z".into()),
        term: Default::default(),
    }
}

/// Writes the invoice; answers (database, account id, large customer, a small customer).
fn fixture(dir: &Path) -> (PathBuf, String) {
    let path = dir.join("billing.sqlite3");
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap();
    let mut db = Database::open(&path).unwrap();
    let account = accounts::add(
        &db,
        "Bench CSP",
        "0a1b2c3d-0000-4000-8000-0000000000b1",
        now,
    )
    .unwrap()
    .id;
    let mut total = Decimal::ZERO;
    let mut pages: Vec<Vec<BillingLineRow>> = Vec::new();
    let mut page = Vec::with_capacity(10_000);
    let mut push = |l: BillingLineRow,
                    page: &mut Vec<BillingLineRow>,
                    pages: &mut Vec<Vec<BillingLineRow>>| {
        total += l.subtotal;
        page.push(l);
        if page.len() == 10_000 {
            pages.push(std::mem::take(page));
        }
    };
    for n in 0..LARGE {
        push(line("large", n), &mut page, &mut pages);
    }
    for n in 0..1_000 {
        push(line("thousand", n), &mut page, &mut pages);
    }
    for c in 0..SMALL_CUSTOMERS {
        for n in 0..SMALL_LINES {
            push(line(&format!("small{c:04}"), n), &mut page, &mut pages);
        }
    }
    pages.push(page);
    let mut w = db.ingest(&account).unwrap();
    w.invoices(
        &[InvoiceRow {
            id: INVOICE.into(),
            invoice_date: Some("2026-11-08T00:00:00Z".into()),
            billing_period_start: Some("2026-10-01T00:00:00Z".into()),
            billing_period_end: Some("2026-10-31T00:00:00Z".into()),
            total_charges: total,
            paid_amount: None,
            currency: "USD".into(),
            invoice_type: Some("Recurring".into()),
            document_type: Some("Invoice".into()),
            amends_of: None,
            streams: vec![("all".into(), "billinglineitems".into())],
        }],
        now,
    )
    .unwrap();
    w.commit().unwrap();
    for p in &pages {
        let mut w = db.ingest(&account).unwrap();
        w.billing_lines(INVOICE, p).unwrap();
        w.commit().unwrap();
    }
    let mut w = db.ingest(&account).unwrap();
    w.line_stream(INVOICE, "all", "billinglineitems", None, true)
        .unwrap();
    w.commit().unwrap();
    (path, account)
}

fn percentile(mut samples: Vec<Duration>, p: f64) -> Duration {
    samples.sort();
    let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[i]
}

fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let samples: Vec<Duration> = (0..REPEATS)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect();
    (percentile(samples.clone(), 0.5), percentile(samples, 0.95))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Runs `cmd` under `/usr/bin/time -f %M`: (wall time, peak RSS in KiB).
fn measured(cmd: &mut Command) -> (Duration, u64) {
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let t = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(program)
        .args(args)
        .env_remove("CSPDESK_DB")
        .output()
        .expect("/usr/bin/time runs");
    let wall = t.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("time printed the peak RSS");
    (wall, kib)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    eprintln!(
        "writing the invoice ({} lines)…",
        LARGE + SMALL_CUSTOMERS * SMALL_LINES
    );
    let t = Instant::now();
    let (path, account) = fixture(dir.path());
    let written = t.elapsed();
    let db = Database::open(&path).unwrap();

    let (inv50, inv95) = time(|| cspdesk_api::billing::invoices::invoices(&db).unwrap());
    let t = Instant::now();
    let first = cspdesk_api::billing::invoices::invoice_detail(&db, &account, INVOICE).unwrap();
    let cold = t.elapsed();
    assert!(first.matches_invoice, "the customers add up to the invoice");
    let (det50, det95) =
        time(|| cspdesk_api::billing::invoices::invoice_detail(&db, &account, INVOICE).unwrap());
    let views = LineViews::default();
    let page = |query: &LineQueryDto, offset: u64| {
        let lines = LinesInView::new(&account, INVOICE, "large", query);
        customer_lines::customer_lines(&db, &views, &lines, offset, 200).unwrap()
    };
    // Each view: the first request (works the view out; timed on a fresh cache each time),
    // then its first page and a page 90 % down, kept.
    let by_cost = LineQueryDto {
        sort: LineColumn::Cost,
        descending: true,
        ..LineQueryDto::default()
    };
    let searched = LineQueryDto {
        search: "storage".into(),
        ..LineQueryDto::default()
    };
    let mut rows_of_views = Vec::new();
    for (name, query) in [
        ("invoice order", LineQueryDto::default()),
        ("sorted by cost, largest first", by_cost.clone()),
        ("searched for \"storage\"", searched.clone()),
    ] {
        let cold: Vec<Duration> = (0..COLD_REPEATS)
            .map(|_| {
                let fresh = LineViews::default();
                let lines = LinesInView::new(&account, INVOICE, "large", &query);
                let t = Instant::now();
                std::hint::black_box(
                    customer_lines::customer_lines(&db, &fresh, &lines, 0, 200).unwrap(),
                );
                t.elapsed()
            })
            .collect();
        let total = page(&query, 0).total;
        let deep = total * 9 / 10;
        let (first50, first95) = time(|| page(&query, 0));
        let (deep50, deep95) = time(|| page(&query, deep));
        rows_of_views.push(format!(
            "| {name} ({total} lines) | {c50} / {c95} | {f50} / {f95} | {deep} | {d50} / {d95} |\n",
            c50 = ms(percentile(cold.clone(), 0.5)),
            c95 = ms(percentile(cold, 0.95)),
            f50 = ms(first50),
            f95 = ms(first95),
            d50 = ms(deep50),
            d95 = ms(deep95),
        ));
    }
    // Exactness at full size: the sorted view is in order and adds up to the customer.
    let sorted = page(&by_cost, 0);
    assert_eq!(sorted.total, LARGE);
    assert!(sorted
        .lines
        .windows(2)
        .all(|w| w[0].cost.parse::<Decimal>().unwrap() >= w[1].cost.parse::<Decimal>().unwrap()));
    let customer = first
        .customers
        .iter()
        .find(|c| c.customer_id == "large")
        .unwrap();
    assert_eq!(
        sorted.sums[0].cost, customer.cost,
        "the view adds up to the customer"
    );
    let found = page(&searched, 0);
    assert_eq!(found.total, LARGE / 4, "a line in four is Storage");

    let cspdesk = env!("CARGO_BIN_EXE_cspdesk");
    let sorted_export = |customer: &str, out: &Path, view: &[&str]| {
        let mut c = Command::new(cspdesk);
        c.arg("--db")
            .arg(&path)
            .args([
                "export",
                "customer-lines",
                "--invoice",
                INVOICE,
                "--customer",
                customer,
            ])
            .args(view)
            .arg("--out")
            .arg(out);
        c
    };
    let export = |customer: &str, out: &Path| sorted_export(customer, out, &[]);
    let small_csv = dir.path().join("small.csv");
    let large_csv = dir.path().join("large.csv");
    let sqlite_csv = dir.path().join("sqlite.csv");
    let (_, small_rss) = measured(&mut export("thousand", &small_csv));
    let mut ours = Vec::new();
    let mut large_rss = 0;
    for _ in 0..3 {
        let (wall, rss) = measured(&mut export("large", &large_csv));
        ours.push(wall);
        large_rss = large_rss.max(rss);
    }
    let rows = std::fs::read_to_string(&large_csv).unwrap().lines().count() as u64 - 1;
    assert_eq!(rows, LARGE);
    let by_cost_csv = dir.path().join("by-cost.csv");
    let mut sorted_runs = Vec::new();
    let mut sorted_rss = 0;
    for _ in 0..3 {
        let (wall, rss) = measured(&mut sorted_export(
            "large",
            &by_cost_csv,
            &["--sort", "cost", "--descending"],
        ));
        sorted_runs.push(wall);
        sorted_rss = sorted_rss.max(rss);
    }
    let rows = std::fs::read_to_string(&by_cost_csv)
        .unwrap()
        .lines()
        .count() as u64
        - 1;
    assert_eq!(rows, LARGE);
    let query = format!(
        "SELECT '{INVOICE}', product_name, sku_name, subscription_id, charge_type, charge_start_date, charge_end_date, quantity, unit_price, effective_unit_price, subtotal, subtotal, currency FROM billing_line_items WHERE account_id = '{account}' AND invoice_id = '{INVOICE}' AND customer_id = 'large' ORDER BY rowid"
    );
    let mut theirs = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let out = Command::new("sqlite3")
            .args(["-readonly", "-csv", "-header"])
            .arg(&path)
            .arg(&query)
            .output()
            .unwrap();
        assert!(out.status.success());
        std::fs::write(&sqlite_csv, &out.stdout).unwrap();
        theirs.push(t.elapsed());
    }
    let med = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let (ours_t, theirs_t) = (med(&mut ours), med(&mut theirs));
    let sorted_t = med(&mut sorted_runs);
    let sorted_rps = LARGE as f64 / sorted_t.as_secs_f64();
    let ours_rps = LARGE as f64 / ours_t.as_secs_f64();
    let theirs_rps = LARGE as f64 / theirs_t.as_secs_f64();

    let report = format!(
        "# Billing benchmark\n\n\
         One invoice of {lines} lines ({LARGE} for one customer, 1,000 for another, {SMALL_CUSTOMERS} customers of {SMALL_LINES}), written in {written:.1?}.\n\
         Release build, {REPEATS} calls per level, this machine ({cores} cores).\n\n\
         | level | p50 | p95 |\n|---|---|---|\n\
         | invoices | {inv50} | {inv95} |\n\
         | the invoice's customers (first time: summed and kept, {cold}) | {det50} | {det95} |\n\
         \n\
         The large customer's lines, 200 a page, as the page asks for them (p50 / p95). The first \
         request of a view works it out over all {LARGE} lines ({COLD_REPEATS} runs, a fresh cache \
         each); the next pages of it are read by key:\n\n\
         | view | first request | first page, kept | page at | that page, kept |\n|---|---|---|---|---|\n\
         {views}\n\
         CSV export of the large customer's {LARGE} lines (median of 3, whole process):\n\n\
         | | time | rows/s |\n|---|---|---|\n\
         | `cspdesk export customer-lines` | {ours_t:.2?} | {ours_rps:.0} |\n\
         | the same `--sort cost --descending` (peak RSS {sorted_mb:.1} MB) | {sorted_t:.2?} | {sorted_rps:.0} |\n\
         | `sqlite3 -csv` (same rows and columns) | {theirs_t:.2?} | {theirs_rps:.0} |\n\n\
         Ratio ours/sqlite3: **{ratio:.2}x** the rows/s.\n\n\
         Peak RSS: 1,000,000 lines {large_mb:.1} MB, 1,000 lines {small_mb:.1} MB: **+{diff:.1} MB**.\n",
        lines = LARGE + 1_000 + SMALL_CUSTOMERS * SMALL_LINES,
        cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        inv50 = ms(inv50), inv95 = ms(inv95), cold = ms(cold), det50 = ms(det50), det95 = ms(det95),
        views = rows_of_views.concat(),
        ratio = ours_rps / theirs_rps,
        large_mb = large_rss as f64 / 1024.0,
        sorted_mb = sorted_rss as f64 / 1024.0,
        small_mb = small_rss as f64 / 1024.0,
        diff = (large_rss as f64 - small_rss as f64) / 1024.0,
    );
    println!("{report}");
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| PathBuf::from(d).join("bench"))
        .unwrap_or(out);
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("billing.md"), &report).unwrap();
    eprintln!("report: {}", target.join("billing.md").display());
}
