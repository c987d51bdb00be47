// Generated from the #[tauri::command] functions in src-tauri/src/commands by
// `UPDATE_BINDINGS=1 cargo test -p cspdesk-app`. Do not edit by hand: change the command instead.

import type { Channel } from "@tauri-apps/api/core";
import type {
  AccountDto,
  AccountSettingsDto,
  AddStackCustomerDto,
  AppInfo,
  CostDatasetDto,
  CostImportDto,
  CostImportEvent,
  CostRowsPageDto,
  CostSourceDto,
  CostSplitDto,
  CustomerDto,
  CustomerRef,
  DashboardDto,
  DatabaseOpeningDto,
  DiscoveryEvent,
  DiscoveryStatusDto,
  ExportRequestDto,
  ExportedDto,
  FxTableDto,
  ImportRunDto,
  ImportStackUsageDto,
  InvoiceDetailDto,
  InvoiceDto,
  InvoiceLinesPageDto,
  LineGroupDto,
  LineQueryDto,
  LoginEvent,
  MarkupDto,
  MarkupPreviewDto,
  MarkupTargetDto,
  MarkupTermDto,
  MeterHistoryDto,
  NewAccount,
  NewCostSource,
  OrganizationDto,
  PeriodDto,
  PeriodReconciliationDto,
  RatedUsageDto,
  RegistrationRefDto,
  RunDto,
  ScheduleDto,
  SetAsideItemDto,
  SetStackAdminEndpointDto,
  SheetDto,
  SheetQueryDto,
  SheetRowsPageDto,
  StackAdminEndpointDto,
  StackCustomerSubscriptionDto,
  StackOverviewDto,
  StackSubscriptionChoiceDto,
  StackUsageImportDto,
  StackUsageTotalDto,
  SubscriptionDto,
  UnbilledDto,
} from "./bindings";
import { call } from "./call";

