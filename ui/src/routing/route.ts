// Hash-based routes: every page has a URL (#/accounts, #/billing/...), so deep links,
// Back and Forward work inside the app window without a server.
import { useSyncExternalStore } from "react";

export const PAGES = ["accounts", "customers", "subscriptions", "dashboard", "billing"] as const;
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

export function parseRoute(hash: string): Route {
  const decoded = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decode);
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

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => {
    window.removeEventListener("hashchange", onChange);
  };
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
