//! Rating and reconciliation as the app and `cspdesk rate` / `cspdesk reconcile` see them:
//! our own figures for the usage Discovery imported, rated incrementally (only the
//! customer-periods whose usage, prices or rules changed), and compared per customer with
//! the invoice's daily rated usage, the difference split into causes.
//!
//! # What is rated, with which prices
//! - **Azure plan** usage: the quantities of `daily_usage`, priced with the partner's USD
//!   rate card (the Azure plan list prices; no offer discount), partner earned credit from
//!   each row's `hasPartnerEarnedCredit`, FX from each row's `pcToBCExchangeRate`.
//! - **Legacy (0145P)** usage: `utilization_records`, priced with the rate card in the
//!   customer's currency (the currency of its legacy invoice lines) less the card's offer
//!   discount, no credit, no FX.
//!
//! The stored rate card is the one Discovery read last; its `effectiveDate`s (meters and
//! offer terms) are those of the day it was read, and no older card is kept, so the card is
//! taken as in effect for every period. Prices that changed since an earlier period are
//! therefore not known: reconciliation then shows them as a price mismatch.
//!
//! # Microsoft's rule for an Azure plan record
//! [`cspdesk_rating::rate::rate`] applies it (its module docs write the rounding down): tiers
//! accumulate per Azure plan + meter over the billing month, the included quantity first;
//! records are taken by usage day, then in the order the invoice lists them (the order
//! `daily_usage` is read in), each at its own positions; `EUP` is rounded half away from zero
//! to 6 decimals, then `billingPreTaxTotal = FLOOR(EUP × q × FX, 2)` and
//! `pricingPreTaxTotal = FLOOR(EUP × q, 2)`. Here the records of a customer-period become one
//! series per Azure plan + meter, rated with the month's one exchange rate (a series whose
//! records carry two rates is refused), and the crate's `reconcile` does the comparison.
//!
//! A stored line adds up one day's records of one Azure subscription and meter (one per
//! resource); its billing total is the sum of the records' floored totals, so it adds up
//! like the invoice.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use cspdesk_rating::period::BillingPeriod;
use cspdesk_rating::price::{
    normalize_meter_id, OfferTerm, PriceBook, PriceOrigin, RateCard, RateCardMeter,
};
use cspdesk_rating::rate::{
    rate as rate_series, DailyUsage, Fx, RateError, RatedLine, RatingTerms, UsageSeries,
};
use cspdesk_rating::reconcile::{reconcile as reconcile_lines, Cause, InvoiceUsageLine};
use cspdesk_rating::tiers::{Tier, TierTable};
use cspdesk_store::rated::{
    self, AzurePlanUsage, LegacyUsage, PeriodInputs, RatedLineRow, RatingState, RatingStateRow,
    StoredRateCard, StoredRatedLine, UsageKind, UsageRead,
};
use cspdesk_store::{accounts, discovered, Database, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::shared::amount_text::{amount, cents as money};
use crate::{ApiError, ErrorCode};

/// Version of the rating rules below. Stored with each customer-period; raising it makes
/// the next `rate` rate everything again.
pub const RATING_RULES: i64 = 2;

/// The currency Azure plan prices are in.
const AZURE_PLAN_PRICING: &str = "USD";

/// How many differing lines a reconciliation lists (the largest first).
const LISTED_DIFFERENCES: usize = 20;

// ---------------------------------------------------------------------------------------
// DTOs

/// What one `rate` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RateSummaryDto {
    /// The customer-periods rated (or refused) this time, by account, customer and period.
    pub periods: Vec<RatedPeriodDto>,
    /// Customer-periods rated.
    pub rated: u32,
    /// Customer-periods that could not be rated (each says why).
    pub refused: u32,
    /// Customer-periods left as they were: nothing they depend on changed.
    pub unchanged: u32,
    /// Customer-periods whose usage is gone, removed with their lines.
    pub removed: u32,
    /// Rated lines written.
    pub lines_written: u64,
}

/// One customer-period rated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatedPeriodDto {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Customer id.
    pub customer_id: String,
    /// Company name, when discovered.
    pub customer_name: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    /// Usage records read.
    pub usage_records: u64,
    /// Lines written.
    pub lines: u32,
    /// Billing currency of the cost.
    pub currency: Option<String>,
    /// Rated cost, a decimal string.
    pub cost: Option<String>,
    /// Why it could not be rated (then it has no lines).
    pub refused: Option<String>,
}

/// One customer's reconciliation for a period: our rated Azure plan cost against the
/// invoice's daily rated usage. Legacy (0145P) usage has no daily rated usage on the invoice
/// and takes no part; a customer with legacy usage only is refused with that reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationDto {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Customer id.
    pub customer: String,
    /// Company name, when discovered.
    pub customer_name: Option<String>,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: Option<String>,
    /// `billed` (the invoice), `unbilled` (the open period's usage so far) or `mixed`.
    pub invoice_state: Option<String>,
    /// Our rated cost (sum of our lines' billing totals), when we have lines.
    pub rated: Option<String>,
    /// The invoice's daily rated usage (sum of `billingPreTaxTotal`), when it has lines.
    pub invoiced: Option<String>,
    /// `invoiced − rated`; absent when refused.
    pub difference: Option<String>,
    /// The difference per cause (`missingUsage`, `lateUsage`, `tierBoundary`,
    /// `priceMismatch`, `partnerEarnedCredit`, `fx`, `rounding`); causes of zero are left out.
    pub causes: BTreeMap<String, String>,
    /// What the invoice's own lines do not account for by Microsoft's documented formula;
    /// absent when refused.
    pub unexplained: Option<String>,
    /// Why there is no figure: one side has no data, or the customer could not be rated.
    pub refused: Option<String>,
    /// Lines (Azure subscription, meter, day) compared.
    pub lines_compared: u32,
    /// Of those, lines equal to the cent.
    pub lines_matched: u32,
    /// The lines that differ, largest difference first (at most 20).
    pub differences: Vec<ReconciliationLineDto>,
}

/// One line (Azure plan, Azure subscription, meter, day) that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationLineDto {
    /// Azure plan.
    pub subscription_id: String,
    /// Azure subscription.
    pub entitlement_id: String,
    /// Meter id.
    pub meter_id: String,
    /// Usage day, `YYYY-MM-DD`.
    pub usage_date: String,
    /// Ours.
    pub rated: String,
    /// The invoice's.
    pub invoiced: String,
    /// `invoiced − rated`.
    pub difference: String,
    /// Per cause, zeros left out.
    pub causes: BTreeMap<String, String>,
    /// Not accounted for by the invoice's own figures.
    pub unexplained: String,
}