/** Every command by the name it is invoked with: what it takes and what it answers. */
export interface Commands {
  accounts_list: { args: Record<string, never>; result: AccountDto[] };
  accounts_add: { args: { input: NewAccount }; result: AccountDto };
  accounts_remove: { args: { id: string }; result: AccountDto };
  accounts_add_sandbox: { args: Record<string, never>; result: AccountDto };
  accounts_login: { args: { id: string; events: Channel<LoginEvent> }; result: AccountDto };
  accounts_cancel_login: { args: { id: string }; result: null };
  accounts_logout: { args: { id: string }; result: AccountDto };
  accounts_verify_sign_in: { args: { id: string }; result: AccountDto };
  accounts_get_settings: { args: { id: string }; result: AccountSettingsDto };
  accounts_set_settings: { args: { id: string; settings: AccountSettingsDto }; result: AccountSettingsDto };
  app_get_info: { args: Record<string, never>; result: AppInfo };
  app_database_state: { args: Record<string, never>; result: DatabaseOpeningDto };
  azure_stack_get_overview: { args: { account: string }; result: StackOverviewDto };
  azure_stack_refresh: { args: { account: string }; result: StackOverviewDto };
  azure_stack_add_subscription: { args: { account: string; subscriptionId: string }; result: StackOverviewDto };
  azure_stack_remove_subscription: { args: { account: string; subscriptionId: string }; result: StackOverviewDto };
  azure_stack_list_customers: { args: { account: string; registration: RegistrationRefDto }; result: StackCustomerSubscriptionDto[] };
  azure_stack_list_choices: { args: { account: string }; result: StackSubscriptionChoiceDto[] };
  azure_stack_add_customer: { args: { account: string; input: AddStackCustomerDto }; result: StackCustomerSubscriptionDto[] };
  azure_stack_remove_customer: { args: { account: string; registration: RegistrationRefDto; subscriptionId: string }; result: StackCustomerSubscriptionDto[] };
  azure_stack_verify_customer: { args: { account: string; registration: RegistrationRefDto; subscriptionId: string }; result: StackCustomerSubscriptionDto[] };
  azure_stack_list_admin_endpoints: { args: { account: string }; result: StackAdminEndpointDto[] };
  azure_stack_set_admin_endpoint: { args: { account: string; input: SetStackAdminEndpointDto }; result: StackAdminEndpointDto[] };
  azure_stack_import_usage: { args: { account: string; input: ImportStackUsageDto }; result: StackUsageImportDto };
  azure_stack_list_usage_totals: { args: { account: string; month: string | null }; result: StackUsageTotalDto[] };
  billing_list_invoices: { args: Record<string, never>; result: InvoiceDto[] };
  billing_list_unbilled: { args: Record<string, never>; result: UnbilledDto[] };
  billing_get_invoice: { args: { accountId: string; invoiceId: string }; result: InvoiceDetailDto };
  billing_list_lines: { args: { accountId: string; invoiceId: string; customerId: string; query: LineQueryDto; offset: number; limit: number }; result: InvoiceLinesPageDto };
  billing_list_line_groups: { args: { accountId: string; invoiceId: string; customerId: string }; result: LineGroupDto[] };
  billing_list_rated_lines: { args: { accountId: string; customerId: string; period: string }; result: RatedUsageDto };
  billing_export_csv: { args: { request: ExportRequestDto }; result: ExportedDto | null };
  cost_exports_list_sources: { args: { account: string | null }; result: CostSourceDto[] };
  cost_exports_add_source: { args: { input: NewCostSource }; result: CostSourceDto };
  cost_exports_renew_source: { args: { account: string; source: string; sasUrl: string }; result: CostSourceDto };
  cost_exports_remove_source: { args: { account: string; source: string }; result: CostSourceDto };
  cost_exports_import: { args: { account: string; source: string | null; events: Channel<CostImportEvent> }; result: CostImportDto[] };
  cost_exports_get_split: { args: { account: string; dataset: CostDatasetDto; month: string | null }; result: CostSplitDto };
  cost_exports_list_rows: { args: { account: string; tenant: string; dataset: CostDatasetDto; month: string | null; offset: number; limit: number }; result: CostRowsPageDto };
  customers_list: { args: Record<string, never>; result: CustomerDto[] };
  customers_list_subscriptions: { args: { customer: CustomerRef | null }; result: SubscriptionDto[] };
  customers_list_organizations: { args: Record<string, never>; result: OrganizationDto[] };
  customers_create_organization: { args: { name: string; members: CustomerRef[] }; result: OrganizationDto };
  customers_add_members: { args: { organization: string; members: CustomerRef[] }; result: OrganizationDto };
  customers_remove_members: { args: { organization: string; members: CustomerRef[] }; result: OrganizationDto };
  customers_delete_organization: { args: { organization: string }; result: null };
  customers_list_markups: { args: Record<string, never>; result: MarkupDto[] };
  customers_get_markup: { args: { target: MarkupTargetDto }; result: MarkupDto };
  customers_set_markup: { args: { target: MarkupTargetDto; terms: MarkupTermDto[]; effectiveFrom: string }; result: MarkupDto };
  customers_preview_markup: { args: { target: MarkupTargetDto; terms: MarkupTermDto[]; effectiveFrom: string }; result: MarkupPreviewDto };
  dashboard_get: { args: Record<string, never>; result: DashboardDto };
  dashboard_save_chart: { args: { svg: string; name: string; png: boolean }; result: string | null };
  discovery_list_statuses: { args: Record<string, never>; result: DiscoveryStatusDto[] };
  discovery_start: { args: { account: string }; result: RunDto };
  discovery_stop: { args: { account: string }; result: null };
  discovery_list_runs: { args: { account: string }; result: RunDto[] };
  discovery_watch: { args: { events: Channel<DiscoveryEvent> }; result: null };
  discovery_get_schedule: { args: Record<string, never>; result: ScheduleDto };
  discovery_set_schedule: { args: { schedule: ScheduleDto }; result: ScheduleDto };
  imports_list_runs: { args: { account: string }; result: ImportRunDto[] };
  imports_stop: { args: { runId: string }; result: null };
  imports_list_set_aside: { args: { runId: string }; result: SetAsideItemDto[] };
  prices_list_sheets: { args: { accountId: string }; result: SheetDto[] };
  prices_list_rows: { args: { accountId: string; sheetId: number; query: SheetQueryDto; offset: number; limit: number }; result: SheetRowsPageDto };
  prices_get_meter_history: { args: { accountId: string; view: string | null; meterId: string }; result: MeterHistoryDto };
  prices_list_fx_rates: { args: { accountId: string }; result: FxTableDto };
  rating_list_periods: { args: Record<string, never>; result: PeriodDto[] };
  rating_reconcile_period: { args: { period: string }; result: PeriodReconciliationDto };
}

