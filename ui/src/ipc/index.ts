// The one door from the UI to the backend. Every call goes through `call`, which turns
// whatever the backend throws into a typed ApiError; components import the functions
// below and never call `invoke` themselves.
import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  CostCustomerTotalDto,
  CostDatasetDto,
  CostImportDto,
  CostImportEvent,
  CostOrganizationTotalDto,
  CostPricingModelTotalDto,
  CostRowDto,
  CostRowsPageDto,
  CostRunDto,
  CostScopeKind,
  CostSkipDto,
  CostSourceDto,
  CostSplitDto,
  NewCostSource,
  AddStackCustomerDto,
  ImportStackUsageDto,
  SetStackAdminEndpointDto,
  StackAdminEndpointDto,
  StackAttributionDto,
  StackUsageImportDto,
  StackUsageLineDto,
  StackUsageTotalDto,
  RegistrationRefDto,
  StackCustomerSubscriptionDto,
  StackOverviewDto,
  StackRegistrationDto,
  StackSubscriptionChoiceDto,
  AccountDto,
  AccountSettingsDto,
  Access,
  ApiError,
  AppInfo,
  CustomerDto,
  CustomerRef,
  DiscoveryEvent,
  DiscoveryStatusDto,
  EntitlementDto,
  EntityCountDto,
  LineGroupDto,
  UnbilledDto,
  ChartDto,
  CurrencyDashboardDto,
  CustomerFiguresDto,
  DashboardDto,
  MonthFiguresDto,
  ExportRequestDto,
  ExportTable,
  ExportedDto,
  InvoiceCustomerDto,
  InvoiceDetailDto,
  InvoiceDto,
  InvoiceLineDto,
  InvoiceLinesPageDto,
  LineColumn,
  LineQueryDto,
  LineSumDto,
  ErrorCode,
  LoginEvent,
  MarkupChangeDto,
  MarkupDto,
  MarkupPreviewDto,
  MarkupTargetDto,
  MarkupTermDto,
  NewAccount,
  OrganizationDto,
  OrganizationMemberDto,
  PeriodDto,
  PhaseDto,
  PreviewMonthDto,
  ProgressDto,
  RatingOutcomeDto,
  PeriodReconciliationDto,
  ReconciliationDto,
  ReconciliationLineDto,
  ReconciliationTotalDto,
  RoleDto,
  RunDto,
  RunErrorDto,
  RunStateDto,
  ScheduleDto,
  SignInStatus,
  SubscriptionDto,
  TriggerDto,
} from "./bindings";

export type {
  CostCustomerTotalDto,
  CostDatasetDto,
  CostImportDto,
  CostImportEvent,
  CostOrganizationTotalDto,
  CostPricingModelTotalDto,
  CostRowDto,
  CostRowsPageDto,
  CostRunDto,
  CostScopeKind,
  CostSkipDto,
  CostSourceDto,
  CostSplitDto,
  NewCostSource,
  AddStackCustomerDto,
  ImportStackUsageDto,
  SetStackAdminEndpointDto,
  StackAdminEndpointDto,
  StackAttributionDto,
  StackUsageImportDto,
  StackUsageLineDto,
  StackUsageTotalDto,
  RegistrationRefDto,
  StackCustomerSubscriptionDto,
  StackOverviewDto,
  StackRegistrationDto,
  StackSubscriptionChoiceDto,
  AccountDto,
  AccountSettingsDto,
  Access,
  ApiError,
  AppInfo,
  CustomerDto,
  CustomerRef,
  DiscoveryEvent,
  DiscoveryStatusDto,
  EntitlementDto,
  EntityCountDto,
  LineGroupDto,
  UnbilledDto,
  ChartDto,
  CurrencyDashboardDto,
  CustomerFiguresDto,
  DashboardDto,
  MonthFiguresDto,
  ExportRequestDto,
  ExportTable,
  ExportedDto,
  InvoiceCustomerDto,
  InvoiceDetailDto,
  InvoiceDto,
  InvoiceLineDto,
  InvoiceLinesPageDto,
  LineColumn,
  LineQueryDto,
  LineSumDto,
  ErrorCode,
  LoginEvent,
  MarkupChangeDto,
  MarkupDto,
  MarkupPreviewDto,
  MarkupTargetDto,
  MarkupTermDto,
  NewAccount,
  OrganizationDto,
  OrganizationMemberDto,
  PeriodDto,
  PhaseDto,
  PreviewMonthDto,
  ProgressDto,
  RatingOutcomeDto,
  PeriodReconciliationDto,
  ReconciliationDto,
  ReconciliationLineDto,
  ReconciliationTotalDto,
  RoleDto,
  RunDto,
  RunErrorDto,
  RunStateDto,
  ScheduleDto,
  SignInStatus,
  SubscriptionDto,
  TriggerDto,
};

