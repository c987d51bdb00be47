// The app frame: navigation on the left, the routed page on the right, a status bar
// that says which database is open. While an older database is upgraded, the frame shows
// the upgrade instead of a page (every page would only answer "upgrading").
import { useEffect, useState } from "react";
import { app, type AppInfo } from "./ipc";
import { href, PAGES, parseMarkupRoute, useRoute, type Page } from "./routing/route";
import { AccountsPage } from "./features/accounts/AccountsPage";
import { CustomersPage } from "./features/customers/CustomersPage";
import { MarkupPage } from "./features/customers/MarkupPage";
import { SubscriptionsPage } from "./features/customers/SubscriptionsPage";
import { ReconciliationPage } from "./features/rating/ReconciliationPage";
import { BillingPage } from "./features/billing/BillingPage";
import { DashboardPage } from "./features/dashboard/DashboardPage";
import { AzureStackPage } from "./features/azure_stack/AzureStackPage";
import { CostsPage } from "./features/cost_exports/CostsPage";
import { PricesPage } from "./features/prices/PricesPage";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { discoveryStore, useDiscovery } from "./features/discovery/store";
import { formatDateTime } from "./format";
import { DataProvider } from "./data/queryClient";
import { DatabaseUpgrade, useDatabaseOpening } from "./components/DatabaseUpgrade";

const TITLES: Record<Page, string> = {
  accounts: "Accounts",
  customers: "Customers",
  subscriptions: "Subscriptions",
  dashboard: "Dashboard",
  billing: "Billing",
  reconciliation: "Reconciliation",
  stack: "Azure Stack",
  costs: "Azure costs",
  prices: "Prices",
};

export function App() {
  const route = useRoute();
  const markupTarget = route.page === "customers" ? parseMarkupRoute(route.rest) : null;
  const [info, setInfo] = useState<AppInfo | null>(null);
  const opening = useDatabaseOpening();
  const open = opening !== null && opening.state !== "upgrading";

  useEffect(() => {
    if (!open) return;
    app.info().then(setInfo, () => {
      setInfo(null);
    });
    // Scheduled runs report while any page is open.
    discoveryStore.connect();
  }, [open]);

  useEffect(() => {
    document.title = `${TITLES[route.page]} · CSP Desk`;
  }, [route.page]);

  return (
    <DataProvider>
    <div className="frame">
      <nav className="nav" aria-label="Main">
        <div className="brand">CSP Desk</div>
        <ul>
          {PAGES.map((page) => (
            <li key={page}>
              <a
                href={href(page)}
                aria-current={route.page === page ? "page" : undefined}
                data-testid={`nav-${page}`}
              >
                {TITLES[page]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="page" aria-labelledby="page-title">
        <ErrorBoundary key={markupTarget ? `${route.page}/markup` : route.page}>
          {opening === null ? (
            <p role="status">Opening the database…</p>
          ) : opening.state === "upgrading" ? (
            <DatabaseUpgrade opening={opening} />
          ) : route.page === "accounts" ? (
            <AccountsPage />
          ) : markupTarget ? (
            <MarkupPage key={route.rest.join("/")} target={markupTarget} />
          ) : route.page === "customers" ? (
            <CustomersPage />
          ) : route.page === "subscriptions" ? (
            <SubscriptionsPage key={route.rest.join("/")} rest={route.rest} />
          ) : route.page === "dashboard" ? (
            <DashboardPage key={route.rest.join("/")} rest={route.rest} />
          ) : route.page === "billing" ? (
            <BillingPage key={route.rest.join("/")} rest={route.rest} />
          ) : route.page === "stack" ? (
            <AzureStackPage rest={route.rest} />
          ) : route.page === "costs" ? (
            <CostsPage rest={route.rest} />
          ) : route.page === "prices" ? (
            <PricesPage rest={route.rest} />
          ) : (
            <ReconciliationPage rest={route.rest} />
          )}
        </ErrorBoundary>
      </main>
      <footer className="status">
        {info ? `CSP Desk ${info.version} · database ${info.databasePath}` : "CSP Desk"}
        <Freshness />
      </footer>
    </div>
    </DataProvider>
  );
}

/** When the data was last refreshed (the newest successful Discovery): every page reads the
 * database, so this is what "offline" means for the figures shown. */
function Freshness() {
  const { statuses } = useDiscovery();
  let newest: string | null = null;
  for (const s of statuses.values()) {
    if (s.lastSuccessAt && (!newest || s.lastSuccessAt > newest)) newest = s.lastSuccessAt;
  }
  return (
    <span data-testid="data-freshness">
      {" · "}
      {newest ? (
        <>
          data as of <time dateTime={newest}>{formatDateTime(newest)}</time>
        </>
      ) : (
        "no Discovery completed yet"
      )}
    </span>
  );
}
