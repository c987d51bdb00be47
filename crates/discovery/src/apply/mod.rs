//! Executing one planned step: fetch its pages from Partner Center and write each page
//! together with the cursor that records it, in one transaction. A step checks for Stop
//! between pages, so a stopped run always ends on a page boundary with consistent data.
//!
//! A page's items that could not be read are set aside by the client; the step writes them
//! (raw, with the invoice, page, index and field) in the page's own transaction, counts them
//! as the run's warnings and goes on. Their collection's next read from its start retires
//! them, as it clears the collection's rows. So many odd items that the format must have
//! changed ([`MAX_SET_ASIDE_PER_STEP`]) end the step as a malformed answer instead.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use cspdesk_partner_api::graph_billing::PollLimits;
use cspdesk_partner_api::{self as pc, Continuation, GraphBilling, PageGuard, PartnerCenter};
use cspdesk_store::discovered::Ingest;
use cspdesk_store::set_aside::SetAsideRow;
use cspdesk_store::Database;
use tokio_util::sync::CancellationToken;

use crate::plan::Step;
use crate::progress::{Phase, Tally};
use crate::rows;

mod graph;
mod line_items;
use line_items::{invoice_lines, unbilled};

/// Customers per page of the customer list (Partner Center's maximum is larger).
const CUSTOMER_PAGE: u32 = 500;
/// Invoices per page.
const INVOICE_PAGE: u32 = 200;
/// Legacy line items per page (offset paging).
const LEGACY_LINE_PAGE: u32 = 1000;
/// Items one step may set aside before its answers count as malformed: a few odd items are
/// older or special ones; thousands mean Microsoft's format changed, and storing each raw
/// would only fill the disk.
pub(crate) const MAX_SET_ASIDE_PER_STEP: u64 = 1000;

/// The session's clock: every decision takes `now` from it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// What every step needs.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub client: PartnerCenter,
    /// Microsoft Graph's billing exports (`None` when the run reads everything from v1).
    pub graph: Option<GraphBilling>,
    /// How Graph operations are polled.
    pub poll: PollLimits,
    /// The run's Graph download slots ([`crate::GRAPH_DOWNLOADS`]), shared by its steps.
    pub downloads: Arc<tokio::sync::Semaphore>,
    pub db: Arc<Mutex<Database>>,
    pub account: String,
    /// The run's id (set-aside items are recorded with it).
    pub run_id: i64,
    pub tally: Arc<Tally>,
    pub stop: CancellationToken,
    pub clock: Clock,
    /// The step's page write in flight (each step gets its own: see [`execute`]).
    pub writing: Arc<Mutex<Option<PendingWrite>>>,
    /// Items the step set aside so far (each step counts its own).
    pub set_aside: Arc<AtomicU64>,
}

/// A page's set-aside items with their collection, ready for the page's write.
pub(crate) struct Aside {
    run_id: i64,
    collection: String,
    rows: Vec<SetAsideRow>,
}

