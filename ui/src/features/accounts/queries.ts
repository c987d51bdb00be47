// The accounts feature's reads, under ["accounts", ...]: the partner accounts (the pages that
// work on one account pick from them) and, for the Accounts page, the list with the access the
// sign-ins give. Adding, removing and signing in invalidate ["accounts"].
import { useQuery } from "@tanstack/react-query";
import { accounts, app } from "../../ipc";
import { read } from "../../data/queryClient";

export const accountKeys = {
  all: ["accounts"] as const,
  list: () => ["accounts", "list"] as const,
  withAccess: () => ["accounts", "withAccess"] as const,
  settings: (id: string) => ["accounts", "settings", id] as const,
};

export function useAccountList() {
  return useQuery({ queryKey: accountKeys.list(), queryFn: () => read(accounts.list()) });
}

/** The accounts and the app's access; access follows the sign-ins, so it is read with every list. */
export function useAccountsWithAccess() {
  return useQuery({
    queryKey: accountKeys.withAccess(),
    queryFn: () => read(Promise.all([accounts.list(), app.info()])).then(([list, info]) => ({ list, info })),
  });
}
