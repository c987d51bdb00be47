//! Rating and reconciliation against the emulator's invoices: preset M (200 customers),
//! frozen clock at 2026-11-21 10:00 UTC, so August to October are invoiced and November is
//! unbilled. The emulator's billing code shares nothing with ours: every Azure plan customer
//! of every invoiced period must match its invoice's daily rated usage to the cent with no
//! unexplained difference, and `cspdesk_rating::rate::rate` called directly must reproduce
//! every invoice record's `effectiveUnitPrice` and `billingPreTaxTotal`; a wrong price must
//! show up as a price mismatch; rating again with nothing new must rate nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use cspdesk_api::rating::dto::ReconciliationDto;
use cspdesk_api::rating::{costs, prices, rate, reconcile};
use cspdesk_api::shared::periods;
use cspdesk_discovery::progress::Silent;
use cspdesk_discovery::run::Trigger;
use cspdesk_discovery::RunOptions;
use cspdesk_emulator::{Emulator, EmulatorConfig, FaultPlan, Preset, RunningEmulator, CLIENT_ID};
use cspdesk_partner_api::{
    sign_in_with_browser, AccountKey, ApiSettings, BrowserSignIn, ConsentRecord, Sensitive,
    Session, StoredConsent, TokenStore,
};
use cspdesk_rating::price::normalize_meter_id;
use cspdesk_store::discovered::{MeterRow, RateCardRow};
use cspdesk_store::import_runs::RunRecord;
use cspdesk_store::{accounts, rated, Database};
use rust_decimal::Decimal;
use tokio_util::sync::CancellationToken;

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 10, 0, 0).unwrap()
}

pub(crate) const INVOICED: [&str; 3] = ["2026-08", "2026-09", "2026-10"];

/// A token store in a JSON file: tests only (the app keeps tokens in the OS keyring).
struct FileStore(PathBuf);

impl TokenStore for FileStore {
    fn load(&self, _: &AccountKey) -> cspdesk_partner_api::Result<Option<StoredConsent>> {
        let Ok(text) = std::fs::read_to_string(&self.0) else {
            return Ok(None);
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        Ok(Some(StoredConsent {
            refresh_token: Sensitive::new(v["rt"].as_str().unwrap().to_string()),
            record: serde_json::from_value::<ConsentRecord>(v["record"].clone()).unwrap(),
        }))
    }
    fn save(&self, _: &AccountKey, c: &StoredConsent) -> cspdesk_partner_api::Result<()> {
        let v = serde_json::json!({"rt": c.refresh_token.expose(), "record": c.record});
        std::fs::write(&self.0, v.to_string()).unwrap();
        Ok(())
    }
    fn delete(&self, _: &AccountKey) -> cspdesk_partner_api::Result<()> {
        let _ = std::fs::remove_file(&self.0);
        Ok(())
    }
}

/// A temporary database with one account discovered from a fresh emulator of `preset`.
pub(crate) async fn discovered(preset: Preset) -> (tempfile::TempDir, PathBuf, String) {
    let (dir, db, account, _) = discovered_with(preset, FaultPlan::default(), false).await;
    (dir, db, account)
}

/// The same, with the emulator misbehaving as `faults` says; and the run's record.
/// Discovered with `faults`; `v1` reads everything through the v1 line items (the faults
/// that reshape v1 pages need them), else new commerce comes from Graph's exports.
pub(crate) async fn discovered_with(
    preset: Preset,
    faults: FaultPlan,
    v1: bool,
) -> (tempfile::TempDir, PathBuf, String, RunRecord) {
    // The catalog's prices every month, as the rate card shows them: these tests are of
    // rate-card rating (month-true prices: pricing_fetch.rs).
    let d = discover(preset, v1, |config| {
        config.faults = faults;
        config.monthly_prices = false;
    })
    .await;
    d.emu.shutdown().await;
    (d.dir, d.db, d.account, d.run)
}

/// A completed Discovery run whose emulator still answers (and the run's session), so a test
/// can call Microsoft again after it.
pub(crate) struct Discovered {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) db: PathBuf,
    pub(crate) account: String,
    pub(crate) run: RunRecord,
    pub(crate) session: Arc<Session>,
    pub(crate) emu: RunningEmulator,
}

