// One customer's lines on an invoice (#/billing/<account>/<invoice>/<customer>): a million of
// them stay in the backend, which sorts, searches and filters them and adds up what is in view;
// the table fetches the pages it shows. Beside them, the customer's rated usage of the
// invoice's month (?view=rated): list, effective, billed, resale and savings per rated line.

import type { UseQueryResult } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Failed, Loading } from "../../components/QueryState";
import { Crumbs } from "../../components/Crumbs";
import { dash, maybeDay } from "./cells";
import { useGroups, useInvoiceDetail } from "./queries";
import {
  billing,
  type InvoiceCustomerDto,
  type InvoiceLineDto,
  type InvoiceLinesPageDto,
  type LineColumn,
  type LineGroupDto,
  type LineQueryDto,
} from "../../ipc";
import { useDiscovery } from "../discovery/store";
import { formatCount, formatDecimal, formatMoney, formatMonth } from "../../format";
import { href } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";
import { usePagedRows } from "../../table/pagedRows";
import { VirtualTable, type Column, type Sort } from "../../table/VirtualTable";
import { ExportMenu } from "../../components/ExportButton";
import { flushQuery, useUrlSort, useUrlState, writeQuery } from "../../routing/urlState";
import { RatedUsage } from "./RatedUsage";
import { ShortId } from "../../table/ShortId";
import { chargeTypeLabel } from "../../labels";
import { subtractDecimal } from "../../money";
import type { CurrencyTotal } from "../../table/totals";
import { SEARCH_PAUSE_MS, useSettled } from "../../table/useSettled";

const nameOf = (c: InvoiceCustomerDto) => c.customerName ?? c.customerId;

/** The line columns the backend sorts by, under their column keys. */
const sortable = new Set<string>([
  "line",
  "product",
  "sku",
  "subscription",
  "chargeType",
  "chargeStart",
  "quantity",
  "unitPrice",
  "cost",
  "resale",
]);
const isLineColumn = (key: string): key is LineColumn => sortable.has(key);

type LinesAbout = Pick<InvoiceLinesPageDto, "all" | "sums">;

