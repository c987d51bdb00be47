// Hash-based routes: every page has a URL (#/accounts, #/billing/...), so deep links,
// Back and Forward work inside the app window without a server.
import { useSyncExternalStore } from "react";
import type { MarkupTargetDto } from "../ipc";

export const PAGES = ["accounts", "customers", "subscriptions", "dashboard", "billing", "reconciliation", "stack", "costs", "prices"] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  /** Path segments after the page, for drill-downs (#/billing/INV1/customer). */
  rest: string[];
}

function decode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

/** The route's path, without the query (`?q=...`) that holds a page's search, sort and scroll. */
export function routePath(hash: string): string {
  const at = hash.indexOf("?");
  return at < 0 ? hash : hash.slice(0, at);
}

export function parseRoute(hash: string): Route {
  const decoded = routePath(hash).replace(/^#\/?/, "").split("/").filter(Boolean).map(decode);
  // A malformed deep link (bad %-escape) opens Accounts instead of breaking the window.
  if (decoded.some((p) => p === null)) return { page: "accounts", rest: [] };
  const parts = decoded as string[];
  const [first, ...rest] = parts;
  const page = PAGES.find((p) => p === first) ?? "accounts";
  return { page, rest: page === first ? rest : [] };
}

export function href(page: Page, ...rest: string[]): string {
  return `#/${[page, ...rest].map(encodeURIComponent).join("/")}`;
}

/**
 * The markup editor lives under Customers: #/customers/<accountId>/<customerId>/markup for a
 * customer tenant, #/customers/organizations/<organizationId>/markup for an organization.
 * Account ids are UUIDs, so "organizations" in the first place is never an account.
 */
export function markupHref(target: MarkupTargetDto): string {
  return target.kind === "customer"
    ? href("customers", target.customer.accountId, target.customer.customerId, "markup")
    : href("customers", "organizations", target.organization, "markup");
}

/** The markup editor's target from the segments after #/customers, or null for the list. */
export function parseMarkupRoute(rest: readonly string[]): MarkupTargetDto | null {
  const [first, second, third] = rest;
  if (rest.length !== 3 || first === undefined || second === undefined || third !== "markup") return null;
  return first === "organizations"
    ? { kind: "organization", organization: second }
    : { kind: "customer", customer: { accountId: first, customerId: second } };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => {
    window.removeEventListener("hashchange", onChange);
  };
}

export function useRoute(): Route {
  // The query changes as the user types or scrolls: the route (and the page's key) does not.
  const hash = useSyncExternalStore(subscribe, () => routePath(window.location.hash));
  return parseRoute(hash);
}
