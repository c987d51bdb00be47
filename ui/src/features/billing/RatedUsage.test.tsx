// A customer's rated usage in Billing: list, effective, billed, resale and savings per line in
// the one grid, the totals rows adding up exactly (figures worked out by hand below, the same
// as crates/api/tests/api/rated_usage.rs), the summary strip from the backend, search, sort
// and the view in the route, the export of what is seen, and an empty month that says what to do.
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { resetRatedMock } from "../../test/ratedMock";
import { invoice as fixtureInvoice, signedIn } from "../../test/fixtures";
import { formatMoneyExact } from "../../format";
import { flushQuery, readQuery } from "../../routing/urlState";
import { CONTENT_WIDTH_1280, shownColumns } from "../../test/grid";
import { sumDecimals } from "../../money";
import type { InvoiceDetailDto, RatedLineDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  resetRatedMock();
  window.location.hash = "";
  window.localStorage.clear();
});

const invoice = fixtureInvoice({ total: "125.16" });
const detail: InvoiceDetailDto = {
  invoice,
  notes: [],
  customers: [
    { customerId: "t-1", customerName: "Contoso", lines: 3, cost: "125.16", markup: "12.52", fee: "0.00", resale: "137.68", margin: "12.52" },
    { customerId: "t-2", customerName: "Adatum", lines: 1, cost: "0.01", markup: "0.00", fee: "0.00", resale: "0.01", margin: "0.00" },
  ],
  costTotal: "125.17",
  markupTotal: "12.52",
  feeTotal: "0.00",
  resaleTotal: "137.69",
  marginTotal: "12.52",
  matchesInvoice: true,
};

const line = (day: string, category: string, list: string, effective: string, billed: string, resale: string, savings: string): RatedLineDto => ({
  subscriptionId: "plan",
  entitlementId: "0f1e2d3c-aaaa-4bbb-8ccc-000000000001",
  meterId: `m-${category.toLowerCase()}`,
  meterName: `${category} meter`,
  meterCategory: category,
  usageDate: day,
  quantity: "1",
  currency: "EUR",
  priceOrigin: "priceList",
  list,
  effective,
  billed,
  resale,
  savings,
});

// 15 % credit on 41.25 is 35.0625, floored to 35.06, resold at +10 %: 38.566 → 38.57.
const storage = line("2026-10-03", "Storage", "41.25", "35.0625", "35.06", "38.57", "6.1875");
// A tier and the credit: 100.00 → 80.005, billed 80.00, resold 88.00; saves 19.995.
const compute = line("2026-10-04", "Compute", "100.00", "80.005", "80.00", "88.00", "19.995");
// No credit: 10.10 throughout, resold 11.11.
const network = line("2026-10-05", "Networking", "10.10", "10.10", "10.10", "11.11", "0.00");

const usage = {
  "a1/t-1/2026-10": {
    period: "2026-10",
    lines: [compute, network, storage],
    // list 151.35; effective 125.1675; billed 125.16; resale 137.68; savings 26.1825; markup 12.52.
    totals: [
      { currency: "EUR", lines: 3, list: "151.35", effective: "125.1675", billed: "125.16", resale: "137.68", savings: "26.1825", markup: "12.52" },
    ],
  },
};

const eur = (amount: string) => formatMoneyExact(amount, "EUR");
const total = (col: string) => screen.getByTestId("rated-table-totals").querySelector(`tr[data-currency=EUR] td[data-col=${col}]`)?.textContent;
const cols = (row: Element) => [...row.querySelectorAll("td")].map((td) => td.getAttribute("data-col"));

