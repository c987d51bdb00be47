// The customers feature's reads, under ["customers", ...]: the customer list with its
// organizations and markups, subscriptions (all or one customer's), and one markup. Changes
// here (organizations, markups) invalidate ["customers"]; Discovery, cost exports and Stack
// usage imports do too (src/data/queryClient.tsx).
import { useQuery } from "@tanstack/react-query";
import {
  app,
  customers,
  markups,
  organizations,
  subscriptions,
  type CustomerRef,
  type MarkupTargetDto,
} from "../../ipc";
import { read } from "../../data/queryClient";

export const customerKeys = {
  all: ["customers"] as const,
  list: () => ["customers", "list"] as const,
  subscriptions: (customer: CustomerRef | null) => ["customers", "subscriptions", customer] as const,
  markup: (target: MarkupTargetDto) => ["customers", "markup", target] as const,
};

/** The customers with the organizations and the markups in effect (the list shows all three). */
export function useCustomers() {
  return useQuery({
    queryKey: customerKeys.list(),
    queryFn: () =>
      read(Promise.all([customers.list(), organizations.list(), markups.list()])).then(([list, orgs, markupList]) => ({
        list,
        orgs,
        markupList,
      })),
  });
}

/** Subscriptions, of one customer or all; the customer's name from the customer list when it has none. */
export function useSubscriptions(customer: CustomerRef | null) {
  return useQuery({
    queryKey: customerKeys.subscriptions(customer),
    queryFn: () =>
      read(
        (async () => {
          const list = await subscriptions.list(customer);
          let customerName = list[0]?.customerName ?? null;
          if (customer && customerName === null) {
            // No subscriptions to name the customer: the customer list does.
            const found = (await customers.list()).find(
              (c) => c.accountId === customer.accountId && c.id === customer.customerId,
            );
            customerName = found?.companyName ?? null;
          }
          return { list, customerName };
        })(),
      ),
  });
}

/** A markup and whether this user may change it (Finance reads only; if access cannot be
 * read the form is offered and the backend still refuses). */
export function useMarkup(target: MarkupTargetDto) {
  return useQuery({
    queryKey: customerKeys.markup(target),
    queryFn: () =>
      read(Promise.all([markups.get(target), app.info().catch(() => null)])).then(([markup, info]) => ({
        markup,
        readOnly: info?.access === "Finance",
      })),
  });
}
