//! The Dashboard's month sums (`cspdesk_store::rated_month`: kept per customer-period, or one
//! streamed pass over a month's rated lines on a read-only connection) against a fresh full
//! computation from every rated line of the sandbox: the month's total as `rated::totals`
//! adds each customer up, the same days of the month by the legacy invoice's floor per
//! subscription and meter, and the categories to the cent; and kept sums follow a rating.

use std::collections::BTreeMap;

use cspdesk_api::rating::rate;
use cspdesk_emulator::Preset;
use cspdesk_store::rated::{self, UsageKind};
use cspdesk_store::{accounts, rated_month, Database, Money};
use rust_decimal::Decimal;

use crate::rating::{discovered, now};

/// The month's figures per currency from every line, held in memory (the Dashboard's way
/// before the sums were streamed).
fn full(db: &Database, period: &str, through_day: u32) -> rated_month::MonthSums {
    let mut out = rated_month::MonthSums::default();
    for t in rated::totals(db, None, period).unwrap() {
        *out.total.entry(t.billing_currency.clone()).or_default() += t.total.amount();
        *out.customers
            .entry((t.account_id, t.customer_id, t.billing_currency))
            .or_default() += t.total.amount();
    }
    for acc in accounts::list(db).unwrap() {
        let mut legacy: BTreeMap<(String, String, String, String), Money> = BTreeMap::new();
        for l in rated::lines(db, &acc.id, period, None).unwrap() {
            *out.categories
                .entry(l.billing_currency.clone())
                .or_default()
                .entry((l.meter_category.clone(), l.usage_kind))
                .or_default() += l.billing_pre_tax_total.amount();
            let days = out
                .through_day
                .entry(l.billing_currency.clone())
                .or_default();
            if chrono::Datelike::day(&l.usage_date) > through_day {
                continue;
            }
            match l.usage_kind {
                UsageKind::AzurePlan => *days += l.billing_pre_tax_total.amount(),
                UsageKind::Legacy => {
                    *legacy
                        .entry((
                            l.billing_currency.clone(),
                            l.customer_id.clone(),
                            l.subscription_id.clone(),
                            l.meter_id.clone(),
                        ))
                        .or_default() += l.billing_pre_tax_total
                }
            }
        }
        for ((currency, ..), amount) in legacy {
            *out.through_day.entry(currency).or_default() += amount.floor_cents().amount();
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_month_sums_equal_a_full_computation_from_every_rated_line() {
    let (_dir, path, _account) = discovered(Preset::S).await;
    let mut db = Database::open(&path).unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();
    let read_only = Database::open_read_only(&path).unwrap();
    let mut legacy_seen = false;
    for period in ["2026-08", "2026-09", "2026-10", "2026-11"] {
        for day in [1, 3, 15, 31] {
            let expected = full(&db, period, day);
            let kept = rated_month::month_sums(&db, period, day).unwrap();
            same(&kept, &expected, period, day);
            let streamed = rated_month::month_sums(&read_only, period, day).unwrap();
            same(&streamed, &expected, period, day);
            legacy_seen |= streamed
                .categories
                .values()
                .any(|c| c.keys().any(|(_, kind)| *kind == UsageKind::Legacy));
        }
    }
    assert!(legacy_seen, "preset S rates legacy usage too");
    let sql = rusqlite::Connection::open(&path).unwrap();
    let kept: i64 = sql
        .query_row("SELECT count(*) FROM rated_sums_kept", [], |r| r.get(0))
        .unwrap();
    assert!(kept > 0, "a writable connection keeps the sums");

    // A customer-period rated again (here: its lines and state rewritten as `rate` does, in
    // one transaction) drops its kept sums; the next read makes them from the new lines.
    let before = rated_month::month_sums(&db, "2026-10", 31).unwrap();
    let (account, customer): (String, String) = sql
        .query_row(
            "SELECT account_id, customer_id FROM rated_lines WHERE period = '2026-10'
             GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    sql.execute_batch(&format!(
        "BEGIN;
             DELETE FROM rated_lines WHERE account_id = '{account}' AND customer_id = '{customer}'
                 AND period = '2026-10' AND usage_date > '2026-10-15';
             UPDATE rating_state SET rated_at = rated_at WHERE account_id = '{account}'
                 AND customer_id = '{customer}' AND period = '2026-10';
             COMMIT;"
    ))
    .unwrap();
    let after = rated_month::month_sums(&db, "2026-10", 31).unwrap();
    assert_ne!(
        after.total, before.total,
        "the re-rated customer counts less"
    );
    same(&after, &full(&db, "2026-10", 31), "2026-10", 31);
}

fn same(got: &rated_month::MonthSums, expected: &rated_month::MonthSums, period: &str, day: u32) {
    assert!(!got.total.is_empty(), "{period}: rated lines");
    assert_eq!(got.total, expected.total, "{period} total");
    assert_eq!(got.customers, expected.customers, "{period} customers");
    assert_eq!(got.categories, expected.categories, "{period}");
    // A currency whose lines all fall after the day reads zero either way.
    let nonzero = |m: &BTreeMap<String, Decimal>| -> BTreeMap<String, Decimal> {
        m.iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(k, v)| (k.clone(), *v))
            .collect()
    };
    assert_eq!(
        nonzero(&got.through_day),
        nonzero(&expected.through_day),
        "{period} through day {day}"
    );
}
