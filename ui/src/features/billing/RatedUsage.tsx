// One customer's rated usage of a month, line by line: list (the sheet's price), effective
// (after partner earned credit, tiers and discounts), billed (Microsoft's floor), resale (our
// markups) and the savings between list and effective, in the one grid. The lines come whole
// (a big customer's few thousand lines are one read; the grid draws only those in view) and
// are searched and sorted here; every sum is exact: the grid's totals rows add the decimals
// shown, and the strip above is the backend's totals per currency.
import { useCallback, useDeferredValue, useMemo, useRef } from "react";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { ExportButton } from "../../components/ExportButton";
import { formatCount, formatDecimal, formatMoneyExact, formatMonth } from "../../format";
import { href } from "../../routing/route";
import { useUrlState } from "../../routing/urlState";
import { SearchField } from "../../table/SearchField";
import { ShortId } from "../../table/ShortId";
import { compareDecimal, compareText } from "../../table/sort";
import { VirtualTable, type Column } from "../../table/VirtualTable";
import type { RatedLineDto, RatedTotalsDto } from "../../ipc";
import { useRatedUsage } from "./queries";
import { dash } from "./cells";

/** What makes a rated line one line of its customer-period (the export's keys). */
export const ratedLineKey = (l: RatedLineDto) => `${l.subscriptionId}/${l.entitlementId}/${l.meterId}/${l.usageDate}`;

type Figure = "list" | "effective" | "billed" | "resale" | "savings";
const FIGURES: readonly { key: Figure; header: string; label: string }[] = [
  { key: "list", header: "List", label: "List cost" },
  { key: "effective", header: "Effective", label: "Effective cost" },
  { key: "billed", header: "Billed", label: "Billed cost" },
  { key: "resale", header: "Resale", label: "Resale" },
  { key: "savings", header: "Savings", label: "Savings (list − effective)" },
];
// Module level, so the grid's sort stays put between renders.
const compareFigure = Object.fromEntries(
  FIGURES.map((f) => [f.key, (a: RatedLineDto, b: RatedLineDto) => compareDecimal(a[f.key], b[f.key])]),
) as Record<Figure, (a: RatedLineDto, b: RatedLineDto) => number>;
const byMeter = (a: RatedLineDto, b: RatedLineDto) => compareText(a.meterName ?? a.meterId, b.meterName ?? b.meterId);
const byCategory = (a: RatedLineDto, b: RatedLineDto) => compareText(a.meterCategory ?? "", b.meterCategory ?? "");
const byDay = (a: RatedLineDto, b: RatedLineDto) => a.usageDate.localeCompare(b.usageDate);
const byQuantity = (a: RatedLineDto, b: RatedLineDto) => compareDecimal(a.quantity, b.quantity);
const bySubscription = (a: RatedLineDto, b: RatedLineDto) => compareText(a.entitlementId, b.entitlementId);
const byOrigin = (a: RatedLineDto, b: RatedLineDto) => compareText(a.priceOrigin, b.priceOrigin);

const ORIGIN: Record<string, string> = {
  priceList: "Microsoft's price list",
  rateCard: "Rate card",
  partnerSheet: "Our price sheet",
  retailPrices: "Retail prices",
};

const text = (v: string | null) => (v ? <span title={v}>{v}</span> : dash);

const columns: Column<RatedLineDto>[] = [
  { key: "meter", header: "Meter", width: 190, compare: byMeter, cell: (l) => text(l.meterName ?? l.meterId) },
  ...FIGURES.map(
    (f): Column<RatedLineDto> => ({
      key: f.key,
      header: f.header,
      label: f.label,
      width: 114,
      numeric: true,
      compare: compareFigure[f.key],
      money: (l) => ({ amount: l[f.key], currency: l.currency }),
      formatTotal: formatMoneyExact,
      cell: (l) => formatMoneyExact(l[f.key], l.currency),
    }),
  ),
  { key: "day", header: "Day", width: 100, compare: byDay, cell: (l) => l.usageDate },
  { key: "category", header: "Category", width: 140, compare: byCategory, cell: (l) => text(l.meterCategory) },
  { key: "quantity", header: "Quantity", width: 100, numeric: true, hidden: true, compare: byQuantity, cell: (l) => formatDecimal(l.quantity) },
  {
    key: "subscription",
    header: "Azure subscription",
    width: 150,
    hidden: true,
    compare: bySubscription,
    cell: (l) => <ShortId id={l.entitlementId} label="Azure subscription ID" />,
  },
  { key: "origin", header: "Price from", width: 170, hidden: true, compare: byOrigin, cell: (l) => ORIGIN[l.priceOrigin] ?? l.priceOrigin },
  { key: "meterId", header: "Meter ID", width: 150, hidden: true, cell: (l) => <ShortId id={l.meterId} label="meter ID" /> },
];

