// Subscriptions: every discovered subscription (#/subscriptions), or one customer's
// (#/subscriptions/<account>/<customer>, opened from Customers). Searchable and sortable,
// rendered in a window so tens of thousands stay smooth; an Azure plan opens to its Azure
// subscriptions (entitlements).
import { Disclosure } from "../../components/Disclosure";
import {
  useCallback,
  useDeferredValue,
  useMemo,
  useRef,
  useState,
} from "react";
import { type CustomerRef, type SubscriptionDto } from "../../ipc";

import { formatCount, formatDay, formatDecimal, formatMoney, formatTerm } from "../../format";
import { href, markupHref } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";
import { ExportButton } from "../../components/ExportButton";
import { VirtualTable, type Column } from "../../table/VirtualTable";
import { NotDiscovered } from "../../components/NotDiscovered";
import { Empty, Failed, Loading } from "../../components/QueryState";
import { useSubscriptions } from "./queries";
import { useUrlState } from "../../routing/urlState";
import { billingCycleLabel, statusLabel } from "../../labels";

const KIND_LABEL = new Map([
  ["legacyAzure", "Azure (legacy)"],
  ["azurePlan", "Azure plan"],
  ["licence", "Licence"],
  ["unknown", "Unknown offer"],
]);
const kindLabel = (kind: string) => KIND_LABEL.get(kind) ?? kind;

/** Entitlement lines: their height in px must match `.entitlements li` in styles.css. */
const LINE = 22;
const DETAIL_PADDING = 12;

const subscriptionKey = (s: SubscriptionDto) => `${s.accountId}/${s.customerId}/${s.id}`;
const offerOf = (s: SubscriptionDto) => s.offerName ?? s.offerId;

const byOffer = (a: SubscriptionDto, b: SubscriptionDto) => compareText(offerOf(a), offerOf(b));
const byName = (a: SubscriptionDto, b: SubscriptionDto) => compareText(a.friendlyName ?? "", b.friendlyName ?? "");
const byCustomer = (a: SubscriptionDto, b: SubscriptionDto) => compareText(a.customerName, b.customerName);
const byStatus = (a: SubscriptionDto, b: SubscriptionDto) => compareText(a.status, b.status);
const byQuantity = (a: SubscriptionDto, b: SubscriptionDto) => compareDecimal(a.quantity ?? "", b.quantity ?? "");
const byCycle = (a: SubscriptionDto, b: SubscriptionDto) => compareText(a.billingCycle ?? "", b.billingCycle ?? "");
const byTerm = (a: SubscriptionDto, b: SubscriptionDto) => compareText(a.termDuration ?? "", b.termDuration ?? "");
// ISO dates sort as text.
const byCreated = (a: SubscriptionDto, b: SubscriptionDto) => (a.creationDate ?? "").localeCompare(b.creationDate ?? "");
const byCommitmentEnd = (a: SubscriptionDto, b: SubscriptionDto) =>
  (a.commitmentEndDate ?? "").localeCompare(b.commitmentEndDate ?? "");
const byKind = (a: SubscriptionDto, b: SubscriptionDto) => compareText(kindLabel(a.kind), kindLabel(b.kind));
const byEntitlements = (a: SubscriptionDto, b: SubscriptionDto) => a.entitlements.length - b.entitlements.length;
const noName = (s: SubscriptionDto) => !s.friendlyName;
const noQuantity = (s: SubscriptionDto) => s.quantity === null;
const noCycle = (s: SubscriptionDto) => !s.billingCycle;
const noTerm = (s: SubscriptionDto) => !s.termDuration;
const noCreated = (s: SubscriptionDto) => !s.creationDate;
const noCommitmentEnd = (s: SubscriptionDto) => !s.commitmentEndDate;

const byCost = (a: SubscriptionDto, b: SubscriptionDto) => compareDecimal(a.monthToDateCost ?? "", b.monthToDateCost ?? "");
const costOf = (s: SubscriptionDto) => (s.monthToDateCost === null ? null : { amount: s.monthToDateCost, currency: s.currency });
const resaleOf = (s: SubscriptionDto) => (s.monthToDateResale === null ? null : { amount: s.monthToDateResale, currency: s.currency });
const marginOf = (s: SubscriptionDto) => (s.monthToDateMargin === null ? null : { amount: s.monthToDateMargin, currency: s.currency });
const byResale = (a: SubscriptionDto, b: SubscriptionDto) =>
  compareDecimal(a.monthToDateResale ?? "", b.monthToDateResale ?? "");
