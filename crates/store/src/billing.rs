//! Invoices as the Billing pages and exports read them: the invoice list, one invoice's
//! charges per customer, and one customer's lines on an invoice (new-commerce billing lines
//! and legacy lines alike, as one shape). Amounts are summed in Rust from their decimal text,
//! never with SQLite's floating-point `sum`. Lines are streamed to a callback, so an export
//! of a million lines holds one line at a time; `invoice_lines` reads them for sorted and
//! filtered views.

use rusqlite::params;

use crate::error::Result;
use crate::usage_decimal::UsageDecimal;
use crate::{Database, Money};

/// One invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    /// Partner account id.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Invoice number.
    pub id: String,
    /// Invoice date as sent.
    pub invoice_date: Option<String>,
    /// Billing period start as sent.
    pub billing_period_start: Option<String>,
    /// Billing period end as sent.
    pub billing_period_end: Option<String>,
    /// `totalCharges`.
    pub total_charges: Money,
    /// `paidAmount`.
    pub paid_amount: Option<Money>,
    /// Currency.
    pub currency: String,
    /// `invoiceType` (`Recurring`, `OneTime`...).
    pub invoice_type: Option<String>,
    /// `documentType` (`invoice`, `void_note`, `adjustment_note`...).
    pub document_type: Option<String>,
    /// For a credit or adjustment note: the invoice it amends.
    pub amends_of: Option<String>,
    /// Whether every line-item collection of it is read whole.
    pub lines_complete: bool,
    /// The data version of its lines when Microsoft Graph served them: the billed
    /// reconciliation export's eTag, and when it was read (`None`: read through v1).
    pub data_version: Option<(String, String)>,
}

/// Every invoice of every account, newest first.
pub fn invoices(db: &Database) -> Result<Vec<InvoiceRow>> {
    invoices_matching(db, None, None)
}

/// The credit and adjustment notes stored against `invoice_id`.
pub fn notes_of(db: &Database, account_id: &str, invoice_id: &str) -> Result<Vec<InvoiceRow>> {
    invoices_matching(db, None, Some((account_id, invoice_id)))
}

/// One invoice, if stored.
pub fn invoice(db: &Database, account_id: &str, invoice_id: &str) -> Result<Option<InvoiceRow>> {
    Ok(invoices_matching(db, Some((account_id, invoice_id)), None)?.pop())
}

