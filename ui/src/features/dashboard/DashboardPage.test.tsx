import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { render } from "../../test/render";
import { App } from "../../App";
import { clearMocks, mockBackend } from "../../test/ipcMock";
import { signedIn } from "../../test/fixtures";
import { formatMoney, formatMoneyExact } from "../../format";
import type { CurrencyDashboardDto } from "../../ipc";

afterEach(() => {
  cleanup();
  clearMocks();
  window.location.hash = "";
});

const view = (currency: string, over: Partial<CurrencyDashboardDto> = {}): CurrencyDashboardDto => ({
  currency,
  months: [
    { period: "2026-10", cost: "1000.00", resale: "1120.00", open: false, notInvoiced: false },
    { period: "2026-11", cost: "400.00", resale: "448.00", open: true, notInvoiced: false },
  ],
  rankedPeriod: "2026-10",
  topCustomers: [],
  topMargins: [],
  categories: [["Virtual Machines", "600.00"]],
  monthToDate: "400.00",
  lastMonthSameDays: "320.00",
  lastMonth: "1000.00",
  monthToDateGain: null,
  exportedCosts: null,
  charts: [
    { id: "trend", title: `Cost and resale by month · ${currency}`, svg: `<svg xmlns="http://www.w3.org/2000/svg"><text>${currency}</text></svg>` },
    { id: "categories", title: "Rated cost by service category", svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
  ],
  ...over,
});

describe("Dashboard", () => {
  it("splits the month's margin into savings on list and markup, per currency, as the backend adds them", async () => {
    // EUR: list 151.35 − effective 125.1675 = 26.1825 saved; resale 137.68 − cost 125.16 = 12.52 markup.
    const gain = { period: "2026-11", list: "151.35", effective: "125.1675", savings: "26.1825", cost: "125.16", resale: "137.68", markup: "12.52" };
    mockBackend([signedIn()], "Admin", { dashboard: { currencies: [view("EUR", { monthToDateGain: gain }), view("USD")] } });
    window.location.hash = "#/dashboard";
    render(<App />);
    const strip = await screen.findByTestId("dashboard-gain");
    const eur = (amount: string) => formatMoneyExact(amount, "EUR");
    expect(within(strip).getByTestId("gain-savings").textContent).toBe(eur("26.1825"));
    expect(within(strip).getByTestId("gain-markup").textContent).toBe(eur("12.52"));
    expect(strip.textContent).toContain(`list ${eur("151.35")} − effective ${eur("125.1675")}`);
    expect(strip.textContent).toContain(`resale ${eur("137.68")} − cost ${eur("125.16")}`);
    // USD has nothing rated this month: no strip, rather than zeros.
    window.location.hash = "#/dashboard/USD";
    await waitFor(() => {
      expect(screen.queryByTestId("dashboard-gain")).toBeNull();
    });
  });

  it("shows the charts and figures of the largest currency, switches currency by link, and saves a chart", async () => {
    const backend = mockBackend([signedIn()], "Admin", { dashboard: { currencies: [view("EUR"), view("USD", { monthToDate: "99.00" })] } });
    window.location.hash = "#/dashboard";
    render(<App />);
    const charts = await screen.findByTestId("dashboard-charts");
    expect(within(charts).getByRole("group", { name: "Cost and resale by month · EUR" })).toBeTruthy();
    expect(within(charts).queryAllByRole("img", { name: "Cost and resale by month · EUR" })).toHaveLength(0);
    expect(screen.getByTestId("kpi-month-to-date").textContent).toBe(formatMoney("400.00", "EUR"));
    expect(screen.getByTestId("dashboard-kpis").textContent).toContain("+25.0 %");
    expect(screen.getByTestId("dashboard-health").textContent).toContain("Contoso");
    // The month so far is reached by a dashed segment, for cost and for resale.
    expect(within(charts).getByTestId("chart-trend").querySelectorAll("polyline.partial")).toHaveLength(2);

    fireEvent.click(within(screen.getByTestId("chart-trend")).getByText("Save PNG"));
    expect(await within(screen.getByTestId("chart-trend")).findByText(/Saved to \/home\/finance\/trend-EUR.png/)).toBeTruthy();
    expect(backend.savedCharts).toEqual([["trend-EUR", true]]);

    window.location.hash = "#/dashboard/USD";
    await waitFor(() => {
      expect(screen.getByTestId("kpi-month-to-date").textContent).toBe(formatMoney("99.00", "USD"));
    });
  });

  it("draws the trend in the page: a link per month to Billing, values on hover or focus, the month so far and a missing month named", async () => {
    mockBackend([signedIn()], "Admin", {
      dashboard: {
        currencies: [
          view("GBP", {
            months: [
              { period: "2026-09", cost: "900.00", resale: "1008.00", open: false, notInvoiced: false },
              { period: "2026-10", cost: "1000.00", resale: "1120.00", open: false, notInvoiced: false },
              { period: "2026-12", cost: "400.00", resale: "448.00", open: true, notInvoiced: false },
            ],
          }),
        ],
      },
    });
    window.location.hash = "#/dashboard";
    render(<App />);
    const trend = await screen.findByTestId("chart-trend");
    const points = within(trend).getAllByTestId("trend-point");
    expect(points).toHaveLength(3);
    expect(points[1]?.getAttribute("href")).toBe("#/billing?month=2026-10");
    expect(points[2]?.getAttribute("aria-label")).toContain("(so far)");
    expect(within(trend).getByText("so far")).toBeTruthy();
    expect(within(trend).getByTestId("trend-gap").textContent).toContain("not invoiced yet");
    expect(within(trend).queryByTestId("trend-tip")).toBeNull();
    fireEvent.focus(points[1] as Element);
    const tip = within(trend).getByTestId("trend-tip");
    expect(tip.textContent).toContain(formatMoney("1000.00", "GBP"));
    expect(tip.textContent).toContain(formatMoney("1120.00", "GBP"));
    fireEvent.blur(points[1] as Element);
    expect(within(trend).queryByTestId("trend-tip")).toBeNull();
  });

  it("draws a closed month not invoiced yet from its rated figures, dashed and named, not as a gap", async () => {
    mockBackend([signedIn()], "Admin", {
      dashboard: {
        currencies: [
          view("GBP", {
            months: [
              { period: "2026-10", cost: "1000.00", resale: "1120.00", open: false, notInvoiced: false },
              { period: "2026-11", cost: "950.00", resale: "1064.00", open: false, notInvoiced: true },
              { period: "2026-12", cost: "400.00", resale: "448.00", open: true, notInvoiced: false },
            ],
          }),
        ],
      },
    });
    window.location.hash = "#/dashboard";
    render(<App />);
    const trend = await screen.findByTestId("chart-trend");
    const points = within(trend).getAllByTestId("trend-point");
    expect(points).toHaveLength(3);
    expect(points[1]?.getAttribute("aria-label")).toContain("(rated, not invoiced yet)");
    expect(points[1]?.getAttribute("href")).toBe("#/billing?month=2026-11");
    expect(within(trend).queryByTestId("trend-gap")).toBeNull();
    expect(within(trend).getByText("Not invoiced yet (rated usage)")).toBeTruthy();
    // Both the segment into November and the one into December are dashed (two lines each).
    expect(trend.querySelectorAll("polyline.partial")).toHaveLength(4);
    fireEvent.focus(points[1] as Element);
    expect(within(trend).getByTestId("trend-tip").textContent).toContain("(rated, not invoiced yet)");
  });

  it("links a customer's bar to the customer, and says what to do instead of plotting zero margins", async () => {
    const contoso = { accountId: "acc-1", customerId: "cust-1", name: "Contoso", cost: "500.00", resale: "500.00", margin: "0.00" };
    mockBackend([signedIn()], "Admin", {
      dashboard: {
        currencies: [
          view("GBP", {
            topCustomers: [contoso],
            topMargins: [contoso],
            charts: [
              { id: "topCustomers", title: "Top customers", svg: "<svg/>" },
              { id: "margin", title: "Margin by customer", svg: "<svg/>" },
            ],
          }),
        ],
      },
    });
    window.location.hash = "#/dashboard";
    render(<App />);
    const top = await screen.findByTestId("chart-topCustomers");
    // Named by what it shows: the full name and the amount.
    const bar = within(top).getByRole("link");
    expect(bar.textContent).toBe(`Contoso ${formatMoney("500.00", "GBP")}Contoso${formatMoney("500.00", "GBP")}`);
    expect(bar.getAttribute("href")).toBe("#/subscriptions/acc-1/cust-1");
    const margin = screen.getByTestId("chart-margin");
    expect(within(margin).getByTestId("chart-nothing").textContent).toContain("Set a markup");
    expect(within(margin).queryAllByTestId("bar")).toHaveLength(0);
  });

  it("draws the Azure costs from exports from their figures, not from a picture", async () => {
    mockBackend([signedIn()], "Admin", {
      dashboard: {
        currencies: [
          view("EUR", {
            exportedCosts: { month: "2026-10", customers: [["Fabrikam", "812.40"], ["Northwind", "97.05"]] },
            charts: [{ id: "exportedCosts", title: "Azure costs from exports by customer", svg: "<svg/>" }],
          }),
        ],
      },
    });
    window.location.hash = "#/dashboard";
    render(<App />);
    const chart = await screen.findByTestId("chart-exportedCosts");
    // Drawn in the page, not the backend's picture.
    expect(chart.querySelector("img")).toBeNull();
    const bars = within(chart).getAllByTestId("bar");
    expect(bars).toHaveLength(2);
    expect(bars[0]?.textContent).toContain(formatMoney("812.40", "EUR"));
    expect(bars[1]?.textContent).toContain("Northwind");
  });

  it("says what to do before anything is discovered", async () => {
    mockBackend([signedIn()], "Admin", {});
    window.location.hash = "#/dashboard";
    render(<App />);
    expect((await screen.findByTestId("empty-state")).textContent).toContain("run Discovery");
  });
});
