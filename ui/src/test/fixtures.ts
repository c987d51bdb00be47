// Test data in the backend's shapes: accounts, runs, progress, customers and
// subscriptions and invoices with sensible defaults, each overridable field by field.
import type { AccountDto, CustomerDto, InvoiceDto, ProgressDto, RunDto, SubscriptionDto } from "../ipc";

export function account(over: Partial<AccountDto> = {}): AccountDto {
  return {
    id: "a1",
    name: "Contoso",
    tenantId: "0a1b2c3d-0000-4000-8000-000000000001",
    createdAt: "2026-11-20T10:00:00Z",
    sandbox: false,
    signIn: { state: "signedOut" },
    ...over,
  };
}

export function signedIn(over: Partial<AccountDto> = {}): AccountDto {
  return account({
    signIn: {
      state: "signedIn",
      upn: "admin@contoso.onmicrosoft.com",
      tenantId: "0a1b2c3d-0000-4000-8000-000000000001",
      roles: [{ id: "62e90394-69f5-4237-9190-012177145e10", name: "Global Administrator" }],
      access: "Admin",
      mfa: true,
      consentedAt: "2026-11-01T10:00:00Z",
      lapsesAt: "2027-01-30T10:00:00Z",
      lapsingSoon: false,
    },
    ...over,
  });
}

export function run(over: Partial<RunDto> = {}): RunDto {
  return {
    id: "1",
    accountId: "a1",
    trigger: "manual",
    state: "completed",
    startedAt: "2026-11-21T06:00:00Z",
    endedAt: "2026-11-21T06:02:05Z",
    durationMs: 125_000,
    requests: 420,
    throttled: 3,
    throttledWaitMs: 9_000,
    rowsWritten: 12_345,
    warnings: 0,
    entities: [
      { entity: "customers", pages: 2, rows: 120 },
      { entity: "subscriptions", pages: 120, rows: 480 },
    ],
    error: null,
    ...over,
  };
}

export function progress(over: Partial<ProgressDto> = {}): ProgressDto {
  return {
    accountId: "a1",
    runId: "2",
    phase: "subscriptions",
    stepsDone: 10,
    stepsKnown: 40,
    fraction: 0.25,
    requests: 50,
    throttled: 1,
    rowsWritten: 900,
    rowsPerSecond: 30,
    elapsedMs: 30_000,
    etaMs: 125_000,
    entities: [{ entity: "customers", pages: 2, rows: 120 }],
    ...over,
  };
}

export function customer(i: number, over: Partial<CustomerDto> = {}): CustomerDto {
  const n = String(i).padStart(5, "0");
  return {
    accountId: "a1",
    accountName: "Contoso",
    id: `c-${n}`,
    companyName: `Customer ${n}`,
    domain: `customer${n}.onmicrosoft.com`,
    tenantId: `00000000-0000-4000-8000-0000000${n}`,
    relationship: "reseller",
    reachable: true,
    subscriptionCount: i % 7,
    organizationId: null,
    organizationName: null,
    monthToDateCost: null,
    monthToDateResale: null,
    monthToDateMargin: null,
    monthToDateList: null,
    monthToDateSavings: null,
    currency: null,
    exportedCost: null,
    stackCost: null,
    ...over,
  };
}

export function subscription(over: Partial<SubscriptionDto> = {}): SubscriptionDto {
  return {
    accountId: "a1",
    customerId: "c-00001",
    customerName: "Customer 00001",
    id: "s-1",
    kind: "licence",
    offerId: "CFQ7TTC0LH18:0001",
    offerName: "Microsoft 365 Business Basic",
    friendlyName: "Basic seats",
    status: "active",
    quantity: "10",
    unitType: "Licenses",
    billingCycle: "monthly",
    billingType: "license",
    creationDate: "2026-01-15",
    commitmentEndDate: "2027-01-14T00:00:00Z",
    termDuration: "P1Y",
    entitlements: [],
    monthToDateCost: null,
    monthToDateResale: null,
    monthToDateMargin: null,
    currency: null,
    ...over,
  };
}

export function invoice(over: Partial<InvoiceDto> = {}): InvoiceDto {
  return {
    accountId: "a1",
    accountName: "Contoso",
    id: "G000000001",
    invoiceDate: "2026-11-08",
    billingPeriodStart: "2026-10-01",
    billingPeriodEnd: "2026-10-31",
    currency: "EUR",
    total: "1500.00",
    paid: null,
    documentType: "Invoice",
    amendsOf: null,
    invoiceType: "Recurring",
    linesComplete: true,
    ...over,
  };
}
