// The Costs page's place in its URL (#/costs/<accountId>/<actual|amortized>/<YYYY-MM|all>/<tenant>):
// read by the page, written by its links and by Billing's list of exported months.
import type { CostDatasetDto } from "../../ipc";
import { href } from "../../routing/route";

export const ALL_MONTHS = "all";

export interface View {
  accountId: string | undefined;
  dataset: CostDatasetDto;
  month: string | null;
  tenant: string | null;
}

export function parseView(rest: readonly string[]): View {
  const [accountId, dataset, month, tenant] = rest;
  return {
    accountId,
    dataset: dataset === "amortized" ? "amortized" : "actual",
    month: month && month !== ALL_MONTHS ? month : null,
    tenant: tenant ?? null,
  };
}

export function openHash(to: string) {
  window.location.hash = to;
}

export function viewHref(accountId: string, v: Omit<View, "accountId">): string {
  const parts = [accountId, v.dataset, v.month ?? ALL_MONTHS];
  if (v.tenant) parts.push(v.tenant);
  return href("costs", ...parts);
}
