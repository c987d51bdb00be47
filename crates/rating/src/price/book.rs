//! The price book: every known price entry, answering the price of a meter on a day in a
//! currency.
//!
//! # Which entry answers
//! An entry is in effect on `date` when `effective_from <= date` and, if it has one,
//! `date <= effective_to` (inclusive). Among the entries in effect the best origin wins
//! ([`PriceOrigin`]'s order: partner sheet, price list, rate card, retail prices) and, within
//! one origin, the latest `effective_from`: a newer price supersedes an older one without the
//! older needing an end date. Meter ids are compared in lower case, currencies in upper case.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::cell::normalize_meter_id;
use super::{Price, PriceEntries, PriceEntry, PriceLookup, PriceOrigin};
use crate::tiers::TierTable;

/// Why entries could not be added.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PriceBookError {
    /// The same origin already has a different price for the meter, currency and start day.
    #[error("{origin:?} already prices meter {meter_id} in {currency} from {effective_from} differently; remove one of the two")]
    Conflict {
        /// Origin of both entries.
        origin: PriceOrigin,
        /// Meter.
        meter_id: String,
        /// Currency.
        currency: String,
        /// Start day.
        effective_from: NaiveDate,
    },
}

/// Price entries by meter and currency.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PriceBook {
    entries: BTreeMap<(String, String), Vec<PriceEntry>>,
}

impl PriceBook {
    /// An empty book.
    pub fn new() -> Self {
        Self::default()
    }

    /// A book holding `entries`.
    pub fn from_entries(
        entries: impl IntoIterator<Item = PriceEntry>,
    ) -> Result<Self, PriceBookError> {
        let mut book = Self::new();
        book.add(entries)?;
        Ok(book)
    }

    /// Adds entries. An entry identical to one already held is ignored; a different price
    /// for the same origin, meter, currency and start day is a conflict, and nothing of the
    /// batch after it is added.
    pub fn add(
        &mut self,
        entries: impl IntoIterator<Item = PriceEntry>,
    ) -> Result<(), PriceBookError> {
        for mut entry in entries {
            entry.meter_id = normalize_meter_id(&entry.meter_id);
            entry.currency = entry.currency.trim().to_ascii_uppercase();
            let list = self
                .entries
                .entry((entry.meter_id.clone(), entry.currency.clone()))
                .or_default();
            match list
                .iter()
                .find(|e| e.origin == entry.origin && e.effective_from == entry.effective_from)
            {
                Some(same) if *same == entry => {}
                Some(_) => {
                    return Err(PriceBookError::Conflict {
                        origin: entry.origin,
                        meter_id: entry.meter_id,
                        currency: entry.currency,
                        effective_from: entry.effective_from,
                    })
                }
                None => list.push(entry),
            }
        }
        Ok(())
    }

    /// Number of entries held.
    pub fn len(&self) -> usize {
        self.entries.values().map(Vec::len).sum()
    }

    /// Whether the book is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry in effect for `meter_id` on `date` in `currency` (see the module docs).
    pub fn entry_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&PriceEntry> {
        let key = (
            normalize_meter_id(meter_id),
            currency.trim().to_ascii_uppercase(),
        );
        self.entries
            .get(&key)?
            .iter()
            .filter(|e| e.effective_from <= date && e.effective_to.is_none_or(|to| date <= to))
            .min_by(|a, b| {
                a.origin
                    .cmp(&b.origin)
                    .then(b.effective_from.cmp(&a.effective_from))
            })
    }

    /// The tier table in effect for `meter_id` on `date` in `currency`.
    pub fn tiers(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&TierTable> {
        self.entry_on(meter_id, date, currency)
            .map(|e| &e.price.tiers)
    }
}

impl PriceLookup for PriceBook {
    fn price_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&Price> {
        self.entry_on(meter_id, date, currency).map(|e| &e.price)
    }
}

impl PriceEntries for PriceBook {
    fn entry_on(&self, meter_id: &str, date: NaiveDate, currency: &str) -> Option<&PriceEntry> {
        PriceBook::entry_on(self, meter_id, date, currency)
    }
}
