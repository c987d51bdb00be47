//! Executing one planned step: fetch its pages from Partner Center and write each page
//! together with the cursor that records it, in one transaction. A step checks for Stop
//! between pages, so a stopped run always ends on a page boundary with consistent data.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use cspdesk_partner_api::{self as pc, Continuation, LineItemQuery, PageGuard, PartnerCenter};
use cspdesk_store::discovered::Ingest;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::plan::{period_month, Step, UnbilledPeriod};
use crate::progress::{Phase, Tally};
use crate::rows;

/// Customers per page of the customer list (Partner Center's maximum is larger).
const CUSTOMER_PAGE: u32 = 500;
/// Invoices per page.
const INVOICE_PAGE: u32 = 200;
/// Legacy line items per page (offset paging).
const LEGACY_LINE_PAGE: u32 = 1000;

/// The session's clock: every decision takes `now` from it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every step needs.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub client: PartnerCenter,
    pub db: Arc<Mutex<Database>>,
    pub account: String,
    pub tally: Arc<Tally>,
    pub stop: CancellationToken,
    pub clock: Clock,
    /// The step's page write in flight (each step gets its own: see [`execute`]).
    pub writing: Arc<Mutex<Option<PendingWrite>>>,
}

/// A page write running on the blocking pool, and the kind of data it writes.
pub(crate) type PendingWrite = (
    tokio::task::JoinHandle<cspdesk_store::Result<u64>>,
    &'static str,
);

/// Why a step did not finish.
#[derive(Debug)]
pub(crate) enum StepError {
    /// Stop was asked for; the pages written so far are consistent.
    Stopped,
    /// Microsoft's answer ended the step; `what` names the data and page in words.
    Api { error: pc::Error, what: String },
    /// The database refused a write.
    Store(cspdesk_store::Error),
    /// A write task died (a bug).
    Internal(String),
}

type StepResult = Result<(), StepError>;

impl Step {
    /// Identity of a step within a run, whatever its resume point.
    pub(crate) fn key(&self) -> String {
        match self {
            Step::ListCustomers => "customers".into(),
            Step::ListSubscriptions { customer } => format!("subscriptions/{customer}"),
            Step::ListEntitlements { subscription, .. } => format!("entitlements/{subscription}"),
            Step::FetchUtilization {
                subscription, from, ..
            } => format!("utilization/{subscription}/{from}"),
            Step::FetchRateCard { currency } => {
                format!("ratecard/{}", currency.as_deref().unwrap_or("-"))
            }
            Step::ListInvoices => "invoices".into(),
            Step::FetchInvoiceLines {
                invoice,
                provider,
                kind,
                ..
            } => format!("lines/{invoice}/{provider}/{kind}"),
            Step::FetchUnbilled { period, currency } => format!("unbilled/{period:?}/{currency}"),
        }
    }

    /// The phase a step belongs to.
    pub(crate) fn phase(&self) -> Phase {
        match self {
            Step::ListCustomers => Phase::Customers,
            Step::ListSubscriptions { .. } | Step::ListEntitlements { .. } => Phase::Subscriptions,
            Step::FetchUtilization { .. } => Phase::Usage,
            Step::FetchRateCard { .. } => Phase::Prices,
            Step::ListInvoices | Step::FetchInvoiceLines { .. } => Phase::Invoices,
            Step::FetchUnbilled { .. } => Phase::Unbilled,
        }
    }

    /// Long chains of pages start first so they overlap with everything else.
    pub(crate) fn priority(&self) -> u8 {
        match self {
            Step::ListCustomers | Step::ListInvoices => 0,
            Step::FetchUnbilled { .. } | Step::FetchInvoiceLines { .. } => 1,
            _ => 2,
        }
    }
}

impl Ctx {
    fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Awaits a Partner Center call unless Stop comes first: a call waiting out a long
    /// Retry-After must not hold Stop up, and nothing is written for a call cut short.
    async fn call<T>(
        &self,
        request: impl std::future::Future<Output = Result<T, pc::Error>>,
    ) -> Result<Result<T, pc::Error>, StepError> {
        tokio::select! {
            biased;
            _ = self.stop.cancelled() => Err(StepError::Stopped),
            answer = request => Ok(answer),
        }
    }