/// A billing period the Reconciliation page can open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeriodDto {
    /// `YYYY-MM`.
    pub period: String,
    /// Customers rated in it.
    pub rated: u32,
    /// Customers whose usage could not be rated.
    pub refused: u32,
    /// Whether its invoice is stored (else it is the open period, compared with unbilled
    /// usage).
    pub invoiced: bool,
}

/// One period's reconciliation as the Reconciliation page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PeriodReconciliationDto {
    /// `YYYY-MM`.
    pub period: String,
    /// One per customer, by account then company name.
    pub customers: Vec<ReconciliationDto>,
    /// The customers compared (not refused), added up per billing currency.
    pub totals: Vec<ReconciliationTotalDto>,
}

/// Compared customers of one billing currency, added up exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReconciliationTotalDto {
    /// Billing currency.
    pub currency: String,
    /// Customers compared.
    pub customers: u32,
    /// Of those, equal to the cent.
    pub matched: u32,
    /// Σ rated.
    pub rated: String,
    /// Σ invoiced.
    pub invoiced: String,
    /// Σ difference.
    pub difference: String,
    /// Σ per cause, zeros left out.
    pub causes: BTreeMap<String, String>,
    /// Σ unexplained.
    pub unexplained: String,
}

/// [`reconcile`] of every account with the totals per currency.
pub fn reconcile_period(db: &Database, period: &str) -> Result<PeriodReconciliationDto, ApiError> {
    let customers = reconcile(db, period, None)?;
    let parse = |t: &Option<String>| t.as_deref().map_or(Decimal::ZERO, amount);
    type Sums = (
        u32,
        u32,
        Decimal,
        Decimal,
        Decimal,
        Decimal,
        BTreeMap<String, Decimal>,
    );
    let mut by_currency: BTreeMap<String, Sums> = BTreeMap::new();
    for c in customers.iter().filter(|c| c.refused.is_none()) {
        let e = by_currency
            .entry(c.currency.clone().unwrap_or_default())
            .or_default();
        let difference = parse(&c.difference);
        e.0 += 1;
        e.1 += u32::from(difference.is_zero());
        e.2 += parse(&c.rated);
        e.3 += parse(&c.invoiced);
        e.4 += difference;
        e.5 += parse(&c.unexplained);
        for (cause, text) in &c.causes {
            *e.6.entry(cause.clone()).or_default() += amount(text);
        }
    }
    let totals = by_currency
        .into_iter()
        .map(
            |(currency, (n, matched, rated, invoiced, difference, unexplained, causes))| {
                ReconciliationTotalDto {
                    currency,
                    customers: n,
                    matched,
                    rated: money(rated),
                    invoiced: money(invoiced),
                    difference: money(difference),
                    causes: causes_map(
                        causes
                            .into_iter()
                            .filter_map(|(k, v)| cause_of(&k).map(|c| (c, v))),
                    ),
                    unexplained: money(unexplained),
                }
            },
        )
        .collect();
    Ok(PeriodReconciliationDto {
        period: period_text(&parse_period(period)?),
        customers,
        totals,
    })
}

fn cause_of(name: &str) -> Option<Cause> {
    Cause::ALL.into_iter().find(|c| cause_name(*c) == name)
}

/// Every period with rated usage or an invoice, newest first.
pub fn periods(db: &Database) -> Result<Vec<PeriodDto>, ApiError> {
    Ok(rated::periods(db, None)?
        .into_iter()
        .map(|p| PeriodDto {
            period: p.period,
            rated: p.rated,
            refused: p.refused,
            invoiced: p.invoiced,
        })
        .collect())
}

/// A customer's rated cost in a period (the Customers page's month-to-date cost).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CustomerCostDto {
    /// Partner account id.
    pub account_id: String,
    /// Customer id.
    pub customer_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Azure plan + legacy, a decimal string.
    pub cost: String,
    /// Azure plan part.
    pub azure_plan: String,
    /// Legacy part.
    pub legacy: String,
    /// Rated lines.
    pub lines: u32,
    /// When last rated (RFC 3339).
    pub rated_at: String,
}

// ---------------------------------------------------------------------------------------
// Periods

/// Reads a billing period written `YYYY-MM`.
pub fn parse_period(text: &str) -> Result<BillingPeriod, ApiError> {
    let bad = || {
        ApiError::new(
            ErrorCode::Validation,
            format!("{text:?} is not a billing period: write the month as YYYY-MM, e.g. 2026-10"),
            Some("period"),
        )
    };
    let t = text.trim();
    let (y, m) = t.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    BillingPeriod::calendar_month(year, month).map_err(|_| bad())
}

/// `YYYY-MM` of a period.
pub fn period_text(period: &BillingPeriod) -> String {
    period.start().format("%Y-%m").to_string()
}

// ---------------------------------------------------------------------------------------
// Prices

/// A rate card's prices as a price book, with the meters whose tiers are unusable.
pub struct CardPrices {
    /// The book (one entry per meter; offer discount when asked for).
    pub book: PriceBook,
    /// Meter id (lower case) → why it has no price.
    pub invalid: BTreeMap<String, String>,
    /// The card's currency.
    pub currency: String,
    /// The card's fingerprint.
    pub fingerprint: String,
}

