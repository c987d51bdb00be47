//! The Partner Center Azure rate card (`/v1/ratecards/azure`, reference §6.1): the legacy CSP
//! Azure offer's meter prices, in one currency, with offer terms (the overage discount).
//!
//! # Reading
//! - `rates` maps a quantity threshold (as a string) to a unit rate; the key is the tier's
//!   0-based threshold (see [`crate::tiers`]): `{"0": 1.00, "100": 0.80}` prices the first
//!   100 units at 1.00 and every further unit at 0.80.
//! - `includedQuantity` is free each billing period, before the first tier.
//! - `effectiveDate` is the first day of the meter's price; a meter without one is in effect
//!   since forever. A later rate card with a newer date supersedes it in the [`PriceBook`].
//! - Offer terms: each term's `discount` (a fraction, e.g. 0.15) comes off every tier price of
//!   every meter except those in its `excludedMeterIds` and those tagged `Third Party` (no
//!   discount applies to third-party meters). A term applies from its `effectiveDate`; when
//!   that is later than the meter's, the meter gets a second entry from that day with the
//!   discount. Several terms combine as successive discounts: `1 − Π(1 − dᵢ)`.
//!
//! [`PriceBook`]: super::PriceBook

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::cell::normalize_meter_id;
use super::error::{PriceSheetError, SheetErrorKind};
use super::json_file::JsonFile;
use super::{Price, PriceEntry, PriceOrigin};
use crate::tiers::{Tier, TierError, TierTable};

/// A rate card as plain data (read from Partner Center or from storage).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateCard {
    /// Currency of every rate.
    pub currency: String,
    /// The meters.
    pub meters: Vec<RateCardMeter>,
    /// The offer terms.
    pub offer_terms: Vec<OfferTerm>,
}

/// One meter of a rate card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateCardMeter {
    /// Meter id.
    pub id: String,
    /// `rates`: threshold → unit rate, as tiers.
    pub rates: Vec<Tier>,
    /// Tags; `Third Party` means no discount applies.
    pub tags: Vec<String>,
    /// Free units per billing period.
    pub included_quantity: Decimal,
    /// First day of this price, if given.
    pub effective_date: Option<NaiveDate>,
}

/// An offer term of a rate card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferTerm {
    /// Name, e.g. `Overage discount`.
    pub name: String,
    /// Fraction off, e.g. 0.15.
    pub discount: Decimal,
    /// Meters it does not apply to.
    pub excluded_meter_ids: Vec<String>,
    /// First day it applies, if given.
    pub effective_date: Option<NaiveDate>,
}

/// Why a rate card cannot become prices.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RateCardError {
    /// A meter's rates are not a valid tier table.
    #[error("meter {meter_id}: {error}")]
    Tier {
        /// Position in `meters`.
        index: usize,
        /// The meter.
        meter_id: String,
        /// What is wrong.
        error: TierError,
    },
    /// An offer term's discount is not a fraction from 0 to 1.
    #[error("offer term {name:?}: the discount {discount} is not a fraction from 0 to 1")]
    Discount {
        /// Position in `offerTerms`.
        index: usize,
        /// The term's name.
        name: String,
        /// The discount given.
        discount: Decimal,
    },
}

/// Meters tagged this way get no discount.
const THIRD_PARTY: &str = "third party";