export function CustomerLines({ accountId, invoiceId, customerId }: { accountId: string; invoiceId: string; customerId: string }) {
  const detail = useInvoiceDetail(accountId, invoiceId);
  const groups = useGroups(accountId, invoiceId, customerId);
  const [search, setSearch] = useUrlState("q");
  // "" is every product; a product is kept as "=" and its name ("=" alone: lines without one).
  const [productText, setProductText] = useUrlState("product");
  const product = productText.startsWith("=") ? productText.slice(1) : null;
  const setProduct = (p: string | null) => {
    setProductText(p === null ? "" : `=${p}`);
  };
  const [sort, setSort] = useUrlSort(LINE_SORT);
  const [grouped, setGrouped] = useState(false);
  // "" shows the invoice's lines; "rated" the customer's rated usage of the invoice's month.
  const [view, setView] = useUrlState("view");
  const { finished } = useDiscovery();
  const settledSearch = useSettled(search.trim(), SEARCH_PAUSE_MS);

  const query: LineQueryDto = useMemo(
    () => ({
      sort: isLineColumn(sort.key) ? sort.key : "line",
      descending: sort.direction === "descending",
      search: settledSearch,
      product,
    }),
    [sort, settledSearch, product],
  );
  // A Discovery run may have read the lines again: the same query is another list then.
  const key = JSON.stringify([accountId, invoiceId, customerId, query, finished]);
  const lines = usePagedRows<InvoiceLineDto, LinesAbout>(key, async (offset, limit) => {
    const page = await billing.lines(accountId, invoiceId, customerId, query, offset, limit);
    return { total: page.total, rows: page.lines, about: { all: page.all, sums: page.sums } };
  });

  const customer = detail.data?.customers.find((c) => c.customerId === customerId);
  const currency = detail.data?.invoice.currency ?? null;
  const name = customer ? nameOf(customer) : customerId;
  const products = groups.data ? groups.data.map((g) => g.product).sort((a, b) => compareText(a, b)) : [];
  const money = (amount: string, cur: string | null = currency) => formatMoney(amount, cur);
  const text = (v: string | null) => (v ? <span title={v}>{v}</span> : dash);
  const filtered = query.search !== "" || query.product !== null;

  const lineCurrency = (l: InvoiceLineDto) => l.currency ?? currency;
  const marginOf = (l: InvoiceLineDto) => subtractDecimal(l.resale, l.cost);
  // The name and the money first (they fit 1280 px); ids, periods and prices in the chooser.
  const columns: Column<InvoiceLineDto>[] = [
    { key: "product", header: "Product / category", width: 230, sortable: true, cell: (l) => text(l.product) },
    { key: "cost", header: "Cost", width: 115, numeric: true, sortable: true, cell: (l) => money(l.cost, lineCurrency(l)) },
    { key: "resale", header: "Resale", width: 115, numeric: true, sortable: true, cell: (l) => money(l.resale, lineCurrency(l)) },
    {
      key: "margin",
      header: "Margin",
      width: 105,
      numeric: true,
      cell: (l) => {
        const m = marginOf(l);
        return m === null ? dash : money(m, lineCurrency(l));
      },
    },
    { key: "quantity", header: "Quantity", width: 100, numeric: true, sortable: true, cell: (l) => (l.quantity ? formatDecimal(l.quantity) : dash) },
    { key: "sku", header: "SKU / meter", width: 180, sortable: true, cell: (l) => text(l.sku) },
    { key: "chargeType", header: "Charge type", width: 125, sortable: true, cell: (l) => (l.chargeType ? chargeTypeLabel(l.chargeType) : dash) },
    { key: "line", header: "#", width: 70, numeric: true, sortable: true, hidden: true, label: "Line number", cell: (l) => formatCount(l.position) },
    {
      key: "subscription",
      header: "Subscription",
      width: 130,
      sortable: true,
      hidden: true,
      cell: (l) => (l.subscriptionId ? <ShortId id={l.subscriptionId} label="subscription ID" /> : dash),
    },
    {
      key: "chargeStart",
      header: "Charge period",
      width: 200,
      sortable: true,
      hidden: true,
      cell: (l) => (
        <>
          {maybeDay(l.chargeStart)} – {maybeDay(l.chargeEnd)}
        </>
      ),
    },
    { key: "unitPrice", header: "Unit price", width: 110, numeric: true, sortable: true, hidden: true, cell: (l) => (l.unitPrice ? formatDecimal(l.unitPrice) : dash) },
    { key: "effective", header: "Effective price", width: 120, numeric: true, hidden: true, cell: (l) => (l.effectiveUnitPrice ? formatDecimal(l.effectiveUnitPrice) : dash) },
  ];
  // The backend's exact sums of the lines in view, per currency, in the grid's totals rows.
  const sums = lines.about?.sums;
  const totalsRows = useMemo<CurrencyTotal[] | undefined>(
    () =>
      sums?.map((s) => {
        const margin = subtractDecimal(s.resale, s.cost);
        return {
          currency: s.currency || (currency ?? ""),
          rows: s.lines,
          sums: margin === null ? { cost: s.cost, resale: s.resale } : { cost: s.cost, resale: s.resale, margin },
        };
      }),
    [sums, currency],
  );

  const period = detail.data?.invoice.billingPeriodStart?.slice(0, 7) ?? null;
  const header = (
    <>
      <h1 id="page-title">{name}</h1>
      <Crumbs
        items={[
          { label: "Billing", href: href("billing") },
          { label: `Invoice ${invoiceId}`, href: href("billing", accountId, invoiceId) },
          { label: name },
        ]}
      />
      {customer && (
        <dl className="stats" data-testid="customer-invoice-totals">
          <div>
            <dt>Lines</dt>
            <dd>{formatCount(customer.lines)}</dd>
          </div>
          <div>
            <dt>Microsoft cost</dt>
            <dd>{money(customer.cost)}</dd>
          </div>
          <div>
            <dt>Markup</dt>
            <dd>{money(customer.markup)}</dd>
          </div>
          <div>
            <dt>Fee</dt>
            <dd>{money(customer.fee)}</dd>
          </div>
          <div>
            <dt>Resale</dt>
            <dd>{money(customer.resale)}</dd>
          </div>
          <div>
            <dt>Margin</dt>
            <dd>{money(customer.margin)}</dd>
          </div>
        </dl>
      )}
      {period && <ViewTabs view={view} period={period} onView={setView} />}
    </>
  );
  if (view === "rated" && period) {
    return (
      <section className="list-page">
        {header}
        <RatedUsage accountId={accountId} customerId={customerId} period={period} name={name} />
      </section>
    );
  }
  return (
    <section className="list-page">
      {header}
      {lines.error && <Failed error={lines.error} retry={lines.retry} />}
      {!lines.source && !lines.error && <p role="status">Working out the lines…</p>}
      {lines.source && (
        <div className="view-switch">
          <button
            type="button"
            data-testid="group-toggle"
            aria-pressed={grouped}
            onClick={() => {
              setGrouped((g) => !g);
            }}
          >
            {grouped ? "Show every line" : "Group by product"}
          </button>
        </div>
      )}
      {lines.source && grouped && (
        <Groups
          load={groups}
          currency={currency}
          onPick={(p) => {
            setProduct(p);
            setGrouped(false);
          }}
        />
      )}
      {lines.source && lines.about && !grouped && (
        <>
          <div className="toolbar">
            <SearchField label="Search lines" placeholder="Product, meter, subscription or charge type" testId="line-search" value={search} onChange={setSearch} />
            <div className="field">
              <label htmlFor="line-product">Product</label>
              <select
                id="line-product"
                data-testid="line-product"
                value={product === null ? ALL_PRODUCTS : `=${product}`}
                onChange={(e) => {
                  const v = e.target.value;
                  setProduct(v === ALL_PRODUCTS ? null : v.slice(1));
                }}
              >
                <option value={ALL_PRODUCTS}>All products</option>
                {products.map((p) => (
                  <option key={p} value={`=${p}`}>
                    {p || "(none)"}
                  </option>
                ))}
              </select>
            </div>
            <p className="count" role="status" data-testid="line-count">
              {formatCount(lines.source.count)} {lines.source.count === 1 ? "line" : "lines"}
              {filtered && <span className="hint"> of {formatCount(lines.about.all)}</span>}
              {lines.busy && <span className="hint"> · working…</span>}
            </p>
            <ExportMenu
              request={(bom) => ({
                table: { table: "customerLines", accountId, invoiceId, customerId, customerFacing: false, query },
                bom,
                keys: null,
              })}
              more={[
                {
                  testId: "export-focus-cost-csv",
                  label: "FOCUS CSV at our cost",
                  bom: false,
                  request: (bom) => ({
                    table: { table: "customerFocus", accountId, invoiceId, customerId, customerFacing: false, query },
                    bom,
                    keys: null,
                  }),
                },
                {
                  testId: "export-focus-csv",
                  label: "FOCUS CSV for the customer",
                  bom: false,
                  request: (bom) => ({ table: { table: "customerFocus", accountId, invoiceId, customerId, customerFacing: true, query }, bom, keys: null }),
                },
                {
                  testId: "export-customer-csv",
                  label: "For the customer (Excel-safe CSV)",
                  bom: true,
                  request: (bom) => ({
                    table: { table: "customerLines", accountId, invoiceId, customerId, customerFacing: true, query },
                    bom,
                    keys: null,
                  }),
                },
              ]}
            />
          </div>
          <VirtualTable
            caption={`${name}'s lines on invoice ${invoiceId}`}
            testId="line-table"
            rowTestId="line-row"
            source={lines.source}
            sort={sort}
            onSort={setSort}
            columns={columns}
            rowKey={(l) => `${l.source}/${l.line}`}
            initialSort={LINE_SORT}
            totalsRows={totalsRows}
            inUrl
            empty={<span className="hint">No line matches the search or product.</span>}
          />
          <dl className="stats line-totals" data-testid="line-totals" aria-label={filtered ? "Lines in view add up to" : "Lines add up to"}>
            {lines.about.sums.map((s) => (
              <div key={s.currency} data-currency={s.currency}>
                <dt>
                  {formatCount(s.lines)} {s.lines === 1 ? "line" : "lines"}
                  {s.currency ? ` in ${s.currency}` : ""}
                </dt>
                <dd>
                  cost <span data-testid="line-sum-cost">{money(s.cost, s.currency || currency)}</span>, resale{" "}
                  <span data-testid="line-sum-resale">{money(s.resale, s.currency || currency)}</span>
                </dd>
              </div>
            ))}
          </dl>
          <p className="hint">
            Exports hold the lines in view, in the order shown. “For the customer” leaves out our cost and
            Microsoft&apos;s prices: each line at its resale amount. The monthly fee is in the FOCUS file when every line
            is in view.
          </p>
        </>
      )}
    </section>
  );
}

