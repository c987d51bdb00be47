//! The steps that read line items: an invoice's lines in each of Partner Center's three
//! shapes (billed, billed daily usage, legacy), and the unbilled daily usage of the current
//! and previous period, each page written with its cursor and the items it set aside.

use cspdesk_partner_api::{self as pc, Continuation, LineItemQuery};

use super::{api, Ctx, Pager, StepResult, LEGACY_LINE_PAGE};
use crate::plan::{period_month, UnbilledPeriod};
use crate::rows;

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

pub(super) async fn invoice_lines(
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
        let fetched: Result<Fetched, pc::Error> = match shape {
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
                        p.set_aside,
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
                        p.set_aside,
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
                        p.set_aside,
                    )
                }),
        };
        let (count, following, page, set_aside) = match fetched {
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
        let collection = format!("lines/{invoice}/{provider}/{kind}");
        let aside = ctx.aside(&what, collection.clone(), Some(&invoice), n, set_aside)?;
        let (inv, prov, kd) = (invoice.clone(), provider.clone(), kind.clone());
        let entity = page.entity();
        ctx.write(entity, move |w| {
            if at.first {
                w.retire_set_aside(&collection)?;
            }
            aside.write(w)?;
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
                        w.retire_unbilled_set_aside_of_invoice(&inv)?;
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

/// A page as read: its item count, the next page, its rows and the items it set aside.
type Fetched = (usize, Option<Continuation>, Page, Vec<pc::SetAside>);

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

pub(super) async fn unbilled(ctx: &Ctx, period: UnbilledPeriod, currency: String) -> StepResult {
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
        let aside = ctx.aside(&what, source.clone(), Some(&source), n, page.set_aside)?;
        let rows: Vec<_> = page.items.into_iter().map(rows::daily_usage).collect();
        let (src, cur, m) = (source.clone(), currency.clone(), month.clone());
        let now = ctx.now();
        ctx.write("dailyUsage", move |w| {
            if at.first {
                w.clear_daily_usage(&src)?;
                w.retire_set_aside(&src)?;
            }
            // The period's invoice may have come out since this read began: its billed
            // usage is then the record, and an unbilled copy would count twice.
            if w.invoiced(&m, &cur)? {
                w.clear_daily_usage(&src)?;
                w.retire_set_aside(&src)?;
            } else {
                w.daily_usage(&src, &rows)?;
                aside.write(w)?;
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
