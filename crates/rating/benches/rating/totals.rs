//! What both sides must agree on to the cent: per customer and billing month, the sum of the
//! floored line totals in USD (`pricingPreTaxTotal`) and in the customer's currency
//! (`billingPreTaxTotal`); from them the grand totals and a checksum. The run fails loudly
//! when any of them differs.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use crate::usage::CustomerMonth;

/// The two sums of one customer month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    /// Sum of the lines' `FLOOR(EUP × quantity, 2)`, USD.
    pub pricing: Decimal,
    /// Sum of the lines' `FLOOR(EUP × quantity × FX, 2)`, billing currency.
    pub billing: Decimal,
}

/// One side's totals.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub by_customer_month: BTreeMap<CustomerMonth, (&'static str, Amounts)>,
}

impl Totals {
    /// Grand total in USD (every line's pricing total).
    pub fn pricing(&self) -> Decimal {
        self.by_customer_month
            .values()
            .map(|(_, a)| a.pricing)
            .sum()
    }

    /// Grand total billed, per billing currency.
    pub fn billing(&self) -> BTreeMap<&'static str, Decimal> {
        let mut out = BTreeMap::new();
        for (currency, a) in self.by_customer_month.values() {
            *out.entry(*currency).or_default() += a.billing;
        }
        out
    }

    /// Σ k × (pricing + billing) over the customer months in order (k = 1, 2, ...): moves
    /// when an amount moves from one customer month to another, which grand totals miss.
    pub fn checksum(&self) -> Decimal {
        self.by_customer_month
            .values()
            .zip(1u64..)
            .map(|((_, a), k)| Decimal::from(k) * (a.pricing + a.billing))
            .sum()
    }
}

/// Fails with the first differences unless `ours` and `theirs` agree on every customer month.
pub fn compare(ours: &Totals, theirs: &Totals) -> Result<()> {
    let mut differences = Vec::new();
    let keys: std::collections::BTreeSet<_> = ours
        .by_customer_month
        .keys()
        .chain(theirs.by_customer_month.keys())
        .collect();
    for key in keys {
        let (a, b) = (
            ours.by_customer_month.get(key),
            theirs.by_customer_month.get(key),
        );
        if a != b {
            differences.push(format!(
                "customer {} month {}: ours {a:?}, DuckDB {b:?}",
                key.customer, key.month
            ));
        }
    }
    if !differences.is_empty() {
        bail!(
            "the two sides disagree on {} of {} customer months (first 10):\n  {}",
            differences.len(),
            ours.by_customer_month.len(),
            differences
                .iter()
                .take(10)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    Ok(())
}
