//! `cspdesk rate` and `cspdesk reconcile` as a script runs them, on the sandbox (preset S, no
//! latency) discovered with `cspdesk discover`: the invoiced month reconciles to the cent,
//! `--json` prints one object per customer, and rating again rates nothing.

use std::path::Path;
use std::process::{Command, Output};

use crate::ok;

fn sandbox(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cspdesk"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("CSPDESK_DB")
        .env("CSPDESK_SANDBOX_PRESET", "S")
        .env("CSPDESK_SANDBOX_LATENCY_MS", "0")
        .output()
        .expect("cspdesk runs")
}

/// A month the sandbox has invoiced whatever today is: invoices come on the 8th of the next
/// month, so 40 days ago always falls in one.
fn invoiced_month() -> String {
    (chrono::Utc::now() - chrono::Duration::days(40))
        .format("%Y-%m")
        .to_string()
}

#[test]
fn rate_then_reconcile_an_invoiced_month_to_the_cent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rate.sqlite3");
    ok(sandbox(&db, &["sandbox", "--yes"]), "sandbox --yes");
    let discovered = ok(
        sandbox(&db, &["discover", "--account", "sandbox", "--json"]),
        "discover",
    );
    let finished: serde_json::Value =
        serde_json::from_str(discovered.lines().last().unwrap_or_default()).unwrap();
    let rating = &finished["rating"];
    assert!(
        rating["rated"].as_u64().unwrap() > 0 && rating["refused"] == 0,
        "Discovery rates what it read: {finished}"
    );
    assert!(rating["error"].is_null(), "{finished}");

    let text = ok(sandbox(&db, &["rate", "--account", "sandbox"]), "rate");
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("rated 0 ") && last.contains("0 refused"),
        "Discovery rated it all already, the summary line says so: {text}"
    );

    let again: serde_json::Value =
        serde_json::from_str(&ok(sandbox(&db, &["rate", "--json"]), "rate again")).unwrap();
    assert_eq!(again["rated"], 0, "nothing new, nothing rated: {again}");
    assert_eq!(again["linesWritten"], 0, "{again}");
    assert!(again["unchanged"].as_u64().unwrap() > 0, "{again}");

    let month = invoiced_month();
    let out = ok(
        sandbox(&db, &["reconcile", "--period", &month, "--json"]),
        "reconcile",
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("every line is one JSON object"))
        .collect();
    let reconciled: Vec<&serde_json::Value> =
        rows.iter().filter(|r| r["refused"].is_null()).collect();
    assert!(
        reconciled.len() >= 3,
        "the sandbox's Azure plan customers are reconciled: {out}"
    );
    for r in &rows {
        for key in [
            "customer",
            "rated",
            "invoiced",
            "difference",
            "causes",
            "unexplained",
        ] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
        assert!(
            r["causes"].is_object(),
            "causes is a map of cause to amount: {r}"
        );
    }
    for r in &reconciled {
        assert_eq!(r["difference"], "0.00", "to the cent: {r}");
        assert_eq!(r["unexplained"], "0.00", "{r}");
        assert_eq!(r["rated"], r["invoiced"], "{r}");
        assert_eq!(r["invoiceState"], "billed", "{r}");
        // Nobody has a markup: the usage resells at cost, with no margin.
        assert_eq!(r["resale"], r["rated"], "{r}");
        assert_eq!(r["margin"], "0.00", "{r}");
    }
    for r in rows.iter().filter(|r| !r["refused"].is_null()) {
        assert!(
            r["difference"].is_null() && r["unexplained"].is_null(),
            "a refused customer has a reason, not a number: {r}"
        );
        assert!(
            r["refused"].as_str().unwrap().contains("MS-AZR-0145P"),
            "{r}"
        );
    }

    let table = ok(
        sandbox(&db, &["reconcile", "--period", &month]),
        "reconcile as text",
    );
    assert!(
        table.contains("difference 0.00, unexplained 0.00"),
        "{table}"
    );

    let bad = sandbox(&db, &["reconcile", "--period", "2026-13"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM"),
        "says how to write a period: {}",
        String::from_utf8_lossy(&bad.stderr)
    );
    exports_write_csv_files(&db);
    price_sheets_reprice_and_a_wrong_price_is_a_price_mismatch(&db, &month);
    let _ = sandbox(&db, &["logout", "--account", "sandbox"]);
}

