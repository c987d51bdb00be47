//! The new-commerce licence charges held (billed reconciliation lines of invoices and the
//! open periods' unbilled ones, as Discovery wrote them from Graph's exports or v1 line
//! items), with what checking them against Microsoft's licence price sheet needs: product,
//! SKU, term, billing plan, the month the charge's term started, market, currency and unit
//! price.
//!
//! # Where term, billing plan and the term's start come from
//! Term duration and billing plan are the line's subscription's (`termDuration`,
//! `billingCycle`); a licence charge is a line whose subscription is a licence with a term.
//! The term's start is the line's own (`SubscriptionStartDate` stepped to the charge,
//! [`super::term_start`] says why), kept since migration 0020; a line without it (written
//! before, or from a `basic` Graph export) is dated by its subscription's `creationDate`, and
//! says so ([`TermDating`]).
//!
//! # Market
//! A licence sheet is per market, in the market's currency; the lines keep their currency,
//! not the customer's country. The market read for a currency is [`market_of`]'s.

use std::collections::HashMap;

use rusqlite::params;
use rust_decimal::Decimal;

use super::term_start::{read_date, term_start, TermDating};
use crate::error::Result;
use crate::Database;

/// One licence charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceCharge {
    /// `invoice {id}` or `unbilled {YYYY-MM:CUR}`.
    pub document: String,
    /// The customer.
    pub customer_id: String,
    /// Its name on the line.
    pub customer_name: Option<String>,
    /// The subscription.
    pub subscription_id: String,
    /// Product id (`CFQ7TTC0LH18`).
    pub product_id: String,
    /// SKU id (`0001`).
    pub sku_id: String,
    /// Product name.
    pub product_name: Option<String>,
    /// SKU name.
    pub sku_name: Option<String>,
    /// `cycleCharge`, `new`, `addQuantity`...
    pub charge_type: String,
    /// The billed unit price (before discounts).
    pub unit_price: Decimal,
    /// Quantity.
    pub quantity: Decimal,
    /// Billing currency.
    pub currency: String,
    /// Charge start (as sent).
    pub charge_start: Option<String>,
    /// `P1M`, `P1Y`...
    pub term: String,
    /// `monthly`, `annual`... (the subscription's billing cycle).
    pub billing_plan: String,
    /// `YYYY-MM` in which the charge's term started: the sheet whose price it is locked at.
    pub term_month: String,
    /// Which date gave `term_month`.
    pub dated_by: TermDating,
    /// `YYYY-MM` of the subscription's creation (the rule before issue 16, kept to show
    /// what it would have done).
    pub created_month: String,
    /// The market whose sheet prices it.
    pub market: String,
}

/// The market whose licence sheet is read for charges billed in `currency`: the partner
/// market of each currency the emulator and Microsoft's samples bill in (the euro's list
/// prices are read in Germany's sheet). None for a currency without one.
pub fn market_of(currency: &str) -> Option<&'static str> {
    match currency.to_ascii_uppercase().as_str() {
        "USD" => Some("US"),
        "EUR" => Some("DE"),
        "GBP" => Some("GB"),
        "CAD" => Some("CA"),
        "AUD" => Some("AU"),
        "JPY" => Some("JP"),
        "CHF" => Some("CH"),
        "DKK" => Some("DK"),
        "NOK" => Some("NO"),
        "SEK" => Some("SE"),
        "NZD" => Some("NZ"),
        "INR" => Some("IN"),
        "BRL" => Some("BR"),
        _ => None,
    }
}

/// A licence subscription's term, billing plan and creation month.
struct LicenceTerm {
    term: String,
    billing_plan: String,
    created_month: String,
}