// Keyed by ErrorCode so the compiler fails here when the backend adds a code.
const CODES = {
  Validation: true,
  Duplicate: true,
  NotFound: true,
  NewerDatabase: true,
  Storage: true,
  Internal: true,
  NotSignedIn: true,
  ConsentExpired: true,
  ConsentDenied: true,
  SignInFailed: true,
  SignInAborted: true,
  SignInCancelled: true,
  Unauthorized: true,
  MfaRequired: true,
  Forbidden: true,
  Throttled: true,
  Unavailable: true,
  BadResponse: true,
  Keyring: true,
  AlreadyRunning: true,
  SasExpired: true,
} satisfies Record<ErrorCode, true>;

/** True when `e` has the `{code, message}` shape the backend sends. */
export function isApiError(e: unknown): e is ApiError {
  if (typeof e !== "object" || e === null) return false;
  const r = e as Record<string, unknown>;
  return typeof r.message === "string" && typeof r.code === "string" && Object.hasOwn(CODES, r.code);
}

/** Normalises anything thrown by the IPC layer into an ApiError. */
export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { code: e.code, message: e.message, field: e.field ?? null };
  const text = e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e);
  return {
    code: "Internal",
    message: `CSP Desk failed unexpectedly (${text}). Restart the app; if it happens again, report it.`,
    field: null,
  };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

export const app = {
  info: () => call<AppInfo>("app_info"),
};

export const accounts = {
  list: () => call<AccountDto[]>("list_accounts"),
  add: (input: NewAccount) => call<AccountDto>("add_account", { input }),
  remove: (id: string) => call<AccountDto>("remove_account", { id }),
  addSandbox: () => call<AccountDto>("add_sandbox"),
  settings: (id: string) => call<AccountSettingsDto>("account_settings", { id }),
  updateSettings: (id: string, settings: AccountSettingsDto) =>
    call<AccountSettingsDto>("update_account_settings", { id, settings }),
};

export const signIn = {
  /** Opens the browser and resolves when the sign-in finishes; `onEvent` hears the URL. */
  login: (id: string, onEvent: (e: LoginEvent) => void) => {
    const events = new Channel<LoginEvent>();
    events.onmessage = onEvent;
    return call<AccountDto>("login_account", { id, events });
  },
  cancel: (id: string) => call<null>("cancel_login", { id }),
  logout: (id: string) => call<AccountDto>("logout_account", { id }),
  verify: (id: string) => call<AccountDto>("verify_sign_in", { id }),
};

export const discovery = {
  /** One status per account: the state badge, the running run's progress, the last run. */
  statuses: () => call<DiscoveryStatusDto[]>("discovery_statuses"),
  /** Resolves once the run has started (not when it ends); progress arrives through `watch`. */
  start: (account: string) => call<RunDto>("discovery_start", { account }),
  /** Asks the run to stop; it ends Stopped and a `finished` event follows. */
  stop: (account: string) => call<null>("discovery_stop", { account }),
  /** The account's runs, newest first. */
  runs: (account: string) => call<RunDto[]>("discovery_runs", { account }),
  /** App-wide: every account's started, progress and finished events, scheduled runs too. */
  watch: (onEvent: (e: DiscoveryEvent) => void) => {
    const events = new Channel<DiscoveryEvent>();
    events.onmessage = onEvent;
    return call<null>("discovery_watch", { events });
  },
  schedule: () => call<ScheduleDto>("discovery_schedule"),
  setSchedule: (schedule: ScheduleDto) => call<ScheduleDto>("set_discovery_schedule", { schedule }),
};

