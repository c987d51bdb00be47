//! The step that reads one Microsoft Graph billing export: ask for it, wait while Microsoft
//! prepares it, read its manifest and, unless its data version (eTag) is the one stored,
//! stream every blob into staged rows in batches (each its own transaction), then replace the
//! invoice's or period's rows with them and record the version in one transaction. Stop is
//! checked between batches; a stopped or killed download leaves the previous version whole.
//!
//! A blob that breaks mid-way (cut short, a line that is not JSON, a dropped connection) or
//! whose link expired (403 from Azure Storage) makes the step ask for the export again, from
//! the start (a new operation, manifest and SAS), a few times: every blob of a data version
//! is read in one attempt, so an invoice or period is never half one version. A line that is
//! JSON but not a row (an essential field missing) is set aside, named by its blob and line;
//! set-aside lines are kept in memory and written with the commit, so a retried attempt
//! never records them twice.

use cspdesk_partner_api::graph_billing::{
    BillingPeriod, BlobLine, Export, GraphRow, Manifest, Prepared, ReconciliationRow, UsageRow,
};
use cspdesk_partner_api::{self as pc, SetAside};
use cspdesk_store::discovered::{BillingLineRow, DailyUsageRow, GraphDataset, GraphExportVersion};
use serde::de::DeserializeOwned;

use super::{api, Aside, Ctx, StepError, StepResult, MAX_SET_ASIDE_PER_STEP};
use crate::graph_plan::GraphStep;
use crate::plan::{period_month, UnbilledPeriod};
use crate::progress::ExportStage;
use crate::rows;

/// Rows staged per transaction. Each export downloading holds up to two batches (one being
/// written, one being read) and at most [`crate::GRAPH_DOWNLOADS`] download at once, so what
/// staging holds in memory is at most 4 x 2 batches; 2,000 is the plain insert's
/// transaction size in the benchmark.
const BATCH: usize = 2_000;
/// Times one step asks for its export again after a blob broke or its link expired.
const DOWNLOAD_ATTEMPTS: u32 = 3;

/// The export a step reads, as the client names it.
fn export_of(step: &GraphStep) -> Export {
    let period = match step.period {
        Some(UnbilledPeriod::Previous) => BillingPeriod::Last,
        _ => BillingPeriod::Current,
    };
    let invoice_id = step.invoice.clone().unwrap_or_default();
    let currency = step.currency.clone();
    match step.dataset {
        GraphDataset::BilledUsage => Export::BilledUsage { invoice_id },
        GraphDataset::BilledReconciliation => Export::BilledReconciliation { invoice_id },
        GraphDataset::UnbilledUsage => Export::UnbilledUsage { period, currency },
        GraphDataset::UnbilledReconciliation => Export::UnbilledReconciliation { period, currency },
    }
}

/// Whether a failure is cured by asking for the export again (a fresh manifest and link).
fn retry_export(e: &pc::Error) -> bool {
    matches!(
        e,
        pc::Error::SasExpired { .. }
            | pc::Error::BadResponse { .. }
            | pc::Error::Unavailable { .. }
    )
}

pub(super) async fn graph_export(ctx: &Ctx, step: GraphStep) -> StepResult {
    let key = step.dataset.key(&step.scope);
    let export = export_of(&step);
    let what = export.describe();
    let mut attempt = 0;
    let outcome = loop {
        attempt += 1;
        match read(ctx, &step, &key, &export).await {
            Err(StepError::Api { error, .. })
                if retry_export(&error) && attempt < DOWNLOAD_ATTEMPTS =>
            {
                tracing::warn!(export = %key, error = %error, "asking Microsoft for the export again");
                continue;
            }
            other => break other,
        }
    };
    let stage = match &outcome {
        Ok(stage) => *stage,
        Err(StepError::Stopped) => ExportStage::Stopped,
        Err(_) => ExportStage::Failed,
    };
    ctx.tally.export_stage(&key, &what, stage);
    outcome.map(|_| ())
}