/** A command's name. */
export type CommandName = keyof Commands;

/**
 * All partner accounts.
 */
export function accountsList(): Promise<AccountDto[]> {
  return call("accounts_list", {});
}

/**
 * Adds a partner account.
 */
export function accountsAdd(input: NewAccount): Promise<AccountDto> {
  return call("accounts_add", { input });
}

/**
 * Removes a partner account by id (stopping its Discovery run first).
 */
export function accountsRemove(id: string): Promise<AccountDto> {
  return call("accounts_remove", { id });
}

/**
 * Adds the sandbox partner (served by the embedded emulator).
 */
export function accountsAddSandbox(): Promise<AccountDto> {
  return call("accounts_add_sandbox", {});
}

/**
 * "Login with Microsoft": opens the system browser and waits for the sign-in; the page
 * hears about the browser through `events` and can cancel with `accounts_cancel_login`.
 */
export function accountsLogin(id: string, events: Channel<LoginEvent>): Promise<AccountDto> {
  return call("accounts_login", { id, events });
}

/**
 * Cancels a waiting "Login with Microsoft".
 */
export function accountsCancelLogin(id: string): Promise<null> {
  return call("accounts_cancel_login", { id });
}

/**
 * Signs the account out (removes its keyring entry), stopping its Discovery run first.
 */
export function accountsLogout(id: string): Promise<AccountDto> {
  return call("accounts_logout", { id });
}

/**
 * Uses the stored sign-in once to confirm it still works (and refresh roles and lapse date).
 */
export function accountsVerifySignIn(id: string): Promise<AccountDto> {
  return call("accounts_verify_sign_in", { id });
}

/**
 * The account's sign-in settings (app id, authority, API hosts).
 */
export function accountsGetSettings(id: string): Promise<AccountSettingsDto> {
  return call("accounts_get_settings", { id });
}

/**
 * Saves the account's sign-in settings.
 */
export function accountsSetSettings(id: string, settings: AccountSettingsDto): Promise<AccountSettingsDto> {
  return call("accounts_set_settings", { id, settings });
}

/**
 * Version and database path.
 */
export function appGetInfo(): Promise<AppInfo> {
  return call("app_get_info", {});
}

/**
 * Where opening the database stands: the window shows an upgrade of an older file until it
 * is done (every other command answers `Upgrading` meanwhile).
 */
export function appDatabaseState(): Promise<DatabaseOpeningDto> {
  return call("app_database_state", {});
}

/**
 * Registrations of `account` as last read (no call to Azure).
 */
export function azureStackGetOverview(account: string): Promise<StackOverviewDto> {
  return call("azure_stack_get_overview", { account });
}

/**
 * Reads the account's registrations and customer subscriptions from Azure.
 */
export function azureStackRefresh(account: string): Promise<StackOverviewDto> {
  return call("azure_stack_refresh", { account });
}

/**
 * Names a partner subscription holding registrations and reads them.
 */
export function azureStackAddSubscription(account: string, subscriptionId: string): Promise<StackOverviewDto> {
  return call("azure_stack_add_subscription", { account, subscriptionId });
}

/**
 * Forgets a partner subscription (nothing changes in Azure).
 */
export function azureStackRemoveSubscription(account: string, subscriptionId: string): Promise<StackOverviewDto> {
  return call("azure_stack_remove_subscription", { account, subscriptionId });
}

/**
 * Customer subscriptions of a registration as last read.
 */
