// Billing, three levels deep with a URL each (Back and Forward walk them):
//   #/billing                                   invoices
//   #/billing/<account>/<invoice>               the invoice's customers: cost, markup, fee, resale, margin
//   #/billing/<account>/<invoice>/<customer>    that customer's lines on the invoice
// Sums come from the backend, exact; this page never adds amounts itself.
import { StackBilling } from "../azure_stack/StackUsage";
import { ExportedBilling } from "../cost_exports/ExportedBilling";
import { InvoiceDetail } from "./InvoiceDetail";
import { CustomerLines } from "./CustomerLines";
import {
  Fragment,
  useCallback,
  useDeferredValue,
  useMemo,
  useRef,
  useState,
} from "react";
import { Disclosure } from "../../components/Disclosure";
import { Failed, Loading } from "../../components/QueryState";

import { dash, maybeDay } from "./cells";
import { DocumentCell } from "./Notes";
import { useInvoices, useUnbilled } from "./queries";
import { type InvoiceDto, type UnbilledDto } from "../../ipc";

import { formatCount, formatMoney, formatMonth } from "../../format";
import { href } from "../../routing/route";
import { compareDecimal, compareText } from "../../table/sort";
import { SearchField } from "../../table/SearchField";

import { VirtualTable, type Column } from "../../table/VirtualTable";
import { ExportButton } from "../../components/ExportButton";
import { NotDiscovered } from "../../components/NotDiscovered";
import { useUrlState } from "../../routing/urlState";
import { subtractDecimal } from "../../money";
import { documentLabel } from "./Notes";

/** A credit note, or an invoice whose total is a credit: it has no balance to pay. */
const isCredit = (i: InvoiceDto) => documentLabel(i) === "Credit note" || i.total.startsWith("-");

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
/**
 * What is still owed: the total less what was paid. Partner Center writes a payment as a
 * negative paidAmount (and sometimes as a positive one), so its size is what counts.
 */
export function balanceDue(i: InvoiceDto): string | null {
  if (i.paid === null) return null;
  const paid = i.paid.startsWith("-") ? i.paid.slice(1) : i.paid;
  return subtractDecimal(i.total, paid);
}
const balanceOf = (i: InvoiceDto) => {
  const amount = balanceDue(i);
  return amount === null ? null : { amount, currency: i.currency };
};
const totalOf = (i: InvoiceDto) => ({ amount: i.total, currency: i.currency });
type InvoiceStatus = "paid" | "open" | "credit" | "unknown";
function statusOf(i: InvoiceDto): InvoiceStatus {
  if (isCredit(i)) return "credit";
  const balance = balanceDue(i);
  if (balance === null) return "unknown";
  return compareDecimal(balance, "0") <= 0 ? "paid" : "open";
}
const STATUS_LABEL: Record<InvoiceStatus, string> = { paid: "Paid", open: "Open", credit: "Credit", unknown: "—" };
const byBalance = (a: InvoiceDto, b: InvoiceDto) => compareDecimal(balanceDue(a) ?? "", balanceDue(b) ?? "");
const byStatus = (a: InvoiceDto, b: InvoiceDto) => compareText(STATUS_LABEL[statusOf(a)], STATUS_LABEL[statusOf(b)]);
const byCurrency = (a: InvoiceDto, b: InvoiceDto) => compareText(a.currency, b.currency);
const byInvoiceAccount = (a: InvoiceDto, b: InvoiceDto) => compareText(a.accountName, b.accountName);
const byDocument = (a: InvoiceDto, b: InvoiceDto) => compareText(a.documentType ?? "", b.documentType ?? "");

