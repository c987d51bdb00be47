// A fake backend for component tests: Tauri's own mockIPC with in-memory accounts,
// Discovery runs, customers, subscriptions, organizations and markups that validate like
// the real ones would, so tests exercise the real IPC module. `emit` plays a Discovery event
// through the app's watch channel as the backend would.
import { mockIPC, clearMocks as clearTauriMocks } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type {
  AccountDto,
  DatabaseOpeningDto,
  UnbilledDto,
  ImportRunDto,
  SetAsideItemDto,
  ApiError,
  CustomerDto,
  CustomerRef,
  DiscoveryEvent,
  DiscoveryStatusDto,
  MarkupChangeDto,
  MarkupDto,
  MarkupPreviewDto,
  MarkupTargetDto,
  MarkupTermDto,
  OrganizationDto,
  DashboardDto,
  ExportRequestDto,
  InvoiceDetailDto,
  InvoiceDto,
  InvoiceLineDto,
  LineQueryDto,
  LineSumDto,
  PeriodDto,
  PeriodReconciliationDto,
  RunDto,
  ScheduleDto,
  SubscriptionDto,
} from "../ipc";
import { applyEvent, discoveryStore, notStarted } from "../features/discovery/store";
import { todayIso } from "../format";
import { compareDecimal, compareText } from "../table/sort";
import type { CommandName, Commands } from "../ipc";
import { stackHandlers } from "./stackMock";
import { costsHandlers } from "./costsMock";
import { pricesHandlers } from "./pricesMock";
import { ratedHandlers } from "./ratedMock";

/** The fake of each command, by its declared name: declared arguments in, declared result out. */
export type MockHandlers = { [K in CommandName]?: (args: Commands[K]["args"]) => Commands[K]["result"] };

/** A markup change as the mock stores it: append-only, like the `markup_changes` table. */
export interface MockMarkupChange {
  target: MarkupTargetDto;
  term: MarkupTermDto;
  effectiveFrom: string;
  /** Default: 2026-11-01T09:00:00Z. */
  createdAt?: string;
}

/** Rated cost of one customer in one closed month, what `customers_preview_markup` works from. */
export interface MockRatedCost {
  customer: CustomerRef;
  /** YYYY-MM. */
  period: string;
  currency: string;
  /** Decimal string. */
  cost: string;
}

export interface MockState {
  accounts: AccountDto[];
  /** Discovery status by account id (missing: never run). */
  statuses: Map<string, DiscoveryStatusDto>;
  /** Runs by account id, newest first. */
  runs: Map<string, RunDto[]>;
  /** Runs of other kinds (cost exports, Stack usage) by account id, newest first. */
  importRuns: Map<string, ImportRunDto[]>;
  /** Items set aside, by run id. */
  setAside: Map<string, SetAsideItemDto[]>;
  schedule: ScheduleDto;
  customers: CustomerDto[];
  subscriptions: SubscriptionDto[];
  organizations: OrganizationDto[];
  /** Every markup change, in the order entered (row ids are positions + 1). */
  markups: (MockMarkupChange & { id: number; createdAt: string })[];
  /** The day "in effect today" is read on (YYYY-MM-DD). */
  today: string;
  /** Rated cost per customer and month (none: nothing is rated yet). */
  rated: MockRatedCost[];
  periods: PeriodDto[];
  reconciliations: PeriodReconciliationDto[];
  invoices: InvoiceDto[];
  invoiceDetails: Record<string, InvoiceDetailDto>;
  invoiceLines: Record<string, InvoiceLineDto[]>;
  unbilled: UnbilledDto[];
  dashboard: DashboardDto;
  /** Every chart saved: (name, png). */
  savedCharts: [string, boolean][];
  /** Every export asked for. */
  exports: ExportRequestDto[];
  /** The next call of each command named here fails with this error (once). */
  failures: Map<string, ApiError>;
  /** Every command called, in order, with its arguments. */
  calls: { cmd: string; args: Record<string, unknown> }[];
  /** What `app_database_state` answers, in turn; the last one stays (default: open). */
  opening: DatabaseOpeningDto[];
  /** Plays a Discovery event through every watch channel, updating the state like the backend. */
  emit: (e: DiscoveryEvent) => void;
}