export function azureStackListCustomers(account: string, registration: RegistrationRefDto): Promise<StackCustomerSubscriptionDto[]> {
  return call("azure_stack_list_customers", { account, registration });
}

/**
 * Discovered customers' Azure subscriptions to pick from.
 */
export function azureStackListChoices(account: string): Promise<StackSubscriptionChoiceDto[]> {
  return call("azure_stack_list_choices", { account });
}

/**
 * Adds a customer subscription to a registration through ARM.
 */
export function azureStackAddCustomer(account: string, input: AddStackCustomerDto): Promise<StackCustomerSubscriptionDto[]> {
  return call("azure_stack_add_customer", { account, input });
}

/**
 * Removes a customer subscription from a registration through ARM.
 */
export function azureStackRemoveCustomer(account: string, registration: RegistrationRefDto, subscriptionId: string): Promise<StackCustomerSubscriptionDto[]> {
  return call("azure_stack_remove_customer", { account, registration, subscriptionId });
}

/**
 * Asks Azure whether a customer subscription is still added.
 */
export function azureStackVerifyCustomer(account: string, registration: RegistrationRefDto, subscriptionId: string): Promise<StackCustomerSubscriptionDto[]> {
  return call("azure_stack_verify_customer", { account, registration, subscriptionId });
}

/**
 * The Stack admin endpoints set for `account`.
 */
export function azureStackListAdminEndpoints(account: string): Promise<StackAdminEndpointDto[]> {
  return call("azure_stack_list_admin_endpoints", { account });
}

/**
 * Sets a registration's Stack admin endpoint and Default Provider Subscription.
 */
export function azureStackSetAdminEndpoint(account: string, input: SetStackAdminEndpointDto): Promise<StackAdminEndpointDto[]> {
  return call("azure_stack_set_admin_endpoint", { account, input });
}

/**
 * Imports a window of daily usage from the registration's Stack.
 */
export function azureStackImportUsage(account: string, input: ImportStackUsageDto): Promise<StackUsageImportDto> {
  return call("azure_stack_import_usage", { account, input });
}

/**
 * Azure Stack totals per billed subscription and month (`month` = `YYYY-MM` for one).
 */
export function azureStackListUsageTotals(account: string, month: string | null): Promise<StackUsageTotalDto[]> {
  return call("azure_stack_list_usage_totals", { account, month });
}

/**
 * Every invoice, newest first.
 */
export function billingListInvoices(): Promise<InvoiceDto[]> {
  return call("billing_list_invoices", {});
}

/**
 * Microsoft's unbilled usage of the open periods, apart from the invoices.
 */
export function billingListUnbilled(): Promise<UnbilledDto[]> {
  return call("billing_list_unbilled", {});
}

/**
 * One invoice with its customers.
 */
export function billingGetInvoice(accountId: string, invoiceId: string): Promise<InvoiceDetailDto> {
  return call("billing_get_invoice", { accountId, invoiceId });
}

/**
 * A page of one customer's lines on an invoice as the page shows them (sort, search,
 * product), with the count and sums of what is in view. Read through its own read-only
 * connection: working out a million-line view takes a moment, and the rest of the app
 * should not wait for it.
 */
export function billingListLines(accountId: string, invoiceId: string, customerId: string, query: LineQueryDto, offset: number, limit: number): Promise<InvoiceLinesPageDto> {
  return call("billing_list_lines", { accountId, invoiceId, customerId, query, offset, limit });
}

/**
 * One customer's lines on an invoice added up by product.
 */
export function billingListLineGroups(accountId: string, invoiceId: string, customerId: string): Promise<LineGroupDto[]> {
  return call("billing_list_line_groups", { accountId, invoiceId, customerId });
}

/**
 * One customer's rated lines of a period (`YYYY-MM`) with list, effective, billed, resale
 * and savings, and their totals per currency.
 */
export function billingListRatedLines(accountId: string, customerId: string, period: string): Promise<RatedUsageDto> {
  return call("billing_list_rated_lines", { accountId, customerId, period });
}

