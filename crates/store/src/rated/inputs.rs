//! What rating reads: usage per customer-period (Azure plan daily rated usage and legacy
//! utilization) with the fingerprint of exactly the rows read, a fingerprint-only scan of
//! every customer-period, and the stored rate cards as plain rows.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{params, Row};
use rust_decimal::Decimal;

use super::fingerprint::Fingerprint;
use super::{dec_opt, month_bounds, Dec};
use crate::error::{Error, Result};
use crate::usage_decimal::{UsageDecimal, UsageDecimalText};
use crate::Database;

/// Daily usage as rating reads it, from its compact tables (0019_compact_daily_usage.sql):
/// the account's sources `s` (not staged) and subjects `j`, and for each pair a range of
/// the facts' clustered key by day (`f.day`), so a month is found by seeks, never by a scan
/// of every month. The caller adds `s.account_id = ?` and `j.account_id = s.account_id`.
pub(super) const USAGE_FROM: &str = "usage_sources s
    CROSS JOIN usage_subjects j
    CROSS JOIN daily_usage_facts f ON f.source_id = s.id AND f.subject_id = j.id
    JOIN usage_meters m ON m.id = f.meter_id
    JOIN usage_resources r ON r.id = f.resource_id
    JOIN usage_terms t ON t.id = f.terms_id";

/// A fact's usage day as stored before 0019 (`YYYY-MM-DD`), which fingerprints hash.
pub(super) const USAGE_DATE: &str = "date(f.day + 2440587.5)";

/// The order rows are read in: by customer and day, then as Microsoft listed them in their
/// source (rating takes a day's records in that order).
pub(super) const USAGE_ORDER: &str = "j.customer_id, f.day, s.source, f.ordinal";

/// The daily usage rows that count (aliases of [`USAGE_FROM`]): every billed row, and an
/// unbilled row only while no billed row of its period and currency is stored (a source
/// row exists only while it holds rows).
pub(super) const COUNTED: &str = "s.staged = 0 AND NOT (s.source LIKE 'unbilled:%' AND EXISTS (
        SELECT 1 FROM invoices i
        WHERE i.account_id = s.account_id
          AND substr(i.billing_period_start, 1, 7) = substr(s.source, 10, 7)
          AND i.currency = t.billing_currency
          AND EXISTS (SELECT 1 FROM usage_sources b
                      WHERE b.account_id = i.account_id AND b.source = i.id AND b.staged = 0)))";

/// Azure plan columns, fingerprinted in this order (the customer id follows, not hashed).
const AZURE_PLAN_COLUMNS: &str = "s.source, j.subscription_id, j.entitlement_id, m.meter_id,
    m.meter_name, m.meter_category, date(f.day + 2440587.5), r.resource_uri, f.quantity,
    t.billing_currency, t.pc_to_bc_exchange_rate, t.partner_earned_credit_rate";
const AZURE_PLAN_HASHED: usize = 12;
/// `f.quantity`'s place in [`AZURE_PLAN_COLUMNS`].
const AZURE_PLAN_QUANTITY: usize = 8;

/// `from..to` (`YYYY-MM-DD`, or '' and '9999' for every day) as facts' day numbers.
pub(super) fn day_range(from: &str, to: &str) -> (i64, i64) {
    let day = |text: &str, otherwise: i64| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(crate::discovered::day_number)
            .unwrap_or(otherwise)
    };
    (day(from, i64::MIN), day(to, i64::MAX))
}

/// Legacy columns, fingerprinted in this order (the customer id follows, not hashed).
const LEGACY_COLUMNS: &str = "u.subscription_id, coalesce(s.entitlement_id, u.subscription_id),
    u.meter_id, u.meter_name, u.category, substr(u.usage_start, 1, 10), u.resource_uri, u.quantity";
const LEGACY_HASHED: usize = 8;

