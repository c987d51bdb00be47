// Billing, three levels deep with a URL each (Back and Forward walk them):
//   #/billing                                   invoices
//   #/billing/<account>/<invoice>               the invoice's customers: cost, markup, fee, resale, margin
//   #/billing/<account>/<invoice>/<customer>    that customer's lines on the invoice
// Sums come from the backend, exact; this page never adds amounts itself.
import { StackBilling } from "../azure_stack/StackUsage";
import { ExportedBilling } from "../cost_exports/ExportedBilling";
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import {
  billing,
  toApiError,
  type ApiError,
  type InvoiceCustomerDto,
  type InvoiceDetailDto,
  type InvoiceDto,
  type InvoiceLineDto,
  type InvoiceLinesPageDto,
  type LineColumn,
  type LineGroupDto,
  type LineQueryDto,
  type UnbilledDto,
} from "../../ipc";
import { useDiscovery } from "../discovery/store";
import { formatCount, formatDay, formatDecimal, formatMoney } from "../../format";
import { href } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";
import { usePagedRows } from "../../table/pagedRows";
import { VirtualTable, type Column, type Sort } from "../../table/VirtualTable";
import { ExportButton } from "../../components/ExportButton";
import { NotDiscovered } from "../../components/NotDiscovered";

type Load<T> = { state: "loading" } | { state: "ready"; data: T } | { state: "failed"; error: ApiError };

/** Loads `fetch()` again whenever Discovery finishes a run or `retry` is pressed. */
function useLoad<T>(fetch: () => Promise<T>, deps: readonly unknown[]): [Load<T>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const { finished } = useDiscovery();
  useEffect(() => {
    let live = true;
    fetch().then(
      (data) => {
        if (live) setLoad({ state: "ready", data });
      },
      (e: unknown) => {
        if (live) setLoad({ state: "failed", error: toApiError(e) });
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `fetch` is rebuilt each render; `deps` name what it reads.
  }, [...deps, attempt, finished]);
  const retry = useCallback(() => {
    setLoad({ state: "loading" });
    setAttempt((a) => a + 1);
  }, []);
  return [load, retry];
}

function Failed({ error, retry }: { error: ApiError; retry: () => void }) {
  return (
    <div className="error" role="alert">
      <p>{error.message}</p>
      <button type="button" onClick={retry}>
        Try again
      </button>
    </div>
  );
}

function Crumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
      <ol>
        {items.map((i) =>
          i.href ? (
            <li key={i.label}>
              <a href={i.href}>{i.label}</a>
            </li>
          ) : (
            <li key={i.label} aria-current="page">
              {i.label}
            </li>
          ),
        )}
      </ol>
    </nav>
  );
}

const dash = <span className="hint">—</span>;
const maybeDay = (d: string | null) => (d ? formatDay(d) : dash);
const isCredit = (i: InvoiceDto) => (i.documentType ?? "").toLowerCase().includes("credit") || i.total.startsWith("-");

export function BillingPage({ rest }: { rest: string[] }) {
  const [accountId, invoiceId, customerId] = rest;
  if (accountId !== undefined && invoiceId !== undefined && customerId !== undefined) {
    return <CustomerLines accountId={accountId} invoiceId={invoiceId} customerId={customerId} />;
  }
  if (accountId !== undefined && invoiceId !== undefined) {
    return <InvoiceDetail accountId={accountId} invoiceId={invoiceId} />;
  }
  return <Invoices />;
}

// ------------------------------------------------------------------------------------
// Invoices

const invoiceKey = (i: InvoiceDto) => `${i.accountId}/${i.id}`;
const byNumber = (a: InvoiceDto, b: InvoiceDto) => compareText(a.id, b.id);
const byDate = (a: InvoiceDto, b: InvoiceDto) => (a.invoiceDate ?? "").localeCompare(b.invoiceDate ?? "");
const byPeriod = (a: InvoiceDto, b: InvoiceDto) => (a.billingPeriodStart ?? "").localeCompare(b.billingPeriodStart ?? "");
const byTotal = (a: InvoiceDto, b: InvoiceDto) => compareDecimal(a.total, b.total);
const byPaid = (a: InvoiceDto, b: InvoiceDto) => compareDecimal(a.paid ?? "", b.paid ?? "");
const byCurrency = (a: InvoiceDto, b: InvoiceDto) => compareText(a.currency, b.currency);
const byInvoiceAccount = (a: InvoiceDto, b: InvoiceDto) => compareText(a.accountName, b.accountName);
const byDocument = (a: InvoiceDto, b: InvoiceDto) => compareText(a.documentType ?? "", b.documentType ?? "");

