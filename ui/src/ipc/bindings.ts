// Generated from the Rust DTOs in crates/api by `cargo test -p cspdesk-api` with
// UPDATE_BINDINGS=1. Do not edit by hand: change the Rust type instead.

export type ErrorCode = "Validation" | "Duplicate" | "NotFound" | "NewerDatabase" | "Storage" | "Upgrading" | "Internal" | "NotSignedIn" | "ConsentExpired" | "ConsentDenied" | "SignInFailed" | "SignInAborted" | "SignInCancelled" | "Unauthorized" | "MfaRequired" | "Forbidden" | "Throttled" | "Unavailable" | "BadResponse" | "Keyring" | "AlreadyRunning" | "SasExpired";

export type ApiError = { 
/**
 * The kind of failure.
 */
code: ErrorCode, 
/**
 * What happened and what to do, in words for the user.
 */
message: string, 
/**
 * The input field at fault, when there is one (`name`, `tenantId`, ...).
 */
field: string | null, };

export type AppInfo = { 
/**
 * CSP Desk version.
 */
version: string, 
/**
 * The database file in use.
 */
databasePath: string, 
/**
 * What the signed-in user may do: Finance hides adding, removing and settings.
 */
access: Access, 
/**
 * Who makes the app read-only, in words (empty for Admin).
 */
accessReason: string, 
/**
 * The database file was opened read-only (`--read-only`): browse and export only.
 */
readOnlyDatabase: boolean, };

export type DatabaseOpeningDto = { 
/**
 * Where it stands.
 */
state: DatabaseState, 
/**
 * Which migration of the upgrade runs, from 1 (0 before the first starts).
 */
step: number, 
/**
 * How many migrations the upgrade applies (0 when none).
 */
steps: number, 
/**
 * What the running migration does, in words.
 */
what: string, 
/**
 * SQLite's progress callbacks during the running migration: it is moving while this grows.
 */
beats: number, 
/**
 * Time since the upgrade started.
 */
elapsedMs: number, 
/**
 * Why it could not be opened (state `failed`).
 */
error: ApiError | null, };

export type DatabaseState = "ready" | "upgrading" | "failed";

export type AccountDto = { 
/**
 * Stable id (also keys the keyring entry).
 */
id: string, 
/**
 * Display name.
 */
name: string, 
/**
 * Partner tenant GUID, lower case.
 */
tenantId: string, 
/**
 * When it was added, RFC 3339 UTC.
 */
createdAt: string, 
/**
 * Whether it is the sandbox partner served by the embedded emulator.
 */
sandbox: boolean, 
/**
 * Whether someone is signed in, and until when.
 */
signIn: SignInStatus, };

export type NewAccount = { 
/**
 * Display name.
 */
name: string, 
/**
 * Partner tenant GUID as typed.
 */
tenantId: string, };

export type Access = "Admin" | "Finance";

export type RoleDto = { 
/**
 * Role template id (`wids`).
 */
id: string, 
/**
 * e.g. "Global Administrator".
 */
name: string, };

export type SignInStatus = { "state": "signedOut" } | { "state": "signedIn", 
/**
 * User principal name.
 */
upn: string, 
/**
 * The tenant that issued the token.
 */
tenantId: string, 
/**
 * Directory roles.
 */
roles: Array<RoleDto>, 
/**
 * What the roles allow in CSP Desk.
 */
access: Access, 
/**
 * Whether the sign-in was MFA-backed.
 */
mfa: boolean, 
/**
 * When consent was given, RFC 3339.
 */
consentedAt: string, 
/**
 * When consent lapses unless used, RFC 3339.
 */
lapsesAt: string, 
/**
 * True within two weeks of the lapse.
 */
lapsingSoon: boolean, } | { "state": "lapsed", 
/**
 * Who was signed in.
 */
upn: string, 
/**
 * When it lapsed, RFC 3339.
 */
lapsedAt: string, };

export type LoginEvent = { "kind": "browserOpened", 
/**
 * Microsoft's (or the emulator's) sign-in page for this attempt.
 */
url: string, 
/**
 * False when no browser could be started: the page offers the link instead.
 */
opened: boolean, };

export type AccountSettingsDto = { 
/**
 * Identity authority, e.g. `https://login.microsoftonline.com`.
 */
authority: string, 
/**
 * The partner's registered native app (client) id; empty until set.
 */
clientId: string, 
/**
 * Partner Center REST base.
 */
partnerCenterBase: string, 
/**
 * Azure Resource Manager base.
 */
armBase: string, 
/**
 * Microsoft Graph base with its version; absent keeps the stored one.
 */
graphBase?: string, 
/**
 * The Pricing API base with its version; absent keeps the stored one.
 */
pricingBase?: string, };

export type RegistrationRefDto = { 
/**
 * The partner subscription holding it.
 */
subscriptionId: string, 
/**
 * Resource group.
 */
resourceGroup: string, 
/**
 * Registration name.
 */
name: string, };

export type StackRegistrationDto = { 
/**
 * Where it lives.
 */
at: RegistrationRefDto, 
/**
 * Azure Stack CloudID (CloudDeploymentID).
 */
cloudId: string, 
/**
 * `PayAsYouUse`, `Capacity`, `Development`.
 */
billingModel: string, 
/**
 * Whether customer subscriptions can be added (only PayAsYouUse bills tenants).
 */
acceptsCustomers: boolean, 
/**
 * Customer subscriptions added, as last read.
 */
customerSubscriptions: number, 
/**
 * When Azure last listed it (RFC 3339).
 */
readAt: string, };

export type StackSetAsideDto = { 
/**
 * The list it came from (ARM path).
 */
endpoint: string, 
/**
 * Its position in that list, from 0.
 */
index: number, 
/**
 * The field that could not be read.
 */
field: string, 
/**
 * Why.
 */
reason: string, 
/**
 * The item as Azure sent it.
 */
raw: string, };

export type StackOverviewDto = { 
/**
 * Partner subscriptions named as holding registrations.
 */
subscriptions: Array<string>, 
/**
 * Their registrations.
 */
registrations: Array<StackRegistrationDto>, 
/**
 * Items Azure sent in this refresh that could not be read and were not kept (always empty
 * when the overview is read from the database).
 */
setAside: Array<StackSetAsideDto>, };

export type StackCustomerSubscriptionDto = { 
/**
 * The customer's Azure subscription id.
 */
subscriptionId: string, 
/**
 * The customer's directory tenant.
 */
tenantId: string, 
/**
 * The discovered customer it belongs to, when known.
 */
customerId: string | null, 
/**
 * That customer's company name.
 */
companyName: string | null, 
/**
 * The subscription's friendly name, when discovered.
 */
friendlyName: string | null, 
/**
 * When Azure last listed it (RFC 3339).
 */
readAt: string, };

export type StackSubscriptionChoiceDto = { 
/**
 * Customer id.
 */
customerId: string, 
/**
 * Company name.
 */
companyName: string, 
/**
 * The customer's tenant.
 */
tenantId: string, 
/**
 * The Azure subscription id.
 */
subscriptionId: string, 
/**
 * Its friendly name.
 */
friendlyName: string | null, };

export type AddStackCustomerDto = { 
/**
 * The registration.
 */
registration: RegistrationRefDto, 
/**
 * The customer's Azure subscription id (any case, braces allowed).
 */
subscriptionId: string, 
/**
 * The customer's tenant; taken from Discovery when left out.
 */
tenantId: string | null, };

export type StackAdminEndpointDto = { 
/**
 * The registration.
 */
registration: RegistrationRefDto, 
/**
 * Admin ARM base URL, e.g. `https://adminmanagement.local.azurestack.external`.
 */
endpoint: string, 
/**
 * The Stack's Default Provider Subscription id.
 */
providerSubscriptionId: string, 
/**
 * When it was set (RFC 3339).
 */
setAt: string, };