/// Turns a stored card into prices. Effective dates are dropped (see the module docs);
/// `with_offer_terms` applies the card's offer discount (legacy), never for the Azure plan.
pub fn card_prices(card: &StoredRateCard, with_offer_terms: bool) -> CardPrices {
    let mut invalid = BTreeMap::new();
    let mut meters = Vec::with_capacity(card.meters.len());
    for m in &card.meters {
        let rates: Vec<Tier> = m.rates.iter().map(|(t, p)| Tier::new(*t, *p)).collect();
        let included = m.included_quantity.unwrap_or(Decimal::ZERO);
        match TierTable::new(rates.clone(), included) {
            Ok(_) => meters.push(RateCardMeter {
                id: m.meter_id.clone(),
                rates,
                tags: Vec::new(),
                included_quantity: included,
                effective_date: None,
            }),
            Err(e) => {
                invalid.insert(
                    normalize_meter_id(&m.meter_id),
                    format!(
                        "the {} rate card's meter {} is unusable: {e}",
                        card.currency, m.meter_id
                    ),
                );
            }
        }
    }
    let offer_terms = if with_offer_terms {
        card.offer_terms
            .iter()
            .map(|t| OfferTerm {
                name: t.name.clone(),
                discount: t.discount,
                excluded_meter_ids: t.excluded_meter_ids.clone(),
                effective_date: None,
            })
            .collect()
    } else {
        Vec::new()
    };
    let rate_card = RateCard {
        currency: card.currency.clone(),
        meters,
        offer_terms,
    };
    let book = match rate_card.entries() {
        Ok(entries) => PriceBook::from_entries(entries).unwrap_or_else(|e| {
            invalid.insert(String::new(), e.to_string());
            PriceBook::new()
        }),
        Err(e) => {
            // Only an offer discount outside 0–1 fails here: no meter of the card is priced.
            invalid.insert(
                String::new(),
                format!("the {} rate card: {e}", card.currency),
            );
            PriceBook::new()
        }
    };
    CardPrices {
        book,
        invalid,
        currency: card.currency.trim().to_ascii_uppercase(),
        fingerprint: card.fingerprint.clone(),
    }
}

/// The Azure plan prices of `account_id` (its USD rate card, no offer discount, under its
/// imported price sheets), if any.
pub fn azure_plan_prices(db: &Database, account_id: &str) -> Result<Option<CardPrices>, ApiError> {
    Ok(Books::load(db, account_id)?.azure_plan)
}

/// A card's prices with the imported sheets' entries added: a sheet's price wins over the
/// card's where both are in effect ([`PriceOrigin`]'s order).
fn with_sheets(
    mut prices: CardPrices,
    sheets: &[cspdesk_rating::price::PriceEntry],
    sheets_print: &str,
) -> CardPrices {
    if sheets.is_empty() {
        return prices;
    }
    // Conflicts were refused at import; sheets never conflict with a card (other origin).
    if let Err(e) = prices.book.add(sheets.iter().cloned()) {
        prices.invalid.insert(String::new(), e.to_string());
    }
    prices.fingerprint = format!("{}+{sheets_print}", prices.fingerprint);
    prices
}

struct Books {
    azure_plan: Option<CardPrices>,
    legacy: HashMap<String, CardPrices>,
}

impl Books {
    fn load(db: &Database, account_id: &str) -> Result<Self, ApiError> {
        let cards = rated::rate_cards(db, account_id)?;
        let sheets = crate::rating::price_sheets::stored_entries(db, account_id)?;
        let print = crate::rating::price_sheets::fingerprint(db, account_id)?;
        let azure_plan = cards
            .iter()
            .find(|c| c.currency.eq_ignore_ascii_case(AZURE_PLAN_PRICING))
            .map(|c| card_prices(c, false))
            .or_else(|| {
                // Without the card, imported USD prices alone can rate the Azure plan.
                sheets
                    .iter()
                    .any(|e| e.currency.eq_ignore_ascii_case(AZURE_PLAN_PRICING))
                    .then(|| CardPrices {
                        book: PriceBook::new(),
                        invalid: BTreeMap::new(),
                        currency: AZURE_PLAN_PRICING.to_string(),
                        fingerprint: "no-card".into(),
                    })
            })
            .map(|p| with_sheets(p, &sheets, &print));
        Ok(Self {
            azure_plan,
            legacy: cards
                .iter()
                .map(|c| {
                    (
                        c.currency.trim().to_ascii_uppercase(),
                        with_sheets(card_prices(c, true), &sheets, &print),
                    )
                })
                .collect(),
        })
    }

    /// The cards a customer-period depends on: (currencies, fingerprints).
    fn used(&self, inputs: &PeriodInputs) -> (String, String) {
        let mut currencies = Vec::new();
        let mut prints = Vec::new();
        if inputs.azure_plan.records > 0 {
            currencies.push(AZURE_PLAN_PRICING.to_string());
            prints.push(
                self.azure_plan
                    .as_ref()
                    .map_or("none".to_string(), |c| c.fingerprint.clone()),
            );
        }
        if inputs.legacy.records > 0 {
            let cur = inputs
                .legacy_currency
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase())
                .unwrap_or_else(|| "?".into());
            prints.push(
                self.legacy
                    .get(&cur)
                    .map_or("none".to_string(), |c| c.fingerprint.clone()),
            );
            currencies.push(cur);
        }
        (currencies.join(","), prints.join(","))
    }
}

fn usage_fingerprint(azure: &UsageRead, legacy: &UsageRead) -> String {
    format!("{}/{}", azure.fingerprint, legacy.fingerprint)
}

// ---------------------------------------------------------------------------------------
// Rating one customer-period

/// One line being added up.
struct Acc {
    kind: UsageKind,
    meter_name: Option<String>,
    meter_category: Option<String>,
    records: u32,
    quantity: Decimal,
    /// Σ tiered cost × (1 − discount): list price, before credit.
    list: Decimal,
    /// Σ quantity × (1 − credit).
    kept_quantity: Decimal,
    /// Σ EUP × quantity (pricing currency, before the floor).
    net: Decimal,
    pricing_total: Decimal,
    billing_total: Decimal,
    discount: Decimal,
    fx: Decimal,
    pricing_currency: String,
    billing_currency: String,
    origin: PriceOrigin,
}

type LineKey = (String, String, String, NaiveDate);

fn to_rows(lines: BTreeMap<LineKey, Acc>) -> Vec<RatedLineRow> {
    lines
        .into_iter()
        .map(
            |((subscription_id, entitlement_id, meter_id, usage_date), a)| {
                let per_unit = |x: Decimal| {
                    if a.quantity.is_zero() {
                        Decimal::ZERO
                    } else {
                        (x / a.quantity).normalize()
                    }
                };
                let credit = if a.quantity.is_zero() {
                    Decimal::ZERO
                } else {
                    (Decimal::ONE - a.kept_quantity / a.quantity).normalize()
                };
                RatedLineRow {
                    subscription_id,
                    entitlement_id,
                    meter_id,
                    usage_date,
                    usage_kind: a.kind,
                    meter_name: a.meter_name,
                    meter_category: a.meter_category,
                    records: a.records,
                    quantity: a.quantity.normalize(),
                    unit_price: per_unit(a.list),
                    effective_unit_price: per_unit(a.net),
                    credit_rate: credit,
                    discount: a.discount.normalize(),
                    fx_rate: a.fx.normalize(),
                    pricing_currency: a.pricing_currency,
                    pricing_total: Money::new(a.pricing_total),
                    billing_pre_tax_total: Money::new(a.billing_total),
                    billing_currency: a.billing_currency,
                    price_origin: origin_text(a.origin),
                }
            },
        )
        .collect()
}

