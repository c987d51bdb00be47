// The billing feature's reads, under ["billing", ...]: the invoices, the open periods, an
// invoice's customers, a customer's lines added up by product, its rated usage of a month.
// Discovery, cost exports and Stack usage imports invalidate ["billing"] (src/data/queryClient.tsx).
import { useQuery } from "@tanstack/react-query";
import { billing } from "../../ipc";
import { read } from "../../data/queryClient";

export const billingKeys = {
  all: ["billing"] as const,
  invoices: () => ["billing", "invoices"] as const,
  unbilled: () => ["billing", "unbilled"] as const,
  detail: (accountId: string, invoiceId: string) => ["billing", "detail", accountId, invoiceId] as const,
  groups: (accountId: string, invoiceId: string, customerId: string) =>
    ["billing", "groups", accountId, invoiceId, customerId] as const,
  rated: (accountId: string, customerId: string, period: string) => ["billing", "rated", accountId, customerId, period] as const,
};

export function useInvoices() {
  return useQuery({ queryKey: billingKeys.invoices(), queryFn: () => read(billing.invoices()) });
}

export function useUnbilled() {
  return useQuery({ queryKey: billingKeys.unbilled(), queryFn: () => read(billing.unbilled()) });
}

export function useInvoiceDetail(accountId: string, invoiceId: string) {
  return useQuery({
    queryKey: billingKeys.detail(accountId, invoiceId),
    queryFn: () => read(billing.detail(accountId, invoiceId)),
  });
}

export function useGroups(accountId: string, invoiceId: string, customerId: string) {
  return useQuery({
    queryKey: billingKeys.groups(accountId, invoiceId, customerId),
    queryFn: () => read(billing.groups(accountId, invoiceId, customerId)),
  });
}

export function useRatedUsage(accountId: string, customerId: string, period: string) {
  return useQuery({
    queryKey: billingKeys.rated(accountId, customerId, period),
    queryFn: () => read(billing.ratedUsage(accountId, customerId, period)),
  });
}
