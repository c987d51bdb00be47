// The one door from the UI to the backend. The functions below keep the names pages import
// and call the typed functions generated from the command declarations (./commands.ts), which
// turn whatever the backend throws into a typed ApiError; components never call `invoke`.
import { Channel } from "@tauri-apps/api/core";
import {
  accountsAdd,
  accountsAddSandbox,
  accountsCancelLogin,
  accountsGetSettings,
  accountsList,
  accountsLogin,
  accountsLogout,
  accountsRemove,
  accountsSetSettings,
  accountsVerifySignIn,
  appGetInfo,
  azureStackAddCustomer,
  azureStackAddSubscription,
  azureStackGetOverview,
  azureStackImportUsage,
  azureStackListAdminEndpoints,
  azureStackListChoices,
  azureStackListCustomers,
  azureStackListUsageTotals,
  azureStackRefresh,
  azureStackRemoveCustomer,
  azureStackRemoveSubscription,
  azureStackSetAdminEndpoint,
  azureStackVerifyCustomer,
  billingExportCsv,
  billingGetInvoice,
  billingListInvoices,
  billingListLineGroups,
  billingListLines,
  billingListRatedLines,
  billingListUnbilled,
  costExportsAddSource,
  costExportsGetSplit,
  costExportsImport,
  costExportsListRows,
  costExportsListSources,
  costExportsRemoveSource,
  costExportsRenewSource,
  customersAddMembers,
  customersCreateOrganization,
  customersDeleteOrganization,
  customersGetMarkup,
  customersList,
  customersListMarkups,
  customersListOrganizations,
  customersListSubscriptions,
  customersPreviewMarkup,
  customersRemoveMembers,
  customersSetMarkup,
  dashboardGet,
  dashboardSaveChart,
  discoveryGetSchedule,
  discoveryListRuns,
  discoveryListStatuses,
  discoverySetSchedule,
  discoveryStart,
  discoveryStop,
  discoveryWatch,
  pricesGetMeterHistory,
  pricesListFxRates,
  pricesListRows,
  pricesListSheets,
  ratingListPeriods,
  ratingReconcilePeriod,
} from "./commands";
import type {
  CostDatasetDto,
  CostImportEvent,
  NewCostSource,
  AddStackCustomerDto,
  ImportStackUsageDto,
  SetStackAdminEndpointDto,
  RegistrationRefDto,
  AccountSettingsDto,
  CustomerRef,
  DiscoveryEvent,
  ExportRequestDto,
  LineQueryDto,
  LoginEvent,
  MarkupTargetDto,
  MarkupTermDto,
  NewAccount,
  ScheduleDto,
  SheetQueryDto,
} from "./bindings";

// Every DTO type the backend declares, as generated: a new one needs no list here.
export type * from "./bindings";

export { isApiError, toApiError } from "./call";
export type { CommandName, Commands } from "./commands";

export const app = {
  info: () => appGetInfo(),
};

export const accounts = {
  list: () => accountsList(),
  add: (input: NewAccount) => accountsAdd(input),
  remove: (id: string) => accountsRemove(id),
  addSandbox: () => accountsAddSandbox(),
  settings: (id: string) => accountsGetSettings(id),
  updateSettings: (id: string, settings: AccountSettingsDto) =>
    accountsSetSettings(id, settings),
};

export const signIn = {
  /** Opens the browser and resolves when the sign-in finishes; `onEvent` hears the URL. */
  login: (id: string, onEvent: (e: LoginEvent) => void) => {
    const events = new Channel<LoginEvent>();
    events.onmessage = onEvent;
    return accountsLogin(id, events);
  },
  cancel: (id: string) => accountsCancelLogin(id),
  logout: (id: string) => accountsLogout(id),
  verify: (id: string) => accountsVerifySignIn(id),
};