    fn check_stop(&self) -> StepResult {
        if self.stop.is_cancelled() {
            Err(StepError::Stopped)
        } else {
            Ok(())
        }
    }

    /// Writes one page in one transaction on the blocking pool and counts it. The write runs
    /// while the step fetches its next page (pages of one step are written in order: this
    /// first waits for the step's previous write); [`Ctx::settle`] waits for the last one.
    async fn write<F>(&self, entity: &'static str, f: F) -> StepResult
    where
        F: FnOnce(&mut Ingest<'_>) -> cspdesk_store::Result<()> + Send + 'static,
    {
        self.settle().await?;
        let db = self.db.clone();
        let account = self.account.clone();
        let tally = self.tally.clone();
        let handle = tokio::task::spawn_blocking(move || {
            let mut db = db.lock().unwrap_or_else(|p| p.into_inner());
            let began = std::time::Instant::now();
            let mut ingest = db.ingest(&account)?;
            f(&mut ingest)?;
            let rows = ingest.commit();
            tally.write_us.fetch_add(
                began.elapsed().as_micros() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            rows
        });
        *self.writing.lock().unwrap_or_else(|p| p.into_inner()) = Some((handle, entity));
        Ok(())
    }

    /// Waits for the step's write in flight, if any, and counts it.
    async fn settle(&self) -> StepResult {
        let pending = self
            .writing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some((handle, entity)) = pending {
            let rows = handle
                .await
                .map_err(|e| StepError::Internal(format!("a database write task failed: {e}")))?
                .map_err(StepError::Store)?;
            self.tally.page(entity, rows);
        }
        Ok(())
    }
}

fn api(what: impl Into<String>) -> impl FnOnce(pc::Error) -> StepError {
    let what = what.into();
    move |error| StepError::Api { error, what }
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_time(NaiveTime::MIN).and_utc()
}

/// Walks a collection page by page: numbers pages for messages, checks Stop before each
/// request, refuses links that would never end, and says whether a page is the first one
/// read (its collection is cleared then) and the last.
struct Pager {
    number: u32,
    next: Option<Continuation>,
    fresh: bool,
    done: bool,
    guard: PageGuard,
}

/// Where a page stands in its collection.
#[derive(Clone, Copy)]
struct Place {
    /// The collection is read from its start and this is its first page.
    first: bool,
    /// No page follows.
    last: bool,
}

impl Pager {
    /// From the start, or from a stored continuation.
    fn new(resume: Option<Continuation>) -> Pager {
        Pager {
            number: 0,
            fresh: resume.is_none(),
            next: resume,
            done: false,
            guard: PageGuard::default(),
        }
    }

    /// The next page's number, or `None` after the last page.
    fn turn(&mut self, ctx: &Ctx) -> Result<Option<u32>, StepError> {
        if self.done {
            return Ok(None);
        }
        ctx.check_stop()?;
        self.number += 1;
        Ok(Some(self.number))
    }

    /// The continuation to request the current page with.
    fn at(&self) -> Option<&Continuation> {
        self.next.as_ref()
    }

    /// Reads the collection again from its start (a stored continuation expired).
    fn restart(&mut self) {
        *self = Pager::new(None);
    }

    /// Records a page of `items` items linking to `next`.
    fn accept(
        &mut self,
        what: &str,
        endpoint: &str,
        items: usize,
        next: Option<Continuation>,
    ) -> Result<Place, StepError> {
        self.guard
            .check(endpoint, items, next.as_ref())
            .map_err(api(what))?;
        let place = Place {
            first: self.fresh && self.number == 1,
            last: next.is_none(),
        };
        self.done = place.last;
        self.next = next;
        Ok(place)
    }
}

/// Runs one step to its end (or to Stop). Whatever ends it, its last page write has finished
/// when this returns, so nothing is written after a run is recorded as ended.
pub(crate) async fn execute(ctx: &Ctx, step: Step) -> StepResult {
    let ctx = &Ctx {
        writing: Arc::default(),
        ..ctx.clone()
    };
    let result = run_step(ctx, step).await;
    let settled = ctx.settle().await;
    result.and(settled)
}

async fn run_step(ctx: &Ctx, step: Step) -> StepResult {
    match step {
        Step::ListCustomers => customers(ctx).await,
        Step::ListSubscriptions { customer } => subscriptions(ctx, customer).await,
        Step::ListEntitlements {
            customer,
            subscription,
        } => entitlements(ctx, customer, subscription).await,
        Step::FetchUtilization {
            customer,
            subscription,
            from,
            to,
        } => utilization(ctx, customer, subscription, from, to).await,
        Step::FetchRateCard { currency } => rate_card(ctx, currency).await,
        Step::ListInvoices => invoices(ctx).await,
        Step::FetchInvoiceLines {
            invoice,
            currency,
            provider,
            kind,
            resume,
        } => invoice_lines(ctx, invoice, currency, provider, kind, resume).await,
        Step::FetchUnbilled { period, currency } => unbilled(ctx, period, currency).await,
    }
}

async fn customers(ctx: &Ctx) -> StepResult {
    let mut pages = Pager::new(None);
    while let Some(n) = pages.turn(ctx)? {
        let what = format!("the customer list page {n}");
        let page = ctx
            .call(ctx.client.customers_page(CUSTOMER_PAGE, pages.at()))
            .await?
            .map_err(api(what.clone()))?;
        let at = pages.accept(&what, "/v1/customers", page.items.len(), page.next)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::customer).collect();
        let now = ctx.now();
        ctx.write("customers", move |w| {
            w.customers(&rows, now)?;
            if at.last {
                w.customers_listed(now)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// A customer the partner has no relationship with is kept but skipped from now on.
async fn unreachable(ctx: &Ctx, customer: String) -> StepResult {
    let now = ctx.now();
    ctx.write("customers", move |w| w.customer_unreachable(&customer, now))
        .await
}

async fn subscriptions(ctx: &Ctx, customer: String) -> StepResult {
    ctx.check_stop()?;
    let list = match ctx.call(ctx.client.subscriptions(&customer)).await? {
        Ok(list) => list,
        Err(pc::Error::NoRelationship { .. }) => return unreachable(ctx, customer).await,
        Err(e) => return Err(api(format!("the subscriptions of customer {customer}"))(e)),
    };
    let rows: Vec<_> = list.into_iter().map(rows::subscription).collect();
    let now = ctx.now();
    ctx.write("subscriptions", move |w| {
        w.subscriptions(&customer, &rows, now)
    })
    .await
}

async fn entitlements(ctx: &Ctx, customer: String, subscription: String) -> StepResult {
    ctx.check_stop()?;
    let list = match ctx
        .call(ctx.client.azure_entitlements(&customer, &subscription))
        .await?
    {
        Ok(list) => list,
        Err(pc::Error::NoRelationship { .. }) => return unreachable(ctx, customer).await,
        Err(e) => {
            return Err(api(format!(
                "the Azure entitlements of subscription {subscription}"
            ))(e))
        }
    };
    let rows: Vec<_> = list.into_iter().map(rows::entitlement).collect();
    let now = ctx.now();
    ctx.write("entitlements", move |w| {
        w.entitlements(&subscription, &rows, now)
    })
    .await
}

async fn utilization(
    ctx: &Ctx,
    customer: String,
    subscription: String,
    from: NaiveDate,
    to: NaiveDate,
) -> StepResult {
    let query = pc::UtilizationQuery {
        customer_id: customer.clone(),
        subscription_id: subscription.clone(),
        start: day_start(from),
        end: day_start(to + Duration::days(1)),
        size: pc::MAX_UTILIZATION_PAGE,
        show_details: true,
    };
    let mut pages = Pager::new(None);
    while let Some(n) = pages.turn(ctx)? {
        let what = format!("the usage of subscription {subscription} from {from} to {to} page {n}");
        let page = match ctx
            .call(ctx.client.utilization_page(&query, pages.at()))
            .await?
        {
            Ok(page) => page,
            Err(pc::Error::NoRelationship { .. }) => return unreachable(ctx, customer).await,
            Err(e) => return Err(api(what)(e)),
        };
        let at = pages.accept(&what, "utilizations", page.items.len(), page.next)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::utilization).collect();
        let sub = subscription.clone();
        ctx.write("utilization", move |w| {
            if at.first {
                w.clear_utilization(&sub, from)?;
            }
            w.utilization(&sub, from, &rows)?;
            if at.last {
                w.usage_through(&sub, to)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

async fn rate_card(ctx: &Ctx, currency: Option<String>) -> StepResult {
    ctx.check_stop()?;
    let what = match &currency {
        Some(c) => format!("the {c} rate card"),
        None => "the rate card".into(),
    };
    let card = ctx
        .call(ctx.client.rate_card(currency.as_deref(), None))
        .await?
        .map_err(api(what))?;
    let (card, meters) = rows::rate_card(card);
    let now = ctx.now();
    ctx.write("rateCards", move |w| w.rate_card(&card, &meters, now))
        .await
}

async fn invoices(ctx: &Ctx) -> StepResult {
    let mut pages = Pager::new(None);
    while let Some(n) = pages.turn(ctx)? {
        let what = format!("the invoice list page {n}");
        let page = ctx
            .call(ctx.client.invoices_page(INVOICE_PAGE, 0, pages.at()))
            .await?
            .map_err(api(what.clone()))?;
        let at = pages.accept(&what, "/v1/invoices", page.items.len(), page.next)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::invoice).collect();
        let now = ctx.now();
        ctx.write("invoices", move |w| {
            w.invoices(&rows, now)?;
            if at.last {
                w.invoices_listed(now)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// The three shapes of line items, told apart by provider and type as Partner Center names
/// them (`one_time`/`onetime`, `usage_line_items`/`usagelineitems`).
enum Shape {
    Billed,
    BilledUsage,
    Legacy,
}

fn shape(provider: &str, kind: &str) -> Shape {
    let norm = |s: &str| s.replace('_', "").to_ascii_lowercase();
    match (norm(provider).as_str(), norm(kind).as_str()) {
        ("onetime", "billinglineitems") => Shape::Billed,
        ("onetime", "usagelineitems") => Shape::BilledUsage,
        _ => Shape::Legacy,
    }
}

async fn invoice_lines(
    ctx: &Ctx,
    invoice: String,
    currency: String,
    provider: String,
    kind: String,
    resume: Option<String>,
) -> StepResult {
    let shape = shape(&provider, &kind);
    let query = match shape {
        Shape::Billed => LineItemQuery::Billed {
            invoice_id: invoice.clone(),
            currency,
        },
        Shape::BilledUsage => LineItemQuery::BilledUsage {
            invoice_id: invoice.clone(),
            currency,
        },
        Shape::Legacy => LineItemQuery::Legacy {
            invoice_id: invoice.clone(),
            provider: provider.clone(),
            kind: kind.clone(),
        },
    };
    let size = match shape {
        Shape::Legacy => LEGACY_LINE_PAGE,
        _ => pc::MAX_LINE_ITEM_PAGE,
    };
    // A stored continuation that no longer parses is read again from the start.
    let mut pages = Pager::new(resume.and_then(|r| serde_json::from_str(&r).ok()));
    while let Some(n) = pages.turn(ctx)? {
        let what = format!("invoice {invoice} line items ({provider}/{kind}) page {n}");
        let fetched: Result<(usize, Option<Continuation>, Page), pc::Error> = match shape {
            Shape::Billed => ctx
                .call(
                    ctx.client
                        .line_items_page::<pc::BilledLineItem>(&query, size, pages.at()),
                )
                .await?
                .map(|p| {
                    (
                        p.items.len(),
                        p.next,
                        Page::Billed(p.items.into_iter().map(rows::billing_line).collect()),
                    )
                }),
            Shape::BilledUsage => ctx
                .call(ctx.client.line_items_page::<pc::DailyRatedUsageLineItem>(
                    &query,
                    size,
                    pages.at(),
                ))
                .await?
                .map(|p| {
                    (
                        p.items.len(),
                        p.next,
                        Page::Usage(p.items.into_iter().map(rows::daily_usage).collect()),
                    )
                }),
            Shape::Legacy => ctx
                .call(
                    ctx.client
                        .line_items_page::<pc::LegacyLineItem>(&query, size, pages.at()),
                )
                .await?
                .map(|p| {
                    (
                        p.items.len(),
                        p.next,
                        Page::Legacy(p.items.into_iter().map(rows::legacy_line).collect()),
                    )
                }),
        };
        let (count, following, page) = match fetched {
            Ok(x) => x,
            // A continuation Microsoft no longer honours (it expired while the run was
            // stopped): read the collection again from the start, once.
            Err(pc::Error::Rejected { .. } | pc::Error::NotFound { .. })
                if !pages.fresh && n == 1 =>
            {
                pages.restart();
                continue;
            }
            Err(e) => return Err(api(what)(e)),
        };
        let resume_json = following
            .as_ref()
            .map(|c| serde_json::to_string(c).unwrap_or_default());
        let at = pages.accept(&what, "lineitems", count, following)?;
        let (inv, prov, kd) = (invoice.clone(), provider.clone(), kind.clone());
        let entity = page.entity();
        ctx.write(entity, move |w| {
            match page {
                Page::Billed(rows) => {
                    if at.first {
                        w.clear_billing_lines(&inv)?;
                    }
                    w.billing_lines(&inv, &rows)?;
                }
                Page::Usage(rows) => {
                    if at.first {
                        w.clear_daily_usage(&inv)?;
                    }
                    w.daily_usage(&inv, &rows)?;
                    if at.last {
                        w.drop_unbilled_of_invoice(&inv)?;
                    }
                }
                Page::Legacy(rows) => {
                    if at.first {
                        w.clear_legacy_lines(&inv, &prov, &kd)?;
                    }
                    w.legacy_lines(&inv, &prov, &kd, &rows)?;
                }
            }
            w.line_stream(&inv, &prov, &kd, resume_json.as_deref(), at.last)
        })
        .await?;
    }
    Ok(())
}

/// One page of line items in its shape.
enum Page {
    Billed(Vec<cspdesk_store::discovered::BillingLineRow>),
    Usage(Vec<cspdesk_store::discovered::DailyUsageRow>),
    Legacy(Vec<cspdesk_store::discovered::LegacyLineRow>),
}

impl Page {
    fn entity(&self) -> &'static str {
        match self {
            Page::Billed(_) => "billingLineItems",
            Page::Usage(_) => "dailyUsage",
            Page::Legacy(_) => "legacyLineItems",
        }
    }
}

async fn unbilled(ctx: &Ctx, period: UnbilledPeriod, currency: String) -> StepResult {
    let month = period_month(ctx.now(), period);
    let source = format!("unbilled:{month}:{currency}");
    let query = LineItemQuery::UnbilledUsage {
        currency: currency.clone(),
        period: match period {
            UnbilledPeriod::Current => pc::UnbilledPeriod::Current,
            UnbilledPeriod::Previous => pc::UnbilledPeriod::Previous,
        },
    };
    let mut pages = Pager::new(None);
    while let Some(n) = pages.turn(ctx)? {
        let what = format!("unbilled usage ({period:?} period, {currency}) page {n}");
        let page = ctx
            .call(ctx.client.line_items_page::<pc::DailyRatedUsageLineItem>(
                &query,
                pc::MAX_LINE_ITEM_PAGE,
                pages.at(),
            ))
            .await?
            .map_err(api(what.clone()))?;
        let at = pages.accept(&what, "unbilled lineitems", page.items.len(), page.next)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::daily_usage).collect();
        let (src, cur, m) = (source.clone(), currency.clone(), month.clone());
        let now = ctx.now();
        ctx.write("dailyUsage", move |w| {
            if at.first {
                w.clear_daily_usage(&src)?;
            }
            // The period's invoice may have come out since this read began: its billed
            // usage is then the record, and an unbilled copy would count twice.
            if w.invoiced(&m, &cur)? {
                w.clear_daily_usage(&src)?;
            } else {
                w.daily_usage(&src, &rows)?;
            }
            if at.last {
                w.unbilled_done(period == UnbilledPeriod::Previous, &cur, &m, now)?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(())
}
