// Billing, three levels deep with a URL each (Back and Forward walk them):
//   #/billing                                   invoices
//   #/billing/<account>/<invoice>               the invoice's customers: cost, markup, fee, resale, margin
//   #/billing/<account>/<invoice>/<customer>    that customer's lines on the invoice
// Sums come from the backend, exact; this page never adds amounts itself.
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from "react";
import {
  billing,
  toApiError,
  type ApiError,
  type InvoiceCustomerDto,
  type InvoiceDetailDto,
  type InvoiceDto,
  type InvoiceLineDto,
  type LineGroupDto,
  type UnbilledDto,
} from "../ipc";
import { useDiscovery } from "../discovery/store";
import { formatCount, formatDay, formatDecimal, formatMoney } from "../format";
import { href } from "../routing/route";
import { compareDecimal, compareText } from "../table/sort";
import { SearchField } from "../table/SearchField";
import { VirtualTable, type Column } from "../table/VirtualTable";
import { ExportButton } from "../components/ExportButton";
import { NotDiscoveredPage } from "./NotDiscoveredPage";

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

  if (load.state === "ready" && list.length === 0) return <NotDiscoveredPage title="Billing" page="billing" />;

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
// One customer's lines

const PAGE = 5_000;
const byProduct = (a: InvoiceLineDto, b: InvoiceLineDto) => compareText(a.product ?? "", b.product ?? "");
const bySku = (a: InvoiceLineDto, b: InvoiceLineDto) => compareText(a.sku ?? "", b.sku ?? "");
const bySubscription = (a: InvoiceLineDto, b: InvoiceLineDto) => compareText(a.subscriptionId ?? "", b.subscriptionId ?? "");
const byCharge = (a: InvoiceLineDto, b: InvoiceLineDto) => compareText(a.chargeType ?? "", b.chargeType ?? "");
const byStart = (a: InvoiceLineDto, b: InvoiceLineDto) => (a.chargeStart ?? "").localeCompare(b.chargeStart ?? "");
const byQuantity = (a: InvoiceLineDto, b: InvoiceLineDto) => compareDecimal(a.quantity ?? "", b.quantity ?? "");
const byUnit = (a: InvoiceLineDto, b: InvoiceLineDto) => compareDecimal(a.unitPrice ?? "", b.unitPrice ?? "");
const byLineCost = (a: InvoiceLineDto, b: InvoiceLineDto) => compareDecimal(a.cost, b.cost);
const byLineResale = (a: InvoiceLineDto, b: InvoiceLineDto) => compareDecimal(a.resale, b.resale);
const byLine = (a: InvoiceLineDto, b: InvoiceLineDto) => a.line - b.line;

type Lines = { lines: InvoiceLineDto[]; total: number; done: boolean };

