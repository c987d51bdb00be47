// The billing tables on the one grid: money first, totals per currency, state in the route.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { invoice as fixtureInvoice, signedIn } from "../../test/fixtures";
import { formatMoney } from "../../format";
import { flushQuery, readQuery } from "../../routing/urlState";
import { balanceDue } from "./BillingPage";
import { CONTENT_WIDTH_1280, shownColumns } from "../../test/grid";
import type { InvoiceDetailDto, InvoiceDto, InvoiceLineDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
  window.localStorage.clear();
});

const invoice: InvoiceDto = fixtureInvoice({ total: "1500.03" });

const detail: InvoiceDetailDto = {
  invoice,
  notes: [],
  customers: [
    { customerId: "t-1", customerName: "Fabrikam", lines: 2, cost: "1000.01", markup: "120.00", fee: "50.00", resale: "1170.01", margin: "170.00" },
    { customerId: "t-2", customerName: "Adatum", lines: 1, cost: "500.01", markup: "0.00", fee: "0.00", resale: "500.01", margin: "0.00" },
    { customerId: "t-3", customerName: "Tailspin", lines: 1, cost: "0.01", markup: "0.00", fee: "0.00", resale: "0.01", margin: "0.00" },
  ],
  costTotal: "1500.03",
  markupTotal: "120.00",
  feeTotal: "50.00",
  resaleTotal: "1670.03",
  marginTotal: "170.00",
  matchesInvoice: true,
};

const line = (n: number, product: string, cost: string, resale: string): InvoiceLineDto => ({
  line: n,
  position: n,
  source: "billing",
  product,
  sku: `${product} meter`,
  subscriptionId: "0f1e2d3c-aaaa-4bbb-8ccc-000000000001",
  chargeType: "cycleCharge",
  chargeStart: "2026-10-01",
  chargeEnd: "2026-10-31",
  quantity: "1",
  unitPrice: cost,
  effectiveUnitPrice: cost,
  cost,
  resale,
  currency: "EUR",
});

const data = {
  invoices: [invoice],
  invoiceDetails: { "a1/G000000001": detail },
  invoiceLines: { "a1/G000000001/t-1": [line(1, "Virtual Machines", "600.01", "630.00"), line(2, "Storage", "400.00", "448.00")] },
};

const cols = (row: Element) => [...row.querySelectorAll("td")].map((td) => td.getAttribute("data-col"));

describe("billing on the one grid", () => {
  it("puts an invoice's customers' money after the name and adds up the rows shown", async () => {
    mockBackend([signedIn()], "Admin", data);
    window.location.hash = "#/billing/a1/G000000001";
    render(<App />);
    const rows = await screen.findAllByTestId("invoice-customer-row");
    expect(cols(rows[0] as Element).slice(0, 4)).toEqual(["customer", "cost", "resale", "margin"]);
    expect(shownColumns("invoice-customer-table").width).toBeLessThanOrEqual(CONTENT_WIDTH_1280);
    const totals = screen.getByTestId("invoice-customer-table-totals");
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=cost]")?.textContent).toBe(formatMoney("1500.03", "EUR"));
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=margin]")?.textContent).toBe(formatMoney("170.00", "EUR"));

    // The totals follow the search, and the search is in the route.
    fireEvent.change(screen.getByTestId("invoice-customer-search"), { target: { value: "a" } });
    await waitFor(() => {
      expect(screen.getAllByTestId("invoice-customer-row")).toHaveLength(3);
    });
    fireEvent.change(screen.getByTestId("invoice-customer-search"), { target: { value: "fab" } });
    await waitFor(() => {
      expect(screen.getAllByTestId("invoice-customer-row")).toHaveLength(1);
    });
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=cost]")?.textContent).toBe(formatMoney("1000.01", "EUR"));
    flushQuery();
    expect(readQuery().get("q")).toBe("fab");
  });

  it("shows a customer's lines with name and money first, a margin, a short subscription id and the backend's sums as totals", async () => {
    mockBackend([signedIn()], "Admin", data);
    window.location.hash = "#/billing/a1/G000000001/t-1?sort=cost.descending";
    render(<App />);
    const rows = await screen.findAllByTestId("line-row");
    expect(cols(rows[0] as Element)).toEqual(["product", "cost", "resale", "margin", "quantity", "sku", "chargeType"]);
    expect(shownColumns("line-table").width).toBeLessThanOrEqual(CONTENT_WIDTH_1280);
    // Sorted as the route says.
    expect(screen.getByTestId("sort-cost").closest("th")?.getAttribute("aria-sort")).toBe("descending");
    expect(rows[0]?.querySelector("td[data-col=margin]")?.textContent).toBe(formatMoney("29.99", "EUR"));
    expect(rows[0]?.querySelector("td[data-col=chargeType]")?.textContent).toBe("Cycle charge");
    const totals = await screen.findByTestId("line-table-totals");
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=cost]")?.textContent).toBe(formatMoney("1000.01", "EUR"));
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=margin]")?.textContent).toBe(formatMoney("77.99", "EUR"));

    fireEvent.click(within(screen.getByTestId("line-table-columns")).getByTestId("column-subscription"));
    const sub = screen.getAllByTestId("line-row")[0]?.querySelector("td[data-col=subscription]");
    expect(sub?.textContent).toContain("0f1e2d3c…");
  });

  it("shows each invoice's status and balance due, never a negative payment", async () => {
    const paid = { ...invoice, paid: "-1500.03" };
    const open = { ...invoice, id: "G000000002", invoiceDate: "2026-10-08", total: "200.00", paid: "-50.00", currency: "GBP" };
    const unknown = { ...invoice, id: "G000000003", invoiceDate: "2026-09-08", total: "10.00", paid: null };
    expect(balanceDue(paid)).toBe("0.00");
    expect(balanceDue(open)).toBe("150.00");
    expect(balanceDue({ ...open, paid: "50.00" })).toBe("150.00");
    expect(balanceDue(unknown)).toBeNull();
    mockBackend([signedIn()], "Admin", { ...data, invoices: [paid, open, unknown] });
    window.location.hash = "#/billing";
    render(<App />);
    const rows = await screen.findAllByTestId("invoice-row");
    const of = (id: string, col: string) => rows.find((r) => r.textContent.includes(id))?.querySelector(`td[data-col=${col}]`)?.textContent;
    expect(of("G000000001", "status")).toBe("Paid");
    expect(of("G000000001", "balance")).toBe(formatMoney("0.00", "EUR"));
    expect(of("G000000002", "status")).toBe("Open");
    expect(of("G000000002", "balance")).toBe(formatMoney("150.00", "GBP"));
    expect(of("G000000003", "status")).toBe("—");
    expect(document.querySelector("td[data-col=paid]")).toBeNull();
    // Totals per currency: the balance due in each.
    const totals = screen.getByTestId("invoice-table-totals");
    expect(totals.querySelector("tr[data-currency=GBP] td[data-col=balance]")?.textContent).toBe(formatMoney("150.00", "GBP"));
    expect(totals.querySelector("tr[data-currency=EUR] td[data-col=total]")?.textContent).toBe(formatMoney("1510.03", "EUR"));
  });
});
