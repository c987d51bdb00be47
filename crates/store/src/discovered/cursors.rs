//! What the database knows about what was fetched for one partner account, read in one go
//! for the planner. These are plain data: the planner is a pure function of them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{parse_date, parse_instant};
use crate::error::Result;
use crate::Database;

/// Everything the database knows about what was fetched, for one partner account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursors {
    /// When the customer list was last read completely.
    pub customers_listed_at: Option<DateTime<Utc>>,
    /// Known customers, by id.
    pub customers: Vec<CustomerCursor>,
    /// When each currency's rate card was last read.
    pub rate_cards: Vec<(String, DateTime<Utc>)>,
    /// When the invoice list was last read completely.
    pub invoices_listed_at: Option<DateTime<Utc>>,
    /// Known invoices, by id.
    pub invoices: Vec<InvoiceCursor>,
    /// Unbilled usage reads of the open periods.
    pub unbilled: Vec<UnbilledRead>,
    /// The Microsoft Graph billing exports stored whole, with their data versions.
    #[serde(default)]
    pub graph_exports: Vec<GraphExportRead>,
}

/// When one Graph billing export was last read whole, and its data version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphExportRead {
    /// Which export.
    pub dataset: super::GraphDataset,
    /// Invoice id, or `YYYY-MM:CUR`.
    pub scope: String,
    /// The manifest's eTag (`None`: Microsoft had no data).
    pub e_tag: Option<String>,
    /// When it was read (or found unchanged).
    pub read_at: DateTime<Utc>,
}

/// When the unbilled usage of an open period in one currency was last read completely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbilledRead {
    /// The previous period (else the current one).
    pub previous: bool,
    /// Currency.
    pub currency: String,
    /// `YYYY-MM` of the period read.
    pub month: String,
    /// When.
    pub read_at: DateTime<Utc>,
}

/// One customer's cursors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerCursor {
    /// Customer (tenant) id.
    pub id: String,
    /// False when Partner Center said the partner has no relationship (403/20002): skipped.
    pub reachable: bool,
    /// Customers transferred in from another partner have data only from this day.
    pub transferred_on: Option<NaiveDate>,
    /// When its subscriptions were last read.
    pub subscriptions_listed_at: Option<DateTime<Utc>>,
    /// Its subscriptions, by id.
    pub subscriptions: Vec<SubscriptionCursor>,
}

/// One subscription's cursors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionCursor {
    /// Partner Center subscription id.
    pub id: String,
    /// What kind of usage it has.
    pub kind: SubscriptionKind,
    /// When it was created (None when Partner Center did not say).
    pub created_on: Option<NaiveDate>,
    /// Last day whose legacy usage is stored.
    pub usage_through: Option<NaiveDate>,
    /// When its Azure entitlements were last read (Azure plan only).
    pub entitlements_listed_at: Option<DateTime<Utc>>,
}

/// The usage a subscription produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubscriptionKind {
    /// Legacy Azure (MS-AZR-0145P): usage through the utilization API.
    LegacyAzure,
    /// Azure plan: Azure subscriptions as entitlements; usage through daily rated usage.
    AzurePlan,
    /// Licence-based (Microsoft 365, ...): no usage.
    Licence,
    /// Partner Center sent no offer id (older or special subscriptions): kept, with no usage
    /// read for it.
    Unknown,
}

impl SubscriptionKind {
    /// Stored text.
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionKind::LegacyAzure => "legacyAzure",
            SubscriptionKind::AzurePlan => "azurePlan",
            SubscriptionKind::Licence => "licence",
            SubscriptionKind::Unknown => "unknown",
        }
    }

    /// From stored text; anything unknown is treated as licence-based (no usage to read).
    pub fn parse(text: &str) -> SubscriptionKind {
        match text {
            "legacyAzure" => SubscriptionKind::LegacyAzure,
            "azurePlan" => SubscriptionKind::AzurePlan,
            "unknown" => SubscriptionKind::Unknown,
            _ => SubscriptionKind::Licence,
        }
    }
}

/// One invoice's cursors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceCursor {
    /// Invoice id.
    pub id: String,
    /// Invoice currency (line-item queries of new-commerce invoices need it).
    pub currency: String,
    /// `YYYY-MM` of its billing period, when Microsoft said.
    pub month: Option<String>,
    /// Its line-item collections.
    pub streams: Vec<LineStream>,
}