fn origin_text(origin: PriceOrigin) -> String {
    serde_json::to_value(origin)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{origin:?}"))
}

fn no_price(prices: &CardPrices, meter: &str, date: NaiveDate) -> String {
    prices
        .invalid
        .get(meter)
        .or_else(|| prices.invalid.get(""))
        .cloned()
        .unwrap_or_else(|| {
            format!(
                "no price for meter {meter} on {date}: the {} rate card does not list it",
                prices.currency
            )
        })
}

/// The exchange rate of one record: its `pcToBCExchangeRate`, or 1 when billed in USD.
fn record_fx(u: &AzurePlanUsage, meter: &str) -> Result<Decimal, String> {
    match u.pc_to_bc_exchange_rate {
        Some(x) if x > Decimal::ZERO => Ok(x),
        _ if u.billing_currency.eq_ignore_ascii_case(AZURE_PLAN_PRICING) => Ok(Decimal::ONE),
        _ => Err(format!(
            "usage of {} on meter {meter} billed in {} has no exchange rate",
            u.usage_date, u.billing_currency
        )),
    }
}

/// The one exchange rate of a series' records (Microsoft applies one per month).
fn series_fx(records: &[&AzurePlanUsage], meter: &str) -> Result<Fx, String> {
    let first = records.first().ok_or("a series without usage")?;
    let rate = record_fx(first, meter)?;
    for u in records {
        let other = record_fx(u, meter)?;
        if other != rate
            || !u
                .billing_currency
                .eq_ignore_ascii_case(&first.billing_currency)
        {
            return Err(format!(
                "usage of meter {meter} under Azure plan {} is billed at two exchange rates ({rate} {} and {other} {}) in one month: run Discovery again to read the period whole",
                u.subscription_id, first.billing_currency, u.billing_currency
            ));
        }
    }
    Fx::new(AZURE_PLAN_PRICING, &first.billing_currency, rate).map_err(|e| e.to_string())
}

/// Rates one customer-period's Azure plan records (see the module docs), or says why not.
/// `usage` is in the order it was read: usage day, then the invoice's order.
pub fn rate_azure_plan(
    customer_id: &str,
    usage: &[AzurePlanUsage],
    prices: &CardPrices,
    period: &BillingPeriod,
) -> Result<Vec<RatedLineRow>, String> {
    let mut series: BTreeMap<(&str, String), Vec<&AzurePlanUsage>> = BTreeMap::new();
    for u in usage {
        series
            .entry((&u.subscription_id, normalize_meter_id(&u.meter_id)))
            .or_default()
            .push(u);
    }
    let mut lines: BTreeMap<LineKey, Acc> = BTreeMap::new();
    for ((plan, meter), records) in series {
        let fx = series_fx(&records, &meter)?;
        let s = UsageSeries {
            customer_id: customer_id.to_string(),
            subscription_id: plan.to_string(),
            meter_id: meter.clone(),
            meter_category: records[0].meter_category.clone(),
            usage: records
                .iter()
                .map(|u| DailyUsage {
                    date: u.usage_date,
                    entitlement_id: u.entitlement_id.clone(),
                    resource_uri: u.resource_uri.clone(),
                    quantity: u.quantity,
                    partner_earned_credit: u.partner_earned_credit,
                })
                .collect(),
        };
        let rated =
            rate_series(&s, &prices.book, &RatingTerms::new(*period, fx)).map_err(|e| match e {
                RateError::NoPrice { meter_id, date, .. } => no_price(prices, &meter_id, date),
                RateError::OutsidePeriod { date, .. } => {
                    format!("usage of {date} is outside the period {period}")
                }
                other => other.to_string(),
            })?;
        for (u, l) in records.iter().zip(rated) {
            let a = lines
                .entry((
                    l.subscription_id.clone(),
                    l.entitlement_id.clone(),
                    l.meter_id.clone(),
                    l.usage_date,
                ))
                .or_insert_with(|| Acc {
                    kind: UsageKind::AzurePlan,
                    meter_name: u.meter_name.clone(),
                    meter_category: u.meter_category.clone(),
                    records: 0,
                    quantity: Decimal::ZERO,
                    list: Decimal::ZERO,
                    kept_quantity: Decimal::ZERO,
                    net: Decimal::ZERO,
                    pricing_total: Decimal::ZERO,
                    billing_total: Decimal::ZERO,
                    discount: l.discount,
                    fx: l.fx_rate,
                    pricing_currency: l.pricing_currency.clone(),
                    billing_currency: l.billing_currency.clone(),
                    origin: prices
                        .book
                        .entry_on(&l.meter_id, l.usage_date, AZURE_PLAN_PRICING)
                        .map_or(PriceOrigin::RateCard, |e| e.origin),
                });
            a.records += 1;
            a.quantity += l.quantity;
            a.list += l.list_cost;
            a.kept_quantity += l.quantity * (Decimal::ONE - l.partner_earned_credit_rate);
            a.net += l.pricing_amount;
            a.pricing_total += l.pricing_pre_tax_total;
            a.billing_total += l.billing_pre_tax_total;
        }
    }
    Ok(to_rows(lines))
}

