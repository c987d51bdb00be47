//! The TypeScript declarations of every DTO the UI receives or sends, generated from
//! the Rust types so the two sides cannot disagree. `ui/src/ipc/bindings.ts` is this
//! text, committed; a test fails when it drifts (run with `UPDATE_BINDINGS=1` to rewrite).

use ts_rs::{Config, TS};

use crate::accounts::database_opening::{DatabaseOpeningDto, DatabaseState};
use crate::accounts::dto::AccountSettingsDto;
use crate::accounts::dto::AppInfo;
use crate::accounts::dto::LoginEvent;
use crate::accounts::dto::{AccountDto, NewAccount};
use crate::azure_stack::dto::{
    AddStackCustomerDto, RegistrationRefDto, StackCustomerSubscriptionDto, StackOverviewDto,
    StackRegistrationDto, StackSetAsideDto, StackSubscriptionChoiceDto,
};
use crate::azure_stack::dto::{
    ImportStackUsageDto, SetStackAdminEndpointDto, StackAdminEndpointDto, StackAttributionDto,
    StackCostDto, StackUsageImportDto, StackUsageLineDto, StackUsageTotalDto,
};
use crate::billing::dto::{ExportRequestDto, ExportTable, ExportedDto};
use crate::billing::dto::{
    InvoiceCustomerDto, InvoiceDetailDto, InvoiceDto, UnbilledChargeDto, UnbilledDto,
};
use crate::billing::dto::{InvoiceLineDto, InvoiceLinesPageDto};
use crate::billing::dto::{LineColumn, LineGroupDto, LineQueryDto, LineSumDto};
use crate::cost_exports::dto::{
    CostCurrencyTotalDto, CostCustomerTotalDto, CostDatasetDto, CostImportDto, CostImportEvent,
    CostOrganizationTotalDto, CostPricingModelTotalDto, CostRowDto, CostRowsPageDto, CostRunDto,
    CostScopeKind, CostSkipDto, CostSourceDto, CostSplitDto, ExportedCostDto, NewCostSource,
};
use crate::customers::dto::{
    CustomerDto, CustomerRef, EntitlementDto, OrganizationDto, OrganizationMemberDto,
    SubscriptionDto,
};
use crate::customers::dto::{
    MarkupChangeDto, MarkupDto, MarkupPreviewDto, MarkupTargetDto, MarkupTermDto, PreviewMonthDto,
};
use crate::dashboard::dto::{
    ChartDto, CurrencyDashboardDto, CustomerFiguresDto, DashboardDto, ExportedCostsDto,
    MonthFiguresDto,
};
use crate::discovery::dto::{
    DiscoveryEvent, DiscoveryStatusDto, EntityCountDto, ExportProgressDto, ExportStageDto,
    PhaseDto, PricesProgressDto, ProgressDto, RatingOutcomeDto, RunDto, RunErrorDto, RunStateDto,
    ScheduleDto, TriggerDto,
};
use crate::imports::dto::{
    ImportEvent, ImportKindDto, ImportPhaseDto, ImportProgressDto, ImportRunDto, SetAsideItemDto,
};
use crate::prices::dto::{
    ConvertedPriceDto, FxMonthDto, FxRateDto, FxTableDto, MeterHistoryDto, MeterPriceDto,
    SheetColumn, SheetDto, SheetQueryDto, SheetRowDto, SheetRowsPageDto,
};
use crate::rating::dto::{
    PeriodDto, PeriodReconciliationDto, ReconciliationDto, ReconciliationLineDto,
    ReconciliationTotalDto,
};
use crate::rating::licence_check::{LicenceCheckDto, LicenceFlagDto, TermDatedBy};
use crate::shared::roles::Access;
use crate::shared::sign_in::{RoleDto, SignInStatus};
use crate::{ApiError, ErrorCode};