const byMargin = (a: SubscriptionDto, b: SubscriptionDto) =>
  compareDecimal(a.monthToDateMargin ?? "", b.monthToDateMargin ?? "");
const noCost = (s: SubscriptionDto) => s.monthToDateCost === null;
const noResale = (s: SubscriptionDto) => s.monthToDateResale === null;
const noMargin = (s: SubscriptionDto) => s.monthToDateMargin === null;

const dash = <span className="hint">—</span>;
/** A subscription without rated usage: licences are billed on the invoice, not rated. */
const notRated = (s: SubscriptionDto) => (
  <span className="hint" title={s.kind === "licence" ? "Licence-based: see the invoice in Billing" : "No rated usage this month"}>
    —
  </span>
);

export function SubscriptionsPage({ rest }: { rest: string[] }) {
  const [accountId, customerId] = rest;
  const customer: CustomerRef | null =
    accountId !== undefined && customerId !== undefined ? { accountId, customerId } : null;
  const load = useSubscriptions(customer);

  if (!customer && load.data && load.data.list.length === 0) {
    return <NotDiscovered title="Subscriptions" page="subscriptions" />;
  }

  const title = customer
    ? `Subscriptions of ${load.data ? (load.data.customerName ?? customer.customerId) : "…"}`
    : "Subscriptions";

  return (
    <section className="list-page">
      <h1 id="page-title" data-testid="subscriptions-title">
        {title}
      </h1>
      {customer && (
        <p className="lead">
          <a href={href("subscriptions")} data-testid="subscriptions-all">
            ← All subscriptions
          </a>{" "}
          · <a href={href("customers")}>Customers</a> ·{" "}
          <a href={markupHref({ kind: "customer", customer })} data-testid="subscriptions-markup">
            Markup
          </a>
        </p>
      )}
      {load.isPending && <Loading>Loading subscriptions…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} />}
      {load.data &&
        (customer && load.data.list.length === 0 ? (
          <Empty
            what="No subscriptions"
            next="Discovery found no subscriptions for this customer."
            testId="subscriptions-none"
          />
        ) : (
          <SubscriptionList list={load.data.list} oneCustomer={customer !== null} />
        ))}
    </section>
  );
}