export const customers = {
  /** Every discovered customer of every account. */
  list: () => call<CustomerDto[]>("list_customers"),
};

export const subscriptions = {
  /** One customer's subscriptions, or every subscription when `customer` is null. */
  list: (customer: CustomerRef | null) => call<SubscriptionDto[]>("list_subscriptions", { customer }),
};

export const organizations = {
  list: () => call<OrganizationDto[]>("list_organizations"),
  create: (name: string, members: CustomerRef[]) => call<OrganizationDto>("create_organization", { name, members }),
  addMembers: (organization: string, members: CustomerRef[]) =>
    call<OrganizationDto>("add_organization_members", { organization, members }),
  removeMembers: (organization: string, members: CustomerRef[]) =>
    call<OrganizationDto>("remove_organization_members", { organization, members }),
  remove: (organization: string) => call<null>("delete_organization", { organization }),
};

export const billing = {
  /** Every invoice, newest first. */
  invoices: () => call<InvoiceDto[]>("list_invoices"),
  /** One customer's lines on an invoice added up by product, largest cost first. */
  groups: (accountId: string, invoiceId: string, customerId: string) =>
    call<LineGroupDto[]>("invoice_customer_line_groups", { accountId, invoiceId, customerId }),
  /** Microsoft's unbilled usage of the open periods, per account and currency. */
  unbilled: () => call<UnbilledDto[]>("list_unbilled"),
  /** One invoice with its customers' cost, markup, fee, resale and margin. */
  detail: (accountId: string, invoiceId: string) => call<InvoiceDetailDto>("invoice_detail", { accountId, invoiceId }),
  /**
   * Lines `offset..offset+limit` (at most 5,000) of one customer on an invoice as `query`
   * sorts and filters them, with the count and sums of every line in view.
   */
  lines: (accountId: string, invoiceId: string, customerId: string, query: LineQueryDto, offset: number, limit: number) =>
    call<InvoiceLinesPageDto>("invoice_customer_lines", { accountId, invoiceId, customerId, query, offset, limit }),
};

export const dashboard = {
  /** Figures and charts (SVG) per billing currency. */
  get: () => call<DashboardDto>("dashboard"),
  /** Saves a chart as SVG or PNG through the save dialog; the path, or null if cancelled. */
  saveChart: (svg: string, name: string, png: boolean) => call<string | null>("save_chart", { svg, name, png }),
};

export const exports = {
  /** Asks where to save, then writes the CSV; null when the user cancelled the dialog. */
  csv: (request: ExportRequestDto) => call<ExportedDto | null>("export_csv", { request }),
};

export const reconciliation = {
  /** Billing periods with rated usage or an invoice, newest first. */
  periods: () => call<PeriodDto[]>("list_billing_periods"),
  /** Rated cost against the invoice per customer for `period` (YYYY-MM), with totals per currency. */
  period: (period: string) => call<PeriodReconciliationDto>("reconcile_period", { period }),
};

