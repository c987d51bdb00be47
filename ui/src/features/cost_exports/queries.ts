// The cost exports feature's reads, under ["cost_exports", ...]: the sources of an account,
// the split of its imported costs per view, and Billing's list of exported months.
import { useQuery } from "@tanstack/react-query";
import { accounts as accountsApi, costExports, type AccountDto, type CostDatasetDto, type CostSplitDto } from "../../ipc";
import { read } from "../../data/queryClient";

export const costKeys = {
  all: ["cost_exports"] as const,
  sources: (accountId: string) => ["cost_exports", "sources", accountId] as const,
  split: (accountId: string, dataset: CostDatasetDto, month: string | null) =>
    ["cost_exports", "split", accountId, dataset, month] as const,
  exportedMonths: () => ["cost_exports", "exportedMonths"] as const,
};

export function useCostSources(accountId: string) {
  return useQuery({ queryKey: costKeys.sources(accountId), queryFn: () => read(costExports.sources(accountId)) });
}

export function useCostSplit(accountId: string, dataset: CostDatasetDto, month: string | null) {
  return useQuery({
    queryKey: costKeys.split(accountId, dataset, month),
    queryFn: () => read(costExports.split(accountId, dataset, month)),
  });
}

export interface ExportedMonth {
  account: AccountDto;
  month: string;
  split: CostSplitDto;
}

/** Every account's exported months, each with its actual-cost split (Billing lists them). */
export function useExportedMonths() {
  return useQuery({
    queryKey: costKeys.exportedMonths(),
    queryFn: () =>
      read(
        (async () => {
          const out: ExportedMonth[] = [];
          for (const account of await accountsApi.list()) {
            const sources = await costExports.sources(account.id);
            if (sources.length === 0) continue;
            const all = await costExports.split(account.id, "actual", null);
            const months = await Promise.all(
              all.months.map(async (month) => ({ account, month, split: await costExports.split(account.id, "actual", month) })),
            );
            out.push(...months);
          }
          return out;
        })(),
      ),
  });
}
