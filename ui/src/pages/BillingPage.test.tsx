import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App } from "../App";
import { clearMocks, mockBackend } from "../test/ipcMock";
import { signedIn } from "../test/fixtures";
import { formatMoney } from "../format";
import type { InvoiceDetailDto, InvoiceDto, InvoiceLineDto } from "../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const invoice = (over: Partial<InvoiceDto>): InvoiceDto => ({
  accountId: "a1",
  accountName: "Contoso",
  id: "G000000001",
  invoiceDate: "2026-11-08",
  billingPeriodStart: "2026-10-01",
  billingPeriodEnd: "2026-10-31",
  currency: "EUR",
  total: "1500.00",
  paid: null,
  documentType: "Invoice",
  invoiceType: "Recurring",
  linesComplete: true,
  ...over,
});

const invoices = [
  invoice({}),
  invoice({ id: "G000000002", invoiceDate: "2026-10-08", total: "-20.00", documentType: "CreditNote" }),
];

const detail: InvoiceDetailDto = {
  invoice: invoices[0] as InvoiceDto,
  customers: [
    { customerId: "t-1", customerName: "Fabrikam", lines: 2, cost: "1000.00", markup: "120.00", fee: "50.00", resale: "1170.00", margin: "170.00" },
    { customerId: "t-2", customerName: "Adatum", lines: 1, cost: "500.00", markup: "0.00", fee: "0.00", resale: "500.00", margin: "0.00" },
  ],
  costTotal: "1500.00",
  markupTotal: "120.00",
  feeTotal: "50.00",
  resaleTotal: "1670.00",
  marginTotal: "170.00",
  matchesInvoice: true,
};

const line = (n: number, product: string, cost: string, resale: string): InvoiceLineDto => ({
  line: n,
  source: "billing",
  product,
  sku: `${product} meter`,
  subscriptionId: "sub-1",
  chargeType: "usage",
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
  invoices,
  invoiceDetails: { "a1/G000000001": detail },
  invoiceLines: { "a1/G000000001/t-1": [line(1, "Virtual Machines", "600.00", "630.00"), line(2, "Storage", "400.00", "448.00")] },
};

describe("Billing", () => {
  it("drills from invoices to an invoice's customers to a customer's lines, with breadcrumbs", async () => {
    mockBackend([signedIn()], "Admin", data);
    window.location.hash = "#/billing";
    render(<App />);
    const rows = await screen.findAllByTestId("invoice-row");
    expect(rows).toHaveLength(2);
    // Newest first.
    expect(rows[0]?.textContent).toContain("G000000001");
    expect(rows[1]?.textContent).toContain("Credit note");
    expect(rows[0]?.querySelector('[data-col="total"]')?.textContent).toBe(formatMoney("1500.00", "EUR"));
    expect(rows[0]?.querySelector('[data-col="total"]')?.className).toBe("num");

    fireEvent.click(within(rows[0] as HTMLElement).getByText("G000000001"));
    window.location.hash = "#/billing/a1/G000000001";
    const customers = await screen.findAllByTestId("invoice-customer-row");
    expect(customers.map((r) => r.querySelector('[data-col="customer"]')?.textContent)).toEqual(["Adatum", "Fabrikam"]);
    expect(screen.getByTestId("invoice-cost-total").textContent).toContain("✓");
    expect(screen.getByTestId("breadcrumbs").textContent).toBe("BillingInvoice G000000001");

    window.location.hash = "#/billing/a1/G000000001/t-1";
    const lines = await screen.findAllByTestId("line-row");
    expect(lines).toHaveLength(2);
    expect(lines[0]?.querySelector('[data-col="resale"]')?.textContent).toBe(formatMoney("630.00", "EUR"));
    expect(screen.getByTestId("customer-invoice-totals").textContent).toContain(formatMoney("1170.00", "EUR"));
    fireEvent.change(screen.getByTestId("line-product"), { target: { value: "Storage" } });
    await waitFor(() => {
      expect(screen.getAllByTestId("line-row")).toHaveLength(1);
    });
    fireEvent.click(screen.getByTestId("group-toggle"));
    const groups = await screen.findAllByTestId("group-row");
    expect(groups.map((g) => g.querySelector('[data-col="product"]')?.textContent)).toEqual(["Virtual Machines", "Storage"]);
    expect(groups[0]?.querySelector('[data-col="resale"]')?.textContent).toBe(formatMoney("630.00", "EUR"));
    fireEvent.click(within(groups[0] as HTMLElement).getByText("Virtual Machines"));
    await waitFor(() => {
      expect(screen.getAllByTestId("line-row")).toHaveLength(1);
    });
    expect(screen.getByTestId<HTMLSelectElement>("line-product").value).toBe("Virtual Machines");
    const crumbs = screen.getByTestId("breadcrumbs");
    expect(within(crumbs).getByText("Invoice G000000001").getAttribute("href")).toBe("#/billing/a1/G000000001");
  });

  it("exports the customers in the order seen, and the customer-facing lines", async () => {
    const backend = mockBackend([signedIn()], "Admin", data);
    window.location.hash = "#/billing/a1/G000000001";
    render(<App />);
    await screen.findAllByTestId("invoice-customer-row");
    fireEvent.click(screen.getByRole("button", { name: /Resale/ }));
    fireEvent.click(screen.getByRole("button", { name: /Resale/ }));
    fireEvent.click(screen.getByTestId("export-csv"));
    expect((await screen.findByTestId("export-csv-done")).textContent).toBe("Saved 2 rows to /home/finance/export.csv");
    expect(backend.exports[0]).toEqual({ table: { table: "invoice", accountId: "a1", invoiceId: "G000000001" }, bom: false, keys: ["t-1", "t-2"] });

    window.location.hash = "#/billing/a1/G000000001/t-1";
    await screen.findAllByTestId("line-row");
    fireEvent.click(screen.getByTestId("export-customer-csv"));
    await screen.findByTestId("export-customer-csv-done");
    expect(backend.exports[1]?.table).toEqual({ table: "customerLines", accountId: "a1", invoiceId: "G000000001", customerId: "t-1", customerFacing: true });
  });

  it("shows an export failure next to the button, and says what to do with no invoices", async () => {
    const backend = mockBackend([signedIn()], "Admin", data);
    backend.failures.set("export_csv", { code: "Storage", message: "Could not create /x.csv: Permission denied. Choose a folder you can write to.", field: "path" });
    window.location.hash = "#/billing";
    const { unmount } = render(<App />);
    await screen.findAllByTestId("invoice-row");
    fireEvent.click(screen.getByTestId("export-csv"));
    expect((await screen.findByTestId("export-csv-error")).textContent).toContain("Choose a folder");
    unmount();
    mockBackend([signedIn()], "Admin", {});
    render(<App />);
    expect((await screen.findByTestId("empty-state")).textContent).toContain("run Discovery");
  });
});