function CustomerLines({ accountId, invoiceId, customerId }: { accountId: string; invoiceId: string; customerId: string }) {
  const [detail] = useLoad(() => billing.detail(accountId, invoiceId), [accountId, invoiceId]);
  const [lines, setLines] = useState<Lines | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [query, setQuery] = useState("");
  const [product, setProduct] = useState("");
  const [grouped, setGrouped] = useState(false);
  const needle = useDeferredValue(query).trim().toLowerCase();
  const { finished } = useDiscovery();

  // Lines arrive a page at a time; the table shows each page as it comes.
  useEffect(() => {
    const run = { live: true };
    (async () => {
      let all: InvoiceLineDto[] = [];
      for (;;) {
        const page = await billing.lines(accountId, invoiceId, customerId, all.length, PAGE);
        if (!run.live) return;
        all = all.concat(page.lines);
        const done = page.lines.length === 0 || all.length >= page.total;
        setLines({ lines: all, total: page.total, done });
        if (done) return;
      }
    })().catch((e: unknown) => {
      if (run.live) setError(toApiError(e));
    });
    return () => {
      run.live = false;
    };
  }, [accountId, invoiceId, customerId, attempt, finished]);

  const customer = detail.state === "ready" ? detail.data.customers.find((c) => c.customerId === customerId) : undefined;
  const currency = detail.state === "ready" ? detail.data.invoice.currency : null;
  const name = customer ? nameOf(customer) : customerId;
  const all = useMemo(() => lines?.lines ?? [], [lines]);
  // Lines are numbered in invoice order, 1 to n, whatever the sort or filter.
  const position = useMemo(() => new Map(all.map((l, i) => [`${l.source}/${l.line}`, i + 1])), [all]);
  const products = useMemo(() => [...new Set(all.map((l) => l.product ?? ""))].sort(), [all]);
  const shown = useMemo(
    () =>
      all.filter(
        (l) =>
          (!product || (l.product ?? "") === product) &&
          (!needle || `${l.product ?? ""}\n${l.sku ?? ""}\n${l.subscriptionId ?? ""}\n${l.chargeType ?? ""}`.toLowerCase().includes(needle)),
      ),
    [all, product, needle],
  );
  const money = (amount: string) => formatMoney(amount, currency);
  const text = (v: string | null) => (v ? <span title={v}>{v}</span> : dash);

  const columns: Column<InvoiceLineDto>[] = [
    { key: "line", header: "#", width: 70, numeric: true, compare: byLine, cell: (l) => formatCount(position.get(`${l.source}/${l.line}`) ?? 0) },
    { key: "product", header: "Product / category", width: 200, compare: byProduct, cell: (l) => text(l.product) },
    { key: "sku", header: "SKU / meter", width: 190, compare: bySku, cell: (l) => text(l.sku) },
    { key: "subscription", header: "Subscription", width: 150, compare: bySubscription, cell: (l) => <span className="mono">{text(l.subscriptionId)}</span> },
    { key: "charge", header: "Charge type", width: 140, compare: byCharge, cell: (l) => text(l.chargeType) },
    {
      key: "period",
      header: "Charge period",
      width: 200,
      compare: byStart,
      cell: (l) => (
        <>
          {maybeDay(l.chargeStart)} – {maybeDay(l.chargeEnd)}
        </>
      ),
    },
    { key: "quantity", header: "Quantity", width: 100, numeric: true, compare: byQuantity, cell: (l) => (l.quantity ? formatDecimal(l.quantity) : dash) },
    { key: "unit", header: "Unit price", width: 110, numeric: true, compare: byUnit, cell: (l) => (l.unitPrice ? formatDecimal(l.unitPrice) : dash) },
    { key: "effective", header: "Effective price", width: 120, numeric: true, cell: (l) => (l.effectiveUnitPrice ? formatDecimal(l.effectiveUnitPrice) : dash) },
    { key: "cost", header: "Cost", width: 120, numeric: true, compare: byLineCost, cell: (l) => money(l.cost) },
    { key: "resale", header: "Resale", width: 120, numeric: true, compare: byLineResale, cell: (l) => money(l.resale) },
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
      {error && (
        <Failed
          error={error}
          retry={() => {
            setError(null);
            setLines(null);
            setAttempt((a) => a + 1);
          }}
        />
      )}
      {!lines && !error && <p role="status">Loading lines…</p>}
      {lines && (
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
      {lines && grouped && (
        <Groups
          accountId={accountId}
          invoiceId={invoiceId}
          customerId={customerId}
          currency={currency}
          onPick={(p) => {
            setProduct(p);
            setGrouped(false);
          }}
        />
      )}
      {lines && !grouped && (
        <>
          <div className="toolbar">
            <SearchField label="Search lines" placeholder="Product, meter, subscription or charge type" testId="line-search" value={query} onChange={setQuery} />
            <div className="field">
              <label htmlFor="line-product">Product</label>
              <select
                id="line-product"
                data-testid="line-product"
                value={product}
                onChange={(e) => {
                  setProduct(e.target.value);
                }}
              >
                <option value="">All products</option>
                {products.map((p) => (
                  <option key={p} value={p}>
                    {p || "(none)"}
                  </option>
                ))}
              </select>
            </div>
            <p className="count" role="status" data-testid="line-count">
              {formatCount(shown.length)} {shown.length === 1 ? "line" : "lines"}
              {!lines.done && (
                <span className="hint">
                  {" "}
                  · loading {formatCount(lines.lines.length)} of {formatCount(lines.total)}
                </span>
              )}
            </p>
            <ExportButton
              request={(bom) => ({
                table: { table: "customerLines", accountId, invoiceId, customerId, customerFacing: false },
                bom,
                keys: null,
              })}
            />
            <ExportButton
              label="Export FOCUS"
              testId="export-focus-csv"
              request={(bom) => ({
                table: { table: "customerFocus", accountId, invoiceId, customerId },
                bom,
                keys: null,
              })}
            />
            <ExportButton
              label="Export for the customer"
              testId="export-customer-csv"
              request={(bom) => ({
                table: { table: "customerLines", accountId, invoiceId, customerId, customerFacing: true },
                bom,
                keys: null,
              })}
            />
          </div>
          <VirtualTable
            caption={`${name}'s lines on invoice ${invoiceId}`}
            testId="line-table"
            rowTestId="line-row"
            rows={shown}
            columns={columns}
            rowKey={(l) => `${l.source}/${l.line}`}
            initialSort={{ key: "line", direction: "ascending" }}
            empty={<span className="hint">No line matches the search or product.</span>}
          />
          <p className="hint">
            Exports hold every line of the customer on this invoice in invoice order. “Export for the customer” leaves out
            our cost and Microsoft&apos;s prices: each line at its resale amount.
          </p>
        </>
      )}
    </section>
  );
}

const byGroupCost = (a: LineGroupDto, b: LineGroupDto) => compareDecimal(a.cost, b.cost);
const byGroupResale = (a: LineGroupDto, b: LineGroupDto) => compareDecimal(a.resale, b.resale);
const byGroupLines = (a: LineGroupDto, b: LineGroupDto) => a.lines - b.lines;
const byGroupProduct = (a: LineGroupDto, b: LineGroupDto) => compareText(a.product, b.product);

/** The customer's lines added up by product (exact sums from the backend); a product opens its lines. */
function Groups({
  accountId,
  invoiceId,
  customerId,
  currency,
  onPick,
}: {
  accountId: string;
  invoiceId: string;
  customerId: string;
  currency: string | null;
  onPick: (product: string) => void;
}) {
  const [load, retry] = useLoad(() => billing.groups(accountId, invoiceId, customerId), [accountId, invoiceId, customerId]);
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
