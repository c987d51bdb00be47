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
//! - The rate card when older than [`RATE_CARD_REFRESH`] [Microsoft changes it monthly].
//! - The invoice list once per run, then each invoice's line items until complete, resuming
//!   from the stored continuation.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Subscriptions of a customer are re-read when older than this.
pub const SUBSCRIPTION_REFRESH: Duration = Duration::hours(20);
/// The rate card is re-read when older than this.
pub const RATE_CARD_REFRESH: Duration = Duration::days(1);
/// The longest utilization window one step asks for.
pub const USAGE_WINDOW_DAYS: i64 = 31;
/// How far back the first run reads legacy usage.
pub const USAGE_HISTORY_DAYS: i64 = 92;
/// Invoices (and so billed usage) are ready on this day of the month.
pub const INVOICE_DAY: u32 = 8;

/// Everything the database knows about what was fetched, for one partner account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursors {
    /// When the customer list was last read completely.
    pub customers_listed_at: Option<DateTime<Utc>>,
    /// Known customers.
    pub customers: Vec<CustomerCursor>,
    /// When the rate card was last read.
    pub rate_card_fetched_at: Option<DateTime<Utc>>,
    /// When the invoice list was last read completely.
    pub invoices_listed_at: Option<DateTime<Utc>>,
    /// Known invoices.
    pub invoices: Vec<InvoiceCursor>,
    /// When each unbilled period was last read completely.
    pub unbilled_current_at: Option<DateTime<Utc>>,
    /// When the previous (not yet invoiced) period was last read completely.
    pub unbilled_previous_at: Option<DateTime<Utc>>,
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
    /// Its subscriptions.
    pub subscriptions: Vec<SubscriptionCursor>,
}

/// One subscription's cursors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionCursor {
    /// Partner Center subscription id.
    pub id: String,
    /// What kind of usage it has.
    pub kind: SubscriptionKind,
    /// When it was created.
    pub created_on: NaiveDate,
    /// Last day whose legacy usage is stored.
    pub usage_through: Option<NaiveDate>,
    /// When its Azure entitlements were last read (Azure plan only).
    pub entitlements_listed_at: Option<DateTime<Utc>>,
}

/// The usage a subscription produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscriptionKind {
    /// Legacy Azure (MS-AZR-0145P): usage through the utilization API.
    LegacyAzure,
    /// Azure plan: Azure subscriptions as entitlements; usage through daily rated usage.
    AzurePlan,
    /// Licence-based (Microsoft 365, ...): no usage.
    Licence,
}

/// One invoice's cursors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceCursor {
    /// Invoice id.
    pub id: String,
    /// All its line items are stored.
    pub lines_complete: bool,
    /// Where to resume its line items (an opaque continuation), if a run stopped mid-way.
    pub resume: Option<String>,
}

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
    /// Read the Azure rate card.
    FetchRateCard,
    /// Read the invoice list.
    ListInvoices,
    /// Read an invoice's line items, from the start or a stored continuation.
    FetchInvoiceLines {
        /// Invoice id.
        invoice: String,
        /// Continuation to resume from.
        resume: Option<String>,
    },
    /// Read unbilled daily rated usage of a period.
    FetchUnbilled {
        /// Which period.
        period: UnbilledPeriod,
    },
}

/// An open billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnbilledPeriod {
    /// The current calendar month.
    Current,
    /// Last month, until its invoice is out on the 8th.
    Previous,
}

