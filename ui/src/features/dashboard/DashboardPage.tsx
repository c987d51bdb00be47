// Dashboard (#/dashboard, #/dashboard/<currency>): cost and resale by month, top customers,
// margin by customer, cost by service category, month to date against the month before,
// and Discovery's health (last success, sign-in lapse). Charts are drawn in the page from
// the figures (hover and focus show values, a click opens the month or the customer); the
// backend's SVG (plotters) is what Save writes, as SVG or PNG. Amounts in two currencies
// are never added: each currency has its own view.
import { useMemo, useState, type ReactNode } from "react";
import {
  accounts as accountsApi,
  dashboard as dashboardApi,
  toApiError,
  type AccountDto,
  type ApiError,
  type ChartDto,
  type CurrencyDashboardDto,
} from "../../ipc";
import { useDiscovery } from "../discovery/store";
import { formatDateTime, formatMoney, formatMoneyExact, formatMonth } from "../../format";
import { href } from "../../routing/route";
import { NotDiscovered } from "../../components/NotDiscovered";
import { Failed, Loading } from "../../components/QueryState";
import { read } from "../../data/queryClient";
import { useQuery } from "@tanstack/react-query";
import { dashboardKeys } from "./queries";
import { TrendChart } from "./TrendChart";
import { BarChart } from "./BarChart";
import { anyNonZero } from "./chartScale";