export interface MockData {
  statuses: DiscoveryStatusDto[];
  runs: RunDto[];
  schedule: ScheduleDto;
  customers: CustomerDto[];
  subscriptions: SubscriptionDto[];
  organizations: OrganizationDto[];
  markups: MockMarkupChange[];
  rated: MockRatedCost[];
  /** Default: the real local date, as the editor's default effective-from day. */
  today: string;
  /** Billing periods the Reconciliation page lists. */
  periods: PeriodDto[];
  invoices: InvoiceDto[];
  /** Invoice details by `account/invoice`. */
  invoiceDetails: Record<string, InvoiceDetailDto>;
  /** Lines by `account/invoice/customer`. */
  invoiceLines: Record<string, InvoiceLineDto[]>;
  /** What is not invoiced yet, per open period. */
  unbilled: UnbilledDto[];
  dashboard: DashboardDto;
  /** Reconciliations by period (a period without one answers NotFound). */
  reconciliations: PeriodReconciliationDto[];
}

function fail(code: ApiError["code"], message: string, field: string | null = null): never {
  const err: ApiError = { code, message, field };
  throw err;
}

const refKey = (r: CustomerRef) => `${r.accountId}/${r.customerId}`;

export function mockBackend(
  initial: AccountDto[] = [],
  access: "Admin" | "Finance" = "Admin",
  data: Partial<MockData> = {},
): MockState {
  const watchers: Channel<DiscoveryEvent>[] = [];
  const state: MockState = {
    accounts: [...initial],
    statuses: new Map((data.statuses ?? []).map((s) => [s.accountId, s])),
    runs: new Map(),
    importRuns: new Map(),
    setAside: new Map(),
    schedule: data.schedule ?? { enabled: true, times: ["06:00", "18:00"] },
    customers: [...(data.customers ?? [])],
    subscriptions: [...(data.subscriptions ?? [])],
    organizations: [...(data.organizations ?? [])],
    markups: (data.markups ?? []).map((m, i) => ({ ...m, id: i + 1, createdAt: m.createdAt ?? "2026-11-01T09:00:00Z" })),
    today: data.today ?? todayIso(),
    rated: [...(data.rated ?? [])],
    periods: [...(data.periods ?? [])],
    reconciliations: [...(data.reconciliations ?? [])],
    invoices: [...(data.invoices ?? [])],
    invoiceDetails: { ...(data.invoiceDetails ?? {}) },
    invoiceLines: { ...(data.invoiceLines ?? {}) },
    unbilled: [...(data.unbilled ?? [])],
    exports: [],
    dashboard: data.dashboard ?? { currencies: [] },
    savedCharts: [],
    failures: new Map(),
    calls: [],
    opening: [{ state: "ready", step: 0, steps: 0, what: "", beats: 0, elapsedMs: 0, error: null }],
    emit: (e) => {
      const id = e.kind === "progress" ? e.progress.accountId : e.run.accountId;
      state.statuses.set(id, applyEvent(state.statuses.get(id) ?? notStarted(id), e));
      if (e.kind !== "progress") {
        const runs = (state.runs.get(id) ?? []).filter((r) => r.id !== e.run.id);
        state.runs.set(id, [e.run, ...runs].sort((a, b) => Number(b.id) - Number(a.id)));
      }
      for (const w of watchers) w.onmessage(e);
    },
  };
  for (const r of data.runs ?? []) state.runs.set(r.accountId, [...(state.runs.get(r.accountId) ?? []), r]);

  const member = (r: CustomerRef) => {
    const c = state.customers.find((x) => x.accountId === r.accountId && x.id === r.customerId);
    if (!c) return fail("NotFound", `Customer ${r.customerId} is not discovered.`);
    return { accountId: c.accountId, accountName: c.accountName, customerId: c.id, companyName: c.companyName, domain: c.domain };
  };
  const organization = (id: string) => state.organizations.find((o) => o.id === id) ?? fail("NotFound", "That organization no longer exists.");
  const setMembers = (org: OrganizationDto, members: OrganizationDto["members"]) => {
    const updated = { ...org, members: [...members].sort((a, b) => a.companyName.localeCompare(b.companyName)) };
    state.organizations = state.organizations.map((o) => (o.id === org.id ? updated : o));
    const inIt = new Set(updated.members.map((m) => refKey(m)));
    state.customers = state.customers.map((c) => {
      const key = refKey({ accountId: c.accountId, customerId: c.id });
      if (inIt.has(key)) return { ...c, organizationId: org.id, organizationName: org.name };
      return c.organizationId === org.id ? { ...c, organizationId: null, organizationName: null } : c;
    });
    return updated;
  };

  const scopeKey = (t: MarkupTargetDto) => (t.kind === "customer" ? `c:${refKey(t.customer)}` : `o:${t.organization}`);
  const termKey = (t: MarkupTermDto) => (t.kind === "categoryPercent" ? `${t.kind}:${t.category}` : t.kind);
  /** The target as the backend answers it (an organization by id) and its name. */
  const resolveTarget = (t: MarkupTargetDto): { target: MarkupTargetDto; name: string } => {
    if (t.kind === "customer") {
      const c = state.customers.find((x) => x.accountId === t.customer.accountId && x.id === t.customer.customerId);
      if (!c) {
        return fail("NotFound", `Customer ${t.customer.customerId} is not in the database: run Discovery, or check the id`, "customer");
      }
      return { target: t, name: c.companyName };
    }
    const typed = t.organization.trim();
    const org =
      state.organizations.find((o) => o.name === typed) ??
      state.organizations.find((o) => o.id === typed) ??
      fail("NotFound", `Organization ${JSON.stringify(typed)} not found`);
    return { target: { kind: "organization", organization: org.id }, name: org.name };
  };
  /** The one billing currency of the target's customers, as the backend reads it from their invoices and usage. */
  const billingCurrency = (t: MarkupTargetDto): string | null => {
    const currencies = new Set(
      state.customers
        .filter((c) =>
          t.kind === "customer"
            ? c.accountId === t.customer.accountId && c.id === t.customer.customerId
            : c.organizationId === t.organization,
        )
        .map((c) => c.currency)
        .filter((c): c is string => c !== null),
    );
    return currencies.size === 1 ? ([...currencies][0] ?? null) : null;
  };
  const describeMarkup = (requested: MarkupTargetDto, on: string): MarkupDto => {
    const { target, name } = resolveTarget(requested);
    const history = state.markups
      .filter((m) => scopeKey(m.target) === scopeKey(target))
      .sort((x, y) => x.effectiveFrom.localeCompare(y.effectiveFrom) || x.id - y.id);
    let percent: string | null = null;
    let fee: string | null = null;
    const categories = new Map<string, string | null>();
    for (const m of history.filter((h) => h.effectiveFrom <= on)) {
      if (m.term.kind === "percent" || m.term.kind === "listPercent") percent = m.term.percent;
      else if (m.term.kind === "categoryPercent") categories.set(m.term.category, m.term.percent);
      else fee = compareDecimal(m.term.fee, "0") === 0 ? null : m.term.fee;
    }
    return {
      target,
      name,
      on,
      percent,
      categories: [...categories.entries()]
        .filter((e): e is [string, string] => e[1] !== null)
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
      monthlyFee: fee,
      currency: billingCurrency(target),
      history: history.map(
        (m): MarkupChangeDto => ({ id: String(m.id), effectiveFrom: m.effectiveFrom, term: m.term, createdAt: m.createdAt }),
      ),
    };
  };

  /** The arguments of customers_set_markup and customers_preview_markup, parsed and checked as the store would. */
  const checkedChange = (a: Commands["customers_set_markup"]["args"]) => {
    const { target } = resolveTarget(a.target);
    const terms = a.terms.map(parseTerm);
    const from = a.effectiveFrom;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) throw new Error(`invalid effectiveFrom ${from}`);
    if (terms.length === 0) {
      return fail("Validation", "Nothing to change: give a percentage, a category percentage or a monthly fee", "markup");
    }
    for (const t of terms) validateTerm(t);
    return { target, terms, from };
  };
  /**
   * The preview, simplified: every rated customer of the target, per month, priced with the
   * percentage and monthly fee in effect today (before) and with the change laid over them (after).
   * Category overrides are left out, as the fixture has no per-category cost.
   */
  const previewOf = (target: MarkupTargetDto, terms: MarkupTermDto[]): MarkupPreviewDto => {
    const now = describeMarkup(target, state.today);
    let percent = now.percent;
    let fee = now.monthlyFee;
    for (const t of terms) {
      if (t.kind === "percent") percent = t.percent;
      else if (t.kind === "monthlyFee") fee = compareDecimal(t.fee, "0") === 0 ? null : t.fee;
    }
    const members =
      target.kind === "customer"
        ? new Set([refKey(target.customer)])
        : new Set(state.customers.filter((c) => c.organizationId === target.organization).map((c) => `${c.accountId}/${c.id}`));
    const byMonth = new Map<string, MockRatedCost[]>();
    for (const r of state.rated.filter((x) => members.has(refKey(x.customer)))) {
      byMonth.set(`${r.period} ${r.currency}`, [...(byMonth.get(`${r.period} ${r.currency}`) ?? []), r]);
    }
    const sum = (rows: MockRatedCost[], p: string | null, f: string | null) =>
      rows.reduce((total, r) => total + resale(scaled(r.cost), p, f), 0n);
    return {
      months: [...byMonth.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([, rows]) => {
          const first = rows[0] as MockRatedCost;
          const cost = rows.reduce((total, r) => total + scaled(r.cost), 0n);
          const before = sum(rows, now.percent, now.monthlyFee);
          const after = sum(rows, percent, fee);
          return {
            period: first.period,
            currency: first.currency,
            customers: new Set(rows.map((r) => refKey(r.customer))).size,
            cost: unscaled(cost),
            resaleBefore: unscaled(before),
            resaleAfter: unscaled(after),
            marginBefore: unscaled(before - cost),
            marginAfter: unscaled(after - cost),
          };
        }),
    };
  };

  // Like the real IPC, answers are copies: a page never holds the mock's own objects.
  mockIPC((cmd, args) => {
    const answer: unknown = handle(cmd, (args ?? {}) as Record<string, unknown>);
    return answer === undefined ? undefined : structuredClone(answer);
  });

  // Typed by the declarations: a handler takes a command's declared arguments and answers its
  // declared result, so the double cannot drift from the backend's commands.
  const handlers: MockHandlers = {
    ...stackHandlers,
    ...costsHandlers,
    ...pricesHandlers,
    ...ratedHandlers,
    app_database_state: () => {
      const next = state.opening.length > 1 ? state.opening.shift() : state.opening[0];
      if (!next) throw new Error("the mock's opening queue is empty");
      return next;
    },
    app_get_info: () => ({ version: "0.0.0-test", databasePath: "/tmp/test.sqlite3", access, accessReason: access === "Finance" ? "billing@contoso.onmicrosoft.com (Billing Administrator)" : "", readOnlyDatabase: false }),
    accounts_list: () => state.accounts,
    accounts_add: (a) => {
      const input = a.input;
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(input.tenantId.trim())) {
        return fail("Validation", `Account Id: "${input.tenantId}" is not a tenant id`, "tenantId");
      }
      const added: AccountDto = { id: `id-${state.accounts.length + 1}`, name: input.name.trim(), tenantId: input.tenantId.toLowerCase(), createdAt: "2026-11-21T09:30:00Z", sandbox: false, signIn: { state: "signedOut" } };
      state.accounts.push(added);
      return added;
    },
    accounts_add_sandbox: () => {
      const added: AccountDto = { id: "sandbox-id", name: "sandbox", tenantId: "3c990f80-f9a9-44be-9757-a87d131a8a48", createdAt: "2026-11-21T09:30:00Z", sandbox: true, signIn: { state: "signedOut" } };
      state.accounts.push(added);
      return added;
    },
    accounts_logout: (a) => {
      const id = a.id;
      state.accounts = state.accounts.map((x) => (x.id === id ? { ...x, signIn: { state: "signedOut" } } : x));
      return state.accounts.find((x) => x.id === id) ?? fail("NotFound", "That account no longer exists.");
    },
    accounts_get_settings: () => ({ authority: "https://login.microsoftonline.com", clientId: "", partnerCenterBase: "https://api.partnercenter.microsoft.com", armBase: "https://management.azure.com" }),
    accounts_set_settings: (a) => {
      const settings = a.settings;
      if (!/^[0-9a-f-]{36}$/i.test(settings.clientId)) {
        return fail("Validation", `"${settings.clientId}" is not an application (client) ID`, "clientId");
      }
      return settings;
    },
    accounts_remove: (a) => {
      const id = a.id;
      const found = state.accounts.find((x) => x.id === id) ?? fail("NotFound", "That account no longer exists.");
      state.accounts = state.accounts.filter((x) => x.id !== id);
      return found;
    },
    discovery_watch: (a) => {
      watchers.push(a.events);
      return null;
    },
    discovery_list_statuses: () => state.accounts.map((x) => state.statuses.get(x.id) ?? notStarted(x.id)),
    discovery_list_runs: (a) => state.runs.get(a.account) ?? [],
    // The one run history: the mock's Discovery runs, plus any other kind a test adds.
    imports_list_runs: (a) => [
      ...(state.importRuns.get(a.account) ?? []),
      ...(state.runs.get(a.account) ?? []).map((run) => ({ kind: "discovery" as const, source: null, sourceName: null, ...run })),
    ],
    imports_list_set_aside: (a) => state.setAside.get(a.runId) ?? [],
    imports_stop: (a) => {
      for (const [account, runs] of state.importRuns) {
        const run = runs.find((r) => r.id === a.runId && r.state === "inProgress");
        if (run) {
          state.importRuns.set(account, runs.map((r) => (r === run ? { ...r, state: "stopped", endedAt: "2026-11-21T12:01:00Z" } : r)));
          return null;
        }
      }
      return fail("NotFound", `Run ${a.runId} is not running: there is nothing to stop`);
    },
    discovery_start: (a) => {
      const id = a.account;
      const acc = state.accounts.find((x) => x.id === id) ?? fail("NotFound", "That account no longer exists.");
      if (acc.signIn.state !== "signedIn") {
        return fail("NotSignedIn", 'This account is not signed in. Choose "Login with Microsoft" to sign in.');
      }
      if (state.statuses.get(id)?.state === "inProgress") {
        return fail("Validation", `Discovery is already running for ${acc.name}.`);
      }
      const newest = Math.max(0, ...[...state.runs.values()].flat().map((r) => Number(r.id)));
      const started: RunDto = {
        id: String(newest + 1), accountId: id, trigger: "manual", state: "inProgress", startedAt: "2026-11-21T12:00:00Z", endedAt: null,
        durationMs: 0, requests: 0, throttled: 0, throttledWaitMs: 0, rowsWritten: 0, warnings: 0, entities: [], error: null,
      };
      state.emit({ kind: "started", run: started });
      return started;
    },
    discovery_stop: (a) => {
      const id = a.account;
      const current = state.statuses.get(id);
      const running = current?.state === "inProgress" ? current.lastRun : null;
      if (!running) return fail("Validation", "No Discovery run is in progress.");
      // Cooperative: the run ends a moment later and says so through the channel.
      setTimeout(() => {
        state.emit({ kind: "finished", run: { ...running, state: "stopped", endedAt: "2026-11-21T12:01:00Z", durationMs: 60_000 }, rating: null });
      }, 0);
      return null;
    },
    discovery_get_schedule: () => state.schedule,
    discovery_set_schedule: (a) => {
      const schedule = a.schedule;
      const bad = schedule.times.find((t) => !/^([01]\d|2[0-3]):[0-5]\d$/.test(t));
      if (bad !== undefined) return fail("Validation", `"${bad}" is not a time of day: write it as HH:MM, e.g. 06:00.`, "times");
      if (schedule.times.length === 0) return fail("Validation", "Give at least one time of day.", "times");
      state.schedule = { enabled: schedule.enabled, times: [...new Set(schedule.times)].sort() };
      return state.schedule;
    },
    customers_list: () => state.customers,
    customers_list_subscriptions: (a) => {
      const ref = a.customer;
      return ref ? state.subscriptions.filter((s) => s.accountId === ref.accountId && s.customerId === ref.customerId) : state.subscriptions;
    },
    customers_list_organizations: () => state.organizations,
    billing_list_invoices: () => state.invoices,
    billing_list_unbilled: () => state.unbilled,
    billing_list_line_groups: (a) => {
      const all = state.invoiceLines[`${a.accountId}/${a.invoiceId}/${a.customerId}`] ?? [];
      const products = [...new Set(all.map((l) => l.product ?? ""))];
      return products.map((product) => {
        const mine = all.filter((l) => (l.product ?? "") === product);
        // Test data uses whole cents; the real backend adds exact decimals.
        const sum = (f: (l: InvoiceLineDto) => string) => (mine.reduce((t, l) => t + Math.round(Number(f(l)) * 100), 0) / 100).toFixed(2);
        return { product, lines: mine.length, cost: sum((l) => l.cost), resale: sum((l) => l.resale) };
      });
    },
    billing_get_invoice: (a) => {
      return (
        state.invoiceDetails[`${a.accountId}/${a.invoiceId}`] ??
        fail("NotFound", `Invoice ${a.invoiceId} is not in the database: run Discovery to read it`)
      );
    },
    billing_list_lines: (a) => {
      const all = state.invoiceLines[`${a.accountId}/${a.invoiceId}/${a.customerId}`] ?? [];
      const view = lineView(all, a.query);
      const offset = a.offset;
      const limit = Math.min(a.limit, 5_000);
      return {
        offset,
        total: view.lines.length,
        all: all.length,
        sums: view.sums,
        lines: view.lines.slice(offset, offset + limit),
      };
    },
    billing_export_csv: (a) => {
      const request = a.request;
      state.exports.push(request);
      return { path: "/home/finance/export.csv", rows: request.keys?.length ?? 3 };
    },
    dashboard_get: () => state.dashboard,
    dashboard_save_chart: (a) => {
      state.savedCharts.push([a.name, a.png]);
      return `/home/finance/${a.name}.${a.png ? "png" : "svg"}`;
    },
    rating_list_periods: () => state.periods,
    rating_reconcile_period: (a) => {
      const period = a.period;
      return state.reconciliations.find((r) => r.period === period) ?? fail("NotFound", `Nothing rated in ${period}.`);
    },
    customers_create_organization: (a) => {
      const name = a.name.trim();
      if (!name) return fail("Validation", "Give the organization a name.", "name");
      if (state.organizations.some((o) => o.name.toLowerCase() === name.toLowerCase())) {
        return fail("Duplicate", `An organization named "${name}" already exists.`, "name");
      }
      const created: OrganizationDto = { id: `org-${state.organizations.length + 1}`, name, createdAt: "2026-11-21T12:00:00Z", members: [] };
      state.organizations.push(created);
      return setMembers(created, a.members.map(member));
    },
    customers_add_members: (a) => {
      const org = organization(a.organization);
      const adding = a.members.map(member);
      const keys = new Set(org.members.map(refKey));
      return setMembers(org, [...org.members, ...adding.filter((m) => !keys.has(refKey(m)))]);
    },
    customers_remove_members: (a) => {
      const org = organization(a.organization);
      const removing = new Set(a.members.map(refKey));
      return setMembers(org, org.members.filter((m) => !removing.has(refKey(m))));
    },
    customers_delete_organization: (a) => {
      const org = organization(a.organization);
      setMembers(org, []);
      state.organizations = state.organizations.filter((o) => o.id !== org.id);
      return null;
    },
    customers_list_markups: () => {
      const seen = new Map<string, MarkupTargetDto>();
      for (const m of state.markups) seen.set(scopeKey(m.target), m.target);
      return [...seen.values()]
        .map((t) => describeMarkup(t, state.today))
        .sort((x, y) => x.name.toLowerCase().localeCompare(y.name.toLowerCase()));
    },
    customers_get_markup: (a) => describeMarkup(a.target, state.today),
    customers_set_markup: (a) => {
      if (access === "Finance") {
        return fail("Forbidden", "You are signed in with read-only (finance) access as billing@contoso.onmicrosoft.com (Billing Administrator): changing markups needs a partner admin (Global Administrator). Sign in as one, or ask one to do it.");
      }
      const { target, terms, from } = checkedChange(a);
      const createdAt = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
      for (const term of terms) {
        // A second change of the same term on the same day is a correction: it replaces the first.
        state.markups = state.markups.filter(
          (m) => !(scopeKey(m.target) === scopeKey(target) && m.effectiveFrom === from && termKey(m.term) === termKey(term)),
        );
        const id = Math.max(0, ...state.markups.map((m) => m.id)) + 1;
        state.markups.push({ id, target, term, effectiveFrom: from, createdAt });
      }
      return describeMarkup(target, from);
    },
    customers_preview_markup: (a) => {
      const { target, terms } = checkedChange(a);
      return previewOf(target, terms);
    },
  };

  function handle(cmd: string, a: Record<string, unknown>): unknown {
    state.calls.push({ cmd, args: a });
    const failure = state.failures.get(cmd);
    if (failure) {
      state.failures.delete(cmd);
      throw failure;
    }
    const handler = handlers[cmd as CommandName] as ((args: Record<string, unknown>) => unknown) | undefined;
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler(a);
  }
  return state;
}