export type SetStackAdminEndpointDto = { 
/**
 * The registration.
 */
registration: RegistrationRefDto, 
/**
 * Admin ARM base URL (https; http only on loopback).
 */
endpoint: string, 
/**
 * The Stack's Default Provider Subscription id (a GUID, shown in the Stack's admin portal).
 */
providerSubscriptionId: string, };

export type ImportStackUsageDto = { 
/**
 * The registration.
 */
registration: RegistrationRefDto, 
/**
 * First day `YYYY-MM-DD`; default the first day of the month of yesterday.
 */
from: string | null, 
/**
 * Last day `YYYY-MM-DD`; default yesterday (the Stack reports only finished periods).
 */
to: string | null, };

export type StackUsageImportDto = { 
/**
 * The registration.
 */
registration: RegistrationRefDto, 
/**
 * First day imported.
 */
from: string, 
/**
 * Last day imported.
 */
to: string, 
/**
 * The Stack's user subscriptions listed.
 */
userSubscriptions: number, 
/**
 * Usage records written.
 */
records: number, 
/**
 * Records the window held before and were replaced.
 */
replaced: number, };

export type StackAttributionDto = "customer" | "default";

export type StackUsageLineDto = { 
/**
 * Local Stack meter id.
 */
meterId: string, 
/**
 * Meter name.
 */
meterName: string, 
/**
 * Unit (`vCPU Hours` for VMs: one rate for every size).
 */
unit: string, 
/**
 * Summed quantity (decimal text).
 */
quantity: string, 
/**
 * Price per unit, when the rate card prices the meter.
 */
rate: string | null, 
/**
 * Cost at full precision with at least cents, when priced.
 */
amount: string | null, };

export type StackUsageTotalDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * The registration whose Stack reported it.
 */
registration: RegistrationRefDto, 
/**
 * Customer subscription or registration (default) subscription.
 */
attribution: StackAttributionDto, 
/**
 * The subscription billed.
 */
subscriptionId: string, 
/**
 * The customer's tenant (customer attribution only).
 */
tenantId: string | null, 
/**
 * The discovered customer, when known.
 */
customerId: string | null, 
/**
 * Its company name.
 */
companyName: string | null, 
/**
 * Currency of `amount`.
 */
currency: string, 
/**
 * Sum of the priced lines (full precision, at least cents).
 */
amount: string, 
/**
 * Lines without a price (their usage is not in `amount`).
 */
unpricedLines: number, 
/**
 * Per meter.
 */
lines: Array<StackUsageLineDto>, };

export type RunStateDto = "notStarted" | "inProgress" | "stopped" | "error" | "completed";

export type TriggerDto = "manual" | "scheduled";

export type PhaseDto = "customers" | "subscriptions" | "usage" | "prices" | "invoices" | "unbilled" | "finishing" | "microsoftPrices" | "rating";

export type ExportStageDto = "requested" | "preparing" | "queued" | "downloading" | "writing" | "unchanged" | "noData" | "done" | "stopped" | "failed";

export type EntityCountDto = { 
/**
 * `customers`, `subscriptions`, `entitlements`, `utilization`, `rateCards`, `invoices`,
 * `billingLineItems`, `legacyLineItems`, `dailyUsage`.
 */
entity: string, 
/**
 * Pages (responses) read.
 */
pages: number, 
/**
 * Rows written (inserted or changed).
 */
rows: number, };

export type RunErrorDto = { 
/**
 * The kind of failure (`consentExpired` means "sign in again").
 */
code: ErrorCode, 
/**
 * The Partner Center endpoint that failed, when one did.
 */
endpoint: string | null, 
/**
 * What happened and what to do.
 */
message: string, };

export type RunDto = { 
/**
 * Run id (a number, as text).
 */
id: string, 
/**
 * The account it ran for.
 */
accountId: string, 
/**
 * What started it.
 */
trigger: TriggerDto, 
/**
 * Its state.
 */
state: RunStateDto, 
/**
 * When it started.
 */
startedAt: string, 
/**
 * When it ended (None while in progress).
 */
endedAt: string | null, 
/**
 * Wall time so far or in all, in milliseconds.
 */
durationMs: number, 
/**
 * HTTP requests sent to Microsoft, retries included.
 */
requests: number, 
/**
 * Throttled (429) or not-ready (204) answers waited out.
 */
throttled: number, 
/**
 * Time spent waiting on those, in milliseconds.
 */
throttledWaitMs: number, 
/**
 * Rows inserted or changed.
 */
rowsWritten: number, 
/**
 * Items set aside (read everything else): the run's details list them.
 */
warnings: number, 
/**
 * Per kind of data.
 */
entities: Array<EntityCountDto>, 
/**
 * For Error: what failed.
 */
error: RunErrorDto | null, };

export type ProgressDto = { 
/**
 * The account.
 */
accountId: string, 
/**
 * The run.
 */
runId: string, 
/**
 * What it is mostly doing.
 */
phase: PhaseDto, 
/**
 * Steps (a list, a usage window, an invoice's lines...) finished.
 */
stepsDone: number, 
/**
 * Steps known so far (grows as customers and invoices are found).
 */
stepsKnown: number, 
/**
 * Estimated share done, 0 to 1 (never goes back).
 */
fraction: number, 
/**
 * HTTP requests so far.
 */
requests: number, 
/**
 * Throttled answers waited out so far.
 */
throttled: number, 
/**
 * Rows written so far.
 */
rowsWritten: number, 
/**
 * Rows written per second over the run.
 */
rowsPerSecond: number, 
/**
 * Time since the run started.
 */
elapsedMs: number, 
/**
 * Estimated time left, once there is enough to estimate from.
 */
etaMs: number | null, 
/**
 * Per kind of data.
 */
entities: Array<EntityCountDto>, 
/**
 * Each Microsoft Graph billing export of the run and where it stands.
 */
exports?: Array<ExportProgressDto>, 
/**
 * While Microsoft's prices are read after the run (phase `microsoftPrices`): which file.
 */
prices?: PricesProgressDto, };

export type ExportProgressDto = { 
/**
 * The export in words (`the billed usage export of G000000001`).
 */
export: string, 
/**
 * Where it stands.
 */
stage: ExportStageDto, 
/**
 * While downloading: blob `blob` of `blobs`.
 */
blob: number | null, 
/**
 * The manifest's blob count, once known.
 */
blobs: number | null, 
/**
 * Lines read so far.
 */
rows: number, };

export type PricesProgressDto = { 
/**
 * The prices' import run.
 */
runId: string, 
/**
 * The file being read, from 1.
 */
file: number, 
/**
 * Files to read.
 */
files: number, 
/**
 * `azure_consumption`, `updatedlicensebased` or `fxRates`.
 */
view: string, 
/**
 * Market (none for FX rates).
 */
market: string | null, 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * Rows of this file written so far.
 */
rows: number, 
/**
 * Rows of every file so far.
 */
rowsWritten: number, 
/**
 * Pricing API requests so far (retries included).
 */
requests: number, };

export type DiscoveryEvent = { "kind": "started", 
/**
 * The run.
 */
run: RunDto, } | { "kind": "progress", 
/**
 * Where it stands.
 */
progress: ProgressDto, } | { "kind": "finished", 
/**
 * The run as recorded.
 */
run: RunDto, 
/**
 * What rating the account's usage did after the run (absent after an Error run,
 * which leaves the usage as it was).
 */
rating: RatingOutcomeDto | null, };