/// How many rows were read and their fingerprint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsageRead {
    /// Rows read.
    pub records: u64,
    /// Fingerprint of their stored text, in order (16 hex digits; empty when no row).
    pub fingerprint: String,
}

impl UsageRead {
    fn of(f: &Fingerprint) -> Self {
        Self {
            records: f.rows(),
            fingerprint: if f.rows() == 0 {
                String::new()
            } else {
                f.hex()
            },
        }
    }
}

/// One customer-period's rating inputs as they are now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeriodInputs {
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Azure plan daily usage.
    pub azure_plan: UsageRead,
    /// Legacy utilization.
    pub legacy: UsageRead,
    /// The currency of the customer's latest legacy invoice lines: the rate card its legacy
    /// usage is priced from (`None` until a legacy invoice of the customer is read).
    pub legacy_currency: Option<String>,
}

/// One Azure plan daily usage record, as rating needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AzurePlanUsage {
    /// Invoice id or `unbilled:YYYY-MM:CUR`.
    pub source: String,
    /// The Azure plan (Partner Center subscription).
    pub subscription_id: String,
    /// The Azure subscription.
    pub entitlement_id: String,
    /// Meter id as sent.
    pub meter_id: String,
    /// Meter name.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Resource.
    pub resource_uri: Option<String>,
    /// Units.
    pub quantity: Decimal,
    /// Billing currency.
    pub billing_currency: String,
    /// `pcToBCExchangeRate`.
    pub pc_to_bc_exchange_rate: Option<Decimal>,
    /// Partner earned credit as a fraction (`rateOfPartnerEarnedCredit`; 0 = none).
    pub partner_earned_credit_rate: Decimal,
}

/// One legacy (0145P) utilization record, as rating needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LegacyUsage {
    /// The legacy subscription (Partner Center).
    pub subscription_id: String,
    /// Its Azure subscription id (the subscription id when unknown).
    pub entitlement_id: String,
    /// Meter id as sent.
    pub meter_id: String,
    /// Meter name.
    pub meter_name: Option<String>,
    /// Meter category.
    pub meter_category: Option<String>,
    /// Usage day.
    pub usage_date: NaiveDate,
    /// Resource.
    pub resource_uri: Option<String>,
    /// Units.
    pub quantity: Decimal,
}

/// Hashes the first `columns` of `row` as their stored text; `scaled` is the column read
/// from a usage decimal (0025 stores it as a scaled integer: hashed as its text).
fn hash_row(
    f: &mut Fingerprint,
    row: &Row<'_>,
    columns: usize,
    scaled: Option<usize>,
) -> rusqlite::Result<()> {
    for i in 0..columns {
        if Some(i) == scaled {
            f.field(Some(&row.get::<_, UsageDecimalText>(i)?.0));
            continue;
        }
        match row.get_ref(i)? {
            ValueRef::Null => f.field(None),
            ValueRef::Integer(n) => f.field(Some(&n.to_string())),
            ValueRef::Real(x) => f.field(Some(&x.to_string())),
            ValueRef::Text(t) | ValueRef::Blob(t) => f.field(Some(&String::from_utf8_lossy(t))),
        }
    }
    f.end_row();
    Ok(())
}