/**
 * Asks where to save (the system's save dialog), then writes the CSV. `None`: the user
 * cancelled the dialog. The export reads through its own read-only connection, so the app
 * stays usable while a million lines are written.
 */
export function billingExportCsv(request: ExportRequestDto): Promise<ExportedDto | null> {
  return call("billing_export_csv", { request });
}

/**
 * Sources of `account` (every account when `None`), with when their SAS expires.
 */
export function costExportsListSources(account: string | null): Promise<CostSourceDto[]> {
  return call("cost_exports_list_sources", { account });
}

/**
 * Connects a source: the SAS URL is checked, then kept only in the keyring.
 */
export function costExportsAddSource(input: NewCostSource): Promise<CostSourceDto> {
  return call("cost_exports_add_source", { input });
}

/**
 * Replaces a source's SAS URL (same container).
 */
export function costExportsRenewSource(account: string, source: string, sasUrl: string): Promise<CostSourceDto> {
  return call("cost_exports_renew_source", { account, source, sasUrl });
}

/**
 * Removes a source, its imported costs and its SAS.
 */
export function costExportsRemoveSource(account: string, source: string): Promise<CostSourceDto> {
  return call("cost_exports_remove_source", { account, source });
}

/**
 * Imports the new export runs of the account's sources (or one), reporting progress through
 * `events`, off the async workers and through a connection of its own.
 */
export function costExportsImport(account: string, source: string | null, events: Channel<CostImportEvent>): Promise<CostImportDto[]> {
  return call("cost_exports_import", { account, source, events });
}

/**
 * Imported costs of `account` per customer, organization and pricing model.
 */
export function costExportsGetSplit(account: string, dataset: CostDatasetDto, month: string | null): Promise<CostSplitDto> {
  return call("cost_exports_get_split", { account, dataset, month });
}

/**
 * A page of one customer's imported cost rows.
 */
export function costExportsListRows(account: string, tenant: string, dataset: CostDatasetDto, month: string | null, offset: number, limit: number): Promise<CostRowsPageDto> {
  return call("cost_exports_list_rows", { account, tenant, dataset, month, offset, limit });
}

/**
 * Every discovered customer.
 */
export function customersList(): Promise<CustomerDto[]> {
  return call("customers_list", {});
}

/**
 * Subscriptions of every customer, or of one.
 */
export function customersListSubscriptions(customer: CustomerRef | null): Promise<SubscriptionDto[]> {
  return call("customers_list_subscriptions", { customer });
}

/**
 * Customer organizations with their tenants.
 */
export function customersListOrganizations(): Promise<OrganizationDto[]> {
  return call("customers_list_organizations", {});
}

/**
 * Creates an organization of `members`.
 */
export function customersCreateOrganization(name: string, members: CustomerRef[]): Promise<OrganizationDto> {
  return call("customers_create_organization", { name, members });
}

/**
 * Adds tenants to an organization (id or name).
 */
export function customersAddMembers(organization: string, members: CustomerRef[]): Promise<OrganizationDto> {
  return call("customers_add_members", { organization, members });
}

/**
 * Removes tenants from an organization.
 */
export function customersRemoveMembers(organization: string, members: CustomerRef[]): Promise<OrganizationDto> {
  return call("customers_remove_members", { organization, members });
}

/**
 * Deletes an organization (its tenants stay).
 */
export function customersDeleteOrganization(organization: string): Promise<null> {
  return call("customers_delete_organization", { organization });
}

/**
 * Every customer and organization with a markup, as in effect today.
 */
export function customersListMarkups(): Promise<MarkupDto[]> {
  return call("customers_list_markups", {});
}

/**
 * One customer's or organization's markup, as in effect today, with its history.
 */
export function customersGetMarkup(target: MarkupTargetDto): Promise<MarkupDto> {
  return call("customers_get_markup", { target });
}

/**
 * Sets markup terms from a day.
 */
export function customersSetMarkup(target: MarkupTargetDto, terms: MarkupTermDto[], effectiveFrom: string): Promise<MarkupDto> {
  return call("customers_set_markup", { target, terms, effectiveFrom });
}