/// Every licence charge of `account_id` held (those whose charge starts in `period`,
/// `YYYY-MM`, when given), billed first, in a stable order.
///
/// The lines are read by the `(account_id, charge_start_date)` index (0023) and joined with
/// the account's licence subscriptions in memory, by id case aside: a join on `lower(id)`
/// in SQL can use no index, and read every line once per licence subscription.
pub fn licence_charges(
    db: &Database,
    account_id: &str,
    period: Option<&str>,
) -> Result<Vec<LicenceCharge>> {
    // By id as stored, and by id case aside (the first in id order): a line names its
    // subscription as its own API spelled it.
    let mut terms: HashMap<String, LicenceTerm> = HashMap::new();
    let mut folded: HashMap<String, String> = HashMap::new();
    {
        let mut stmt = db.conn().prepare_cached(
            "SELECT id, term_duration, COALESCE(billing_cycle, ''), substr(creation_date, 1, 7)
             FROM subscriptions
             WHERE account_id = ?1 AND kind = 'licence' AND term_duration IS NOT NULL
               AND creation_date IS NOT NULL
             ORDER BY id",
        )?;
        let mut rows = stmt.query(params![account_id])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            folded
                .entry(id.to_ascii_lowercase())
                .or_insert_with(|| id.clone());
            terms.insert(
                id,
                LicenceTerm {
                    term: r.get(1)?,
                    billing_plan: r.get(2)?,
                    created_month: r.get(3)?,
                },
            );
        }
    }
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    // Every text starting with `YYYY-MM` sorts from `YYYY-MM` up to the prefix followed by
    // the highest character, so the range is the index's and equals a prefix test. Without a
    // period there is no range at all (lines without a charge start count too); one statement
    // for both, `?2 IS NULL OR ...`, would keep SQLite from using the range.
    let month = period.map(|p| (p.to_string(), format!("{p}\u{10FFFF}")));
    let in_month = if month.is_some() { IN_MONTH } else { "" };
    let mut out = Vec::new();
    for (table, document) in [
        ("billing_line_items", "'invoice ' || l.invoice_id"),
        ("unbilled_reconciliation_lines", "'unbilled ' || l.source"),
    ] {
        let mut stmt = db
            .conn()
            .prepare_cached(&lines_sql(table, document, in_month))?;
        let mut rows = match &month {
            Some((from, to)) => stmt.query(params![account_id, from, to])?,
            None => stmt.query(params![account_id])?,
        };
        while let Some(r) = rows.next()? {
            let subscription_id: String = r.get(3)?;
            let licence = terms.get(&subscription_id).or_else(|| {
                folded
                    .get(&subscription_id.to_ascii_lowercase())
                    .and_then(|id| terms.get(id))
            });
            let Some(licence) = licence else {
                continue;
            };
            // An amount that does not read leaves the line out of the check (it is not
            // compared at all, rather than compared as 0).
            let decimal = |i: usize| -> rusqlite::Result<Option<Decimal>> {
                let text: String = r.get(i)?;
                Ok(text.trim().parse().ok())
            };
            let (Some(unit_price), Some(quantity)) = (decimal(9)?, decimal(10)?) else {
                continue;
            };
            let currency: String = r.get(11)?;
            let charge_start: Option<String> = r.get(12)?;
            let subscription_start: Option<String> = r.get(13)?;
            let line_term = subscription_start
                .as_deref()
                .and_then(read_date)
                .and_then(|start| {
                    let charge = charge_start.as_deref().and_then(read_date).unwrap_or(start);
                    term_start(start, &licence.term, charge)
                });
            let (term_month, dated_by) = match line_term {
                Some(start) => (start.format("%Y-%m").to_string(), TermDating::LineTerm),
                None => (
                    licence.created_month.clone(),
                    TermDating::SubscriptionCreation,
                ),
            };
            out.push(LicenceCharge {
                document: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                subscription_id,
                product_id: r.get(4)?,
                sku_id: r.get(5)?,
                product_name: r.get(6)?,
                sku_name: r.get(7)?,
                charge_type: r.get(8)?,
                unit_price,
                quantity,
                market: market_of(&currency).unwrap_or_default().to_string(),
                currency,
                charge_start,
                term: licence.term.clone(),
                billing_plan: licence.billing_plan.clone(),
                term_month,
                dated_by,
                created_month: licence.created_month.clone(),
            });
        }
    }
    Ok(out)
}

/// The month's range of charge starts (`?2` the month, `?3` it followed by the highest
/// character).
const IN_MONTH: &str = "AND l.charge_start_date >= ?2 AND l.charge_start_date < ?3";