/// One line-item collection of an invoice (an `invoiceDetails` entry).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LineStream {
    /// `billingProvider` as sent.
    pub provider: String,
    /// `invoiceLineItemType` as sent.
    pub kind: String,
    /// All its lines are stored.
    pub complete: bool,
    /// Where to resume (an opaque JSON continuation) when a run stopped mid-way.
    pub resume: Option<String>,
}

/// Reads every cursor of `account_id`.
pub fn load_cursors(db: &Database, account_id: &str) -> Result<Cursors> {
    let conn = db.conn();
    let mut c = Cursors::default();
    let top = conn
        .prepare_cached(
            "SELECT customers_listed_at, invoices_listed_at FROM discovery_cursors WHERE account_id = ?1",
        )?
        .query_map(params![account_id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get::<_, Option<String>>(1)?,
            ))
        })?
        .next()
        .transpose()?;
    if let Some((customers, invoices)) = top {
        c.customers_listed_at = parse_instant(customers);
        c.invoices_listed_at = parse_instant(invoices);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT period, currency, month, read_at FROM unbilled_reads WHERE account_id = ?1
         ORDER BY period, currency",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    for row in rows {
        let (period, currency, month, at) = row?;
        if let Some(read_at) = parse_instant(at) {
            c.unbilled.push(UnbilledRead {
                previous: period == "previous",
                currency,
                month,
                read_at,
            });
        }
    }

    let mut stmt = conn.prepare_cached(
        "SELECT dataset, scope, e_tag, read_at FROM graph_exports WHERE account_id = ?1
         ORDER BY dataset, scope",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    for row in rows {
        let (dataset, scope, e_tag, at) = row?;
        if let (Some(dataset), Some(read_at)) =
            (super::GraphDataset::parse(&dataset), parse_instant(at))
        {
            c.graph_exports.push(GraphExportRead {
                dataset,
                scope,
                e_tag,
                read_at,
            });
        }
    }

    let mut subs: HashMap<String, Vec<SubscriptionCursor>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, id, kind, creation_date, usage_through, entitlements_listed_at
         FROM subscriptions WHERE account_id = ?1 ORDER BY customer_id, id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            SubscriptionCursor {
                id: r.get(1)?,
                kind: SubscriptionKind::parse(&r.get::<_, String>(2)?),
                created_on: parse_date(r.get(3)?),
                usage_through: parse_date(r.get(4)?),
                entitlements_listed_at: parse_instant(r.get(5)?),
            },
        ))
    })?;
    for row in rows {
        let (customer, sub) = row?;
        subs.entry(customer).or_default().push(sub);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, reachable, transferred_on, subscriptions_listed_at
         FROM customers WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok(CustomerCursor {
            id: r.get(0)?,
            reachable: r.get(1)?,
            transferred_on: parse_date(r.get(2)?),
            subscriptions_listed_at: parse_instant(r.get(3)?),
            subscriptions: Vec::new(),
        })
    })?;
    for row in rows {
        let mut customer = row?;
        customer.subscriptions = subs.remove(&customer.id).unwrap_or_default();
        c.customers.push(customer);
    }

    let mut stmt = conn.prepare_cached(
        "SELECT currency, fetched_at FROM rate_cards WHERE account_id = ?1 ORDER BY currency",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    for row in rows {
        let (currency, at) = row?;
        if let Some(at) = parse_instant(at) {
            c.rate_cards.push((currency, at));
        }
    }

    let mut streams: HashMap<String, Vec<LineStream>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_id, provider, kind, complete, resume FROM invoice_line_streams
         WHERE account_id = ?1 ORDER BY invoice_id, provider, kind",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            LineStream {
                provider: r.get(1)?,
                kind: r.get(2)?,
                complete: r.get(3)?,
                resume: r.get(4)?,
            },
        ))
    })?;
    for row in rows {
        let (invoice, stream) = row?;
        streams.entry(invoice).or_default().push(stream);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, currency, substr(billing_period_start, 1, 7) FROM invoices WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![account_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    for row in rows {
        let (id, currency, month) = row?;
        c.invoices.push(InvoiceCursor {
            streams: streams.remove(&id).unwrap_or_default(),
            id,
            currency,
            month,
        });
    }
    Ok(c)
}
