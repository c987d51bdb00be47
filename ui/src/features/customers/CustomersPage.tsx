// Customers: every customer Discovery found under every partner account, in one searchable,
// sortable list that stays smooth at 10,000 rows (only the rows in view are rendered).
// A row opens that customer's subscriptions; checked rows become or join an organization.
// The Markup column shows the percentage in effect today and opens the markup editor.
import {
  useCallback,
  useDeferredValue,
  useMemo,
  useRef,
  useState,
} from "react";
import { type CustomerDto, type CustomerRef, type MarkupDto, type OrganizationDto } from "../../ipc";

import { formatCount, formatMoney, formatMoneyExact, formatMonth, formatPercent } from "../../format";
import { href, markupHref } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";
import { ExportButton } from "../../components/ExportButton";
import { VirtualTable, type Column } from "../../table/VirtualTable";
import { ShortId } from "../../table/ShortId";
import { useUrlState } from "../../routing/urlState";
import { relationshipLabel } from "../../labels";
import { NotDiscovered } from "../../components/NotDiscovered";
import { OrganizationsPanel } from "./OrganizationsPanel";
import { customerKeys, useCustomers } from "./queries";
import { useQueryClient } from "@tanstack/react-query";
import { invalidate } from "../../data/queryClient";
import { Failed, Loading } from "../../components/QueryState";

/** Markups in effect today, by customer key and by organization id. */
interface Markups {
  customers: ReadonlyMap<string, MarkupDto>;
  organizations: ReadonlyMap<string, MarkupDto>;
}

function byTarget(list: MarkupDto[]): Markups {
  const byCustomer = new Map<string, MarkupDto>();
  const byOrganization = new Map<string, MarkupDto>();
  for (const m of list) {
    if (m.target.kind === "customer") byCustomer.set(customerKey({ accountId: m.target.customer.accountId, id: m.target.customer.customerId }), m);
    else byOrganization.set(m.target.organization, m);
  }
  return { customers: byCustomer, organizations: byOrganization };
}

/**
 * The markup that applies to a customer today: its own, or else its organization's (an
 * organization's markup is for its tenants without one of their own).
 */
function markupOf(c: CustomerDto, m: Markups): { markup: MarkupDto; inherited: boolean } | null {
  const own = m.customers.get(customerKey(c));
  if (own) return { markup: own, inherited: false };
  const org = c.organizationId === null ? undefined : m.organizations.get(c.organizationId);
  return org ? { markup: org, inherited: true } : null;
}

export const customerKey = (c: { accountId: string; id: string }) => `${c.accountId}/${c.id}`;
const refOf = (c: CustomerDto): CustomerRef => ({ accountId: c.accountId, customerId: c.id });

const byCompany = (a: CustomerDto, b: CustomerDto) => compareText(a.companyName, b.companyName);
const byDomain = (a: CustomerDto, b: CustomerDto) => compareText(a.domain, b.domain);
const byTenant = (a: CustomerDto, b: CustomerDto) => compareText(a.tenantId ?? "", b.tenantId ?? "");
const byAccount = (a: CustomerDto, b: CustomerDto) => compareText(a.accountName, b.accountName);
const byRelationship = (a: CustomerDto, b: CustomerDto) => compareText(a.relationship ?? "", b.relationship ?? "");
const bySubscriptions = (a: CustomerDto, b: CustomerDto) => a.subscriptionCount - b.subscriptionCount;
const byOrganization = (a: CustomerDto, b: CustomerDto) => compareText(a.organizationName ?? "", b.organizationName ?? "");
const byCost = (a: CustomerDto, b: CustomerDto) => compareDecimal(a.monthToDateCost ?? "", b.monthToDateCost ?? "");
const noTenant = (c: CustomerDto) => !c.tenantId;
const noRelationship = (c: CustomerDto) => !c.relationship;
const noOrganization = (c: CustomerDto) => !c.organizationName;
const noCost = (c: CustomerDto) => c.monthToDateCost === null;
const byResale = (a: CustomerDto, b: CustomerDto) => compareDecimal(a.monthToDateResale ?? "", b.monthToDateResale ?? "");
const byMargin = (a: CustomerDto, b: CustomerDto) => compareDecimal(a.monthToDateMargin ?? "", b.monthToDateMargin ?? "");
const noResale = (c: CustomerDto) => c.monthToDateResale === null;
const noMargin = (c: CustomerDto) => c.monthToDateMargin === null;
const bySavings = (a: CustomerDto, b: CustomerDto) => compareDecimal(a.monthToDateSavings ?? "", b.monthToDateSavings ?? "");
const noSavings = (c: CustomerDto) => c.monthToDateSavings === null;
const byExported = (a: CustomerDto, b: CustomerDto) =>
  compareDecimal(a.exportedCost?.cost ?? "", b.exportedCost?.cost ?? "");