/**
 * A customer's lines as the backend shows them for `query`: searched, filtered by product,
 * sorted (blanks last, ties in invoice order), numbered in invoice order, added up per
 * currency. Kept per list and query, so paging a 100,000-line fixture stays quick.
 */
const views = new WeakMap<InvoiceLineDto[], Map<string, { lines: InvoiceLineDto[]; sums: LineSumDto[] }>>();

function lineView(all: InvoiceLineDto[], query: LineQueryDto): { lines: InvoiceLineDto[]; sums: LineSumDto[] } {
  const cache = views.get(all) ?? new Map<string, { lines: InvoiceLineDto[]; sums: LineSumDto[] }>();
  views.set(all, cache);
  const key = JSON.stringify(query);
  const kept = cache.get(key);
  if (kept) return kept;
  const needle = query.search.trim().toLowerCase();
  const numbered = all.map((l, i) => ({ ...l, position: i + 1 }));
  const shown = numbered.filter(
    (l) =>
      (query.product === null || (l.product ?? "") === query.product) &&
      (!needle || [l.product, l.sku, l.subscriptionId, l.chargeType].some((t) => (t ?? "").toLowerCase().includes(needle))),
  );
  const value = (l: InvoiceLineDto): string | null => {
    switch (query.sort) {
      case "line":
        return String(l.position);
      case "product":
        return l.product;
      case "sku":
        return l.sku;
      case "subscription":
        return l.subscriptionId;
      case "chargeType":
        return l.chargeType;
      case "chargeStart":
        return l.chargeStart;
      case "quantity":
        return l.quantity;
      case "unitPrice":
        return l.unitPrice;
      case "cost":
        return l.cost;
      case "resale":
        return l.resale;
    }
  };
  const numeric = !["product", "sku", "subscription", "chargeType", "chargeStart"].includes(query.sort);
  const sign = query.descending ? -1 : 1;
  shown.sort((x, y) => {
    const [a, b] = [value(x), value(y)];
    if (!a || !b) return !a && !b ? x.position - y.position : a ? -1 : 1;
    return sign * (numeric ? compareDecimal(a, b) : compareText(a, b)) || x.position - y.position;
  });
  const by = new Map<string, { lines: number; cost: bigint; resale: bigint }>();
  for (const l of shown) {
    const s = by.get(l.currency ?? "") ?? { lines: 0, cost: 0n, resale: 0n };
    by.set(l.currency ?? "", { lines: s.lines + 1, cost: s.cost + scaled(l.cost), resale: s.resale + scaled(l.resale) });
  }
  const sums = [...by.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([currency, s]) => ({ currency, lines: s.lines, cost: unscaled(s.cost), resale: unscaled(s.resale) }));
  const view = { lines: shown, sums };
  cache.set(key, view);
  return view;
}