impl Aside {
    /// Writes them (nothing when the page had none).
    fn write(&self, w: &mut Ingest<'_>) -> cspdesk_store::Result<()> {
        if self.rows.is_empty() {
            return Ok(());
        }
        w.set_aside(self.run_id, &self.collection, &self.rows)
    }
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
            Step::FetchGraphExport(g) => g.dataset.key(&g.scope),
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
            Step::FetchGraphExport(g) if g.invoice.is_some() => Phase::Invoices,
            Step::FetchGraphExport(_) => Phase::Unbilled,
        }
    }

    /// Long chains of pages start first so they overlap with everything else.
    pub(crate) fn priority(&self) -> u8 {
        match self {
            Step::ListCustomers | Step::ListInvoices => 0,
            Step::FetchUnbilled { .. }
            | Step::FetchInvoiceLines { .. }
            | Step::FetchGraphExport(_) => 1,
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

    /// Takes page `page` of `collection`'s set-aside items (lines of `invoice` when given):
    /// counted as warnings and logged; past [`MAX_SET_ASIDE_PER_STEP`] in one step, the step
    /// fails on them as a malformed answer.
    fn aside(
        &self,
        what: &str,
        collection: impl Into<String>,
        invoice: Option<&str>,
        page: u32,
        items: Vec<pc::SetAside>,
    ) -> Result<Aside, StepError> {
        let count = items.len() as u64;
        if count > 0 {
            let so_far = self.set_aside.fetch_add(count, Ordering::Relaxed) + count;
            if so_far > MAX_SET_ASIDE_PER_STEP {
                let first = &items[0];
                return Err(api(what)(pc::Error::BadResponse {
                    endpoint: first.endpoint.clone(),
                    field: format!("items[{}].{}", first.index, first.field),
                    detail: format!(
                        "{so_far} items could not be read ({}), more than the {MAX_SET_ASIDE_PER_STEP} odd items one read may set aside: Microsoft's format may have changed",
                        first.reason
                    ),
                }));
            }
            self.tally.warnings.fetch_add(count, Ordering::Relaxed);
        }
        let rows = items
            .into_iter()
            .map(|s| {
                tracing::warn!(what, page, index = s.index, field = %s.field, reason = %s.reason, "an item Partner Center sent was set aside");
                SetAsideRow {
                    customer_id: s.text_field("customerId"),
                    invoice_id: invoice.map(str::to_string),
                    endpoint: s.endpoint,
                    page,
                    index: u32::try_from(s.index).unwrap_or(u32::MAX),
                    field: s.field,
                    reason: s.reason,
                    raw: s.raw,
                }
            })
            .collect();
        Ok(Aside {
            run_id: self.run_id,
            collection: collection.into(),
            rows,
        })
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
        set_aside: Arc::default(),
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
        Step::FetchGraphExport(g) => graph::graph_export(ctx, g).await,
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
        let aside = ctx.aside(&what, "customers", None, n, page.set_aside)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::customer).collect();
        let now = ctx.now();
        ctx.write("customers", move |w| {
            if at.first {
                w.retire_set_aside("customers")?;
            }
            aside.write(w)?;
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
    let what = format!("the subscriptions of customer {customer}");
    let page = match ctx.call(ctx.client.subscriptions_page(&customer)).await? {
        Ok(page) => page,
        Err(pc::Error::NoRelationship { .. }) => return unreachable(ctx, customer).await,
        Err(e) => return Err(api(what)(e)),
    };
    let collection = format!("subscriptions/{customer}");
    let aside = ctx.aside(&what, collection.clone(), None, 1, page.set_aside)?;
    let rows: Vec<_> = page.items.into_iter().map(rows::subscription).collect();
    let now = ctx.now();
    ctx.write("subscriptions", move |w| {
        w.retire_set_aside(&collection)?;
        aside.write(w)?;
        w.subscriptions(&customer, &rows, now)
    })
    .await
}

async fn entitlements(ctx: &Ctx, customer: String, subscription: String) -> StepResult {
    ctx.check_stop()?;
    let what = format!("the Azure entitlements of subscription {subscription}");
    let page = match ctx
        .call(ctx.client.azure_entitlements_page(&customer, &subscription))
        .await?
    {
        Ok(page) => page,
        Err(pc::Error::NoRelationship { .. }) => return unreachable(ctx, customer).await,
        Err(e) => return Err(api(what)(e)),
    };
    let collection = format!("entitlements/{subscription}");
    let aside = ctx.aside(&what, collection.clone(), None, 1, page.set_aside)?;
    let rows: Vec<_> = page.items.into_iter().map(rows::entitlement).collect();
    let now = ctx.now();
    ctx.write("entitlements", move |w| {
        w.retire_set_aside(&collection)?;
        aside.write(w)?;
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
        let collection = format!("utilization/{subscription}/{from}");
        let aside = ctx.aside(&what, collection.clone(), None, n, page.set_aside)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::utilization).collect();
        let sub = subscription.clone();
        ctx.write("utilization", move |w| {
            if at.first {
                w.clear_utilization(&sub, from)?;
                w.retire_set_aside(&collection)?;
            }
            aside.write(w)?;
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
        let aside = ctx.aside(&what, "invoices", None, n, page.set_aside)?;
        let rows: Vec<_> = page
            .items
            .into_iter()
            .flat_map(rows::invoices_with_notes)
            .collect();
        let now = ctx.now();
        ctx.write("invoices", move |w| {
            if at.first {
                w.retire_set_aside("invoices")?;
            }
            aside.write(w)?;
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
