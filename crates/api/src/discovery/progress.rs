//! A Discovery run's progress as the UI and `cspdesk discover --json` see it: the phase, the
//! counters, and each Microsoft Graph billing export's stage.

use cspdesk_discovery::progress::{Phase, Progress};

use super::dto::{ExportProgressDto, ExportStageDto, PhaseDto, ProgressDto};
use super::runs::{clamp, entities, millis};

/// A Graph export's stage as the UI and `--json` see it.
fn export_dto(e: &cspdesk_discovery::progress::ExportProgress) -> ExportProgressDto {
    use cspdesk_discovery::progress::ExportStage as S;
    let (stage, blob, blobs) = match e.stage {
        S::Requested => (ExportStageDto::Requested, None, None),
        S::Preparing => (ExportStageDto::Preparing, None, None),
        S::Queued => (ExportStageDto::Queued, None, None),
        S::Downloading { blob, blobs } => (
            ExportStageDto::Downloading,
            Some(clamp(blob)),
            Some(clamp(blobs)),
        ),
        S::Writing => (ExportStageDto::Writing, None, None),
        S::Unchanged => (ExportStageDto::Unchanged, None, None),
        S::NoData => (ExportStageDto::NoData, None, None),
        S::Done => (ExportStageDto::Done, None, None),
        S::Stopped => (ExportStageDto::Stopped, None, None),
        S::Failed => (ExportStageDto::Failed, None, None),
    };
    ExportProgressDto {
        export: e.export.clone(),
        stage,
        blob,
        blobs,
        rows: clamp(e.rows),
    }
}

/// A progress snapshot as the UI and `--json` see it.
pub fn progress_dto(p: &Progress) -> ProgressDto {
    ProgressDto {
        account_id: p.account_id.clone(),
        run_id: p.run_id.to_string(),
        phase: match p.phase {
            Phase::Customers => PhaseDto::Customers,
            Phase::Subscriptions => PhaseDto::Subscriptions,
            Phase::Usage => PhaseDto::Usage,
            Phase::Prices => PhaseDto::Prices,
            Phase::Invoices => PhaseDto::Invoices,
            Phase::Unbilled => PhaseDto::Unbilled,
            Phase::MicrosoftPrices => PhaseDto::MicrosoftPrices,
            // The phases of the other kinds never reach a Discovery panel.
            Phase::Finishing
            | Phase::Manifests
            | Phase::CostRows
            | Phase::StackSubscriptions
            | Phase::StackUsage => PhaseDto::Finishing,
        },
        steps_done: clamp(p.steps_done),
        steps_known: clamp(p.steps_known),
        fraction: p.fraction,
        requests: clamp(p.requests),
        throttled: clamp(p.throttled),
        rows_written: clamp(p.rows_written),
        rows_per_second: clamp(p.rows_per_second),
        elapsed_ms: millis(p.elapsed),
        eta_ms: p.eta.map(millis),
        entities: entities(&p.entities),
        exports: (!p.exports.is_empty()).then(|| p.exports.iter().map(export_dto).collect()),
        prices: None,
    }
}
