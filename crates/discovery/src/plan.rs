//! What to fetch next, computed from the cursors in the database and nothing else: a pure
//! function, table-tested, that the apply step calls again after every page it writes until
//! the plan is empty. Because each step's result moves a cursor, a stopped, failed or killed
//! run resumes exactly where it left off, and a run with no new data plans almost nothing.
//!
//! Rules (why in brackets):
//! - The customer list is read once per run [new customers appear at any time; one or two pages].
//! - A customer's subscriptions are re-read when older than [`SUBSCRIPTION_REFRESH`]
//!   [they change rarely; re-reading 10,000 customers twice a day would dominate the run].
//! - Azure entitlements of an Azure plan subscription: whenever its subscriptions were re-read.
//! - Legacy (0145P) utilization: per subscription, from the day after its cursor (or its start:
//!   creation, or the transfer date for customers transferred in) through yesterday [today's
//!   usage is not complete]; at most [`USAGE_WINDOW_DAYS`] per step so one step is bounded.
//! - Azure plan usage is not per subscription: billed daily rated usage arrives with each
//!   invoice's line items, unbilled with the current (and, before the 8th, previous) period.
//! - The rate card of each invoice currency when older than [`RATE_CARD_REFRESH`] [Microsoft
//!   changes it monthly; a partner bills customers in several currencies]; the partner's
//!   default one when there are no invoices yet.
//! - The invoice list once per run, then each invoice's line-item collections until complete,
//!   resuming from the stored continuation.
//! - New-commerce billed usage and reconciliation of invoices from the cut-over on, and the
//!   open periods' unbilled usage and reconciliation from then on, come from Microsoft Graph's
//!   exports instead of the v1 line items: rules in [`crate::graph_plan`].
//! - Unbilled usage of the open period when older than [`UNBILLED_REFRESH`] or when the period
//!   changed [Microsoft updates rated usage about once a day, and the whole period is re-read
//!   each time: there is no "since" filter], and of the previous period until its invoice is out.
//!   Partner Center wants a currency with each request, and no API lists a partner's billing
//!   currencies: they are taken from the invoices (else the rate card's). Known gap: usage
//!   billed in a currency no invoice has used yet (a partner's first customer in a new market)
//!   shows once that market's first invoice is out.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::graph_plan::{graph_steps, open_periods, uses_graph, GraphStep, GRAPH_FROM_MONTH};

pub use cspdesk_store::discovered::{
    Cursors, CustomerCursor, InvoiceCursor, LineStream, SubscriptionCursor, SubscriptionKind,
    UnbilledRead,
};

/// Subscriptions of a customer are re-read when older than this.
pub const SUBSCRIPTION_REFRESH: Duration = Duration::hours(20);
/// A rate card is re-read when older than this.
pub const RATE_CARD_REFRESH: Duration = Duration::days(1);
/// Unbilled usage of an open period is re-read when older than this.
pub const UNBILLED_REFRESH: Duration = Duration::hours(11);
/// The longest utilization window one step asks for.
pub const USAGE_WINDOW_DAYS: i64 = 31;
/// How far back the first run reads legacy usage.
pub const USAGE_HISTORY_DAYS: i64 = 92;
/// Invoices (and so billed usage) are ready on this day of the month.
pub const INVOICE_DAY: u32 = 8;

/// One thing to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Read the customer list.
    ListCustomers,
    /// Read one customer's subscriptions.
    ListSubscriptions {
        /// Customer id.
        customer: String,
    },
    /// Read an Azure plan subscription's Azure entitlements.
    ListEntitlements {
        /// Customer id.
        customer: String,
        /// Subscription id.
        subscription: String,
    },
    /// Read legacy utilization of one subscription for whole days `from..=to`.
    FetchUtilization {
        /// Customer id.
        customer: String,
        /// Subscription id.
        subscription: String,
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// Read the Azure rate card of a currency (None: the partner's default).
    FetchRateCard {
        /// ISO currency code.
        currency: Option<String>,
    },
    /// Read the invoice list.
    ListInvoices,
    /// Read one line-item collection of an invoice, from the start or a stored continuation.
    FetchInvoiceLines {
        /// Invoice id.
        invoice: String,
        /// Invoice currency.
        currency: String,
        /// `billingProvider`.
        provider: String,
        /// `invoiceLineItemType`.
        kind: String,
        /// Continuation (JSON) to resume from.
        resume: Option<String>,
    },
    /// Read unbilled daily rated usage of a period in one currency.
    FetchUnbilled {
        /// Which period.
        period: UnbilledPeriod,
        /// Billing currency.
        currency: String,
    },
    /// Read one Microsoft Graph billing export (billed or unbilled usage or reconciliation).
    FetchGraphExport(GraphStep),
}