/// Discovers `preset` from an emulator configured by `configure` (after the defaults tests
/// need); `v1` as in [`discovered_with`].
pub(crate) async fn discover(
    preset: Preset,
    v1: bool,
    configure: impl FnOnce(&mut EmulatorConfig),
) -> Discovered {
    let mut config = EmulatorConfig::new(preset, 7, now());
    config.clock_ticks = false;
    // The clock is frozen: Graph exports must be ready as soon as they are asked for.
    config.graph_preparation = std::time::Duration::ZERO;
    // Reading through v1 needs an emulator that still serves v1 past Microsoft's cut-over.
    config.v1_cutover = !v1;
    configure(&mut config);
    let emu: RunningEmulator = Emulator::start(config).await.expect("emulator starts");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cspdesk.sqlite3");
    let account = accounts::add(
        &Database::open(&db).unwrap(),
        "Contoso CSP",
        &emu.partner().tenant_id,
        now(),
    )
    .unwrap()
    .id;
    let settings =
        ApiSettings::single_origin(emu.url(), emu.partner().tenant_id.clone(), CLIENT_ID);
    emu.set_auto_consent(Some(emu.partner().users[0].upn.clone()));
    let tokens = sign_in_with_browser(&settings, BrowserSignIn::default(), |url| {
        let url = url.clone();
        tokio::spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    })
    .await
    .expect("the admin signs in");
    let clock = emu.clock().clone();
    let clock: cspdesk_discovery::Clock = Arc::new(move || clock.now());
    let session = Session::start(
        settings,
        AccountKey::from_stored(account.clone()),
        Arc::new(FileStore(dir.path().join("tokens.json"))),
        tokens,
        now(),
    )
    .unwrap()
    .with_clock(clock.clone());
    let mut options = RunOptions::new(account.clone(), Trigger::Manual, clock);
    if v1 {
        options.graph_from = None;
    }
    let session = Arc::new(session);
    let run = cspdesk_discovery::run(
        &db,
        session.clone(),
        options,
        Arc::new(Silent),
        CancellationToken::new(),
    )
    .await
    .expect("the run starts");
    assert_eq!(run.state, "completed", "{run:?}");
    Discovered {
        dir,
        db,
        account,
        run,
        session,
        emu,
    }
}

pub(crate) fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn is_zero(amount: &Option<String>) -> bool {
    amount.as_deref().is_some_and(|a| dec(a).is_zero())
}

/// Customers with daily rated usage on the invoice side of `period`.
fn invoiced_customers(db: &Path, account: &str, period: &str) -> BTreeSet<String> {
    rated::invoice_usage(&Database::open(db).unwrap(), account, period)
        .unwrap()
        .into_iter()
        .map(|l| l.customer_id)
        .collect()
}

/// Figures of one reconciliation run, for the report and the assertions.
#[derive(Default, Debug)]
pub(crate) struct Figures {
    pub(crate) customers: usize,
    pub(crate) to_the_cent: usize,
    pub(crate) lines_compared: u64,
    pub(crate) lines_matched: u64,
    pub(crate) unexplained: Decimal,
    pub(crate) legacy_refused: usize,
    pub(crate) mismatches: Vec<String>,
}

pub(crate) fn figures(rows: &[ReconciliationDto]) -> Figures {
    let mut f = Figures::default();
    for r in rows {
        if let Some(why) = &r.refused {
            if why.contains("MS-AZR-0145P") {
                f.legacy_refused += 1;
            } else {
                f.mismatches
                    .push(format!("{} {}: refused: {why}", r.period, r.customer));
            }
            continue;
        }
        f.customers += 1;
        f.lines_compared += u64::from(r.lines_compared);
        f.lines_matched += u64::from(r.lines_matched);
        f.unexplained += dec(r.unexplained.as_deref().unwrap());
        if is_zero(&r.difference) && is_zero(&r.unexplained) {
            f.to_the_cent += 1;
        } else {
            let first: Vec<String> = r
                .differences
                .iter()
                .take(3)
                .map(|d| {
                    format!(
                        "meter {} day {} entitlement {}: ours {} invoice {} ({:?})",
                        d.meter_id, d.usage_date, d.entitlement_id, d.rated, d.invoiced, d.causes
                    )
                })
                .collect();
            f.mismatches.push(format!(
                "{} {} ({}): rated {:?} invoiced {:?} difference {:?} unexplained {:?} causes {:?}; {}",
                r.period,
                r.customer,
                r.customer_name.as_deref().unwrap_or("?"),
                r.rated,
                r.invoiced,
                r.difference,
                r.unexplained,
                r.causes,
                first.join("; ")
            ));
        }
    }
    f
}

