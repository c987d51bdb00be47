// The Azure costs part of the fake backend: sources kept in memory (a SAS URL is checked for
// its signature and expiry like the backend does, and never listed back), an import that
// reports progress and fills the split, and pages of a customer's rows.
import type {
  ApiError,
  CostImportDto,
  CostRowDto,
  CostSourceDto,
  CostSplitDto,
} from "../ipc";
import type { MockHandlers } from "./ipcMock";

export const costsMock: {
  sources: CostSourceDto[];
  /** What an import brings: the split per dataset, and each customer's rows. */
  pending: { split: Record<string, CostSplitDto>; rows: Map<string, CostRowDto[]>; runRows: number } | null;
  split: Record<string, CostSplitDto>;
  rows: Map<string, CostRowDto[]>;
} = { sources: [], pending: null, split: {}, rows: new Map() };

export function resetCostsMock(pending: typeof costsMock.pending) {
  costsMock.sources = [];
  costsMock.pending = pending;
  costsMock.split = {};
  costsMock.rows = new Map();
}

function fail(code: ApiError["code"], message: string, field: string | null): never {
  const err: ApiError = { code, message, field };
  throw err;
}

function empty(accountId: string, dataset: string): CostSplitDto {
  return {
    accountId,
    dataset: dataset === "amortized" ? "amortized" : "actual",
    month: null,
    months: [],
    customers: [],
    organizations: [],
    pricingModels: [],
    totals: [],
  };
}

/** The Azure costs commands. */
export const costsHandlers: MockHandlers = {
  cost_exports_list_sources: () => costsMock.sources,
  cost_exports_add_source: (a) => {
    const input = a.input;
    let url: URL;
    try {
      url = new URL(input.sasUrl);
    } catch {
      return fail("Validation", "This is not a URL: paste the container's SAS URL from the Azure portal", "sasUrl");
    }
    if (!url.searchParams.get("sig"))
      return fail("Validation", "This URL has no SAS signature (sig): make a SAS for the container with Read and List", "sasUrl");
    const se = url.searchParams.get("se") ?? "";
    const source: CostSourceDto = {
      id: `src-${String(costsMock.sources.length + 1)}`,
      accountId: input.account,
      name: input.name,
      scope: input.scope,
      scopeId: input.scopeId,
      containerUrl: `${url.origin}${url.pathname}`,
      rootFolder: input.rootFolder ?? "",
      sasExpiresAt: se,
      sasExpired: false,
      sasExpiringSoon: false,
      runs: 0,
      lastImportedAt: null,
    };
    costsMock.sources.push(source);
    return source;
  },
  cost_exports_import: (a) => {
    const events = a.events;
    const source = costsMock.sources[0];
    if (!source) return fail("NotFound", "No cost export source", null);
    const p = costsMock.pending;
    const rows = p?.runRows ?? 0;
    events.onmessage({ event: "listed", sourceName: source.name, manifests: p ? 2 : 0 });
    events.onmessage({ event: "planned", sourceName: source.name, runs: p ? 2 : 0, rows });
    if (p) {
      costsMock.split = p.split;
      costsMock.rows = p.rows;
      source.runs = 2;
      source.lastImportedAt = "2026-11-22T08:00:00Z";
    }
    costsMock.pending = null;
    const result: CostImportDto = {
      sourceId: source.id,
      sourceName: source.name,
      runsFound: p ? 2 : 0,
      imported: p
        ? [
            { runId: "run-actual", exportName: "actual", dataset: "actual", monthFolder: "20260201-20260228", rows, replaced: null },
          ]
        : [],
      skipped: [],
      rows,
      durationMs: 10,
    };
    return [result];
  },
  cost_exports_get_split: (a) => {
    const dataset = a.dataset;
    const month = a.month ?? null;
    const all = costsMock.split[dataset] ?? empty(a.account, dataset);
    if (!month) return all;
    return {
      ...all,
      month,
      customers: all.customers.filter((c) => c.month === month),
      organizations: all.organizations.filter((c) => c.month === month),
      pricingModels: all.pricingModels.filter((c) => c.month === month),
    };
  },
  cost_exports_list_rows: (a) => {
    const all = costsMock.rows.get(a.tenant) ?? [];
    const offset = a.offset;
    const limit = a.limit;
    return { total: all.length, offset, rows: all.slice(offset, offset + limit) };
  },
};