function Invoices() {
  const load = useInvoices();
  const unbilled = useUnbilled();
  const [query, setQuery] = useUrlState("q");
  // The Dashboard's months open Billing at one billing period (?month=2026-10).
  const [month, setMonth] = useUrlState("month");
  const needle = useDeferredValue(query).trim().toLowerCase();
  const seen = useRef<readonly InvoiceDto[]>([]);
  const onSorted = useCallback((rows: readonly InvoiceDto[]) => {
    seen.current = rows;
  }, []);
  const list = useMemo(() => load.data ?? [], [load.data]);
  const shown = useMemo(
    () =>
      list.filter(
        (i) =>
          (!month || (i.billingPeriodStart ?? "").startsWith(month)) &&
          (!needle || `${i.id}\n${i.accountName}\n${i.currency}`.toLowerCase().includes(needle)),
      ),
    [list, needle, month],
  );

  if (load.isSuccess && list.length === 0) return <NotDiscovered title="Billing" page="billing" />;

  const columns: Column<InvoiceDto>[] = [
    {
      key: "number",
      header: "Invoice",
      width: 150,
      compare: byNumber,
      cell: (i) => <a href={href("billing", i.accountId, i.id)}>{i.id}</a>,
    },
    { key: "total", header: "Total", width: 130, numeric: true, compare: byTotal, money: totalOf, cell: (i) => formatMoney(i.total, i.currency) },
    {
      key: "balance",
      header: "Balance due",
      width: 130,
      numeric: true,
      compare: byBalance,
      money: balanceOf,
      isBlank: (i) => i.paid === null,
      cell: (i) => {
        const balance = balanceDue(i);
        return balance === null ? dash : formatMoney(balance, i.currency);
      },
    },
    {
      key: "status",
      header: "Status",
      width: 90,
      compare: byStatus,
      cell: (i) => {
        const status = statusOf(i);
        return <span className={`invoice-status ${status}`} data-status={status}>{STATUS_LABEL[status]}</span>;
      },
    },
    { key: "date", header: "Date", width: 115, compare: byDate, cell: (i) => maybeDay(i.invoiceDate) },
    {
      key: "period",
      header: "Billing period",
      width: 190,
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
      cell: (i) => <DocumentCell invoice={i} />,
    },
    { key: "currency", header: "Currency", width: 90, hidden: true, compare: byCurrency, cell: (i) => i.currency },
    { key: "account", header: "Account", width: 130, hidden: true, compare: byInvoiceAccount, cell: (i) => i.accountName },
    {
      key: "lines",
      header: "Lines",
      width: 110,
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
      {load.isPending && <Loading>Loading invoices…</Loading>}
      {load.isError && <Failed error={load.error} retry={() => void load.refetch()} />}
      {load.isSuccess && (
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
          {month && (
            <p className="filter-chip" data-testid="invoice-month">
              Billing period {formatMonth(month)}{" "}
              <button type="button" className="link" onClick={() => { setMonth(""); }}>
                Show every month
              </button>
            </p>
          )}
          {unbilled.data && <Unbilled list={unbilled.data} />}
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
            inUrl
            empty={
              <span className="hint">
                {month && !needle
                  ? `No invoice for ${formatMonth(month)}: a month is invoiced early in the month after.${
                      unbilled.data?.some((u) => u.period === month) ? " Its usage so far is under “Not invoiced yet” above." : ""
                    }`
                  : `No invoice matches “${query.trim()}”.`}
              </span>
            }
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
  const [shown, setShown] = useState<string | null>(null);
  if (list.length === 0) return null;
  const key = (u: UnbilledDto) => `${u.accountId}/${u.period}/${u.currency}`;
  return (
    <section className="card unbilled" aria-labelledby="unbilled-title" data-testid="unbilled">
      <h2 id="unbilled-title">Not invoiced yet</h2>
      <table className="grid compact">
        <caption className="visually-hidden">Usage and other charges of the open periods, per account and currency</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Account</th>
            <th scope="col" className="num">
              Customers
            </th>
            <th scope="col" className="num">
              Usage records
            </th>
            <th scope="col" className="num">
              Usage so far
            </th>
            <th scope="col" className="num">
              Licences and other charges
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((u) => {
            const charges = u.charges ?? [];
            const open = shown === key(u);
            return (
              <Fragment key={key(u)}>
                <tr data-testid="unbilled-row">
                  <td>{formatMonth(u.period)}</td>
                  <td>{u.accountName}</td>
                  <td className="num">{formatCount(u.customers)}</td>
                  <td className="num">{formatCount(u.records)}</td>
                  <td className="num">{formatMoney(u.cost, u.currency)}</td>
                  <td className="num" data-testid="unbilled-charges">
                    {charges.length === 0 ? (
                      "—"
                    ) : (
                      <Disclosure
                        open={open}
                        onToggle={() => { setShown(open ? null : key(u)); }}
                        // The amount shown leads the name, so a voice user can say what they see.
                        label={`${formatMoney(u.chargesTotal ?? "0", u.currency)}: ${open ? "hide" : "show"} the ${charges.length} products of ${formatMonth(u.period)}`}
                      >
                        {formatMoney(u.chargesTotal ?? "0", u.currency)}
                      </Disclosure>
                    )}
                  </td>
                </tr>
                {open && (
                  <tr className="detail">
                    <td colSpan={6}>
                      <table className="grid compact" data-testid="unbilled-products">
                        <caption className="visually-hidden">Charges of {formatMonth(u.period)} per product</caption>
                        <thead>
                          <tr>
                            <th scope="col">Product</th>
                            <th scope="col" className="num">
                              Lines
                            </th>
                            <th scope="col" className="num">
                              Amount
                            </th>
                          </tr>
                        </thead>
                        <tbody>
                          {charges.map((c) => (
                            <tr key={c.product}>
                              <td>{c.product}</td>
                              <td className="num">{formatCount(c.lines)}</td>
                              <td className="num">{formatMoney(c.amount, u.currency)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <p className="hint">
        Microsoft&apos;s daily rated usage of the open month and what the month will bill besides it (licences,
        reservations, savings plans, marketplace), read by Discovery from Microsoft Graph. It can still change until the
        invoice comes; Reconciliation compares the usage with our rating.
      </p>
    </section>
  );
}