function Invoices() {
  const [load, retry] = useLoad(() => billing.invoices(), []);
  const [unbilled] = useLoad(() => billing.unbilled(), []);
  const [query, setQuery] = useState("");
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly InvoiceDto[]>([]);
  const onSorted = useCallback((rows: readonly InvoiceDto[]) => {
    seen.current = rows;
  }, []);
  const list = useMemo(() => (load.state === "ready" ? load.data : []), [load]);
  const shown = useMemo(
    () => (needle ? list.filter((i) => `${i.id}\n${i.accountName}\n${i.currency}`.toLowerCase().includes(needle)) : list),
    [list, needle],
  );

  if (load.state === "ready" && list.length === 0) return <NotDiscovered title="Billing" page="billing" />;

  const columns: Column<InvoiceDto>[] = [
    {
      key: "number",
      header: "Invoice",
      width: 150,
      compare: byNumber,
      cell: (i) => <a href={href("billing", i.accountId, i.id)}>{i.id}</a>,
    },
    { key: "date", header: "Date", width: 115, compare: byDate, cell: (i) => maybeDay(i.invoiceDate) },
    {
      key: "period",
      header: "Billing period",
      width: 210,
      compare: byPeriod,
      cell: (i) => (
        <>
          {maybeDay(i.billingPeriodStart)} – {maybeDay(i.billingPeriodEnd)}
        </>
      ),
    },
    {
      key: "document",
      header: "Document",
      width: 120,
      compare: byDocument,
      cell: (i) => (isCredit(i) ? <span className="badge warn">Credit note</span> : (i.documentType ?? "Invoice")),
    },
    { key: "total", header: "Total", width: 140, numeric: true, compare: byTotal, cell: (i) => formatMoney(i.total, i.currency) },
    {
      key: "paid",
      header: "Paid",
      width: 130,
      numeric: true,
      compare: byPaid,
      isBlank: (i) => i.paid === null,
      cell: (i) => (i.paid === null ? dash : formatMoney(i.paid, i.currency)),
    },
    { key: "currency", header: "Currency", width: 90, compare: byCurrency, cell: (i) => i.currency },
    { key: "account", header: "Account", width: 130, compare: byInvoiceAccount, cell: (i) => i.accountName },
    {
      key: "lines",
      header: "Lines",
      width: 130,
      cell: (i) =>
        i.linesComplete ? (
          <span className="hint">read</span>
        ) : (
          <span className="badge warn" title="Run Discovery to finish reading this invoice's lines">
            partly read
          </span>
        ),
    },
  ];

  return (
    <section className="list-page">
      <h1 id="page-title">Billing</h1>
      {load.state === "loading" && <p role="status">Loading invoices…</p>}
      {load.state === "failed" && <Failed error={load.error} retry={retry} />}
      {load.state === "ready" && (
        <>
          <div className="toolbar">
            <SearchField label="Search invoices" placeholder="Invoice number, account or currency" testId="invoice-search" value={query} onChange={setQuery} />
            <p className="count" role="status" data-testid="invoice-count">
              {formatCount(shown.length)} {shown.length === 1 ? "invoice" : "invoices"}
            </p>
            <ExportButton
              request={(bom) => ({ table: { table: "invoices" }, bom, keys: seen.current.map(invoiceKey) })}
            />
          </div>
          {unbilled.state === "ready" && <Unbilled list={unbilled.data} />}
          <StackBilling />
          <ExportedBilling />
          <VirtualTable
            caption="Invoices"
            testId="invoice-table"
            rowTestId="invoice-row"
            rows={shown}
            columns={columns}
            rowKey={invoiceKey}
            rowLabel={(i) => `Invoice ${i.id}`}
            initialSort={{ key: "date", direction: "descending" }}
            empty={<span className="hint">No invoice matches “{query.trim()}”.</span>}
            onOpen={(i) => {
              window.location.hash = href("billing", i.accountId, i.id);
            }}
            onSorted={onSorted}
          />
          <p className="hint">Enter or a click opens an invoice: one row per customer with our markup, resale and margin.</p>
        </>
      )}
    </section>
  );
}

