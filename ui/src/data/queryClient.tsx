// The UI's one data layer: TanStack Query over src/ipc. Every read is a query under its
// feature's key (see each features/<feature>/queries.ts), every change a mutation that
// invalidates what it wrote, and every import (Discovery, cost exports, Stack usage)
// invalidates the features it writes to (`invalidateAfterImport`), so pages never reload by hand.
import { QueryClient, QueryClientProvider, type QueryClient as Client } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { toApiError, type ApiError } from "../ipc";
import { discoveryStore } from "../features/discovery/store";

declare module "@tanstack/react-query" {
  interface Register {
    // The backend rejects with {code, message, field}; queries turn that into ApiError.
    defaultError: ApiError;
  }
}

/** The first segment of every query key: the feature that owns the data. */
export type Feature =
  | "accounts"
  | "customers"
  | "rating"
  | "billing"
  | "dashboard"
  | "azure_stack"
  | "cost_exports"
  | "imports"
  | "prices";

/** What each import writes, so its end invalidates exactly the features that read it (and
 * the run history, which every import adds to). */
const WRITES: Record<"discovery" | "cost_exports" | "azure_stack", Feature[]> = {
  // Customers, subscriptions, invoices and lines, rated figures, the Dashboard's totals, and
  // the Pricing API sheets and FX rates read after each run.
  discovery: ["customers", "rating", "billing", "dashboard", "imports", "prices"],
  // Exported costs: the Costs page, Billing's exported months, the Customers column, the
  // Dashboard's exported-costs chart.
  cost_exports: ["cost_exports", "billing", "customers", "dashboard", "imports"],
  // Stack usage: the Azure Stack page, Billing's Stack section, the Customers column.
  azure_stack: ["azure_stack", "billing", "customers", "dashboard", "imports"],
};

/** Marks `queryKey` and everything under it stale and reads the shown ones again. A read still
 * in flight is dropped first: it may have started before the change, and a first read in
 * flight would otherwise be reused instead of asked again. */
export async function invalidate(client: Client, queryKey: readonly unknown[]): Promise<void> {
  await client.cancelQueries({ queryKey });
  await client.invalidateQueries({ queryKey });
}

export function invalidateAfterImport(client: Client, source: keyof typeof WRITES): Promise<void> {
  return Promise.all(WRITES[source].map((feature) => invalidate(client, [feature]))).then(() => undefined);
}

/** Reads behave as the pages did by hand: no retry behind the user's back (the error and Try
 * again show at once), no refetch on focus (the data changes only through the app), and a page
 * opened again reads afresh (gcTime 0: nothing is kept once no page shows it), so a page never
 * shows figures older than its visit. The cache serves what is on screen: shared reads,
 * invalidation after changes and imports. */
export function createQueryClient(): Client {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, gcTime: 0 },
      mutations: { retry: false },
    },
  });
}

/** Wraps a backend call so a rejection reaches the query as an ApiError. */
export async function read<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw toApiError(e);
  }
}

/** Provides the query client and invalidates what Discovery wrote whenever a run finishes. */
export function DataProvider({ children, client: given }: { children: ReactNode; client?: Client }) {
  const [client] = useState(() => given ?? createQueryClient());
  useEffect(() => {
    let seen = discoveryStore.getSnapshot().finished;
    return discoveryStore.subscribe(() => {
      const { finished } = discoveryStore.getSnapshot();
      if (finished === seen) return;
      seen = finished;
      void invalidateAfterImport(client, "discovery");
    });
  }, [client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