impl RateCard {
    /// The price entries of every meter (see the module docs for discounts and dates).
    pub fn entries(&self) -> Result<Vec<PriceEntry>, RateCardError> {
        for (index, term) in self.offer_terms.iter().enumerate() {
            if term.discount < Decimal::ZERO || term.discount > Decimal::ONE {
                return Err(RateCardError::Discount {
                    index,
                    name: term.name.clone(),
                    discount: term.discount,
                });
            }
        }
        let currency = self.currency.trim().to_ascii_uppercase();
        let mut entries = Vec::with_capacity(self.meters.len());
        for (index, meter) in self.meters.iter().enumerate() {
            let mut rates = meter.rates.clone();
            rates.sort_by_key(|a| a.threshold);
            let tiers = TierTable::new(rates, meter.included_quantity).map_err(|error| {
                RateCardError::Tier {
                    index,
                    meter_id: meter.id.clone(),
                    error,
                }
            })?;
            let meter_id = normalize_meter_id(&meter.id);
            let third_party = meter
                .tags
                .iter()
                .any(|t| t.trim().eq_ignore_ascii_case(THIRD_PARTY));
            let terms: Vec<&OfferTerm> = self
                .offer_terms
                .iter()
                .filter(|_| !third_party)
                .filter(|t| {
                    !t.excluded_meter_ids
                        .iter()
                        .any(|m| normalize_meter_id(m) == meter_id)
                })
                .collect();
            let from = meter.effective_date.unwrap_or(NaiveDate::MIN);
            let mut starts: Vec<NaiveDate> = terms
                .iter()
                .filter_map(|t| t.effective_date)
                .filter(|d| *d > from)
                .collect();
            starts.push(from);
            starts.sort();
            starts.dedup();
            for start in starts {
                let kept = terms
                    .iter()
                    .filter(|t| t.effective_date.is_none_or(|d| d <= start))
                    .fold(Decimal::ONE, |left, t| left * (Decimal::ONE - t.discount));
                entries.push(PriceEntry {
                    origin: PriceOrigin::RateCard,
                    meter_id: meter_id.clone(),
                    currency: currency.clone(),
                    effective_from: start,
                    effective_to: None,
                    price: Price {
                        tiers: tiers.clone(),
                        discount: Decimal::ONE - kept,
                    },
                });
            }
        }
        Ok(entries)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCard<'a> {
    #[serde(default, borrow)]
    currency: Option<&'a RawValue>,
    #[serde(default, borrow)]
    meters: Vec<&'a RawValue>,
    #[serde(default, borrow)]
    offer_terms: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawMeter<'a> {
    #[serde(default, borrow)]
    id: Option<&'a RawValue>,
    #[serde(default, borrow)]
    rates: Option<BTreeMap<String, &'a RawValue>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default, borrow)]
    included_quantity: Option<&'a RawValue>,
    #[serde(default, borrow)]
    effective_date: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTerm<'a> {
    #[serde(default, borrow)]
    name: Option<&'a RawValue>,
    #[serde(default, borrow)]
    discount: Option<&'a RawValue>,
    #[serde(default)]
    excluded_meter_ids: Option<Vec<String>>,
    #[serde(default, borrow)]
    effective_date: Option<&'a RawValue>,
}

/// Reads a rate card response (JSON as Partner Center sends it) into price entries. `file`
/// names it in errors.
pub fn parse_rate_card(file: &str, text: &str) -> Result<Vec<PriceEntry>, PriceSheetError> {
    let json = JsonFile::new(file, text);
    let raw: RawCard<'_> = json.parse(json.text(), "the rate card")?;
    let currency = match raw.currency {
        Some(v) => json.currency(v, "currency")?,
        None => {
            return Err(PriceSheetError {
                file: file.to_string(),
                line: 1,
                column: "currency".into(),
                kind: SheetErrorKind::Empty,
                message: "the rate card has no currency".into(),
            })
        }
    };
    let meters = raw
        .meters
        .iter()
        .map(|m| meter(&json, m))
        .collect::<Result<Vec<_>, _>>()?;
    let offer_terms = raw
        .offer_terms
        .iter()
        .map(|t| term(&json, t))
        .collect::<Result<Vec<_>, _>>()?;
    let card = RateCard {
        currency,
        meters,
        offer_terms,
    };
    card.entries().map_err(|e| match &e {
        RateCardError::Tier { index, .. } => {
            json.at(raw.meters[*index])
                .error("rates", SheetErrorKind::Tier, e.to_string())
        }
        RateCardError::Discount { index, .. } => json.at(raw.offer_terms[*index]).error(
            "discount",
            SheetErrorKind::Decimal,
            e.to_string(),
        ),
    })
}

fn meter<'a>(json: &JsonFile<'a>, object: &'a RawValue) -> Result<RateCardMeter, PriceSheetError> {
    let raw: RawMeter<'_> = json.parse(object.get(), "a meter")?;
    let id = json.meter_id(json.required(object, raw.id, "id")?, "id")?;
    let Some(rate_map) = raw.rates else {
        return Err(json.at(object).error(
            "rates",
            SheetErrorKind::Empty,
            "the field rates is required",
        ));
    };
    let mut rates = Vec::with_capacity(rate_map.len());
    for (key, value) in rate_map {
        let threshold = super::cell::decimal(&key).map_err(|(kind, message)| {
            json.at(value)
                .error("rates", kind, format!("threshold key: {message}"))
        })?;
        rates.push(Tier::new(threshold, json.decimal(value, "rates")?));
    }
    Ok(RateCardMeter {
        id,
        rates,
        tags: raw.tags.unwrap_or_default(),
        included_quantity: json
            .optional(raw.included_quantity, |v| {
                json.decimal(v, "includedQuantity")
            })?
            .unwrap_or(Decimal::ZERO),
        effective_date: json.optional(raw.effective_date, |v| json.date(v, "effectiveDate"))?,
    })
}

fn term<'a>(json: &JsonFile<'a>, object: &'a RawValue) -> Result<OfferTerm, PriceSheetError> {
    let raw: RawTerm<'_> = json.parse(object.get(), "an offer term")?;
    Ok(OfferTerm {
        name: json
            .optional(raw.name, |v| json.string(v, "name"))?
            .unwrap_or_default(),
        discount: json.decimal(json.required(object, raw.discount, "discount")?, "discount")?,
        excluded_meter_ids: raw.excluded_meter_ids.unwrap_or_default(),
        effective_date: json.optional(raw.effective_date, |v| json.date(v, "effectiveDate"))?,
    })
}
