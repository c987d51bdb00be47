// The Azure Stack feature's reads, under ["azure_stack", ...]: an account's registrations, a
// registration's customer subscriptions, the discovered subscriptions to pick from, and the
// usage totals. Azure calls that change a list answer with the new list, which replaces the
// cached one; a usage import invalidates ["azure_stack"], ["billing"] and ["customers"].
import { useQuery } from "@tanstack/react-query";
import { accounts as accountsApi, azureStack, type RegistrationRefDto } from "../../ipc";
import { read } from "../../data/queryClient";

export const stackKeys = {
  all: ["azure_stack"] as const,
  overview: (accountId: string) => ["azure_stack", "overview", accountId] as const,
  customers: (accountId: string, at: RegistrationRefDto) => ["azure_stack", "customers", accountId, at] as const,
  choices: (accountId: string) => ["azure_stack", "choices", accountId] as const,
  endpoints: (accountId: string) => ["azure_stack", "endpoints", accountId] as const,
};

/** The Stack admin endpoints saved for an account's registrations. */
export function useAdminEndpoints(accountId: string) {
  return useQuery({ queryKey: stackKeys.endpoints(accountId), queryFn: () => read(azureStack.adminEndpoints(accountId)) });
}

export function useStackOverview(accountId: string) {
  return useQuery({ queryKey: stackKeys.overview(accountId), queryFn: () => read(azureStack.overview(accountId)) });
}

export function useStackCustomers(accountId: string, at: RegistrationRefDto) {
  return useQuery({
    queryKey: stackKeys.customers(accountId, at),
    queryFn: () => read(azureStack.customers(accountId, at)),
  });
}

/** Discovered Azure subscriptions to pick from; none when they cannot be read (typing still works). */
export function useStackChoices(accountId: string) {
  return useQuery({
    queryKey: stackKeys.choices(accountId),
    queryFn: () => azureStack.choices(accountId).catch(() => []),
  });
}

/** An account's rated Stack usage totals, every registration. */
export function useUsageTotals(accountId: string) {
  return useQuery({
    queryKey: [...stackKeys.all, "usage", accountId] as const,
    queryFn: () => read(azureStack.usageTotals(accountId, null)),
  });
}

/** Every account's rated Stack usage, for Billing; accounts with none are left out. */
export function useStackBilling() {
  return useQuery({
    queryKey: [...stackKeys.all, "usage", "every account"] as const,
    queryFn: () =>
      read(
        accountsApi
          .list()
          .then((list) =>
            Promise.all(list.map((account) => azureStack.usageTotals(account.id, null).then((totals) => ({ account, totals })))),
          ),
      ).then((all) => all.filter((r) => r.totals.length > 0)),
  });
}