const noExported = (c: CustomerDto) => c.exportedCost === null;
const byStack = (a: CustomerDto, b: CustomerDto) => compareDecimal(a.stackCost?.amount ?? "", b.stackCost?.amount ?? "");
const noStack = (c: CustomerDto) => c.stackCost === null;
// Amounts with their currency: sorted within it and added up per currency under the table.
const costOf = (c: CustomerDto) => (c.monthToDateCost === null ? null : { amount: c.monthToDateCost, currency: c.currency });
const resaleOf = (c: CustomerDto) => (c.monthToDateResale === null ? null : { amount: c.monthToDateResale, currency: c.currency });
const marginOf = (c: CustomerDto) => (c.monthToDateMargin === null ? null : { amount: c.monthToDateMargin, currency: c.currency });
const savingsOf = (c: CustomerDto) => (c.monthToDateSavings === null ? null : { amount: c.monthToDateSavings, currency: c.currency });
const exportedOf = (c: CustomerDto) => (c.exportedCost === null ? null : { amount: c.exportedCost.cost, currency: c.exportedCost.currency });
const stackOf = (c: CustomerDto) => (c.stackCost === null ? null : { amount: c.stackCost.amount, currency: c.stackCost.currency });

function openCustomer(c: CustomerDto) {
  window.location.hash = href("subscriptions", c.accountId, c.id);
}

export function CustomersPage() {
  const load = useCustomers();
  const client = useQueryClient();
  const reload = useCallback(() => void invalidate(client, customerKeys.all), [client]);
  const markupMap = useMemo(() => (load.data ? byTarget(load.data.markupList) : null), [load.data]);

  if (load.data && load.data.list.length === 0) {
    return <NotDiscovered title="Customers" page="customers" />;
  }

  return (
    <section className="list-page">
      <h1 id="page-title">Customers</h1>
      {load.isPending && <Loading>Loading customers…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} />}
      {load.data && markupMap && (
        <CustomerList list={load.data.list} orgs={load.data.orgs} markups={markupMap} onChanged={reload} />
      )}
    </section>
  );
}

