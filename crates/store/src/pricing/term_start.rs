//! The start of the term a new-commerce licence charge bills (issue 16): a licence's price is
//! locked for a term at the price of the day the term starts, and a renewal starts a new term
//! at the renewal's then-current price. So the licence check needs the start of the charge's
//! own term, not its subscription's creation.
//!
//! # What Microsoft sends, and which date marks the term
//! The new-commerce reconciliation line (v1 `OneTimeInvoiceLineItem`, Graph's billed and
//! unbilled reconciliation exports) carries `OrderDate`, `SubscriptionStartDate`,
//! `SubscriptionEndDate`, `ChargeStartDate`/`ChargeEndDate` and `TermAndBillingCycle`
//! (Graph: learn.microsoft.com/graph/api/resources/partners-billing-attributeset, the
//! reconciliation table, tests/fixtures/microsoft/graph/reconciliation-attributes.json;
//! `SubscriptionStartDate`/`EndDate` are `full` columns, not `basic` ones. v1: Microsoft's
//! billed sample, tests/fixtures/microsoft/invoices/invoice-line-items-onetime-billing.json).
//! - `OrderDate` is the "UTC date of the billing event that created the transaction or
//!   billing line item" (learn.microsoft.com/partner-center/billing/modern-invoice-reconciliation-file).
//!   A monthly cycle charge of an annual term is such an event too, so it does not date the
//!   term; it is kept, not used.
//! - `SubscriptionStartDate` and `SubscriptionEndDate` delimit a term: in Microsoft's sample
//!   a `One-Year commitment` line runs from 2021-05-20 to 2022-05-19 and a `One-Month` one
//!   from 2021-05-20 to 2021-06-19. The license-based file's docs say the two are "used
//!   together to determine ... if the subscription has been renewed", that the end is "12
//!   months from the renewal date" (or aligned to the partner's billing date), and that "at
//!   renewal, prices are updated to the current price list"
//!   (learn.microsoft.com/partner-center/billing/license-based-recon-files).
//!
//! The docs do not say whether, on a renewed term's lines, `SubscriptionStartDate` is the
//! renewal's day or the original purchase's. The rule here gives the same answer either way:
//! the term start is `SubscriptionStartDate` stepped forward by whole terms (the
//! subscription's `termDuration`) to the last start on or before the charge's start. A line
//! without a readable `SubscriptionStartDate` is dated by its subscription's creation (the
//! rule before issue 16), and the check counts it apart.

use chrono::{Months, NaiveDate};

/// Which date marked the start of a charge's term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TermDating {
    /// The line's own `SubscriptionStartDate`, stepped by the term to the charge.
    LineTerm,
    /// No term data on the line: its subscription's creation (an approximation that is
    /// wrong for a renewed term).
    SubscriptionCreation,
}

/// A date as Microsoft sends them: `2021-05-20T00:00:00Z`, `2026-10-01`, or the portal
/// file's `10/3/2020`.
pub fn read_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if let Some(head) = text.get(..10) {
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            return Some(d);
        }
    }
    let day = text.split([' ', 'T']).next()?;
    NaiveDate::parse_from_str(day, "%m/%d/%Y").ok()
}

/// Months in an ISO 8601 term duration (`P1M`, `P1Y`, `P3Y`); None for any other.
pub fn term_months(duration: &str) -> Option<u32> {
    let rest = duration.trim().strip_prefix(['P', 'p'])?;
    let (count, unit) = rest.split_at(rest.len().checked_sub(1)?);
    let count: u32 = count.parse().ok().filter(|n| *n > 0)?;
    match unit {
        "M" | "m" => Some(count),
        "Y" | "y" => count.checked_mul(12),
        _ => None,
    }
}

/// The start of the term holding `charge_start`, for a subscription whose line says its
/// (current or first) term starts on `subscription_start` and whose terms last `duration`.
/// A charge starting before `subscription_start` (a proration of the first days) is that
/// term's.
pub fn term_start(
    subscription_start: NaiveDate,
    duration: &str,
    charge_start: NaiveDate,
) -> Option<NaiveDate> {
    let step = term_months(duration)?;
    // Months between the two, then back off while the stepped start overshoots (month ends
    // clamp: a term from 31 January steps to 28/29 February).
    let months = (charge_start.year_month() - subscription_start.year_month()).max(0) as u32;
    let mut k = months / step;
    loop {
        let candidate = subscription_start.checked_add_months(Months::new(k * step))?;
        if candidate <= charge_start || k == 0 {
            return Some(candidate);
        }
        k -= 1;
    }
}

trait YearMonth {
    fn year_month(&self) -> i64;
}

impl YearMonth for NaiveDate {
    fn year_month(&self) -> i64 {
        use chrono::Datelike;
        i64::from(self.year()) * 12 + i64::from(self.month0())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        read_date(s).unwrap()
    }

    #[test]
    fn dates_read_in_each_shape_microsoft_sends() {
        assert_eq!(d("2021-05-20T18:30:06.6045692Z"), d("2021-05-20"));
        assert_eq!(d("10/3/2020"), d("2020-10-03"));
        assert_eq!(d("2/1/2019 0:00"), d("2019-02-01"));
        assert_eq!(read_date("soon"), None);
    }

    #[test]
    fn durations_read_in_months() {
        assert_eq!(term_months("P1M"), Some(1));
        assert_eq!(term_months("P1Y"), Some(12));
        assert_eq!(term_months("P3Y"), Some(36));
        assert_eq!(term_months("P0M"), None);
        assert_eq!(term_months("monthly"), None);
    }

    #[test]
    fn a_renewed_term_starts_at_its_renewal_whichever_start_the_line_sends() {
        // A P1M subscription bought 15 June: the charge from 15 October is the fifth term's,
        // whether the line sends the purchase (15 June) or the renewal (15 October).
        let charge = d("2026-10-15");
        assert_eq!(
            term_start(d("2026-06-15"), "P1M", charge),
            Some(d("2026-10-15"))
        );
        assert_eq!(
            term_start(d("2026-10-15"), "P1M", charge),
            Some(d("2026-10-15"))
        );
        // Its days before the renewal are the previous term's.
        assert_eq!(
            term_start(d("2026-06-15"), "P1M", d("2026-10-14")),
            Some(d("2026-09-15"))
        );
        // An annual term: monthly charges within the year keep the purchase's start; the
        // charge after the anniversary is the renewed term's.
        assert_eq!(
            term_start(d("2025-12-01"), "P1Y", d("2026-11-01")),
            Some(d("2025-12-01"))
        );
        assert_eq!(
            term_start(d("2025-12-01"), "P1Y", d("2026-12-01")),
            Some(d("2026-12-01"))
        );
        // A charge before the start (the first days' proration) is the first term's.
        assert_eq!(
            term_start(d("2026-10-15"), "P1M", d("2026-10-01")),
            Some(d("2026-10-15"))
        );
        // Month ends clamp.
        assert_eq!(
            term_start(d("2026-01-31"), "P1M", d("2026-03-01")),
            Some(d("2026-02-28"))
        );
        assert_eq!(term_start(d("2026-01-31"), "monthly", charge), None);
    }
}
