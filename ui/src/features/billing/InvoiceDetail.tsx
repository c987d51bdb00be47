// One invoice (#/billing/<account>/<invoice>): a row per customer with our markup, fee,
// resale and margin, the totals checked against the invoice to the cent; the credit and
// adjustment notes issued against it, or, on a note, the invoice it amends.

import {
  useCallback,
  useDeferredValue,
  useMemo,
  useRef,
} from "react";
import { Failed, Loading } from "../../components/QueryState";
import { Crumbs } from "../../components/Crumbs";
import { maybeDay } from "./cells";
import { Amends, NotesOf } from "./Notes";
import { useInvoiceDetail } from "./queries";
import { type InvoiceCustomerDto, type InvoiceDetailDto } from "../../ipc";

import { formatCount, formatDateTime, formatMoney } from "../../format";
import { href } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";

import { VirtualTable, type Column } from "../../table/VirtualTable";
import { useUrlState } from "../../routing/urlState";
import { ExportButton } from "../../components/ExportButton";

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

export function InvoiceDetail({ accountId, invoiceId }: { accountId: string; invoiceId: string }) {
  const load = useInvoiceDetail(accountId, invoiceId);
  const [query, setQuery] = useUrlState("q");
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly InvoiceCustomerDto[]>([]);
  const onSorted = useCallback((rows: readonly InvoiceCustomerDto[]) => {
    seen.current = rows;
  }, []);
  const detail: InvoiceDetailDto | null = load.data ?? null;
  const rows = useMemo(() => detail?.customers ?? [], [detail]);
  const shown = useMemo(
    () => (needle ? rows.filter((c) => `${nameOf(c)}\n${c.customerId}`.toLowerCase().includes(needle)) : rows),
    [rows, needle],
  );
  const currency = detail?.invoice.currency ?? null;
  const money = (amount: string) => formatMoney(amount, currency);
  // Every amount on an invoice is in the invoice's currency.
  const amount = (pick: (c: InvoiceCustomerDto) => string) => (c: InvoiceCustomerDto) => ({ amount: pick(c), currency });

  const columns: Column<InvoiceCustomerDto>[] = [
    {
      key: "customer",
      header: "Customer",
      width: 230,
      compare: byName,
      cell: (c) => (
        <a href={href("billing", accountId, invoiceId, c.customerId)} title={c.customerId}>
          {nameOf(c)}
        </a>
      ),
    },
    { key: "cost", header: "Microsoft cost", width: 150, numeric: true, compare: byCost, money: amount((c) => c.cost), cell: (c) => money(c.cost) },
    { key: "resale", header: "Resale", width: 140, numeric: true, compare: byResale, money: amount((c) => c.resale), cell: (c) => money(c.resale) },
    { key: "margin", header: "Margin", width: 120, numeric: true, compare: byMargin, money: amount((c) => c.margin), cell: (c) => money(c.margin) },
    { key: "markup", header: "Markup", width: 110, numeric: true, compare: byMarkup, money: amount((c) => c.markup), cell: (c) => money(c.markup) },
    { key: "fee", header: "Fee", width: 100, numeric: true, compare: byFee, money: amount((c) => c.fee), cell: (c) => money(c.fee) },
    { key: "lines", header: "Lines", width: 80, numeric: true, compare: byLines, cell: (c) => formatCount(c.lines) },
  ];

  return (
    <section className="list-page">
      <h1 id="page-title">Invoice {invoiceId}</h1>
      <Crumbs items={[{ label: "Billing", href: href("billing") }, { label: `Invoice ${invoiceId}` }]} />
      {load.isPending && <Loading>Loading the invoice…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} />}
      {detail && (
        <>
          <Amends accountId={accountId} invoice={detail.invoice} />
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
          {detail.invoice.dataVersion && (
            <p className="hint" data-testid="invoice-data-version">
              Lines read from Microsoft Graph
              {detail.invoice.dataReadAt && (
                <>
                  {" "}
                  on <time dateTime={detail.invoice.dataReadAt}>{formatDateTime(detail.invoice.dataReadAt)}</time>
                </>
              )}
              , data version <span className="mono">{detail.invoice.dataVersion}</span>. Discovery reads them again only
              when Microsoft restates the invoice.
            </p>
          )}
          <NotesOf accountId={accountId} notes={detail.notes} />
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
            inUrl
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