export type DiscoveryStatusDto = { 
/**
 * The account.
 */
accountId: string, 
/**
 * The state badge: the running run, or the last run's end, or NotStarted.
 */
state: RunStateDto, 
/**
 * The last progress of the running run.
 */
progress: ProgressDto | null, 
/**
 * The newest run.
 */
lastRun: RunDto | null, 
/**
 * When the last Completed run ended.
 */
lastSuccessAt: string | null, 
/**
 * When the schedule starts the next run (None when the schedule is off).
 */
nextRunAt: string | null, };

export type ScheduleDto = { 
/**
 * Whether runs start by themselves while the app runs.
 */
enabled: boolean, 
/**
 * Local wall-clock times, `HH:MM`, sorted (default 06:00 and 18:00).
 */
times: Array<string>, };

export type ImportKindDto = "discovery" | "costExports" | "stackUsage" | "pricing";

export type ImportRunDto = { 
/**
 * Its kind.
 */
kind: ImportKindDto, 
/**
 * The source within the account: None for Discovery, the cost source id, or
 * `subscription/resourceGroup/registration`.
 */
source: string | null, 
/**
 * The source's name when the run started.
 */
sourceName: string | null, 
/**
 * Run id (a number, as text).
 */
id: string, 
/**
 * The account it ran for.
 */
accountId: string, 
/**
 * What started it.
 */
trigger: TriggerDto, 
/**
 * Its state.
 */
state: RunStateDto, 
/**
 * When it started.
 */
startedAt: string, 
/**
 * When it ended (None while in progress).
 */
endedAt: string | null, 
/**
 * Wall time so far or in all, in milliseconds.
 */
durationMs: number, 
/**
 * HTTP requests sent to Microsoft, retries included.
 */
requests: number, 
/**
 * Throttled (429) or not-ready (204) answers waited out.
 */
throttled: number, 
/**
 * Time spent waiting on those, in milliseconds.
 */
throttledWaitMs: number, 
/**
 * Rows inserted or changed.
 */
rowsWritten: number, 
/**
 * Items set aside (read everything else): the run's details list them.
 */
warnings: number, 
/**
 * Per kind of data.
 */
entities: Array<EntityCountDto>, 
/**
 * For Error: what failed.
 */
error: RunErrorDto | null, };

export type SetAsideItemDto = { 
/**
 * The run that read it.
 */
runId: string, 
/**
 * The path called.
 */
endpoint: string, 
/**
 * The invoice a line belongs to (or `unbilled:YYYY-MM:CUR` for an open period).
 */
invoiceId: string | null, 
/**
 * The customer the item names, if any.
 */
customerId: string | null, 
/**
 * Page of the read, from 1.
 */
page: number, 
/**
 * Index in the page's items, from 0.
 */
index: number, 
/**
 * The field inside the item (JSON path).
 */
field: string, 
/**
 * What was wrong.
 */
reason: string, 
/**
 * Its collection has not been read again since (Reconciliation counts it).
 */
current: boolean, 
/**
 * The item's JSON as Microsoft sent it.
 */
raw: string, };

export type ImportPhaseDto = "customers" | "subscriptions" | "usage" | "prices" | "invoices" | "unbilled" | "manifests" | "costRows" | "stackSubscriptions" | "stackUsage" | "microsoftPrices" | "finishing";

export type ImportProgressDto = { 
/**
 * Its kind.
 */
kind: ImportKindDto, 
/**
 * The account.
 */
accountId: string, 
/**
 * The source within the account.
 */
source: string | null, 
/**
 * The run.
 */
runId: string, 
/**
 * What it is mostly doing.
 */
phase: ImportPhaseDto, 
/**
 * Steps finished (lists, days, export runs...).
 */
stepsDone: number, 
/**
 * Steps known so far.
 */
stepsKnown: number, 
/**
 * Estimated share done, 0 to 1 (never goes back).
 */
fraction: number, 
/**
 * HTTP requests so far.
 */
requests: number, 
/**
 * Throttled answers waited out so far.
 */
throttled: number, 
/**
 * Rows written so far.
 */
rowsWritten: number, 
/**
 * Rows the plan announces, when it knows.
 */
rowsExpected: number | null, 
/**
 * Rows written per second over the run.
 */
rowsPerSecond: number, 
/**
 * Time since the run started.
 */
elapsedMs: number, 
/**
 * Estimated time left, once there is enough to estimate from.
 */
etaMs: number | null, 
/**
 * Per kind of data.
 */
entities: Array<EntityCountDto>, };

export type ImportEvent = { "event": "started", 
/**
 * The run.
 */
run: ImportRunDto, } | { "event": "progress", 
/**
 * Where it stands.
 */
progress: ImportProgressDto, } | { "event": "finished", 
/**
 * The run as recorded.
 */
run: ImportRunDto, };

export type CustomerDto = { 
/**
 * The partner account it was discovered under.
 */
accountId: string, 
/**
 * That account's name.
 */
accountName: string, 
/**
 * Partner Center customer id.
 */
id: string, 
/**
 * Company name.
 */
companyName: string, 
/**
 * Primary domain.
 */
domain: string, 
/**
 * Entra tenant id.
 */
tenantId: string | null, 
/**
 * Relationship to the partner as Partner Center states it (`reseller`, `none`, ...).
 */
relationship: string | null, 
/**
 * False when Partner Center refused access (no commerce relationship).
 */
reachable: boolean, 
/**
 * Number of subscriptions.
 */
subscriptionCount: number, 
/**
 * The organization it belongs to.
 */
organizationId: string | null, 
/**
 * That organization's name.
 */
organizationName: string | null, 
/**
 * Month-to-date rated cost, a decimal string (None until its usage is rated).
 */
monthToDateCost: string | null, 
/**
 * Month-to-date resale with the customer's markups (cost when it has none).
 */
monthToDateResale: string | null, 
/**
 * Resale minus cost: the part of the partner's gain that markups (and the monthly fee)
 * add.
 */
monthToDateMargin: string | null, 
/**
 * Month-to-date list cost of the rated lines (the sheets' list prices).
 */
monthToDateList: string | null, 
/**
 * List minus effective cost: the part of the partner's gain that partner earned credit,
 * tiers and discounts give (None until its usage is rated).
 */
monthToDateSavings: string | null, 
/**
 * Currency of that cost.
 */
currency: string | null, 
/**
 * Azure cost in the newest month imported from Cost Management exports, when the
 * customer's tenant appears in them.
 */
exportedCost: ExportedCostDto | null, 
/**
 * Rated Azure Stack usage in the newest month imported from the partner's Stacks, when
 * one of the customer's subscriptions is added to a registration.
 */
stackCost: StackCostDto | null, };

export type EntitlementDto = { 
/**
 * Azure subscription id.
 */
id: string, 
/**
 * Its name.
 */
friendlyName: string | null, 
/**
 * `active`, `disabled`, ...
 */
status: string | null, };

