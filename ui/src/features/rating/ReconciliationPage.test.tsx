import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { signedIn } from "../../test/fixtures";
import { formatMoney } from "../../format";
import type { PeriodReconciliationDto, ReconciliationDto, ReconciliationTotalDto } from "../../ipc";
import { periodLabel } from "./ReconciliationPage";
import { CONTENT_WIDTH_1280, shownColumns } from "../../test/grid";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

function row(over: Partial<ReconciliationDto>): ReconciliationDto {
  return {
    accountId: "a1",
    accountName: "Contoso",
    customer: "c-1",
    customerName: "Fabrikam",
    period: "2026-10",
    currency: "EUR",
    invoiceState: "billed",
    rated: "100.00",
    invoiced: "100.00",
    resale: "110.00",
    margin: "10.00",
    difference: "0.00",
    causes: {},
    unexplained: "0.00",
    refused: null,
    linesCompared: 31,
    linesMatched: 31,
    differences: [],
    setAsideLines: 0,
    ...over,
  };
}

const october: PeriodReconciliationDto = {
  period: "2026-10",
  customers: [
    row({}),
    row({
      customer: "c-2",
      customerName: "Northwind",
      rated: "250.00",
      invoiced: "248.75",
      resale: "250.00",
      margin: "1.25",
      difference: "-1.25",
      causes: { priceMismatch: "-1.25" },
      linesMatched: 29,
      differences: [
        {
          subscriptionId: "p-1",
          entitlementId: "e-1",
          meterId: "m-vm",
          usageDate: "2026-10-03",
          rated: "10.00",
          invoiced: "9.00",
          difference: "-1.00",
          causes: { priceMismatch: "-1.00" },
          unexplained: "0.00",
        },
      ],
    }),
    row({
      customer: "c-3",
      customerName: "Litware",
      rated: "12.00",
      invoiced: null,
      resale: "12.00",
      margin: null,
      difference: null,
      unexplained: null,
      refused: "legacy (0145P) usage only: nothing to compare",
      linesCompared: 0,
      linesMatched: 0,
    }),
  ],
  totals: [
    {
      currency: "EUR",
      customers: 2,
      matched: 1,
      rated: "350.00",
      invoiced: "348.75",
      difference: "-1.25",
      causes: { priceMismatch: "-1.25" },
      unexplained: "0.00",
      notCompared: 1,
      notComparedRated: "12.00",
      notComparedInvoiced: "0.00",
      resale: "372.00",
      margin: "11.25",
      otherCharges: "151.25",
      invoiceTotal: "500.00",
      invoiceRest: "0.00",
    },
  ],
  licences: {
    checked: 4,
    notChecked: 0,
    datedByLine: 3,
    datedByCreation: 1,
    flags: [
      {
        accountId: "a1",
        customerId: "c-2",
        customer: "Northwind",
        document: "invoice G000000007",
        subscriptionId: "492F5229",
        productId: "CFQ7TTC0LH18",
        skuId: "0001",
        product: "Microsoft 365 Business Basic",
        chargeType: "cycleCharge",
        chargeStart: "2026-10-01T00:00:00Z",
        term: "P1M",
        billingPlan: "monthly",
        termMonth: "2025-12",
        termDatedBy: "subscriptionCreation",
        market: "DE",
        currency: "EUR",
        quantity: "20",
        billedUnitPrice: "6.27",
        listUnitPrice: "5.70",
        difference: "0.57",
      },
    ],
  },
};

const periods = [
  { period: "2026-11", rated: 3, refused: 0, invoiced: false },
  { period: "2026-10", rated: 3, refused: 0, invoiced: true },
];