/** Invoice lines or rated usage: two grids of one customer, each with its own search and sort. */
function ViewTabs({ view, period, onView }: { view: string; period: string; onView: (view: string) => void }) {
  const pick = (next: string) => () => {
    if (next === view) return;
    // The other grid's sort, currency and scroll mean nothing here.
    writeQuery({ sort: null, cur: null, top: null });
    flushQuery();
    onView(next);
  };
  return (
    <div className="view-switch" role="group" aria-label="What to show" data-testid="customer-views">
      <button type="button" data-testid="view-lines" aria-pressed={view !== "rated"} onClick={pick("")}>
        Invoice lines
      </button>
      <button type="button" data-testid="view-rated" aria-pressed={view === "rated"} onClick={pick("rated")}>
        Rated usage of {formatMonth(period)}: list, effective, savings
      </button>
    </div>
  );
}

/** Lines in Microsoft's order unless the user sorts them. */
const LINE_SORT: Sort = { key: "line", direction: "ascending" };

/** The product select's "every product" (other values are `=` and the product, "" included). */
const ALL_PRODUCTS = "*";

const byGroupCost = (a: LineGroupDto, b: LineGroupDto) => compareDecimal(a.cost, b.cost);
const byGroupResale = (a: LineGroupDto, b: LineGroupDto) => compareDecimal(a.resale, b.resale);
const byGroupLines = (a: LineGroupDto, b: LineGroupDto) => a.lines - b.lines;
const byGroupProduct = (a: LineGroupDto, b: LineGroupDto) => compareText(a.product, b.product);