export type SubscriptionDto = { 
/**
 * The partner account.
 */
accountId: string, 
/**
 * The customer.
 */
customerId: string, 
/**
 * The customer's company name.
 */
customerName: string, 
/**
 * Subscription id.
 */
id: string, 
/**
 * `legacyAzure`, `azurePlan` or `licence`.
 */
kind: string, 
/**
 * Offer id.
 */
offerId: string, 
/**
 * Offer name.
 */
offerName: string | null, 
/**
 * Name given by the partner or customer.
 */
friendlyName: string | null, 
/**
 * `active`, `suspended`, `deleted`...
 */
status: string, 
/**
 * Seats or units, a decimal string.
 */
quantity: string | null, 
/**
 * `Licenses`, `Usage-based`...
 */
unitType: string | null, 
/**
 * `monthly`, `annual`, `none`...
 */
billingCycle: string | null, 
/**
 * `license`, `usage`...
 */
billingType: string | null, 
/**
 * Creation date (YYYY-MM-DD or as sent).
 */
creationDate: string | null, 
/**
 * Commitment end date.
 */
commitmentEndDate: string | null, 
/**
 * ISO 8601 term (`P1M`, `P1Y`).
 */
termDuration: string | null, 
/**
 * Azure subscriptions of an Azure plan.
 */
entitlements: Array<EntitlementDto>, 
/**
 * Rated cost of its usage this month so far, a decimal string; none without rated
 * usage (licence-based subscriptions are billed on the invoice, see Billing).
 */
monthToDateCost: string | null, 
/**
 * That usage at the customer's markups (its monthly fee is on the customer, not here).
 */
monthToDateResale: string | null, 
/**
 * Resale − cost.
 */
monthToDateMargin: string | null, 
/**
 * Billing currency of the three.
 */
currency: string | null, };

export type CustomerRef = { 
/**
 * The partner account.
 */
accountId: string, 
/**
 * The customer id.
 */
customerId: string, };

export type OrganizationMemberDto = { 
/**
 * The partner account.
 */
accountId: string, 
/**
 * That account's name.
 */
accountName: string, 
/**
 * Customer id.
 */
customerId: string, 
/**
 * Company name.
 */
companyName: string, 
/**
 * Primary domain.
 */
domain: string, };

export type OrganizationDto = { 
/**
 * Stable id.
 */
id: string, 
/**
 * Name, unique ignoring case.
 */
name: string, 
/**
 * When it was created.
 */
createdAt: string, 
/**
 * Its tenants, by company name.
 */
members: Array<OrganizationMemberDto>, };

export type MarkupTargetDto = { "kind": "customer", 
/**
 * The tenant.
 */
customer: CustomerRef, } | { "kind": "organization", 
/**
 * Its id (or name, when typed).
 */
organization: string, };

export type MarkupTermDto = { "kind": "percent", 
/**
 * E.g. "12".
 */
percent: string, } | { "kind": "listPercent", 
/**
 * E.g. "5".
 */
percent: string, } | { "kind": "categoryPercent", 
/**
 * Meter category, e.g. "Virtual Machines".
 */
category: string, 
/**
 * E.g. "5", or null.
 */
percent: string | null, } | { "kind": "monthlyFee", 
/**
 * E.g. "50.00".
 */
fee: string, };

export type MarkupChangeDto = { 
/**
 * Row id.
 */
id: string, 
/**
 * First day it applies (YYYY-MM-DD).
 */
effectiveFrom: string, 
/**
 * What it sets.
 */
term: MarkupTermDto, 
/**
 * When it was entered (RFC 3339).
 */
createdAt: string, };

export type MarkupDto = { 
/**
 * For whom.
 */
target: MarkupTargetDto, 
/**
 * Company or organization name.
 */
name: string, 
/**
 * The day `percent`, `categories` and `monthly_fee` are read on.
 */
on: string, 
/**
 * The general percentage in effect.
 */
percent: string | null, 
/**
 * Category overrides in effect: (category, percentage).
 */
categories: Array<[string, string]>, 
/**
 * The monthly fee in effect, in `currency`.
 */
monthlyFee: string | null, 
/**
 * The billing currency the customer (or every tenant of the organization) is invoiced
 * in, which a monthly fee is charged in; none while unknown or when they differ.
 */
currency: string | null, 
/**
 * Every change, oldest first.
 */
history: Array<MarkupChangeDto>, };

export type PreviewMonthDto = { 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * Billing currency.
 */
currency: string, 
/**
 * Customers with rated usage in it.
 */
customers: number, 
/**
 * Rated cost.
 */
cost: string, 
/**
 * Resale with the markups as they are.
 */
resaleBefore: string, 
/**
 * Resale with the proposed change.
 */
resaleAfter: string, 
/**
 * Margin as it is.
 */
marginBefore: string, 
/**
 * Margin with the change.
 */
marginAfter: string, };

export type MarkupPreviewDto = { 
/**
 * Oldest first; empty when nothing is rated yet (say so in the page).
 */
months: Array<PreviewMonthDto>, };

export type RatingOutcomeDto = { 
/**
 * Customer-periods rated.
 */
rated: number, 
/**
 * Customer-periods that could not be rated (Reconciliation says why).
 */
refused: number, 
/**
 * Customer-periods left as they were.
 */
unchanged: number, 
/**
 * Rated lines written.
 */
linesWritten: number, 
/**
 * Why rating failed as a whole (the database could not be read or written).
 */
error: string | null, 
/**
 * Its code.
 */
errorCode: ErrorCode | null, 
/**
 * Why the months' Pricing API sheets or FX rates could not be read (rating then kept the
 * rate card for months without a sheet).
 */
pricesError: string | null, 
/**
 * Its code.
 */
pricesErrorCode: ErrorCode | null, 
/**
 * The import run that read the prices (none when it could not start).
 */
pricesRunId: string | null, 
/**
 * Files it read.
 */
pricesFiles: number, 
/**
 * Pricing API requests it sent.
 */
pricesRequests: number, };

export type PeriodDto = { 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * Customers rated in it.
 */
rated: number, 
/**
 * Customers whose usage could not be rated.
 */
refused: number, 
/**
 * Whether its invoice is stored (else it is the open period, compared with unbilled
 * usage).
 */
invoiced: boolean, };

export type ReconciliationDto = { 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Its name.
 */
accountName: string, 
/**
 * Customer id.
 */
customer: string, 
/**
 * Company name, when discovered.
 */
customerName: string | null, 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * Billing currency.
 */
currency: string | null, 
/**
 * `billed` (the invoice), `unbilled` (the open period's usage so far) or `mixed`.
 */
invoiceState: string | null, 
/**
 * Our rated cost (sum of our lines' billing totals), when we have lines.
 */
rated: string | null, 
/**
 * The invoice's daily rated usage (sum of `billingPreTaxTotal`), when it has lines.
 */
invoiced: string | null, 
/**
 * What the customer is billed for the usage behind `rated`: its rated lines marked up
 * with its markups (its own, else its organization's), rounded per line as Customers
 * and Billing do; the monthly fee is billed with the invoice, not with usage, and is left
 * out. Absent without rated lines. Worked out by `billing::reconciliation`, which sits
 * above the markups.
 */
resale: string | null, 
/**
 * `resale − invoiced`: what the customer's usage earns over Microsoft's charge for it.
 */
margin: string | null, 
/**
 * `invoiced − rated`; absent when refused.
 */
difference: string | null, 
/**
 * The difference per cause (`missingUsage`, `lateUsage`, `tierBoundary`,
 * `priceMismatch`, `partnerEarnedCredit`, `fx`, `rounding`, `setAside`); causes of zero
 * are left out.
 */
causes: { [key in string]: string }, 
/**
 * What the invoice's own lines do not account for by Microsoft's documented formula;
 * absent when refused.
 */
unexplained: string | null, 
/**
 * Why there is no figure: one side has no data, or the customer could not be rated.
 */
refused: string | null, 
/**
 * Lines (Azure subscription, meter, day) compared.
 */
linesCompared: number, 
/**
 * Of those, lines equal to the cent.
 */
linesMatched: number, 
/**
 * The lines that differ, largest difference first (at most 20).
 */
differences: Array<ReconciliationLineDto>, 
/**
 * The invoice's lines of this customer and period that Discovery set aside (an
 * essential field missing): their keys' difference is the `setAside` cause; the run's
 * details show each item.
 */
setAsideLines: number, };