#[tokio::test(flavor = "multi_thread")]
async fn rated_cost_matches_the_invoices_to_the_cent_and_a_wrong_price_is_a_price_mismatch() {
    let (_dir, path, account) = discovered(Preset::M).await;
    let mut db = Database::open(&path).unwrap();

    let started = std::time::Instant::now();
    let first = rate::rate(&mut db, None, None, now()).unwrap();
    eprintln!(
        "rated {} customer-periods, {} lines in {:?}",
        first.rated,
        first.lines_written,
        started.elapsed()
    );
    assert_eq!(
        first.refused,
        0,
        "every customer-period is priced: {:?}",
        first
            .periods
            .iter()
            .filter(|p| p.refused.is_some())
            .take(3)
            .collect::<Vec<_>>()
    );
    assert!(first.rated > 0 && first.lines_written > 0, "{first:?}");

    // Issue 18, acceptance 2: the emulator sends only Microsoft's credit keys
    // (`rateOfPartnerEarnedCredit`, `creditType`); eligible usage still gets its 15 %.
    credit_comes_from_microsofts_keys(&db, &account);

    // The rating crate alone, every invoice record (invoiced periods and November so far).
    let (records, equal, differing) =
        crate_alone_record_by_record(&db, &account, &[INVOICED.as_slice(), &["2026-11"]].concat());
    eprintln!("the rating crate alone: {equal} of {records} invoice records equal");
    assert!(records > 0);
    assert_eq!(
        equal,
        records,
        "{} of {records} invoice records differ; first: {differing:#?}",
        records - equal
    );

    // Every customer of every invoiced period, to the cent.
    for period in INVOICED {
        let rows = reconcile::reconcile(&db, period, None).unwrap();
        let f = figures(&rows);
        eprintln!(
            "{period}: {} Azure plan customers, {} to the cent; {} of {} lines equal; unexplained {}; {} legacy-only customers refused",
            f.customers, f.to_the_cent, f.lines_matched, f.lines_compared, f.unexplained, f.legacy_refused
        );
        assert!(
            f.mismatches.is_empty(),
            "{period}: {} customers differ from the invoice; first: {:#?}",
            f.mismatches.len(),
            &f.mismatches[..f.mismatches.len().min(5)]
        );
        assert_eq!(
            f.unexplained,
            Decimal::ZERO,
            "{period}: nothing unexplained"
        );
        assert_eq!(
            f.customers,
            invoiced_customers(&path, &account, period).len(),
            "{period}: every customer on the invoice is reconciled"
        );
        assert!(f.customers > 0 && f.legacy_refused > 0, "{period}: {f:?}");
        assert!(
            rows.iter()
                .filter(|r| r.refused.is_none())
                .all(|r| r.invoice_state.as_deref() == Some("billed")),
            "{period} is compared with its invoice"
        );
    }

    // The open period against the unbilled usage so far, and its month-to-date cost.
    let open = reconcile::reconcile(&db, "2026-11", None).unwrap();
    let f = figures(&open);
    assert!(f.mismatches.is_empty(), "November: {:#?}", f.mismatches);
    assert!(open
        .iter()
        .filter(|r| r.refused.is_none())
        .all(|r| r.invoice_state.as_deref() == Some("unbilled")));
    let costs: BTreeMap<String, String> = costs::month_to_date(&db, now())
        .unwrap()
        .into_iter()
        .map(|c| (c.customer_id, c.cost))
        .collect();
    for r in open.iter().filter(|r| r.refused.is_none()) {
        assert_eq!(
            costs.get(&r.customer).map(|c| dec(c)),
            r.rated.as_deref().map(dec),
            "month-to-date cost of {} is its rated November",
            r.customer
        );
    }
    assert_eq!(
        costs.len(),
        open.len(),
        "every customer with November usage (Azure plan and legacy) has a month-to-date cost"
    );

    // Nothing new: nothing rated, nothing written.
    let again = rate::rate(&mut db, None, None, now()).unwrap();
    assert_eq!(
        (
            again.rated,
            again.refused,
            again.removed,
            again.lines_written
        ),
        (0, 0, 0, 0),
        "rating again with no new data rates nothing: {:?}",
        again.periods.first()
    );
    assert_eq!(again.unchanged, first.rated);

    // A wrong price: one flat Azure plan meter at +10 % in the USD card.
    let october = rated::invoice_usage(&db, &account, "2026-10").unwrap();
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for l in &october {
        *uses.entry(normalize_meter_id(&l.meter_id)).or_default() += 1;
    }
    let usd = rated::rate_cards(&db, &account)
        .unwrap()
        .into_iter()
        .find(|c| c.currency == "USD")
        .expect("a USD rate card");
    let target = usd
        .meters
        .iter()
        .filter(|m| m.rates.len() == 1 && m.included_quantity.unwrap_or_default().is_zero())
        .max_by_key(|m| {
            uses.get(&normalize_meter_id(&m.meter_id))
                .copied()
                .unwrap_or(0)
        })
        .expect("a flat meter")
        .clone();
    let wrong = target.rates[0].1 * dec("1.1");
    let meters: Vec<MeterRow> = usd
        .meters
        .iter()
        .map(|m| MeterRow {
            meter_id: m.meter_id.clone(),
            name: m.name.clone(),
            category: m.category.clone(),
            subcategory: m.subcategory.clone(),
            region: m.region.clone(),
            unit: m.unit.clone(),
            included_quantity: m.included_quantity,
            effective_date: m.effective_date.clone(),
            rates: if m.meter_id == target.meter_id {
                serde_json::json!({"0": wrong.to_string()}).to_string()
            } else {
                m.rates_json.clone()
            },
        })
        .collect();
    let mut ingest = db.ingest(&account).unwrap();
    ingest
        .rate_card(
            &RateCardRow {
                currency: usd.currency.clone(),
                locale: usd.locale.clone(),
                tax_included: usd.tax_included,
                offer_terms: usd.offer_terms_json.clone(),
            },
            &meters,
            now(),
        )
        .unwrap();
    ingest.commit().unwrap();

    let repriced = rate::rate(&mut db, None, None, now()).unwrap();
    assert!(repriced.rated > 0, "the USD card changed: {repriced:?}");
    assert!(
        repriced.unchanged > 0,
        "customer-periods priced from another card (legacy EUR) are left alone"
    );
    let rows = reconcile::reconcile(&db, "2026-10", None).unwrap();
    let target_id = normalize_meter_id(&target.meter_id);
    let mut affected = 0;
    for r in rows.iter().filter(|r| r.refused.is_none()) {
        let difference = dec(r.difference.as_deref().unwrap());
        let uses_target = october
            .iter()
            .any(|l| l.customer_id == r.customer && normalize_meter_id(&l.meter_id) == target_id);
        if !uses_target {
            assert!(
                difference.is_zero(),
                "{} does not use the meter: {r:?}",
                r.customer
            );
            continue;
        }
        affected += 1;
        assert!(
            difference < Decimal::ZERO,
            "we now charge more than the invoice: {r:?}"
        );
        assert!(
            is_zero(&r.unexplained),
            "the invoice explains itself: {r:?}"
        );
        let price = r
            .causes
            .get("priceMismatch")
            .map(|a| dec(a))
            .unwrap_or_default();
        let rounding = r.causes.get("rounding").map(|a| dec(a)).unwrap_or_default();
        assert!(
            r.causes
                .keys()
                .all(|c| c == "priceMismatch" || c == "rounding"),
            "only the price (and cent rounding) explains it: {:?}",
            r.causes
        );
        let differing = Decimal::from(r.lines_compared - r.lines_matched);
        assert!(
            price < Decimal::ZERO && rounding.abs() <= differing * dec("0.01"),
            "the difference {difference} is a price mismatch ({price}), rounding {rounding} at most a cent per line"
        );
        assert!(
            r.differences.iter().all(|d| d.meter_id == target_id),
            "only the repriced meter differs: {:?}",
            r.differences.first()
        );
    }
    eprintln!(
        "meter {target_id} at {wrong} instead of {}: {affected} customers differ, all as priceMismatch",
        target.rates[0].1
    );
    assert!(affected > 0, "the repriced meter is used in October");
}