fn date(text: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10).unwrap_or(text), "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// Every customer-period with usage of `account_id` (all periods, or only `period`), with
/// the fingerprints of its rows, by customer and period.
pub fn period_inputs(
    db: &Database,
    account_id: &str,
    period: Option<&str>,
) -> Result<Vec<PeriodInputs>> {
    let (from, to) = match period {
        Some(p) => month_bounds(p)?,
        None => (String::new(), "9999".to_string()),
    };
    let mut out: BTreeMap<(String, String), PeriodInputs> = BTreeMap::new();
    let conn = db.conn();

    let azure = format!(
        "SELECT {AZURE_PLAN_COLUMNS}, j.customer_id, substr({USAGE_DATE}, 1, 7)
         FROM {USAGE_FROM}
         WHERE s.account_id = ?1 AND j.account_id = s.account_id AND f.day >= ?2 AND f.day < ?3
           AND {COUNTED}
         ORDER BY {USAGE_ORDER}"
    );
    let (from_day, to_day) = day_range(&from, &to);
    let legacy = format!(
        "SELECT {LEGACY_COLUMNS}, s.customer_id, substr(u.usage_start, 1, 7)
         FROM utilization_records u
         JOIN subscriptions s ON s.account_id = u.account_id AND s.id = u.subscription_id
         WHERE u.account_id = ?1 AND u.usage_start >= ?2 AND u.usage_start < ?3
         ORDER BY s.customer_id, substr(u.usage_start, 1, 10), u.subscription_id, u.rowid"
    );
    for (sql, hashed, kind_is_azure) in [
        (azure, AZURE_PLAN_HASHED, true),
        (legacy, LEGACY_HASHED, false),
    ] {
        let scaled = kind_is_azure.then_some(AZURE_PLAN_QUANTITY);
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = if kind_is_azure {
            stmt.query(params![account_id, from_day, to_day])?
        } else {
            stmt.query(params![account_id, from, to])?
        };
        let mut current: Option<((String, String), Fingerprint)> = None;
        let mut flush = |key: (String, String), f: Fingerprint| {
            let entry = out.entry(key.clone()).or_insert_with(|| PeriodInputs {
                customer_id: key.0,
                period: key.1,
                ..PeriodInputs::default()
            });
            if kind_is_azure {
                entry.azure_plan = UsageRead::of(&f);
            } else {
                entry.legacy = UsageRead::of(&f);
            }
        };
        while let Some(row) = rows.next()? {
            let customer: String = row.get(hashed)?;
            let month: String = row.get(hashed + 1)?;
            let same = matches!(&current, Some(((c, m), _)) if *c == customer && *m == month);
            if !same {
                if let Some((key, f)) = current.take() {
                    flush(key, f);
                }
                current = Some(((customer, month), Fingerprint::default()));
            }
            if let Some((_, f)) = current.as_mut() {
                hash_row(f, row, hashed, scaled)?;
            }
        }
        if let Some((key, f)) = current.take() {
            flush(key, f);
        }
    }

    let currencies = legacy_currencies(db, account_id)?;
    Ok(out
        .into_values()
        .map(|mut p| {
            if p.legacy.records > 0 {
                p.legacy_currency = currencies.get(&p.customer_id).cloned();
            }
            p
        })
        .collect())
}

/// Each customer's currency on its latest legacy invoice.
pub(super) fn legacy_currencies(
    db: &Database,
    account_id: &str,
) -> Result<BTreeMap<String, String>> {
    let mut stmt = db.conn().prepare(
        "SELECT l.customer_id, l.currency, max(coalesce(i.billing_period_start, ''))
         FROM legacy_line_items l
         JOIN invoices i ON i.account_id = l.account_id AND i.id = l.invoice_id
         WHERE l.account_id = ?1 AND l.customer_id IS NOT NULL AND l.currency IS NOT NULL
         GROUP BY l.customer_id",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One customer-period's Azure plan daily usage in the order rating reads it (usage day,
/// then as stored), with the fingerprint of these rows.
pub fn azure_plan_usage(
    db: &Database,
    account_id: &str,
    customer_id: &str,
    period: &str,
) -> Result<(Vec<AzurePlanUsage>, UsageRead)> {
    let (from, to) = month_bounds(period)?;
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {AZURE_PLAN_COLUMNS}
         FROM {USAGE_FROM}
         WHERE s.account_id = ?1 AND j.account_id = s.account_id AND j.customer_id = ?2
           AND f.day >= ?3 AND f.day < ?4 AND {COUNTED}
         ORDER BY {USAGE_ORDER}"
    ))?;
    let (from, to) = day_range(&from, &to);
    let mut f = Fingerprint::default();
    let mut out = Vec::new();
    let mut rows = stmt.query(params![account_id, customer_id, from, to])?;
    while let Some(r) = rows.next()? {
        hash_row(&mut f, r, AZURE_PLAN_HASHED, Some(AZURE_PLAN_QUANTITY))?;
        out.push(AzurePlanUsage {
            source: r.get(0)?,
            subscription_id: r.get(1)?,
            entitlement_id: r.get(2)?,
            meter_id: r.get(3)?,
            meter_name: r.get(4)?,
            meter_category: r.get(5)?,
            usage_date: date(&r.get::<_, String>(6)?)?,
            resource_uri: r.get(7)?,
            quantity: r.get::<_, UsageDecimal>(AZURE_PLAN_QUANTITY)?.0,
            billing_currency: r.get(9)?,
            pc_to_bc_exchange_rate: dec_opt(r.get(10)?),
            partner_earned_credit_rate: r.get::<_, Dec>(11)?.0,
        });
    }
    Ok((out, UsageRead::of(&f)))
}

