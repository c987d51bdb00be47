//! Preset L's Azure plan daily rated usage, taken from the emulator's world in the order its
//! invoices list it (customer, month, day, Azure subscription, resource), and shaped twice:
//! as this crate's [`UsageSeries`] per (customer, Azure plan, meter, billing month) in
//! memory, and as one CSV row per usage row for DuckDB. Only the rows are taken from the
//! emulator (who, what meter, which day, how much, PEC or not); its own costs are ignored.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{ensure, Context, Result};
use chrono::NaiveDate;
use cspdesk_emulator::world::catalog;
use cspdesk_emulator::world::rating::PlanMonth;
use cspdesk_emulator::world::tenancy::meter_guid;
use cspdesk_emulator::world::{Month, PlanKind, World};
use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::rate::{DailyUsage, Fx, RatingTerms, UsageSeries};

/// One customer's billing month: what the totals of both sides are compared by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CustomerMonth {
    /// The emulator's customer index.
    pub customer: u32,
    /// First day of the billing month.
    pub month: NaiveDate,
}

/// A series with what it is rated under and where its totals go.
pub struct Rateable {
    pub series: UsageSeries,
    pub terms: RatingTerms,
    /// Index into [`Usage::customer_months`].
    pub slot: usize,
}

/// The whole data set, in memory.
pub struct Usage {
    pub series: Vec<Rateable>,
    pub customer_months: Vec<CustomerMonth>,
    /// Billing currency of each customer month (same index).
    pub currencies: Vec<&'static str>,
    pub rows: u64,
    /// (currency, month, USD -> currency rate) of every month that has usage.
    pub fx: BTreeMap<(&'static str, NaiveDate), rust_decimal::Decimal>,
    /// Meter id of every series -> the catalog's meter index (what the price book prices).
    pub meters: BTreeMap<String, usize>,
}

/// Column names of the usage CSV, in order (the Python side names them too).
pub const CSV_HEADER: &str = "row_no,customer,plan,meter,usage_date,quantity,pec,currency";

/// Enumerates the Azure plan usage of every customer from the first history day through the
/// day before `today`, builds the series and streams the rows to `csv` at the same time.
pub fn generate(world: &World, today: NaiveDate, csv: &Path) -> Result<Usage> {
    let through = today.pred_opt().context("a day before the start date")?;
    let file = std::fs::File::create(csv).with_context(|| format!("creating {}", csv.display()))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    writeln!(out, "{CSV_HEADER}")?;
    let mut usage = Usage {
        series: Vec::new(),
        customer_months: Vec::new(),
        currencies: Vec::new(),
        rows: 0,
        fx: BTreeMap::new(),
        meters: BTreeMap::new(),
    };
    for ci in 0..world.customer_count() {
        let customer = world.customer(ci);
        if customer.plan != PlanKind::AzurePlan {
            continue;
        }
        let (region, _) = customer.region();
        let currency = customer.currency.code();
        // The customer's single Azure plan, numbered like the customer in the CSV.
        let plan = ci;
        for month in world.months_until(through) {
            let rows = PlanMonth::new(world, customer.clone(), month, through);
            let entitlement_ids: Vec<String> =
                rows.entitlements.iter().map(|e| e.id.clone()).collect();
            let uris: Vec<Vec<String>> = rows
                .resources
                .iter()
                .map(|rs| rs.iter().map(|r| r.uri.clone()).collect())
                .collect();
            let first = month.first_day();
            let rate = world.fx(customer.currency, month);
            let terms = terms(month, currency, rate)?;
            // Meter index -> this customer month's series.
            let mut by_meter: BTreeMap<usize, UsageSeries> = BTreeMap::new();
            for row in rows {
                let (e, r) = (row.key.entitlement as usize, row.key.resource as usize);
                writeln!(
                    out,
                    "{},{ci},{plan},{},{},{},{},{currency}",
                    usage.rows, row.meter, row.key.day, row.quantity, row.pec
                )?;
                usage.rows += 1;
                by_meter
                    .entry(row.meter)
                    .or_insert_with(|| UsageSeries {
                        customer_id: customer.tenant_id.clone(),
                        subscription_id: customer.plan_subscription_id.clone(),
                        meter_id: meter_id(row.meter, region),
                        meter_category: Some(catalog::meter(row.meter).category.into()),
                        usage: Vec::new(),
                    })
                    .usage
                    .push(DailyUsage {
                        date: row.key.day,
                        entitlement_id: entitlement_ids[e].clone(),
                        resource_uri: Some(uris[e][r].clone()),
                        quantity: row.quantity,
                        partner_earned_credit_rate: if row.pec {
                            cspdesk_rating::rate::PARTNER_EARNED_CREDIT_RATE
                        } else {
                            rust_decimal::Decimal::ZERO
                        },
                    });
            }
            if by_meter.is_empty() {
                continue;
            }
            for (meter, series) in &by_meter {
                if !usage.meters.contains_key(&series.meter_id) {
                    usage.meters.insert(series.meter_id.clone(), *meter);
                }
            }
            let slot = usage.customer_months.len();
            usage.customer_months.push(CustomerMonth {
                customer: ci,
                month: first,
            });
            usage.currencies.push(currency);
            usage.fx.insert((currency, first), rate);
            usage
                .series
                .extend(by_meter.into_values().map(|series| Rateable {
                    series,
                    terms: terms.clone(),
                    slot,
                }));
        }
    }
    out.flush()?;
    let (expected, _) = world.usage_row_count(today);
    ensure!(
        usage.rows == expected,
        "enumerated {} Azure plan usage rows, the emulator counts {expected}",
        usage.rows
    );
    Ok(usage)
}

/// Calendar month, USD prices billed in the customer's currency at the world's monthly rate.
fn terms(month: Month, currency: &str, rate: rust_decimal::Decimal) -> Result<RatingTerms> {
    let period = BillingPeriod::calendar_month(month.year, month.month)?;
    Ok(RatingTerms::new(period, Fx::new("USD", currency, rate)?))
}

/// The meter id Microsoft's daily rated usage carries: per region, Azure Stack meters in the
/// "Azure Stack" region (as the emulator's line items say).
pub fn meter_id(meter: usize, customer_region: &str) -> String {
    let region = if catalog::meter(meter).stack {
        "Azure Stack"
    } else {
        customer_region
    };
    meter_guid(meter, region)
}