/// Eligible usage is stored at Microsoft's rate (0.15, read from `rateOfPartnerEarnedCredit`)
/// next to usage without credit, and our rated lines of that usage are priced 15 % below the
/// list price: each record's effective price is `round(list × 0.85, 6)`, so a line's average
/// is within half a millionth of 85 % of its list price.
fn credit_comes_from_microsofts_keys(db: &Database, account: &str) {
    let rate = Decimal::new(15, 2);
    for period in INVOICED {
        let usage = rated::invoice_usage(db, account, period).unwrap();
        let credited = usage
            .iter()
            .filter(|u| u.partner_earned_credit_rate == rate)
            .count();
        let plain = usage
            .iter()
            .filter(|u| u.partner_earned_credit_rate.is_zero())
            .count();
        assert!(
            credited > 0 && plain > 0,
            "{period}: {credited} credited, {plain} not"
        );
        assert_eq!(
            credited + plain,
            usage.len(),
            "{period}: every rate is 0 or 0.15"
        );
        let lines = rated::lines(db, account, period, None).unwrap();
        let eligible: Vec<_> = lines.iter().filter(|l| l.credit_rate == rate).collect();
        eprintln!(
            "{period}: {credited} of {} invoice records with 15 % credit; {} of {} rated lines",
            usage.len(),
            eligible.len(),
            lines.len()
        );
        assert!(
            !eligible.is_empty(),
            "{period}: eligible usage is rated with its credit"
        );
        for l in eligible {
            let off = (l.effective_unit_price - l.unit_price * (Decimal::ONE - rate)).abs();
            assert!(
                off <= Decimal::new(5, 7),
                "{period} {} {} {}: EUP {} for list {}",
                l.customer_id,
                l.meter_id,
                l.usage_date,
                l.effective_unit_price,
                l.unit_price
            );
        }
    }
}