/// One attempt at the export; how it ended.
async fn read(
    ctx: &Ctx,
    step: &GraphStep,
    key: &str,
    export: &Export,
) -> Result<ExportStage, StepError> {
    let what = export.describe();
    ctx.check_stop()?;
    let graph = ctx.graph.as_ref().ok_or_else(|| {
        StepError::Internal("a Graph export was planned without a Graph client".into())
    })?;
    ctx.tally.export_stage(key, &what, ExportStage::Requested);
    let operation = ctx.call(graph.start(export)).await?.map_err(api(&what))?;
    ctx.tally.export_stage(key, &what, ExportStage::Preparing);
    let prepared = ctx
        .call(graph.wait(export, &operation, &ctx.poll))
        .await?
        .map_err(api(&what))?;
    let (manifest, slot) = match prepared {
        // Microsoft has nothing for it. A version stored before stays: a billed invoice
        // never loses its lines, and an open period's rows go once its invoice is read.
        // Asked again and still nothing: nothing to write either.
        Prepared::NoData { .. } if step.stored => return Ok(ExportStage::NoData),
        Prepared::NoData { .. } => {
            commit(ctx, step, key, None, 0, 0, Vec::new()).await?;
            return Ok(ExportStage::NoData);
        }
        Prepared::Ready { manifest } => {
            // A download slot before the manifest, whose links carry a SAS that a long wait
            // could outlive; held for the whole version (its staged batches live until the
            // commit), let go at once when the version is the one stored.
            ctx.tally.export_stage(key, &what, ExportStage::Queued);
            let slot = tokio::select! {
                biased;
                _ = ctx.stop.cancelled() => return Err(StepError::Stopped),
                slot = ctx.downloads.acquire() => slot.map_err(|_| {
                    StepError::Internal("the run's download slots were closed".into())
                })?,
            };
            let manifest = ctx
                .call(graph.manifest(&manifest))
                .await?
                .map_err(api(&what))?;
            (manifest, slot)
        }
    };
    if step.stored_e_tag.as_deref() == Some(manifest.e_tag.as_str()) {
        drop(slot);
        ctx.tally.export_stage(key, &what, ExportStage::Unchanged);
        let (dataset, scope, now) = (step.dataset, step.scope.clone(), ctx.now());
        ctx.write("graphExports", move |w| {
            w.graph_export_unchanged(dataset, &scope, now)
        })
        .await?;
        return Ok(ExportStage::Unchanged);
    }
    let staged = key.to_string();
    ctx.write("graphExports", move |w| w.clear_staged(&staged))
        .await?;
    let mut aside = Vec::new();
    for index in 0..manifest.blobs.len() {
        if step.dataset.is_usage() {
            blob::<UsageRow>(ctx, step, key, &manifest, index, &mut aside).await?
        } else {
            blob::<ReconciliationRow>(ctx, step, key, &manifest, index, &mut aside).await?
        };
    }
    let set_aside = aside.len() as u64;
    let aside = asides(ctx, step, key, &manifest, aside)?;
    commit(
        ctx,
        step,
        key,
        Some(&manifest),
        manifest.blobs.len() as u64,
        set_aside,
        aside,
    )
    .await?;
    Ok(ExportStage::Done)
}

/// The words naming blob `index` of `manifest`, for errors and set-aside items.
fn blob_what(step: &GraphStep, manifest: &Manifest, index: usize) -> String {
    format!(
        "{} blob {} of {}",
        export_of(step).describe(),
        index + 1,
        manifest.blobs.len()
    )
}

/// The attempt's set-aside lines (blob index, line), counted and made ready for the commit.
fn asides(
    ctx: &Ctx,
    step: &GraphStep,
    key: &str,
    manifest: &Manifest,
    lines: Vec<(usize, SetAside)>,
) -> Result<Vec<Aside>, StepError> {
    let owner = step
        .invoice
        .clone()
        .unwrap_or_else(|| format!("unbilled:{}", step.scope));
    let mut out: Vec<Aside> = Vec::new();
    let mut lines = lines.into_iter().peekable();
    while let Some((index, first)) = lines.next() {
        let mut items = vec![first];
        while let Some((_, more)) = lines.next_if(|(i, _)| *i == index) {
            items.push(more);
        }
        let what = blob_what(step, manifest, index);
        let mut aside = ctx.aside(&what, key, Some(&owner), index as u32 + 1, items)?;
        for row in &mut aside.rows {
            // Export rows name their customer in PascalCase.
            if row.customer_id.is_none() {
                row.customer_id = serde_json::from_str::<serde_json::Value>(&row.raw)
                    .ok()
                    .and_then(|v| v.get("CustomerId")?.as_str().map(str::to_string));
            }
        }
        out.push(aside);
    }
    Ok(out)
}

/// A set-aside line that is not JSON at all: the blob is broken (Microsoft writes every line
/// with a JSON serializer), and the export is read again rather than the line skipped.
fn not_json(line: &SetAside) -> Option<pc::Error> {
    let err = serde_json::from_str::<serde::de::IgnoredAny>(&line.raw).err()?;
    Some(pc::Error::BadResponse {
        endpoint: line.endpoint.clone(),
        field: format!("line {}", line.index),
        detail: format!("the line is not JSON ({err})"),
    })
}

/// Staged rows of one batch, in the export's shape.
enum Batch {
    Usage(Vec<DailyUsageRow>),
    Lines(Vec<BillingLineRow>),
}

impl Batch {
    fn new(usage: bool) -> Batch {
        if usage {
            Batch::Usage(Vec::with_capacity(BATCH))
        } else {
            Batch::Lines(Vec::with_capacity(BATCH))
        }
    }

