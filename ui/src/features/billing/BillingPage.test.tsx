import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { invoice, signedIn } from "../../test/fixtures";
import { formatCount, formatMoney } from "../../format";
import type { InvoiceDetailDto, InvoiceDto, InvoiceLineDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
  window.localStorage.clear();
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
  notes: [],
};

// An adjustment note as Microsoft sends it: its own document, in the period of the invoice it amends.
const note = invoice({
  id: "G000000003",
  invoiceDate: "2026-11-18",
  total: "-5.60",
  documentType: "adjustment_note",
  amendsOf: "G000000001",
  invoiceType: "OneTime",
});

const line = (n: number, product: string, cost: string, resale: string): InvoiceLineDto => ({
  line: n,
  position: n,
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
  it("shows a note under the invoice it amends, and the note's own customers with the invoice it amends", async () => {
    const noteDetail: InvoiceDetailDto = {
      ...detail,
      invoice: note,
      customers: [{ customerId: "t-1", customerName: "Fabrikam", lines: 1, cost: "-5.60", markup: "0.00", fee: "0.00", resale: "-5.60", margin: "0.00" }],
      costTotal: "-5.60",
      markupTotal: "0.00",
      feeTotal: "0.00",
      resaleTotal: "-5.60",
      marginTotal: "0.00",
    };
    mockBackend([signedIn()], "Admin", {
      ...data,
      invoices: [...invoices, note],
      invoiceDetails: { "a1/G000000001": { ...detail, notes: [note] }, "a1/G000000003": noteDetail },
    });
    window.location.hash = "#/billing";
    render(<App />);
    const rows = await screen.findAllByTestId("invoice-row");
    const noteRow = rows.find((r) => r.textContent.includes("G000000003"));
    expect(noteRow?.querySelector('[data-col="document"]')?.textContent).toBe("Adjustment note");

    window.location.hash = "#/billing/a1/G000000001";
    const notes = await screen.findAllByTestId("invoice-note-row");
    expect(notes).toHaveLength(1);
    expect(notes[0]?.textContent).toContain("G000000003");
    expect(notes[0]?.textContent).toContain(formatMoney("-5.60", "EUR"));
    expect(within(notes[0] as HTMLElement).getByText("G000000003").getAttribute("href")).toBe("#/billing/a1/G000000003");

    window.location.hash = "#/billing/a1/G000000003";
    const amends = await screen.findByTestId("invoice-amends");
    expect(amends.textContent).toContain("Adjustment note amending invoice G000000001");
    const customers = await screen.findAllByTestId("invoice-customer-row");
    expect(customers).toHaveLength(1);
    expect(screen.queryByTestId("invoice-notes")).toBeNull();
  });

  it("shows what the open month will bill besides usage, per product, and an invoice's Graph data version", async () => {
    mockBackend([signedIn()], "Admin", {
      ...data,
      invoiceDetails: {
        "a1/G000000001": { ...detail, invoice: { ...detail.invoice, dataVersion: "0x8DD1A2B3C4D5E6F", dataReadAt: "2026-12-03T06:00:00Z" } },
      },
      unbilled: [
        {
          accountId: "a1",
          accountName: "Contoso CSP",
          period: "2026-12",
          currency: "EUR",
          customers: 3,
          records: 120,
          cost: "410.00",
          charges: [
            { product: "Microsoft 365 E3", lines: 4, amount: "1200.00" },
            { product: "Azure Reservation", lines: 1, amount: "99.50" },
          ],
          chargesTotal: "1299.50",
        },
      ],
    });
    window.location.hash = "#/billing";
    render(<App />);
    const cell = await screen.findByTestId("unbilled-charges");
    expect(cell.textContent).toContain(formatMoney("1299.50", "EUR"));
    // Its name starts with what it shows (axe: label-content-name-mismatch).
    expect(within(cell).getByRole("button").getAttribute("aria-label")).toMatch(
      new RegExp(`^${formatMoney("1299.50", "EUR").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: show the 2 products of`),
    );
    fireEvent.click(within(cell).getByRole("button"));
    const products = screen.getByTestId("unbilled-products");
    expect([...products.querySelectorAll(":scope > tbody > tr")].map((r) => r.textContent)).toEqual([
      `Microsoft 365 E3${formatCount(4)}${formatMoney("1200.00", "EUR")}`,
      `Azure Reservation${formatCount(1)}${formatMoney("99.50", "EUR")}`,
    ]);
    window.location.hash = "#/billing/a1/G000000001";
    expect((await screen.findByTestId("invoice-data-version")).textContent).toContain("data version 0x8DD1A2B3C4D5E6F");
  });

  it("opens at one billing period from the Dashboard, and shows every month again on request", async () => {
    const september = invoice({ id: "G000000009", invoiceDate: "2026-10-08", billingPeriodStart: "2026-09-01", billingPeriodEnd: "2026-09-30" });
    mockBackend([signedIn()], "Admin", { ...data, invoices: [invoice({}), september] });
    window.location.hash = "#/billing?month=2026-09";
    render(<App />);
    const rows = await screen.findAllByTestId("invoice-row");
    expect(rows.map((r) => r.textContent.includes("G000000009"))).toEqual([true]);
    fireEvent.click(within(screen.getByTestId("invoice-month")).getByText("Show every month"));
    await waitFor(() => {
      expect(screen.getAllByTestId("invoice-row")).toHaveLength(2);
    });
  });

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
    fireEvent.change(screen.getByTestId("line-product"), { target: { value: "=Storage" } });
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
    expect(screen.getByTestId<HTMLSelectElement>("line-product").value).toBe("=Virtual Machines");
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
    expect(backend.exports[1]?.table).toEqual({
      table: "customerLines",
      accountId: "a1",
      invoiceId: "G000000001",
      customerId: "t-1",
      customerFacing: true,
      query: { sort: "line", descending: false, search: "", product: null },
    });
  });

  it("shows an export failure next to the button, and says what to do with no invoices", async () => {
    const backend = mockBackend([signedIn()], "Admin", data);
    backend.failures.set("billing_export_csv", { code: "Storage", message: "Could not create /x.csv: Permission denied. Choose a folder you can write to.", field: "path" });
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

describe("A customer's lines, fetched a page at a time", () => {
  const N = 100_000;
  // Sorting in the mock is JavaScript's: a fifth of the lines keeps that test quick.
  const SORTED = 20_000;
  const products = ["Virtual Machines", "Storage", "Bandwidth", "SQL Database"];
  // Cost in cents: many ties, so the order of ties shows; resale 10 % more, rounded.
  const cents = (i: number) => ((i * 7_919) % 9_973) + 1;
  const money = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
  const many = Array.from({ length: N }, (_, i) =>
    line(i + 1, products[i % 4] as string, money(cents(i)), money(Math.round(cents(i) * 1.1))),
  );
  const big = { ...data, invoiceLines: { "a1/G000000001/t-1": many } };
  const fewer = many.slice(0, SORTED);
  const smaller = { ...data, invoiceLines: { "a1/G000000001/t-1": fewer } };
  const linesCalls = (backend: ReturnType<typeof mockBackend>) =>
    backend.calls.filter((c) => c.cmd === "billing_list_lines").map((c) => c.args as { offset: number; limit: number; query: Record<string, unknown> });
  const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 150)));

  it("asks only for the pages in view, knows the count at once, and follows the scroll to the middle", async () => {
    const backend = mockBackend([signedIn()], "Admin", big);
    window.location.hash = "#/billing/a1/G000000001/t-1";
    render(<App />);
    await screen.findAllByTestId("line-row");
    // The line number is in the column chooser.
    fireEvent.click(within(screen.getByTestId("line-table-columns")).getByTestId("column-line"));
    const first = screen.getAllByTestId("line-row");
    expect(first[0]?.querySelector('[data-col="line"]')?.textContent).toBe("1");
    await settle();
    const table = screen.getByTestId("line-table");
    expect(table.querySelector("table")?.getAttribute("aria-rowcount")).toBe(String(N + 1));
    expect(screen.getAllByTestId("line-row").length).toBeLessThan(60);
    expect(linesCalls(backend).map((c) => c.offset)).toEqual([0, 200]);
    expect(linesCalls(backend).every((c) => c.limit === 200)).toBe(true);

    table.scrollTop = 50_000 * 36;
    fireEvent.scroll(table);
    await waitFor(() => {
      expect(table.querySelector('[data-index="50000"] [data-col="line"]')?.textContent).toBe(formatCount(50_001));
    });
    await settle();
    const offsets = linesCalls(backend).map((c) => c.offset);
    expect(offsets).toContain(50_000);
    expect(offsets.filter((o) => o > 200 && o < 49_000)).toEqual([]);
    expect(offsets.length).toBeLessThanOrEqual(5);
  }, 20_000);

  it("sorts and searches in the backend, fetching again from the top, with the sums of what is in view", async () => {
    const backend = mockBackend([signedIn()], "Admin", smaller);
    window.location.hash = "#/billing/a1/G000000001/t-1";
    render(<App />);
    await screen.findAllByTestId("line-row");
    await settle();

    fireEvent.click(screen.getByTestId("sort-cost"));
    fireEvent.click(screen.getByTestId("sort-cost"));
    await waitFor(() => {
      const last = linesCalls(backend).at(-1);
      expect(last?.query).toEqual({ sort: "cost", descending: true, search: "", product: null });
      expect(last?.offset).toBe(0);
    });
    const top = Math.max(...fewer.map((_, i) => cents(i)));
    await waitFor(() => {
      expect(screen.getAllByTestId("line-row")[0]?.querySelector('[data-col="cost"]')?.textContent).toBe(formatMoney(money(top), "EUR"));
    });
    // Ties keep invoice order: the rows of the top cost are numbered upwards.
    const tied = screen
      .getAllByTestId("line-row")
      .filter((r) => r.querySelector('[data-col="cost"]')?.textContent === formatMoney(money(top), "EUR"))
      .map((r) => Number((r.querySelector('[data-col="line"]')?.textContent ?? "").replace(/\D/g, "")));
    expect(tied.length).toBeGreaterThan(1);
    expect(tied).toEqual([...tied].sort((a, b) => a - b));

    fireEvent.change(screen.getByTestId("line-search"), { target: { value: "storage" } });
    await waitFor(() => {
      expect(screen.getByTestId("line-count").textContent).toContain(`${formatCount(SORTED / 4)} lines of ${formatCount(SORTED)}`);
    });
    expect(linesCalls(backend).at(-1)?.query).toEqual({ sort: "cost", descending: true, search: "storage", product: null });
    const storage = fewer.filter((l) => l.product === "Storage");
    const cost = storage.reduce((t, l) => t + Math.round(Number(l.cost) * 100), 0);
    const resale = storage.reduce((t, l) => t + Math.round(Number(l.resale) * 100), 0);
    const totals = screen.getByTestId("line-totals");
    expect(within(totals).getByTestId("line-sum-cost").textContent).toBe(formatMoney(money(cost), "EUR"));
    expect(within(totals).getByTestId("line-sum-resale").textContent).toBe(formatMoney(money(resale), "EUR"));
    expect(screen.getAllByTestId("line-row").every((r) => r.querySelector('[data-col="product"]')?.textContent === "Storage")).toBe(true);

    fireEvent.click(screen.getByTestId("export-csv"));
    await screen.findByTestId("export-csv-done");
    expect(backend.exports[0]?.table).toEqual({
      table: "customerLines",
      accountId: "a1",
      invoiceId: "G000000001",
      customerId: "t-1",
      customerFacing: false,
      query: { sort: "cost", descending: true, search: "storage", product: null },
    });
  }, 20_000);
});