/// `cspdesk_rating::rate::rate` alone, record by record against the invoice's daily rated
/// usage of `periods`: one series per customer, Azure plan and meter, its records in the
/// invoice's order, the month's exchange rate from the records. Returns (records compared,
/// records whose `effectiveUnitPrice` and `billingPreTaxTotal` are both equal, the first
/// differences). Usage of days before a period (reported late) is left out: its tier
/// positions belong to the month it was used in.
fn crate_alone_record_by_record(
    db: &Database,
    account: &str,
    periods: &[&str],
) -> (usize, usize, Vec<String>) {
    use cspdesk_rating::rate::{rate, DailyUsage, Fx, RatingTerms, UsageSeries};

    let prices = prices::azure_plan_prices(db, account).unwrap().unwrap();
    let (mut lines, mut equal) = (0usize, 0usize);
    let mut first = Vec::new();
    for period in periods {
        let billing = periods::parse_period(period).unwrap();
        let mut series: BTreeMap<(String, String, String), Vec<rated::InvoiceUsage>> =
            BTreeMap::new();
        let (mut read, mut late) = (0usize, 0usize);
        for l in rated::invoice_usage(db, account, period).unwrap() {
            read += 1;
            if !billing.contains(l.usage_date) {
                late += 1;
            } else {
                series
                    .entry((
                        l.customer_id.clone(),
                        l.subscription_id.clone(),
                        normalize_meter_id(&l.meter_id),
                    ))
                    .or_default()
                    .push(l);
            }
        }
        eprintln!("{period}: {read} invoice records, {late} of earlier days left out");
        for ((customer, plan, meter), records) in series {
            let fx = Fx::new(
                "USD",
                &records[0].billing_currency,
                records[0].pc_to_bc_exchange_rate.unwrap(),
            )
            .unwrap();
            let s = UsageSeries {
                customer_id: customer.clone(),
                subscription_id: plan,
                meter_id: meter.clone(),
                meter_category: None,
                usage: records
                    .iter()
                    .map(|r| DailyUsage {
                        date: r.usage_date,
                        entitlement_id: r.entitlement_id.clone(),
                        resource_uri: None,
                        quantity: r.quantity,
                        partner_earned_credit_rate: r.partner_earned_credit_rate,
                    })
                    .collect(),
            };
            let rated = rate(&s, &prices.book, &RatingTerms::new(billing, fx)).unwrap();
            // One line per record, in the records' order.
            for (ours, theirs) in rated.iter().zip(&records) {
                lines += 1;
                if ours.billing_pre_tax_total == theirs.billing_pre_tax_total
                    && ours.effective_unit_price == theirs.effective_unit_price
                {
                    equal += 1;
                } else if first.len() < 5 {
                    first.push(format!(
                        "{period} customer {customer} meter {meter} day {} entitlement {}: qty {} crate EUP {} total {} / invoice EUP {} total {}",
                        theirs.usage_date, theirs.entitlement_id, theirs.quantity,
                        ours.effective_unit_price, ours.billing_pre_tax_total,
                        theirs.effective_unit_price, theirs.billing_pre_tax_total
                    ));
                }
            }
        }
    }
    (lines, equal, first)
}