export type ReconciliationLineDto = { 
/**
 * Azure plan.
 */
subscriptionId: string, 
/**
 * Azure subscription.
 */
entitlementId: string, 
/**
 * Meter id.
 */
meterId: string, 
/**
 * Usage day, `YYYY-MM-DD`.
 */
usageDate: string, 
/**
 * Ours.
 */
rated: string, 
/**
 * The invoice's.
 */
invoiced: string, 
/**
 * `invoiced − rated`.
 */
difference: string, 
/**
 * Per cause, zeros left out.
 */
causes: { [key in string]: string }, 
/**
 * Not accounted for by the invoice's own figures.
 */
unexplained: string, };

export type ReconciliationTotalDto = { 
/**
 * Billing currency.
 */
currency: string, 
/**
 * Customers compared.
 */
customers: number, 
/**
 * Of those, equal to the cent.
 */
matched: number, 
/**
 * Σ rated.
 */
rated: string, 
/**
 * Σ invoiced.
 */
invoiced: string, 
/**
 * Σ difference.
 */
difference: string, 
/**
 * Σ per cause, zeros left out.
 */
causes: { [key in string]: string }, 
/**
 * Σ unexplained.
 */
unexplained: string, 
/**
 * Customers of this currency left out of the comparison (each says why), so a headline
 * never reads "all matched" while some were not compared.
 */
notCompared: number, 
/**
 * Σ rated of the customers not compared.
 */
notComparedRated: string, 
/**
 * Σ invoiced of the customers not compared; with `invoiced` it is the invoice's usage.
 */
notComparedInvoiced: string, 
/**
 * Σ resale of every customer of the currency, compared or not.
 */
resale: string, 
/**
 * Σ margin of every customer of the currency with one.
 */
margin: string, 
/**
 * Licences, reservations, marketplace, one-time purchases and the legacy charges of
 * customers compared on their Azure plan: what the period's invoices (so far, for the
 * open period) charge besides the usage compared or not compared above.
 */
otherCharges: string, 
/**
 * Σ `totalCharges` of the period's invoices in this currency; absent for a period not
 * invoiced in it. `invoiced + not_compared_invoiced + other_charges + invoice_rest` is
 * this, to the cent.
 */
invoiceTotal: string | null, 
/**
 * What the invoices charge beyond those parts: invoice lines not read yet, or usage
 * lines that do not add up to Microsoft's daily usage. Zero when all is read and agrees.
 */
invoiceRest: string, };

export type SheetDto = { 
/**
 * Its id (a sheet read again gets a new one).
 */
id: number, 
/**
 * `azure_consumption` or `updatedlicensebased`.
 */
view: string, 
/**
 * Market, upper case.
 */
market: string, 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * `history` (a closed month, read once) or `current` (the month so far).
 */
timeline: string, 
/**
 * Rows held.
 */
rows: number, 
/**
 * Rows the reader set aside.
 */
setAside: number, 
/**
 * When read (RFC 3339).
 */
readAt: string, 
/**
 * The file it was imported from; `None`: read from Microsoft's Pricing API.
 */
fileName: string | null, };

export type SheetColumn = "line" | "product" | "meter" | "sku" | "unit" | "tierMin" | "unitPrice" | "effectiveStart";

export type SheetQueryDto = { 
/**
 * Sort column.
 */
sort: SheetColumn, 
/**
 * Largest (or last) first.
 */
descending: boolean, 
/**
 * Case-insensitive text in the product, SKU, meter id, product id or SKU id ("": none).
 */
search: string, };

export type SheetRowDto = { 
/**
 * The row's key (stable while the sheet is held).
 */
key: number, 
/**
 * 1-based line in the file.
 */
line: number, 
/**
 * Meter id, lower case (`None` for a licence).
 */
meterId: string | null, 
/**
 * `ProductId`.
 */
productId: string, 
/**
 * `ProductTitle`.
 */
product: string, 
/**
 * `SkuId`.
 */
skuId: string, 
/**
 * `SkuTitle`.
 */
sku: string, 
/**
 * `UnitOfMeasure`.
 */
unit: string, 
/**
 * `MeterType`.
 */
meterType: string, 
/**
 * `TermDuration`.
 */
term: string, 
/**
 * `PricingTierRangeMin`.
 */
tierMin: string, 
/**
 * `PricingTierRangeMax` (`None`: no upper bound).
 */
tierMax: string | null, 
/**
 * `UnitPrice`.
 */
unitPrice: string, 
/**
 * `Currency`.
 */
currency: string, 
/**
 * `EffectiveStartDate`, `YYYY-MM-DD`.
 */
effectiveStart: string, 
/**
 * `EffectiveEndDate`, `YYYY-MM-DD`.
 */
effectiveEnd: string | null, };

export type SheetRowsPageDto = { 
/**
 * Where this page starts.
 */
offset: number, 
/**
 * Rows in view (matching the search).
 */
total: number, 
/**
 * Rows of the sheet.
 */
all: number, 
/**
 * This page.
 */
rows: Array<SheetRowDto>, };

export type ConvertedPriceDto = { 
/**
 * Billing currency.
 */
currency: string, 
/**
 * Units of the currency per USD (`1 / USDPerUnit`, as rating takes it); `None`: the month
 * has no rate for the currency.
 */
rate: string | null, 
/**
 * The price in the currency, to 6 decimals; `None` without a rate.
 */
price: string | null, };

export type MeterPriceDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * The sheet's market.
 */
market: string, 
/**
 * `PricingTierRangeMin`.
 */
tierMin: string, 
/**
 * `PricingTierRangeMax`.
 */
tierMax: string | null, 
/**
 * `UnitPrice` as the sheet gives it.
 */
unitPrice: string, 
/**
 * The sheet's currency (USD for the Azure plan).
 */
currency: string, 
/**
 * Change against the same tier's price in the previous month held, in percent to 2
 * decimals; `None` for the first month or a previous price of 0.
 */
changePercent: string | null, 
/**
 * The price in each billing currency of the account.
 */
converted: Array<ConvertedPriceDto>, };

export type MeterHistoryDto = { 
/**
 * The meter id, lower case.
 */
meterId: string, 
/**
 * `ProductTitle` of its newest row.
 */
product: string, 
/**
 * `SkuTitle` of its newest row.
 */
sku: string, 
/**
 * `UnitOfMeasure` of its newest row.
 */
unit: string, 
/**
 * The account's billing currencies, in the order of each price's conversions.
 */
currencies: Array<string>, 
/**
 * By month, market, then tier.
 */
prices: Array<MeterPriceDto>, };

export type FxRateDto = { 
/**
 * Upper case.
 */
currency: string, 
/**
 * `USDPerUnit` as Microsoft gives it.
 */
usdPerUnit: string, 
/**
 * Units of the currency per USD as rating takes it (`1 / USDPerUnit`, 12 decimals).
 */
perUsd: string, };

export type FxMonthDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * When read (RFC 3339).
 */
readAt: string, 
/**
 * Whether rating uses them: the month has Azure plan usage and its consumption sheet.
 */
rated: boolean, 
/**
 * By currency.
 */
rates: Array<FxRateDto>, };

export type FxTableDto = { 
/**
 * The account's billing currencies (shown first).
 */
billing: Array<string>, 
/**
 * Every currency any month has, sorted.
 */
currencies: Array<string>, 
/**
 * Newest first.
 */
months: Array<FxMonthDto>, };

export type LicenceCheckDto = { 
/**
 * Charges compared with their term's sheet price.
 */
checked: number, 
/**
 * Charges without their term month's sheet or a matching row on it.
 */
notChecked: number, 
/**
 * Charges (checked or not) whose term the line's own dates dated.
 */
datedByLine: number, 
/**
 * Charges (checked or not) dated by their subscription's creation, the line having sent
 * no term dates.
 */
datedByCreation: number, 
/**
 * Those billed away from it.
 */
flags: Array<LicenceFlagDto>, };

