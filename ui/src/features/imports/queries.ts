// The query keys of the one run history (every kind of import).
export const importsKeys = {
  all: (accountId: string) => ["imports", "runs", accountId] as const,
  runs: (accountId: string, lastRun: string) => ["imports", "runs", accountId, lastRun] as const,
  setAside: (runId: string) => ["imports", "setAside", runId] as const,
};