/// Rates one customer-period's legacy records with the card of the customer's currency, or
/// says why not. Tiers accumulate per legacy subscription + meter over the month; totals
/// keep full precision (the legacy invoice floors the month per subscription and meter).
pub fn rate_legacy(
    usage: &[LegacyUsage],
    prices: &CardPrices,
    period: &BillingPeriod,
) -> Result<Vec<RatedLineRow>, String> {
    let mut before: HashMap<(String, String), Decimal> = HashMap::new();
    let mut lines: BTreeMap<LineKey, Acc> = BTreeMap::new();
    let mut order: Vec<&LegacyUsage> = usage.iter().collect();
    order.sort_by_key(|u| u.usage_date);
    for u in order {
        if !period.contains(u.usage_date) {
            return Err(format!(
                "usage of {} is outside the period {period}",
                u.usage_date
            ));
        }
        let meter = normalize_meter_id(&u.meter_id);
        let entry = prices
            .book
            .entry_on(&meter, u.usage_date, &prices.currency)
            .ok_or_else(|| no_price(prices, &meter, u.usage_date))?;
        let price = &entry.price;
        let position = before
            .entry((u.subscription_id.clone(), meter.clone()))
            .or_default();
        let list = price.tiers.marginal_cost(*position, u.quantity);
        *position += u.quantity;
        let net = list * (Decimal::ONE - price.discount);
        let a = lines
            .entry((
                u.subscription_id.clone(),
                u.entitlement_id.clone(),
                meter.clone(),
                u.usage_date,
            ))
            .or_insert_with(|| Acc {
                kind: UsageKind::Legacy,
                meter_name: u.meter_name.clone(),
                meter_category: u.meter_category.clone(),
                records: 0,
                quantity: Decimal::ZERO,
                list: Decimal::ZERO,
                kept_quantity: Decimal::ZERO,
                net: Decimal::ZERO,
                pricing_total: Decimal::ZERO,
                billing_total: Decimal::ZERO,
                discount: price.discount,
                fx: Decimal::ONE,
                pricing_currency: prices.currency.clone(),
                billing_currency: prices.currency.clone(),
                origin: entry.origin,
            });
        a.records += 1;
        a.quantity += u.quantity;
        a.list += list;
        a.kept_quantity += u.quantity;
        a.net += net;
        a.pricing_total += net;
        a.billing_total += net;
    }
    Ok(to_rows(lines))
}

struct Rated {
    lines: Vec<RatedLineRow>,
    azure: UsageRead,
    legacy: UsageRead,
    refused: Option<String>,
}

fn rate_one(
    db: &Database,
    account_id: &str,
    inputs: &PeriodInputs,
    books: &Books,
) -> Result<Rated, ApiError> {
    let period = parse_period(&inputs.period)?;
    // A kind the scan found no row of is not read: should Discovery add some in between,
    // the state records none and the next rating sees them.
    let (azure_usage, azure) = if inputs.azure_plan.records > 0 {
        rated::azure_plan_usage(db, account_id, &inputs.customer_id, &inputs.period)?
    } else {
        Default::default()
    };
    let (legacy_usage, legacy) = if inputs.legacy.records > 0 {
        rated::legacy_usage(db, account_id, &inputs.customer_id, &inputs.period)?
    } else {
        Default::default()
    };
    let mut lines = Vec::new();
    let mut refused = None;
    if !azure_usage.is_empty() {
        match &books.azure_plan {
            None => {
                refused = Some(
                    "no USD rate card is stored (the Azure plan's list prices): run Discovery to read it"
                        .to_string(),
                )
            }
            Some(prices) => {
                match rate_azure_plan(&inputs.customer_id, &azure_usage, prices, &period) {
                    Ok(l) => lines.extend(l),
                    Err(why) => refused = Some(why),
                }
            }
        }
    }
    if refused.is_none() && !legacy_usage.is_empty() {
        let prices = inputs
            .legacy_currency
            .as_deref()
            .map(|c| c.trim().to_ascii_uppercase())
            .ok_or_else(|| {
                "the customer's billing currency is not known until Discovery reads one of its legacy invoices".to_string()
            })
            .and_then(|c| {
                books
                    .legacy
                    .get(&c)
                    .ok_or_else(|| format!("no {c} rate card is stored: run Discovery to read it"))
            });
        match prices.and_then(|p| rate_legacy(&legacy_usage, p, &period)) {
            Ok(l) => lines.extend(l),
            Err(why) => refused = Some(why),
        }
    }
    if refused.is_some() {
        lines.clear();
    }
    Ok(Rated {
        lines,
        azure,
        legacy,
        refused,
    })
}

fn accounts_of(db: &Database, account: Option<&str>) -> Result<Vec<accounts::Account>, ApiError> {
    Ok(match account {
        Some(a) => vec![accounts::find(db, a)?],
        None => accounts::list(db)?,
    })
}

fn customer_names(db: &Database) -> Result<HashMap<(String, String), String>, ApiError> {
    Ok(discovered::customers(db)?
        .into_iter()
        .map(|c| ((c.account_id, c.id), c.company_name))
        .collect())
}

fn cost_of(lines: &[RatedLineRow]) -> (Option<String>, Option<String>) {
    let Some(first) = lines.first() else {
        return (None, None);
    };
    let mut azure = Money::ZERO;
    let mut legacy: BTreeMap<(&str, &str), Money> = BTreeMap::new();
    for l in lines {
        match l.usage_kind {
            UsageKind::AzurePlan => azure += l.billing_pre_tax_total,
            UsageKind::Legacy => {
                *legacy.entry((&l.subscription_id, &l.meter_id)).or_default() +=
                    l.billing_pre_tax_total
            }
        }
    }
    let total = azure + legacy.into_values().map(Money::floor_cents).sum::<Money>();
    (
        Some(first.billing_currency.clone()),
        Some(total.to_string()),
    )
}

/// Rates what changed: every customer-period of `account` (name or id; all accounts when
/// `None`) in `period` (`YYYY-MM`; all periods when `None`) whose usage, rate cards or rating
/// rules differ from what it was last rated from. Each customer-period is written in one
/// transaction. A customer-period that cannot be rated is recorded with the reason (and
/// rated again once its inputs change); one whose usage is gone is removed.
pub fn rate(
    db: &mut Database,
    account: Option<&str>,
    period: Option<&str>,
    now: DateTime<Utc>,
) -> Result<RateSummaryDto, ApiError> {
    rate_until(db, account, period, now, &|| false)
}