describe("Reconciliation page", () => {
  it("lists a licence billed away from its term's price with both prices", async () => {
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [october] });
    window.location.hash = "#/reconciliation";
    render(<App />);
    const section = await screen.findByTestId("reconciliation-licences");
    expect(section.textContent).toContain("Licence billed away from its term's price");
    expect(screen.getByTestId("reconciliation-licences-summary").textContent).toContain("4 licence charges checked");
    const flags = screen.getAllByTestId("licence-flag");
    expect(flags).toHaveLength(1);
    expect(flags[0]?.textContent).toContain("Northwind");
    expect(flags[0]?.textContent).toContain("invoice G000000007");
    expect(flags[0]?.querySelector('[data-testid="licence-billed"]')?.textContent).toBe(formatMoney("6.27", "EUR"));
    expect(flags[0]?.querySelector('[data-testid="licence-list"]')?.textContent).toBe(formatMoney("5.70", "EUR"));
    // Which rule dated the terms: three by their lines, one by its subscription's creation,
    // and the flag resting on the approximation says so.
    const dating = screen.getByTestId("reconciliation-licences-dating").textContent;
    expect(dating).toContain("subscription start: 3");
    expect(dating).toContain("creation, the line sending no term dates: 1");
    expect(flags[0]?.querySelector('[data-testid="licence-term-month"]')?.textContent).toContain(
      "dated by the subscription's creation",
    );
  });

  it("opens the newest invoiced period with its totals, verdicts and causes", async () => {
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [october] });
    window.location.hash = "#/reconciliation";
    render(<App />);
    const rows = await screen.findAllByTestId("reconciliation-row");
    expect(rows).toHaveLength(3);
    // Unexplained first, then explained, not compared, matches: Northwind differs.
    expect(rows[0]?.textContent).toContain("Northwind");
    expect(rows[0]?.querySelector("[data-verdict]")?.getAttribute("data-verdict")).toBe("explained");
    expect(rows[0]?.textContent).toContain("Price mismatch");
    // Difference is in the chooser, not on screen by default: Unexplained says what matters.
    expect(rows[0]?.querySelector('[data-col="difference"]')).toBeNull();
    expect(rows[0]?.querySelector('[data-col="margin"]')?.textContent).toBe(formatMoney("1.25", "EUR"));
    const litware = rows.find((r) => r.textContent.includes("Litware")) as HTMLElement;
    expect(litware.textContent).toContain("legacy (0145P) usage only");
    expect(litware.querySelector('[data-col="invoiced"]')?.textContent).toBe("—");
    const totals = screen.getByTestId("reconciliation-totals");
    expect(totals.textContent).toContain("1 of 2");
    // Litware was left out: the headline says so, with its amount, instead of looking complete.
    const left = screen.getByTestId("not-compared-EUR");
    expect(left.textContent).toContain("1");
    expect(left.textContent).toContain(formatMoney("12.00", "EUR"));
    // With the reason in words: its lead, and how many customers it holds back.
    expect(screen.getByTestId("not-compared-reasons-EUR").textContent).toBe(" · legacy (0145P) usage only (1)");
    expect(totals.textContent).toContain(formatMoney("350.00", "EUR"));
    expect(screen.getByTestId("unexplained-EUR").textContent).toBe(formatMoney("0.00", "EUR"));
    const select = screen.getByTestId<HTMLSelectElement>("period-select");
    expect(select.value).toBe("2026-10");
    expect(select.textContent).toContain(`${periodLabel("2026-11")} · open`);
    // The name and the money fit a 1280x800 window; the grid adds up the rows per currency.
    const layout = shownColumns("reconciliation-table");
    expect(layout.keys).toEqual(["customer", "invoiced", "rated", "resale", "margin", "unexplained", "verdict", "causes"]);
    expect(layout.width).toBeLessThanOrEqual(CONTENT_WIDTH_1280);
    const sums = screen.getByTestId("reconciliation-table-totals").querySelector("tr[data-currency=EUR]");
    expect(sums?.querySelector('[data-col="invoiced"]')?.textContent).toBe(formatMoney("348.75", "EUR"));
    expect(sums?.querySelector('[data-col="rated"]')?.textContent).toBe(formatMoney("362.00", "EUR"));
    // The rows' resale and margin add up in the totals row: 110 + 250 + 12, and 10 + 1.25.
    expect(sums?.querySelector('[data-col="resale"]')?.textContent).toBe(formatMoney("372.00", "EUR"));
    expect(sums?.querySelector('[data-col="margin"]')?.textContent).toBe(formatMoney("11.25", "EUR"));
    expect(screen.getByTestId("resale-EUR").textContent).toBe(formatMoney("372.00", "EUR"));
    expect(screen.getByTestId("margin-EUR").textContent).toBe(formatMoney("11.25", "EUR"));
  });

  it("shows the headline as parts of the invoices that add up to their total", async () => {
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [october] });
    window.location.hash = "#/reconciliation/2026-10";
    render(<App />);
    await screen.findAllByTestId("reconciliation-row");
    const parts = screen.getByTestId("invoice-parts-EUR");
    const part = (name: string) => parts.querySelector(`[data-part=${name}]`);
    expect(part("compared")?.textContent).toBe(`Usage compared ${formatMoney("348.75", "EUR")}`);
    expect(part("notCompared")?.textContent).toBe(`usage not compared ${formatMoney("0.00", "EUR")}`);
    expect(part("other")?.textContent).toBe(`licences and other charges ${formatMoney("151.25", "EUR")}`);
    expect(part("total")?.textContent).toContain(formatMoney("500.00", "EUR"));
    // Nothing left over, so no rest is shown; the parts' exact amounts are there to add up.
    expect(part("rest")).toBeNull();
    const cents = [...parts.querySelectorAll<HTMLElement>("[data-part]:not([data-part=total])")].map((e) =>
      Math.round(Number(e.dataset.amount) * 100),
    );
    expect(cents.reduce((a, b) => a + b, 0)).toBe(50000);
  });

  it("shows what the invoices charge beyond the parts, and an open month's charges so far", async () => {
    const [eur] = october.totals;
    const open: PeriodReconciliationDto = {
      ...october,
      period: "2026-11",
      totals: [{ ...(eur as ReconciliationTotalDto), invoiceTotal: null, otherCharges: "20.00" }],
    };
    const unread: PeriodReconciliationDto = {
      ...october,
      totals: [{ ...(eur as ReconciliationTotalDto), invoiceTotal: "530.00", invoiceRest: "30.00" }],
    };
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [unread, open] });
    window.location.hash = "#/reconciliation/2026-10";
    const { unmount } = render(<App />);
    await screen.findAllByTestId("reconciliation-row");
    const rest = screen.getByTestId("invoice-parts-EUR").querySelector("[data-part=rest]");
    expect(rest?.textContent).toContain("invoice lines not read yet");
    expect(rest?.textContent).toContain(formatMoney("30.00", "EUR"));
    unmount();
    window.location.hash = "#/reconciliation/2026-11";
    render(<App />);
    await screen.findAllByTestId("reconciliation-row");
    const parts = screen.getByTestId("invoice-parts-EUR");
    expect(parts.querySelector("[data-part=total]")).toBeNull();
    expect(parts.textContent).toContain("not invoiced yet");
    expect(parts.querySelector("[data-part=other]")?.textContent).toContain(formatMoney("20.00", "EUR"));
  });

  it("filters to customers that do not match and opens a customer's differing lines", async () => {
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [october] });
    window.location.hash = "#/reconciliation/2026-10";
    render(<App />);
    await screen.findAllByTestId("reconciliation-row");
    fireEvent.click(screen.getByTestId("only-differences"));
    await waitFor(() => {
      expect(screen.getAllByTestId("reconciliation-row")).toHaveLength(2);
    });
    expect(screen.getByTestId("reconciliation-count").textContent).toContain("of 3");
    fireEvent.click(within(screen.getAllByTestId("reconciliation-row")[0] as HTMLElement).getByText("Northwind"));
    const line = await screen.findByText("m-vm");
    expect(line.closest("tr")?.textContent).toContain(formatMoney("-1.00", "EUR"));
    // The causes with their amounts, which the narrow Causes column names only.
    expect(screen.getByTestId("row-causes").textContent).toContain(`Price mismatch ${formatMoney("-1.25", "EUR")}`);
  });

  it("names the lines Discovery set aside as their own cause", async () => {
    const withAside: PeriodReconciliationDto = {
      ...october,
      customers: [row({ rated: "103.00", difference: "-3.00", causes: { setAside: "-3.00" }, setAsideLines: 2, linesMatched: 30 })],
    };
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [withAside] });
    window.location.hash = "#/reconciliation/2026-10";
    render(<App />);
    const [fabrikam] = await screen.findAllByTestId("reconciliation-row");
    expect(fabrikam?.textContent).toContain("Lines set aside");
    expect(within(fabrikam as HTMLElement).getByTestId("set-aside-lines").textContent).toContain("2 lines set aside when read");
  });

  it("says what to do when nothing is rated, and shows a failing period's error", async () => {
    mockBackend([signedIn()], "Admin", {});
    window.location.hash = "#/reconciliation";
    const { unmount } = render(<App />);
    expect((await screen.findByTestId("empty-state")).textContent).toContain("Run Discovery");
    unmount();
    mockBackend([signedIn()], "Admin", { periods, reconciliations: [] });
    window.location.hash = "#/reconciliation/2026-10";
    render(<App />);
    expect((await screen.findByRole("alert")).textContent).toContain("Nothing rated in 2026-10");
  });
});
