// Reconciliation (#/reconciliation/<YYYY-MM>): for one billing period, each customer's rated
// cost against the invoice's daily rated usage, its resale and margin, the difference split
// into causes, and the customers that cannot be compared with the reason why. Totals per
// currency come from the backend, added up exactly, with the invoices' other charges so the
// headline adds up to the invoices; this page never adds amounts itself.
import { Disclosure } from "../../components/Disclosure";
import {
  useCallback,
  useDeferredValue,
  useId,
  useMemo,
  useRef,
  useState,
} from "react";
import {
  reconciliation,
  type PeriodDto,
  type PeriodReconciliationDto,
  type ReconciliationDto,
  type ReconciliationLineDto,
  type ReconciliationTotalDto,
} from "../../ipc";

import { formatCount, formatDay, formatMoney, formatMonth } from "../../format";
import { href } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";
import { VirtualTable, type Column } from "../../table/VirtualTable";
import { useUrlState } from "../../routing/urlState";
import { ExportButton } from "../../components/ExportButton";
import { LicenceFlags } from "./LicenceFlags";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { read } from "../../data/queryClient";
import { useQuery } from "@tanstack/react-query";
import { ratingKeys } from "./queries";

export const CAUSE_LABEL: Record<string, string> = {
  missingUsage: "Missing usage",
  lateUsage: "Late usage",
  tierBoundary: "Tier boundary",
  priceMismatch: "Price mismatch",
  partnerEarnedCredit: "Partner earned credit",
  fx: "Exchange rate",
  rounding: "Rounding",
  setAside: "Lines set aside",
};
const causeLabel = (cause: string) => CAUSE_LABEL[cause] ?? cause;

/** "Oct 2026" for "2026-10": the app's one month style. */
export function periodLabel(period: string): string {
  return formatMonth(period);
}

const keyOf = (r: ReconciliationDto) => `${r.accountId}/${r.customer}`;
const nameOf = (r: ReconciliationDto) => r.customerName ?? r.customer;
const isZero = (amount: string | null) => amount !== null && /^-?0(\.0*)?$/.test(amount);

export type Verdict = "matches" | "explained" | "unexplained" | "refused";
export function verdictOf(r: ReconciliationDto): Verdict {
  if (r.refused !== null) return "refused";
  if (isZero(r.difference)) return "matches";
  return isZero(r.unexplained) ? "explained" : "unexplained";
}
const VERDICT_LABEL: Record<Verdict, string> = {
  matches: "Matches",
  explained: "Explained",
  unexplained: "Unexplained",
  refused: "Not compared",
};
const VERDICT_ORDER: Record<Verdict, number> = { unexplained: 0, explained: 1, refused: 2, matches: 3 };

const byName = (a: ReconciliationDto, b: ReconciliationDto) => compareText(nameOf(a), nameOf(b));
const byAccount = (a: ReconciliationDto, b: ReconciliationDto) => compareText(a.accountName, b.accountName);
const byRated = (a: ReconciliationDto, b: ReconciliationDto) => compareDecimal(a.rated ?? "", b.rated ?? "");
const byInvoiced = (a: ReconciliationDto, b: ReconciliationDto) => compareDecimal(a.invoiced ?? "", b.invoiced ?? "");
const byResale = (a: ReconciliationDto, b: ReconciliationDto) => compareDecimal(a.resale ?? "", b.resale ?? "");
const byMargin = (a: ReconciliationDto, b: ReconciliationDto) => compareDecimal(a.margin ?? "", b.margin ?? "");
const byDifference = (a: ReconciliationDto, b: ReconciliationDto) =>
  compareDecimal(a.difference ?? "", b.difference ?? "");
const byUnexplained = (a: ReconciliationDto, b: ReconciliationDto) =>
  compareDecimal(a.unexplained ?? "", b.unexplained ?? "");