/// Every invoice, or the one `(account, id)`, or the notes amending `(account, id)`.
fn invoices_matching(
    db: &Database,
    one: Option<(&str, &str)>,
    amending: Option<(&str, &str)>,
) -> Result<Vec<InvoiceRow>> {
    let (account, id) = one.unzip();
    let (of_account, of_id) = amending.unzip();
    let mut stmt = db.conn().prepare_cached(
        "SELECT i.account_id, a.name, i.id, i.invoice_date, i.billing_period_start,
                i.billing_period_end, i.total_charges, i.paid_amount, i.currency, i.invoice_type,
                i.document_type, i.amends_of,
                NOT EXISTS (SELECT 1 FROM invoice_line_streams s
                            WHERE s.account_id = i.account_id AND s.invoice_id = i.id
                              AND s.complete = 0)
                AND EXISTS (SELECT 1 FROM invoice_line_streams s
                            WHERE s.account_id = i.account_id AND s.invoice_id = i.id),
                g.e_tag, g.read_at
         FROM invoices i JOIN partner_accounts a ON a.id = i.account_id
         LEFT JOIN graph_exports g ON g.account_id = i.account_id
              AND g.dataset = 'billedReconciliation' AND g.scope = i.id
         WHERE (?1 IS NULL OR (i.account_id = ?1 AND i.id = ?2))
           AND (?3 IS NULL OR (i.account_id = ?3 AND i.amends_of = ?4))
         ORDER BY i.invoice_date DESC, i.id DESC",
    )?;
    let rows = stmt.query_map(params![account, id, of_account, of_id], |r| {
        Ok(InvoiceRow {
            account_id: r.get(0)?,
            account_name: r.get(1)?,
            id: r.get(2)?,
            invoice_date: r.get(3)?,
            billing_period_start: r.get(4)?,
            billing_period_end: r.get(5)?,
            total_charges: r.get(6)?,
            paid_amount: r.get(7)?,
            currency: r.get(8)?,
            invoice_type: r.get(9)?,
            document_type: r.get(10)?,
            amends_of: r.get(11)?,
            lines_complete: r.get(12)?,
            data_version: match (
                r.get::<_, Option<String>>(13)?,
                r.get::<_, Option<String>>(14)?,
            ) {
                (Some(e_tag), Some(read_at)) => Some((e_tag, read_at)),
                _ => None,
            },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One line of an invoice, new-commerce or legacy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLineRow {
    /// Position of the line in its table (stable, for paging).
    pub line: i64,
    /// `billing` (new commerce) or `legacy`.
    pub source: &'static str,
    /// Customer id.
    pub customer_id: String,
    /// Company name as the line names it.
    pub customer_name: Option<String>,
    /// Product (new commerce: for Azure plan usage, the meter category) or legacy resource.
    pub product: Option<String>,
    /// SKU (new commerce: the meter) or legacy resource name.
    pub sku: Option<String>,
    /// Subscription id.
    pub subscription_id: Option<String>,
    /// `chargeType`, or the legacy collection's kind.
    pub charge_type: Option<String>,
    /// Charge period start as sent.
    pub charge_start: Option<String>,
    /// Charge period end as sent.
    pub charge_end: Option<String>,
    /// Quantity as sent.
    pub quantity: Option<String>,
    /// Unit price as sent (legacy: Azure's list price, Office's licence price).
    pub unit_price: Option<String>,
    /// Effective unit price as sent (new commerce only).
    pub effective_unit_price: Option<String>,
    /// Pre-tax amount: `subtotal` or `pretaxCharges`.
    pub cost: Money,
    /// Currency.
    pub currency: Option<String>,
}

/// The two tables of invoice lines, as one shape. Each is read on its own, in rowid order
/// (new-commerce lines first): ordering their union would sort every line of the invoice
/// before the first one could be returned.
pub(crate) const TABLES: [&str; 2] = [
    "SELECT rowid, 'billing', customer_id, customer_name, product_name, sku_name, subscription_id,
            charge_type, charge_start_date, charge_end_date, quantity, unit_price,
            effective_unit_price, subtotal, currency
     FROM billing_line_items WHERE account_id = ?1 AND invoice_id = ?2",
    "SELECT rowid, 'legacy', COALESCE(customer_id, ''), NULL, resource_name, resource_guid,
            subscription_id, kind, charge_start_date, charge_end_date, consumed_quantity, unit_price,
            NULL, COALESCE(pretax_charges, '0'), currency
     FROM legacy_line_items WHERE account_id = ?1 AND invoice_id = ?2",
];

/// One table's lines, of one customer or all, in rowid order.
fn table_sql(table: &str, customer: bool) -> String {
    format!(
        "{table}{} ORDER BY rowid",
        if customer {
            " AND customer_id = ?3"
        } else {
            ""
        }
    )
}

pub(crate) fn line(r: &rusqlite::Row<'_>) -> rusqlite::Result<InvoiceLineRow> {
    let source: String = r.get(1)?;
    Ok(InvoiceLineRow {
        line: r.get(0)?,
        source: if source == "legacy" {
            "legacy"
        } else {
            "billing"
        },
        customer_id: r.get(2)?,
        customer_name: r.get(3)?,
        product: r.get(4)?,
        sku: r.get(5)?,
        subscription_id: r.get(6)?,
        charge_type: r.get(7)?,
        charge_start: r.get(8)?,
        charge_end: r.get(9)?,
        quantity: r.get(10)?,
        unit_price: r.get(11)?,
        effective_unit_price: r.get(12)?,
        cost: r.get(13)?,
        currency: r.get(14)?,
    })
}

/// Calls `visit` with each line of `invoice_id` (of one customer, or all), new-commerce lines
/// first, each in the order stored. Stops at the first error `visit` returns.
pub fn each_line<E: From<crate::Error>>(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
    customer_id: Option<&str>,
    mut visit: impl FnMut(InvoiceLineRow) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let conn = db.conn();
    for table in TABLES {
        let mut stmt = conn
            .prepare_cached(&table_sql(table, customer_id.is_some()))
            .map_err(crate::Error::from)?;
        let mut rows = match customer_id {
            Some(c) => stmt.query(params![account_id, invoice_id, c]),
            None => stmt.query(params![account_id, invoice_id]),
        }
        .map_err(crate::Error::from)?;
        while let Some(r) = rows.next().map_err(crate::Error::from)? {
            visit(line(r).map_err(crate::Error::from)?)?;
        }
    }
    Ok(())
}

/// One customer's charges on an invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerCharges {
    /// Customer id.
    pub customer_id: String,
    /// Company name as the lines name it (legacy lines do not).
    pub customer_name: Option<String>,
    /// Lines.
    pub lines: u64,
    /// Σ pre-tax amounts, exact.
    pub cost: Money,
}

/// An invoice's charges per customer, by customer id. They add up to the sum of its lines.
/// Once every line of the invoice is read, the sums are kept (`invoice_customer_totals`)
/// until its lines are written again, so a million-line invoice is summed once.
pub fn charges_by_customer(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
) -> Result<Vec<CustomerCharges>> {
    let conn = db.conn();
    let cached = cached_charges(db, account_id, invoice_id)?;
    if !cached.is_empty() {
        return Ok(cached);
    }
    if !lines_complete(db, account_id, invoice_id)? {
        return sum_charges(db, account_id, invoice_id);
    }
    // Summed and kept in one write transaction, so no page of lines lands in between. A
    // read-only connection cannot keep them: it sums every time.
    let Ok(tx) =
        rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
    else {
        return sum_charges(db, account_id, invoice_id);
    };
    let sums = sum_charges(db, account_id, invoice_id)?;
    let keep = || -> rusqlite::Result<()> {
        let mut insert = tx.prepare_cached(
            "INSERT OR REPLACE INTO invoice_customer_totals
                 (account_id, invoice_id, customer_id, customer_name, lines, cost)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for c in &sums {
            insert.execute(params![
                account_id,
                invoice_id,
                c.customer_id,
                c.customer_name,
                i64::try_from(c.lines).unwrap_or(i64::MAX),
                c.cost
            ])?;
        }
        Ok(())
    };
    // Keeping the sums is an optimisation: if it fails (a read-only file, a full disk), the
    // sums are still right, and they are summed again next time.
    if keep().is_ok() {
        let _ = tx.commit();
    }
    Ok(sums)
}

/// Σ `subtotal` of an invoice's Azure plan usage lines (new commerce, `chargeType` usage),
/// exact: the part of the invoice that its daily rated usage details, which Reconciliation
/// compares; the rest of its lines are licences and other charges.
pub fn usage_charges(db: &Database, account_id: &str, invoice_id: &str) -> Result<Money> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT subtotal FROM billing_line_items
         WHERE account_id = ?1 AND invoice_id = ?2 AND lower(charge_type) = 'usage'",
    )?;
    let mut rows = stmt.query(params![account_id, invoice_id])?;
    let mut sum = Money::ZERO;
    while let Some(r) = rows.next()? {
        sum += r.get::<_, Money>(0)?;
    }
    Ok(sum)
}

/// Whether every line-item collection of the invoice is read whole.
fn lines_complete(db: &Database, account_id: &str, invoice_id: &str) -> Result<bool> {
    Ok(db
        .conn()
        .query_row(
            "SELECT count(*) > 0 AND sum(complete = 0) = 0 FROM invoice_line_streams
         WHERE account_id = ?1 AND invoice_id = ?2",
            params![account_id, invoice_id],
            |r| r.get::<_, Option<bool>>(0),
        )?
        .unwrap_or(false))
}

fn cached_charges(
    db: &Database,
    account_id: &str,
    invoice_id: &str,
) -> Result<Vec<CustomerCharges>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT customer_id, customer_name, lines, cost FROM invoice_customer_totals
         WHERE account_id = ?1 AND invoice_id = ?2 ORDER BY customer_id",
    )?;
    let rows = stmt.query_map(params![account_id, invoice_id], |r| {
        Ok(CustomerCharges {
            customer_id: r.get(0)?,
            customer_name: r.get(1)?,
            lines: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
            cost: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn sum_charges(db: &Database, account_id: &str, invoice_id: &str) -> Result<Vec<CustomerCharges>> {
    let mut by: std::collections::BTreeMap<String, CustomerCharges> = Default::default();
    // Only the columns summed are read: this runs over every line of the invoice.
    let mut stmt = db.conn().prepare_cached(
        "SELECT customer_id, customer_name, subtotal FROM billing_line_items
         WHERE account_id = ?1 AND invoice_id = ?2
         UNION ALL
         SELECT COALESCE(customer_id, ''), NULL, COALESCE(pretax_charges, '0') FROM legacy_line_items
         WHERE account_id = ?1 AND invoice_id = ?2",
    )?;
    let mut rows = stmt.query(params![account_id, invoice_id])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let cost: Money = r.get(2)?;
        let e = by.entry(id.clone()).or_insert_with(|| CustomerCharges {
            customer_id: id,
            customer_name: None,
            lines: 0,
            cost: Money::ZERO,
        });
        if e.customer_name.is_none() {
            e.customer_name = r.get(1)?;
        }
        e.lines += 1;
        e.cost += cost;
    }
    Ok(by.into_values().collect())
}

/// One customer's unbilled usage of an open period in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnbilledCharges {
    /// Account id.
    pub account_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Customer id.
    pub customer_id: String,
    /// Daily usage records.
    pub records: u64,
    /// Σ `billingPreTaxTotal`, exact.
    pub cost: Money,
}

/// What an open period will bill for one product (Graph's unbilled reconciliation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnbilledProductCharges {
    /// Account id.
    pub account_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// Billing currency.
    pub currency: String,
    /// Product name as sent (empty when not sent).
    pub product: String,
    /// Lines.
    pub lines: u64,
    /// Σ subtotal, exact.
    pub amount: Money,
}

/// The open periods' charges besides usage (licences, reservations, savings plans,
/// marketplace, one-time purchases) per account, period, currency and product, while the
/// period is not invoiced in that currency. The reconciliation's usage lines are left out:
/// the daily rated usage is shown beside these, and counting it here too would add it twice.
pub fn unbilled_charges(db: &Database) -> Result<Vec<UnbilledProductCharges>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT l.account_id, substr(l.source, 1, 7), substr(l.source, 9), coalesce(l.product_name, ''),
                l.subtotal
         FROM unbilled_reconciliation_lines l
         WHERE lower(l.charge_type) <> 'usage'
           AND NOT EXISTS (SELECT 1 FROM invoices i
                           WHERE i.account_id = l.account_id
                             AND substr(i.billing_period_start, 1, 7) = substr(l.source, 1, 7)
                             AND i.currency = substr(l.source, 9))",
    )?;
    let mut by: std::collections::BTreeMap<(String, String, String, String), (u64, Money)> =
        Default::default();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let amount: Money = r.get(4)?;
        let e = by
            .entry((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            .or_insert((0, Money::ZERO));
        e.0 += 1;
        e.1 += amount;
    }
    Ok(by
        .into_iter()
        .map(
            |((account_id, period, currency, product), (lines, amount))| UnbilledProductCharges {
                account_id,
                period,
                currency,
                product,
                lines,
                amount,
            },
        )
        .collect())
}

/// Microsoft's unbilled daily rated usage (open periods not invoiced yet in that currency),
/// per account, period, currency and customer.
pub fn unbilled(db: &Database) -> Result<Vec<UnbilledCharges>> {
    let mut stmt = db.conn().prepare_cached(
        "SELECT s.account_id, substr(s.source, 10, 7), t.billing_currency, j.customer_id,
                f.billing_pre_tax_total
         FROM usage_sources s
         CROSS JOIN usage_subjects j
         CROSS JOIN daily_usage_facts f ON f.source_id = s.id AND f.subject_id = j.id
         JOIN usage_terms t ON t.id = f.terms_id
         WHERE s.source LIKE 'unbilled:%' AND s.staged = 0 AND j.account_id = s.account_id
           AND NOT EXISTS (SELECT 1 FROM invoices i
                           WHERE i.account_id = s.account_id
                             AND substr(i.billing_period_start, 1, 7) = substr(s.source, 10, 7)
                             AND i.currency = t.billing_currency)",
    )?;
    let mut by: std::collections::BTreeMap<(String, String, String, String), (u64, Money)> =
        Default::default();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let key = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let amount = Money::new(r.get::<_, UsageDecimal>(4)?.0);
        let e = by.entry(key).or_insert((0, Money::ZERO));
        e.0 += 1;
        e.1 += amount;
    }
    Ok(by
        .into_iter()
        .map(
            |((account_id, period, currency, customer_id), (records, cost))| UnbilledCharges {
                account_id,
                period,
                currency,
                customer_id,
                records,
                cost,
            },
        )
        .collect())
}
