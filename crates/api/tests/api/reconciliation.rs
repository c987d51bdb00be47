//! The Reconciliation page's figures on the sandbox: each customer's resale and margin as
//! Customers works resale out, and a headline whose parts (usage compared, not compared,
//! licences and other charges) add up to the period's invoices to the cent.

use chrono::NaiveDate;
use cspdesk_api::billing::invoices as billing;
use cspdesk_api::billing::reconciliation::reconcile_period;
use cspdesk_api::customers::dto::{CustomerRef, MarkupTargetDto, MarkupTermDto};
use cspdesk_api::customers::{markups, resale};
use cspdesk_api::rating::rate;
use cspdesk_emulator::Preset;
use cspdesk_store::rated::{self, UsageKind};
use cspdesk_store::Database;
use rust_decimal::Decimal;

use crate::rating::{dec, discovered, now};

const INVOICED: [&str; 3] = ["2026-08", "2026-09", "2026-10"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_headline_adds_up_to_the_invoices_and_each_customer_has_resale_and_margin() {
    let (_dir, path, account) = discovered(Preset::S).await;
    let mut db = Database::open(&path).unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();

    // A customer compared in October on Azure plan usage alone takes a markup from August.
    let before = reconcile_period(&db, "2026-10").unwrap();
    let marked = before
        .customers
        .iter()
        .find(|r| {
            r.refused.is_none()
                && rated::lines(&db, &r.account_id, "2026-10", Some(&r.customer))
                    .unwrap()
                    .iter()
                    .all(|l| l.usage_kind == UsageKind::AzurePlan)
        })
        .expect("a customer compared on Azure plan usage only")
        .clone();
    let who = CustomerRef {
        account_id: marked.account_id.clone(),
        customer_id: marked.customer.clone(),
    };
    let target = MarkupTargetDto::Customer {
        customer: who.clone(),
    };
    let markup = markups::set(
        &mut db,
        &target,
        &[
            MarkupTermDto::Percent {
                percent: "10".into(),
            },
            MarkupTermDto::MonthlyFee {
                fee: "50.00".into(),
            },
        ],
        NaiveDate::from_ymd_opt(2026, 8, 1).unwrap(),
        now(),
    )
    .unwrap();
    assert_eq!(
        markup.currency, marked.currency,
        "the fee is in the customer's billing currency"
    );

    let invoices = billing::invoices(&db).unwrap();
    let mut other_seen = false;
    for p in INVOICED {
        let r = reconcile_period(&db, p).unwrap();
        for row in &r.customers {
            match (&row.rated, &row.resale) {
                (None, resale) => assert!(resale.is_none(), "{p}: no resale without rating"),
                (Some(rated), Some(resale)) if row.customer == marked.customer => {
                    // As Customers works it out, less the month's fee (billed with the invoice).
                    let theirs = resale::period_resale(
                        &db,
                        &row.account_id,
                        &row.customer,
                        None,
                        p[..4].parse().unwrap(),
                        p[5..].parse().unwrap(),
                    )
                    .unwrap()
                    .unwrap();
                    assert_eq!(dec(resale), theirs - dec("50.00"), "{p}");
                    assert!(dec(resale) > dec(rated), "{p}: marked up");
                }
                (Some(rated), Some(resale)) => {
                    assert_eq!(resale, rated, "{p}: no markup resells at cost")
                }
                (Some(_), None) => panic!("{p}: rated without resale: {row:?}"),
            }
            match (&row.resale, &row.invoiced) {
                (Some(resale), Some(invoiced)) => assert_eq!(
                    dec(row.margin.as_deref().unwrap()),
                    dec(resale) - dec(invoiced),
                    "{p}"
                ),
                _ => assert!(row.margin.is_none(), "{p}: {row:?}"),
            }
        }
        for t in &r.totals {
            let mine: Vec<_> = r
                .customers
                .iter()
                .filter(|c| c.currency.as_deref() == Some(t.currency.as_str()))
                .collect();
            let sum = |f: fn(&cspdesk_api::rating::dto::ReconciliationDto) -> &Option<String>| {
                mine.iter()
                    .filter_map(|c| f(c).as_deref().map(dec))
                    .sum::<Decimal>()
            };
            assert_eq!(dec(&t.resale), sum(|c| &c.resale), "{p} {}", t.currency);
            assert_eq!(dec(&t.margin), sum(|c| &c.margin), "{p} {}", t.currency);

            // The strips add up to the period's invoices in the currency, to the cent, with
            // nothing left over.
            let total: Decimal = invoices
                .iter()
                .filter(|i| {
                    i.currency == t.currency
                        && i.billing_period_start
                            .as_deref()
                            .is_some_and(|s| s.starts_with(p))
                })
                .map(|i| dec(&i.total))
                .sum();
            assert_eq!(
                t.invoice_total.as_deref().map(dec),
                Some(total),
                "{p} {}",
                t.currency
            );
            assert_eq!(
                dec(&t.invoice_rest),
                Decimal::ZERO,
                "{p} {}: every line read, usage lines agree with the daily usage: {t:?}",
                t.currency
            );
            assert_eq!(
                dec(&t.invoiced) + dec(&t.not_compared_invoiced) + dec(&t.other_charges),
                total,
                "{p} {}: compared + not compared + other charges = the invoices",
                t.currency
            );
            other_seen |= dec(&t.other_charges) > Decimal::ZERO;
        }
    }
    assert!(other_seen, "licences and other charges are among the parts");

    // The open month has no invoice: its other charges are those so far, usage left out.
    let open = reconcile_period(&db, "2026-11").unwrap();
    let unbilled = billing::unbilled(&db).unwrap();
    for t in &open.totals {
        assert_eq!(t.invoice_total, None, "{}", t.currency);
        assert_eq!(dec(&t.invoice_rest), Decimal::ZERO);
        let so_far: Decimal = unbilled
            .iter()
            .filter(|u| u.period == "2026-11" && u.currency == t.currency)
            .filter_map(|u| u.charges_total.as_deref().map(dec))
            .sum();
        assert_eq!(dec(&t.other_charges), so_far, "{}", t.currency);
    }
    assert!(
        open.customers.iter().all(|c| c.account_id == account),
        "one account"
    );
}