const byVerdict = (a: ReconciliationDto, b: ReconciliationDto) => VERDICT_ORDER[verdictOf(a)] - VERDICT_ORDER[verdictOf(b)];
const noRated = (r: ReconciliationDto) => r.rated === null;
const noInvoiced = (r: ReconciliationDto) => r.invoiced === null;
const noResale = (r: ReconciliationDto) => r.resale === null;
const noMargin = (r: ReconciliationDto) => r.margin === null;
const noDifference = (r: ReconciliationDto) => r.difference === null;
const noUnexplained = (r: ReconciliationDto) => r.unexplained === null;
// Amounts with the customer's currency: sorted within it and added up per currency.
const amountOf = (pick: (r: ReconciliationDto) => string | null) => (r: ReconciliationDto) => {
  const amount = pick(r);
  return amount === null ? null : { amount, currency: r.currency };
};
const invoicedOf = amountOf((r) => r.invoiced);
const ratedOf = amountOf((r) => r.rated);
const resaleOf = amountOf((r) => r.resale);
const marginOf = amountOf((r) => r.margin);
const differenceOf = amountOf((r) => r.difference);
const unexplainedOf = amountOf((r) => r.unexplained);

const dash = <span className="hint">—</span>;
const money = (amount: string | null, currency: string | null) => (amount === null ? dash : formatMoney(amount, currency));

const causeEntries = (causes: Record<string, string | undefined>) =>
  Object.entries(causes).filter((e): e is [string, string] => e[1] !== undefined);

function Causes({ causes, currency }: { causes: Record<string, string | undefined>; currency: string | null }) {
  const entries = causeEntries(causes);
  if (entries.length === 0) return dash;
  return (
    <span className="causes">
      {entries.map(([cause, amount]) => (
        <span key={cause} className="cause" data-cause={cause}>
          {causeLabel(cause)} {formatMoney(amount, currency)}
        </span>
      ))}
    </span>
  );
}

/** The causes' names in a narrow column; their amounts are in the row's detail and the tip. */
function CauseNames({ row }: { row: ReconciliationDto }) {
  const entries = causeEntries(row.causes);
  if (entries.length === 0) return dash;
  const tip = entries.map(([cause, amount]) => `${causeLabel(cause)} ${formatMoney(amount, row.currency)}`).join(", ");
  return (
    <span className="cause-names" title={tip}>
      {entries.map(([cause]) => (
        <span key={cause} className="cause" data-cause={cause}>
          {causeLabel(cause)}
        </span>
      ))}
    </span>
  );
}

export function ReconciliationPage({ rest }: { rest: string[] }) {
  const periods = useQuery({ queryKey: ratingKeys.periods(), queryFn: () => read(reconciliation.periods()) });
  const wanted = rest[0];

  // Without a period in the link, the newest invoiced one (the open month has no invoice yet).
  const list = periods.data ?? [];
  const period = wanted ?? list.find((p) => p.invoiced)?.period ?? list[0]?.period;

  return (
    <section className="list-page">
      <h1 id="page-title">Reconciliation</h1>
      {periods.isPending && <Loading>Loading billing periods…</Loading>}
      {periods.isError && <Failed error={periods.error} retry={() => void periods.refetch()} />}
      {periods.isSuccess && list.length === 0 && (
        <Empty
          what="Nothing to reconcile yet"
          testId="empty-state"
          next={
            <>
              Reconciliation compares the cost CSP Desk rates from your customers&apos; usage with what Microsoft
              invoiced. Run Discovery on <a href={href("accounts")}>Accounts</a>: it reads usage and invoices, then
              rates them.
            </>
          }
        />
      )}
      {periods.isSuccess && period !== undefined && <PeriodView key={period} period={period} periods={list} />}
    </section>
  );
}