export function DashboardPage({ rest }: { rest: string[] }) {
  const load = useQuery({
    queryKey: dashboardKeys.figures(),
    queryFn: () => read(Promise.all([dashboardApi.get(), accountsApi.list()])).then(([data, accounts]) => ({ data, accounts })),
  });

  if (load.data && load.data.data.currencies.length === 0) {
    return <NotDiscovered title="Dashboard" page="dashboard" />;
  }
  const currencies = load.data?.data.currencies ?? [];
  const current = currencies.find((c) => c.currency === rest[0]) ?? currencies[0];

  return (
    <section className="list-page dashboard">
      <h1 id="page-title">Dashboard</h1>
      {load.isPending && <Loading>Loading the dashboard…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} />}
      {load.data && <Health accounts={load.data.accounts} />}
      {current && (
        <>
          {currencies.length > 1 && (
            <nav className="tabs" aria-label="Billing currency" data-testid="dashboard-currencies">
              {currencies.map((c) => (
                <a key={c.currency} href={href("dashboard", c.currency)} aria-current={c === current ? "page" : undefined}>
                  {c.currency}
                </a>
              ))}
            </nav>
          )}
          <Figures c={current} />
          <Gain c={current} />
          <div className="charts" data-testid="dashboard-charts">
            {current.charts.map((chart) => (
              <Chart key={chart.id} chart={chart} currency={current.currency}>
                {drawing(chart, current)}
              </Chart>
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function change(now: string, before: string): string | null {
  const a = Number(now);
  const b = Number(before);
  // A percentage for the eye only; the amounts themselves are shown exactly.
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  const pct = ((a - b) / Math.abs(b)) * 100;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)} %`;
}

function Figures({ c }: { c: CurrencyDashboardDto }) {
  const delta = change(c.monthToDate, c.lastMonthSameDays);
  return (
    <dl className="stats kpis" data-testid="dashboard-kpis">
      <div>
        <dt>Rated cost this month so far</dt>
        <dd data-testid="kpi-month-to-date">{formatMoney(c.monthToDate, c.currency)}</dd>
      </div>
      <div>
        <dt>Same days last month</dt>
        <dd>
          {formatMoney(c.lastMonthSameDays, c.currency)}
          {delta && <span className="hint"> ({delta} now)</span>}
        </dd>
      </div>
      <div>
        <dt>All of last month</dt>
        <dd>{formatMoney(c.lastMonth, c.currency)}</dd>
      </div>
    </dl>
  );
}

/**
 * Where the open month's margin comes from so far, as the backend adds it up from the rated
 * lines: what credit, tiers and discounts save against list, and what our markups add.
 */
function Gain({ c }: { c: CurrencyDashboardDto }) {
  const g = c.monthToDateGain;
  if (!g) return null;
  const m = (amount: string) => formatMoneyExact(amount, c.currency);
  return (
    <section className="card gain" aria-labelledby="gain-title" data-testid="dashboard-gain">
      <h2 id="gain-title">Where this month&apos;s margin comes from, so far</h2>
      <dl className="stats">
        <div>
          <dt>Savings: credit and discounts</dt>
          <dd data-testid="gain-savings">{m(g.savings)}</dd>
          <dd className="hint">
            list {m(g.list)} − effective {m(g.effective)}
          </dd>
        </div>
        <div>
          <dt>Markup</dt>
          <dd data-testid="gain-markup">{m(g.markup)}</dd>
          <dd className="hint">
            resale {m(g.resale)} − cost {m(g.cost)}
          </dd>
        </div>
      </dl>
      <p className="hint">
        Savings are what Microsoft&apos;s partner earned credit, tiers and discounts take off the list price; markup is
        what customers pay above Microsoft&apos;s cost (monthly fees included). Rated usage of {formatMonth(g.period)} only.
      </p>
    </section>
  );
}

/** What a chart has to say when it has nothing to plot: the reason and what to do. */
function Nothing({ children }: { children: ReactNode }) {
  return (
    <p className="chart-nothing" data-testid="chart-nothing">
      {children}
    </p>
  );
}

/** The chart drawn in the page from the figures; null when only the backend's picture exists. */
function drawing(chart: ChartDto, c: CurrencyDashboardDto): ReactNode {
  const ranked = c.rankedPeriod ? formatMonth(c.rankedPeriod) : "the last invoiced month";
  const customer = (f: { accountId: string; customerId: string }) => href("subscriptions", f.accountId, f.customerId);
  switch (chart.id) {
    case "trend":
      return anyNonZero(c.months.flatMap((m) => [m.cost, m.resale])) ? (
        <TrendChart months={c.months} currency={c.currency} title={chart.title} />
      ) : (
        <Nothing>
          No invoiced or rated cost in {c.currency} yet. Run Discovery on <a href={href("accounts")}>Accounts</a> to read
          invoices and usage.
        </Nothing>
      );
    case "topCustomers":
      return anyNonZero(c.topCustomers.map((f) => f.cost)) ? (
        <BarChart
          title={chart.title}
          what="cost"
          currency={c.currency}
          bars={c.topCustomers.map((f) => ({ key: `${f.accountId}/${f.customerId}`, label: f.name, amount: f.cost, href: customer(f) }))}
        />
      ) : (
        <Nothing>No customer cost on the {c.currency} invoice of {ranked}.</Nothing>
      );
    case "margin":
      return anyNonZero(c.topMargins.map((f) => f.margin)) ? (
        <BarChart
          title={chart.title}
          what="margin"
          currency={c.currency}
          bars={c.topMargins.map((f) => ({ key: `${f.accountId}/${f.customerId}`, label: f.name, amount: f.margin, href: customer(f) }))}
        />
      ) : (
        <Nothing>
          No margin in {ranked}: every customer was billed at Microsoft&apos;s cost. Set a markup on{" "}
          <a href={href("customers")}>Customers</a> (a customer&apos;s Markup link) and the margin shows here.
        </Nothing>
      );
    case "categories":
      return anyNonZero(c.categories.map(([, cost]) => cost)) ? (
        <BarChart
          title={chart.title}
          what="rated cost"
          currency={c.currency}
          bars={c.categories.map(([name, cost]) => ({ key: name, label: name, amount: cost }))}
        />
      ) : (
        <Nothing>
          No rated usage in {ranked}. Reconciliation rates usage once Discovery has read it: see{" "}
          <a href={href("reconciliation")}>Reconciliation</a>.
        </Nothing>
      );
    case "exportedCosts": {
      const exported = c.exportedCosts;
      return exported && anyNonZero(exported.customers.map(([, cost]) => cost)) ? (
        <BarChart
          title={chart.title}
          what="Azure cost from exports"
          currency={c.currency}
          bars={exported.customers.map(([name, cost], i) => ({ key: `${i}/${name}`, label: name, amount: cost }))}
        />
      ) : (
        <Nothing>
          No Azure cost in {c.currency} in the exports imported. Import a Cost Management export on{" "}
          <a href={href("costs")}>Azure costs</a>.
        </Nothing>
      );
    }
    default:
      return null;
  }
}

function Chart({ chart, currency, children }: { chart: ChartDto; currency: string; children: ReactNode }) {
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart.svg)}`, [chart.svg]);
  async function save(png: boolean) {
    setSaved(null);
    setError(null);
    try {
      setSaved(await dashboardApi.saveChart(chart.svg, `${chart.id}-${currency}`, png));
    } catch (e) {
      setError(toApiError(e));
    }
  }
  const titleId = `chart-title-${chart.id}`;
  return (
    <figure className="chart card" data-testid={`chart-${chart.id}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{chart.title}</h2>
      {children ?? <img src={src} alt={chart.title} />}
      <figcaption>
        <button type="button" className="link" onClick={() => void save(false)}>
          Save SVG
        </button>{" "}
        ·{" "}
        <button type="button" className="link" onClick={() => void save(true)}>
          Save PNG
        </button>
        {saved && (
          <span className="hint" role="status" data-testid="chart-saved">
            {" "}
            Saved to {saved}
          </span>
        )}
        {error && (
          <span className="field-error" role="alert">
            {" "}
            {error.message}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

function Health({ accounts }: { accounts: AccountDto[] }) {
  const { statuses } = useDiscovery();
  return (
    <div className="health card" data-testid="dashboard-health">
      <h2>Discovery</h2>
      <ul>
        {accounts.map((a) => {
          const s = statuses.get(a.id);
          const signIn = a.signIn;
          return (
            <li key={a.id}>
              <strong>{a.name}</strong>:{" "}
              {s?.lastSuccessAt ? (
                <>
                  data as of <time dateTime={s.lastSuccessAt}>{formatDateTime(s.lastSuccessAt)}</time>
                </>
              ) : (
                <>
                  never completed — <a href={href("accounts")}>run Discovery</a>
                </>
              )}
              {" · "}
              {signIn.state === "signedIn" ? (
                <span className={signIn.lapsingSoon ? "warning" : undefined}>
                  consent lapses {formatDateTime(signIn.lapsesAt)}
                  {signIn.lapsingSoon && " — sign in again soon"}
                </span>
              ) : signIn.state === "lapsed" ? (
                <span className="field-error">
                  consent lapsed — <a href={href("accounts")}>sign in again</a>
                </span>
              ) : (
                <span className="hint">
                  signed out — <a href={href("accounts")}>sign in</a> to refresh
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