/// The whole `bindings.ts` file.
pub fn typescript() -> String {
    let cfg = Config::new();
    let decls = [
        ErrorCode::decl(&cfg),
        ApiError::decl(&cfg),
        AppInfo::decl(&cfg),
        DatabaseOpeningDto::decl(&cfg),
        DatabaseState::decl(&cfg),
        AccountDto::decl(&cfg),
        NewAccount::decl(&cfg),
        Access::decl(&cfg),
        RoleDto::decl(&cfg),
        SignInStatus::decl(&cfg),
        LoginEvent::decl(&cfg),
        AccountSettingsDto::decl(&cfg),
        RegistrationRefDto::decl(&cfg),
        StackRegistrationDto::decl(&cfg),
        StackSetAsideDto::decl(&cfg),
        StackOverviewDto::decl(&cfg),
        StackCustomerSubscriptionDto::decl(&cfg),
        StackSubscriptionChoiceDto::decl(&cfg),
        AddStackCustomerDto::decl(&cfg),
        StackAdminEndpointDto::decl(&cfg),
        SetStackAdminEndpointDto::decl(&cfg),
        ImportStackUsageDto::decl(&cfg),
        StackUsageImportDto::decl(&cfg),
        StackAttributionDto::decl(&cfg),
        StackUsageLineDto::decl(&cfg),
        StackUsageTotalDto::decl(&cfg),
        RunStateDto::decl(&cfg),
        TriggerDto::decl(&cfg),
        PhaseDto::decl(&cfg),
        ExportStageDto::decl(&cfg),
        EntityCountDto::decl(&cfg),
        RunErrorDto::decl(&cfg),
        RunDto::decl(&cfg),
        ProgressDto::decl(&cfg),
        ExportProgressDto::decl(&cfg),
        PricesProgressDto::decl(&cfg),
        DiscoveryEvent::decl(&cfg),
        DiscoveryStatusDto::decl(&cfg),
        ScheduleDto::decl(&cfg),
        ImportKindDto::decl(&cfg),
        ImportRunDto::decl(&cfg),
        SetAsideItemDto::decl(&cfg),
        ImportPhaseDto::decl(&cfg),
        ImportProgressDto::decl(&cfg),
        ImportEvent::decl(&cfg),
        CustomerDto::decl(&cfg),
        EntitlementDto::decl(&cfg),
        SubscriptionDto::decl(&cfg),
        CustomerRef::decl(&cfg),
        OrganizationMemberDto::decl(&cfg),
        OrganizationDto::decl(&cfg),
        MarkupTargetDto::decl(&cfg),
        MarkupTermDto::decl(&cfg),
        MarkupChangeDto::decl(&cfg),
        MarkupDto::decl(&cfg),
        PreviewMonthDto::decl(&cfg),
        MarkupPreviewDto::decl(&cfg),
        RatingOutcomeDto::decl(&cfg),
        PeriodDto::decl(&cfg),
        ReconciliationDto::decl(&cfg),
        ReconciliationLineDto::decl(&cfg),
        ReconciliationTotalDto::decl(&cfg),
        SheetDto::decl(&cfg),
        SheetColumn::decl(&cfg),
        SheetQueryDto::decl(&cfg),
        SheetRowDto::decl(&cfg),
        SheetRowsPageDto::decl(&cfg),
        ConvertedPriceDto::decl(&cfg),
        MeterPriceDto::decl(&cfg),
        MeterHistoryDto::decl(&cfg),
        FxRateDto::decl(&cfg),
        FxMonthDto::decl(&cfg),
        FxTableDto::decl(&cfg),
        LicenceCheckDto::decl(&cfg),
        LicenceFlagDto::decl(&cfg),
        TermDatedBy::decl(&cfg),
        PeriodReconciliationDto::decl(&cfg),
        InvoiceDto::decl(&cfg),
        InvoiceCustomerDto::decl(&cfg),
        InvoiceDetailDto::decl(&cfg),
        InvoiceLineDto::decl(&cfg),
        LineColumn::decl(&cfg),
        LineQueryDto::decl(&cfg),
        LineSumDto::decl(&cfg),
        InvoiceLinesPageDto::decl(&cfg),
        UnbilledDto::decl(&cfg),
        UnbilledChargeDto::decl(&cfg),
        LineGroupDto::decl(&cfg),
        ExportTable::decl(&cfg),
        ExportRequestDto::decl(&cfg),
        ExportedDto::decl(&cfg),
        crate::billing::rated_lines::RatedLineDto::decl(&cfg),
        crate::billing::rated_lines::RatedTotalsDto::decl(&cfg),
        crate::billing::rated_lines::RatedUsageDto::decl(&cfg),
        MonthFiguresDto::decl(&cfg),
        crate::dashboard::dto::MonthGainDto::decl(&cfg),
        CustomerFiguresDto::decl(&cfg),
        ChartDto::decl(&cfg),
        CurrencyDashboardDto::decl(&cfg),
        ExportedCostsDto::decl(&cfg),
        DashboardDto::decl(&cfg),
        CostScopeKind::decl(&cfg),
        CostDatasetDto::decl(&cfg),
        CostSourceDto::decl(&cfg),
        NewCostSource::decl(&cfg),
        CostRunDto::decl(&cfg),
        CostSkipDto::decl(&cfg),
        CostImportDto::decl(&cfg),
        CostImportEvent::decl(&cfg),
        CostCustomerTotalDto::decl(&cfg),
        CostOrganizationTotalDto::decl(&cfg),
        CostPricingModelTotalDto::decl(&cfg),
        CostSplitDto::decl(&cfg),
        ExportedCostDto::decl(&cfg),
        StackCostDto::decl(&cfg),
        CostCurrencyTotalDto::decl(&cfg),
        CostRowDto::decl(&cfg),
        CostRowsPageDto::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from the Rust DTOs in crates/api by `cargo test -p cspdesk-api` with\n\
         // UPDATE_BINDINGS=1. Do not edit by hand: change the Rust type instead.\n",
    );
    for decl in decls {
        out.push('\n');
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn committed_bindings_match_the_rust_types() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/ipc/bindings.ts");
        let generated = super::typescript();
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/ipc/bindings.ts is out of date with the Rust DTOs: run `UPDATE_BINDINGS=1 cargo test -p cspdesk-api` and commit the result"
        );
    }
}