function PeriodView({ period, periods }: { period: string; periods: PeriodDto[] }) {
  const detail = useQuery({ queryKey: ratingKeys.period(period), queryFn: () => read(reconciliation.period(period)) });
  const selectId = useId();
  const [query, setQuery] = useUrlState("q");
  const [onlyText, setOnlyText] = useUrlState("only");
  const onlyDifferences = onlyText === "differences";
  const setOnlyDifferences = (on: boolean) => {
    setOnlyText(on ? "differences" : "");
  };
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const needle = useDeferredValue(query).trim().toLowerCase();
  const known = periods.find((p) => p.period === period);

  const rows = useMemo(() => detail.data?.customers ?? [], [detail.data]);
  const shown = useMemo(
    () =>
      rows.filter(
        (r) =>
          (!onlyDifferences || verdictOf(r) !== "matches") &&
          (!needle || `${nameOf(r)}\n${r.customer}\n${r.accountName}`.toLowerCase().includes(needle)),
      ),
    [rows, onlyDifferences, needle],
  );

  const seen = useRef<readonly ReconciliationDto[]>([]);
  const onSorted = useCallback((rows: readonly ReconciliationDto[]) => {
    seen.current = rows;
  }, []);

  const toggle = useCallback((r: ReconciliationDto) => {
    setExpanded((s) => {
      const next = new Set(s);
      if (!next.delete(keyOf(r))) next.add(keyOf(r));
      return next;
    });
  }, []);
  const detailHeight = useCallback(
    (r: ReconciliationDto) =>
      expanded.has(keyOf(r)) ? 16 + 24 * (r.refused !== null ? 1 : Math.max(1, r.differences.length) + 2) : 0,
    [expanded],
  );

  const columns: Column<ReconciliationDto>[] = [
    {
      key: "customer",
      header: "Customer",
      width: 190,
      compare: byName,
      cell: (r) => (
        <Disclosure
          open={expanded.has(keyOf(r))}
          title={r.customer}
          onToggle={() => {
            toggle(r);
          }}
        >
          {nameOf(r)}
        </Disclosure>
      ),
    },
    {
      key: "invoiced",
      header: "Invoiced",
      width: 108,
      numeric: true,
      compare: byInvoiced,
      money: invoicedOf,
      isBlank: noInvoiced,
      cell: (r) => money(r.invoiced, r.currency),
    },
    { key: "rated", header: "Rated", width: 108, numeric: true, compare: byRated, isBlank: noRated, money: ratedOf, cell: (r) => money(r.rated, r.currency) },
    { key: "resale", header: "Resale", width: 108, numeric: true, compare: byResale, isBlank: noResale, money: resaleOf, cell: (r) => money(r.resale, r.currency) },
    { key: "margin", header: "Margin", width: 104, numeric: true, compare: byMargin, isBlank: noMargin, money: marginOf, cell: (r) => money(r.margin, r.currency) },
    {
      key: "difference",
      header: "Difference",
      width: 110,
      hidden: true,
      numeric: true,
      compare: byDifference,
      money: differenceOf,
      isBlank: noDifference,
      cell: (r) => money(r.difference, r.currency),
    },
    {
      key: "unexplained",
      header: "Unexplained",
      // Wide enough for its upper-case header on one line (114 broke it as UNEXPLAINE / D).
      width: 126,
      numeric: true,
      compare: byUnexplained,
      money: unexplainedOf,
      isBlank: noUnexplained,
      cell: (r) => money(r.unexplained, r.currency),
    },
    {
      key: "verdict",
      header: "Result",
      width: 118,
      compare: byVerdict,
      cell: (r) => {
        const v = verdictOf(r);
        return (
          <span className={`verdict ${v}`} data-verdict={v} title={r.refused ?? undefined}>
            {VERDICT_LABEL[v]}
          </span>
        );
      },
    },
    {
      key: "causes",
      header: "Causes",
      width: 133,
      cell: (r) =>
        r.refused !== null ? (
          <span className="hint" title={r.refused}>
            {r.refused}
          </span>
        ) : (
          <>
            <CauseNames row={r} />
            {r.setAsideLines > 0 && (
              <span className="hint" data-testid="set-aside-lines" title="Microsoft sent these invoice lines without an essential field: see the Discovery run's details">
                {" "}
                {formatCount(r.setAsideLines)} {r.setAsideLines === 1 ? "line" : "lines"} set aside when read
              </span>
            )}
          </>
        ),
    },
    { key: "lines", header: "Lines matched", width: 120, numeric: true, hidden: true, cell: (r) => `${formatCount(r.linesMatched)} / ${formatCount(r.linesCompared)}` },
    { key: "account", header: "Account", width: 120, hidden: true, compare: byAccount, cell: (r) => r.accountName },
  ];

  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label htmlFor={selectId}>Billing period</label>
          <select
            id={selectId}
            data-testid="period-select"
            value={period}
            onChange={(e) => {
              window.location.hash = href("reconciliation", e.target.value);
            }}
          >
            {!known && <option value={period}>{periodLabel(period)}</option>}
            {periods.map((p) => (
              <option key={p.period} value={p.period}>
                {periodLabel(p.period)} · {p.invoiced ? "invoiced" : "open, against unbilled usage"}
              </option>
            ))}
          </select>
        </div>
        <SearchField label="Search customers" placeholder="Company, customer id or account" testId="reconciliation-search" value={query} onChange={setQuery} />
        <label className="check">
          <input
            type="checkbox"
            data-testid="only-differences"
            checked={onlyDifferences}
            onChange={(e) => {
              setOnlyDifferences(e.target.checked);
            }}
          />{" "}
          Only customers that do not match
        </label>
        <ExportButton
          request={(bom) => ({ table: { table: "reconciliation", period }, bom, keys: seen.current.map(keyOf) })}
        />
      </div>
      {detail.isPending && <Loading>Comparing {periodLabel(period)}…</Loading>}
      {detail.isError && <Failed error={detail.error} retry={() => void detail.refetch()} />}
      {detail.isSuccess && (
        <>
          <Totals data={detail.data} />
          <LicenceFlags licences={detail.data.licences} />
          <p className="count" role="status" data-testid="reconciliation-count">
            {formatCount(shown.length)} {shown.length === 1 ? "customer" : "customers"}
            {shown.length !== rows.length && <span className="hint"> · of {formatCount(rows.length)}</span>}
          </p>
          <VirtualTable
            caption={`Reconciliation of ${periodLabel(period)}`}
            testId="reconciliation-table"
            rowTestId="reconciliation-row"
            rows={shown}
            columns={columns}
            rowKey={keyOf}
            rowLabel={(r) => `${nameOf(r)}, ${VERDICT_LABEL[verdictOf(r)]}`}
            initialSort={{ key: "verdict", direction: "ascending" }}
            inUrl
            empty={
              rows.length === 0 ? (
                <span className="hint">No customer has usage or an invoice in {periodLabel(period)}.</span>
              ) : (
                <span className="hint">No customer matches the search or filter.</span>
              )
            }
            onOpen={toggle}
            onToggle={toggle}
            detailHeight={detailHeight}
            renderDetail={(r) => <LineDifferences row={r} />}
            onSorted={onSorted}
          />
          <p className="hint">
            Enter or a click on a customer shows its causes with their amounts and the lines (Azure subscription, meter,
            day) that differ, largest first. Causes are worked out from the invoice&apos;s own figures: unit price,
            exchange rate, partner earned credit and usage day. Resale is the rated usage with the customer&apos;s
            markups (the monthly fee is billed with the invoice); margin is resale less what Microsoft invoiced.
          </p>
        </>
      )}
    </>
  );
}