function SubscriptionList({ list, oneCustomer }: { list: SubscriptionDto[]; oneCustomer: boolean }) {
  const [query, setQuery] = useUrlState("q");
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly SubscriptionDto[]>([]);
  const onSorted = useCallback((rows: readonly SubscriptionDto[]) => {
    seen.current = rows;
  }, []);

  const haystacks = useMemo(
    () =>
      list.map((s) => [offerOf(s), s.offerId, s.friendlyName ?? "", s.customerName, s.id, s.status].join("\n").toLowerCase()),
    [list],
  );
  const shown = useMemo(
    () => (needle ? list.filter((_, i) => haystacks[i]?.includes(needle)) : list),
    [list, haystacks, needle],
  );

  const toggle = useCallback((s: SubscriptionDto) => {
    if (s.entitlements.length === 0) return;
    setExpanded((x) => {
      const next = new Set(x);
      const key = subscriptionKey(s);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  const detailHeight = useCallback(
    (s: SubscriptionDto) =>
      expanded.has(subscriptionKey(s)) && s.entitlements.length > 0 ? DETAIL_PADDING + LINE * s.entitlements.length : 0,
    [expanded],
  );

  const columns: Column<SubscriptionDto>[] = [
    {
      key: "offer",
      header: "Offer",
      width: 230,
      compare: byOffer,
      cell: (s) => <span title={s.offerId}>{offerOf(s)}</span>,
    },
    {
      key: "cost",
      header: "Cost MTD",
      width: 115,
      money: costOf,
      numeric: true,
      compare: byCost,
      isBlank: noCost,
      cell: (s) => (s.monthToDateCost === null ? notRated(s) : formatMoney(s.monthToDateCost, s.currency)),
    },
    {
      key: "resale",
      header: "Resale MTD",
      width: 115,
      money: resaleOf,
      numeric: true,
      compare: byResale,
      isBlank: noResale,
      cell: (s) => (s.monthToDateResale === null ? notRated(s) : formatMoney(s.monthToDateResale, s.currency)),
    },
    {
      key: "margin",
      header: "Margin",
      width: 105,
      money: marginOf,
      numeric: true,
      compare: byMargin,
      isBlank: noMargin,
      cell: (s) => (s.monthToDateMargin === null ? notRated(s) : formatMoney(s.monthToDateMargin, s.currency)),
    },
    ...(oneCustomer
      ? []
      : [
          {
            key: "customer",
            header: "Customer",
            width: 170,
            compare: byCustomer,
            cell: (s: SubscriptionDto) => (
              <a href={href("subscriptions", s.accountId, s.customerId)} title={s.customerName}>
                {s.customerName}
              </a>
            ),
          },
        ]),
    { key: "name", header: "Friendly name", width: 160, hidden: !oneCustomer, compare: byName, isBlank: noName, cell: (s) => s.friendlyName ?? dash },
    { key: "status", header: "Status", width: 90, compare: byStatus, cell: (s) => statusLabel(s.status) },
    {
      key: "quantity",
      header: "Quantity",
      width: 90,
      numeric: true,
      compare: byQuantity,
      isBlank: noQuantity,
      cell: (s) => (s.quantity === null ? dash : <span title={s.unitType ?? undefined}>{formatDecimal(s.quantity)}</span>),
    },
    { key: "cycle", header: "Billing cycle", width: 115, hidden: true, compare: byCycle, isBlank: noCycle, cell: (s) => (s.billingCycle ? billingCycleLabel(s.billingCycle) : dash) },
    {
      key: "term",
      header: "Term",
      width: 85,
      hidden: true,
      compare: byTerm,
      isBlank: noTerm,
      cell: (s) => (s.termDuration ? formatTerm(s.termDuration) : dash),
    },
    {
      key: "created",
      header: "Created",
      width: 115,
      hidden: true,
      compare: byCreated,
      isBlank: noCreated,
      cell: (s) => (s.creationDate ? formatDay(s.creationDate) : dash),
    },
    {
      key: "commitmentEnd",
      header: "Commitment ends",
      width: 150,
      hidden: true,
      compare: byCommitmentEnd,
      isBlank: noCommitmentEnd,
      cell: (s) => (s.commitmentEndDate ? formatDay(s.commitmentEndDate) : dash),
    },
    { key: "kind", header: "Kind", width: 120, hidden: true, compare: byKind, cell: (s) => kindLabel(s.kind) },
    {
      key: "entitlements",
      header: "Azure",
      width: 80,
      numeric: true,
      compare: byEntitlements,
      cell: (s) => {
        const n = s.entitlements.length;
        if (n === 0) return dash;
        const open = expanded.has(subscriptionKey(s));
        return (
          <Disclosure
            open={open}
            label={`${open ? "Hide" : "Show"} ${plural(n)} of ${offerOf(s)}`}
            testId="entitlements-toggle"
            onToggle={() => {
              toggle(s);
            }}
          >
            {formatCount(n)}
          </Disclosure>
        );
      },
    },
  ];

  return (
    <>
      <div className="toolbar">
        <SearchField label="Search subscriptions" placeholder="Offer, name, customer or id" testId="subscription-search" value={query} onChange={setQuery} />
        <p className="count" role="status" data-testid="subscription-count">
          {formatCount(shown.length)} {shown.length === 1 ? "subscription" : "subscriptions"}
          {shown.length !== list.length && <span className="hint"> · filtered from {formatCount(list.length)}</span>}
        </p>
        <ExportButton request={(bom) => ({ table: { table: "subscriptions" }, bom, keys: seen.current.map((s) => `${s.accountId}/${s.customerId}/${s.id}`) })} />
      </div>
      <VirtualTable
        onSorted={onSorted}
        caption="Subscriptions"
        testId="subscription-table"
        rowTestId="subscription-row"
        rows={shown}
        columns={columns}
        rowKey={subscriptionKey}
        rowLabel={(s) => `${offerOf(s)}, ${s.customerName}, ${s.status}`}
        initialSort={{ key: oneCustomer ? "offer" : "customer", direction: "ascending" }}
        inUrl
        empty={<span className="hint">No subscription matches “{query.trim()}”.</span>}
        onOpen={toggle}
        detailHeight={detailHeight}
        renderDetail={(s) => (
          <ul className="entitlements" aria-label={`Azure subscriptions of ${offerOf(s)}`} data-testid="entitlements">
            {s.entitlements.map((e) => (
              <li key={e.id}>
                <span className="mono">{e.id}</span> {e.friendlyName ?? <span className="hint">(no name)</span>}{" "}
                <span className="hint">{e.status ?? ""}</span>
              </li>
            ))}
          </ul>
        )}
      />
      <p className="hint">Enter or a click on an Azure plan shows its Azure subscriptions.</p>
    </>
  );
}

function plural(n: number): string {
  return `${formatCount(n)} Azure ${n === 1 ? "subscription" : "subscriptions"}`;
}