/** The open periods, apart from the invoices: Microsoft's daily rated usage so far. */
function Unbilled({ list }: { list: UnbilledDto[] }) {
  if (list.length === 0) return null;
  return (
    <section className="card unbilled" aria-labelledby="unbilled-title" data-testid="unbilled">
      <h2 id="unbilled-title">Not invoiced yet</h2>
      <table className="grid compact">
        <thead>
          <tr>
            <th>Period</th>
            <th>Account</th>
            <th className="num">Customers</th>
            <th className="num">Usage records</th>
            <th className="num">Usage so far</th>
          </tr>
        </thead>
        <tbody>
          {list.map((u) => (
            <tr key={`${u.accountId}/${u.period}/${u.currency}`} data-testid="unbilled-row">
              <td>{u.period}</td>
              <td>{u.accountName}</td>
              <td className="num">{formatCount(u.customers)}</td>
              <td className="num">{formatCount(u.records)}</td>
              <td className="num">{formatMoney(u.cost, u.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Microsoft&apos;s daily rated usage of the open month, read by Discovery. It can still change until the invoice
        comes; Reconciliation compares it with our rating.
      </p>
    </section>
  );
}

// ------------------------------------------------------------------------------------
// One invoice

const nameOf = (c: InvoiceCustomerDto) => c.customerName ?? c.customerId;
const byName = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => compareText(nameOf(a), nameOf(b));
const byLines = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => a.lines - b.lines;
const byCost = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => compareDecimal(a.cost, b.cost);
const byMarkup = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => compareDecimal(a.markup, b.markup);
const byFee = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => compareDecimal(a.fee, b.fee);
const byResale = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => compareDecimal(a.resale, b.resale);
const byMargin = (a: InvoiceCustomerDto, b: InvoiceCustomerDto) => compareDecimal(a.margin, b.margin);

function InvoiceDetail({ accountId, invoiceId }: { accountId: string; invoiceId: string }) {
  const [load, retry] = useLoad(() => billing.detail(accountId, invoiceId), [accountId, invoiceId]);
  const [query, setQuery] = useState("");
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly InvoiceCustomerDto[]>([]);
  const onSorted = useCallback((rows: readonly InvoiceCustomerDto[]) => {
    seen.current = rows;
  }, []);
  const detail: InvoiceDetailDto | null = load.state === "ready" ? load.data : null;
  const rows = useMemo(() => detail?.customers ?? [], [detail]);
  const shown = useMemo(
    () => (needle ? rows.filter((c) => `${nameOf(c)}\n${c.customerId}`.toLowerCase().includes(needle)) : rows),
    [rows, needle],
  );
  const currency = detail?.invoice.currency ?? null;
  const money = (amount: string) => formatMoney(amount, currency);

  const columns: Column<InvoiceCustomerDto>[] = [
    {
      key: "customer",
      header: "Customer",
      width: 240,
      compare: byName,
      cell: (c) => (
        <a href={href("billing", accountId, invoiceId, c.customerId)} title={c.customerId}>
          {nameOf(c)}
        </a>
      ),
    },
    { key: "lines", header: "Lines", width: 90, numeric: true, compare: byLines, cell: (c) => formatCount(c.lines) },
    { key: "cost", header: "Microsoft cost", width: 160, numeric: true, compare: byCost, cell: (c) => money(c.cost) },
    { key: "markup", header: "Markup", width: 120, numeric: true, compare: byMarkup, cell: (c) => money(c.markup) },
    { key: "fee", header: "Fee", width: 100, numeric: true, compare: byFee, cell: (c) => money(c.fee) },
    { key: "resale", header: "Resale", width: 140, numeric: true, compare: byResale, cell: (c) => money(c.resale) },
    { key: "margin", header: "Margin", width: 120, numeric: true, compare: byMargin, cell: (c) => money(c.margin) },
  ];

  return (
    <section className="list-page">
      <h1 id="page-title">Invoice {invoiceId}</h1>
      <Crumbs items={[{ label: "Billing", href: href("billing") }, { label: `Invoice ${invoiceId}` }]} />
      {load.state === "loading" && <p role="status">Loading the invoice…</p>}
      {load.state === "failed" && <Failed error={load.error} retry={retry} />}
      {detail && (
        <>
          <dl className="stats" data-testid="invoice-totals">
            <div>
              <dt>Invoice total</dt>
              <dd>{money(detail.invoice.total)}</dd>
            </div>
            <div>
              <dt>Customers add up to</dt>
              <dd data-testid="invoice-cost-total">
                {money(detail.costTotal)}{" "}
                {detail.matchesInvoice ? (
                  <span className="check-ok" title="Equal to the invoice total to the cent">
                    ✓
                  </span>
                ) : (
                  <span className="check-bad" title="Not every line is read yet: run Discovery">
                    ≠ total
                  </span>
                )}
              </dd>
            </div>
            <div>
              <dt>Markup</dt>
              <dd>{money(detail.markupTotal)}</dd>
            </div>
            <div>
              <dt>Fees</dt>
              <dd>{money(detail.feeTotal)}</dd>
            </div>
            <div>
              <dt>Resale</dt>
              <dd>{money(detail.resaleTotal)}</dd>
            </div>
            <div>
              <dt>Margin</dt>
              <dd>{money(detail.marginTotal)}</dd>
            </div>
            <div>
              <dt>Period</dt>
              <dd>
                {maybeDay(detail.invoice.billingPeriodStart)} – {maybeDay(detail.invoice.billingPeriodEnd)}
              </dd>
            </div>
          </dl>
          <div className="toolbar">
            <SearchField label="Search customers" placeholder="Company or customer id" testId="invoice-customer-search" value={query} onChange={setQuery} />
            <p className="count" role="status" data-testid="invoice-customer-count">
              {formatCount(shown.length)} {shown.length === 1 ? "customer" : "customers"}
            </p>
            <ExportButton
              request={(bom) => ({
                table: { table: "invoice", accountId, invoiceId },
                bom,
                keys: seen.current.map((c) => c.customerId),
              })}
            />
          </div>
          <VirtualTable
            caption={`Customers on invoice ${invoiceId}`}
            testId="invoice-customer-table"
            rowTestId="invoice-customer-row"
            rows={shown}
            columns={columns}
            rowKey={(c) => c.customerId}
            rowLabel={(c) => `${nameOf(c)}, open lines`}
            initialSort={{ key: "customer", direction: "ascending" }}
            empty={<span className="hint">No customer matches “{query.trim()}”.</span>}
            onOpen={(c) => {
              window.location.hash = href("billing", accountId, invoiceId, c.customerId);
            }}
            onSorted={onSorted}
          />
        </>
      )}
    </section>
  );
}

// ------------------------------------------------------------------------------------
// One customer's lines: a million of them stay in the backend, which sorts, searches and
// filters them and adds up what is in view; the table fetches the pages it shows.

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
/** The search is sent once typing pauses this long (ms). */
const SEARCH_PAUSE_MS = 250;

/** `value`, once it has stayed the same for `ms`. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => {
      setSettled(value);
    }, ms);
    return () => {
      clearTimeout(t);
    };
  }, [value, ms]);
  return settled;
}

type LinesAbout = Pick<InvoiceLinesPageDto, "all" | "sums">;

function CustomerLines({ accountId, invoiceId, customerId }: { accountId: string; invoiceId: string; customerId: string }) {
  const [detail] = useLoad(() => billing.detail(accountId, invoiceId), [accountId, invoiceId]);
  const [groups, retryGroups] = useLoad(() => billing.groups(accountId, invoiceId, customerId), [accountId, invoiceId, customerId]);
  const [search, setSearch] = useState("");
  const [product, setProduct] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>({ key: "line", direction: "ascending" });
  const [grouped, setGrouped] = useState(false);
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

  const customer = detail.state === "ready" ? detail.data.customers.find((c) => c.customerId === customerId) : undefined;
  const currency = detail.state === "ready" ? detail.data.invoice.currency : null;
  const name = customer ? nameOf(customer) : customerId;
  const products = groups.state === "ready" ? groups.data.map((g) => g.product).sort((a, b) => compareText(a, b)) : [];
  const money = (amount: string, cur: string | null = currency) => formatMoney(amount, cur);
  const text = (v: string | null) => (v ? <span title={v}>{v}</span> : dash);
  const filtered = query.search !== "" || query.product !== null;

  const columns: Column<InvoiceLineDto>[] = [
    { key: "line", header: "#", width: 70, numeric: true, sortable: true, cell: (l) => formatCount(l.position) },
    { key: "product", header: "Product / category", width: 200, sortable: true, cell: (l) => text(l.product) },
    { key: "sku", header: "SKU / meter", width: 190, sortable: true, cell: (l) => text(l.sku) },
    { key: "subscription", header: "Subscription", width: 150, sortable: true, cell: (l) => <span className="mono">{text(l.subscriptionId)}</span> },
    { key: "chargeType", header: "Charge type", width: 140, sortable: true, cell: (l) => text(l.chargeType) },
    {
      key: "chargeStart",
      header: "Charge period",
      width: 200,
      sortable: true,
      cell: (l) => (
        <>
          {maybeDay(l.chargeStart)} – {maybeDay(l.chargeEnd)}
        </>
      ),
    },
    { key: "quantity", header: "Quantity", width: 100, numeric: true, sortable: true, cell: (l) => (l.quantity ? formatDecimal(l.quantity) : dash) },
    { key: "unitPrice", header: "Unit price", width: 110, numeric: true, sortable: true, cell: (l) => (l.unitPrice ? formatDecimal(l.unitPrice) : dash) },
    { key: "effective", header: "Effective price", width: 120, numeric: true, cell: (l) => (l.effectiveUnitPrice ? formatDecimal(l.effectiveUnitPrice) : dash) },
    { key: "cost", header: "Cost", width: 120, numeric: true, sortable: true, cell: (l) => money(l.cost, l.currency ?? currency) },
    { key: "resale", header: "Resale", width: 120, numeric: true, sortable: true, cell: (l) => money(l.resale, l.currency ?? currency) },
  ];

  return (
    <section className="list-page">
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
          retry={retryGroups}
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
            <ExportButton
              request={(bom) => ({
                table: { table: "customerLines", accountId, invoiceId, customerId, customerFacing: false, query },
                bom,
                keys: null,
              })}
            />
            <ExportButton
              label="Export FOCUS"
              testId="export-focus-csv"
              request={(bom) => ({
                table: { table: "customerFocus", accountId, invoiceId, customerId, query },
                bom,
                keys: null,
              })}
            />
            <ExportButton
              label="Export for the customer"
              testId="export-customer-csv"
              request={(bom) => ({
                table: { table: "customerLines", accountId, invoiceId, customerId, customerFacing: true, query },
                bom,
                keys: null,
              })}
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
            initialSort={{ key: "line", direction: "ascending" }}
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
            Exports hold the lines in view, in the order shown. “Export for the customer” leaves out our cost and
            Microsoft&apos;s prices: each line at its resale amount. The monthly fee is in the FOCUS file when every line
            is in view.
          </p>
        </>
      )}
    </section>
  );
}

/** The product select's "every product" (other values are `=` and the product, "" included). */
const ALL_PRODUCTS = "*";

const byGroupCost = (a: LineGroupDto, b: LineGroupDto) => compareDecimal(a.cost, b.cost);
const byGroupResale = (a: LineGroupDto, b: LineGroupDto) => compareDecimal(a.resale, b.resale);
const byGroupLines = (a: LineGroupDto, b: LineGroupDto) => a.lines - b.lines;
const byGroupProduct = (a: LineGroupDto, b: LineGroupDto) => compareText(a.product, b.product);

/** The customer's lines added up by product (exact sums from the backend); a product opens its lines. */
function Groups({
  load,
  retry,
  currency,
  onPick,
}: {
  load: Load<LineGroupDto[]>;
  retry: () => void;
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
  if (load.state === "loading") return <p role="status">Adding up the lines by product…</p>;
  if (load.state === "failed") return <Failed error={load.error} retry={retry} />;
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