export type LicenceFlagDto = { 
/**
 * The partner account.
 */
accountId: string, 
/**
 * The customer.
 */
customerId: string, 
/**
 * Its name.
 */
customer: string, 
/**
 * `invoice G000000001` or `unbilled 2026-11:USD`.
 */
document: string, 
/**
 * The subscription.
 */
subscriptionId: string, 
/**
 * Product id.
 */
productId: string, 
/**
 * SKU id.
 */
skuId: string, 
/**
 * Product and SKU in words.
 */
product: string, 
/**
 * `cycleCharge`, `new`...
 */
chargeType: string, 
/**
 * When the charge starts (as sent).
 */
chargeStart: string | null, 
/**
 * Term duration (`P1M`, `P1Y`).
 */
term: string, 
/**
 * Billing plan.
 */
billingPlan: string, 
/**
 * The month its term started, whose sheet prices it (`YYYY-MM`).
 */
termMonth: string, 
/**
 * What dated the term.
 */
termDatedBy: TermDatedBy, 
/**
 * Market of that sheet.
 */
market: string, 
/**
 * Currency.
 */
currency: string, 
/**
 * Quantity billed.
 */
quantity: string, 
/**
 * The unit price billed.
 */
billedUnitPrice: string, 
/**
 * The term's list price on the sheet.
 */
listUnitPrice: string, 
/**
 * Billed minus list, per unit.
 */
difference: string, };

export type TermDatedBy = "lineTerm" | "subscriptionCreation";

export type PeriodReconciliationDto = { 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * One per customer, by account then company name.
 */
customers: Array<ReconciliationDto>, 
/**
 * The customers compared (not refused), added up per billing currency.
 */
totals: Array<ReconciliationTotalDto>, 
/**
 * The period's new-commerce licence charges checked against their term's licence sheet
 * price: those billed away from it, with both prices.
 */
licences: LicenceCheckDto, };

export type InvoiceDto = { 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Its name.
 */
accountName: string, 
/**
 * Invoice number.
 */
id: string, 
/**
 * Invoice date (`YYYY-MM-DD`).
 */
invoiceDate: string | null, 
/**
 * Billing period start (`YYYY-MM-DD`).
 */
billingPeriodStart: string | null, 
/**
 * Billing period end (`YYYY-MM-DD`).
 */
billingPeriodEnd: string | null, 
/**
 * Currency.
 */
currency: string, 
/**
 * `totalCharges`, a decimal string.
 */
total: string, 
/**
 * `paidAmount`.
 */
paid: string | null, 
/**
 * `invoice`, `void_note`, `adjustment_note` as Microsoft sends them.
 */
documentType: string | null, 
/**
 * For a credit or adjustment note: the invoice it amends (the note's period is that
 * invoice's).
 */
amendsOf: string | null, 
/**
 * `Recurring`, `OneTime`...
 */
invoiceType: string | null, 
/**
 * Whether every line of it is read (else run Discovery to finish reading it).
 */
linesComplete: boolean, 
/**
 * When Microsoft Graph served its lines: the data version (the export's eTag).
 */
dataVersion?: string, 
/**
 * When that data version was read (RFC 3339).
 */
dataReadAt?: string, };

export type InvoiceCustomerDto = { 
/**
 * Customer id.
 */
customerId: string, 
/**
 * Company name.
 */
customerName: string | null, 
/**
 * Lines on the invoice.
 */
lines: number, 
/**
 * Microsoft's charges (cost).
 */
cost: string, 
/**
 * Our markup: resale − cost − fee.
 */
markup: string, 
/**
 * The monthly fee charged on this invoice.
 */
fee: string, 
/**
 * What the customer is billed.
 */
resale: string, 
/**
 * resale − cost.
 */
margin: string, };

export type InvoiceDetailDto = { 
/**
 * The invoice.
 */
invoice: InvoiceDto, 
/**
 * By company name.
 */
customers: Array<InvoiceCustomerDto>, 
/**
 * Σ cost.
 */
costTotal: string, 
/**
 * Σ markup.
 */
markupTotal: string, 
/**
 * Σ fee.
 */
feeTotal: string, 
/**
 * Σ resale.
 */
resaleTotal: string, 
/**
 * Σ margin.
 */
marginTotal: string, 
/**
 * Whether Σ cost equals the invoice total to the cent.
 */
matchesInvoice: boolean, 
/**
 * Credit and adjustment notes issued against this invoice, oldest first; each opens
 * like an invoice, with its own customers and lines.
 */
notes: Array<InvoiceDto>, };

export type InvoiceLineDto = { 
/**
 * Stable position in its table (for keys).
 */
line: number, 
/**
 * Its number in invoice order, 1 to n, whatever the sort or filter.
 */
position: number, 
/**
 * `billing` (new commerce) or `legacy`.
 */
source: string, 
/**
 * Product (Azure plan usage: meter category).
 */
product: string | null, 
/**
 * SKU (Azure plan usage: meter).
 */
sku: string | null, 
/**
 * Subscription.
 */
subscriptionId: string | null, 
/**
 * Charge type.
 */
chargeType: string | null, 
/**
 * Charge start (`YYYY-MM-DD`).
 */
chargeStart: string | null, 
/**
 * Charge end (`YYYY-MM-DD`).
 */
chargeEnd: string | null, 
/**
 * Quantity.
 */
quantity: string | null, 
/**
 * Unit price.
 */
unitPrice: string | null, 
/**
 * Effective unit price.
 */
effectiveUnitPrice: string | null, 
/**
 * Microsoft's charge.
 */
cost: string, 
/**
 * Marked up.
 */
resale: string, 
/**
 * Currency.
 */
currency: string | null, };

export type LineColumn = "line" | "product" | "sku" | "subscription" | "chargeType" | "chargeStart" | "quantity" | "unitPrice" | "cost" | "resale";

export type LineQueryDto = { 
/**
 * Sort column.
 */
sort: LineColumn, 
/**
 * Largest (or last) first.
 */
descending: boolean, 
/**
 * Case-insensitive text in the product, SKU, subscription or charge type ("": none).
 */
search: string, 
/**
 * Only lines of this product ("": lines with no product); `None`: every product.
 */
product: string | null, };

export type LineSumDto = { 
/**
 * Currency ("" when the lines name none).
 */
currency: string, 
/**
 * Lines.
 */
lines: number, 
/**
 * Σ cost, exact.
 */
cost: string, 
/**
 * Σ resale (each line rounded to the cent, as billed), exact.
 */
resale: string, };

export type InvoiceLinesPageDto = { 
/**
 * First line's index in the view.
 */
offset: number, 
/**
 * Lines in view (after the search and product filter).
 */
total: number, 
/**
 * Every line of the customer on the invoice.
 */
all: number, 
/**
 * The lines in view added up, per currency.
 */
sums: Array<LineSumDto>, 
/**
 * The lines.
 */
lines: Array<InvoiceLineDto>, };

export type UnbilledDto = { 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Its name.
 */
accountName: string, 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * Billing currency.
 */
currency: string, 
/**
 * Customers with usage.
 */
customers: number, 
/**
 * Daily usage records.
 */
records: number, 
/**
 * Σ Microsoft's daily rated usage so far (before the invoice: it can still change).
 */
cost: string, 
/**
 * What the period will bill besides usage so far (licences, reservations, savings
 * plans, marketplace, one-time purchases), per product; from Graph's unbilled
 * reconciliation.
 */
charges?: Array<UnbilledChargeDto>, 
/**
 * Σ of `charges`, a decimal string.
 */
chargesTotal?: string, };