/// [`rate`], ending early (between customer-periods, each whole) once `stop` says so: what
/// is left is rated next time, its inputs being unchanged since they were never rated.
pub fn rate_until(
    db: &mut Database,
    account: Option<&str>,
    period: Option<&str>,
    now: DateTime<Utc>,
    stop: &dyn Fn() -> bool,
) -> Result<RateSummaryDto, ApiError> {
    let period = period
        .map(parse_period)
        .transpose()?
        .map(|p| period_text(&p));
    let mut summary = RateSummaryDto {
        periods: Vec::new(),
        rated: 0,
        refused: 0,
        unchanged: 0,
        removed: 0,
        lines_written: 0,
    };
    let names = customer_names(db)?;
    for acc in accounts_of(db, account)? {
        let inputs = rated::period_inputs(db, &acc.id, period.as_deref())?;
        let states: HashMap<(String, String), RatingState> =
            rated::states(db, &acc.id, period.as_deref())?
                .into_iter()
                .map(|s| ((s.customer_id.clone(), s.period.clone()), s))
                .collect();
        let books = Books::load(db, &acc.id)?;
        let mut seen = BTreeSet::new();
        for inp in &inputs {
            if stop() {
                return Ok(summary);
            }
            let key = (inp.customer_id.clone(), inp.period.clone());
            seen.insert(key.clone());
            let (cards, prints) = books.used(inp);
            let unchanged = states.get(&key).is_some_and(|s| {
                s.rules == RATING_RULES
                    && s.usage_fingerprint == usage_fingerprint(&inp.azure_plan, &inp.legacy)
                    && s.usage_records == inp.azure_plan.records + inp.legacy.records
                    && s.price_cards == cards
                    && s.prices_fingerprint == prints
            });
            if unchanged {
                summary.unchanged += 1;
                continue;
            }
            let result = rate_one(db, &acc.id, inp, &books)?;
            let state = RatingStateRow {
                customer_id: inp.customer_id.clone(),
                period: inp.period.clone(),
                usage_records: result.azure.records + result.legacy.records,
                usage_fingerprint: usage_fingerprint(&result.azure, &result.legacy),
                price_cards: cards,
                prices_fingerprint: prints,
                rules: RATING_RULES,
                lines: u32::try_from(result.lines.len()).unwrap_or(u32::MAX),
                refused: result.refused.clone(),
                rated_at: now,
            };
            summary.lines_written += rated::replace(db, &acc.id, &state, &result.lines)?;
            let (currency, cost) = cost_of(&result.lines);
            if result.refused.is_some() {
                summary.refused += 1;
            } else {
                summary.rated += 1;
            }
            summary.periods.push(RatedPeriodDto {
                account_id: acc.id.clone(),
                account_name: acc.name.clone(),
                customer_name: names
                    .get(&(acc.id.clone(), inp.customer_id.clone()))
                    .cloned(),
                customer_id: inp.customer_id.clone(),
                period: inp.period.clone(),
                usage_records: state.usage_records,
                lines: state.lines,
                currency,
                cost,
                refused: result.refused,
            });
        }
        for key in states.keys().filter(|k| !seen.contains(*k)) {
            rated::clear(db, &acc.id, &key.0, &key.1)?;
            summary.removed += 1;
        }
    }
    Ok(summary)
}

// ---------------------------------------------------------------------------------------
// Reconciliation

fn cause_name(cause: Cause) -> &'static str {
    match cause {
        Cause::MissingUsage => "missingUsage",
        Cause::LateUsage => "lateUsage",
        Cause::TierBoundary => "tierBoundary",
        Cause::PriceMismatch => "priceMismatch",
        Cause::PartnerEarnedCredit => "partnerEarnedCredit",
        Cause::Fx => "fx",
        Cause::Rounding => "rounding",
    }
}

fn causes_map(causes: impl Iterator<Item = (Cause, Decimal)>) -> BTreeMap<String, String> {
    causes
        .filter(|(_, a)| !a.is_zero())
        .map(|(c, a)| (cause_name(c).to_string(), a.normalize().to_string()))
        .collect()
}

/// Our stored Azure plan line as the rating crate's rated line.
fn rated_line(l: &StoredRatedLine) -> RatedLine {
    RatedLine {
        customer_id: l.customer_id.clone(),
        subscription_id: l.subscription_id.clone(),
        entitlement_id: l.entitlement_id.clone(),
        resource_uri: None,
        meter_id: l.meter_id.clone(),
        meter_category: l.meter_category.clone(),
        usage_date: l.usage_date,
        quantity: l.quantity,
        discount: l.discount,
        list_cost: l.unit_price * l.quantity,
        unit_price: l.unit_price,
        partner_earned_credit_rate: l.credit_rate,
        effective_unit_price: l.effective_unit_price,
        pricing_currency: l.pricing_currency.clone(),
        pricing_amount: l.pricing_total.amount(),
        pricing_pre_tax_total: l.pricing_total.amount(),
        fx_rate: l.fx_rate,
        billing_currency: l.billing_currency.clone(),
        billing_amount: l.billing_pre_tax_total.amount(),
        billing_pre_tax_total: l.billing_pre_tax_total.amount(),
    }
}

fn invoice_line(l: &rated::InvoiceUsage) -> InvoiceUsageLine {
    InvoiceUsageLine {
        customer_id: l.customer_id.clone(),
        subscription_id: l.subscription_id.clone(),
        entitlement_id: l.entitlement_id.clone(),
        meter_id: l.meter_id.clone(),
        usage_date: l.usage_date,
        quantity: l.quantity,
        unit_price: l.unit_price,
        effective_unit_price: l.effective_unit_price,
        billing_pre_tax_total: l.billing_pre_tax_total,
        billing_currency: l.billing_currency.clone(),
        pc_to_bc_exchange_rate: l.pc_to_bc_exchange_rate,
        partner_earned_credit: l.partner_earned_credit,
    }
}

type MatchTuple = (String, String, String, NaiveDate);