/// The steps still to do in the run that started at `run_started`, at `now`.
pub fn plan(c: &Cursors, run_started: DateTime<Utc>, now: DateTime<Utc>) -> Vec<Step> {
    let done_this_run = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t >= run_started);
    let mut steps = Vec::new();
    if !done_this_run(c.customers_listed_at) {
        steps.push(Step::ListCustomers);
    }
    let yesterday = now.date_naive() - Duration::days(1);
    let history_start = now.date_naive() - Duration::days(USAGE_HISTORY_DAYS);
    for customer in c.customers.iter().filter(|c| c.reachable) {
        let stale = customer
            .subscriptions_listed_at
            .is_none_or(|t| now - t > SUBSCRIPTION_REFRESH);
        if stale {
            steps.push(Step::ListSubscriptions {
                customer: customer.id.clone(),
            });
            continue; // its subscriptions may change: plan them after they are read
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
                    let start = [
                        Some(sub.created_on),
                        customer.transferred_on,
                        Some(history_start),
                    ]
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
                SubscriptionKind::Licence => {}
            }
        }
    }
    if c.rate_card_fetched_at
        .is_none_or(|t| now - t > RATE_CARD_REFRESH)
    {
        steps.push(Step::FetchRateCard);
    }
    if !done_this_run(c.invoices_listed_at) {
        steps.push(Step::ListInvoices);
    }
    for invoice in c.invoices.iter().filter(|i| !i.lines_complete) {
        steps.push(Step::FetchInvoiceLines {
            invoice: invoice.id.clone(),
            resume: invoice.resume.clone(),
        });
    }
    if !done_this_run(c.unbilled_current_at) {
        steps.push(Step::FetchUnbilled {
            period: UnbilledPeriod::Current,
        });
    }
    if now.day() < INVOICE_DAY && !done_this_run(c.unbilled_previous_at) {
        steps.push(Step::FetchUnbilled {
            period: UnbilledPeriod::Previous,
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
            created_on: created,
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

    #[test]
    fn a_first_run_starts_with_the_lists() {
        let steps = plan(&Cursors::default(), t(21, 6), t(21, 6));
        assert_eq!(
            steps,
            vec![
                Step::ListCustomers,
                Step::FetchRateCard,
                Step::ListInvoices,
                Step::FetchUnbilled {
                    period: UnbilledPeriod::Current
                }
            ],
            "on the 21st the previous month is already invoiced"
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
            rate_card_fetched_at: Some(t(21, 6)),
            invoices_listed_at: Some(t(21, 18)),
            invoices: vec![InvoiceCursor {
                id: "G1".into(),
                lines_complete: true,
                resume: None,
            }],
            unbilled_current_at: Some(t(21, 18)),
            unbilled_previous_at: None,
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
    fn stale_subscriptions_are_reread_before_their_usage_and_unreachable_customers_skipped() {
        let mut gone = customer("c9", None, vec![]);
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
        assert!(!steps
            .iter()
            .any(|s| matches!(s, Step::ListSubscriptions { customer } if customer == "c9")));
    }

    #[test]
    fn invoices_resume_their_line_items_and_the_previous_period_is_read_until_the_8th() {
        let c = Cursors {
            customers_listed_at: Some(t(3, 6)),
            rate_card_fetched_at: Some(t(3, 6)),
            invoices_listed_at: Some(t(3, 6)),
            invoices: vec![
                InvoiceCursor {
                    id: "G1".into(),
                    lines_complete: true,
                    resume: None,
                },
                InvoiceCursor {
                    id: "G2".into(),
                    lines_complete: false,
                    resume: Some("AQAAAA==".into()),
                },
            ],
            unbilled_current_at: Some(t(3, 6)),
            ..Cursors::default()
        };
        assert_eq!(
            plan(&c, t(3, 6), t(3, 7)),
            vec![
                Step::FetchInvoiceLines {
                    invoice: "G2".into(),
                    resume: Some("AQAAAA==".into())
                },
                Step::FetchUnbilled {
                    period: UnbilledPeriod::Previous
                }
            ]
        );
    }

    #[test]
    fn azure_plan_entitlements_follow_a_fresh_subscription_list() {
        let plan_sub = SubscriptionCursor {
            id: "p1".into(),
            kind: SubscriptionKind::AzurePlan,
            created_on: d(1, 1),
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