describe("rated usage in Billing", () => {
  it("shows list, effective, billed, resale and savings per line, with totals that add up to the strip", async () => {
    mockBackend([signedIn()], "Admin", { invoices: [invoice], invoiceDetails: { "a1/G000000001": detail } });
    resetRatedMock(usage);
    window.location.hash = "#/billing/a1/G000000001/t-1?view=rated";
    render(<App />);
    const rows = await screen.findAllByTestId("rated-row");
    expect(rows).toHaveLength(3);
    expect(cols(rows[0] as Element)).toEqual(["meter", "list", "effective", "billed", "resale", "savings", "day", "category"]);
    expect(shownColumns("rated-table").width).toBeLessThanOrEqual(CONTENT_WIDTH_1280);
    // Sorted by day: storage (the 3rd) first, every digit of its effective cost shown.
    expect(rows[0]?.querySelector("td[data-col=effective]")?.textContent).toBe(eur("35.0625"));
    expect(rows[0]?.querySelector("td[data-col=savings]")?.textContent).toBe(eur("6.1875"));

    // The grid's totals rows add the lines up exactly, and say what the backend's strip says.
    expect(total("list")).toBe(eur("151.35"));
    expect(total("effective")).toBe(eur("125.1675"));
    expect(total("billed")).toBe(eur("125.16"));
    expect(total("resale")).toBe(eur("137.68"));
    expect(total("savings")).toBe(eur("26.1825"));
    expect(sumDecimals(["151.35", "-26.1825"])).toBe("125.1675");
    const strip = screen.getByTestId("rated-summary");
    for (const [id, amount] of [
      ["list", "151.35"],
      ["savings", "26.1825"],
      ["effective", "125.1675"],
      ["billed", "125.16"],
      ["resale", "137.68"],
      ["markup", "12.52"],
    ] as const) {
      expect(strip.querySelector(`[data-testid=rated-sum-${id}]`)?.textContent, id).toBe(eur(amount));
    }

    // Search narrows the lines and the totals follow; the search and the sort are in the route.
    fireEvent.change(screen.getByTestId("rated-search"), { target: { value: "stor" } });
    await waitFor(() => {
      expect(screen.getAllByTestId("rated-row")).toHaveLength(1);
    });
    expect(total("list")).toBe(eur("41.25"));
    expect(screen.getByTestId("rated-count").textContent).toContain("of 3");
    fireEvent.change(screen.getByTestId("rated-search"), { target: { value: "" } });
    await waitFor(() => {
      expect(screen.getAllByTestId("rated-row")).toHaveLength(3);
    });
    fireEvent.click(screen.getByTestId("sort-savings"));
    fireEvent.click(screen.getByTestId("sort-savings"));
    await waitFor(() => {
      expect(screen.getAllByTestId("rated-row")[0]?.querySelector("td[data-col=meter]")?.textContent).toBe("Compute meter");
    });
    flushQuery();
    expect(readQuery().get("view")).toBe("rated");
    expect(readQuery().get("sort")).toBe("savings.descending");
  });

  it("exports the lines in view in the order shown", async () => {
    const backend = mockBackend([signedIn()], "Admin", { invoices: [invoice], invoiceDetails: { "a1/G000000001": detail } });
    resetRatedMock(usage);
    window.location.hash = "#/billing/a1/G000000001/t-1?view=rated&sort=savings.descending";
    render(<App />);
    await screen.findAllByTestId("rated-row");
    fireEvent.click(screen.getByTestId("export-csv"));
    await waitFor(() => {
      expect(backend.exports).toHaveLength(1);
    });
    expect(backend.exports[0]).toEqual({
      table: { table: "ratedLines", accountId: "a1", customerId: "t-1", period: "2026-10" },
      bom: false,
      keys: [
        "plan/0f1e2d3c-aaaa-4bbb-8ccc-000000000001/m-compute/2026-10-04",
        "plan/0f1e2d3c-aaaa-4bbb-8ccc-000000000001/m-storage/2026-10-03",
        "plan/0f1e2d3c-aaaa-4bbb-8ccc-000000000001/m-networking/2026-10-05",
      ],
    });
  });

  it("opens from the invoice lines, and an empty month says what to do", async () => {
    mockBackend([signedIn()], "Admin", { invoices: [invoice], invoiceDetails: { "a1/G000000001": detail } });
    resetRatedMock(usage);
    window.location.hash = "#/billing/a1/G000000001/t-2?sort=cost.descending";
    render(<App />);
    fireEvent.click(await screen.findByTestId("view-rated"));
    const empty = await screen.findByTestId("rated-empty");
    expect(empty.textContent).toContain("No rated usage of");
    expect(empty.textContent).toContain("run Discovery");
    flushQuery();
    expect(readQuery().get("view")).toBe("rated");
    expect(readQuery().get("sort")).toBeNull();
    fireEvent.click(screen.getByTestId("view-lines"));
    expect(await screen.findByTestId("line-search")).toBeTruthy();
  });
});

describe("rated usage of a big customer", () => {
  it("draws only the lines in view of 20,000 and adds all of them up exactly", async () => {
    // 20,000 lines of list 0.0125, effective 0.010625, billed 0.01: 250.00, 212.50 and 200.00.
    const many = Array.from({ length: 20_000 }, (_, i) => ({
      ...line(`2026-10-${String((i % 28) + 1).padStart(2, "0")}`, "Storage", "0.0125", "0.010625", "0.01", "0.01", "0.001875"),
      meterId: `m-${i}`,
    }));
    mockBackend([signedIn()], "Admin", { invoices: [invoice], invoiceDetails: { "a1/G000000001": detail } });
    resetRatedMock({
      "a1/t-1/2026-10": {
        period: "2026-10",
        lines: many,
        totals: [{ currency: "EUR", lines: 20_000, list: "250.00", effective: "212.50", billed: "200.00", resale: "200.00", savings: "37.50", markup: "0.00" }],
      },
    });
    window.location.hash = "#/billing/a1/G000000001/t-1?view=rated";
    const started = performance.now();
    render(<App />);
    const rows = await screen.findAllByTestId("rated-row");
    const took = performance.now() - started;
    expect(rows.length).toBeLessThan(100);
    expect(screen.getByTestId("rated-count").textContent).toContain("20,000");
    expect(total("list")).toBe(eur("250.00"));
    expect(total("effective")).toBe(eur("212.50"));
    expect(total("savings")).toBe(eur("37.50"));
    // jsdom on a shared machine: generous, but a quadratic sum or a full render would blow it.
    expect(took).toBeLessThan(8_000);
  });
});