/// The reconciliation lines of one table (`in_month`: [`IN_MONTH`], or nothing).
fn lines_sql(table: &str, document: &str, in_month: &str) -> String {
    format!(
        "SELECT {document}, l.customer_id, l.customer_name, l.subscription_id, l.product_id,
                COALESCE(l.sku_id, ''), l.product_name, l.sku_name, l.charge_type, l.unit_price,
                COALESCE(l.billable_quantity, l.quantity), l.currency, l.charge_start_date,
                l.subscription_start_date
         FROM {table} l
         WHERE l.account_id = ?1 {in_month}
         ORDER BY 1, l.customer_id, l.subscription_id, l.charge_start_date, l.charge_type"
    )
}

/// The (market, term month) of every licence charge held, sorted, once each: the licence
/// sheets the check needs.
pub fn licence_order_months(db: &Database, account_id: &str) -> Result<Vec<(String, String)>> {
    let mut months: Vec<(String, String)> = licence_charges(db, account_id, None)?
        .into_iter()
        .filter(|c| !c.market.is_empty())
        .map(|c| (c.market, c.term_month))
        .collect();
    months.sort();
    months.dedup();
    Ok(months)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("licences.sqlite3")).unwrap();
        // Only the lines and subscriptions matter here, not what they belong to.
        db.conn()
            .pragma_update(None, "foreign_keys", false)
            .unwrap();
        (dir, db)
    }

    #[test]
    fn a_month_is_a_range_of_the_charge_start_index() {
        let (_dir, db) = db();
        for table in ["billing_line_items", "unbilled_reconciliation_lines"] {
            let sql = lines_sql(table, "''", IN_MONTH);
            let plan: Vec<String> = db
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap()
                .query_map(params!["a1", "2026-09", "2026-09\u{10FFFF}"], |r| r.get(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(
                plan.iter().any(|p| p.contains("_by_charge_start (account_id=? AND charge_start_date>? AND charge_start_date<?)")),
                "{table}: {plan:?}"
            );
        }
    }

    #[test]
    fn charges_join_their_licence_by_id_case_aside_and_a_month_leaves_undated_lines_out() {
        let (_dir, db) = db();
        db.conn()
            .execute_batch(
                "INSERT INTO subscriptions (account_id, customer_id, id, kind, offer_id, status,
                     billing_cycle, creation_date, term_duration) VALUES
                     ('a1', 'c1', 'AB12', 'licence', 'o', 'active', 'monthly', '2026-01-05', 'P1M'),
                     ('a1', 'c1', 'plan', 'azurePlan', 'o', 'active', NULL, '2026-01-05', NULL);
                 INSERT INTO billing_line_items (account_id, invoice_id, customer_id, product_id,
                     charge_type, subscription_id, unit_price, quantity, subtotal, currency,
                     charge_start_date) VALUES
                     ('a1', 'G1', 'c1', 'P', 'cycleCharge', 'ab12', '6.00', '2', '12.00', 'USD', '2026-09-01'),
                     ('a1', 'G1', 'c1', 'P', 'cycleCharge', 'AB12', '6.00', '1', '6.00', 'USD', '2026-10-01'),
                     ('a1', 'G1', 'c1', 'P', 'new', 'AB12', '6.00', '1', '6.00', 'USD', NULL),
                     ('a1', 'G1', 'c1', 'Azure', 'usage', 'plan', '1.00', '1', '1.00', 'USD', '2026-09-01');",
            )
            .unwrap();
        let all = licence_charges(&db, "a1", None).unwrap();
        assert_eq!(all.len(), 3, "the plan's line is no licence: {all:#?}");
        assert!(all
            .iter()
            .all(|c| c.term == "P1M" && c.billing_plan == "monthly"));
        let september = licence_charges(&db, "a1", Some("2026-09")).unwrap();
        assert_eq!(september.len(), 1, "{september:#?}");
        assert_eq!(
            september[0].subscription_id, "ab12",
            "as the line spells it"
        );
        assert_eq!(september[0].quantity, Decimal::from(2));
        assert!(
            licence_charges(&db, "a1", Some("2026-11"))
                .unwrap()
                .is_empty(),
            "an undated line belongs to no month"
        );
    }
}