/** The search's haystack of a line: what a user would type to find it. */
const haystack = (l: RatedLineDto) =>
  `${l.meterName ?? ""}\n${l.meterCategory ?? ""}\n${l.meterId}\n${l.entitlementId}\n${l.subscriptionId}\n${l.usageDate}`.toLowerCase();

/**
 * `customerId`'s rated usage of `period` (YYYY-MM) under `accountId`, with the summary strip:
 * list − savings = effective; billed; resale − billed = markup.
 */
export function RatedUsage({ accountId, customerId, period, name }: { accountId: string; customerId: string; period: string; name: string }) {
  const load = useRatedUsage(accountId, customerId, period);
  const [query, setQuery] = useUrlState("rq");
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly RatedLineDto[]>([]);
  const onSorted = useCallback((rows: readonly RatedLineDto[]) => {
    seen.current = rows;
  }, []);
  const lines = useMemo(() => load.data?.lines ?? [], [load.data]);
  const searchable = useMemo(() => lines.map((l) => [l, haystack(l)] as const), [lines]);
  const shown = useMemo(
    () => (needle ? searchable.filter(([, h]) => h.includes(needle)).map(([l]) => l) : lines),
    [searchable, lines, needle],
  );

  if (load.isPending) return <Loading>Loading the rated usage of {formatMonth(period)}…</Loading>;
  if (load.isError) return <Failed error={load.error} retry={() => void load.refetch()} />;
  if (lines.length === 0) {
    return (
      <Empty
        testId="rated-empty"
        what={`No rated usage of ${formatMonth(period)} for ${name}.`}
        next={
          <>
            Usage is rated at the end of each Discovery run: run Discovery on the <a href={href("accounts")}>Accounts</a>{" "}
            page. A month that could not be rated (a meter without a price) says why in{" "}
            <a href={href("reconciliation")}>Reconciliation</a>. A customer with only licences has no usage to rate.
          </>
        }
      />
    );
  }
  return (
    <>
      <GainStrip totals={load.data.totals} />
      <div className="toolbar">
        <SearchField label="Search rated usage" placeholder="Meter, category, subscription or day" testId="rated-search" value={query} onChange={setQuery} />
        <p className="count" role="status" data-testid="rated-count">
          {formatCount(shown.length)} {shown.length === 1 ? "line" : "lines"}
          {needle && <span className="hint"> of {formatCount(lines.length)}</span>}
        </p>
        <ExportButton
          request={(bom) => ({
            table: { table: "ratedLines", accountId, customerId, period },
            bom,
            keys: seen.current.map(ratedLineKey),
          })}
        />
      </div>
      <VirtualTable
        caption={`${name}'s rated usage of ${formatMonth(period)}`}
        testId="rated-table"
        rowTestId="rated-row"
        rows={shown}
        columns={columns}
        rowKey={ratedLineKey}
        initialSort={{ key: "day", direction: "ascending" }}
        inUrl
        empty={<span className="hint">No rated line matches “{query.trim()}”.</span>}
        onSorted={onSorted}
      />
      <p className="hint">
        List is the price sheet&apos;s price; effective is after partner earned credit, tiers and discounts; billed is
        what Microsoft bills (its floor to the cent); resale is billed with this customer&apos;s markups (the monthly fee
        is the customer&apos;s, not a line&apos;s). The export holds the lines in view, in the order shown.
      </p>
    </>
  );
}

/** The month's totals per currency: list − savings = effective; billed; resale − billed = markup. */
function GainStrip({ totals }: { totals: readonly RatedTotalsDto[] }) {
  return (
    <div className="rated-summary" data-testid="rated-summary">
      {totals.map((t) => {
        const m = (amount: string) => formatMoneyExact(amount, t.currency);
        return (
          <dl key={t.currency} className="stats" data-currency={t.currency} aria-label={`Rated usage in ${t.currency} adds up to`}>
            <div>
              <dt>List</dt>
              <dd data-testid="rated-sum-list">{m(t.list)}</dd>
            </div>
            <div>
              <dt>− Savings (credit and discounts)</dt>
              <dd data-testid="rated-sum-savings">{m(t.savings)}</dd>
            </div>
            <div>
              <dt>= Effective</dt>
              <dd data-testid="rated-sum-effective">{m(t.effective)}</dd>
            </div>
            <div>
              <dt>Billed by Microsoft</dt>
              <dd data-testid="rated-sum-billed">{m(t.billed)}</dd>
            </div>
            <div>
              <dt>Resale</dt>
              <dd data-testid="rated-sum-resale">{m(t.resale)}</dd>
            </div>
            <div>
              <dt>Markup (resale − billed)</dt>
              <dd data-testid="rated-sum-markup">{m(t.markup)}</dd>
            </div>
          </dl>
        );
      })}
    </div>
  );
}