function CustomerList({
  list,
  orgs,
  markups: markupMap,
  onChanged,
}: {
  list: CustomerDto[];
  orgs: OrganizationDto[];
  markups: Markups;
  onChanged: () => void;
}) {
  const [query, setQuery] = useUrlState("q");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly CustomerDto[]>([]);
  const onSorted = useCallback((rows: readonly CustomerDto[]) => {
    seen.current = rows;
  }, []);

  const haystacks = useMemo(
    () => list.map((c) => `${c.companyName}\n${c.domain}\n${c.tenantId ?? ""}`.toLowerCase()),
    [list],
  );
  const shown = useMemo(
    () => (needle ? list.filter((_, i) => haystacks[i]?.includes(needle)) : list),
    [list, haystacks, needle],
  );
  // Selection survives reloads only for customers that still exist.
  const chosen = useMemo(() => list.filter((c) => selected.has(customerKey(c))), [list, selected]);

  const toggle = useCallback((c: CustomerDto) => {
    setSelected((s) => {
      const next = new Set(s);
      const key = customerKey(c);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  }, []);

  // The percentage in effect per customer; the sort reruns only when the markups are reloaded.
  const percentOf = useMemo(() => {
    const cache = new Map<string, string | null>();
    for (const c of list) cache.set(customerKey(c), markupOf(c, markupMap)?.markup.percent ?? null);
    return (c: CustomerDto) => cache.get(customerKey(c)) ?? null;
  }, [list, markupMap]);
  const byMarkup = useCallback(
    (a: CustomerDto, b: CustomerDto) => compareDecimal(percentOf(a) ?? "", percentOf(b) ?? ""),
    [percentOf],
  );
  const noMarkup = useCallback((c: CustomerDto) => percentOf(c) === null, [percentOf]);

  const allShownSelected = useMemo(
    () => shown.length > 0 && shown.every((c) => selected.has(customerKey(c))),
    [shown, selected],
  );
  const columns: Column<CustomerDto>[] = [
    {
      key: "select",
      width: 40,
      label: "Select",
      header: (
        <input
          type="checkbox"
          aria-label="Select every customer shown"
          data-testid="customer-select-all"
          checked={allShownSelected}
          onChange={() => {
            setSelected((s) => {
              const next = new Set(s);
              for (const c of shown) {
                if (allShownSelected) next.delete(customerKey(c));
                else next.add(customerKey(c));
              }
              return next;
            });
          }}
        />
      ),
      cell: (c) => (
        <input
          type="checkbox"
          aria-label={`Select ${c.companyName}`}
          data-testid="customer-select"
          checked={selected.has(customerKey(c))}
          onChange={() => {
            toggle(c);
          }}
        />
      ),
    },
    {
      key: "company",
      header: "Company",
      width: 200,
      compare: byCompany,
      cell: (c) => (
        <>
          <span title={c.companyName}>{c.companyName}</span>
          {!c.reachable && (
            <span className="badge warn" title="Partner Center refused access: no commerce relationship">
              No access
            </span>
          )}
        </>
      ),
    },
    {
      key: "cost",
      header: "Cost MTD",
      width: 130,
      numeric: true,
      compare: byCost,
      money: costOf,
      isBlank: noCost,
      cell: (c) => (c.monthToDateCost === null ? "—" : formatMoney(c.monthToDateCost, c.currency)),
    },
    {
      key: "resale",
      header: "Resale MTD",
      width: 130,
      numeric: true,
      compare: byResale,
      money: resaleOf,
      isBlank: noResale,
      cell: (c) => (c.monthToDateResale === null ? "—" : formatMoney(c.monthToDateResale, c.currency)),
    },
    {
      key: "margin",
      header: "Margin",
      width: 110,
      numeric: true,
      compare: byMargin,
      money: marginOf,
      isBlank: noMargin,
      cell: (c) => (c.monthToDateMargin === null ? "—" : formatMoney(c.monthToDateMargin, c.currency)),
    },
    {
      // The other half of the gain beside Margin (the markup): what credit and discounts save on
      // list. In the chooser: shown, the columns would not fit 1280 px.
      key: "savings",
      header: "Savings",
      label: "Savings MTD (list − effective)",
      width: 110,
      numeric: true,
      hidden: true,
      compare: bySavings,
      money: savingsOf,
      formatTotal: formatMoneyExact,
      isBlank: noSavings,
      cell: (c) =>
        c.monthToDateSavings === null ? (
          "—"
        ) : (
          <span title={c.monthToDateList === null ? undefined : `List ${formatMoneyExact(c.monthToDateList, c.currency)}: credit and discounts save this much`}>
            {formatMoneyExact(c.monthToDateSavings, c.currency)}
          </span>
        ),
    },
    {
      key: "markup",
      header: "Markup",
      width: 90,
      numeric: true,
      compare: byMarkup,
      isBlank: noMarkup,
      cell: (c) => {
        const found = markupOf(c, markupMap);
        const percent = found?.markup.percent ?? null;
        const text = percent === null ? "—" : formatPercent(percent);
        const from = found?.inherited ? ` (from ${found.markup.name})` : "";
        return (
          <a
            href={markupHref({ kind: "customer", customer: refOf(c) })}
            className={percent === null ? "markup-link hint" : "markup-link"}
            aria-label={`Markup of ${c.companyName}: ${percent === null ? "none" : text}${from}`}
            title={found?.inherited ? `Organization ${found.markup.name}'s markup` : "Open the markup editor"}
            data-testid="customer-markup"
          >
            {text}
            {found?.inherited && percent !== null && (
              <span className="badge" aria-hidden="true">
                org
              </span>
            )}
          </a>
        );
      },
    },
    {
      key: "subscriptions",
      header: "Subscriptions",
      // Its upper-case header on one line (130 broke it as SUBSCRIPTION / S).
      width: 142,
      numeric: true,
      compare: bySubscriptions,
      cell: (c) => formatCount(c.subscriptionCount),
    },
    { key: "domain", header: "Domain", width: 138, compare: byDomain, cell: (c) => <span title={c.domain}>{c.domain}</span> },
    {
      key: "exported",
      header: "Azure (exports)",
      width: 170,
      numeric: true,
      hidden: true,
      total: false,
      compare: byExported,
      money: exportedOf,
      isBlank: noExported,
      cell: (c) =>
        c.exportedCost === null || c.tenantId === null ? (
          "—"
        ) : (
          <a
            href={href("costs", c.accountId, "actual", c.exportedCost.month, c.tenantId)}
            title={`Azure cost in ${formatMonth(c.exportedCost.month)} from Cost Management exports: open the split`}
            data-testid="customer-exported-cost"
          >
            {formatMoney(c.exportedCost.cost, c.exportedCost.currency)}{" "}
            <span className="muted">{formatMonth(c.exportedCost.month)}</span>
          </a>
        ),
    },
    {
      key: "stack",
      header: "Azure Stack",
      width: 160,
      numeric: true,
      hidden: true,
      total: false,
      compare: byStack,
      money: stackOf,
      isBlank: noStack,
      cell: (c) =>
        c.stackCost === null ? (
          "—"
        ) : (
          <a
            href={href("stack", c.accountId)}
            title={`Azure Stack Hub usage in ${formatMonth(c.stackCost.month)}, rated per vCPU-hour: open Azure Stack`}
            data-testid="customer-stack-cost"
          >
            {formatMoney(c.stackCost.amount, c.stackCost.currency)}{" "}
            <span className="muted">{formatMonth(c.stackCost.month)}</span>
          </a>
        ),
    },
    { key: "account", header: "Account", width: 120, hidden: true, compare: byAccount, cell: (c) => c.accountName },
    {
      key: "relationship",
      header: "Relationship",
      width: 115,
      hidden: true,
      compare: byRelationship,
      isBlank: noRelationship,
      cell: (c) => (c.relationship ? relationshipLabel(c.relationship) : "—"),
    },
    {
      key: "organization",
      header: "Organization",
      width: 150,
      hidden: true,
      compare: byOrganization,
      isBlank: noOrganization,
      cell: (c) => c.organizationName ?? "—",
    },
    {
      key: "tenant",
      header: "Tenant ID",
      width: 140,
      hidden: true,
      compare: byTenant,
      isBlank: noTenant,
      cell: (c) => (c.tenantId ? <ShortId id={c.tenantId} label="tenant ID" /> : <span className="hint">—</span>),
    },
  ];

  return (
    <>
      <div className="toolbar">
        <SearchField label="Search customers" placeholder="Company, domain or tenant ID" testId="customer-search" value={query} onChange={setQuery} />
        <p className="count" role="status" data-testid="customer-count">
          {formatCount(shown.length)} {shown.length === 1 ? "customer" : "customers"}
          {shown.length !== list.length && <span className="hint"> · filtered from {formatCount(list.length)}</span>}
          {chosen.length > 0 && <span className="hint"> · {formatCount(chosen.length)} selected</span>}
        </p>
        <ExportButton request={(bom) => ({ table: { table: "customers" }, bom, keys: seen.current.map((c) => `${c.accountId}/${c.id}`) })} />
      </div>
      <VirtualTable
        onSorted={onSorted}
        caption="Customers"
        testId="customer-table"
        rowTestId="customer-row"
        rows={shown}
        columns={columns}
        rowKey={customerKey}
        rowLabel={(c) => `${c.companyName}, ${c.domain}`}
        initialSort={{ key: "company", direction: "ascending" }}
        pinned={2}
        inUrl
        empty={<span className="hint">No customer matches “{query.trim()}”.</span>}
        onOpen={openCustomer}
        onToggle={toggle}
      />
      <p className="hint">Enter or a click opens a customer&apos;s subscriptions; Space selects it. A Markup link opens that customer&apos;s
        markup editor.</p>
      <OrganizationsPanel
        organizations={orgs}
        markups={markupMap.organizations}
        selected={chosen.map(refOf)}
        selectedNames={chosen.map((c) => c.companyName)}
        onChanged={(clearSelection) => {
          if (clearSelection) setSelected(new Set());
          onChanged();
        }}
      />
    </>
  );
}
