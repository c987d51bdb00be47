// Dashboard (#/dashboard, #/dashboard/<currency>): cost and resale by month, top customers,
// margin by customer, cost by service category, month to date against the month before,
// and Discovery's health (last success, sign-in lapse). Charts are SVG drawn by the
// backend (plotters), shown as images and savable as SVG or PNG. Amounts in two
// currencies are never added: each currency has its own view.
import { useMemo, useState } from "react";
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
import { formatDateTime, formatMoney } from "../../format";
import { href } from "../../routing/route";
import { NotDiscovered } from "../../components/NotDiscovered";
import { Failed, Loading } from "../../components/QueryState";
import { read } from "../../data/queryClient";
import { useQuery } from "@tanstack/react-query";
import { dashboardKeys } from "./queries";

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
          <div className="charts" data-testid="dashboard-charts">
            {current.charts.map((chart) => (
              <Chart key={chart.id} chart={chart} currency={current.currency} />
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

function Chart({ chart, currency }: { chart: ChartDto; currency: string }) {
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
  return (
    <figure className="chart card" data-testid={`chart-${chart.id}`}>
      <img src={src} alt={chart.title} />
      <figcaption>
        <button type="button" className="link" onClick={() => void save(false)}>
          Save SVG
        </button>{" "}
        ·{" "}
        <button type="button" className="link" onClick={() => void save(true)}>
          Save PNG
        </button>
        {saved && (
          <span className="hint" role="status">
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