/**
 * What a markup change would have done to the last closed months (nothing is saved).
 */
export function customersPreviewMarkup(target: MarkupTargetDto, terms: MarkupTermDto[], effectiveFrom: string): Promise<MarkupPreviewDto> {
  return call("customers_preview_markup", { target, terms, effectiveFrom });
}

/**
 * The Dashboard now.
 */
export function dashboardGet(): Promise<DashboardDto> {
  return call("dashboard_get", {});
}

/**
 * Saves `svg` as `name`.svg or, with `png`, rasterised as `name`.png. `None`: the user
 * cancelled the dialog. Answers with the path written.
 */
export function dashboardSaveChart(svg: string, name: string, png: boolean): Promise<string | null> {
  return call("dashboard_save_chart", { svg, name, png });
}

/**
 * Every account's Discovery panel.
 */
export function discoveryListStatuses(): Promise<DiscoveryStatusDto[]> {
  return call("discovery_list_statuses", {});
}

/**
 * Starts Discovery for an account; returns once the run is recorded.
 */
export function discoveryStart(account: string): Promise<RunDto> {
  return call("discovery_start", { account });
}

/**
 * Asks an account's run to stop after its current pages.
 */
export function discoveryStop(account: string): Promise<null> {
  return call("discovery_stop", { account });
}

/**
 * The run history of an account, newest first.
 */
export function discoveryListRuns(account: string): Promise<RunDto[]> {
  return call("discovery_list_runs", { account });
}

/**
 * Sends every run's events (scheduled runs too) to the window over `events`.
 */
export function discoveryWatch(events: Channel<DiscoveryEvent>): Promise<null> {
  return call("discovery_watch", { events });
}

/**
 * When scheduled runs start.
 */
export function discoveryGetSchedule(): Promise<ScheduleDto> {
  return call("discovery_get_schedule", {});
}

/**
 * Changes when scheduled runs start.
 */
export function discoverySetSchedule(schedule: ScheduleDto): Promise<ScheduleDto> {
  return call("discovery_set_schedule", { schedule });
}

/**
 * Every kind of run of `account`, newest first.
 */
export function importsListRuns(account: string): Promise<ImportRunDto[]> {
  return call("imports_list_runs", { account });
}

/**
 * Asks run `run_id` (any kind) to stop after its current page or batch.
 */
export function importsStop(runId: string): Promise<null> {
  return call("imports_stop", { runId });
}

/**
 * The items run `run_id` set aside (its warnings), with where each was and why.
 */
export function importsListSetAside(runId: string): Promise<SetAsideItemDto[]> {
  return call("imports_list_set_aside", { runId });
}

/**
 * Every price sheet held for the account, newest month first.
 */
export function pricesListSheets(accountId: string): Promise<SheetDto[]> {
  return call("prices_list_sheets", { accountId });
}

/**
 * A page of one sheet's rows as the grid shows them (search, sort), with the counts.
 */
export function pricesListRows(accountId: string, sheetId: number, query: SheetQueryDto, offset: number, limit: number): Promise<SheetRowsPageDto> {
  return call("prices_list_rows", { accountId, sheetId, query, offset, limit });
}

/**
 * A meter's unit price per month and tier, in USD and each billing currency.
 */
export function pricesGetMeterHistory(accountId: string, view: string | null, meterId: string): Promise<MeterHistoryDto> {
  return call("prices_get_meter_history", { accountId, view, meterId });
}

/**
 * The account's FX rates per month, newest first.
 */
export function pricesListFxRates(accountId: string): Promise<FxTableDto> {
  return call("prices_list_fx_rates", { accountId });
}

/**
 * Periods with rated usage or an invoice, newest first.
 */
export function ratingListPeriods(): Promise<PeriodDto[]> {
  return call("rating_list_periods", {});
}

/**
 * Our rated cost against the invoice, per customer, for `period` (`YYYY-MM`), with each
 * customer's resale and margin.
 */
export function ratingReconcilePeriod(period: string): Promise<PeriodReconciliationDto> {
  return call("rating_reconcile_period", { period });
}