/// The most used flat (one-tier, nothing included) Azure plan meter of `month` and its USD price.
fn flat_meter(db: &Path, month: &str) -> (String, String) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT l.meter_id, m.rates FROM rated_lines l
         JOIN rate_card_meters m ON m.currency = 'USD' AND lower(m.meter_id) = l.meter_id
         WHERE l.period = ?1 AND l.usage_kind = 'azurePlan'
           AND m.rates NOT LIKE '%,%' AND COALESCE(m.included_quantity, '0') IN ('0', '0.0')
         GROUP BY l.meter_id ORDER BY COUNT(*) DESC, l.meter_id LIMIT 1",
        [month],
        |r| {
            let rates: String = r.get(1)?;
            let table: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(&rates).unwrap();
            Ok((
                r.get(0)?,
                table.values().next().unwrap().as_str().unwrap().to_string(),
            ))
        },
    )
    .expect("the sandbox's Azure plan uses a flat meter")
}

fn price_sheets_reprice_and_a_wrong_price_is_a_price_mismatch(db: &Path, month: &str) {
    let dir = db.parent().unwrap();
    let (meter, price) = flat_meter(db, month);

    let broken = dir.join("broken.csv");
    std::fs::write(
        &broken,
        format!(
            "MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n{meter},0,1.x5,USD,2020-01-01\n"
        ),
    )
    .unwrap();
    let out = sandbox(
        db,
        &[
            "prices",
            "import",
            "--account",
            "sandbox",
            "--kind",
            "partner-sheet",
            broken.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a broken sheet is refused");
    assert!(
        err.contains("broken.csv") && err.contains("line 2") && err.contains("UnitPrice"),
        "names file, line and column: {err}"
    );
    assert!(
        ok(
            sandbox(db, &["prices", "list", "--account", "sandbox", "--json"]),
            "list"
        )
        .trim()
            == "[]"
    );

    // Deliberately wrong: the meter at twice its price, from long before the month.
    let wrong: rust_decimal::Decimal =
        price.parse::<rust_decimal::Decimal>().unwrap() * rust_decimal::Decimal::TWO;
    let sheet = dir.join("wrong.csv");
    std::fs::write(
        &sheet,
        format!("MeterId,TierStart,UnitPrice,Currency,EffectiveFrom\n{meter},0,{wrong},USD,2020-01-01\n"),
    )
    .unwrap();
    ok(
        sandbox(
            db,
            &[
                "prices",
                "import",
                "--account",
                "sandbox",
                "--kind",
                "partner-sheet",
                sheet.to_str().unwrap(),
            ],
        ),
        "import",
    );
    let again = sandbox(
        db,
        &[
            "prices",
            "import",
            "--account",
            "sandbox",
            "--kind",
            "partner-sheet",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(!again.status.success(), "the same prices twice are refused");

    let rated: serde_json::Value =
        serde_json::from_str(&ok(sandbox(db, &["rate", "--json"]), "rate with the sheet")).unwrap();
    assert!(
        rated["rated"].as_u64().unwrap() > 0,
        "new prices rate again: {rated}"
    );

    let out = ok(
        sandbox(db, &["reconcile", "--period", month, "--json"]),
        "reconcile",
    );
    let rows: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let differing: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| r["refused"].is_null() && r["difference"] != "0.00")
        .collect();
    assert!(!differing.is_empty(), "the wrong price shows: {out}");
    for r in &differing {
        let mismatch: rust_decimal::Decimal = r["causes"]["priceMismatch"]
            .as_str()
            .unwrap_or_else(|| panic!("attributed to price mismatch: {r}"))
            .parse()
            .unwrap();
        assert!(
            mismatch < rust_decimal::Decimal::ZERO,
            "we rated too high, the invoice is lower: {r}"
        );
        assert_eq!(r["unexplained"], "0.00", "{r}");
        let lines = r["differences"].as_array().unwrap();
        assert!(
            lines.iter().all(|l| l["meterId"] == meter.as_str()),
            "only that meter: {r}"
        );
    }

    // Removing the sheet rates back to the invoice.
    let list: serde_json::Value = serde_json::from_str(&ok(
        sandbox(db, &["prices", "list", "--account", "sandbox", "--json"]),
        "list",
    ))
    .unwrap();
    let id = list[0]["id"].as_i64().unwrap().to_string();
    ok(
        sandbox(db, &["prices", "remove", "--account", "sandbox", &id]),
        "remove",
    );
    ok(sandbox(db, &["rate"]), "rate without the sheet");
    let out = ok(
        sandbox(db, &["reconcile", "--period", month, "--json"]),
        "reconcile",
    );
    for line in out.lines() {
        let r: serde_json::Value = serde_json::from_str(line).unwrap();
        if r["refused"].is_null() {
            assert_eq!(r["difference"], "0.00", "{r}");
        }
    }
}

fn exports_write_csv_files(db: &Path) {
    let dir = db.parent().unwrap();
    let invoices = dir.join("invoices.csv");
    let said = ok(
        sandbox(
            db,
            &[
                "export",
                "invoices",
                "--out",
                invoices.to_str().unwrap(),
                "--bom",
            ],
        ),
        "export invoices",
    );
    let text = std::fs::read_to_string(&invoices).unwrap();
    assert!(text.starts_with('\u{feff}'), "--bom");
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    assert!(
        said.contains(&format!("wrote {} rows", rows.len())),
        "{said}"
    );
    let number = rows[0].get(1).unwrap().to_string();
    let detail = dir.join("invoice.csv");
    ok(
        sandbox(
            db,
            &[
                "export",
                "invoice",
                "--id",
                &number,
                "--out",
                detail.to_str().unwrap(),
            ],
        ),
        "export invoice",
    );
    let mut reader = csv::Reader::from_path(&detail).unwrap();
    let first = reader.records().next().unwrap().unwrap();
    let customer = first.get(1).unwrap().to_string();
    let facing = dir.join("facing.csv");
    ok(
        sandbox(
            db,
            &[
                "export",
                "customer-lines",
                "--invoice",
                &number,
                "--customer",
                &customer,
                "--customer-facing",
                "--out",
                facing.to_str().unwrap(),
            ],
        ),
        "export customer lines",
    );
    let header = std::fs::read_to_string(&facing).unwrap();
    let header = header.lines().next().unwrap();
    assert!(
        header.contains("Amount") && !header.contains("Cost"),
        "{header}"
    );
    // The Billing page's view: sorted by cost, largest first; one product only.
    let sorted = dir.join("sorted.csv");
    let lines = |path: &Path, view: &[&str]| -> Vec<csv::StringRecord> {
        let mut args = vec![
            "export",
            "customer-lines",
            "--invoice",
            &number,
            "--customer",
            &customer,
        ];
        args.extend(view);
        args.extend(["--out", path.to_str().unwrap()]);
        ok(sandbox(db, &args), "export customer lines in a view");
        csv::Reader::from_path(path)
            .unwrap()
            .records()
            .map(Result::unwrap)
            .collect()
    };
    let every = lines(&sorted, &[]);
    let by_cost = lines(&sorted, &["--sort", "cost", "--descending"]);
    assert_eq!(by_cost.len(), every.len(), "a sort keeps every line");
    let cost = |r: &csv::StringRecord| r.get(10).unwrap().parse::<rust_decimal::Decimal>().unwrap();
    assert!(
        by_cost.windows(2).all(|w| cost(&w[0]) >= cost(&w[1])),
        "largest cost first"
    );
    let product = every[0].get(1).unwrap().to_string();
    let one = lines(&sorted, &["--product", &product, "--sort", "sku"]);
    let expected = every
        .iter()
        .filter(|r| r.get(1) == Some(product.as_str()))
        .count();
    assert_eq!(one.len(), expected, "exactly the lines of {product}");
    assert!(one.iter().all(|r| r.get(1) == Some(product.as_str())));
    let missing = sandbox(
        db,
        &[
            "export",
            "invoice",
            "--id",
            "NOPE",
            "--out",
            detail.to_str().unwrap(),
        ],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("run Discovery"));
}