/// Reconciles every customer of `account` (all accounts when `None`) for `period`
/// (`YYYY-MM`): our rated Azure plan cost against the invoice's daily rated usage (the
/// period's invoice, or its unbilled usage while it is not invoiced yet). A customer with
/// data on one side only, or whose rating was refused, is reported as refused with the
/// reason instead of a difference. By account, then company name.
pub fn reconcile(
    db: &Database,
    period: &str,
    account: Option<&str>,
) -> Result<Vec<ReconciliationDto>, ApiError> {
    let billing_period = parse_period(period)?;
    let period = period_text(&billing_period);
    let names = customer_names(db)?;
    let mut out = Vec::new();
    for acc in accounts_of(db, account)? {
        let prices = azure_plan_prices(db, &acc.id)?;
        let empty_book = PriceBook::new();
        let book: &PriceBook = prices.as_ref().map_or(&empty_book, |p| &p.book);
        let mut invoice: BTreeMap<String, Vec<rated::InvoiceUsage>> = BTreeMap::new();
        for l in rated::invoice_usage(db, &acc.id, &period)? {
            invoice.entry(l.customer_id.clone()).or_default().push(l);
        }
        let mut ours: BTreeMap<String, Vec<StoredRatedLine>> = BTreeMap::new();
        for l in rated::lines(db, &acc.id, &period, None)? {
            ours.entry(l.customer_id.clone()).or_default().push(l);
        }
        let refusals: HashMap<String, String> = rated::states(db, &acc.id, Some(&period))?
            .into_iter()
            .filter_map(|s| s.refused.map(|r| (s.customer_id, r)))
            .collect();
        let customers: BTreeSet<&String> = invoice
            .keys()
            .chain(ours.keys())
            .chain(refusals.keys())
            .collect();
        let mut rows = Vec::new();
        for customer in customers {
            let theirs = invoice.get(customer).map(Vec::as_slice).unwrap_or_default();
            let mine = ours.get(customer).map(Vec::as_slice).unwrap_or_default();
            let (azure, legacy): (Vec<&StoredRatedLine>, Vec<&StoredRatedLine>) = mine
                .iter()
                .partition(|l| l.usage_kind == UsageKind::AzurePlan);
            let mut dto = ReconciliationDto {
                account_id: acc.id.clone(),
                account_name: acc.name.clone(),
                customer: customer.clone(),
                customer_name: names.get(&(acc.id.clone(), customer.clone())).cloned(),
                period: period.clone(),
                currency: theirs
                    .first()
                    .map(|l| l.billing_currency.clone())
                    .or_else(|| mine.first().map(|l| l.billing_currency.clone())),
                invoice_state: invoice_state(theirs),
                rated: (!azure.is_empty())
                    .then(|| money(azure.iter().map(|l| l.billing_pre_tax_total.amount()).sum())),
                invoiced: (!theirs.is_empty())
                    .then(|| money(theirs.iter().map(|l| l.billing_pre_tax_total).sum())),
                difference: None,
                causes: BTreeMap::new(),
                unexplained: None,
                refused: None,
                lines_compared: 0,
                lines_matched: 0,
                differences: Vec::new(),
            };
            if let Some(why) = refusals.get(customer) {
                dto.refused = Some(format!("its usage could not be rated: {why}"));
            } else if azure.is_empty() && theirs.is_empty() && !legacy.is_empty() {
                dto.rated = Some(
                    cost_of_stored(&legacy)
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                );
                dto.refused = Some("legacy (0145P) usage only: Microsoft invoices it per subscription and meter for the month, without daily rated usage to compare with".into());
            } else if azure.is_empty() {
                dto.refused = Some("no rated Azure plan usage for this customer and period: rate its usage first (cspdesk rate)".into());
            } else if theirs.is_empty() {
                dto.refused = Some("the invoice has no daily rated usage for this customer and period: run Discovery to read it".into());
            } else {
                let our_lines: Vec<RatedLine> = azure.iter().map(|l| rated_line(l)).collect();
                let their_lines: Vec<InvoiceUsageLine> = theirs.iter().map(invoice_line).collect();
                match reconcile_lines(&our_lines, &their_lines, &billing_period, book) {
                    Err(e) => dto.refused = Some(e.to_string()),
                    Ok(r) => {
                        let keys: BTreeSet<MatchTuple> = our_lines
                            .iter()
                            .map(|l| {
                                (
                                    l.subscription_id.clone(),
                                    l.entitlement_id.clone(),
                                    normalize_meter_id(&l.meter_id),
                                    l.usage_date,
                                )
                            })
                            .chain(their_lines.iter().map(|l| {
                                (
                                    l.subscription_id.clone(),
                                    l.entitlement_id.clone(),
                                    normalize_meter_id(&l.meter_id),
                                    l.usage_date,
                                )
                            }))
                            .collect();
                        // The crate lists only the lines that differ (or do not explain
                        // themselves); every other compared line is equal to the cent.
                        dto.lines_compared = u32::try_from(keys.len()).unwrap_or(u32::MAX);
                        dto.lines_matched = dto
                            .lines_compared
                            .saturating_sub(u32::try_from(r.keys.len()).unwrap_or(u32::MAX));
                        dto.rated = Some(money(r.ours_total));
                        dto.invoiced = Some(money(r.invoice_total));
                        dto.difference = Some(money(r.difference));
                        dto.unexplained = Some(money(r.unexplained));
                        dto.causes = causes_map(r.causes.iter());
                        dto.currency = Some(r.billing_currency);
                        let mut listed = r.keys;
                        listed.sort_by_key(|k| std::cmp::Reverse(k.difference.abs()));
                        dto.differences = listed
                            .into_iter()
                            .take(LISTED_DIFFERENCES)
                            .map(|k| ReconciliationLineDto {
                                subscription_id: k.key.subscription_id,
                                entitlement_id: k.key.entitlement_id,
                                meter_id: k.key.meter_id,
                                usage_date: k.key.usage_date.to_string(),
                                rated: money(k.ours),
                                invoiced: money(k.invoice),
                                difference: money(k.difference),
                                causes: causes_map(k.causes.iter()),
                                unexplained: money(k.unexplained),
                            })
                            .collect();
                    }
                }
            }
            rows.push(dto);
        }
        rows.sort_by(|a, b| {
            let name =
                |d: &ReconciliationDto| d.customer_name.clone().unwrap_or_default().to_lowercase();
            name(a).cmp(&name(b)).then(a.customer.cmp(&b.customer))
        });
        out.extend(rows);
    }
    Ok(out)
}

fn cost_of_stored(lines: &[&StoredRatedLine]) -> Option<Money> {
    if lines.is_empty() {
        return None;
    }
    let mut per: BTreeMap<(&str, &str), Money> = BTreeMap::new();
    for l in lines {
        *per.entry((&l.subscription_id, &l.meter_id)).or_default() += l.billing_pre_tax_total;
    }
    Some(per.into_values().map(Money::floor_cents).sum())
}

fn invoice_state(lines: &[rated::InvoiceUsage]) -> Option<String> {
    let billed = lines.iter().filter(|l| l.billed).count();
    match (lines.len(), billed) {
        (0, _) => None,
        (n, b) if b == n => Some("billed".into()),
        (_, 0) => Some("unbilled".into()),
        _ => Some("mixed".into()),
    }
}

// ---------------------------------------------------------------------------------------
// Cost for the pages

