// The prices feature's reads, under ["prices", ...]: the sheets held for an account, a meter's
// price history and the months' FX rates (a sheet's rows are paged by the grid itself).
// Discovery invalidates ["prices"] (src/data/queryClient.tsx): it reads sheets after each run.
import { useQuery } from "@tanstack/react-query";
import { prices } from "../../ipc";
import { read } from "../../data/queryClient";

export const pricesKeys = {
  all: ["prices"] as const,
  sheets: (accountId: string) => ["prices", "sheets", accountId] as const,
  meter: (accountId: string, view: string, meterId: string) => ["prices", "meter", accountId, view, meterId] as const,
  fx: (accountId: string) => ["prices", "fx", accountId] as const,
};

export function useSheets(accountId: string) {
  return useQuery({ queryKey: pricesKeys.sheets(accountId), queryFn: () => read(prices.sheets(accountId)) });
}

export function useMeterHistory(accountId: string, view: string, meterId: string) {
  return useQuery({
    queryKey: pricesKeys.meter(accountId, view, meterId),
    queryFn: () => read(prices.meterHistory(accountId, view, meterId)),
    enabled: meterId !== "",
  });
}

export function useFxRates(accountId: string) {
  return useQuery({ queryKey: pricesKeys.fx(accountId), queryFn: () => read(prices.fxRates(accountId)) });
}
