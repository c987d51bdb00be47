// axe-core over every page as the tests' fake backend fills it: no serious or critical
// violation (names, labels, roles, landmarks, ARIA). jsdom lays nothing out, so colour
// contrast is left to the end-to-end run in the real window (tests/e2e/accessibility.test.mjs).
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import axe from "axe-core";
import { render } from "./test/render";
import { App } from "./App";
import { clearMocks, mockBackend } from "./test/ipcMock";
import { resetRatedMock } from "./test/ratedMock";
import { customer, invoice as fixtureInvoice, signedIn, subscription } from "./test/fixtures";
import type { CurrencyDashboardDto, InvoiceDto, PeriodReconciliationDto } from "./ipc";

// jsdom has no canvas; axe-core asks for one to look for icon fonts, and only needs a "no".
HTMLCanvasElement.prototype.getContext = () => null;

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const invoice: InvoiceDto = fixtureInvoice();

const fabrikam = { accountId: "a1", customerId: "c-00001", name: "Customer 00001", cost: "1000.00", resale: "1120.00", margin: "120.00" };
const euro: CurrencyDashboardDto = {
  currency: "EUR",
  months: [
    { period: "2026-09", cost: "900.00", resale: "1008.00", open: false, notInvoiced: false },
    { period: "2026-10", cost: "1000.00", resale: "1120.00", open: false, notInvoiced: false },
    { period: "2026-12", cost: "400.00", resale: "448.00", open: true, notInvoiced: false },
  ],
  rankedPeriod: "2026-10",
  topCustomers: [fabrikam],
  topMargins: [fabrikam],
  categories: [["Virtual Machines", "600.00"]],
  monthToDate: "400.00",
  lastMonthSameDays: "320.00",
  lastMonth: "1000.00",
  monthToDateGain: { period: "2026-12", list: "520.00", effective: "412.50", savings: "107.50", cost: "400.00", resale: "448.00", markup: "48.00" },
  exportedCosts: null,
  charts: ["trend", "topCustomers", "margin", "categories"].map((id) => ({ id, title: id, svg: "<svg/>" })),
};

// One customer whose rated cost differs from the invoice by a price, with its line: an expandable row.
const october: PeriodReconciliationDto = {
  period: "2026-10",
  customers: [
    {
      accountId: "a1",
      accountName: "Contoso",
      customer: "c-00001",
      customerName: "Customer 00001",
      period: "2026-10",
      currency: "EUR",
      invoiceState: "billed",
      rated: "250.00",
      invoiced: "249.00",
      resale: "275.00",
      margin: "26.00",
      difference: "-1.00",
      causes: { priceMismatch: "-1.00" },
      unexplained: "0.00",
      refused: null,
      linesCompared: 2,
      linesMatched: 1,
      differences: [
        { subscriptionId: "p-1", entitlementId: "e-1", meterId: "m-vm", usageDate: "2026-10-03", rated: "10.00", invoiced: "9.00", difference: "-1.00", causes: { priceMismatch: "-1.00" }, unexplained: "0.00" },
      ],
      setAsideLines: 0,
    },
  ],
  totals: [
    { currency: "EUR", customers: 1, matched: 0, rated: "250.00", invoiced: "249.00", difference: "-1.00", causes: { priceMismatch: "-1.00" }, unexplained: "0.00", notCompared: 0, notComparedRated: "0.00", notComparedInvoiced: "0.00", resale: "275.00", margin: "26.00", otherCharges: "120.00", invoiceTotal: "369.00", invoiceRest: "0.00" },
  ],
  licences: {
    checked: 1,
    notChecked: 0,
    datedByLine: 0,
    datedByCreation: 1,
    flags: [
      { accountId: "a1", customerId: "c-00001", customer: "Customer 00001", document: "invoice G000000007", subscriptionId: "s-1", productId: "CFQ7TTC0LH18", skuId: "0001", product: "Microsoft 365 Business Basic", chargeType: "cycleCharge", chargeStart: "2026-10-01T00:00:00Z", term: "P1M", billingPlan: "monthly", termMonth: "2025-12", termDatedBy: "subscriptionCreation", market: "DE", currency: "EUR", quantity: "2", billedUnitPrice: "6.27", listUnitPrice: "5.70", difference: "0.57" },
    ],
  },
};

function backend() {
  resetRatedMock({
    "a1/c-00001/2026-10": {
      period: "2026-10",
      lines: [
        {
          subscriptionId: "p-1",
          entitlementId: "e-1",
          meterId: "m-vm",
          meterName: "D2 v3",
          meterCategory: "Virtual Machines",
          usageDate: "2026-10-03",
          quantity: "24",
          currency: "EUR",
          priceOrigin: "priceList",
          list: "12.00",
          effective: "10.20",
          billed: "10.20",
          resale: "11.22",
          savings: "1.80",
        },
      ],
      totals: [{ currency: "EUR", lines: 1, list: "12.00", effective: "10.20", billed: "10.20", resale: "11.22", savings: "1.80", markup: "1.02" }],
    },
  });
  return mockBackend([signedIn()], "Admin", {
    customers: [customer(1, { currency: "EUR", monthToDateCost: "10.00", monthToDateResale: "11.00", monthToDateMargin: "1.00" }), customer(2)],
    subscriptions: [subscription()],
    invoices: [invoice],
    invoiceDetails: {
      "a1/G000000001": {
        invoice,
        customers: [{ customerId: "c-00001", customerName: "Customer 00001", lines: 1, cost: "1500.00", markup: "0.00", fee: "0.00", resale: "1500.00", margin: "0.00" }],
        costTotal: "1500.00",
        markupTotal: "0.00",
        feeTotal: "0.00",
        resaleTotal: "1500.00",
        marginTotal: "0.00",
        matchesInvoice: true,
        notes: [],
      },
    },
    dashboard: { currencies: [euro] },
    periods: [{ period: "2026-10", rated: 1, refused: 0, invoiced: true }],
    reconciliations: [october],
    today: "2026-11-21",
  });
}

const PAGES: [string, string][] = [
  ["#/accounts", "Accounts"],
  ["#/customers", "Customers"],
  ["#/customers/a1/c-00001/markup", "Markup of Customer 00001"],
  ["#/subscriptions", "Subscriptions"],
  ["#/dashboard", "Dashboard"],
  ["#/billing", "Billing"],
  ["#/billing/a1/G000000001", "G000000001"],
  ["#/billing/a1/G000000001/c-00001?view=rated", "Customer 00001"],
  ["#/reconciliation", "Reconciliation"],
  ["#/stack", "Azure Stack"],
  ["#/costs", "Azure costs"],
];

describe("accessibility (axe-core)", () => {
  it.each(PAGES)("%s has no serious or critical violation", async (hash, title) => {
    backend();
    window.location.hash = hash;
    render(<App />);
    await waitFor(() => {
      expect(document.getElementById("page-title")?.textContent).toContain(title);
    });
    // Let the page's reads land, so what is checked is the filled page.
    await waitFor(() => {
      expect(screen.queryAllByText(/^Loading/)).toHaveLength(0);
    });
    const result = await axe.run(document.body, {
      resultTypes: ["violations"],
      rules: { "color-contrast": { enabled: false } },
    });
    const bad = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(bad).toEqual([]);
  });
});
