//! The prices a customer-period is rated with: the stored rate cards as price books (the
//! card taken as in effect for every period, see [`super::rate`]), with the imported price
//! sheets' entries added on top (the Azure plan price list and Pricing API sheets on the
//! Azure plan's book only: they are not the legacy offer's prices), and the months' stored
//! Pricing API sheets and FX rates ([`super::month_prices`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cspdesk_rating::customer_period::{CardPrices, AZURE_PLAN_PRICING};
use cspdesk_rating::price::{
    normalize_meter_id, OfferTerm, PriceBook, PriceLookup, PriceOrigin, RateCard, RateCardMeter,
};
use cspdesk_rating::tiers::{Tier, TierTable};
use cspdesk_store::rated::{self, PeriodVersions, StoredRateCard, UsageRead};
use cspdesk_store::Database;
use rust_decimal::Decimal;

use super::month_prices::{self, MonthPrices};
use crate::ApiError;

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
    Ok(Books::load(db, account_id, &BTreeSet::new())?.azure_plan)
}

/// What prices `period`'s (`YYYY-MM`) Azure plan usage of `account_id`, as rating priced it:
/// the month's Pricing API sheet under the imported files when the month's sheet is held,
/// else the rate card under them (`None` when neither is held).
pub fn period_prices(
    db: &Database,
    account_id: &str,
    period: &str,
) -> Result<Option<Box<dyn PriceLookup>>, ApiError> {
    let books = Books::load(db, account_id, &BTreeSet::from([period.to_string()]))?;
    if books.months.month_true(period) {
        return Ok(Some(Box::new(books.months.prices)));
    }
    Ok(books
        .azure_plan
        .map(|c| Box::new(c.book) as Box<dyn PriceLookup>))
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

/// The prices of one account: its Azure plan card, its legacy cards by currency, and the
/// Azure plan's month-true prices of the months asked for.
pub(super) struct Books {
    pub(super) azure_plan: Option<CardPrices>,
    pub(super) legacy: HashMap<String, CardPrices>,
    pub(super) months: MonthPrices,
}

impl Books {
    /// The account's prices; `months` (`YYYY-MM`) are the periods whose Pricing API sheets
    /// and FX rates to read (see [`super::month_prices`]).
    pub(super) fn load(
        db: &Database,
        account_id: &str,
        months: &BTreeSet<String>,
    ) -> Result<Self, ApiError> {
        let cards = rated::rate_cards(db, account_id)?;
        let sheets = crate::rating::price_sheets::stored_entries(db, account_id)?;
        let print = crate::rating::price_sheets::fingerprint(db, account_id)?;
        // Conflicts were refused at import: a book that does not build has nothing to add.
        let imported = PriceBook::from_entries(sheets.iter().cloned()).unwrap_or_default();
        let months = month_prices::load(db, account_id, months, imported)?;
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
        // The Azure plan price list and the Pricing API sheets price the Azure plan, not the
        // legacy offer (0145P): legacy usage keeps its rate card under the other imports.
        let legacy_sheets: Vec<_> = sheets
            .iter()
            .filter(|e| e.origin != PriceOrigin::PriceList)
            .cloned()
            .collect();
        Ok(Self {
            azure_plan,
            months,
            legacy: cards
                .iter()
                .map(|c| {
                    (
                        c.currency.trim().to_ascii_uppercase(),
                        with_sheets(card_prices(c, true), &legacy_sheets, &print),
                    )
                })
                .collect(),
        })
    }

    /// The cards a customer-period depends on: (currencies, fingerprints).
    pub(super) fn used(&self, inputs: &PeriodVersions) -> (String, String) {
        let mut currencies = Vec::new();
        let mut prints = Vec::new();
        if inputs.usage > 0 {
            currencies.push(AZURE_PLAN_PRICING.to_string());
            let card = self
                .azure_plan
                .as_ref()
                .map_or("none".to_string(), |c| c.fingerprint.clone());
            prints.push(match self.months.prints.get(&inputs.period) {
                Some(month) => format!("{card}+month:{month}"),
                None => card,
            });
        }
        if inputs.legacy > 0 {
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

pub(super) fn usage_fingerprint(azure: &UsageRead, legacy: &UsageRead) -> String {
    format!("{}/{}", azure.fingerprint, legacy.fingerprint)
}