/// One customer-period's legacy utilization in the order rating reads it (usage day, then
/// as stored), with the fingerprint of these rows.
pub fn legacy_usage(
    db: &Database,
    account_id: &str,
    customer_id: &str,
    period: &str,
) -> Result<(Vec<LegacyUsage>, UsageRead)> {
    let (from, to) = month_bounds(period)?;
    let mut stmt = db.conn().prepare_cached(&format!(
        "SELECT {LEGACY_COLUMNS}
         FROM utilization_records u
         JOIN subscriptions s ON s.account_id = u.account_id AND s.id = u.subscription_id
         WHERE u.account_id = ?1
           AND u.subscription_id IN (SELECT id FROM subscriptions WHERE account_id = ?1 AND customer_id = ?2)
           AND u.usage_start >= ?3 AND u.usage_start < ?4
         ORDER BY substr(u.usage_start, 1, 10), u.subscription_id, u.rowid"
    ))?;
    let mut f = Fingerprint::default();
    let mut out = Vec::new();
    let mut rows = stmt.query(params![account_id, customer_id, from, to])?;
    while let Some(r) = rows.next()? {
        hash_row(&mut f, r, LEGACY_HASHED, None)?;
        out.push(LegacyUsage {
            subscription_id: r.get(0)?,
            entitlement_id: r.get(1)?,
            meter_id: r.get(2)?,
            meter_name: r.get(3)?,
            meter_category: r.get(4)?,
            usage_date: date(&r.get::<_, String>(5)?)?,
            resource_uri: r.get(6)?,
            quantity: r.get::<_, Dec>(7)?.0,
        });
    }
    Ok((out, UsageRead::of(&f)))
}

/// A stored rate card as plain rows: the shape of `cspdesk_rating::price::RateCard`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRateCard {
    /// Currency of every rate.
    pub currency: String,
    /// Locale it was read in.
    pub locale: Option<String>,
    /// `isTaxIncluded`.
    pub tax_included: bool,
    /// When Discovery read it (RFC 3339).
    pub fetched_at: String,
    /// Meters by id.
    pub meters: Vec<StoredMeter>,
    /// Offer terms.
    pub offer_terms: Vec<StoredOfferTerm>,
    /// The offer terms' stored JSON (to write the card back unchanged).
    pub offer_terms_json: String,
    /// Fingerprint of everything that prices usage (meters, rates, included quantities,
    /// effective dates, offer terms).
    pub fingerprint: String,
}

/// One meter of a stored rate card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMeter {
    /// Meter id as sent.
    pub meter_id: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Option<String>,
    /// Subcategory.
    pub subcategory: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Unit.
    pub unit: Option<String>,
    /// Free units per period.
    pub included_quantity: Option<Decimal>,
    /// `effectiveDate` as sent.
    pub effective_date: Option<String>,
    /// `(threshold, unit rate)` pairs by threshold.
    pub rates: Vec<(Decimal, Decimal)>,
    /// The rates' stored JSON.
    pub rates_json: String,
}