export type UnbilledChargeDto = { 
/**
 * Product name as Microsoft sends it.
 */
product: string, 
/**
 * Lines.
 */
lines: number, 
/**
 * Σ subtotal, a decimal string.
 */
amount: string, };

export type LineGroupDto = { 
/**
 * The product (empty when the lines name none).
 */
product: string, 
/**
 * Lines.
 */
lines: number, 
/**
 * Σ cost, exact.
 */
cost: string, 
/**
 * Σ resale (each line rounded to the cent, as billed), exact.
 */
resale: string, };

export type ExportTable = { "table": "invoices" } | { "table": "invoice", 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Invoice number.
 */
invoiceId: string, } | { "table": "customerLines", 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Invoice number.
 */
invoiceId: string, 
/**
 * Customer id.
 */
customerId: string, 
/**
 * Resale amounts only (for the customer).
 */
customerFacing: boolean, 
/**
 * The sort, search and product filter of the view.
 */
query: LineQueryDto, } | { "table": "customerFocus", 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Invoice number.
 */
invoiceId: string, 
/**
 * Customer id.
 */
customerId: string, 
/**
 * At resale, the partner invoicing (for the customer); else Microsoft's charges.
 */
customerFacing: boolean, 
/**
 * The sort, search and product filter of the view.
 */
query: LineQueryDto, } | { "table": "customers" } | { "table": "subscriptions" } | { "table": "reconciliation", 
/**
 * `YYYY-MM`.
 */
period: string, } | { "table": "ratedLines", 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Customer id.
 */
customerId: string, 
/**
 * `YYYY-MM`.
 */
period: string, };

export type ExportRequestDto = { 
/**
 * What to export.
 */
table: ExportTable, 
/**
 * Start with a UTF-8 byte-order mark (Excel).
 */
bom: boolean, 
/**
 * The keys of the rows the user sees, in the order seen (filters and sort applied);
 * absent: every row in the table's own order. Keys: invoices `account/number`, an
 * invoice's customers `customerId`, customers `account/id`, subscriptions
 * `account/customer/id`, reconciliation `account/customer`, rated lines
 * `subscription/entitlement/meter/day`. Customer lines ignore it:
 * a million keys would not cross IPC; their `query` says what is in view instead.
 */
keys: Array<string> | null, };

export type ExportedDto = { 
/**
 * The file.
 */
path: string, 
/**
 * Data rows (the header not counted).
 */
rows: number, };

export type RatedLineDto = { 
/**
 * Azure plan (or legacy subscription).
 */
subscriptionId: string, 
/**
 * Azure subscription.
 */
entitlementId: string, 
/**
 * Meter id.
 */
meterId: string, 
/**
 * Meter name.
 */
meterName: string | null, 
/**
 * Meter category.
 */
meterCategory: string | null, 
/**
 * Usage day, `YYYY-MM-DD`.
 */
usageDate: string, 
/**
 * Units.
 */
quantity: string, 
/**
 * Billing currency of every figure below.
 */
currency: string, 
/**
 * Where the price came from (`priceList` for Microsoft's sheet, `rateCard`, ...).
 */
priceOrigin: string, 
/**
 * List price (first tier) × quantity × FX.
 */
list: string, 
/**
 * After tiers, credit and discounts, before Microsoft's floor.
 */
effective: string, 
/**
 * What Microsoft bills (its per-line floor).
 */
billed: string, 
/**
 * Billed marked up with the customer's markups.
 */
resale: string, 
/**
 * `list − effective`.
 */
savings: string, };

export type RatedTotalsDto = { 
/**
 * Billing currency.
 */
currency: string, 
/**
 * Lines added up.
 */
lines: number, 
/**
 * List cost.
 */
list: string, 
/**
 * Effective cost.
 */
effective: string, 
/**
 * Billed cost.
 */
billed: string, 
/**
 * Resale.
 */
resale: string, 
/**
 * `list − effective`: what partner earned credit, tiers and discounts save.
 */
savings: string, 
/**
 * `resale − billed`: what the markups add.
 */
markup: string, };

export type RatedUsageDto = { 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * The lines, by subscription, Azure subscription, meter and day.
 */
lines: Array<RatedLineDto>, 
/**
 * Per currency, in code order.
 */
totals: Array<RatedTotalsDto>, };

export type MonthFiguresDto = { 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * Microsoft's cost (invoiced; rated so far for the open month).
 */
cost: string, 
/**
 * What customers are billed.
 */
resale: string, 
/**
 * Whether the month is still open (figures so far, usage only).
 */
open: boolean, 
/**
 * A closed month Microsoft has not invoiced yet (invoices come early in the next month):
 * its figures are rated usage with markups, not an invoice.
 */
notInvoiced: boolean, };

export type MonthGainDto = { 
/**
 * `YYYY-MM`.
 */
period: string, 
/**
 * List cost (the sheets' list prices).
 */
list: string, 
/**
 * Effective cost (after credit, tiers and discounts, before Microsoft's floor).
 */
effective: string, 
/**
 * `list − effective`.
 */
savings: string, 
/**
 * Microsoft's cost (rated, as invoiced).
 */
cost: string, 
/**
 * What customers are billed.
 */
resale: string, 
/**
 * `resale − cost`.
 */
markup: string, };

export type CustomerFiguresDto = { 
/**
 * Partner account id.
 */
accountId: string, 
/**
 * Customer id.
 */
customerId: string, 
/**
 * Company name.
 */
name: string, 
/**
 * Cost.
 */
cost: string, 
/**
 * Resale.
 */
resale: string, 
/**
 * Resale − cost.
 */
margin: string, };

export type ChartDto = { 
/**
 * `trend`, `topCustomers`, `margin`, `categories`, `exportedCosts` (Azure costs from
 * Cost Management exports, when imported).
 */
id: string, 
/**
 * Its title.
 */
title: string, 
/**
 * The SVG.
 */
svg: string, };

export type CurrencyDashboardDto = { 
/**
 * Billing currency.
 */
currency: string, 
/**
 * Oldest first, the open month last.
 */
months: Array<MonthFiguresDto>, 
/**
 * The last invoiced month (`YYYY-MM`), which the rankings are of.
 */
rankedPeriod: string | null, 
/**
 * By cost, largest first (at most 10).
 */
topCustomers: Array<CustomerFiguresDto>, 
/**
 * By margin, largest first (at most 10).
 */
topMargins: Array<CustomerFiguresDto>, 
/**
 * Rated cost by meter category of the ranked month, largest first: (category, cost).
 */
categories: Array<[string, string]>, 
/**
 * Rated cost of the open month so far.
 */
monthToDate: string, 
/**
 * Rated cost of the month before, over the same days.
 */
lastMonthSameDays: string, 
/**
 * Rated cost of the whole month before.
 */
lastMonth: string, 
/**
 * The open month's savings and markup so far (None until its usage is rated).
 */
monthToDateGain: MonthGainDto | null, 
/**
 * Azure costs from Cost Management exports, when imported in this currency.
 */
exportedCosts: ExportedCostsDto | null, 
/**
 * The charts.
 */
charts: Array<ChartDto>, };

export type ExportedCostsDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * (customer name, cost to the cent), largest first (at most 10, as charted).
 */
customers: Array<[string, string]>, };

export type DashboardDto = { 
/**
 * Largest cost first.
 */
currencies: Array<CurrencyDashboardDto>, };

export type CostScopeKind = "billingAccount" | "billingProfile" | "customer";

export type CostDatasetDto = "actual" | "amortized";