// Money in the mock is exact: integers of 1/10000, written back with two decimals (half away from zero).
const SCALE = 10000n;

function scaled(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal: ${text}`);
  const fraction = (m[3] ?? "").padEnd(4, "0").slice(0, 4);
  const v = BigInt(m[2] ?? "0") * SCALE + BigInt(fraction);
  return m[1] === "-" ? -v : v;
}

function unscaled(v: bigint): string {
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const cents = (abs + 50n) / 100n;
  const text = `${cents / 100n}.${String(cents % 100n).padStart(2, "0")}`;
  return negative && cents !== 0n ? `-${text}` : text;
}

/** One customer's month: cost plus the percentage, plus the monthly fee. */
function resale(cost: bigint, percent: string | null, fee: string | null): bigint {
  const hundred = 100n * SCALE;
  const withPercent = percent === null ? cost : (cost * (hundred + scaled(percent))) / hundred;
  return withPercent + (fee === null ? 0n : scaled(fee));
}

/** Parses a decimal as rust_decimal would and writes it back as the backend does ("+05.50" is "5.50"). */
function decimal(field: string, text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || ((m[2] ?? "") === "" && (m[3] ?? "") === "")) {
    return fail("Validation", `${JSON.stringify(text)} is not a decimal number: write it like 12, -5 or 50.00`, field);
  }
  const whole = (m[2] ?? "").replace(/^0+(?=\d)/, "") || "0";
  const fraction = m[3] ?? "";
  const zero = /^0*$/.test(whole + fraction);
  return `${m[1] === "-" && !zero ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

function parseTerm(t: MarkupTermDto): MarkupTermDto {
  switch (t.kind) {
    case "percent":
      return { kind: "percent", percent: decimal("percent", t.percent) };
    case "listPercent":
      return { kind: "listPercent", percent: decimal("percent", t.percent) };
    case "categoryPercent":
      return {
        kind: "categoryPercent",
        category: t.category.trim(),
        percent: t.percent === null ? null : decimal("categoryPercent", t.percent),
      };
    case "monthlyFee":
      return { kind: "monthlyFee", fee: decimal("fee", t.fee) };
  }
}

/** The store's checks: -100 <= percentage <= 10000, a named category, a fee of at least 0. */
function validateTerm(t: MarkupTermDto): void {
  const pct = (p: string) => {
    if (compareDecimal(p, "-100") < 0) {
      fail("Validation", `A markup of ${p}% would sell below zero: use -100 or more (negative is a discount)`, "markup");
    }
    if (compareDecimal(p, "10000") > 0) fail("Validation", `A markup of ${p}% is not plausible: use at most 10000`, "markup");
  };
  if (t.kind === "percent" || t.kind === "listPercent") pct(t.percent);
  else if (t.kind === "categoryPercent") {
    if (!t.category) fail("Validation", "Name the meter category the percentage is for (e.g. Virtual Machines)", "markup");
    if (t.percent !== null) pct(t.percent);
  } else if (compareDecimal(t.fee, "0") < 0) {
    fail("Validation", `A monthly fee of ${t.fee} is negative: use a discount percentage instead`, "markup");
  }
}

/** Removes the mock and forgets the Discovery state it fed, so the next test starts clean. */
export function clearMocks(): void {
  clearTauriMocks();
  discoveryStore.reset();
}
