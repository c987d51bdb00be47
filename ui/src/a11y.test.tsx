// axe-core over every page as the tests' fake backend fills it: no serious or critical
// violation (names, labels, roles, landmarks, ARIA). jsdom lays nothing out, so colour
// contrast is left to the end-to-end run in the real window (tests/e2e/accessibility.test.mjs).
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, screen, waitFor } from "@testing-library/react";
import axe from "axe-core";
import { render } from "./test/render";
import { App } from "./App";
import { clearMocks, mockBackend } from "./test/ipcMock";
import { customer, invoice as fixtureInvoice, signedIn, subscription } from "./test/fixtures";
import type { CurrencyDashboardDto, InvoiceDto } from "./ipc";

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
    { period: "2026-09", cost: "900.00", resale: "1008.00", open: false },
    { period: "2026-10", cost: "1000.00", resale: "1120.00", open: false },
    { period: "2026-12", cost: "400.00", resale: "448.00", open: true },
  ],
  rankedPeriod: "2026-10",
  topCustomers: [fabrikam],
  topMargins: [fabrikam],
  categories: [["Virtual Machines", "600.00"]],
  monthToDate: "400.00",
  lastMonthSameDays: "320.00",
  lastMonth: "1000.00",
  charts: ["trend", "topCustomers", "margin", "categories"].map((id) => ({ id, title: id, svg: "<svg/>" })),
};

function backend() {
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