function Totals({ data }: { data: PeriodReconciliationDto }) {
  if (data.totals.length === 0) return null;
  return (
    <div className="reconciliation-totals" data-testid="reconciliation-totals">
      {data.totals.map((t) => (
        <div key={t.currency} className="currency-totals" data-currency={t.currency}>
          <dl className="stats">
            <div>
              <dt>{t.currency} customers matched</dt>
              <dd>
                {formatCount(t.matched)} of {formatCount(t.customers)} compared
              </dd>
            </div>
            <div>
              <dt>Not compared</dt>
              <dd data-testid={`not-compared-${t.currency}`}>
                {formatCount(t.notCompared)}
                {t.notCompared > 0 && (
                  <span className="muted">
                    {" "}
                    · invoiced {formatMoney(t.notComparedInvoiced, t.currency)}, rated{" "}
                    {formatMoney(t.notComparedRated, t.currency)}
                    <Reasons rows={data.customers} currency={t.currency} />
                  </span>
                )}
              </dd>
            </div>
            <div>
              <dt>Rated</dt>
              <dd className="num">{formatMoney(t.rated, t.currency)}</dd>
            </div>
            <div>
              <dt>Invoiced</dt>
              <dd className="num">{formatMoney(t.invoiced, t.currency)}</dd>
            </div>
            <div>
              <dt>Difference</dt>
              <dd className="num">{formatMoney(t.difference, t.currency)}</dd>
            </div>
            <div>
              <dt>Unexplained</dt>
              <dd className="num" data-testid={`unexplained-${t.currency}`}>
                {formatMoney(t.unexplained, t.currency)}
              </dd>
            </div>
            <div>
              <dt>Resale</dt>
              <dd className="num" data-testid={`resale-${t.currency}`}>
                {formatMoney(t.resale, t.currency)}
              </dd>
            </div>
            <div>
              <dt>Margin</dt>
              <dd className="num" data-testid={`margin-${t.currency}`}>
                {formatMoney(t.margin, t.currency)}
              </dd>
            </div>
            <div>
              <dt>By cause</dt>
              <dd>
                <Causes causes={t.causes} currency={t.currency} />
              </dd>
            </div>
          </dl>
          <InvoiceParts total={t} />
        </div>
      ))}
    </div>
  );
}