export const discovery = {
  /** One status per account: the state badge, the running run's progress, the last run. */
  statuses: () => discoveryListStatuses(),
  /** Resolves once the run has started (not when it ends); progress arrives through `watch`. */
  start: (account: string) => discoveryStart(account),
  /** Asks the run to stop; it ends Stopped and a `finished` event follows. */
  stop: (account: string) => discoveryStop(account),
  /** The account's runs, newest first. */
  runs: (account: string) => discoveryListRuns(account),
  /** App-wide: every account's started, progress and finished events, scheduled runs too. */
  watch: (onEvent: (e: DiscoveryEvent) => void) => {
    const events = new Channel<DiscoveryEvent>();
    events.onmessage = onEvent;
    return discoveryWatch(events);
  },
  schedule: () => discoveryGetSchedule(),
  setSchedule: (schedule: ScheduleDto) => discoverySetSchedule(schedule),
};

export const customers = {
  /** Every discovered customer of every account. */
  list: () => customersList(),
};

export const subscriptions = {
  /** One customer's subscriptions, or every subscription when `customer` is null. */
  list: (customer: CustomerRef | null) => customersListSubscriptions(customer),
};

export const organizations = {
  list: () => customersListOrganizations(),
  create: (name: string, members: CustomerRef[]) => customersCreateOrganization(name, members),
  addMembers: (organization: string, members: CustomerRef[]) =>
    customersAddMembers(organization, members),
  removeMembers: (organization: string, members: CustomerRef[]) =>
    customersRemoveMembers(organization, members),
  remove: (organization: string) => customersDeleteOrganization(organization),
};

export const billing = {
  /** Every invoice, newest first. */
  invoices: () => billingListInvoices(),
  /** One customer's lines on an invoice added up by product, largest cost first. */
  groups: (accountId: string, invoiceId: string, customerId: string) =>
    billingListLineGroups(accountId, invoiceId, customerId),
  /** Microsoft's unbilled usage of the open periods, per account and currency. */
  unbilled: () => billingListUnbilled(),
  /** One invoice with its customers' cost, markup, fee, resale and margin. */
  detail: (accountId: string, invoiceId: string) => billingGetInvoice(accountId, invoiceId),
  /**
   * Lines `offset..offset+limit` (at most 5,000) of one customer on an invoice as `query`
   * sorts and filters them, with the count and sums of every line in view.
   */
  lines: (accountId: string, invoiceId: string, customerId: string, query: LineQueryDto, offset: number, limit: number) =>
    billingListLines(accountId, invoiceId, customerId, query, offset, limit),
  /** One customer's rated lines of a month (list, effective, billed, resale, savings) and their totals. */
  ratedUsage: (accountId: string, customerId: string, period: string) => billingListRatedLines(accountId, customerId, period),
};

export const prices = {
  /** Every price sheet held for the account, newest month first. */
  sheets: (accountId: string) => pricesListSheets(accountId),
  /** Rows `offset..offset+limit` (at most 5,000) of a sheet as `query` searches and sorts them. */
  rows: (accountId: string, sheetId: number, query: SheetQueryDto, offset: number, limit: number) =>
    pricesListRows(accountId, sheetId, query, offset, limit),
  /** A meter's unit price per month and tier, converted into each billing currency. */
  meterHistory: (accountId: string, view: string | null, meterId: string) =>
    pricesGetMeterHistory(accountId, view, meterId),
  /** The account's FX rates per month, newest first. */
  fxRates: (accountId: string) => pricesListFxRates(accountId),
};

export const dashboard = {
  /** Figures and charts (SVG) per billing currency. */
  get: () => dashboardGet(),
  /** Saves a chart as SVG or PNG through the save dialog; the path, or null if cancelled. */
  saveChart: (svg: string, name: string, png: boolean) => dashboardSaveChart(svg, name, png),
};

export const exports = {
  /** Asks where to save, then writes the CSV; null when the user cancelled the dialog. */
  csv: (request: ExportRequestDto) => billingExportCsv(request),
};

export const reconciliation = {
  /** Billing periods with rated usage or an invoice, newest first. */
  periods: () => ratingListPeriods(),
  /** Rated cost against the invoice per customer for `period` (YYYY-MM), with totals per currency. */
  period: (period: string) => ratingReconcilePeriod(period),
};