/// An open billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnbilledPeriod {
    /// The current calendar month.
    Current,
    /// Last month, until its invoice is out on the 8th.
    Previous,
}

/// `YYYY-MM` of an open period at `now`.
pub fn period_month(now: DateTime<Utc>, period: UnbilledPeriod) -> String {
    let first = now.date_naive().with_day(1).unwrap_or(now.date_naive());
    let day = match period {
        UnbilledPeriod::Current => first,
        UnbilledPeriod::Previous => first - Duration::days(1),
    };
    day.format("%Y-%m").to_string()
}

/// The steps still to do in the run that started at `run_started`, at `now`, with Graph
/// serving new-commerce billing data from [`GRAPH_FROM_MONTH`] on.
pub fn plan(c: &Cursors, run_started: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Step> {
    plan_at(c, run_started, now, Some(GRAPH_FROM_MONTH))
}

/// [`plan`] with the Graph cut-over at `graph_from` (`YYYY-MM`); `None` reads everything
/// through the v1 line items.
pub fn plan_at(
    c: &Cursors,
    run_started: DateTime<Utc>,
    now: DateTime<Utc>,
    graph_from: Option<&str>,
) -> Vec<Step> {
    let done_this_run = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t >= run_started);
    let mut steps = Vec::new();
    if !done_this_run(c.customers_listed_at) {
        steps.push(Step::ListCustomers);
    }
    let yesterday = now.date_naive() - Duration::days(1);
    let history_start = now.date_naive() - Duration::days(USAGE_HISTORY_DAYS);
    for customer in &c.customers {
        let stale = customer
            .subscriptions_listed_at
            .is_none_or(|t| now - t > SUBSCRIPTION_REFRESH);
        if stale {
            // A customer without a relationship is asked again at the same pace: the
            // relationship may come back.
            steps.push(Step::ListSubscriptions {
                customer: customer.id.clone(),
            });
            continue; // its subscriptions may change: plan them after they are read
        }
        if !customer.reachable {
            continue;
        }
        for sub in &customer.subscriptions {
            match sub.kind {
                SubscriptionKind::AzurePlan => {
                    let listed = sub.entitlements_listed_at;
                    if listed.is_none_or(|t| Some(t) < customer.subscriptions_listed_at) {
                        steps.push(Step::ListEntitlements {
                            customer: customer.id.clone(),
                            subscription: sub.id.clone(),
                        });
                    }
                }
                SubscriptionKind::LegacyAzure => {
                    let start = [sub.created_on, customer.transferred_on, Some(history_start)]
                        .into_iter()
                        .flatten()
                        .max()
                        .expect("at least the history start");
                    let from = sub
                        .usage_through
                        .map_or(start, |d| (d + Duration::days(1)).max(start));
                    if from <= yesterday {
                        let to = (from + Duration::days(USAGE_WINDOW_DAYS - 1)).min(yesterday);
                        steps.push(Step::FetchUtilization {
                            customer: customer.id.clone(),
                            subscription: sub.id.clone(),
                            from,
                            to,
                        });
                    }
                }
                SubscriptionKind::Licence | SubscriptionKind::Unknown => {}
            }
        }
    }
    if !done_this_run(c.invoices_listed_at) {
        steps.push(Step::ListInvoices);
    } else {
        let mut currencies: Vec<Option<String>> = c
            .invoices
            .iter()
            .map(|i| Some(i.currency.clone()))
            .collect();
        currencies.sort();
        currencies.dedup();
        if currencies.is_empty() {
            currencies.push(None);
        }
        for currency in currencies {
            let fetched = c
                .rate_cards
                .iter()
                .filter(|(cur, _)| currency.as_ref().is_none_or(|want| want == cur))
                .map(|(_, at)| *at)
                .max();
            if fetched.is_none_or(|t| now - t > RATE_CARD_REFRESH) {
                steps.push(Step::FetchRateCard { currency });
            }
        }
    }
    let onetime = |s: &LineStream| s.provider.replace('_', "").eq_ignore_ascii_case("onetime");
    for invoice in &c.invoices {
        // Graph serves a recent new-commerce invoice's lines; v1 only its legacy shapes.
        let graph = uses_graph(invoice, graph_from);
        for stream in invoice
            .streams
            .iter()
            .filter(|s| !(s.complete || graph && onetime(s)))
        {
            steps.push(Step::FetchInvoiceLines {
                invoice: invoice.id.clone(),
                currency: invoice.currency.clone(),
                provider: stream.provider.clone(),
                kind: stream.kind.clone(),
                resume: stream.resume.clone(),
            });
        }
    }
    // Unbilled usage is asked per billing currency and open period (see `open_periods`); v1
    // only for periods before the Graph cut-over.
    if done_this_run(c.invoices_listed_at) {
        for (period, currency) in open_periods(c, now) {
            let month = period_month(now, period);
            if graph_from.is_some_and(|from| month.as_str() >= from) {
                continue;
            }
            let read = c.unbilled.iter().find(|u| {
                u.previous == (period == UnbilledPeriod::Previous) && u.currency == currency
            });
            if read.is_none_or(|u| u.month != month || now - u.read_at > UNBILLED_REFRESH) {
                steps.push(Step::FetchUnbilled { period, currency });
            }
        }
        steps.extend(graph_steps(c, now, graph_from));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The v1 rules alone (no Graph cut-over): what these tests were written for.
    fn plan(c: &Cursors, run_started: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Step> {
        plan_at(c, run_started, now, None)
    }

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn d(month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, month, day).unwrap()
    }

    fn legacy(id: &str, created: NaiveDate, through: Option<NaiveDate>) -> SubscriptionCursor {
        SubscriptionCursor {
            id: id.into(),
            kind: SubscriptionKind::LegacyAzure,
            created_on: Some(created),
            usage_through: through,
            entitlements_listed_at: None,
        }
    }

    fn customer(
        id: &str,
        listed: Option<DateTime<Utc>>,
        subs: Vec<SubscriptionCursor>,
    ) -> CustomerCursor {
        CustomerCursor {
            id: id.into(),
            reachable: true,
            transferred_on: None,
            subscriptions_listed_at: listed,
            subscriptions: subs,
        }
    }

    fn invoice(id: &str, currency: &str, streams: Vec<LineStream>) -> InvoiceCursor {
        InvoiceCursor {
            id: id.into(),
            currency: currency.into(),
            month: None,
            streams,
        }
    }

    fn read(previous: bool, currency: &str, month: &str, at: DateTime<Utc>) -> UnbilledRead {
        UnbilledRead {
            previous,
            currency: currency.into(),
            month: month.into(),
            read_at: at,
        }
    }

    fn unbilled(period: UnbilledPeriod, currency: &str) -> Step {
        Step::FetchUnbilled {
            period,
            currency: currency.into(),
        }
    }

    fn stream(complete: bool, resume: Option<&str>) -> LineStream {
        LineStream {
            provider: "one_time".into(),
            kind: "usage_line_items".into(),
            complete,
            resume: resume.map(str::to_string),
        }
    }

    #[test]
    fn rate_cards_follow_the_invoice_currencies_and_unbilled_usage_is_reread_twice_a_day() {
        let c = Cursors {
            customers_listed_at: Some(t(21, 6)),
            rate_cards: vec![("USD".into(), t(21, 6)), ("EUR".into(), t(19, 6))],
            invoices_listed_at: Some(t(21, 6)),
            invoices: vec![
                invoice("G1", "USD", vec![stream(true, None)]),
                invoice("G2", "EUR", vec![stream(true, None)]),
                invoice("G3", "GBP", vec![stream(true, None)]),
            ],
            unbilled: ["USD", "EUR", "GBP"]
                .iter()
                .map(|cur| read(false, cur, "2026-11", t(21, 6)))
                .collect(),
            ..Cursors::default()
        };
        assert_eq!(
            plan(&c, t(21, 6), t(21, 7)),
            vec![
                Step::FetchRateCard {
                    currency: Some("EUR".into())
                },
                Step::FetchRateCard {
                    currency: Some("GBP".into())
                },
            ],
            "USD is fresh; EUR is two days old; GBP was never read"
        );
        let mut evening = c.clone();
        evening.invoices_listed_at = Some(t(21, 18));
        let later = plan(&evening, t(21, 18), t(21, 18));
        for cur in ["EUR", "GBP", "USD"] {
            assert!(
                later.contains(&unbilled(UnbilledPeriod::Current, cur)),
                "the evening run re-reads the morning's unbilled usage in {cur}: {later:?}"
            );
        }
        let dec1 = Utc.with_ymd_and_hms(2026, 12, 1, 0, 30, 0).unwrap();
        let mut december = c.clone();
        december.invoices_listed_at = Some(dec1);
        december.unbilled = vec![read(false, "USD", "2026-11", t(30, 23))];
        december.invoices.retain(|i| i.currency == "USD");
        let steps = plan(&december, dec1, dec1);
        assert!(
            steps.contains(&unbilled(UnbilledPeriod::Current, "USD"))
                && steps.contains(&unbilled(UnbilledPeriod::Previous, "USD")),
            "a new month opens a new period even if the last read is recent: {steps:?}"
        );
    }

    #[test]
    fn a_first_run_starts_with_the_lists() {
        let steps = plan(&Cursors::default(), t(21, 6), t(21, 6));
        assert_eq!(
            steps,
            vec![Step::ListCustomers, Step::ListInvoices],
            "rate cards and unbilled usage wait for the invoice currencies"
        );
    }

    #[test]
    fn a_run_with_nothing_new_plans_nothing() {
        let run = t(21, 18);
        let c = Cursors {
            customers_listed_at: Some(t(21, 18)),
            customers: vec![customer(
                "c1",
                Some(t(21, 6)),
                vec![legacy("s1", d(1, 1), Some(d(11, 20)))],
            )],
            rate_cards: vec![("USD".into(), t(21, 6))],
            invoices_listed_at: Some(t(21, 18)),
            invoices: vec![invoice("G1", "USD", vec![stream(true, None)])],
            unbilled: vec![read(false, "USD", "2026-11", t(21, 17))],
            graph_exports: vec![],
        };
        assert_eq!(
            plan(&c, run, t(21, 18)),
            vec![],
            "everything is fresh and usage is through yesterday"
        );
    }

    #[test]
    fn usage_resumes_from_its_cursor_and_never_before_a_transfer() {
        let mut c = Cursors {
            customers_listed_at: Some(t(21, 6)),
            ..Cursors::default()
        };
        c.customers.push(customer(
            "c1",
            Some(t(21, 6)),
            vec![legacy("s1", d(1, 1), Some(d(11, 10)))],
        ));
        let mut moved = customer("c2", Some(t(21, 6)), vec![legacy("s2", d(1, 1), None)]);
        moved.transferred_on = Some(d(11, 15));
        c.customers.push(moved);
        let usage: Vec<Step> = plan(&c, t(21, 6), t(21, 6))
            .into_iter()
            .filter(|s| matches!(s, Step::FetchUtilization { .. }))
            .collect();
        assert_eq!(
            usage,
            vec![
                Step::FetchUtilization {
                    customer: "c1".into(),
                    subscription: "s1".into(),
                    from: d(11, 11),
                    to: d(11, 20)
                },
                Step::FetchUtilization {
                    customer: "c2".into(),
                    subscription: "s2".into(),
                    from: d(11, 15),
                    to: d(11, 20)
                },
            ]
        );
    }

    #[test]
    fn a_long_gap_is_read_in_bounded_windows_from_the_history_start() {
        let c = Cursors {
            customers_listed_at: Some(t(21, 6)),
            customers: vec![customer(
                "c1",
                Some(t(21, 6)),
                vec![legacy("s1", d(1, 1), None)],
            )],
            ..Cursors::default()
        };
        let first = plan(&c, t(21, 6), t(21, 6))
            .into_iter()
            .find(|s| matches!(s, Step::FetchUtilization { .. }))
            .unwrap();
        let history = t(21, 6).date_naive() - Duration::days(USAGE_HISTORY_DAYS);
        assert_eq!(
            first,
            Step::FetchUtilization {
                customer: "c1".into(),
                subscription: "s1".into(),
                from: history,
                to: history + Duration::days(USAGE_WINDOW_DAYS - 1)
            }
        );
    }

    #[test]
    fn an_invoiced_previous_period_is_not_read_as_unbilled() {
        let mut g = invoice("G9", "USD", vec![stream(true, None)]);
        g.month = Some("2026-10".into());
        let c = Cursors {
            customers_listed_at: Some(t(3, 6)),
            rate_cards: vec![("USD".into(), t(3, 6))],
            invoices_listed_at: Some(t(3, 6)),
            invoices: vec![g],
            unbilled: vec![read(false, "USD", "2026-11", t(3, 6))],
            ..Cursors::default()
        };
        assert_eq!(
            plan(&c, t(3, 6), t(3, 7)),
            vec![],
            "October's invoice came early (before the 8th): its usage is billed, not unbilled"
        );
    }

    #[test]
    fn stale_subscriptions_are_reread_before_their_usage_and_unreachable_customers_skipped() {
        // Refused 2 hours ago (403/20002): skipped now, asked again once its list is stale.
        let mut gone = customer("c9", Some(t(21, 10)), vec![legacy("s9", d(1, 1), None)]);
        gone.reachable = false;
        let c = Cursors {
            customers_listed_at: Some(t(21, 6)),
            customers: vec![
                customer("c1", Some(t(20, 6)), vec![legacy("s1", d(1, 1), None)]),
                gone,
            ],
            ..Cursors::default()
        };
        let steps = plan(&c, t(21, 6), t(21, 12));
        assert!(steps.contains(&Step::ListSubscriptions {
            customer: "c1".into()
        }));
        assert!(
            !steps
                .iter()
                .any(|s| matches!(s, Step::FetchUtilization { .. })),
            "usage waits for the fresh subscription list"
        );
        assert!(!steps.iter().any(
            |s| matches!(s, Step::ListSubscriptions { customer } | Step::FetchUtilization { customer, .. } if customer == "c9")
        ));
        let next_day = plan(&c, t(22, 12), t(22, 12));
        assert!(
            next_day.contains(&Step::ListSubscriptions {
                customer: "c9".into()
            }),
            "a refused customer is asked again the next day: the relationship may be back"
        );
    }

    #[test]
    fn invoices_resume_their_line_items_and_the_previous_period_is_read_until_the_8th() {
        let c = Cursors {
            customers_listed_at: Some(t(3, 6)),
            rate_cards: vec![("USD".into(), t(3, 6))],
            invoices_listed_at: Some(t(3, 6)),
            invoices: vec![
                invoice("G1", "USD", vec![stream(true, None)]),
                invoice("G2", "USD", vec![stream(false, Some("AQAAAA=="))]),
            ],
            unbilled: vec![read(false, "USD", "2026-11", t(3, 6))],
            ..Cursors::default()
        };
        assert_eq!(
            plan(&c, t(3, 6), t(3, 7)),
            vec![
                Step::FetchInvoiceLines {
                    invoice: "G2".into(),
                    currency: "USD".into(),
                    provider: "one_time".into(),
                    kind: "usage_line_items".into(),
                    resume: Some("AQAAAA==".into())
                },
                unbilled(UnbilledPeriod::Previous, "USD")
            ]
        );
    }

    #[test]
    fn azure_plan_entitlements_follow_a_fresh_subscription_list() {
        let plan_sub = SubscriptionCursor {
            id: "p1".into(),
            kind: SubscriptionKind::AzurePlan,
            created_on: Some(d(1, 1)),
            usage_through: None,
            entitlements_listed_at: Some(t(20, 6)),
        };
        let c = Cursors {
            customers_listed_at: Some(t(21, 6)),
            customers: vec![customer("c1", Some(t(21, 6)), vec![plan_sub])],
            ..Cursors::default()
        };
        assert!(
            plan(&c, t(21, 6), t(21, 7)).contains(&Step::ListEntitlements {
                customer: "c1".into(),
                subscription: "p1".into()
            })
        );
    }
}