/// One offer term of a stored rate card.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOfferTerm {
    /// Name.
    pub name: String,
    /// Fraction off.
    pub discount: Decimal,
    /// Meters it does not apply to.
    pub excluded_meter_ids: Vec<String>,
    /// `effectiveDate` as sent.
    pub effective_date: Option<String>,
}

fn json_decimal(v: &serde_json::Value, what: &str) -> Result<Decimal> {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        other => other.to_string(),
    };
    Decimal::from_str(text.trim()).map_err(|_| Error::BadMoney {
        value: format!("{what}: {text}"),
    })
}

fn parse_rates(json: &str) -> Result<Vec<(Decimal, Decimal)>> {
    let map: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|_| Error::BadMoney {
            value: json.to_string(),
        })?;
    let mut rates = map
        .iter()
        .map(|(k, v)| {
            Ok((
                json_decimal(&serde_json::Value::String(k.clone()), "rate threshold")?,
                json_decimal(v, "rate")?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    rates.sort_by_key(|r| r.0);
    Ok(rates)
}

fn parse_terms(json: &str) -> Result<Vec<StoredOfferTerm>> {
    let bad = || Error::BadMoney {
        value: json.to_string(),
    };
    let items: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|_| bad())?;
    items
        .iter()
        .map(|t| {
            Ok(StoredOfferTerm {
                name: t["name"].as_str().unwrap_or_default().to_string(),
                discount: json_decimal(&t["discount"], "offer term discount")?,
                excluded_meter_ids: t["excludedMeterIds"]
                    .as_array()
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|i| i.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
                effective_date: t["effectiveDate"].as_str().map(str::to_string),
            })
        })
        .collect()
}

/// Every stored rate card of `account_id`, by currency, meters by id.
pub fn rate_cards(db: &Database, account_id: &str) -> Result<Vec<StoredRateCard>> {
    let conn = db.conn();
    let mut cards = conn
        .prepare(
            "SELECT currency, locale, tax_included, fetched_at, offer_terms FROM rate_cards
             WHERE account_id = ?1 ORDER BY currency",
        )?
        .query_map([account_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .map(|(currency, locale, tax_included, fetched_at, terms)| {
            Ok(StoredRateCard {
                offer_terms: parse_terms(&terms)?,
                offer_terms_json: terms,
                currency,
                locale,
                tax_included,
                fetched_at,
                meters: Vec::new(),
                fingerprint: String::new(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT meter_id, name, category, subcategory, region, unit, included_quantity,
                effective_date, rates
         FROM rate_card_meters WHERE account_id = ?1 AND currency = ?2 ORDER BY meter_id",
    )?;
    for card in &mut cards {
        let mut f = Fingerprint::default();
        f.field(Some(&card.currency));
        f.field(Some(&card.offer_terms_json));
        f.end_row();
        let mut rows = stmt.query(params![account_id, card.currency])?;
        while let Some(r) = rows.next()? {
            let rates_json: String = r.get(8)?;
            let meter = StoredMeter {
                meter_id: r.get(0)?,
                name: r.get(1)?,
                category: r.get(2)?,
                subcategory: r.get(3)?,
                region: r.get(4)?,
                unit: r.get(5)?,
                included_quantity: dec_opt(r.get(6)?),
                effective_date: r.get(7)?,
                rates: parse_rates(&rates_json)?,
                rates_json,
            };
            f.field(Some(&meter.meter_id));
            f.field(meter.included_quantity.map(|q| q.to_string()).as_deref());
            f.field(meter.effective_date.as_deref());
            f.field(Some(&meter.rates_json));
            f.end_row();
            card.meters.push(meter);
        }
        card.fingerprint = f.hex();
    }
    Ok(cards)
}