/** The customer's lines added up by product (exact sums from the backend); a product opens its lines. */
function Groups({
  load,
  currency,
  onPick,
}: {
  load: UseQueryResult<LineGroupDto[]>;
  currency: string | null;
  onPick: (product: string) => void;
}) {
  const columns: Column<LineGroupDto>[] = [
    {
      key: "product",
      header: "Product / category",
      width: 260,
      compare: byGroupProduct,
      cell: (g) => (
        <button
          type="button"
          className="link"
          onClick={() => {
            onPick(g.product);
          }}
        >
          {g.product || "(none)"}
        </button>
      ),
    },
    { key: "lines", header: "Lines", width: 100, numeric: true, compare: byGroupLines, cell: (g) => formatCount(g.lines) },
    { key: "cost", header: "Cost", width: 150, numeric: true, compare: byGroupCost, cell: (g) => formatMoney(g.cost, currency) },
    { key: "resale", header: "Resale", width: 150, numeric: true, compare: byGroupResale, cell: (g) => formatMoney(g.resale, currency) },
  ];
  if (load.isPending) return <Loading>Adding up the lines by product…</Loading>;
  if (load.isError) return <Failed error={load.error} retry={() => void load.refetch()} />;
  return (
    <VirtualTable
      caption="Lines by product"
      testId="group-table"
      rowTestId="group-row"
      rows={load.data}
      columns={columns}
      rowKey={(g) => g.product}
      initialSort={{ key: "cost", direction: "descending" }}
      empty={<span className="hint">No lines.</span>}
      onOpen={(g) => {
        onPick(g.product);
      }}
    />
  );
}