export const azureStack = {
  /** Registrations of `account` as last read from Azure (works offline). */
  overview: (account: string) => call<StackOverviewDto>("stack_overview", { account }),
  /** Reads registrations and their customer subscriptions from Azure. */
  refresh: (account: string) => call<StackOverviewDto>("stack_refresh", { account }),
  /** Names a partner subscription holding registrations, then reads Azure. */
  addSubscription: (account: string, subscriptionId: string) =>
    call<StackOverviewDto>("stack_add_subscription", { account, subscriptionId }),
  /** Forgets a partner subscription (nothing changes in Azure). */
  removeSubscription: (account: string, subscriptionId: string) =>
    call<StackOverviewDto>("stack_remove_subscription", { account, subscriptionId }),
  /** Customer subscriptions of a registration as last read. */
  customers: (account: string, registration: RegistrationRefDto) =>
    call<StackCustomerSubscriptionDto[]>("stack_customer_subscriptions", { account, registration }),
  /** Discovered customers' Azure subscriptions to pick from. */
  choices: (account: string) =>
    call<StackSubscriptionChoiceDto[]>("stack_subscription_choices", { account }),
  /** Adds a customer subscription through ARM; the list as Azure confirmed it. */
  addCustomer: (account: string, input: AddStackCustomerDto) =>
    call<StackCustomerSubscriptionDto[]>("stack_add_customer", { account, input }),
  /** Removes a customer subscription through ARM. */
  removeCustomer: (account: string, registration: RegistrationRefDto, subscriptionId: string) =>
    call<StackCustomerSubscriptionDto[]>("stack_remove_customer", { account, registration, subscriptionId }),
  /** Asks Azure whether a customer subscription is still added. */
  verifyCustomer: (account: string, registration: RegistrationRefDto, subscriptionId: string) =>
    call<StackCustomerSubscriptionDto[]>("stack_verify_customer", { account, registration, subscriptionId }),
  /** The Stack admin endpoints set for the account's registrations. */
  adminEndpoints: (account: string) =>
    call<StackAdminEndpointDto[]>("stack_admin_endpoints", { account }),
  /** Sets a registration's Stack admin endpoint and Default Provider Subscription. */
  setAdminEndpoint: (account: string, input: SetStackAdminEndpointDto) =>
    call<StackAdminEndpointDto[]>("stack_set_admin_endpoint", { account, input }),
  /** Imports a window of daily usage from the registration's Stack (replaces that window). */
  importUsage: (account: string, input: ImportStackUsageDto) =>
    call<StackUsageImportDto>("stack_import_usage", { account, input }),
  /** Rated Azure Stack totals per billed subscription and month (`month` = YYYY-MM for one). */
  usageTotals: (account: string, month: string | null) =>
    call<StackUsageTotalDto[]>("stack_usage_totals", { account, month }),
};

export const costExports = {
  /** Sources of `account` (every account without), with when their SAS expires. */
  sources: (account: string | null) => call<CostSourceDto[]>("cost_sources", { account }),
  /** Connects a source; the SAS URL goes only to the OS keyring. */
  addSource: (input: NewCostSource) => call<CostSourceDto>("cost_source_add", { input }),
  /** Replaces a source's SAS URL (the same container). */
  renew: (account: string, source: string, sasUrl: string) =>
    call<CostSourceDto>("cost_source_renew", { account, source, sasUrl }),
  /** Removes a source, its imported costs and its SAS. */
  removeSource: (account: string, source: string) => call<CostSourceDto>("cost_source_remove", { account, source }),
  /** Imports new export runs; `onEvent` hears the progress. */
  import: (account: string, source: string | null, onEvent: (e: CostImportEvent) => void) => {
    const events = new Channel<CostImportEvent>();
    events.onmessage = onEvent;
    return call<CostImportDto[]>("cost_import", { account, source, events });
  },
  /** Imported costs per customer, organization and pricing model. */
  split: (account: string, dataset: CostDatasetDto, month: string | null) =>
    call<CostSplitDto>("cost_split", { account, dataset, month }),
  /** A page of one customer's imported cost rows. */
  customerRows: (
    account: string,
    tenant: string,
    dataset: CostDatasetDto,
    month: string | null,
    offset: number,
    limit: number,
  ) => call<CostRowsPageDto>("cost_customer_rows", { account, tenant, dataset, month, offset, limit }),
};

export const markups = {
  /** Every customer and organization with a markup, as in effect today. */
  list: () => call<MarkupDto[]>("list_markups"),
  /** One customer's or organization's markup in effect today, with its history (oldest first). */
  get: (target: MarkupTargetDto) => call<MarkupDto>("get_markup", { target }),
  /** Sets `terms` from `effectiveFrom` (YYYY-MM-DD); answers the markup as of that day. */
  set: (target: MarkupTargetDto, terms: MarkupTermDto[], effectiveFrom: string) =>
    call<MarkupDto>("set_markup", { target, terms, effectiveFrom }),
  /** What `set` would change on the last closed rated months (oldest first); saves nothing. */
  preview: (target: MarkupTargetDto, terms: MarkupTermDto[], effectiveFrom: string) =>
    call<MarkupPreviewDto>("preview_markup", { target, terms, effectiveFrom }),
};