/// Subscriptions carry their share of the customer's month to date: their costs add up to
/// the customer's cost, their resale plus the customer's monthly fee to its resale; and the
/// Reconciliation page's totals add up its customers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_and_reconciliation_totals_add_up_to_their_customers() {
    use cspdesk_api::customers::dto::CustomerRef;
    use cspdesk_api::customers::dto::{MarkupTargetDto, MarkupTermDto};
    use cspdesk_api::customers::markups;
    let (_dir, path, _account) = discovered(Preset::S).await;
    let mut db = Database::open(&path).unwrap();
    rate::rate(&mut db, None, None, now()).unwrap();

    let customers = cspdesk_api::customers::overview::list(&db, now()).unwrap();
    let c = customers
        .iter()
        .filter(|c| c.month_to_date_cost.is_some())
        .max_by_key(|c| c.subscription_count)
        .expect("a customer with usage this month");
    let who = CustomerRef {
        account_id: c.account_id.clone(),
        customer_id: c.id.clone(),
    };
    let category = rated::lines(&db, &c.account_id, "2026-11", Some(&c.id)).unwrap()[0]
        .meter_category
        .clone()
        .expect("rated lines carry their category");
    markups::set(
        &mut db,
        &MarkupTargetDto::Customer {
            customer: who.clone(),
        },
        &[
            MarkupTermDto::Percent {
                percent: "12".into(),
            },
            MarkupTermDto::CategoryPercent {
                category,
                percent: Some("5".into()),
            },
            MarkupTermDto::MonthlyFee {
                fee: "50.00".into(),
            },
        ],
        chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        now(),
    )
    .unwrap();
    let c = cspdesk_api::customers::overview::list(&db, now())
        .unwrap()
        .into_iter()
        .find(|x| x.id == who.customer_id)
        .unwrap();
    let subs = cspdesk_api::customers::overview::subscriptions(&db, Some(&who), now()).unwrap();
    let rated_subs: Vec<_> = subs
        .iter()
        .filter(|s| s.month_to_date_cost.is_some())
        .collect();
    assert!(!rated_subs.is_empty(), "{subs:#?}");
    let sum = |f: fn(&cspdesk_api::customers::dto::SubscriptionDto) -> &Option<String>| -> Decimal {
        rated_subs
            .iter()
            .map(|s| dec(f(s).as_deref().unwrap()))
            .sum()
    };
    assert_eq!(
        sum(|s| &s.month_to_date_cost),
        dec(c.month_to_date_cost.as_deref().unwrap())
    );
    assert_eq!(
        sum(|s| &s.month_to_date_resale) + dec("50.00"),
        dec(c.month_to_date_resale.as_deref().unwrap()),
        "the fee is the customer's, not a subscription's"
    );
    for s in &rated_subs {
        assert_eq!(
            dec(s.month_to_date_margin.as_deref().unwrap()),
            dec(s.month_to_date_resale.as_deref().unwrap())
                - dec(s.month_to_date_cost.as_deref().unwrap())
        );
        assert_eq!(s.currency, c.currency);
    }
    assert!(
        subs.iter()
            .filter(|s| s.kind == "licence")
            .all(|s| s.month_to_date_cost.is_none()),
        "licences are not rated"
    );

    let periods = reconcile::periods(&db).unwrap();
    assert_eq!(periods[0].period, "2026-11", "newest first: {periods:?}");
    assert!(!periods[0].invoiced, "November is open");
    let mut legacy_seen = 0;
    for p in INVOICED {
        let known = periods.iter().find(|x| x.period == p).unwrap();
        assert!(known.invoiced && known.rated > 0, "{known:?}");
        let r = reconcile::reconcile_period(&db, p).unwrap();
        let compared: Vec<_> = r.customers.iter().filter(|c| c.refused.is_none()).collect();
        let total_rated: Decimal = r.totals.iter().map(|t| dec(&t.rated)).sum();
        let total_customers: u32 = r.totals.iter().map(|t| t.customers).sum();
        assert_eq!(total_customers as usize, compared.len());
        assert_eq!(
            total_rated,
            compared
                .iter()
                .map(|c| dec(c.rated.as_deref().unwrap()))
                .sum::<Decimal>()
        );
        let left_out: Vec<_> = r.customers.iter().filter(|c| c.refused.is_some()).collect();
        assert_eq!(
            r.totals.iter().map(|t| t.not_compared).sum::<u32>() as usize,
            left_out.len(),
            "{p}: the headline counts every customer not compared"
        );
        for t in &r.totals {
            let theirs: Vec<_> = left_out
                .iter()
                .filter(|c| c.currency.as_deref().unwrap_or_default() == t.currency)
                .collect();
            assert_eq!(t.not_compared as usize, theirs.len(), "{p} {}", t.currency);
            assert_eq!(
                dec(&t.not_compared_invoiced),
                theirs
                    .iter()
                    .map(|c| c.invoiced.as_deref().map_or(Decimal::ZERO, dec))
                    .sum::<Decimal>()
            );
            assert_eq!(
                dec(&t.not_compared_rated),
                theirs
                    .iter()
                    .map(|c| c.rated.as_deref().map_or(Decimal::ZERO, dec))
                    .sum::<Decimal>()
            );
            assert!(t.customers + t.not_compared > 0, "no empty strip: {t:?}");
            // Not compared, the legacy-only customers still show what they are invoiced: the
            // strip's not-compared amount is the period's legacy invoices in its currency.
            let legacy_invoices: Decimal = cspdesk_api::billing::invoices::invoices(&db)
                .unwrap()
                .iter()
                .filter(|i| {
                    i.currency == t.currency
                        && i.id.starts_with('D')
                        && i.billing_period_start
                            .as_deref()
                            .is_some_and(|s| s.starts_with(p))
                })
                .map(|i| dec(&i.total))
                .sum();
            legacy_seen += usize::from(legacy_invoices > Decimal::ZERO);
            assert_eq!(
                dec(&t.not_compared_invoiced),
                legacy_invoices,
                "{p} {}: the not-compared customers' invoiced is their legacy invoices",
                t.currency
            );
            assert_eq!(t.matched, t.customers, "{p}: every customer matches: {t:?}");
            assert_eq!(t.rated, t.invoiced);
            assert_eq!(dec(&t.unexplained), Decimal::ZERO);
        }
    }
    assert!(legacy_seen > 0, "some strip has legacy invoices to add up");
}