/// Rated cost per customer in `period` (`YYYY-MM`), of one account or all.
pub fn costs(
    db: &Database,
    account: Option<&str>,
    period: &str,
) -> Result<Vec<CustomerCostDto>, ApiError> {
    let period = period_text(&parse_period(period)?);
    let account_id = match account {
        Some(a) => Some(accounts::find(db, a)?.id),
        None => None,
    };
    Ok(rated::totals(db, account_id.as_deref(), &period)?
        .into_iter()
        .map(|t| CustomerCostDto {
            account_id: t.account_id,
            customer_id: t.customer_id,
            period: t.period,
            currency: t.billing_currency,
            cost: t.total.to_string(),
            azure_plan: t.azure_plan.to_string(),
            legacy: t.legacy.to_string(),
            lines: t.lines,
            rated_at: t.rated_at,
        })
        .collect())
}

/// Month-to-date cost per customer: [`costs`] of the month of `now` (UTC).
pub fn month_to_date(db: &Database, now: DateTime<Utc>) -> Result<Vec<CustomerCostDto>, ApiError> {
    costs(db, None, &format!("{:04}-{:02}", now.year(), now.month()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().unwrap()
    }

    fn prices(tiers: Vec<(Decimal, Decimal)>, included: Decimal) -> CardPrices {
        prices_of(&["M"], tiers, included)
    }

    /// A USD card pricing each of `meters` with `tiers`.
    fn prices_of(meters: &[&str], tiers: Vec<(Decimal, Decimal)>, included: Decimal) -> CardPrices {
        card_prices(
            &StoredRateCard {
                currency: "USD".into(),
                locale: None,
                tax_included: false,
                fetched_at: String::new(),
                meters: meters
                    .iter()
                    .map(|id| cspdesk_store::rated::StoredMeter {
                        meter_id: (*id).into(),
                        name: "m".into(),
                        category: None,
                        subcategory: None,
                        region: None,
                        unit: None,
                        included_quantity: Some(included),
                        effective_date: Some("2026-11-01T00:00:00Z".into()),
                        rates: tiers.clone(),
                        rates_json: String::new(),
                    })
                    .collect(),
                offer_terms: vec![],
                offer_terms_json: "[]".into(),
                fingerprint: "f".into(),
            },
            false,
        )
    }

    fn record(day: u32, entitlement: &str, q: Decimal, pec: bool, fx: Decimal) -> AzurePlanUsage {
        AzurePlanUsage {
            source: "G1".into(),
            subscription_id: "PLAN".into(),
            entitlement_id: entitlement.into(),
            meter_id: "M".into(),
            meter_name: None,
            meter_category: None,
            usage_date: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
            resource_uri: None,
            quantity: q,
            billing_currency: "EUR".into(),
            pc_to_bc_exchange_rate: Some(fx),
            partner_earned_credit: pec,
        }
    }

    fn october() -> BillingPeriod {
        BillingPeriod::calendar_month(2026, 10).unwrap()
    }

    #[test]
    fn microsofts_example_with_credit_bills_85_68() {
        let p = prices(vec![(d("0"), d("1.00")), (d("100"), d("0.80"))], d("0"));
        let lines = rate_azure_plan(
            "c",
            &[record(3, "e", d("101"), true, d("1"))],
            &p,
            &october(),
        )
        .unwrap();
        assert_eq!(lines[0].billing_pre_tax_total, Money::new(d("85.68")));
        assert_eq!(
            lines[0].effective_unit_price,
            d("0.848317"),
            "100.80 / 101 × 0.85 = 0.8483168…, rounded to 6 decimals"
        );
    }

    #[test]
    fn records_of_one_day_take_consecutive_tier_positions_in_order() {
        // 100 free units: the day's first record uses them all, the second pays in full.
        let p = prices(vec![(d("0"), d("0.087"))], d("100"));
        let usage = [
            record(1, "a", d("884.292625"), true, d("0.9261")),
            record(1, "b", d("271.571066"), true, d("0.9261")),
        ];
        let lines = rate_azure_plan("c", &usage, &p, &october()).unwrap();
        let by: HashMap<&str, &RatedLineRow> = lines
            .iter()
            .map(|l| (l.entitlement_id.as_str(), l))
            .collect();
        assert_eq!(by["a"].effective_unit_price, d("0.065587"));
        assert_eq!(by["a"].billing_pre_tax_total, Money::new(d("53.71")));
        assert_eq!(by["b"].effective_unit_price, d("0.07395"));
        assert_eq!(by["b"].billing_pre_tax_total, Money::new(d("18.59")));
    }

    #[test]
    fn the_effective_price_is_rounded_before_the_floor() {
        // 1 / 3 × 3 units: unrounded 1.00, but EUP 0.333333 × 3 = 0.999999 -> 0.99.
        let p = prices(vec![(d("0"), d("1") / d("3"))], d("0"));
        let lines = rate_azure_plan(
            "c",
            &[record(1, "e", d("3"), false, d("1"))],
            &p,
            &october(),
        )
        .unwrap();
        assert_eq!(lines[0].billing_pre_tax_total, Money::new(d("0.99")));
    }

    #[test]
    fn an_unknown_meter_refuses_the_period_with_the_reason() {
        let p = prices(vec![(d("0"), d("1"))], d("0"));
        let mut r = record(1, "e", d("1"), false, d("1"));
        r.meter_id = "other".into();
        let why = rate_azure_plan("c", &[r], &p, &october()).unwrap_err();
        assert!(why.contains("no price for meter other"), "{why}");
    }

    #[test]
    fn a_series_billed_at_two_exchange_rates_is_refused_with_the_reason() {
        let p = prices(vec![(d("0"), d("1"))], d("0"));
        let usage = [
            record(1, "a", d("1"), false, d("0.9261")),
            record(2, "b", d("1"), false, d("0.93")),
        ];
        let why = rate_azure_plan("c", &usage, &p, &october()).unwrap_err();
        assert!(why.contains("two exchange rates"), "{why}");
        let mut other_meter = usage[1].clone();
        other_meter.meter_id = "N".into();
        let p = prices_of(&["M", "N"], vec![(d("0"), d("1"))], d("0"));
        assert!(
            rate_azure_plan("c", &[usage[0].clone(), other_meter], &p, &october()).is_ok(),
            "each Azure plan + meter has its own series"
        );
    }

    #[test]
    fn periods_are_months() {
        assert_eq!(period_text(&parse_period("2026-10").unwrap()), "2026-10");
        for bad in ["2026-13", "2026-1", "26-10", "2026/10", ""] {
            let e = parse_period(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("period"), "{bad}");
        }
    }
}