    fn len(&self) -> usize {
        match self {
            Batch::Usage(r) => r.len(),
            Batch::Lines(r) => r.len(),
        }
    }
}

/// A row of either export shape, mapped the way v1 rows are.
trait Staged: DeserializeOwned + GraphRow {
    fn push(self, batch: &mut Batch);
}

impl Staged for UsageRow {
    fn push(self, batch: &mut Batch) {
        if let Batch::Usage(rows) = batch {
            rows.push(rows::daily_usage(self.into_line_item()));
        }
    }
}

impl Staged for ReconciliationRow {
    fn push(self, batch: &mut Batch) {
        if let Batch::Lines(rows) = batch {
            rows.push(rows::billing_line(self.into_line_item()));
        }
    }
}

/// Streams blob `index` into staged batches; the lines it set aside join `aside`.
async fn blob<T: Staged>(
    ctx: &Ctx,
    step: &GraphStep,
    key: &str,
    manifest: &Manifest,
    index: usize,
    aside: &mut Vec<(usize, SetAside)>,
) -> StepResult {
    let graph = ctx.graph.as_ref().expect("checked by the caller");
    let what = blob_what(step, manifest, index);
    ctx.tally.export_stage(
        key,
        &export_of(step).describe(),
        ExportStage::Downloading {
            blob: index as u64 + 1,
            blobs: manifest.blobs.len() as u64,
        },
    );
    let mut reader = ctx
        .call(graph.open_blob::<T>(manifest, index))
        .await?
        .map_err(api(&what))?;
    let usage = step.dataset.is_usage();
    let mut batch = Batch::new(usage);
    let mut reported = 0;
    loop {
        let line = ctx.call(reader.next()).await?.map_err(api(&what))?;
        let end = line.is_none();
        match line {
            Some(BlobLine::Row(row)) => row.push(&mut batch),
            Some(BlobLine::SetAside(s)) => {
                if let Some(broken) = not_json(&s) {
                    return Err(api(&what)(broken));
                }
                aside.push((index, s));
                if aside.len() as u64 > MAX_SET_ASIDE_PER_STEP {
                    // Counted now, it ends the step as a malformed answer.
                    let items = aside.drain(..).map(|(_, s)| s).collect();
                    ctx.aside(&what, key, None, index as u32 + 1, items)?;
                }
            }
            None => {}
        }
        if batch.len() >= BATCH || (end && batch.len() > 0) {
            ctx.check_stop()?;
            stage(ctx, key, std::mem::replace(&mut batch, Batch::new(usage))).await?;
            ctx.tally.export_rows(key, reader.lines() - reported);
            reported = reader.lines();
        }
        if end {
            ctx.tally.export_rows(key, reader.lines() - reported);
            return Ok(());
        }
    }
}

async fn stage(ctx: &Ctx, key: &str, batch: Batch) -> StepResult {
    let key = key.to_string();
    ctx.write("graphStaged", move |w| {
        match batch {
            Batch::Usage(rows) => w.stage_usage(&key, &rows)?,
            Batch::Lines(rows) => w.stage_lines(&key, &rows)?,
        };
        Ok(())
    })
    .await
}

/// Replaces the invoice's or period's rows with the staged ones and records the version
/// (`None`: Microsoft had no data).
async fn commit(
    ctx: &Ctx,
    step: &GraphStep,
    key: &str,
    manifest: Option<&Manifest>,
    blobs: u64,
    set_aside: u64,
    aside: Vec<Aside>,
) -> StepResult {
    ctx.check_stop()?;
    ctx.tally
        .export_stage(key, &export_of(step).describe(), ExportStage::Writing);
    let now = ctx.now();
    let version = GraphExportVersion {
        dataset: step.dataset,
        scope: step.scope.clone(),
        e_tag: manifest.map(|m| m.e_tag.clone()),
        manifest_created_at: manifest.and_then(|m| m.created_date_time.clone()),
        read_at: now,
        blobs,
        set_aside,
    };
    let unbilled = match (step.dataset, step.period) {
        (GraphDataset::UnbilledUsage, Some(period)) => Some((
            period == UnbilledPeriod::Previous,
            step.currency.clone(),
            period_month(now, period),
        )),
        _ => None,
    };
    let staged = key.to_string();
    let entity = if step.dataset.is_usage() {
        "dailyUsage"
    } else {
        "billingLineItems"
    };
    ctx.write(entity, move |w| {
        if manifest_absent(&version) {
            w.clear_staged(&staged)?;
        }
        for a in &aside {
            a.write(w)?;
        }
        w.commit_graph_export(&version)?;
        if let Some((previous, currency, month)) = unbilled {
            w.unbilled_done(previous, &currency, &month, now)?;
        }
        Ok(())
    })
    .await
}

fn manifest_absent(v: &GraphExportVersion) -> bool {
    v.e_tag.is_none()
}