export type CostSourceDto = { 
/**
 * Its id.
 */
id: string, 
/**
 * The partner account's id.
 */
accountId: string, 
/**
 * Name.
 */
name: string, 
/**
 * Scope kind.
 */
scope: CostScopeKind, 
/**
 * Billing account / profile id or customer tenant id, when given.
 */
scopeId: string | null, 
/**
 * The container's address, without the SAS.
 */
containerUrl: string, 
/**
 * Folder read inside the container ('' = all).
 */
rootFolder: string, 
/**
 * When the SAS stops working (RFC 3339).
 */
sasExpiresAt: string, 
/**
 * Whether it has.
 */
sasExpired: boolean, 
/**
 * Whether it does within [`SAS_WARNING_DAYS`].
 */
sasExpiringSoon: boolean, 
/**
 * Runs imported.
 */
runs: number, 
/**
 * When the newest run was imported.
 */
lastImportedAt: string | null, };

export type NewCostSource = { 
/**
 * The partner account (name or id).
 */
account: string, 
/**
 * Name of the source.
 */
name: string, 
/**
 * Scope kind.
 */
scope: CostScopeKind, 
/**
 * Billing account / profile id (optional), or the customer's tenant id (required).
 */
scopeId: string | null, 
/**
 * The container's SAS URL (Read + List).
 */
sasUrl: string, 
/**
 * Only runs under this folder are read (the exports' rootFolderPath); empty = all.
 */
rootFolder: string | null, };

export type CostRunDto = { 
/**
 * Run id.
 */
runId: string, 
/**
 * Export name.
 */
exportName: string, 
/**
 * Dataset.
 */
dataset: CostDatasetDto, 
/**
 * `YYYYMMDD-YYYYMMDD`.
 */
monthFolder: string, 
/**
 * Rows written.
 */
rows: number, 
/**
 * The run it replaced (a re-exported month).
 */
replaced: string | null, };

export type CostSkipDto = { 
/**
 * Run id.
 */
runId: string, 
/**
 * Its manifest's path.
 */
manifestPath: string, 
/**
 * Whether it is simply imported already (the usual case).
 */
alreadyImported: boolean, 
/**
 * Why, in words.
 */
reason: string, };

export type CostImportDto = { 
/**
 * The source's id.
 */
sourceId: string, 
/**
 * The source's name.
 */
sourceName: string, 
/**
 * Runs (manifests) found.
 */
runsFound: number, 
/**
 * Runs imported.
 */
imported: Array<CostRunDto>, 
/**
 * Runs left as they were.
 */
skipped: Array<CostSkipDto>, 
/**
 * Rows written.
 */
rows: number, 
/**
 * Wall time.
 */
durationMs: number, };

export type CostImportEvent = { "event": "listed", 
/**
 * The source.
 */
sourceName: string, 
/**
 * Runs found.
 */
manifests: number, } | { "event": "planned", 
/**
 * The source.
 */
sourceName: string, 
/**
 * Runs to import.
 */
runs: number, 
/**
 * Their rows.
 */
rows: number, } | { "event": "rows", 
/**
 * Run id.
 */
runId: string, 
/**
 * Rows read.
 */
done: number, 
/**
 * Rows in the run.
 */
total: number, } | { "event": "runImported", 
/**
 * The run.
 */
run: CostRunDto, };

export type CostCustomerTotalDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * customerTenantId; `None` for costs that name no customer.
 */
customerTenantId: string | null, 
/**
 * customerName as exported.
 */
customerName: string, 
/**
 * The customer's organization id, when it is in one.
 */
organizationId: string | null, 
/**
 * Its name.
 */
organizationName: string | null, 
/**
 * Currency.
 */
currency: string, 
/**
 * Cost rows.
 */
rows: number, 
/**
 * Σ costInBillingCurrency.
 */
cost: string, 
/**
 * Of which reservations and savings plans.
 */
commitmentCost: string, 
/**
 * The same usage at pay-as-you-go prices.
 */
paygCost: string, };

export type CostOrganizationTotalDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * Organization id.
 */
organizationId: string, 
/**
 * Its name.
 */
organizationName: string, 
/**
 * Currency.
 */
currency: string, 
/**
 * Customers with costs.
 */
customers: number, 
/**
 * Σ of their costs.
 */
cost: string, };

export type CostPricingModelTotalDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * `On Demand`, `Reservation`, `SavingsPlan`, `Spot` ('' when not given).
 */
pricingModel: string, 
/**
 * `Usage`, `Purchase`, `Refund`, `UnusedReservation`, `UnusedSavingsPlan`...
 */
chargeType: string, 
/**
 * Whether it is a reservation or savings plan.
 */
commitment: boolean, 
/**
 * Currency.
 */
currency: string, 
/**
 * Cost rows.
 */
rows: number, 
/**
 * Σ costInBillingCurrency.
 */
cost: string, };

export type CostSplitDto = { 
/**
 * The partner account's id.
 */
accountId: string, 
/**
 * The view.
 */
dataset: CostDatasetDto, 
/**
 * The month shown (`None`: every month).
 */
month: string | null, 
/**
 * Months with imported costs, newest first.
 */
months: Array<string>, 
/**
 * Per customer, month and currency (by month, then customer name).
 */
customers: Array<CostCustomerTotalDto>, 
/**
 * Per organization, month and currency.
 */
organizations: Array<CostOrganizationTotalDto>, 
/**
 * Per pricing model, charge type, month and currency.
 */
pricingModels: Array<CostPricingModelTotalDto>, 
/**
 * Per currency, everything shown (the customers' rows added up exactly, for a totals row).
 */
totals: Array<CostCurrencyTotalDto>, };

export type ExportedCostDto = { 
/**
 * `YYYY-MM`: the newest month imported for the customer's partner account.
 */
month: string, 
/**
 * costInBillingCurrency summed.
 */
cost: string, 
/**
 * Currency.
 */
currency: string, };

export type StackCostDto = { 
/**
 * `YYYY-MM`.
 */
month: string, 
/**
 * Rated amount, every registration added up.
 */
amount: string, 
/**
 * Currency.
 */
currency: string, };

export type CostCurrencyTotalDto = { 
/**
 * Currency.
 */
currency: string, 
/**
 * Rows.
 */
rows: number, 
/**
 * Cost.
 */
cost: string, 
/**
 * Of which reservations and savings plans.
 */
commitmentCost: string, 
/**
 * What the same usage costs at pay-as-you-go prices (Σ paygCostInBillingCurrency).
 */
paygCost: string, };

export type CostRowDto = { 
/**
 * Unique among the rows shown (where the row was read).
 */
key: string, 
/**
 * `YYYY-MM-DD`.
 */
date: string, 
/**
 * invoiceId.
 */
invoiceId: string | null, 
/**
 * Azure subscription id.
 */
subscriptionId: string | null, 
/**
 * Its name.
 */
subscriptionName: string | null, 
/**
 * Meter.
 */
meterName: string | null, 
/**
 * Meter category.
 */
meterCategory: string | null, 
/**
 * Product.
 */
productName: string | null, 
/**
 * chargeType.
 */
chargeType: string, 
/**
 * PricingModel.
 */
pricingModel: string | null, 
/**
 * The reservation or savings plan.
 */
benefitName: string | null, 
/**
 * Quantity (decimal text).
 */
quantity: string | null, 
/**
 * Unit.
 */
unitOfMeasure: string | null, 
/**
 * Effective price (decimal text).
 */
effectivePrice: string | null, 
/**
 * costInBillingCurrency.
 */
cost: string, 
/**
 * Currency.
 */
currency: string, };

export type CostRowsPageDto = { 
/**
 * Rows in all.
 */
total: number, 
/**
 * Where this page starts.
 */
offset: number, 
/**
 * This page.
 */
rows: Array<CostRowDto>, };