export const azureStack = {
  /** Registrations of `account` as last read from Azure (works offline). */
  overview: (account: string) => azureStackGetOverview(account),
  /** Reads registrations and their customer subscriptions from Azure. */
  refresh: (account: string) => azureStackRefresh(account),
  /** Names a partner subscription holding registrations, then reads Azure. */
  addSubscription: (account: string, subscriptionId: string) =>
    azureStackAddSubscription(account, subscriptionId),
  /** Forgets a partner subscription (nothing changes in Azure). */
  removeSubscription: (account: string, subscriptionId: string) =>
    azureStackRemoveSubscription(account, subscriptionId),
  /** Customer subscriptions of a registration as last read. */
  customers: (account: string, registration: RegistrationRefDto) =>
    azureStackListCustomers(account, registration),
  /** Discovered customers' Azure subscriptions to pick from. */
  choices: (account: string) =>
    azureStackListChoices(account),
  /** Adds a customer subscription through ARM; the list as Azure confirmed it. */
  addCustomer: (account: string, input: AddStackCustomerDto) =>
    azureStackAddCustomer(account, input),
  /** Removes a customer subscription through ARM. */
  removeCustomer: (account: string, registration: RegistrationRefDto, subscriptionId: string) =>
    azureStackRemoveCustomer(account, registration, subscriptionId),
  /** Asks Azure whether a customer subscription is still added. */
  verifyCustomer: (account: string, registration: RegistrationRefDto, subscriptionId: string) =>
    azureStackVerifyCustomer(account, registration, subscriptionId),
  /** The Stack admin endpoints set for the account's registrations. */
  adminEndpoints: (account: string) =>
    azureStackListAdminEndpoints(account),
  /** Sets a registration's Stack admin endpoint and Default Provider Subscription. */
  setAdminEndpoint: (account: string, input: SetStackAdminEndpointDto) =>
    azureStackSetAdminEndpoint(account, input),
  /** Imports a window of daily usage from the registration's Stack (replaces that window). */
  importUsage: (account: string, input: ImportStackUsageDto) =>
    azureStackImportUsage(account, input),
  /** Rated Azure Stack totals per billed subscription and month (`month` = YYYY-MM for one). */
  usageTotals: (account: string, month: string | null) =>
    azureStackListUsageTotals(account, month),
};

export const costExports = {
  /** Sources of `account` (every account without), with when their SAS expires. */
  sources: (account: string | null) => costExportsListSources(account),
  /** Connects a source; the SAS URL goes only to the OS keyring. */
  addSource: (input: NewCostSource) => costExportsAddSource(input),
  /** Replaces a source's SAS URL (the same container). */
  renew: (account: string, source: string, sasUrl: string) =>
    costExportsRenewSource(account, source, sasUrl),
  /** Removes a source, its imported costs and its SAS. */
  removeSource: (account: string, source: string) => costExportsRemoveSource(account, source),
  /** Imports new export runs; `onEvent` hears the progress. */
  import: (account: string, source: string | null, onEvent: (e: CostImportEvent) => void) => {
    const events = new Channel<CostImportEvent>();
    events.onmessage = onEvent;
    return costExportsImport(account, source, events);
  },
  /** Imported costs per customer, organization and pricing model. */
  split: (account: string, dataset: CostDatasetDto, month: string | null) =>
    costExportsGetSplit(account, dataset, month),
  /** A page of one customer's imported cost rows. */
  customerRows: (
    account: string,
    tenant: string,
    dataset: CostDatasetDto,
    month: string | null,
    offset: number,
    limit: number,
  ) => costExportsListRows(account, tenant, dataset, month, offset, limit),
};

export const markups = {
  /** Every customer and organization with a markup, as in effect today. */
  list: () => customersListMarkups(),
  /** One customer's or organization's markup in effect today, with its history (oldest first). */
  get: (target: MarkupTargetDto) => customersGetMarkup(target),
  /** Sets `terms` from `effectiveFrom` (YYYY-MM-DD); answers the markup as of that day. */
  set: (target: MarkupTargetDto, terms: MarkupTermDto[], effectiveFrom: string) =>
    customersSetMarkup(target, terms, effectiveFrom),
  /** What `set` would change on the last closed rated months (oldest first); saves nothing. */
  preview: (target: MarkupTargetDto, terms: MarkupTermDto[], effectiveFrom: string) =>
    customersPreviewMarkup(target, terms, effectiveFrom),
};