/** Why customers of a currency were not compared, in words: each reason's lead (the sentence
 * before its colon, the whole in the tip) and how many customers it holds back. */
function Reasons({ rows, currency }: { rows: readonly ReconciliationDto[]; currency: string }) {
  const counts = new Map<string, { full: string; n: number }>();
  for (const r of rows) {
    if (r.refused === null || (r.currency ?? "") !== currency) continue;
    const lead = r.refused.split(":")[0] ?? r.refused;
    const seen = counts.get(lead);
    counts.set(lead, { full: seen?.full ?? r.refused, n: (seen?.n ?? 0) + 1 });
  }
  return (
    <span data-testid={`not-compared-reasons-${currency}`}>
      {[...counts.entries()].map(([lead, { full, n }]) => (
        <span key={lead} className="reason" title={full}>
          {" "}
          · {lead} ({formatCount(n)})
        </span>
      ))}
    </span>
  );
}

/** One part of what the invoices charge, its exact amount kept for whoever checks the sum. */
function Part({ part, label, amount, currency }: { part: string; label: string; amount: string; currency: string }) {
  return (
    <span className="part" data-part={part} data-amount={amount}>
      {label} <strong className="num">{formatMoney(amount, currency)}</strong>
    </span>
  );
}

/** The headline as parts of the invoices: usage compared, usage not compared, the charges
 * reconciliation does not cover, and any rest, which add up to the invoices' total. */
function InvoiceParts({ total: t }: { total: ReconciliationTotalDto }) {
  const rest = t.invoiceTotal !== null && !isZero(t.invoiceRest);
  return (
    <p className="invoice-parts" data-testid={`invoice-parts-${t.currency}`}>
      <Part part="compared" label="Usage compared" amount={t.invoiced} currency={t.currency} />
      {" + "}
      <Part part="notCompared" label="usage not compared" amount={t.notComparedInvoiced} currency={t.currency} />
      {" + "}
      <Part part="other" label="licences and other charges" amount={t.otherCharges} currency={t.currency} />
      {rest && (
        <>
          {" + "}
          <Part part="rest" label="not accounted for (invoice lines not read yet, or usage lines that differ from the daily usage)" amount={t.invoiceRest} currency={t.currency} />
        </>
      )}
      {t.invoiceTotal !== null ? (
        <>
          {" = "}
          <span className="part" data-part="total" data-amount={t.invoiceTotal}>
            the {t.currency} invoices&apos; total <strong className="num">{formatMoney(t.invoiceTotal, t.currency)}</strong>
          </span>
        </>
      ) : (
        <span className="hint"> · not invoiced yet: usage and other charges so far</span>
      )}
    </p>
  );
}

function LineDifferences({ row }: { row: ReconciliationDto }) {
  if (row.refused !== null) {
    return <p className="line-differences">Not compared: {row.refused}</p>;
  }
  const causes = (
    <p className="line-differences" data-testid="row-causes">
      Causes: <Causes causes={row.causes} currency={row.currency} />
    </p>
  );
  if (row.differences.length === 0) {
    return (
      <>
        {causes}
        <p className="line-differences">Every line matches to the cent.</p>
      </>
    );
  }
  return (
    <>
    {causes}
    <table className="grid compact line-differences">
      <caption className="visually-hidden">Lines of {nameOf(row)} that differ from the invoice</caption>
      <thead>
        <tr>
          <th scope="col">Day</th>
          <th scope="col">Meter</th>
          <th scope="col">Azure subscription</th>
          <th scope="col" className="num">
            Rated
          </th>
          <th scope="col" className="num">
            Invoiced
          </th>
          <th scope="col" className="num">
            Difference
          </th>
          <th scope="col">Causes</th>
        </tr>
      </thead>
      <tbody>
        {row.differences.map((l: ReconciliationLineDto) => (
          <tr key={`${l.entitlementId}/${l.meterId}/${l.usageDate}`}>
            <td>{formatDay(l.usageDate)}</td>
            <td className="mono">{l.meterId}</td>
            <td className="mono">{l.entitlementId}</td>
            <td className="num">{formatMoney(l.rated, row.currency)}</td>
            <td className="num">{formatMoney(l.invoiced, row.currency)}</td>
            <td className="num">{formatMoney(l.difference, row.currency)}</td>
            <td>
              <Causes causes={l.causes} currency={row.currency} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
    </>
  );
}
