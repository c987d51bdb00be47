// The Discovery feature's reads, under ["discovery", ...]. Run states and progress live in the
// event-fed store (store.ts), not here; the run history is read again when a run starts or ends.
export const discoveryKeys = {
  all: ["discovery"] as const,
  runs: (accountId: string, lastRun: string) => ["discovery", "runs", accountId, lastRun] as const,
  schedule: () => ["discovery", "schedule"] as const,
};
